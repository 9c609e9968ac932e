"""The staff queue: filter, search, count and page through disputes (never all at once)."""

import streamlit as st

from dispute.errors import InvalidInput
from dispute.i18n import format_date, format_datetime
from dispute.queue import QueueFilter, institutions, queue
from dispute.validation import parse
from dispute.vocab import ErrorCategory, Product, Stage, label
from ui import cards, forms, queue_links, pager, render, session, signed_in

_ = session.t()
ngettext = session.nt()
user = signed_in.require_user()
ctx = session.context()
lang, tz = session.lang(), ctx.settings.timezone
st.title(_("Queue"))

SORTS = {"newest": _("Newest first"), "oldest": _("Oldest first"),
         "activity": _("Last activity"), "deadline": _("Nearest deadline")}
WAITING = {"any": _("Any"), "waiting_on_borrower": _("Waiting on the borrower"),
           "borrower_replied": _("The borrower replied")}
ASSIGNED = {"any": _("Anyone"), "me": _("Assigned to me"), "unassigned": _("Unassigned")}


@st.cache_data(ttl=300, show_spinner=False)
def known_institutions(data_dir: str, _ctx, _user) -> list[str]:
    """The filter's choices: a GROUP BY over every dispute, so not on every rerun."""
    return institutions(_ctx, _user)


def choice(col, title, values: dict, key):
    return col.selectbox(title, list(values), key=forms.by_language(key),
                         format_func=lambda v: values[v])


def choices(enum) -> dict[str, str]:
    return {"": _("All"), **{v.value: label(v, _) for v in enum}}


def enum_choice(col, title, enum, key):
    values = choices(enum)
    return col.selectbox(title, list(values), key=key, format_func=lambda v: values[v],
                         persist_state="page") or None


queue_links.apply(st.query_params)  # a bar of the dashboard links here with its filter
linked = queue_links.hidden_filters()
if linked:
    said = [_("nearest lender deadline on {date}").format(date=format_date(linked["due_on"], lang))
            if "due_on" in linked else "", _("open disputes only") if "open_only" in linked
            else ""]
    note, clear = st.columns([5, 1])
    note.info(_("From the dashboard: {filters}.").format(filters=", ".join(x for x in said if x)))
    clear.button(_("Show all"), key="queue_clear_linked", on_click=queue_links.clear_hidden)

text = st.text_input(_("Search by number, borrower name or description"), key="queue_text")
c1, c2, c3, c4 = st.columns(4)
stage = enum_choice(c1, _("Stage"), Stage, forms.by_language("queue_stage"))
assigned = choice(c2, _("Handler"), ASSIGNED, "queue_assigned")
waiting = choice(c3, _("Conversation"), WAITING, "queue_waiting")
sort = choice(c4, _("Sort"), SORTS, "queue_sort")
# Drawn only while open (on_change="rerun"): closed, its nine widgets and their layout cost
# the browser on every click; their values are kept for the page (persist_state) and read
# from the session instead, and a caption under it says which of them are set. A link that
# sets one of them opens it (queue_links), so the widgets show and hold what the link set.
state = st.session_state
more = st.expander(_("More filters"), key="queue_more", on_change="rerun")
if more.open:
    with more:
        c1, c2, c3 = st.columns(3)
        known = known_institutions(str(ctx.settings.data_dir), ctx, user)
        # a link may name an institution the cached list does not have yet: kept, not dropped
        names = {"": _("All"), **{n: n for n in known}}
        names.setdefault(state.get("queue_institution") or "", state.get("queue_institution"))
        c1.selectbox(_("Institution"), list(names), key="queue_institution",
                     format_func=lambda v: names[v], persist_state="page")
        enum_choice(c2, _("Product"), Product, "queue_product")
        enum_choice(c3, _("Error category"), ErrorCategory, "queue_category")
        c1, c2, c3 = st.columns(3)
        c1.date_input(_("Filed from"), value=None, key="queue_from", format="YYYY-MM-DD",
                      persist_state="page")
        c2.date_input(_("Filed until"), value=None, key="queue_to", format="YYYY-MM-DD",
                      persist_state="page")
        c3.checkbox(_("Overdue only"), key="queue_overdue", persist_state="page")
institution = state.get("queue_institution") or ""
product, category = state.get("queue_product") or None, state.get("queue_category") or None
filed_from, filed_to = state.get("queue_from"), state.get("queue_to")
overdue = bool(state.get("queue_overdue"))
if not more.open:
    set_aside = [institution, product and choices(Product)[product],
                 category and choices(ErrorCategory)[category],
                 filed_from and _("filed from {date}").format(date=format_date(filed_from, lang)),
                 filed_to and _("filed until {date}").format(date=format_date(filed_to, lang)),
                 overdue and _("overdue only")]
    if any(set_aside):
        st.caption(_("More filters set: {filters}").format(
            filters=_(", ").join(render.md_escape(x) for x in set_aside if x)))

form = {"stage": stage, "assigned": assigned, "institution": institution, "product": product,
        "error_category": category, "filed_from": filed_from, "filed_to": filed_to,
        "text": text, "waiting": waiting, "overdue": overdue, "sort": sort, **linked}
try:
    f = parse(QueueFilter, form)
except InvalidInput as exc:
    render.show_error(exc)
    st.stop()

# Keyset paging: a stack of cursors, reset whenever the filter changes.
signature = f.model_dump_json()
if st.session_state.get("queue_signature") != signature:
    st.session_state["queue_signature"] = signature
    st.session_state["queue_cursors"] = [None]
first = queue(ctx, user, f, after=st.session_state["queue_cursors"][-1])

cards.stylesheet()
cards.counts("stages", [(label(s, _), first.counts.get(s, 0)) for s in Stage])
if not first.rows:
    st.info(_("No dispute matches these filters."))
    st.stop()

WIDTHS = [3, 3, 2, 2, 2, 3]  # the number fits; a long badge wraps


def badges(r, today) -> str:
    found = []
    if r.waiting_on_borrower:
        found.append(f":orange-badge[{_('Waiting on the borrower')}]")
    if r.borrower_replied and r.stage != Stage.CLOSED:  # nothing to answer on a closed one
        found.append(f":blue-badge[{_('The borrower replied')}]")
    if r.next_due_by and r.stage != Stage.CLOSED:
        days = (r.next_due_by - today).days
        colour = "red" if days < 0 else "orange" if days <= 3 else "gray"
        text_due = (_("Overdue by {days} days").format(days=-days) if days < 0
                    else _("Due today") if days == 0
                    else _("Due {date}").format(date=format_date(r.next_due_by, lang)))
        found.append(f":{colour}-badge[{text_due}]")
    return " ".join(found)


@st.fragment
def listing(drawn, drawn_after) -> None:
    """The page of rows and its buttons, a fragment: a page-turn runs and redraws this alone,
    not the filters and counts above it (about 45 ms of a 200 ms click in a browser). `drawn`
    is the page the whole run read, starting after `drawn_after`."""
    session.recheck_in_fragment()
    cursors = st.session_state["queue_cursors"]
    page = drawn if cursors[-1] == drawn_after else queue(ctx, user, f, after=cursors[-1])
    today = ctx.today()
    with cards.table("queue", WIDTHS, [_("Number"), _("Institution and error"), _("Stage"),
                                       _("Handler"), _("Filed on"), _("Status")]):
        for r in page.rows:
            cards.row([
                f"{render.md_escape(r.institution)}  \n"
                f":gray[{label(r.error_category, _)} · {render.md_escape(r.borrower_name)}]",
                label(r.stage, _),
                render.md_escape(r.handler_name) if r.handler_name
                else f":gray[{_('Unassigned')}]",
                format_datetime(r.filed_at, lang, tz),
                badges(r, today)], "pages/workspace.py", r.number, {"number": r.number})
    pager.by_cursor("queue", cursors, page.next_cursor,
                    _("Page {page}").format(page=len(cursors)) + " · "
                    + ngettext("{n} dispute", "{n} disputes", page.total).format(n=page.total))


listing(first, st.session_state["queue_cursors"][-1])
