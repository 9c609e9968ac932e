"""A dispute's history as people read it: its events, oldest first, with who did what. The
borrower's timeline leaves out internal events (notes, unmaskings)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from dispute import event_kinds as ek
from dispute import events
from dispute.access import check_case_access
from dispute.case_rows import DISPUTE_SQL
from dispute.context import Context
from dispute.i18n import N_
from dispute.models import Strict, User
from dispute.vocab import Role

KIND_LABELS = {
    ek.DISPUTE_FILED: N_("Dispute filed"),
    ek.DISPUTE_CORRECTED: N_("Filing corrected"),
    ek.STAGE_ADVANCED: N_("Stage changed"),
    ek.DISPUTE_CLOSED: N_("Dispute closed"),
    ek.DISPUTE_WITHDRAWN: N_("Dispute withdrawn"),
    ek.DISPUTE_REOPENED: N_("Dispute reopened"),
    ek.ASSIGNED: N_("Handler assigned"),
    ek.EVIDENCE_ATTACHED: N_("Evidence added"),
    ek.EVIDENCE_WITHDRAWN: N_("Evidence withdrawn"),
    ek.CONTACT_LOGGED: N_("Contact with the lender logged"),
    ek.DEMAND_RECORDED: N_("Written demand recorded"),
    ek.MESSAGE_SENT: N_("Message sent"),
    ek.INFORMATION_REQUESTED: N_("Information requested from the borrower"),
    ek.INFORMATION_PROVIDED: N_("Borrower provided information"),
    ek.NOTE_ADDED: N_("Internal note added"),
    ek.OFFER_MADE: N_("Offer made"),
    ek.OFFER_ANSWERED: N_("Offer answered"),
    ek.MEDIATION_RECORDED: N_("Mediation record updated"),
    ek.MEDIATION_SESSION_RECORDED: N_("Mediation session recorded"),
    ek.LITIGATION_RECORDED: N_("Litigation record updated"),
    ek.HEARING_RECORDED: N_("Hearing recorded"),
    ek.JUDGMENT_RECORDED: N_("Judgment recorded"),
    ek.DEADLINE_EXTENDED: N_("Deadline extended"),
    ek.DEADLINE_PAUSED: N_("Deadline paused"),
    ek.DEADLINE_RESUMED: N_("Deadline resumed"),
    ek.BUNDLE_EXPORTED: N_("Case bundle exported"),
    ek.FIELD_UNMASKED: N_("Personal data unmasked"),
}


def kind_label(kind: str) -> str:
    """The msgid naming an event kind (unknown kinds show as themselves)."""
    return KIND_LABELS.get(kind, kind)


class TimelineEntry(Strict):
    seq: int
    occurred_at: datetime
    kind: str
    actor_name: str | None
    actor_role: Role | None
    payload: dict[str, Any]


def timeline(ctx: Context, actor: User, number: str) -> list[TimelineEntry]:
    row = check_case_access(actor, ctx.db.query(DISPUTE_SQL, (number.strip().upper(),)).first(),
                            number)
    hidden = sorted(ek.INTERNAL) if actor.role == Role.BORROWER else [""]
    rows = ctx.db.query(
        "SELECT e.seq, e.occurred_at, e.kind, e.payload, u.name AS actor_name, "
        "u.role AS actor_role FROM events e LEFT JOIN users u ON u.id = e.actor_id "
        "WHERE e.dispute_id = ? AND NOT list_contains(?, e.kind) ORDER BY e.seq",
        (row["id"], hidden))
    return [TimelineEntry(seq=r["seq"], occurred_at=events.as_utc(r["occurred_at"]),
                          kind=r["kind"], actor_name=r["actor_name"],
                          actor_role=r["actor_role"], payload=json.loads(r["payload"]))
            for r in rows]
