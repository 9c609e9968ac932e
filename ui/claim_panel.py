"""What the error cost: the dispute's account lines, a CSV upload (or the lines edited as CSV
text), the error's dates and per-line overrides, the working with each decision and its reason,
and "Save this calculation", which sets the amount disputed (dispute/claims.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st
from pydantic_core import PydanticCustomError

from dispute.claim import ClaimResult, working
from dispute.claim.calculator import USES
from dispute.claim.csv_import import to_csv
from dispute.claim.facts import DECISION_LABELS, MONEY_CATEGORIES, Decision
from dispute.claim.lines import KIND_LABELS, AccountLines
from dispute.claims import claim_state, compute, import_lines, save_calculation
from dispute.i18n import format_datetime, format_money
from dispute.models import Dispute, User, parse_amount
from dispute.vocab import ErrorCategory, label
from ui import forms, render, session

LAYOUT = ("line,date,kind,amount,currency,credited_on,minimum,statement,period_from,period_to,"
          "on,ref,description")
# The dates a category reads, as the page asks for them (the CLI's flags are in FACT_NAMES).
DATE_FIELDS = ("due_on", "paid_on", "credited_on", "promised_on")


def date_label(name: str, _) -> str:
    return {"due_on": _("Due date the error concerns"),
            "paid_on": _("Date of the payment the lender mishandled"),
            "credited_on": _("Date it was finally credited or put right"),
            "promised_on": _("Date the payment was deferred to, or the agent gave")}[name]


def show(ctx, user: User, d: Dispute, is_open: bool) -> None:
    _ = session.t()
    lang = session.lang()
    state = claim_state(ctx, user, d.number)
    st.caption(_("Each charge on the account is decided — caused by the error or not — with the "
                 "reason in words, and the total to refund is worked out, every step shown. "
                 "The rules: docs/claim.md."))
    if state.latest:
        st.success(_("Saved calculation: {amount} to refund, by {name}, {when}. It is the "
                     "amount of fees and penalty interest disputed, and the offer form starts "
                     "from it.").format(
            amount=format_money(state.latest.refund_minor, state.latest.currency, lang),
            name=state.latest.made_by_name,
            when=format_datetime(state.latest.made_at, lang, ctx.settings.timezone)))
    if state.lines is None:
        st.info(_("No account lines yet. Upload the account's charges, payments and due dates "
                  "as a CSV file (the layout is below) to work out what the error cost."))
    else:
        _lines_table(state.lines, _, lang)
        st.caption(_("Saved by {name}, {when}.").format(
            name=state.lines_saved_by,
            when=format_datetime(state.lines_saved_at, lang, ctx.settings.timezone)))
    if is_open:
        _upload(ctx, user, d, state.lines, _)
    if state.lines is None:
        return
    if d.error_category not in MONEY_CATEGORIES:
        st.info(_("The calculator decides charges for these errors: {categories}. Charges "
                  "that followed from another error are claimed as a fee charged in error: "
                  "correct the dispute's category first.").format(
            categories=", ".join(label(c, _) for c in MONEY_CATEGORIES)))
        return
    st.subheader(_("The error and its dates"))
    st.markdown(_("What went wrong: {category}").format(
        category=label(ErrorCategory(d.error_category), _)))
    facts = _facts(d, state.lines, _)
    overrides = _overrides(state.lines, d.currency, _, lang)
    if st.button(_("Work it out"), key="claim_compute", type="primary"):
        st.session_state["claim_computed"] = True
    if not st.session_state.get("claim_computed"):
        return
    result = forms.attempt("claim_compute", lambda: compute(ctx, user, d.number, facts,
                                                            overrides))
    if result is None:
        return
    show_working(result, _, lang)
    if is_open:
        _save(ctx, user, d, facts, overrides, result, _, lang)


def _lines_table(lines: AccountLines, _, lang: str) -> None:
    cur = lines.currency.value
    rows: list[dict[str, Any]] = []
    for c in lines.charges:
        rows.append({_("Line"): c.ref, _("Date"): c.charged_on.isoformat(),
                     _("What"): _(KIND_LABELS[c.kind]),
                     _("Amount"): format_money(c.amount_minor, cur, lang),
                     _("Details"): c.description})
    for p in lines.payments:
        credited = (_("credited {date}").format(date=p.credited_on.isoformat())
                    if p.credited_on else _("not credited"))
        rows.append({_("Line"): p.ref, _("Date"): p.paid_on.isoformat(), _("What"): _("payment"),
                     _("Amount"): format_money(p.amount_minor, cur, lang),
                     _("Details"): f"{credited} {p.description}".strip()})
    for due in lines.dues:
        minimum = (_("minimum {amount}").format(amount=format_money(due.minimum_minor, cur, lang))
                   if due.minimum_minor is not None else "")
        rows.append({_("Line"): due.ref, _("Date"): due.due_on.isoformat(),
                     _("What"): _("due date"),
                     _("Amount"): format_money(due.balance_minor, cur, lang)
                     if due.balance_minor is not None else "",
                     _("Details"): f"{minimum} {due.description}".strip()})
    rows.sort(key=lambda r: r[_("Date")])
    st.dataframe(rows, hide_index=True, width="stretch")


def _upload(ctx, user, d: Dispute, lines: AccountLines | None, _) -> None:
    box = forms.form_box(_("Upload or edit the account lines"), "claim_lines",
                         open_at_first=lines is None)
    if box is None:  # folded: its file box, buttons and the lines as text are not drawn
        return
    with box:
        st.caption(_("One row per line, with a header row: {layout}. `line` is charge, payment "
                     "or due; amounts like 50.00; dates like 2026-03-05; Chinese headers and "
                     "values (行, 日期, 类型, 金额 …; 费用/还款/账单) are read too. A bad row is "
                     "refused with its line number and nothing is saved. The full layout: "
                     "docs/claim.md, “The CSV”.").format(layout=LAYOUT))
        st.download_button(_("Download the layout as a CSV file"),
                           (LAYOUT + "\n").encode("utf-8-sig"), file_name="account-lines.csv",
                           mime="text/csv", key="claim_layout")
        upload = st.file_uploader(
            _("CSV file of the account's lines (CSV or TXT, up to {mb} MB)").format(
                mb=ctx.settings.max_upload_mb), type=["csv", "txt"],
            key=forms.fresh_key("claim_csv"))
        if st.button(_("Save the lines from this file"), key="claim_upload",
                     disabled=upload is None):
            forms.submit("claim_lines", lambda: import_lines(
                ctx, user, d.number, upload.getvalue(), expected_version=d.version),
                _("The account lines were saved."), clear=["claim_csv", "claim_computed"],
                reset=lambda saved: {"claim_text": to_csv(saved)})
        text = st.text_area(_("Or type or edit the lines here (the same layout)"),
                            value=to_csv(lines) if lines else LAYOUT + "\n", height=220,
                            key="claim_text", persist_state="page")
        if st.button(_("Save these lines"), key="claim_text_save"):
            forms.submit("claim_lines", lambda: import_lines(
                ctx, user, d.number, text.encode("utf-8"), expected_version=d.version,
                source="page"),
                _("The account lines were saved."), clear=["claim_computed"],
                reset=lambda saved: {"claim_text": to_csv(saved)})


def _facts(d: Dispute, lines: AccountLines, _) -> dict[str, Any]:
    uses = USES[ErrorCategory(d.error_category)]
    facts: dict[str, Any] = {}
    fields = [f for f in DATE_FIELDS if f in uses]
    cols = st.columns(max(len(fields), 1))
    for col, name in zip(cols, fields):
        default = d.payment_due_on if name == "due_on" else None
        facts[name] = col.date_input(date_label(name, _), value=default, key=f"claim_{name}",
                                     format="YYYY-MM-DD", min_value=date(2000, 1, 1),
                                     persist_state="page")
    if "charged" in uses:
        refs = st.multiselect(
            _("Charges made in error"), [c.ref for c in lines.charges], key="claim_charged",
            placeholder=_("Choose one or more"),
            format_func=lambda ref: _charge_text(lines, ref, _), persist_state="page")
        chosen = [c for c in lines.charges if c.ref in refs]
        facts["charged"] = [{"charged_on": c.charged_on, "kind": c.kind.value} for c in chosen]
    return facts


def _charge_text(lines: AccountLines, ref: str, _) -> str:
    c = lines.charge(ref)
    return f"{ref} · {c.charged_on.isoformat()} · {_(KIND_LABELS[c.kind])}" if c else ref


def _overrides(lines: AccountLines, currency: str, _, lang: str) -> list[dict[str, Any]]:
    """A person's decision per charge, with its reason; blank keeps the calculator's. The
    fields (three a charge) are drawn only while their box is open; their values are kept for
    the page and read from the session either way."""
    box = forms.form_box(_("Override a decision (with a reason)"), "claim_ov")
    if box is not None:
        with box:
            _override_fields(lines, _, lang)
    got = st.session_state.get
    out = []
    for c in lines.charges:
        key = _override_key(c.ref)
        decision = got(f"{key}_decision") or ""
        if decision:
            item: dict[str, Any] = {"ref": c.ref, "decision": decision,
                                    "reason": got(f"{key}_reason") or ""}
            if decision == Decision.PART.value:
                item["refund_minor"] = _amount(got(f"{key}_amount") or "", c.currency.value)
            out.append(item)
    return out


def _override_key(ref: str) -> str:
    """The keys of a charge's override fields start with this (`_decision`, `_amount`,
    `_reason`): drawn by `_override_fields`, read by `_overrides`."""
    return f"claim_ov_{ref}"


def _override_fields(lines: AccountLines, _, lang: str) -> None:
    choices = ["", *(x.value for x in Decision)]
    for c in lines.charges:
        key = _override_key(c.ref)
        a, b, r = st.columns([2, 1, 3])
        decision = a.selectbox(
            _charge_text(lines, c.ref, _) + " · " + format_money(c.amount_minor,
                                                                c.currency.value, lang),
            choices, key=f"{key}_decision",
            format_func=lambda v: _(DECISION_LABELS[Decision(v)]) if v
            else _("The calculator's decision"), persist_state="page")
        b.text_input(_("Part refunded"), key=f"{key}_amount",
                     disabled=decision != Decision.PART.value, persist_state="page")
        r.text_input(_("Reason"), key=f"{key}_reason", disabled=not decision,
                     persist_state="page")


def _amount(text: str, currency: str) -> int | None:
    try:
        return parse_amount(text, currency) if text.strip() else None
    except PydanticCustomError:  # not an amount: the override is refused, naming its line
        return None


def show_working(result: ClaimResult, _, lang: str) -> None:
    st.subheader(_("The working"))
    for words in result.facts:
        render.user_text(words.render(lang))
    heads = working.headings(lang)
    table = []
    for row in working.rows(result, lang):
        cells = dict(zip(heads, (row.ref, row.charged_on, row.kind, row.amount, row.decision,
                                 row.refund, row.reason)))
        cells[_("Override")] = row.override
        table.append(cells)
    st.dataframe(table, hide_index=True, width="stretch")
    for line in working.summary_lines(result, lang):
        st.caption(render.md_escape(line))
    st.markdown(f"**{render.md_escape(working.total_line(result, lang))}**")


def _save(ctx, user, d: Dispute, facts, overrides, result: ClaimResult, _, lang: str) -> None:
    sure = st.checkbox(
        _("Set the fees and penalty interest disputed from {before} to {after}, with this "
          "calculation as its basis.").format(
            before=format_money(d.fees_minor, d.currency, lang),
            after=format_money(result.refund_minor, result.currency, lang)),
        key="claim_confirm")
    if st.button(_("Save this calculation"), key="claim_save", disabled=not sure):
        forms.submit("claim_save", lambda: save_calculation(
            ctx, user, d.number, facts, overrides, expected_version=d.version),
            lambda saved: _("The calculation was saved: {amount} is now the amount "
                            "disputed.").format(amount=format_money(saved.refund_minor,
                                                                    saved.currency, lang)),
            clear=["claim_confirm"])

