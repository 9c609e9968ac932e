"""Errors a user should read.

Each carries an English message id and parameters; the edge (page or CLI) translates the id with the
user's catalog, so the domain never needs to know the user's language.
"""

from __future__ import annotations

from dispute.i18n import N_


class UserError(Exception):
    """An error meant for the person who caused it: specific, translatable, no stack trace."""

    def __init__(self, msgid: str, **params: object) -> None:
        self.msgid = msgid
        self.params = params
        super().__init__(self.render(lambda s: s))

    def render(self, translate) -> str:
        """The message in the language of `translate` (a gettext function)."""
        text = translate(self.msgid)
        if not self.params:
            return text
        params = {k: v.render(translate) if isinstance(v, UserError) else v
                  for k, v in self.params.items()}
        return text.format(**params)


class NotFound(UserError):
    """The thing does not exist, or the user may not know that it does."""


class Forbidden(UserError):
    """The user may not do this."""


class StaleWrite(UserError):
    """Someone else changed the record since the user read it."""

    def __init__(self) -> None:
        super().__init__(N_("This dispute was changed by someone else — reload."))


class DatabaseLocked(UserError):
    """Another process holds the DuckDB file; DuckDB allows one writer process."""


class DatabaseUnavailable(UserError):
    """The database server cannot be used: unreachable, refused the login, no such database,
    or a schema this code does not know. Said in one line at start-up, never a traceback."""


class WriteNotApplied(UserError):
    """A write did not land (DuckDB rolled it back); never reported as success."""


class InvalidInput(UserError):
    """Input failed validation; `fields` maps a field name to its translated-later message."""

    def __init__(self, fields: dict[str, UserError]) -> None:
        self.fields = fields
        super().__init__(N_("Please correct the fields marked below."))


class Listing(UserError):
    """A list of msgids as one message parameter, each translated, joined the language's way."""

    def __init__(self, msgids: list[str]) -> None:
        self.msgids = list(msgids)
        super().__init__(N_("(none)"))

    def render(self, translate) -> str:
        if not self.msgids:
            return translate(N_("(none)"))
        return translate(N_(", ")).join(translate(m) for m in self.msgids)


class Money(UserError):
    """An amount as a message parameter, written as money in the reader's language
    ("¥100,000,000,000.00"), never as bare minor units."""

    def __init__(self, minor: int, currency: str) -> None:
        self.minor, self.currency = minor, str(currency)
        super().__init__(N_("(none)"))

    def render(self, translate) -> str:
        from dispute.i18n import format_money

        return format_money(self.minor, self.currency, getattr(translate, "lang", "en"))


class Day(UserError):
    """A date as a message parameter, written the reader's way ("2026年11月22日")."""

    def __init__(self, value) -> None:
        self.value = value
        super().__init__(N_("(none)"))

    def render(self, translate) -> str:
        from dispute.i18n import format_date

        return format_date(self.value, getattr(translate, "lang", "en"))


class Typed(UserError):
    """What the user typed, quoted as a message parameter (kept as typed, shortened)."""

    def __init__(self, text: str) -> None:
        self.text = text if len(text) <= 40 else text[:39] + "…"
        super().__init__(N_("(none)"))

    def render(self, translate) -> str:
        return self.text
