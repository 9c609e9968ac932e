"""A borrower corrects their own filing while it is still `filed`. The dispute row takes the new
text; the `DisputeCorrected` event keeps the earlier values, so nothing said is lost."""

from __future__ import annotations

from typing import Any

from dispute import event_kinds as ek
from dispute import events
from dispute.access import require_role
from dispute.case_rows import row_for_write, touch
from dispute.cases import get_dispute
from dispute.context import Context
from dispute.storage import UnitOfWork
from dispute.errors import UserError
from dispute.i18n import N_
from dispute.masking import mask_number
from dispute.models import Dispute, DisputeFiling, User
from dispute.validation import parse
from dispute.vocab import Role, Stage


def filing_form(d: Dispute) -> dict[str, Any]:
    """The dispute's current filing as form values, to prefill the correction form."""
    return {name: getattr(d, name) for name in DisputeFiling.model_fields}


def correct_filing(ctx: Context, actor: User, number: str, form: dict[str, Any],
                   expected_version: int | None = None) -> Dispute:
    require_role(actor, Role.BORROWER)
    filing = parse(DisputeFiling, form, today=ctx.today())
    new = filing.model_dump(mode="json")

    def stored(field: str) -> Any:
        if field == "remedies":
            return [r.value for r in filing.remedies]
        return getattr(filing, field)

    def write(uow: UnitOfWork) -> None:
        row = row_for_write(uow, actor, number, expected_version)
        if row["stage"] != Stage.FILED:
            raise UserError(N_("A filing can be corrected only before it is acknowledged; "
                               "send a message to the handling team instead."))
        old = DisputeFiling.model_validate({k: row[k] for k in DisputeFiling.model_fields}
                                           ).model_dump(mode="json")
        changed = [k for k in new if new[k] != old[k]]
        if not changed:
            raise UserError(N_("Nothing was changed."))
        now = ctx.now()
        touch(uow, row, now, **{k: stored(k) for k in changed})

        def shown(field: str, values: dict[str, Any]) -> Any:
            return mask_number(values[field]) if field == "account_ref" else values[field]

        events.append(uow, kind=ek.DISPUTE_CORRECTED, at=now, actor_id=actor.id,
                      dispute_id=row["id"],
                      payload={"before": {k: shown(k, old) for k in changed},
                               "after": {k: shown(k, new) for k in changed}})

    ctx.db.write(write)
    return get_dispute(ctx, actor, number)
