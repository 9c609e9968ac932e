"""Message catalogs (gettext .po files read with Babel) and locale-aware formatting.

Source strings in code are English msgids marked with `_()` (translate now) or `N_()` (mark for
extraction, translate later). `make i18n` extracts them into `dispute/locale/messages.pot` and
updates both catalogs; a test fails when any msgid lacks a translation in either language.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.messages.pofile import read_po
from babel.numbers import format_currency, get_currency_precision

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES: dict[str, str] = {"zh_CN": "简体中文", "en": "English"}
DEFAULT_LANGUAGE = "zh_CN"
DEFAULT_TIMEZONE = "Asia/Shanghai"

Translate = Callable[[str], str]


def N_(msgid: str) -> str:
    """Mark a string for extraction without translating it (it is translated where shown)."""
    return msgid


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    """msgid → msgstr for one language; untranslated and fuzzy entries are left out."""
    path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        po = read_po(fh, locale=lang)
    return {
        m.id: m.string
        for m in po
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }


def translator(lang: str) -> Translate:
    """A gettext function for `lang`; unknown ids fall back to the English source text."""
    table = catalog(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)

    def _(msgid: str) -> str:
        return table.get(msgid, msgid)

    _.lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE  # for values formatted per language
    return _


def plural_translator(lang: str) -> Callable[[str, str, int], str]:
    """An ngettext for `lang`: the singular msgid for one, the plural msgid otherwise, each
    translated. Both catalog languages need no more (Chinese has one form; English, two with
    this rule); each form is its own msgid (scripts/i18n.py extracts both)."""
    _ = translator(lang)

    def ngettext(singular: str, plural: str, n: int) -> str:
        return _(singular if n == 1 else plural)

    return ngettext


def pick_language(accept: str | None) -> str:
    """The catalog for a browser locale such as 'zh-CN' or 'en-US'."""
    if accept and accept.lower().startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE


@lru_cache(maxsize=None)
def _babel_locale(lang: str) -> Locale:
    """Parsed once per language: Locale.parse reads and normalises locale data on every call,
    and a list page formats dozens of dates per run."""
    return Locale.parse(lang)


def to_minor(amount: Decimal, currency: str) -> int:
    """Decimal major units → integer minor units, refusing fractions finer than the currency's."""
    digits = get_currency_precision(currency)
    scaled = amount * (10**digits)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} has more than {digits} decimal places for {currency}")
    return int(scaled)


def format_amount_input(minor: int, currency: str) -> str:
    """Integer minor units → '1234.50', the plain text a form's amount field takes back."""
    digits = get_currency_precision(currency)
    return f"{Decimal(minor) / (10**digits):.{digits}f}"


def format_money(minor: int, currency: str, lang: str) -> str:
    """Integer minor units → '¥1,234.50' / 'US$1,234.50' in the user's locale."""
    digits = get_currency_precision(currency)
    text = format_currency(Decimal(minor) / (10**digits), currency, locale=_babel_locale(lang))
    # English CLDR writes the yuan "CN¥" to tell it from the yen; our readers expect "¥".
    return text.replace("CN¥", "¥")


def format_date(value: date | None, lang: str) -> str:
    """'2026年11月22日' / 'Nov 22, 2026'; an empty string for no date."""
    if value is None:
        return ""
    return _babel_format_date(value, format="long" if lang == "zh_CN" else "medium",
                              locale=_babel_locale(lang))


def format_datetime(value: datetime | None, lang: str, tz: str = DEFAULT_TIMEZONE) -> str:
    """A UTC timestamp shown in the user's time zone."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(tz))
    return f"{format_date(local.date(), lang)} {local:%H:%M}"
