"""Who may see and change which dispute. Every service call goes through here with its actor.

A borrower who asks for someone else's dispute is told it does not exist: the answer must not
reveal that the number is taken. Administrators run the system and see no case contents.
"""

from __future__ import annotations

from typing import Any

from dispute.errors import Forbidden, NotFound
from dispute.i18n import N_
from dispute.models import User
from dispute.vocab import Role

CASE_ROLES = (Role.STAFF, Role.LEGAL)


def not_found(number: str) -> NotFound:
    return NotFound(N_("No dispute {number} was found."), number=number)


def check_case_access(actor: User, row: dict[str, Any] | None, number: str) -> dict[str, Any]:
    """The dispute row if `actor` may see it; otherwise NotFound or Forbidden."""
    if actor.role == Role.ADMIN:
        raise Forbidden(N_("Administrators do not see the contents of disputes."))
    if row is None:
        raise not_found(number)
    if actor.role == Role.BORROWER and row["borrower_id"] != actor.id:
        raise not_found(number)
    return row


def require_role(actor: User, *roles: Role) -> None:
    if actor.role not in roles:
        raise Forbidden(N_("Your role may not do this."))
