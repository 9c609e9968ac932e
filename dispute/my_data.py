"""Access (PIPL art. 45): everything the portal holds about the person asking, as one ZIP.

`index.json` holds the account, the account's own history (sign-ins, corrections with the earlier
values opened), and for a borrower each dispute with its fields (account number in full: it is
their own), its history as the borrower's timeline shows it, the messages, the contact log and the
list of evidence; every evidence file is in `evidence/<dispute>/<exhibit>-<name>`. Everything is
gathered through the same services the borrower's own pages use, so nothing internal (notes,
unmaskings) is included. The download is an event (sha256 of the ZIP, how many files).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

from dispute import cases, contacts, exhibits, messages, timeline
from dispute import event_kinds as ek
from dispute import events
from dispute.context import Context
from dispute.models import User
from dispute.storage import disputes, history, users
from dispute.vocab import Role

FORMAT = "personal-data/v1"
_SEALED_IN_EVENTS = {ek.NAME_CHANGED: "name", ek.PHONE_CHANGED: "phone"}


@dataclass(frozen=True)
class DataExport:
    filename: str
    data: bytes
    files: int


def download_my_data(ctx: Context, actor: User) -> DataExport:
    """The actor's data as a ZIP (in memory: evidence is capped per file and per dispute)."""
    now = ctx.now()
    account = _account_part(ctx, actor)
    numbers = (ctx.db.read(disputes.numbers_of_borrower, actor.id)
               if actor.role == Role.BORROWER else [])
    buffer = io.BytesIO()
    files = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        parts = []
        for number in numbers:
            part, written = _dispute_part(ctx, actor, number, zf)
            parts.append(part)
            files += written
        index = {"format": FORMAT, "generated_at": now.isoformat(), "account": account,
                 "disputes": parts}
        zf.writestr("index.json", json.dumps(index, ensure_ascii=False, indent=2, default=str))
    data = buffer.getvalue()
    ctx.db.write(lambda uow: events.append(
        uow, kind=ek.DATA_DOWNLOADED, at=now, actor_id=actor.id,
        payload={"user": str(actor.id), "sha256": hashlib.sha256(data).hexdigest(),
                 "files": files, "disputes": len(numbers)}))
    return DataExport(f"my-data-{now:%Y%m%d}.zip", data, files)


def _account_part(ctx: Context, actor: User) -> dict[str, Any]:
    """The account row and its own history, sealed values opened."""
    row = ctx.db.read(users.by_id, actor.id)
    out = {k: row[k] for k in ("id", "email", "name", "phone", "role", "language", "created_at")}
    out["history"] = [_account_event(ctx, actor, r)
                      for r in ctx.db.read(history.about_user, actor.id)]
    return out


def _account_event(ctx: Context, actor: User, r: dict[str, Any]) -> dict[str, Any]:
    payload = json.loads(r["payload"])
    what = _SEALED_IN_EVENTS.get(r["kind"])
    if what:
        for side in ("before", "after"):
            payload[side] = ctx.db.read(users.open_from_event, actor.id, f"{what}_{side}",
                                        payload.get(side))
    return {"seq": r["seq"], "at": r["occurred_at"], "kind": r["kind"], "details": payload}


def _dispute_part(ctx: Context, actor: User, number: str,
                  zf: zipfile.ZipFile) -> tuple[dict[str, Any], int]:
    d = cases.get_dispute(ctx, actor, number).model_dump(mode="json")
    d["history"] = [e.model_dump(mode="json") for e in timeline.timeline(ctx, actor, number)]
    d["messages"] = [m.model_dump(mode="json", exclude={"new"})
                     for m in messages.list_messages(ctx, actor, number)]
    d["contact_log"] = [c.model_dump(mode="json")
                        for c in contacts.list_contacts(ctx, actor, number)]
    d["evidence"] = []
    written = 0
    for item in exhibits.list_evidence(ctx, actor, number):
        path = f"evidence/{number}/{item.exhibit}-{_safe(item.original_name)}"
        with exhibits.open_evidence(ctx, actor, number, item.id) as fh, \
                zf.open(path, "w", force_zip64=True) as out:
            while chunk := fh.read(1 << 20):
                out.write(chunk)
        d["evidence"].append({**item.model_dump(mode="json"), "file": path})
        written += 1
    return d, written


def _safe(name: str) -> str:
    """A file name that stays inside its folder of the ZIP."""
    cleaned = "".join(c if c not in '/\\:*?"<>|\x00' and c.isprintable() else "_" for c in name)
    return cleaned.strip(". ") or "file"

