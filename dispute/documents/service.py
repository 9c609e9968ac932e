"""`facts_for`: what one user may put into one kind of document about one dispute.

Read only through the existing services (cases, contacts, offers, proceedings, evidence, the
timeline, deadlines, the bundle's content and layout), so access and privacy are decided where
they always are: a borrower gets NotFound for someone else's dispute, a role the kind is not made
by gets Forbidden before the number is looked up, administrators see no case contents.

Numbers (account, phone, email) are masked unless the document needs them whole and the person
may have them: the borrower's own letters carry their own full numbers; legal gets them whole only
through the reasoned, logged unmasking (`dispute.unmasking.unmask`, one event per field); staff's
letters to the borrower always show them masked.

Not stored anywhere the services reach, so always blank for now (DocumentFacts fields): the
borrower's identity document type and number, address, gender, date of birth and ethnicity; the
lender's address, legal representative, credit code, phone, complaints unit, designated notice
address and higher office; the regulator's office and the credit bureau; the statement date; the
lender's claim in its own suit; an agreed court, preservation; and per exhibit original-or-copy.
What each exhibit proves and its source come from the exhibit (`exhibits.describe_exhibit`).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from dispute import event_kinds as ek
from dispute.access import require_role
from dispute.accounts import get_user
from dispute.bundle.content import BundleOptions, gather, mask_value
from dispute.bundle.export import exhibit_pages
from dispute.cases import get_dispute
from dispute.contacts import list_contacts
from dispute.context import Context
from dispute.deadlines.engine import Status
from dispute.deadlines.rulebook import load_rulebook
from dispute.deadlines.service import list_deadlines
from dispute.documents import facts as F
from dispute.documents.kinds import Kind, get_kind
from dispute.documents.make import language_for
from dispute.errors import Forbidden, UserError
from dispute.exhibits import list_evidence
from dispute.i18n import N_
from dispute.models import Dispute, User
from dispute.offers import list_offers
from dispute.proceedings import get_proceedings
from dispute.timeline import timeline
from dispute.unmasking import unmask
from dispute.vocab import Role, Stage

DECISION_RULES = ("decision", "respond", "resolve", "reinvestigate")   # per rulebook


def facts_for(ctx: Context, actor: User, number: str, kind: str, *, lang: str | None = None,
              unmask_reason: str | None = None) -> F.DocumentFacts:
    """The facts `actor` may put into a `kind` document of dispute `number` (in `lang`, which
    decides the exhibits' page numbers in the bundle). `unmask_reason`: legal only, for a
    document that carries numbers whole; each field shown is logged with the reason."""
    spec = get_kind(kind)
    if actor.role == Role.ADMIN:
        raise Forbidden(N_("Administrators do not see the contents of disputes."))
    require_role(actor, *spec.makers)
    dispute = get_dispute(ctx, actor, number)
    number = dispute.number
    book = load_rulebook(dispute.rulebook)
    if book.jurisdiction.value.lower() != spec.jurisdiction:
        raise UserError(N_("The document {kind} is for disputes under {jurisdiction} rules; "
                           "dispute {number} follows {rulebook}."), kind=kind,
                        jurisdiction=spec.jurisdiction.upper(), number=number,
                        rulebook=dispute.rulebook)
    lang = language_for(spec, lang)
    if unmask_reason is not None and not (actor.role == Role.LEGAL and spec.whole_numbers):
        raise UserError(N_("Numbers are unmasked only by legal, for a document that carries "
                           "them whole."))
    tz = ZoneInfo(ctx.settings.timezone)

    def day(moment: datetime | None) -> date | None:
        return moment.astimezone(tz).date() if moment else None

    account, phone, email = _numbers(ctx, actor, spec, dispute, unmask_reason)
    entries = timeline(ctx, actor, number)
    proceedings = get_proceedings(ctx, actor, number)
    deadlines = {d.rule: d for d in list_deadlines(ctx, actor, number)}
    decision_rule = next((deadlines[r] for r in DECISION_RULES if r in deadlines), None)
    closed = [e for e in entries if e.kind == ek.DISPUTE_CLOSED]
    acknowledged = next((e for e in entries if e.kind == ek.STAGE_ADVANCED
                         and e.payload.get("to") == Stage.NEGOTIATION.value), None)
    pages = _bundle_pages(ctx, actor, number, lang) if spec.exhibit_pages else {}
    med, lit, judgment = proceedings.mediation, proceedings.litigation, proceedings.judgment
    return F.DocumentFacts(
        number=number, made_on=ctx.today(),
        author=F.Author(name=actor.name, role=actor.role.value),
        borrower=F.Person(name=dispute.borrower_name, phone=phone, email=email),
        lender=F.Institution(name=dispute.institution),
        product=dispute.product, account_ref=account, account_masked=account != dispute.account_ref,
        error_category=dispute.error_category, description=dispute.description,
        error_occurred_on=dispute.error_occurred_on, payment_due_on=dispute.payment_due_on,
        discovered_on=dispute.discovered_on, filed_on=day(dispute.filed_at),
        acknowledged_on=day(acknowledged.occurred_at) if acknowledged else None,
        currency=dispute.currency, overdue_minor=dispute.overdue_minor,
        fees_minor=dispute.fees_minor, compensation_minor=dispute.compensation_minor,
        remedies=dispute.remedies,
        contacts=[F.Contact(on=day(c.contacted_at), channel=c.channel, agent=c.agent_name,
                            position=c.agent_position, summary=c.summary,
                            agreement=c.agreement or None)
                  for c in list_contacts(ctx, actor, number)],
        demands=[date.fromisoformat(e.payload["sent_on"]) for e in entries
                 if e.kind == ek.DEMAND_RECORDED and e.payload.get("sent_on")],
        offers=[F.OfferFact(made_on=day(o.made_at), currency=o.currency,
                            refund_minor=o.refund_minor, credit_correction=o.credit_correction,
                            instalments=o.instalments, instalment_minor=o.instalment_minor,
                            deferral_to=o.deferral_to, note=o.note or None,
                            status=o.status.value, answered_on=day(o.answered_at),
                            answer_note=o.answer_note or None)
                for o in reversed(list_offers(ctx, actor, number))],
        decision=F.Decision(outcome=dispute.resolution, reasons=dispute.closing_summary,
                            made_on=day(closed[-1].occurred_at) if closed else None,
                            made_by=closed[-1].actor_name if closed else None)
        if dispute.resolution else F.Decision(),
        deadlines=F.Deadlines(
            decision_due=decision_rule.due_by if decision_rule else None,
            decision_missed=decision_rule.status == Status.MISSED if decision_rule else None,
            reexamination_by=_due(deadlines, "reexamination_request"),
            credit_reply_due=_due(deadlines, "credit_objection"),
            limitation_ends=_due(deadlines, "limitation")),
        mediation=F.Mediation(body=med.body, reference=med.reference, mediator=med.mediator,
                              result=med.result,
                              sessions=[F.Sitting(held_on=s.held_on, notes=s.notes)
                                        for s in proceedings.sessions]) if med else None,
        court=F.Court(name=lit.court, case_number=lit.case_number, filed_on=lit.filed_on,
                      hearings=[F.Sitting(held_on=h.held_on, notes=h.notes)
                                for h in proceedings.hearings],
                      judgment=judgment.judgment if judgment else None,
                      judgment_on=judgment.judgment_on if judgment else None) if lit else None,
        exhibits=[F.Exhibit(exhibit=e.exhibit, kind=e.kind, description=e.description,
                            file_name=e.original_name, recorded_on=e.recorded_on,
                            sha256=e.sha256, what_it_proves=e.proves, source=e.source,
                            pages=pages.get(e.exhibit))
                  for e in list_evidence(ctx, actor, number) if e.withdrawn_at is None],
    )


def _due(deadlines: dict, rule: str) -> date | None:
    return deadlines[rule].due_by if rule in deadlines else None


def _numbers(ctx: Context, actor: User, spec: Kind, dispute: Dispute,
             unmask_reason: str | None) -> tuple[str, str | None, str | None]:
    """Account, phone and email as this document may show them."""
    if actor.role == Role.BORROWER and spec.whole_numbers:       # their own, in their letter
        return dispute.account_ref, actor.phone, actor.email
    if unmask_reason is not None:                                  # legal, reasoned and logged
        form = {"reason": unmask_reason}
        account = unmask(ctx, actor, dispute.number, {**form, "field": "account_ref"})
        phone = unmask(ctx, actor, dispute.number, {**form, "field": "borrower_phone"})
        owner = get_user(ctx, dispute.borrower_id)
        return account, phone or None, owner.email if owner else None
    owner = get_user(ctx, dispute.borrower_id)
    phone = owner.phone if owner else None
    return mask_value("account_ref", dispute.account_ref), \
        mask_value("phone", phone) if phone else None, None


def _bundle_pages(ctx: Context, actor: User, number: str, lang: str
                  ) -> dict[str, tuple[int, int]]:
    """The exhibits' pages in the bundle made with the default options (masked, no internal
    notes: the bundle a borrower makes, and legal's unless it asks for more) in `lang`."""
    return exhibit_pages(ctx, actor, gather(ctx, actor, number, BundleOptions(lang=lang)))
