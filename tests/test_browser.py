"""Three journeys in a real Chromium (Debian's, driven by Playwright) against `streamlit run
app.py` on a temp data directory (tests/browser_support.py):

1. a borrower registers in Chinese and files a dispute with a PDF, a photo and a call recording;
2. staff acknowledges it and records an offer, the borrower rejects it, staff escalates to
   mediation;
3. legal escalates a mediation to court, records the case number, exports the bundle and the
   downloaded ZIP verifies.

The pages are in Chinese; locators use the catalog (`_("msgid")`) so they follow translations.
Every step waits for an element (`expect`, Playwright's auto-wait), never for time."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dispute import accounts, cases, workflow
from dispute.bundle import signing
from dispute.bundle.verify import verify_bundle
from dispute.exhibits import list_evidence
from dispute.i18n import translator
from dispute.offers import OfferStatus, list_offers
from dispute.proceedings import get_proceedings
from dispute.vocab import Role, Stage, label
from tests.browser_support import (EXPORT_TIMEOUT_MS, RUNS, after_run,  # noqa: F401
                                   browser, data_dir, expanders_still,
                                   leave_for, live_portal, open_tab, press, services, settle, shown,
                                   sign_in, tab_field)
from tests.conftest import SHARED_FIXTURES, filing_form, make_user, pdf_bytes
from tests.second_factor import KNOWN_SECRET, ready
from tests.test_workflow import FORMS

pytestmark = pytest.mark.browser
_ = translator("zh_CN")
PASSWORD = "correct horse battery"  # make_user's default


def evidence_files(tmp_path: Path) -> list[Path]:
    """A PDF, a JPEG and an M4A: the shared fixtures, or files made here where they are absent."""
    shared = [SHARED_FIXTURES / "pdf" / "minimal-document.pdf",
              SHARED_FIXTURES / "images" / "landscape_6.jpg",
              SHARED_FIXTURES / "audio" / "call_zh.m4a"]
    if all(p.exists() for p in shared):
        return shared
    from PIL import Image

    made = [tmp_path / "statement.pdf", tmp_path / "sms.jpg", tmp_path / "call.m4a"]
    made[0].write_bytes(pdf_bytes())
    Image.new("RGB", (320, 240), "white").save(made[1], "JPEG")
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg not installed (make test installs it)")
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    "sine=frequency=440:duration=1", "-c:a", "aac", str(made[2])], check=True)
    return made


def workspace_tab(page, name: str) -> None:
    open_tab(page, _(name))


def test_borrower_registers_in_chinese_and_files_a_dispute_with_three_exhibits(
        data_dir, live_portal, browser, tmp_path):
    with services(data_dir) as ctx:  # an admin exists, so the landing page is the login
        make_user(ctx, Role.ADMIN, email="admin@example.com")
    files = evidence_files(tmp_path)
    page = browser.page()
    elsewhere = []  # the browser asks nothing of other hosts (the tab's icon once did)
    page.on("request", lambda r: None if r.url.startswith((live_portal.url, "data:", "blob:"))
            else elsewhere.append(r.url))
    page.goto(live_portal.url + "/")
    press(page, page.get_by_role("tab", name=_("Register")), reruns=False)
    page.get_by_label(_("Full name")).fill("张伟")
    tab_field(page, _("Email")).fill("zhang.wei@example.com")
    page.get_by_label(_("Mobile phone")).fill("13800138000")
    page.get_by_label(_("Password (at least 10 characters)")).fill("a good long password")
    press(page, page.get_by_role("button", name=_("Create account")))
    shown(page, page.get_by_text(_("You have not filed a dispute yet. If a lender's mistake made "
                                   "your loan or card overdue, file a dispute and attach your "
                                   "evidence.")))

    press(page, page.get_by_role("link", name=_("File a dispute")).first)
    shown(page, page.get_by_role("heading", name=_("File a dispute")))
    # The files first, on a page at rest: a rerun redrawing the uploader would drop them.
    page.locator("input[type=file]").first.set_input_files([str(f) for f in files])
    descriptions = page.get_by_label(_("What it shows"))
    expect(descriptions).to_have_count(3)
    settle(page)
    page.get_by_label(_("Lender or servicer *")).fill("招商银行信用卡中心")
    page.get_by_role("textbox", name=_("Card or loan account number *")).fill(
        "6225 8802 1234 5678")
    page.get_by_label(_("Describe what happened, in Chinese or English *")).fill(
        "自动还款失败，银行却记录逾期并收取违约金。")
    page.get_by_role("spinbutton", name="year, " + _("When you discovered it *")).click()
    page.keyboard.type("20260910")  # the date field's segments advance by themselves
    page.keyboard.press("Tab")
    page.get_by_label(_("What do you want the lender to do? *")).click()
    page.get_by_role("option", name=_("Penalty or fee reversal")).click()
    page.keyboard.press("Escape")
    for i, text in enumerate(["九月对账单", "短信截图", "客服通话录音"]):
        descriptions.nth(i).fill(text)
    press(page, page.get_by_role("button", name=_("File the dispute")))

    before, after = _("Dispute {number} was filed.").split("{number}")
    success = page.get_by_text(re.compile(re.escape(before) + r"DSP-\S+" + re.escape(after)))
    shown(page, success)
    filed = success.inner_text()[len(before):-len(after)]
    workspace_tab(page, "Evidence")
    for exhibit, f in zip(["E01", "E02", "E03"], files):
        shown(page, page.get_by_text(f"{exhibit} · ", exact=False).first)
        shown(page, page.get_by_text(f.name, exact=False).first)

    press(page, page.get_by_role("link", name=_("My disputes")))
    shown(page, page.get_by_role("link", name=filed))
    shown(page, page.get_by_text("招商银行信用卡中心"))
    assert elsewhere == []

    live_portal.stop()  # DuckDB: one process at a time
    assert not (data_dir / "dispute.duckdb.wal").exists(), "the stopped portal folded its log"
    with services(data_dir) as ctx:
        borrower = accounts.authenticate(ctx, "zhang.wei@example.com", "a good long password")
        items = list_evidence(ctx, borrower, filed)
    assert [(i.exhibit, i.media_type) for i in items] == [
        ("E01", "application/pdf"), ("E02", "image/jpeg"), ("E03", "audio/mp4")]
    # Each kind was suggested from the detected type, not "call recording" for everything.
    assert [i.kind.value for i in items] == ["statement", "photo", "call_recording"]


# --- journeys 2 and 3: accounts and the dispute made through the services first ---------------

def people(ctx) -> dict[Role, object]:
    """One account per role; staff, legal and the administrator enrolled in two-step sign-in
    with the tests' known secret (sign_in types its code)."""
    return {Role.ADMIN: ready(ctx, make_user(ctx, Role.ADMIN, email="admin@example.com",
                                              name="Admin")),
            Role.STAFF: ready(ctx, make_user(ctx, Role.STAFF, email="staff@example.com",
                                              name="李静")),
            Role.LEGAL: ready(ctx, make_user(ctx, Role.LEGAL, email="legal@example.com",
                                              name="陈律师")),
            Role.BORROWER: make_user(ctx)}


def expander(page, title: str):
    """The expander whose summary is `title` (the move forms, the record forms)."""
    return page.get_by_test_id("stExpander").filter(
        has=page.locator("summary", has_text=title))


def open_form(page, box) -> None:
    """Open the expander `box` of a form in a dispute's tab: its fields are drawn by the run
    that the click starts (ui/forms.form_box), then the box stops growing."""
    press(page, box.locator("summary"))
    expanders_still(page)


def make_move(page, move: str, fields: dict[str, str], is_open: bool = False) -> None:
    """Open the move's expander among the Actions (unless it `is_open`), fill its fields, press
    its button, and wait for the confirmation."""
    box = expander(page, _(move))
    if not is_open:
        open_form(page, box)
    for title, value in fields.items():
        box.get_by_label(_(title), exact=True).fill(value)
    press(page, box.get_by_role("button", name=_(move)))
    shown(page, page.get_by_text(_("Done: {move}.").format(move=_(move))))


def open_from_queue(page, number: str) -> None:
    """Staff's way to a dispute: search the queue, follow the number."""
    press(page, page.get_by_role("link", name=_("Queue")).first)
    search = page.get_by_label(_("Search by number, borrower name or description"))
    search.fill(number)
    after_run(page, lambda: search.press("Enter"))  # the search's list, not the one before
    expect(page.get_by_role("link", name=number)).to_have_count(1)
    press(page, page.get_by_role("link", name=number))
    shown(page, page.get_by_role("heading", name=number))


def stage_shown(page, stage: Stage):
    """The bold stage at the start of the page's stage line."""
    return page.locator("strong").filter(has_text=re.compile(f"^{re.escape(label(stage, _))}$"))


def staff_on_a_new_dispute(data_dir, live_portal, browser, acknowledged: bool = False):
    """A dispute filed by the borrower (acknowledged by staff, if asked), and a staff page
    signed in and opened on it: (accounts by role, its number, the page)."""
    with services(data_dir) as ctx:
        who = people(ctx)
        number = cases.file_dispute(ctx, who[Role.BORROWER], filing_form())
        if acknowledged:
            workflow.move(ctx, who[Role.STAFF], number, "acknowledge", FORMS["acknowledge"])
    staff = browser.page()
    sign_in(staff, live_portal.url, "staff@example.com", PASSWORD, _, KNOWN_SECRET)
    shown(staff, staff.get_by_role("heading", name=_("Queue")))
    open_from_queue(staff, number)
    return who, number, staff


def test_staff_acknowledges_records_an_offer_the_borrower_rejects_and_staff_escalates(
        data_dir, live_portal, browser):
    who, number, staff = staff_on_a_new_dispute(data_dir, live_portal, browser)
    make_move(staff, "Acknowledge and start negotiation",
              {"Acknowledgment sent to the borrower": "已收到您的投诉，我们将在15日内答复。"})
    shown(staff, stage_shown(staff, Stage.NEGOTIATION))
    workspace_tab(staff, "Offers")
    staff.get_by_label(_("Amount refunded or waived")).fill("85.00")
    press(staff, staff.get_by_role("button", name=_("Record the offer")))
    shown(staff, staff.get_by_text(_("The offer was recorded; the borrower can answer it.")))

    borrower = browser.page()
    sign_in(borrower, live_portal.url, "wang.fang@example.com", PASSWORD, _)
    press(borrower, borrower.get_by_role("link", name=number))
    shown(borrower, borrower.get_by_text(_("You have an offer to answer: see Offers.")))
    draft = "我想先看看和解方案再回复。"  # typed, not sent, before looking at the offer
    borrower.get_by_label(_("Write a message")).fill(draft)
    workspace_tab(borrower, "Offers")
    shown(borrower, borrower.get_by_text(
        _("Refund or waiver of {amount}").format(amount="¥85.00")))
    press(borrower, borrower.get_by_role("button", name=_("Reject this offer")))
    press(borrower, borrower.get_by_role("button", name=_("Yes, reject this offer")))
    shown(borrower, borrower.get_by_text(_("Your answer was recorded.")))
    workspace_tab(borrower, "Conversation")  # only the open tab is drawn: the draft was kept
    expect(borrower.get_by_label(_("Write a message"))).to_have_value(draft)

    open_from_queue(staff, number)  # a fresh look at the dispute
    workspace_tab(staff, "Offers")
    shown(staff, staff.get_by_text(_("Rejected"), exact=True))
    box = expander(staff, _("Escalate to mediation"))
    open_form(staff, box)
    press(staff, box.get_by_role("button", name=_("Escalate to mediation")))
    shown(staff, box.get_by_text(_("This field is required.")).first)
    make_move(staff, "Escalate to mediation",
              {"Reason": "银行拒绝退还违约金", "Mediation body": "上海银行业纠纷调解中心"},
              is_open=True)
    shown(staff, stage_shown(staff, Stage.MEDIATION))
    workspace_tab(staff, "Mediation and court")
    shown(staff, staff.get_by_text("上海银行业纠纷调解中心", exact=False).first)

    live_portal.stop()  # DuckDB: one process at a time
    with services(data_dir) as ctx:
        d = cases.get_dispute(ctx, who[Role.STAFF], number)
        [offer] = list_offers(ctx, who[Role.STAFF], number)
        mediation = get_proceedings(ctx, who[Role.STAFF], number).mediation
    assert d.stage == Stage.MEDIATION and d.handler_id == who[Role.STAFF].id
    assert offer.status == OfferStatus.REJECTED and offer.refund_minor == 8500
    assert mediation.body == "上海银行业纠纷调解中心"


def test_legal_records_two_hearings_one_after_the_other(data_dir, live_portal, browser):
    """The hearing form is part of the tab's panel, a fragment that reads the dispute again on
    each of its runs: a second hearing saved straight after the first is accepted (a form left
    with the version it was drawn with would be refused as stale), both are in the list above
    the form, and the form is empty after each save (so nobody saves the same hearing
    twice)."""
    from datetime import date, timedelta

    with services(data_dir) as ctx:
        who = people(ctx)
        number = cases.file_dispute(ctx, who[Role.BORROWER], filing_form())
        for role, move in ((Role.STAFF, "acknowledge"), (Role.STAFF, "to_mediation"),
                           (Role.LEGAL, "to_litigation")):
            workflow.move(ctx, who[role], number, move, FORMS[move])

    legal = browser.page()
    sign_in(legal, live_portal.url, "legal@example.com", PASSWORD, _, KNOWN_SECRET)
    shown(legal, legal.get_by_role("heading", name=_("Docket")))
    press(legal, legal.get_by_role("link", name=number))
    shown(legal, legal.get_by_role("heading", name=number))
    workspace_tab(legal, "Mediation and court")
    box = expander(legal, _("Record a hearing"))
    open_form(legal, box)
    for i in (1, 2):
        held = date.today() + timedelta(days=30 + i)
        settle(legal)
        box.get_by_role("spinbutton", name="year, " + _("Date")).click()
        legal.keyboard.type(held.strftime("%Y%m%d"))
        courtroom = box.get_by_label(_("Courtroom"))
        leave_for(legal, courtroom)
        courtroom.fill(f"第{i}法庭")
        # apply it before the click (a blur and a click at once can lose the click under load)
        after_run(legal, lambda: courtroom.press("Enter"))
        press(legal, box.get_by_role("button", name=_("Save the hearing")))
        shown(legal, box.get_by_text(_("Saved."), exact=True))
        expect(courtroom).to_have_value("")  # the saved form comes back empty
        expect(legal.get_by_text(_("This dispute was changed by someone else — reload."),
                                 exact=False)).to_have_count(0)
    panel = legal.get_by_role("tabpanel")  # the list above the form, drawn by the page's run
    for i in (1, 2):
        expect(panel.get_by_text(f"第{i}法庭", exact=False).first).to_be_visible()


def test_staff_writes_twice_in_each_box_and_every_save_is_listed(data_dir, live_portal,
                                                                 browser):
    """The message, note and offer forms are part of the tab's panel: a save runs the panel,
    list and form, so what was saved is listed at once (the form alone rerun would leave the
    list as it was), twice in a row, with the form empty after each."""
    who, number, staff = staff_on_a_new_dispute(data_dir, live_portal, browser,
                                                acknowledged=True)
    for tab, field, button, done, texts in (
            ("Conversation", "Write a message", "Send", "Message sent.",
             ("第一条：请提供九月对账单。", "第二条：已收到，谢谢。")),
            ("Internal notes", "New note", "Add the note", "Note added.",
             ("内部备注一", "内部备注二")),
            ("Offers", "Terms in the lender's words", "Record the offer",
             "The offer was recorded; the borrower can answer it.",
             ("退还违约金85元", "另减免利息20元"))):
        workspace_tab(staff, tab)
        for text in texts:
            settle(staff)
            if tab == "Offers":
                staff.get_by_label(_("Amount refunded or waived")).fill("85.00")
            box = staff.get_by_label(_(field))
            box.fill(text)
            press(staff, staff.get_by_role("button", name=_(button)))
            shown(staff, staff.get_by_text(_(done), exact=True))
            expect(box).to_have_value("")  # the saved form comes back empty
            expect(staff.get_by_text(_("This dispute was changed by someone else — reload."),
                                     exact=False)).to_have_count(0)
        panel = staff.get_by_role("tabpanel")
        for text in texts:  # listed by the page's run
            expect(panel.get_by_text(text, exact=True)).to_have_count(1)


def test_a_save_in_a_tab_runs_the_tab_alone_unless_it_changed_the_page_around_it(
        data_dir, live_portal, browser):
    """A dispute's open tab is a fragment (ui/case_page.tab_panel). An offer recorded runs the
    tab alone (the run Streamlit reports is a fragment's) and lists the offer; the page around
    it is not drawn again, yet its forms expect the version the save made: a stage move just
    after is accepted, not refused as stale. A request for information makes the dispute wait
    on the borrower, which the page shows above the tabs: that save runs the whole page."""
    who, number, staff = staff_on_a_new_dispute(data_dir, live_portal, browser,
                                                acknowledged=True)
    runs = RUNS[staff]
    press(staff, expander(staff, _("Assign")).locator("summary"))  # drawn once opened
    # The move's form filled first: its button's click below is then the page's first news of
    # it, and the move is judged on the version the page's forms expect at that moment.
    move = expander(staff, _("Escalate to mediation"))
    open_form(staff, move)
    move.get_by_label(_("Reason"), exact=True).fill("银行拒绝退还违约金")
    body = move.get_by_label(_("Mediation body"), exact=True)
    body.fill("上海银行业纠纷调解中心")
    after_run(staff, lambda: body.press("Enter"))
    workspace_tab(staff, "Offers")
    staff.get_by_label(_("Amount refunded or waived")).fill("85.00")
    staff.get_by_label(_("Terms in the lender's words")).fill("退还违约金85元")
    press(staff, staff.get_by_role("button", name=_("Record the offer")))
    shown(staff, staff.get_by_text(_("The offer was recorded; the borrower can answer it.")))
    assert runs.fragment_alone[-1], "the offer's save ran the whole page"
    expect(staff.get_by_role("tabpanel").get_by_text("退还违约金85元", exact=True)) \
        .to_have_count(1)
    # A handler chosen after that save stays chosen (the box used to reset its choice at every
    # new version of the dispute) and is saved.
    assign = expander(staff, _("Assign"))
    settle(staff)
    handler = assign.get_by_role("combobox")
    handler.scroll_into_view_if_needed()
    handler.click()
    expect(staff.get_by_role("option").first).to_be_visible()
    after_run(staff, staff.get_by_role("option", name="陈律师").click)
    press(staff, assign.get_by_role("button", name=_("Assign"), exact=True))
    shown(staff, staff.get_by_text(_("Assignment saved.")))
    press(staff, move.get_by_role("button", name=_("Escalate to mediation")))
    expect(staff.get_by_text(_("This dispute was changed by someone else — reload."),
                             exact=False)).to_have_count(0)
    shown(staff, staff.get_by_text(_("Done: {move}.").format(move=_("Escalate to mediation"))))
    shown(staff, stage_shown(staff, Stage.MEDIATION))

    # the line under the stage: "Borrower: … · Waiting on the borrower"
    waiting = staff.get_by_text(re.compile(re.escape(" · " + _("Waiting on the borrower")) + "$"))
    expect(waiting).to_have_count(0)
    workspace_tab(staff, "Conversation")
    staff.get_by_label(_("Write a message")).fill("请提供九月对账单。")
    staff.get_by_text(_("This is a request for information (the dispute waits on the borrower "
                        "until they reply or upload)")).click()
    press(staff, staff.get_by_role("button", name=_("Send")))
    shown(staff, staff.get_by_text(_("Request for information sent: the dispute now waits on "
                                     "the borrower.")))
    assert not runs.fragment_alone[-1], "the request ran the tab alone"
    expect(waiting.first).to_be_visible()


def test_an_offer_refused_as_stale_is_saved_by_the_second_click(data_dir, live_portal,
                                                                 browser):
    """The offer form is drawn with the dispute's version. When the dispute changed meanwhile
    (the borrower wrote), the save is refused as stale and the whole page is drawn again: the
    form keeps what was typed, and the second click saves it. (Had a form been left with the
    old version, it would have refused every click.)"""
    who, number, staff = staff_on_a_new_dispute(data_dir, live_portal, browser,
                                                acknowledged=True)
    workspace_tab(staff, "Offers")
    settle(staff)

    borrower = browser.page()
    sign_in(borrower, live_portal.url, "wang.fang@example.com", PASSWORD, _)
    press(borrower, borrower.get_by_role("link", name=number))
    shown(borrower, borrower.get_by_role("heading", name=number))
    borrower.get_by_label(_("Write a message")).fill("我已上传银行流水。")
    press(borrower, borrower.get_by_role("button", name=_("Send")))
    shown(borrower, borrower.get_by_text(_("Message sent."), exact=True))

    amount = staff.get_by_label(_("Amount refunded or waived"))
    amount.fill("85.00")
    record = staff.get_by_role("button", name=_("Record the offer"))
    press(staff, record)
    shown(staff, staff.get_by_text(_("This dispute was changed by someone else — reload."),
                                   exact=False).first)
    expect(amount).to_have_value("85.00")  # what was typed stays
    press(staff, record)
    shown(staff, staff.get_by_text(_("The offer was recorded; the borrower can answer it."),
                                   exact=True))
    expect(staff.get_by_role("tabpanel").get_by_text(
        _("Refund or waiver of {amount}").format(amount="¥85.00"))).to_have_count(1)


def test_a_message_sent_after_logging_out_in_another_tab_shows_the_login(data_dir,
                                                                          live_portal, browser):
    """The message box is a fragment, whose own runs skip the page's check of the user. A click
    on Send after the session ended (logged out in another tab) runs the page, which shows the
    login and why, and sends nothing: not a box that empties itself and says nothing."""
    from dispute.messages import list_messages
    from tests.browser_support import watch

    who, number, staff = staff_on_a_new_dispute(data_dir, live_portal, browser)
    workspace_tab(staff, "Conversation")
    settle(staff)
    tab = watch(staff.context.new_page())
    browser.pages.append(tab)
    tab.goto(f"{live_portal.url}/workspace?number={number}")
    shown(tab, tab.get_by_role("heading", name=number))
    press(tab, tab.get_by_role("button", name=_("Log out")))
    shown(tab, tab.get_by_text(_("You have logged out.")))

    staff.get_by_label(_("Write a message")).fill("这条消息不应发出")
    press(staff, staff.get_by_role("button", name=_("Send")))
    shown(staff, staff.get_by_text(_("You have logged out.")))
    shown(staff, staff.get_by_role("tab", name=_("Log in")))

    live_portal.stop()  # DuckDB: one process at a time
    with services(data_dir) as ctx:
        assert list_messages(ctx, who[Role.STAFF], number) == []


def test_a_form_saved_during_the_run_comes_back_empty(data_dir, live_portal, browser,
                                                      tmp_path):
    """A form saved during the page's run (`forms.submit`, then a rerun) comes back empty in
    the browser, as one saved in a button's callback does: a second click records nothing
    more. (Its fields' keys deleted from the session were not enough: the browser kept what was
    typed and sent it back, so the same demand could be recorded twice.)"""
    from datetime import date, timedelta

    from dispute import event_kinds as ek
    from dispute.contacts import list_contacts
    from dispute.timeline import timeline

    with services(data_dir) as ctx:
        who = people(ctx)
        number = cases.file_dispute(ctx, who[Role.BORROWER], filing_form())

    borrower = browser.page()
    sign_in(borrower, live_portal.url, "wang.fang@example.com", PASSWORD, _)
    press(borrower, borrower.get_by_role("link", name=number))
    shown(borrower, borrower.get_by_role("heading", name=number))
    workspace_tab(borrower, "Contact log")
    agent = borrower.get_by_label(_("Agent's name or ID"))
    agent.fill("工号 0231")
    borrower.get_by_label(_("Agent's position")).fill("客服专员")
    borrower.get_by_label(_("What was said")).fill("客服说自动还款已恢复。")
    press(borrower, borrower.get_by_role("button", name=_("Save contact")))
    shown(borrower, borrower.get_by_text(_("Contact saved."), exact=True))
    expect(agent).to_have_value("")
    settle(borrower)
    box = expander(borrower, _("Record a written demand sent to the lender"))
    open_form(borrower, box)
    sent = date.today() - timedelta(days=3)
    box.get_by_role("spinbutton", name="year, " + _("Sent on")).click()
    borrower.keyboard.type(sent.strftime("%Y%m%d"))
    note = box.get_by_label(_("What was sent (optional)"))
    leave_for(borrower, note)
    note.fill("律师函，挂号信寄出")
    # apply it before the click (a blur and a click at once can lose the click under load)
    after_run(borrower, lambda: note.press("Enter"))
    press(borrower, box.get_by_role("button", name=_("Record the demand")))
    shown(borrower, box.get_by_text(_("The demand was recorded."), exact=True))
    expect(note).to_have_value("")  # the saved form comes back empty
    press(borrower, box.get_by_role("button", name=_("Record the demand")))
    shown(borrower, box.get_by_text(_("This field is required.")).first)

    # a file uploader's value cannot be set: after a save it is drawn under a new key
    statement = tmp_path / "statement.pdf"
    statement.write_bytes(pdf_bytes())
    workspace_tab(borrower, "Evidence")
    settle(borrower)
    borrower.locator("input[type=file]").first.set_input_files([str(statement)])
    expect(borrower.get_by_test_id("stFileUploader").get_by_text("statement.pdf")).to_have_count(1)
    settle(borrower)
    borrower.get_by_label(_("What it shows")).fill("十月对账单")
    add = borrower.get_by_role("button", name=_("Add these files"))
    press(borrower, add)
    shown(borrower, borrower.get_by_text(_("Added {exhibits}.").format(exhibits="E01")))
    uploader = borrower.get_by_test_id("stFileUploader")
    expect(uploader.get_by_text("statement.pdf")).to_have_count(0)  # the files are gone
    expect(add).to_be_disabled()

    live_portal.stop()  # DuckDB: one process at a time
    with services(data_dir) as ctx:
        demands = [e for e in timeline(ctx, who[Role.BORROWER], number)
                   if e.kind == ek.DEMAND_RECORDED]
        items = list_evidence(ctx, who[Role.BORROWER], number)
        contacts = list_contacts(ctx, who[Role.BORROWER], number)
    assert [e.payload["note"] for e in demands] == ["律师函，挂号信寄出"]
    assert [(c.agent_name, c.channel.value) for c in contacts] == [("工号 0231", "phone")]
    assert [(i.exhibit, i.description) for i in items] == [("E01", "十月对账单")]


def test_legal_goes_to_court_records_the_case_number_and_downloads_a_bundle_that_verifies(
        data_dir, live_portal, browser, tmp_path):
    from tests.conftest import upload

    with services(data_dir) as ctx:
        who = people(ctx)
        number = cases.file_dispute(ctx, who[Role.BORROWER], filing_form(),
                                    [upload("statement.pdf", pdf_bytes())])
        workflow.move(ctx, who[Role.STAFF], number, "acknowledge", FORMS["acknowledge"])
        workflow.move(ctx, who[Role.STAFF], number, "to_mediation", FORMS["to_mediation"])

    legal = browser.page()
    sign_in(legal, live_portal.url, "legal@example.com", PASSWORD, _, KNOWN_SECRET)
    shown(legal, legal.get_by_role("heading", name=_("Docket")))
    press(legal, legal.get_by_role("link", name=number))
    shown(legal, legal.get_by_role("heading", name=number))
    make_move(legal, "Escalate to litigation",
              {"Mediation result": "调解不成", "Court": "上海市浦东新区人民法院"})
    shown(legal, stage_shown(legal, Stage.LITIGATION))

    workspace_tab(legal, "Mediation and court")
    box = expander(legal, _("Update the litigation record"))
    open_form(legal, box)
    case_number = box.get_by_label(_("Case number"), exact=True)
    case_number.fill("(2026)沪0115民初12345号")
    # apply it before the click (a blur and a click at once can lose the click under load)
    after_run(legal, lambda: case_number.press("Enter"))
    press(legal, box.get_by_role("button", name=_("Save the litigation record")))
    shown(legal, legal.get_by_text(_("Saved."), exact=True))
    # in the record on the open tab (the header and the other tabs hold it too, hidden)
    shown(legal, legal.get_by_role("tabpanel").get_by_text("(2026)沪0115民初12345号",
                                                          exact=False).first)
    expect(case_number).to_have_value("(2026)沪0115民初12345号")  # a record's form keeps it
    expect(box.get_by_label(_("Court"), exact=True)).to_have_value("上海市浦东新区人民法院")

    workspace_tab(legal, "Export")
    press(legal, legal.get_by_role("button", name=_("Make the bundle")), reruns=False)
    bar = legal.get_by_test_id("stProgress")
    expect(bar).to_be_visible()
    shown(legal, legal.get_by_text(_("The bundle is ready.")), timeout=EXPORT_TIMEOUT_MS)
    expect(bar.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    with legal.expect_download() as info:
        press(legal, legal.get_by_role("button", name=_("Download the bundle (ZIP)")),
              reruns=False)  # a download: no run
    download = info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    assert saved.name == f"{number}-bundle.zip"
    portal_key = signing.public_pem(signing.load_key(data_dir))  # a file; no database
    assert verify_bundle(saved, portal_key.encode()).ok
    with zipfile.ZipFile(saved) as z:
        assert "bundle.pdf" in z.namelist()
        assert z.read("bundle.pdf").startswith(b"%PDF")
    live_portal.stop()
    with services(data_dir) as ctx:
        d = cases.get_dispute(ctx, who[Role.LEGAL], number)
        litigation = get_proceedings(ctx, who[Role.LEGAL], number).litigation
    assert d.stage == Stage.LITIGATION
    assert litigation.case_number == "(2026)沪0115民初12345号"
    assert litigation.court == "上海市浦东新区人民法院"
