"""Lists at scale and in plain words (issue 16, items 7, 8, 13, 14), through the pages
(AppTest): the audit log's total and its CSV, accounts search and the manage picker, the
queue's "borrower replied" badge only on open disputes, "1 dispute" / "N disputes", and the
card layout's keyed rows that the phone stylesheet turns into cards."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dispute import accounts, cases, workflow
from dispute.messages import send_message
from dispute.vocab import Role
from tests.second_factor import ready
from tests.conftest import Clock, filing_form, make_user
from tests.test_pages import TIMEOUT, portal, texts  # noqa: F401  (portal is a fixture)
from tests.test_workflow import FORMS
from tests.test_workflow_pages import open_page

AUDIT_PAGE = Path(__file__).resolve().parents[1] / "pages" / "admin_audit.py"


def test_the_audit_log_says_how_many_events_match_and_exports_them_all_as_csv(portal):
    portal.clock = Clock()
    admin = ready(portal, make_user(portal, Role.ADMIN, email="admin@example.com"))
    borrower = make_user(portal)
    number = cases.file_dispute(portal, borrower, filing_form(description="秘密内容 story"))
    for _ in range(60):
        portal.clock.now += timedelta(seconds=1)
        accounts.authenticate(portal, borrower.email, "correct horse battery")
    at = AppTest.from_file(str(AUDIT_PAGE), default_timeout=TIMEOUT)
    at.session_state["lang"] = "en"
    at.session_state["user_id"] = admin.id
    at.run()
    assert not at.exception, at.exception
    assert len(at.dataframe[0].value) == 50                     # one page shown …
    assert "64 events match these filters." in texts(at).replace("*", "")  # … of the total
    at.button(key="audit_csv_make").click().run()
    rows = list(csv.reader(io.StringIO(at.session_state["audit_csv"])))
    assert rows[0] == ["#", "Time", "Kind", "By", "Dispute", "Account", "Details"]
    assert len(rows) == 65 and [r[2] for r in rows[1:]].count("Logged in") == 60
    assert [r[4] for r in rows if r[2] == "Dispute filed"] == [number]
    assert "秘密内容" not in at.session_state["audit_csv"]
    at.selectbox(key="audit_kind").select("DisputeFiled")
    at.button(key="audit_submit").click().run()
    assert "1 event matches these filters." in texts(at).replace("*", "")
    assert "audit_csv" not in at.session_state  # the CSV of the old filters is gone


def test_accounts_are_searched_and_the_picker_offers_only_what_is_listed(portal):
    admin = make_user(portal, Role.ADMIN, email="admin@example.com", name="Admin")
    for i in range(30):
        make_user(portal, Role.STAFF, email=f"staff{i:02d}@example.com", name=f"员工{i:02d}")
    at = open_page(admin, "pages/admin_accounts.py")
    assert not at.exception
    assert len(at.dataframe[0].value) == 25 and "31 accounts" in texts(at)
    assert len(at.selectbox(key="acct_pick").options) == 25
    at.text_input(key="acct_search").input("staff07").run()  # emails are sealed: no parts
    assert "No account matches this search." in texts(at)
    at.text_input(key="acct_search").input(" Staff07@example.com").run()  # the whole email
    assert list(at.dataframe[0].value["Email"]) == ["staff07@example.com"]
    assert "1 account" in texts(at) and "1 accounts" not in texts(at)
    assert at.selectbox(key="acct_pick").options == [
        f"员工07 · staff07@example.com"]
    at.text_input(key="acct_search").input("员工12").run()   # a whole name finds its account
    assert list(at.dataframe[0].value["Email"]) == ["staff12@example.com"]
    at.text_input(key="acct_search").input("nobody").run()
    assert "No account matches this search." in texts(at)


@pytest.fixture
def replied(portal):
    """A dispute where the borrower answered a request, then closed; and an open one."""
    borrower = make_user(portal)
    staff = make_user(portal, Role.STAFF, email="staff@example.com", name="李静")
    closed = cases.file_dispute(portal, borrower, filing_form())
    workflow.move(portal, staff, closed, "acknowledge", FORMS["acknowledge"])
    send_message(portal, staff, closed, {"body": "请上传账单", "is_request": True})
    send_message(portal, borrower, closed, {"body": "已上传"})
    workflow.move(portal, staff, closed, "close", FORMS["close"])
    assert cases.get_dispute(portal, staff, closed).borrower_replied
    return staff, borrower, closed


def test_the_borrower_replied_badge_is_not_on_a_closed_dispute(replied):
    staff, _, closed = replied
    at = open_page(staff, "pages/queue.py")
    assert not at.exception
    assert closed in [link.label for link in at.get("page_link")]
    assert "The borrower replied" not in texts(at)
    at.selectbox(key="queue_waiting@en").select("borrower_replied").run()
    assert closed not in [link.label for link in at.get("page_link")]


def test_a_dashboard_link_filters_the_queue_until_show_all(replied):
    staff, _, closed = replied
    at = open_page(staff, "pages/queue.py")
    at.query_params["open"] = "1"
    at.run()
    assert not at.exception
    assert closed not in [link.label for link in at.get("page_link")]  # open disputes only
    at.button(key="queue_clear_linked").click().run()
    assert closed in [link.label for link in at.get("page_link")]
    assert not [b for b in at.button if b.key == "queue_clear_linked"]


def test_the_folded_filters_apply_unseen_and_say_so(portal):
    """"More filters" draws its widgets only while open; folded, what they hold still filters
    the queue, and a caption says what it holds. A link that sets one opens it."""
    borrower = make_user(portal)
    staff = make_user(portal, Role.STAFF, email="staff@example.com", name="李静")
    cmb = cases.file_dispute(portal, borrower, filing_form())
    barclays = cases.file_dispute(portal, borrower, filing_form(institution="Barclays"))
    at = open_page(staff, "pages/queue.py")
    assert not [s for s in at.selectbox if s.key == "queue_institution"]  # folded: not drawn
    at.query_params["institution"] = "Barclays"  # the dashboard's bar links here
    at.run()
    assert at.selectbox(key="queue_institution").value == "Barclays"  # opened, showing it
    links = [link.label for link in at.get("page_link")]
    assert barclays in links and cmb not in links

    at.session_state["queue_more"] = False  # folded: still applied, and said
    at.run()
    assert not [s for s in at.selectbox if s.key == "queue_institution"]
    assert "More filters set: Barclays" in texts(at)
    at.text_input(key="queue_text").input("Autopay").run()  # another run, still folded
    links = [link.label for link in at.get("page_link")]
    assert barclays in links and cmb not in links

    at.session_state["queue_more"] = True
    at.run()
    assert at.selectbox(key="queue_institution").value == "Barclays"
    assert "More filters set" not in texts(at)
    at.selectbox(key="queue_institution").select("").run()
    at.checkbox(key="queue_overdue").check().run()
    at.session_state["queue_more"] = False
    at.run()
    assert "More filters set: overdue only" in texts(at)
    assert not [link.label for link in at.get("page_link") if link.label.startswith("DSP-")]


def test_a_link_to_the_queue_with_a_value_it_cannot_offer(portal):
    """A hand-edited or stale link: an unknown error category is no filter (and no error); an
    institution missing from the cached choices is kept as a choice, not dropped."""
    borrower = make_user(portal)
    staff = make_user(portal, Role.STAFF, email="staff@example.com", name="李静")
    number = cases.file_dispute(portal, borrower, filing_form())
    at = open_page(staff, "pages/queue.py", lang="zh_CN")
    at.query_params["category"] = "bogus"
    at.run()
    assert not at.exception
    assert number in [link.label for link in at.get("page_link")]
    assert not [s for s in at.selectbox if s.key == "queue_category"]  # nothing to show: folded
    assert "更多筛选条件：" not in texts(at)
    at.session_state["queue_more"] = True
    at.run()
    assert at.selectbox(key="queue_category").value == ""  # "All"
    at.query_params["institution"] = "Nonexistent Bank"
    at.query_params["filed_from"] = "2026-01-01"
    at.run()
    assert not at.exception
    assert at.selectbox(key="queue_institution").value == "Nonexistent Bank"
    assert number not in [link.label for link in at.get("page_link")]
    at.session_state["queue_more"] = False
    at.run()
    assert "已设置的更多筛选条件：Nonexistent Bank、提交日期自 2026年1月1日" in texts(at)


def test_the_queues_choices_survive_a_language_switch_in_the_new_words(replied):
    """The browser keeps a box's choice by its words: a box kept under one key went on showing
    "Newest first" in Chinese. Each box is keyed by language, and its choice carried over."""
    staff, _, closed = replied
    at = open_page(staff, "pages/queue.py")
    at.selectbox(key="queue_sort@en").select("oldest").run()
    at.selectbox(key="queue_stage@en").select("closed").run()
    at.session_state["lang"] = "zh_CN"  # what the sidebar's language box sets
    at.run()
    assert not at.exception
    assert at.selectbox(key="queue_sort@zh_CN").value == "oldest"
    assert at.selectbox(key="queue_sort@zh_CN").format_func("oldest") == "最早优先"
    assert at.selectbox(key="queue_stage@zh_CN").value == "closed"
    assert [link.label for link in at.get("page_link") if link.label.startswith("DSP-")] == [
        closed]
    at.query_params["stage"] = "negotiation"  # a dashboard link, in the new language
    at.run()
    assert at.selectbox(key="queue_stage@zh_CN").value == "negotiation"


def test_one_dispute_is_one_dispute(replied):
    staff, borrower, _ = replied
    at = open_page(staff, "pages/queue.py")
    assert "Page 1 · 1 dispute" in texts(at)
    assert "1 disputes" not in texts(at)
    at = open_page(staff, "pages/queue.py", lang="zh_CN")
    assert "共 1 项争议" in texts(at)


def test_lists_are_drawn_as_one_grid_with_the_phone_stylesheet(replied):
    staff, borrower, closed = replied
    at = open_page(borrower, "pages/my_disputes.py")
    assert not at.exception
    html = " ".join(str(h.proto.body) for h in at.get("html"))
    assert "@media (max-width: 640px)" in html and '[class*="st-key-list_mine"]' in html
    at = open_page(staff, "pages/queue.py", lang="zh_CN")
    html = " ".join(str(h.proto.body) for h in at.get("html"))
    item = '[class*="st-key-list_queue"] > [data-testid="stElementContainer"]'
    # one container for the list: a grid of the link's share (3 of 15) and the values ...
    assert ('[class*="st-key-list_queue"] { display: grid !important; grid-template-columns: '
            'calc((100% - 1rem) * 3 / 15) minmax(0, 1fr);') in html
    # ... each line's values one markdown, laid out by the header's widths
    assert (f'{item}:nth-child(even) [data-testid="stMarkdownContainer"] {{ display: grid; '
            "grid-template-columns: minmax(0, 3fr) minmax(0, 2fr) minmax(0, 2fr) "
            "minmax(0, 2fr) minmax(0, 3fr);") in html
    # on a phone the header line is hidden, and each value of a card has its title above it
    assert f"{item}:nth-child(-n+2) {{ display: none; }}" in html
    assert (f'{item}:nth-child(even) [data-testid="stMarkdownContainer"] '
            'p:nth-of-type(3)::before { content: "处理人";') in html
    [row] = [m.value for m in at.markdown if "李静" in m.value]  # the handler's name
    assert len(row.split("\n\n")) == 5
    # the list is one container: the header line (two markdowns), then a link and a markdown
    # per dispute, nothing else (a container per row cost the browser about 38 ms a page)
    kinds = [type(e).__name__ for e in _keyed_block(at.main, "list_queue").children.values()]
    assert kinds[:2] == ["Markdown", "Markdown"] and len(kinds) > 2
    assert kinds[2:] == ["PageLink", "Markdown"] * ((len(kinds) - 2) // 2)


def _keyed_block(node, key):
    """The container drawn with `key` in AppTest's element tree."""
    if getattr(node, "key", None) == key and hasattr(node, "children"):
        return node
    for child in getattr(node, "children", {}).values():
        found = _keyed_block(child, key)
        if found is not None:
            return found
    return None


def test_a_rows_values_stay_one_paragraph_each_whatever_they_hold():
    from ui.cards import _cells
    from ui.render import md_escape

    # a blank line inside a value (an institution's name typed with one) and an empty value
    cells = _cells([md_escape("招商银行\n\n信用卡中心"), "", "已提交"])
    assert cells.split("\n\n") == ["招商银行  \n信用卡中心", "—", "已提交"]


def test_a_card_title_cannot_end_the_style_element():
    from ui.cards import _list_css

    css = _list_css("x", [1, 1], ["No.", 'Say "hi"</style><script>alert(1)</script>\\'])
    assert "</style><script>" not in css and css.count("</style>") == 1
    assert 'content: "Say \\22 hi\\22 \\3c /style\\3e ' in css


def pages_pdf(n: int) -> bytes:
    """A real PDF of `n` pages, each of another size (so each page's preview differs)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for i in range(n):
        writer.add_blank_page(200 + 100 * i, 200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_pdf_preview_turns_the_pages(portal):
    from evidence import preview
    from tests.conftest import upload

    assert preview.pdf_page_count(io.BytesIO(pages_pdf(3))) == 3
    borrower = make_user(portal)
    number = cases.file_dispute(portal, borrower, filing_form(),
                                [upload("statement.pdf", pages_pdf(3))])
    at = open_page(borrower, "pages/dispute.py", number, tab="Evidence")
    assert not at.exception
    [image] = at.image
    assert image.captions == ["Page 1 of 3"]
    next_key = [b.key for b in at.button if b.key and b.key.endswith("_next")
                and b.key.startswith("pdfpage_")][0]
    assert at.button(key=next_key.replace("_next", "_prev")).disabled
    at.button(key=next_key).click().run()
    at.button(key=next_key).click().run()
    assert at.image[0].captions == ["Page 3 of 3"]
    assert at.image[0].value != image.value  # another picture
    assert at.button(key=next_key).disabled
