"""Amounts in Chinese capital numerals (大写), as Chinese court papers and banks write them beside
the figures so that neither can be altered alone: 12,345.67 → 人民币壹万贰仟叁佰肆拾伍元陆角柒分.

The rules are those of 支付结算办法 (银发〔1997〕393号) annex 1 (正确填写票据和结算凭证的基本规定):
壹拾 not 拾 for ten; 零 where a zero sits between digits, written once for a run of zeros and
required between 元 and 分 when 角 is zero; 整 after 元 (and here after 角 too, which the rules
allow) but never after 分. Sums in words stop at 万亿 (10^16 yuan), far beyond any loan.
"""

from __future__ import annotations

DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ("仟", "佰", "拾", "")
GROUPS = ("", "万", "亿", "万亿")
PREFIX = {"CNY": "人民币", "USD": "美元", "HKD": "港币", "EUR": "欧元"}


def _group(n: int) -> str:
    """0 < n < 10000 in words, zeros inside written once (1005 → 壹仟零伍)."""
    out, zero = "", False
    for place, unit in enumerate(PLACES):
        digit = n // 10 ** (3 - place) % 10
        if digit == 0:
            zero = zero or bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += DIGITS[digit] + unit
    return out


def integer_in_words(n: int) -> str:
    """A whole number in capital numerals: 107000 → 壹拾万柒仟, 100010000 → 壹亿零壹万."""
    if n < 0:
        raise ValueError("a negative amount has no 大写")
    if n == 0:
        return DIGITS[0]
    groups = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    if len(groups) > len(GROUPS):
        raise ValueError("too large for 大写")
    out, gap = "", False
    for index in reversed(range(len(groups))):
        value = groups[index]
        if value == 0:
            gap = gap or bool(out)
            continue
        if out and (gap or value < 1000):
            out += "零"
        out += _group(value) + GROUPS[index]
        gap = False
    return out


def amount_in_words(minor: int, currency: str = "CNY") -> str:
    """Minor units (fen, cents) → '人民币壹万贰仟叁佰肆拾伍元陆角柒分'. Every currency here has
    two decimals; the prefix names it (人民币, 美元, 港币, 欧元)."""
    if minor < 0:
        raise ValueError("a negative amount has no 大写")
    yuan, jiao, fen = minor // 100, minor // 10 % 10, minor % 10
    text = PREFIX.get(currency, currency)
    if yuan:
        text += integer_in_words(yuan) + "元"
    if not jiao and not fen:
        return text + ("整" if yuan else "零元整")
    if jiao:
        text += DIGITS[jiao] + "角"
    elif yuan:
        text += "零"                  # 元 … 零 … 分: the zero jiao must be written
    return text + (DIGITS[fen] + "分" if fen else "整")
