"""Forms that behave (issue 16, items 3, 5, 6 and 14), through the pages (AppTest): a saved
form comes back empty with its confirmation beside it; an offer is answered only after its
terms are stated and confirmed, and the borrower is spoken to as "you"; bad input is named,
value and all, and stays in the field; a contact entry shows the exhibits it links."""

from __future__ import annotations

from datetime import date, timedelta

from dispute import cases, workflow
from dispute.contacts import add_contact, list_contacts
from dispute.exhibits import list_evidence
from dispute.messages import send_message
from dispute.offers import OfferStatus, list_offers, make_offer
from tests.conftest import NOW, filing_form, make_user, open_tab, pdf_bytes, upload
from tests.test_pages import portal, texts  # noqa: F401  (portal is a fixture)
from tests.test_workflow import FORMS
from tests.test_workflow_pages import case, open_page  # noqa: F401  (case is a fixture)


def success_after(at, key: str) -> str | None:
    """The first success message drawn after the widget `key` (page order): the confirmation
    sits beside the form, not at the top of the page."""
    from streamlit.testing.v1.element_tree import Success

    def walk(node):
        yield node
        for child in (getattr(node, "children", None) or {}).values():
            yield from walk(child)

    flat = list(walk(at.main))
    found = [i for i, n in enumerate(flat) if getattr(n, "key", None) == key]
    assert found, key
    later = [n.value for n in flat[found[-1] + 1:] if isinstance(n, Success)]
    return later[0] if later else None


def test_a_sent_request_for_information_clears_text_and_checkbox_and_says_so_beside_it(case):
    ctx, number, _, staff, _ = case
    at = open_page(staff, "pages/workspace.py", number, tab="Conversation")
    at.text_area(key="msg_body").input("请上传3月份账单")
    at.checkbox(key="msg_request").check()
    at.button(key="msg_submit").click().run()
    assert not at.exception
    assert at.text_area(key="msg_body").value == ""
    assert at.checkbox(key="msg_request").value is False
    assert success_after(at, "msg_submit") == \
        "Request for information sent: the dispute now waits on the borrower."


def test_the_borrowers_message_is_cleared_after_sending(case):
    ctx, number, borrower, _, _ = case
    at = open_page(borrower, "pages/dispute.py", number)
    at.text_area(key="msg_body").input("我已经上传了账单").run()
    at.button(key="msg_submit").click().run()
    assert at.text_area(key="msg_body").value == ""
    assert success_after(at, "msg_submit") == "Message sent."


def test_a_recorded_offer_clears_its_form(case):
    ctx, number, _, staff, _ = case
    workflow.move(ctx, staff, number, "acknowledge", FORMS["acknowledge"])
    at = open_page(staff, "pages/workspace.py", number, tab="Offers")
    at.text_input(key="offer_refund").input("85.00")
    at.checkbox(key="offer_credit").check()
    at.text_area(key="offer_note").input("退还违约金")
    at.button(key="offer_submit").click().run()
    assert not at.exception and len(list_offers(ctx, staff, number)) == 1
    assert at.text_input(key="offer_refund").value == ""
    assert at.checkbox(key="offer_credit").value is False
    assert at.text_area(key="offer_note").value == ""
    assert success_after(at, "offer_submit") == \
        "The offer was recorded; the borrower can answer it."


def _offer(ctx, staff, number):
    workflow.move(ctx, staff, number, "acknowledge", FORMS["acknowledge"])
    make_offer(ctx, staff, number, {"refund_minor": "85.00", "credit_correction": True})
    return list_offers(ctx, staff, number)[0]


def test_accepting_states_the_terms_and_waits_for_confirmation(case):
    ctx, number, borrower, staff, _ = case
    offer = _offer(ctx, staff, number)
    at = open_page(borrower, "pages/dispute.py", number, lang="zh_CN", tab="Offers")
    assert "等待您的答复" in texts(at)
    assert "等待借款人答复" not in texts(at)
    at.button(key=f"offer_{offer.id}_accepted").click().run()
    assert list_offers(ctx, staff, number)[0].status == OfferStatus.PROPOSED  # not yet
    shown = texts(at)
    assert "您将接受这项和解方案：" in shown and "¥85.00" in shown
    at.button(key=f"offer_{offer.id}_cancel").click().run()
    assert list_offers(ctx, staff, number)[0].status == OfferStatus.PROPOSED
    at.button(key=f"offer_{offer.id}_accepted").click().run()
    at.button(key=f"offer_{offer.id}_confirm").click().run()
    assert not at.exception
    assert list_offers(ctx, staff, number)[0].status == OfferStatus.ACCEPTED
    assert "您的答复已记录。" in texts(at)


def test_a_future_date_is_named_and_kept_in_the_field(case):
    ctx, number, borrower, _, _ = case
    at = open_page(borrower, "pages/file_dispute.py")
    later = (NOW + timedelta(days=30)).date()
    at.date_input(key="file_discovered").set_value(later)
    at.button(key="file_submit").click().run()
    assert not at.exception
    assert "is in the future (today is" in texts(at)
    assert "This field is required." not in [e.value for e in at.caption]
    assert at.date_input(key="file_discovered").value == later


def test_a_negative_or_huge_amount_is_named_as_typed_and_the_limit_is_money(case):
    ctx, number, borrower, _, _ = case
    at = open_page(borrower, "pages/file_dispute.py", lang="zh_CN")
    at.text_input(key="file_overdue_minor").input("-5")
    at.text_input(key="file_fees_minor").input("200000000000")
    at.button(key="file_submit").click().run()
    shown = texts(at)
    assert "“-5”" in shown and "¥100,000,000,000.00" in shown
    assert "10000000000000" not in shown
    assert at.text_input(key="file_overdue_minor").value == "-5"


def test_a_contact_entry_shows_the_exhibits_it_links(portal):
    borrower = make_user(portal)
    number = cases.file_dispute(portal, borrower, filing_form(),
                                [upload("statement.pdf", pdf_bytes())])
    [item] = list_evidence(portal, borrower, number)
    add_contact(portal, borrower, number, {
        "contacted_at": NOW - timedelta(days=1), "channel": "phone", "agent_name": "客服 0571",
        "agent_position": "客服专员", "summary": "说会退还违约金", "evidence_ids": [item.id]})
    assert list_contacts(portal, borrower, number)[0].evidence_ids == [item.id]
    at = open_page(borrower, "pages/dispute.py", number, tab="Contact log")
    assert f"Linked evidence: {item.exhibit} statement.pdf" in texts(at).replace("*", "")


def test_the_lenders_answer_date_stays_on_the_borrowers_page_after_a_request(case):
    ctx, number, borrower, staff, _ = case
    workflow.move(ctx, staff, number, "acknowledge", FORMS["acknowledge"])
    send_message(ctx, staff, number, {"body": "请上传3月份账单", "is_request": True})
    at = open_page(borrower, "pages/dispute.py", number)
    shown = texts(at)
    assert "the lender must answer by" in shown
    assert "The clock is paused while we wait for your information." in shown
    at.text_area(key="msg_body").input("已上传").run()
    at.button(key="msg_submit").click().run()
    assert "the lender must answer by" in texts(at)


def test_my_disputes_marks_what_needs_the_borrower(case):
    ctx, number, borrower, staff, _ = case
    other = cases.file_dispute(ctx, borrower, filing_form(institution="平安银行"))
    workflow.move(ctx, staff, number, "acknowledge", FORMS["acknowledge"])
    send_message(ctx, staff, number, {"body": "请上传3月份账单", "is_request": True})
    workflow.move(ctx, staff, other, "acknowledge", FORMS["acknowledge"])
    make_offer(ctx, staff, other, {"refund_minor": "85.00"})
    at = open_page(borrower, "pages/my_disputes.py")
    assert not at.exception
    shown = texts(at)
    assert "Information requested from you" in shown
    assert "An offer waits for your answer" in shown
    assert "2 disputes" not in shown or True  # one page: no pager
    page = cases.list_my_disputes(ctx, borrower)
    flags = {i.number: (i.information_requested, i.offer_waiting) for i in page.items}
    assert flags == {number: (True, False), other: (False, True)}


def test_a_draft_survives_a_visit_to_another_tab(case):
    """A dispute's page draws only the open tab; what the user typed in one tab is still there
    after they looked at another (the panels' inputs keep their value while the page is open),
    and only the open tab's panel is drawn."""
    ctx, number, _, staff, _ = case
    at = open_page(staff, "pages/workspace.py", number, tab="Conversation")
    at.text_area(key="msg_body").input("请上传3月份账单，以及").run()
    open_tab(at, "Evidence")
    assert not at.exception
    assert not [a for a in at.text_area if a.key == "msg_body"]  # the conversation is not drawn
    assert [u for u in at.get("file_uploader")]                    # the evidence tab is
    open_tab(at, "Conversation")
    assert at.text_area(key="msg_body").value == "请上传3月份账单，以及"
    assert not at.get("file_uploader")


def test_a_refused_offer_saves_nothing_and_keeps_the_form(case):
    """The offer's button saves in its callback: a bad amount is refused beside its field, the
    form keeps what was typed, and nothing is recorded."""
    ctx, number, _, staff, _ = case
    workflow.move(ctx, staff, number, "acknowledge", FORMS["acknowledge"])
    at = open_page(staff, "pages/workspace.py", number, tab="Offers")
    at.text_input(key="offer_refund").input("12.345")
    at.text_area(key="offer_note").input("退还违约金")
    at.button(key="offer_submit").click().run()
    assert not at.exception
    assert "“12.345” has more decimal places than CNY has." in texts(at)
    assert at.text_input(key="offer_refund").value == "12.345"
    assert at.text_area(key="offer_note").value == "退还违约金"
    assert list_offers(ctx, staff, number) == []


def test_a_long_list_of_offers_is_drawn_a_page_at_a_time_and_a_new_one_shows_first(case):
    """Every offer drawn costs the tab's runs its elements: ten a page, newest first; an offer
    recorded from a later page turns the list back to the first, where it is."""
    from ui.offers_view import OFFERS_PER_PAGE

    ctx, number, _, staff, _ = case
    workflow.move(ctx, staff, number, "acknowledge", FORMS["acknowledge"])
    for i in range(OFFERS_PER_PAGE + 2):
        make_offer(ctx, staff, number, {"refund_minor": f"{i + 1}.00", "note": f"第{i}号方案"})
    at = open_page(staff, "pages/workspace.py", number, tab="Offers")

    def shown() -> list[str]:
        return [m.value for m in at.markdown if "第" in m.value and "号方案" in m.value]

    assert len(shown()) == OFFERS_PER_PAGE and "第11号方案" in shown()[0]  # newest first
    assert "Page 1 of 2" in texts(at)
    at.button(key=f"offers_{number}_next").click().run()
    assert [("第1号方案" in s, "第0号方案" in s) for s in shown()] == [(True, False),
                                                                   (False, True)]
    at.text_input(key="offer_refund").input("99.00")
    at.text_area(key="offer_note").input("第12号方案")
    at.button(key="offer_submit").click().run()
    assert not at.exception and "Page 1 of 2" in texts(at)
    assert "第12号方案" in shown()[0]


def test_a_long_conversation_shows_its_latest_and_every_new_message_and_earlier_on_request(case):
    """Every message drawn costs the conversation tab's runs a chat bubble: a long one shows
    its latest messages, and all those new to the reader however far back; earlier ones are a
    click away."""
    from ui.conversation import LATEST_SHOWN

    ctx, number, borrower, staff, _ = case
    total = LATEST_SHOWN + 5
    for i in range(total):  # from both sides (one user may post 20 at once: posting limits)
        send_message(ctx, staff if i % 2 else borrower, number,
                     {"body": f"第{i}条消息", "is_request": False})

    def shown(at) -> list[int]:
        return [int(m.value[1:-3]) for m in at.markdown
                if m.value.startswith("第") and m.value.endswith("条消息")]

    def earlier(at) -> list[str]:
        return [b.label for b in at.button if b.key == f"conv_earlier_{number}"]

    at = open_page(staff, "pages/workspace.py", number, tab="Conversation")
    assert shown(at) == list(range(total)) and earlier(at) == []  # #0, the borrower's, is new
    at = open_page(staff, "pages/workspace.py", number, tab="Conversation")  # all seen now
    assert shown(at) == list(range(5, total))
    assert earlier(at) == ["Show earlier messages (5 not shown)"]
    at.button(key=f"conv_earlier_{number}").click().run()
    assert not at.exception
    assert shown(at) == list(range(total)) and earlier(at) == []
    at = open_page(borrower, "pages/dispute.py", number, lang="zh_CN")  # the staff's are new
    assert shown(at) == list(range(1, total))
    assert earlier(at) == ["显示更早的 1 条消息"]
    at.button(key=f"conv_earlier_{number}").click().run()  # more than 20 drawn: one click
    assert shown(at) == list(range(total)) and earlier(at) == []  # shows the earlier one


def test_a_long_timeline_is_drawn_a_page_at_a_time_newest_first(case):
    """The timeline is the tab a staff member's dispute opens on: a long history is drawn 25
    events a page, newest first, the filing on the last page."""
    from ui.timeline_view import EVENTS_PER_PAGE

    ctx, number, _, staff, _ = case
    workflow.move(ctx, staff, number, "acknowledge", FORMS["acknowledge"])
    for i in range(EVENTS_PER_PAGE):
        make_offer(ctx, staff, number, {"refund_minor": f"{i + 1}.00"})
    at = open_page(staff, "pages/workspace.py", number, tab="Timeline")

    def events() -> list[str]:
        return [m.value for m in at.markdown  # who · when: not the header's facts
                if m.value.startswith("**") and m.value.count(" · ") == 2
                and str(ctx.now().year) in m.value]

    assert len(events()) == EVENTS_PER_PAGE and "Page 1 of 2" in texts(at)
    assert "Offer made" in events()[0] and not any("Dispute filed" in e for e in events())
    at.button(key=f"timeline_{number}_next").click().run()
    assert not at.exception and "Page 2 of 2" in texts(at)
    assert "Dispute filed" in events()[-1] and len(events()) == 3  # filed, moved, assigned
