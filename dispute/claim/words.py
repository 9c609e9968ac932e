"""Sentences of the working, kept as msgid + parameters until someone reads them.

The calculator decides in no language: every reason is a `Words` whose parameters may be money,
dates, vocabulary labels or other `Words`, and `render(lang)` turns it into text in the reader's
language (money in the locale's format, dates as YYYY-MM-DD in both languages, like the CSV).
Keeping the parameters typed lets a saved calculation be shown later in either language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Mapping

from dispute.errors import UserError
from dispute.i18n import N_, format_amount_input, format_money, translator


class ClaimRefused(UserError):
    """The lines or the facts cannot be calculated on; the message says what to change.

    Its parameters may be `Label`s (translated) and `Money` (written "25.00 CNY", since an error
    is rendered with a gettext function alone, without a locale for currency symbols)."""

    def render(self, translate) -> str:
        text = translate(self.msgid)
        if not self.params:
            return text
        return text.format(**{k: _plain(v, translate) for k, v in self.params.items()})


@dataclass(frozen=True)
class Money:
    minor: int
    currency: str


@dataclass(frozen=True)
class Label:
    """A msgid used as a parameter (a charge kind, a category): translated where shown."""

    msgid: str


@dataclass(frozen=True)
class Percent:
    value: Decimal


@dataclass(frozen=True)
class Words:
    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, lang: str) -> str:
        return _render(self, lang, translator(lang))


def say(msgid: str, **params: Any) -> Words:
    return Words(msgid, params)


def _value(value: Any, lang: str, translate) -> Any:
    if isinstance(value, Words):
        return _render(value, lang, translate)
    if isinstance(value, Money):
        return format_money(value.minor, value.currency, lang)
    if isinstance(value, Label):
        return translate(value.msgid)
    if isinstance(value, Join):
        return translate(N_(", ")).join(_render(w, lang, translate) for w in value.items)
    if isinstance(value, Percent):
        return f"{value.value}%"
    if isinstance(value, date):
        return value.isoformat()
    return value


def _plain(value: Any, translate) -> Any:
    if isinstance(value, Label):
        return translate(value.msgid)
    if isinstance(value, Money):
        return f"{format_amount_input(value.minor, value.currency)} {value.currency}"
    if isinstance(value, UserError):
        return value.render(translate)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _render(words: Words, lang: str, translate) -> str:
    text = translate(words.msgid)
    if not words.params:
        return text
    return text.format(**{k: _value(v, lang, translate) for k, v in words.params.items()})


@dataclass(frozen=True)
class Join:
    """Several `Words` as one parameter, joined the language's way."""

    items: tuple[Words, ...]
