"""Every string a user sees comes from the catalogs, complete in both languages."""

import importlib.util
import string
from datetime import date
from pathlib import Path

import pytest

from dispute.i18n import LANGUAGES, catalog, format_date, format_money, translator
from dispute.vocab import LABELS

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
i18n_script = importlib.util.module_from_spec(spec)
spec.loader.exec_module(i18n_script)

USED = i18n_script.extract()


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_msgid_in_the_code_is_translated(lang):
    missing = sorted(set(USED) - set(catalog(lang)))
    assert missing == [], f"{lang} lacks translations (run `make i18n`, then translate): {missing}"


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_translations_keep_their_placeholders(lang):
    table = catalog(lang)
    wrong = [m for m in USED if m in table and fields(table[m]) != fields(m)]
    assert wrong == []


def test_every_vocabulary_value_has_a_label():
    assert all(label in USED for label in LABELS.values())


def test_the_extractor_sees_calls_inside_f_strings():
    assert "Remedies sought" in USED  # used only inside an f-string on the dispute page


def test_chinese_catalog_really_is_chinese():
    _ = translator("zh_CN")
    assert _("My disputes") != "My disputes"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in _("File a dispute"))


def test_dates_and_money_follow_the_locale():
    assert format_date(date(2026, 11, 22), "zh_CN") == "2026年11月22日"
    assert format_date(date(2026, 11, 22), "en") == "Nov 22, 2026"
    assert format_money(123450, "CNY", "zh_CN") == "¥1,234.50"
    assert format_money(123450, "USD", "en") == "$1,234.50"
    assert format_money(123450, "CNY", "en") == "¥1,234.50"
    assert format_money(5, "CNY", "zh_CN") == "¥0.05"
