"""What a template may print: every placeholder path, the label its blank shows, and the values of
one dispute's facts in one language.

Templates name values by path (`{borrower.name}`, `{amounts.fees_words}`); lists are walked by
`each` blocks whose items have fields of their own (`{date}`, `{summary}`). The registry below is
what template validation checks placeholders against, and where a blank gets its label
("【待填：法院名称】"). Values are plain text (user text stays text), booleans for conditions, or
a `Phrase`: wording from the template itself (a request per remedy, the cause of action per
product), which may hold placeholders in turn. Dates are written the local long way (2026年12月2日
/ December 2, 2026), amounts in figures and, for Chinese, in capital numerals (大写).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from babel.dates import format_date as babel_date

from dispute.documents.daxie import amount_in_words
from dispute.documents.facts import DocumentFacts, OfferFact
from dispute.i18n import N_, format_money, translator
from dispute.offers import STATUS_LABELS, OfferStatus
from dispute.vocab import Product, Remedy, Resolution, label


@dataclass(frozen=True)
class Phrase:
    """Template wording chosen by a fact; composed with the same values (one level deep)."""

    text: str


Scalar = str | bool | Phrase | None

AMOUNTS = ("overdue", "fees", "compensation", "claim", "disputed")
CLAIM = ("principal", "interest", "penalty", "fees", "costs", "total")

# path → the label of its blank (msgid, translated into the document's language)
SCALARS: dict[str, str] = {
    "number": N_("dispute number"),
    "today": N_("date of the document"),
    "author.name": N_("name of the person signing"),
    "borrower.name": N_("borrower's name"),
    "borrower.id_type": N_("type of identity document"),
    "borrower.id_number": N_("identity document number"),
    "borrower.phone": N_("borrower's phone"),
    "borrower.email": N_("borrower's email"),
    "borrower.address": N_("borrower's address"),
    "borrower.gender": N_("gender"),
    "borrower.born_on": N_("date of birth"),
    "borrower.ethnicity": N_("ethnicity"),
    "lender.name": N_("name of the lender"),
    "lender.address": N_("lender's registered address"),
    "lender.representative": N_("lender's legal representative"),
    "lender.credit_code": N_("lender's unified social credit code"),
    "lender.phone": N_("lender's phone"),
    "lender.complaints_unit": N_("lender's complaints unit"),
    "lender.notice_address": N_("lender's designated address for error notices"),
    "lender.higher_office": N_("lender's higher office or head office"),
    "product": N_("product"),
    "cause": N_("cause of action"),
    "account": N_("account number"),
    "error": N_("what went wrong"),
    "description": N_("the facts"),
    "remedies": N_("remedies sought"),
    "dates.error": N_("date the error occurred"),
    "dates.due": N_("payment due date"),
    "dates.discovered": N_("date the error was discovered"),
    "dates.filed": N_("date the complaint was made"),
    "dates.acknowledged": N_("date the complaint was acknowledged"),
    "dates.statement": N_("date of the statement showing the error"),
    "decision.outcome": N_("the decision"),
    "decision.reasons": N_("reasons for the decision"),
    "decision.date": N_("date of the decision"),
    "decision.by": N_("who decided"),
    "decision.corrected": N_("whether the error was corrected"),
    "decision.no_error": N_("whether no error was found"),
    "decision.pending": N_("whether the decision is still open"),
    "deadline.decision": N_("the lender's deadline to decide"),
    "deadline.decision_missed": N_("whether the lender missed its deadline"),
    "deadline.reexamination": N_("last day to ask for re-examination"),
    "deadline.credit_reply": N_("deadline for the reply to the objection"),
    "deadline.limitation": N_("end of the limitation period"),
    "mediation.body": N_("mediation body"),
    "mediation.reference": N_("mediation reference"),
    "mediation.mediator": N_("mediator"),
    "mediation.result": N_("result of mediation"),
    "court.name": N_("name of the court"),
    "court.case_number": N_("case number"),
    "court.filed_on": N_("date the case was filed"),
    "court.judgment": N_("judgment"),
    "claim.as_of": N_("date the lender's claim is counted to"),
    "regulator.office": N_("local office of the financial regulator"),
    "bureau": N_("name of the credit bureau"),
    "jurisdiction_clause": N_("agreed court or arbitration clause"),
    "credit_requested": N_("whether a credit record correction is asked"),
    "credit_error": N_("whether the error is a wrong credit report"),
    "has_offers": N_("whether the lender made offers"),
    "has_contacts": N_("whether the borrower contacted the lender"),
    "has_demands": N_("whether a written demand was sent"),
    "credit_reported": N_("whether an overdue record was reported"),
    "charges_disputed": N_("whether the charges are disputed"),
    "preservation": N_("whether property was preserved before the suit"),
    "claim.principal_disputed": N_("whether the principal is disputed"),
    "claim.contract_disputed": N_("whether the contract is disputed"),
    "claim.repaid_disputed": N_("whether the amount repaid is disputed"),
    "claim.notice_disputed": N_("whether the notices and collection are disputed"),
    "contacts_text": N_("contacts with the lender"),
    "demands_text": N_("written demands"),
    "offers_text": N_("offers made"),
    "decision_text": N_("the lender's decision"),
    "mediation_text": N_("mediation"),
}
for _remedy in Remedy:
    SCALARS[f"asks.{_remedy.value}"] = N_("whether this is asked")
for _name, _label in (("overdue", N_("amount reported overdue")),
                      ("fees", N_("fees and penalty interest charged")),
                      ("compensation", N_("compensation sought")),
                      ("claim", N_("total amount claimed")),
                      ("disputed", N_("amount in dispute"))):
    SCALARS[f"amounts.{_name}"] = _label
    SCALARS[f"amounts.{_name}_words"] = _label
for _name, _label in (("principal", N_("principal claimed by the lender")),
                      ("interest", N_("interest claimed by the lender")),
                      ("penalty", N_("penalty interest claimed by the lender")),
                      ("fees", N_("fees claimed by the lender")),
                      ("costs", N_("costs claimed by the lender")),
                      ("total", N_("total claimed by the lender"))):
    SCALARS[f"claim.{_name}"] = _label
    SCALARS[f"claim.{_name}_words"] = _label

# each list → its items' fields → the label of their blanks
LISTS: dict[str, dict[str, str]] = {
    "requests": {"text": N_("request")},
    "contacts": {"date": N_("date of contact"), "channel": N_("channel"),
                 "agent": N_("agent"), "position": N_("agent's position or number"),
                 "summary": N_("what was said"), "agreement": N_("what was agreed")},
    "demands": {"date": N_("date of the written demand")},
    "offers": {"date": N_("date of the offer"), "terms": N_("terms offered"),
               "status": N_("status of the offer"), "answer": N_("the borrower's answer")},
    "exhibits": {"no": N_("number"), "exhibit": N_("exhibit"), "name": N_("evidence"),
                 "kind": N_("kind of evidence"), "date": N_("date of the evidence"),
                 "source": N_("source of the evidence"), "proves": N_("what it proves"),
                 "pages": N_("pages in the case bundle"), "original": N_("original or copy"),
                 "file": N_("file name")},
    "sessions": {"date": N_("date of the session"), "notes": N_("what happened")},
    "hearings": {"date": N_("date of the hearing"), "notes": N_("what happened")},
}

# Phrase tables a template must give in full when it prints them: key vocabulary → wording.
PHRASE_TABLES: dict[str, type[StrEnum]] = {"requests": Remedy, "cause": Product}
BOOLEANS = frozenset({"decision.corrected", "decision.no_error", "decision.pending",
                      "deadline.decision_missed", "credit_requested", "credit_error",
                      "has_offers", "has_contacts", "has_demands", "credit_reported",
                      "charges_disputed", "preservation", "claim.principal_disputed",
                      "claim.contract_disputed", "claim.repaid_disputed",
                      "claim.notice_disputed", *(f"asks.{r.value}" for r in Remedy)})
CORRECTED = frozenset({Resolution.MONETARY_RELIEF, Resolution.NON_MONETARY_RELIEF,
                       Resolution.JUDGMENT_FOR_BORROWER})
NO_ERROR = frozenset({Resolution.EXPLANATION_ONLY, Resolution.REJECTED,
                      Resolution.JUDGMENT_FOR_LENDER})


@dataclass
class Values:
    scalars: dict[str, Scalar]
    lists: dict[str, list[dict[str, Scalar]]] = field(default_factory=dict)


def long_date(value: date | None, lang: str) -> str | None:
    """2026年12月2日 / December 2, 2026: the way letters and court papers write dates."""
    return babel_date(value, format="long", locale=lang) if value else None


def build(facts: DocumentFacts, lang: str, phrases: dict[str, dict[str, str]],
          words: dict[str, str]) -> Values:
    """The values of `facts` in `lang`; None wherever the facts do not know."""
    _ = translator(lang)
    d = lambda value: long_date(value, lang)  # noqa: E731
    f = facts
    currency = f.currency.value if f.currency else None

    def money(minor: int | None) -> str | None:
        return format_money(minor, currency, lang) if minor is not None and currency else None

    def in_words(minor: int | None) -> str | None:
        return amount_in_words(minor, currency) if minor is not None and currency else None

    def stated(minor: int | None) -> int | None:
        return minor or None          # the filing form's 0 means "not stated"

    fees, compensation = stated(f.fees_minor), stated(f.compensation_minor)
    claimed = [m for r, m in ((Remedy.FEE_REVERSAL, fees), (Remedy.COMPENSATION, compensation))
               if r in f.remedies]
    claim = sum(m for m in claimed if m) if claimed and all(claimed) else None
    amounts = {"overdue": stated(f.overdue_minor), "fees": fees, "compensation": compensation,
               "claim": claim, "disputed": fees or stated(f.overdue_minor)}
    outcome = f.decision.outcome
    s: dict[str, Scalar] = {
        "number": f.number, "today": d(f.made_on), "author.name": f.author.name,
        # mid-sentence in English ("I hold a credit card with you")
        "product": (label(f.product, _) if lang == "zh_CN" else label(f.product, _).lower())
        if f.product else None,
        "cause": Phrase(phrases["cause"][f.product.value])
        if f.product and "cause" in phrases else None,
        "account": f.account_ref, "error": label(f.error_category, _) if f.error_category
        else None,
        "description": f.description,
        "remedies": words["join"].join(label(r, _) for r in f.remedies) or None,
        "dates.error": d(f.error_occurred_on), "dates.due": d(f.payment_due_on),
        "dates.discovered": d(f.discovered_on), "dates.filed": d(f.filed_on),
        "dates.acknowledged": d(f.acknowledged_on), "dates.statement": d(f.statement_on),
        "decision.outcome": label(outcome, _) if outcome else None,
        "decision.reasons": f.decision.reasons, "decision.date": d(f.decision.made_on),
        "decision.by": f.decision.made_by,
        "decision.corrected": outcome in CORRECTED, "decision.no_error": outcome in NO_ERROR,
        "decision.pending": outcome is None,
        "deadline.decision": d(f.deadlines.decision_due),
        "deadline.decision_missed": f.deadlines.decision_missed,
        "deadline.reexamination": d(f.deadlines.reexamination_by),
        "deadline.credit_reply": d(f.deadlines.credit_reply_due),
        "deadline.limitation": d(f.deadlines.limitation_ends),
        "claim.as_of": d(f.lender_claim.as_of),
        "regulator.office": f.regulator_office, "bureau": f.bureau,
        "jurisdiction_clause": f.jurisdiction_clause,
        "credit_requested": Remedy.CREDIT_RECORD_CORRECTION in f.remedies,
        "credit_error": f.error_category is not None
        and f.error_category.value == "wrong_credit_report",
        "has_offers": bool(f.offers), "has_contacts": bool(f.contacts),
        "has_demands": bool(f.demands),
        "charges_disputed": f.error_category is not None,
        "preservation": f.preservation,
    }
    s["credit_reported"] = bool(s["credit_error"] or s["credit_requested"])
    for remedy in Remedy:
        s[f"asks.{remedy.value}"] = remedy in f.remedies
    for key in ("principal", "contract", "repaid", "notice"):
        s[f"claim.{key}_disputed"] = getattr(f.lender_claim, f"{key}_disputed")
    for key in ("name", "id_type", "id_number", "phone", "email", "address", "gender",
                "ethnicity"):
        s[f"borrower.{key}"] = getattr(f.borrower, key)
    s["borrower.born_on"] = d(f.borrower.born_on)
    for key in ("name", "address", "representative", "credit_code", "phone", "complaints_unit",
                "notice_address", "higher_office"):
        s[f"lender.{key}"] = getattr(f.lender, key)
    for name, minor in amounts.items():
        s[f"amounts.{name}"], s[f"amounts.{name}_words"] = money(minor), in_words(minor)
    for name in CLAIM:
        minor = getattr(f.lender_claim, f"{name}_minor")
        s[f"claim.{name}"], s[f"claim.{name}_words"] = money(minor), in_words(minor)
    med, court = f.mediation, f.court
    for key in ("body", "reference", "mediator", "result"):
        s[f"mediation.{key}"] = (getattr(med, key) or None) if med else None
    s["court.name"] = court.name if court else None
    s["court.case_number"] = (court.case_number or None) if court else None
    s["court.filed_on"] = d(court.filed_on) if court else None
    s["court.judgment"] = (court.judgment or None) if court else None

    lists: dict[str, list[dict[str, Scalar]]] = {
        "requests": [{"text": Phrase(phrases["requests"][r.value])} for r in f.remedies]
        if "requests" in phrases else [],
        "contacts": [{"date": d(c.on), "channel": label(c.channel, _) if c.channel else None,
                      "agent": c.agent, "position": c.position, "summary": c.summary,
                      "agreement": c.agreement or words["none"]} for c in f.contacts],
        "demands": [{"date": d(day)} for day in f.demands],
        "offers": [_offer(o, lang, words) for o in f.offers],
        "exhibits": [{"no": str(i), "exhibit": x.exhibit, "name": x.description,
                      "kind": label(x.kind, _) if x.kind else None, "date": d(x.recorded_on),
                      "source": x.source, "proves": x.what_it_proves,
                      "pages": _pages(x.pages), "file": x.file_name,
                      "original": None if x.original is None
                      else words["original"] if x.original else words["duplicate"]}
                     for i, x in enumerate(f.exhibits, start=1)],
        "sessions": [{"date": d(x.held_on), "notes": x.notes} for x in med.sessions]
        if med else [],
        "hearings": [{"date": d(x.held_on), "notes": x.notes} for x in court.hearings]
        if court else [],
    }
    _summaries(s, lists, words)
    return Values(s, lists)


def _summaries(s: dict[str, Scalar], lists: dict[str, list[dict[str, Scalar]]],
               words: dict[str, str]) -> None:
    """Lists told in a line each, for the one cell of an element table that describes them.
    An empty list is known: it reads "none", not a blank."""
    join, colon, none = words["sep"], words["colon"], words["none"]

    def line(*parts: Scalar) -> str:
        return join.join(str(p) for p in parts if p)

    s["contacts_text"] = "\n".join(
        line(c["date"], c["channel"], c["agent"]) + colon + str(c["summary"] or "")
        for c in lists["contacts"]) or none
    s["demands_text"] = join.join(str(d["date"]) for d in lists["demands"] if d["date"]) or none
    s["offers_text"] = "\n".join(line(o["date"], o["terms"]) + colon + str(o["status"] or "")
                                 for o in lists["offers"]) or none
    outcome = s["decision.outcome"]
    s["decision_text"] = (line(s["decision.date"], outcome) + colon
                          + str(s["decision.reasons"] or "")) if outcome else none
    s["mediation_text"] = (line(s["mediation.body"], s["mediation.reference"]) + colon
                           + str(s["mediation.result"] or "")) if s["mediation.body"] else none


def _pages(pages: tuple[int, int] | None) -> str | None:
    if pages is None:
        return None
    first, last = pages
    return str(first) if first == last else f"{first}–{last}"


def _offer(o: OfferFact, lang: str, words: dict[str, str]) -> dict[str, Scalar]:
    """One offer in a line: what was offered, and what became of it."""
    _ = translator(lang)
    currency = o.currency.value if o.currency else None
    terms = []
    if o.refund_minor and currency:
        terms.append(words["offer_refund"].format(amount=format_money(o.refund_minor, currency,
                                                                      lang)))
    if o.credit_correction:
        terms.append(words["offer_credit"])
    if o.instalments and o.instalment_minor is not None and currency:
        terms.append(words["offer_plan"].format(count=o.instalments, amount=format_money(
            o.instalment_minor, currency, lang)))
    if o.deferral_to:
        terms.append(words["offer_deferral"].format(date=long_date(o.deferral_to, lang)))
    if o.note:
        terms.append(o.note)
    status = _(STATUS_LABELS[OfferStatus(o.status)]) if o.status in set(OfferStatus) else None
    answer = words["sep"].join(x for x in (status, long_date(o.answered_on, lang)) if x)
    if o.answer_note:
        answer += words["colon"] + o.answer_note
    return {"date": long_date(o.made_on, lang), "terms": words["terms_sep"].join(terms) or None,
            "status": status, "answer": answer or None}
