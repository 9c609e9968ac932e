"""Amounts in Chinese capital numerals (大写), as 支付结算办法 annex 1 writes them."""

import pytest

from dispute.documents.daxie import amount_in_words, integer_in_words


@pytest.mark.parametrize("minor,words", [
    (1234567, "人民币壹万贰仟叁佰肆拾伍元陆角柒分"),   # the example
    (0, "人民币零元整"),
    (100, "人民币壹元整"),
    (1000, "人民币壹拾元整"),                           # 壹拾, never a bare 拾
    (1500, "人民币壹拾伍元整"),
    (5, "人民币伍分"),                                   # under one yuan: no 元
    (50, "人民币伍角整"),
    (168032, "人民币壹仟陆佰捌拾元叁角贰分"),           # the rules' ¥1,680.32
    (140950, "人民币壹仟肆佰零玖元伍角整"),             # a zero between digits: 零
    (600714, "人民币陆仟零柒元壹角肆分"),               # a run of zeros: one 零
    (10700053, "人民币壹拾万柒仟元伍角叁分"),           # ¥107,000.53
    (32504, "人民币叁佰贰拾伍元零肆分"),                # 角 is zero, 分 is not: 元零…分
    (101000, "人民币壹仟零壹拾元整"),
    (100000100, "人民币壹佰万零壹元整"),
    (10001000000, "人民币壹亿零壹万元整"),
    (10000100000, "人民币壹亿零壹仟元整"),
    (10000000000000, "人民币壹仟亿元整"),                # the largest amount a filing takes
])
def test_amounts_in_words(minor, words):
    assert amount_in_words(minor) == words


def test_other_currencies_are_named():
    assert amount_in_words(7500, "USD") == "美元柒拾伍元整"
    assert amount_in_words(7500, "HKD") == "港币柒拾伍元整"


@pytest.mark.parametrize("n,words", [(1, "壹"), (10, "壹拾"), (11, "壹拾壹"), (110, "壹佰壹拾"),
                                     (1001, "壹仟零壹"), (20000, "贰万"), (20010, "贰万零壹拾")])
def test_integers(n, words):
    assert integer_in_words(n) == words


def test_negative_amounts_are_refused():
    with pytest.raises(ValueError):
        amount_in_words(-1)
