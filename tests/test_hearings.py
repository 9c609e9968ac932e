"""Hearings with their time, courtroom and kind, and calendar files (RFC 5545) for each hearing
and for the docket (issue 16 item 11)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

import pytest
from icalendar import Calendar

from dispute import cases, workflow
from dispute.errors import Forbidden, InvalidInput, NotFound
from dispute.hearing_calendar import docket_calendar, hearing_calendar
from dispute.proceedings import add_hearing, get_proceedings
from dispute.vocab import HearingKind, Role
from tests.conftest import filing_form, make_user, open_form, open_tab, raw
from tests.test_pages import portal  # noqa: F401  (a fixture)
from tests.test_workflow import FORMS
from tests.test_workflow_pages import open_page, texts


def to_court(ctx, staff, legal, number) -> None:
    workflow.move(ctx, staff, number, "acknowledge", FORMS["acknowledge"])
    workflow.move(ctx, staff, number, "to_mediation", FORMS["to_mediation"])
    workflow.move(ctx, legal, number, "to_litigation", FORMS["to_litigation"])


@pytest.fixture
def court(portal):
    borrower = make_user(portal)
    staff = make_user(portal, Role.STAFF, email="staff@example.com", name="李静")
    legal = make_user(portal, Role.LEGAL, email="legal@example.com", name="陈律师")
    number = cases.file_dispute(portal, borrower, filing_form())
    to_court(portal, staff, legal, number)
    return portal, number, borrower, staff, legal


def events_of(ics: bytes) -> list:
    return [c for c in Calendar.from_ical(ics).walk("VEVENT")]


def test_a_hearing_keeps_its_time_courtroom_and_kind(court):
    ctx, number, borrower, _staff, legal = court
    add_hearing(ctx, legal, number, {"held_on": date(2026, 12, 15), "starts_at": "09:30",
                                     "courtroom": "第三法庭", "kind": "judgment",
                                     "notes": "宣判"})
    [h] = get_proceedings(ctx, borrower, number).hearings
    assert (h.held_on, h.starts_at, h.courtroom, h.kind) == (
        date(2026, 12, 15), time(9, 30), "第三法庭", HearingKind.JUDGMENT)
    with pytest.raises(InvalidInput) as bad:
        add_hearing(ctx, legal, number, {"held_on": None, "starts_at": "25:99",
                                         "kind": "party"})
    assert set(bad.value.fields) >= {"held_on", "starts_at", "kind"}
    assert len(get_proceedings(ctx, borrower, number).hearings) == 1


def test_hearings_recorded_before_the_migration_read_as_trials(court):
    ctx, number, borrower, _staff, legal = court
    did = raw(ctx.db, "SELECT id FROM disputes WHERE number = ?", (number,)).scalar()
    ctx.db.write(lambda tx: tx.execute(
        "INSERT INTO hearings (id, dispute_id, held_on, notes, recorded_by, recorded_at) "
        "VALUES (gen_random_uuid(), ?, DATE '2026-11-15', 'old', ?, now())", (did, legal.id)))
    [h] = get_proceedings(ctx, borrower, number).hearings
    assert h.kind == HearingKind.TRIAL and h.starts_at is None


def test_the_calendar_file_of_a_hearing_is_rfc_5545_in_utc(court):
    ctx, number, borrower, _staff, legal = court
    hid = add_hearing(ctx, legal, number, {"held_on": date(2026, 12, 15), "starts_at": "09:30",
                                           "courtroom": "第三法庭", "kind": "trial",
                                           "notes": "内部：证人名单"})
    ics = hearing_calendar(ctx, borrower, number, hid, "zh_CN")
    text = ics.decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert "VERSION:2.0" in text and "PRODID:" in text
    assert "DTSTART:20261215T013000Z" in text  # 09:30 in Shanghai
    [event] = events_of(ics)
    assert event["UID"] == f"{hid}@dispute-portal"
    assert event.decoded("DTSTART") == datetime(2026, 12, 15, 1, 30, tzinfo=timezone.utc)
    assert "开庭" in str(event["SUMMARY"]) and number in str(event["SUMMARY"])
    assert "上海市浦东新区人民法院" in str(event["LOCATION"]) and "第三法庭" in str(event["LOCATION"])
    assert "证人名单" not in text  # notes never leave in a calendar file
    en = events_of(hearing_calendar(ctx, legal, number, hid, "en"))[0]
    assert "Trial hearing" in str(en["SUMMARY"])
    other = make_user(ctx, email="other@example.com")
    with pytest.raises(NotFound):
        hearing_calendar(ctx, other, number, hid)


def test_a_hearing_without_a_time_is_an_all_day_event(court):
    ctx, number, _borrower, _staff, legal = court
    hid = add_hearing(ctx, legal, number, {"held_on": date(2026, 12, 20), "kind": "pretrial"})
    ics = hearing_calendar(ctx, legal, number, hid, "en")
    assert "DTSTART;VALUE=DATE:20261220" in ics.decode()
    assert events_of(ics)[0].decoded("DTSTART") == date(2026, 12, 20)


def test_the_docket_calendar_holds_the_docket_hearings_from_a_month_ago(court):
    ctx, number, borrower, staff, legal = court
    second = cases.file_dispute(ctx, borrower, filing_form(institution="中国银行"))
    to_court(ctx, staff, legal, second)
    today = ctx.today()
    add_hearing(ctx, legal, number, {"held_on": today + timedelta(days=3), "starts_at": "14:00"})
    add_hearing(ctx, legal, second, {"held_on": today + timedelta(days=1), "kind": "mediation"})
    add_hearing(ctx, legal, second, {"held_on": today - timedelta(days=45)})  # too old
    events = events_of(docket_calendar(ctx, staff, "zh_CN"))
    assert [str(e["SUMMARY"]).split("：")[1] for e in events] == [second, number]
    assert "调解" in str(events[0]["SUMMARY"])
    with pytest.raises(Forbidden):
        docket_calendar(ctx, borrower)
    workflow.move(ctx, staff, second, "close", FORMS["close"])
    assert len(events_of(docket_calendar(ctx, legal))) == 1


# --- through the pages ------------------------------------------------------------------------

def test_legal_records_a_hearing_on_the_workspace_and_gets_its_calendar(court):
    ctx, number, borrower, _staff, legal = court
    at = open_page(legal, "pages/workspace.py", number, lang="zh_CN", tab="Mediation and court")
    assert not at.exception
    assert "hearing_kind" not in at.session_state  # folded: the form's fields are not drawn
    open_form(at, "hearing")
    at.selectbox(key="hearing_kind").set_value("judgment")
    at.date_input(key="hearing_held_on").set_value(date(2026, 12, 15))
    at.time_input(key="hearing_starts_at").set_value(time(14, 30))
    at.text_input(key="hearing_courtroom").input("第五法庭")
    at.button(key="hearing_submit").click().run()
    assert not at.exception
    # saved: the form is empty again (nobody records it twice), the confirmation beside it
    assert at.text_input(key="hearing_courtroom").value == ""
    assert at.date_input(key="hearing_held_on").value is None
    assert at.time_input(key="hearing_starts_at").value is None
    assert any("已保存" in s.value for s in at.success), [s.value for s in at.success]
    # drawn open, so the confirmation inside it is seen: the hearing added to the list above
    # moves the form, and the browser would otherwise draw it closed again
    [box] = [e for e in at.expander if e.label == "记录庭审"]
    assert box.proto.expanded
    # and stays open while this dispute is open: recording a second hearing, the first field
    # that reruns the page must not fold the form shut under the user's hands
    at.date_input(key="hearing_held_on").set_value(date(2026, 12, 16)).run()
    [box] = [e for e in at.expander if e.label == "记录庭审"]
    assert box.proto.expanded and not at.success
    at.query_params["number"] = "DSP-2026-999999"  # another dispute (here: one not found)
    at.run()
    at.query_params["number"] = number  # back: a new visit, the form drawn closed
    at.run()
    open_tab(at, "Mediation and court")
    [box] = [e for e in at.expander if e.label == "记录庭审"]
    assert not box.proto.expanded
    [h] = get_proceedings(ctx, legal, number).hearings
    assert (h.kind, h.starts_at, h.courtroom) == (HearingKind.JUDGMENT, time(14, 30), "第五法庭")

    at = open_page(borrower, "pages/dispute.py", number, lang="zh_CN", tab="Mediation and court")
    assert "**宣判**" in texts(at) and "14:30" in texts(at) and "第五法庭" in texts(at)
    assert any(f"ics_{h.id}" in str(b.proto) for b in at.get("download_button"))

    at = open_page(legal, "pages/docket.py", lang="zh_CN")
    assert not at.exception
    assert any("庭审日历（ICS）" in str(b.proto) for b in at.get("download_button"))


def test_a_hearing_without_a_date_is_refused_beside_the_field_and_keeps_what_was_typed(court):
    """The hearing form saves in its button's callback: a refusal saves nothing, says why
    beside the field and leaves the typed values in the form; a save on a dispute changed by
    someone else since the page was drawn is refused with the reload message."""
    ctx, number, _borrower, staff, legal = court
    at = open_form(open_page(legal, "pages/workspace.py", number, tab="Mediation and court"),
                   "hearing")
    at.text_input(key="hearing_courtroom").input("Courtroom 5")
    at.button(key="hearing_submit").click().run()
    assert not at.exception
    assert "This field is required." in texts(at)
    [date_column] = [c for c in at.columns if [d for d in c.date_input
                                                if d.key == "hearing_held_on"]]
    assert ["This field is required" in m.value for m in date_column.markdown] == [True]
    assert at.text_input(key="hearing_courtroom").value == "Courtroom 5"
    assert get_proceedings(ctx, legal, number).hearings == []

    at.date_input(key="hearing_held_on").set_value(date(2026, 12, 15))
    from dispute.messages import send_message  # someone else changes the dispute meanwhile
    send_message(ctx, staff, number, {"body": "法院来电"})
    at.button(key="hearing_submit").click().run()
    assert "This dispute was changed by someone else — reload." in texts(at)
    assert get_proceedings(ctx, legal, number).hearings == []
    at.run()  # the page read again: the same form now saves
    at.button(key="hearing_submit").click().run()
    [h] = get_proceedings(ctx, legal, number).hearings
    assert (h.held_on, h.courtroom) == (date(2026, 12, 15), "Courtroom 5")


def test_a_long_list_of_hearings_is_paged_from_the_next_one(court):
    """Ten hearings a page; the list opens on the page of the next hearing from today, and the
    pager turns to the others."""
    ctx, number, _borrower, _staff, legal = court
    today = ctx.today()
    for i in range(23):  # 15 before today, 8 from today on
        add_hearing(ctx, legal, number, {"held_on": today + timedelta(days=i - 15),
                                         "courtroom": f"Room {i}"})
    at = open_page(legal, "pages/workspace.py", number, tab="Mediation and court")
    rooms = lambda: re.findall(r"Room (\d+)", texts(at))  # noqa: E731
    assert rooms() == [str(i) for i in range(10, 20)]  # page 2 holds the 16th, today's
    assert "Page 2 of 3" in texts(at)
    at.button(key=f"hearings_{number}_next").click().run()
    assert rooms() == [str(i) for i in range(20, 23)]
    at.button(key=f"hearings_{number}_prev").click().run()
    at.button(key=f"hearings_{number}_prev").click().run()
    assert rooms() == [str(i) for i in range(0, 10)]
    assert len(at.get("download_button")) == 10


COURT_FORMS = ["Update the mediation record", "Record a mediation session",
               "Update the litigation record", "Record a hearing", "Record the judgment"]


def test_a_closed_dispute_takes_no_court_record_until_it_is_reopened(court):
    """Like its offers, contacts and evidence: a closed dispute's mediation and court records
    are read-only (the service refuses, changing nothing; legal's tab draws no forms) until
    the dispute is reopened."""
    from dispute.errors import UserError
    from dispute.proceedings import record_judgment, update_litigation

    ctx, number, borrower, staff, legal = court
    workflow.move(ctx, legal, number, "close", {"resolution": "monetary_relief",
                                                "summary": "判决后已退还违约金"})
    events = raw(ctx.db, "SELECT count(*) FROM events").scalar()
    for write in (lambda: add_hearing(ctx, legal, number, {"held_on": date(2026, 12, 15),
                                                           "kind": "trial"}),
                  lambda: update_litigation(ctx, legal, number, {"court": "朝阳区人民法院"}),
                  lambda: record_judgment(ctx, legal, number, {"judgment": "驳回",
                                                               "judgment_on": ctx.today()})):
        with pytest.raises(UserError, match="closed"):
            write()
    assert raw(ctx.db, "SELECT count(*) FROM events").scalar() == events
    assert get_proceedings(ctx, legal, number).hearings == []

    at = open_page(legal, "pages/workspace.py", number, lang="en", tab="Mediation and court")
    assert not at.exception
    assert "Litigation" in [h.value for h in at.subheader]
    assert not {e.label for e in at.expander} & set(COURT_FORMS), "no form on a closed dispute"

    workflow.move(ctx, staff, number, "reopen", {"reason": "判决未履行"})
    at = open_page(legal, "pages/workspace.py", number, lang="en", tab="Mediation and court")
    assert [e.label for e in at.expander if e.label in COURT_FORMS] == COURT_FORMS
    add_hearing(ctx, legal, number, {"held_on": date(2026, 12, 15), "kind": "trial"})
    assert len(get_proceedings(ctx, legal, number).hearings) == 1


def test_a_folded_court_form_keeps_what_was_typed_across_a_language_switch(court):
    """The court forms draw their fields only while open (ui/forms.form_box). A language switch
    folds the box (Streamlit names its state after its label); opened again, it holds what was
    typed, and the tab is still the court's."""
    ctx, number, _borrower, _staff, legal = court
    at = open_form(open_page(legal, "pages/workspace.py", number, tab="Mediation and court"),
                   "hearing")
    at.text_input(key="hearing_courtroom").input("第五法庭").run()
    at.session_state["lang"] = "zh_CN"
    at.run()
    assert not at.exception and "调解与诉讼" in [t.label for t in at.tabs]
    assert "诉讼" in [h.value for h in at.subheader]  # the court tab, in the new language
    open_form(at, "hearing")
    assert at.text_input(key="hearing_courtroom").value == "第五法庭"
