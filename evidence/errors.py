"""Why an upload was refused, in words the uploader can read and a code the caller can branch on."""

from __future__ import annotations

from typing import Literal

from dispute.errors import UserError
from dispute.i18n import N_, Translate

RefusalCode = Literal["empty", "too_large", "type_not_accepted", "disguised", "active_content",
                      "polyglot", "incomplete", "too_many_pixels"]


class Phrase(str):
    """A message parameter that is itself an English msgid, so it is translated where shown too."""


class EvidenceRefused(UserError):
    """An upload that will not be stored: `code` for callers, the message for people."""

    def __init__(self, code: RefusalCode, msgid: str, **params: object) -> None:
        self.code: RefusalCode = code
        super().__init__(msgid, **params)

    def render(self, translate: Translate) -> str:
        """The message in the language of `translate`, its phrase parameters translated as well."""
        text = translate(self.msgid)
        if not self.params:
            return text
        return text.format(**{k: _render_param(v, translate) for k, v in self.params.items()})


def _render_param(value: object, translate: Translate) -> object:
    """Phrases are translated; a tuple of phrases becomes a translated, comma-separated list."""
    if isinstance(value, Phrase):
        return translate(value)
    if isinstance(value, tuple):
        return ", ".join(str(_render_param(v, translate)) for v in value)
    return value


class StoredFileDamaged(UserError):
    """A stored object that fails authentication: changed, cut short, or another object's file.

    Not a ValueError or OSError on purpose: previews that treat those as "cannot be shown" must not
    hide tampering."""

    def __init__(self, sha256: str) -> None:
        self.sha256 = sha256
        super().__init__(N_("The stored file {sha256} failed its integrity check: it was altered, "
                            "cut short or replaced. Restore it from a backup."), sha256=sha256)
