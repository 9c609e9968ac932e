"""Forms that save in their button's callback (issue 17: no `st.rerun()` where a callback does
the same in one run), through the pages (AppTest): each click saves, shows its confirmation and
empties what it should, and the page is not run a second time by `st.rerun()` to show it. A
form that saved during the page's run and then called `st.rerun()` would fail here."""

from __future__ import annotations

import pytest
import streamlit

from dispute import accounts, cases, workflow
from dispute.contacts import list_contacts
from dispute.deadlines import service as deadlines
from dispute.exhibits import list_evidence
from dispute.notify import inbox
from dispute.notify.kinds import Mode
from dispute.vocab import Role, Stage
from tests.conftest import (DISPUTE_TABS, filing_form, make_user, open_form, open_tab,
                            pdf_bytes, upload)
from tests.test_pages import app, portal, texts  # noqa: F401  (portal is a fixture)
from tests.test_workflow import FORMS
from tests.test_workflow_pages import case, open_page  # noqa: F401  (case is a fixture)
from ui.assign_form import OPEN_KEY


@pytest.fixture
def reruns(monkeypatch) -> list:
    """Every `st.rerun()` the pages call from now on (each still reruns)."""
    calls = []
    real = streamlit.rerun

    def counted(*args, **kwargs):
        calls.append(kwargs.get("scope", "app"))
        return real(*args, **kwargs)

    monkeypatch.setattr(streamlit, "rerun", counted)
    return calls


def test_a_stage_move_saves_in_one_run(case, reruns):
    ctx, number, _, staff, _ = case
    at = open_page(staff, "pages/workspace.py", number)
    assert "move_acknowledge_submit" not in at.session_state  # folded: its fields not drawn
    open_form(at, "move_acknowledge")
    at.button(key="move_acknowledge_submit").click().run()
    assert "This field is required." in texts(at)              # refused, nothing saved
    assert cases.get_dispute(ctx, staff, number).stage == Stage.FILED
    at.text_area(key="move_acknowledge_acknowledgment").input("已受理，五个工作日内答复").run()
    at.session_state["move_acknowledge_box"] = False  # folded and opened again: still typed
    at.run()
    assert "move_acknowledge_submit" not in [b.key for b in at.button]
    open_form(at, "move_acknowledge")
    assert at.text_area(key="move_acknowledge_acknowledgment").value == "已受理，五个工作日内答复"
    at.button(key="move_acknowledge_submit").click().run()
    assert not at.exception
    assert cases.get_dispute(ctx, staff, number).stage == Stage.NEGOTIATION
    assert "Done: Acknowledge and start negotiation." in texts(at)
    assert reruns == []


def test_taking_a_dispute_saves_in_one_run(case, reruns):
    ctx, number, _, staff, _ = case
    at = open_page(staff, "pages/workspace.py", number)
    at.session_state[OPEN_KEY] = True  # as a click on the expander does
    at.run()
    at.button(key="assign_self").click().run()
    assert not at.exception and "Assignment saved." in texts(at)
    assert cases.get_dispute(ctx, staff, number).handler_id == staff.id
    assert reruns == []


def test_pausing_and_resuming_a_deadline_save_in_one_run_each(case, reruns):
    ctx, number, _, staff, _ = case
    workflow.move(ctx, staff, number, "acknowledge", FORMS["acknowledge"])
    at = open_page(staff, "pages/workspace.py", number, tab="Deadlines")
    keys = {b.key for b in at.button if b.key}
    running = {d.rule: d for d in deadlines.list_deadlines(ctx, staff, number) if d.is_open}
    # Pause is offered only where the law lets staff pause (not a button always refused)
    assert {r for r in running if f"dl_{r}_pause" in keys} == \
        {r for r, d in running.items() if "staff" in d.pause_roles} != set(running)
    rule = next(r for r in running if f"dl_{r}_pause" in keys)
    # a rule with no action open to staff (no extension left, no pause) draws no empty fields
    idle = [r for r, d in running.items() if "staff" not in d.pause_roles
            and d.extensions_used >= d.extensions_allowed]
    assert idle and not [r for r in idle if f"dl_{r}_reason" in
                         {t.key for t in at.text_input if t.key}]
    at.button(key=f"dl_{rule}_pause").click().run()
    assert "Please correct the fields marked below." in texts(at)  # no reason: refused
    assert not next(d for d in deadlines.list_deadlines(ctx, staff, number)
                    if d.rule == rule).paused
    at.text_input(key=f"dl_{rule}_reason").input("等待外部评估")
    at.button(key=f"dl_{rule}_pause").click().run()
    assert not at.exception and f"{running[rule].label}: paused." in texts(at)
    assert at.text_input(key=f"dl_{rule}_reason").value == ""    # emptied after the save
    assert next(d for d in deadlines.list_deadlines(ctx, staff, number) if d.rule == rule).paused
    at.text_input(key=f"dl_{rule}_reason").input("评估结果已收到")
    at.button(key=f"dl_{rule}_resume").click().run()
    assert not at.exception and f"{running[rule].label}: running again." in texts(at)
    assert not next(d for d in deadlines.list_deadlines(ctx, staff, number)
                    if d.rule == rule).paused
    assert reruns == []


def test_a_contact_and_a_written_demand_save_in_one_run_each(case, reruns):
    ctx, number, borrower, _, _ = case
    at = open_page(borrower, "pages/dispute.py", number, tab="Contact log")
    at.text_input(key="contact_agent").input("工号 8812")
    at.text_input(key="contact_position").input("客服主管")
    at.text_area(key="contact_summary").input("承认扣款失败")
    at.button(key="contact_submit").click().run()
    assert not at.exception and "Contact saved." in texts(at)
    assert [e.agent_name for e in list_contacts(ctx, borrower, number)] == ["工号 8812"]
    assert at.text_input(key="contact_agent").value == ""       # emptied for the next one
    assert at.date_input(key="contact_day").value == ctx.today()  # and today again

    assert not [b for b in at.button if b.key == "demand_submit"]  # folded: no fields drawn
    at = open_form(at, "demand")
    at.button(key="demand_submit").click().run()                 # no date: refused
    assert not at.exception and "The demand was recorded." not in texts(at)
    at.date_input(key="demand_sent_on").set_value(ctx.today())
    at.text_input(key="demand_note").input("律师函")
    at.button(key="demand_submit").click().run()
    assert not at.exception and "The demand was recorded." in texts(at)
    assert at.date_input(key="demand_sent_on").value is None
    assert reruns == []


def test_an_exhibits_details_correction_and_withdrawal_save_in_one_run_each(portal, reruns):
    borrower = make_user(portal)
    number = cases.file_dispute(portal, borrower, filing_form(), [upload("a.pdf", pdf_bytes())])
    [item] = list_evidence(portal, borrower, number)
    at = open_page(borrower, "pages/dispute.py", number, tab="Evidence")
    assert f"exd_{item.id}_proves" not in at.session_state  # folded: the fields not drawn
    for form in ("exd", "exc", "exw"):
        at.session_state[f"{form}_{item.id}_box"] = True
    at.run()
    at.text_area(key=f"exd_{item.id}_proves").input("银行重复扣款")
    at.button(key=f"exd_{item.id}_submit").click().run()
    assert not at.exception and f"Saved for {item.exhibit}." in texts(at)
    at.text_input(key=f"exc_{item.id}_desc").input("三月账单（更正）")
    at.button(key=f"exc_{item.id}_submit").click().run()
    assert not at.exception and f"{item.exhibit} corrected." in texts(at)
    at.text_area(key=f"exw_{item.id}_reason").input("上传错了文件")
    at.checkbox(key=f"exw_{item.id}_sure").check().run()
    at.button(key=f"exw_{item.id}_submit").click().run()
    assert not at.exception and f"{item.exhibit} withdrawn." in texts(at)
    [after] = list_evidence(portal, borrower, number)
    assert after.proves == "银行重复扣款" and after.description == "三月账单（更正）"
    assert after.withdrawn_at is not None
    assert reruns == []


def test_withdrawing_a_dispute_and_saving_notification_choices_take_one_run(case, reruns):
    ctx, number, borrower, _, _ = case
    at = open_page(borrower, "pages/dispute.py", number, tab="Withdraw")
    at.text_area(key="withdraw_reason").input("银行已经更正")
    at.checkbox(key="withdraw_confirm").check().run()
    at.button(key="withdraw_submit").click().run()
    assert not at.exception and f"Dispute {number} was withdrawn." in texts(at)
    assert cases.get_dispute(ctx, borrower, number).stage == Stage.CLOSED

    acc = app(borrower).run()
    acc.switch_page("pages/account.py").run()
    acc.radio(key="prefs_en_offer").set_value(Mode.PORTAL)
    acc.button(key="FormSubmitter:prefs_form-Save my choices").click().run()
    assert not acc.exception and "Your notification choices were saved." in texts(acc)
    assert dict((k.name, m.value) for k, m in inbox.preferences(ctx, borrower))["offer"] \
        == "portal"
    assert reruns == []


def test_showing_a_masked_number_takes_one_run(case, reruns):
    ctx, number, _, staff, _ = case
    key = f"unmask_{number}"
    at = open_page(staff, "pages/workspace.py", number)
    assert not [b for b in at.button if b.key == f"{key}_submit"]  # folded: no fields drawn
    at = open_form(at, key)
    at.button(key=f"{key}_submit").click().run()                  # no reason: refused
    assert not at.exception and "6225880212345678" not in texts(at).replace(" ", "")
    at.text_input(key=f"{key}_reason").input("核对银行回函")
    at.button(key=f"{key}_submit").click().run()
    assert not at.exception
    assert any("6225880212345678" in m.value.replace(" ", "") for m in at.markdown
               if "**Account**:" in m.value)
    assert reruns == []


def test_my_details_and_an_administrators_changes_take_one_run_each(portal, reruns):
    from tests.test_pages_accounts import _manage

    user = make_user(portal)
    at = app(user, lang="en").run()
    at.switch_page("pages/account.py").run()
    assert at.title[0].value == "My account"
    assert not [t for t in at.text_input if t.key == "profile_name"]  # folded: not drawn
    open_form(at, "profile")
    at.text_input(key="profile_name").input("王小芳")
    at.selectbox(key="profile_language").set_value("zh_CN")
    at.button(key="profile_submit").click().run()
    assert not at.exception
    assert "您的信息已保存。" in texts(at)  # in the language just chosen
    assert "王小芳" in texts(at) and at.title[0].value == "我的账户"
    assert accounts.get_user(portal, user.id).language == "zh_CN"

    admin = make_user(portal, Role.ADMIN, email="admin@example.com")
    staff = make_user(portal, Role.STAFF, email="staff@example.com")
    at = _manage(portal, admin, staff)
    at.selectbox(key=f"acct_role_{staff.id}").select("legal").run()
    at.button(key="acct_role_save").click().run()
    assert not at.exception and accounts.get_user(portal, staff.id).role == Role.LEGAL
    at.checkbox(key=f"acct_sure_{staff.id}").check().run()
    at.button(key="acct_disable").click().run()
    assert accounts.get_user(portal, staff.id).disabled
    assert reruns == []


def test_the_sidebar_follows_a_language_chosen_on_my_account(portal, reruns):
    """My account saves a language in its button's callback; the sidebar's box, which kept
    its old value by its key, put the old language back at the next run (found in a browser;
    AppTest's switch_page runs a page without portal.py's sidebar, so this sets the session's
    language as that callback does)."""
    from ui import session

    user = make_user(portal)
    at = app(user, lang="en").run()
    assert at.title[0].value == "My disputes"
    at.session_state[session.LANG_KEY] = "zh_CN"
    at.run()
    at.run()
    assert at.title[0].value == "我的争议" and at.selectbox(key="lang_select").value == "zh_CN"
    at.selectbox(key="lang_select").select("en").run()  # the box itself: one run
    assert at.title[0].value == "My disputes"
    assert accounts.get_user(portal, user.id).language == "en"
    assert reruns == []


def test_a_refused_answer_to_an_offer_says_why_and_keeps_the_box_open(case, reruns):
    from dispute.contacts import add_contact
    from dispute.offers import list_offers, make_offer

    ctx, number, borrower, staff, _ = case
    workflow.move(ctx, staff, number, "acknowledge", FORMS["acknowledge"])
    make_offer(ctx, staff, number, {"refund_minor": "85.00", "credit_correction": True})
    [offer] = list_offers(ctx, staff, number)
    at = open_page(borrower, "pages/dispute.py", number, tab="Offers")
    key = f"offer_{offer.id}"
    at.button(key=f"{key}_accepted").click().run()
    at.text_input(key=f"{key}_note").input("同意")
    add_contact(ctx, borrower, number, {  # the dispute changes meanwhile (another tab)
        "contacted_at": ctx.now(), "channel": "phone", "agent_name": "工号 8812",
        "agent_position": "客服主管", "summary": "询问进度"})
    at.button(key=f"{key}_confirm").click().run()
    assert not at.exception
    assert "This dispute was changed by someone else" in texts(at)
    assert at.text_input(key=f"{key}_note").value == "同意"          # the box stays, as typed
    assert list_offers(ctx, staff, number)[0].status.value == "proposed"
    at.button(key=f"{key}_confirm").click().run()                    # judged on the new version
    assert not at.exception and "Your answer was recorded." in texts(at)
    assert list_offers(ctx, staff, number)[0].status.value == "accepted"
    assert reruns == []


def test_a_refused_assignment_says_why(case):
    ctx, number, _, staff, legal = case
    at = open_page(staff, "pages/workspace.py", number)
    at.session_state[OPEN_KEY] = True
    at.run()
    workflow.move(ctx, staff, number, "acknowledge", FORMS["acknowledge"])  # changed meanwhile
    at.button(key="assign_self").click().run()
    assert not at.exception and "This dispute was changed by someone else" in texts(at)


def test_a_closed_dispute_announces_nothing_to_answer(case):
    from dispute import messages
    from dispute.offers import make_offer

    ctx, number, borrower, staff, _ = case
    workflow.move(ctx, staff, number, "acknowledge", FORMS["acknowledge"])
    make_offer(ctx, staff, number, {"refund_minor": "85.00", "credit_correction": True})
    messages.send_message(ctx, staff, number, {"body": "请上传账单", "is_request": True})
    at = open_page(borrower, "pages/dispute.py", number)
    assert "You have an offer to answer: see Offers." in texts(at)
    workflow.move(ctx, borrower, number, "withdraw", {"reason": "银行已经更正"})
    at.run()
    assert "You have an offer to answer" not in texts(at)
    assert "The handling team asked you for information" not in texts(at)


def test_an_unmasked_phone_number_is_shown_as_it_is(case):
    ctx, number, _, staff, _ = case
    key = f"unmask_{number}"
    at = open_form(open_page(staff, "pages/workspace.py", number), key)
    at.selectbox(key=f"{key}_field@en").set_value("borrower_phone").run()
    at.session_state["lang"] = "zh_CN"  # what the sidebar's language box sets: the box folds
    at.run()  # (drawn open, its choice box would take back the English words as its choice)
    assert not [s for s in at.selectbox if s.key.startswith(f"{key}_field")]
    open_form(at, key)  # opened again: the choice, carried to the box in the new words
    assert at.selectbox(key=f"{key}_field@zh_CN").value == "borrower_phone"
    at.text_input(key=f"{key}_reason").input("回电核实借款人身份")
    at.button(key=f"{key}_submit").click().run()
    [line] = [m.value for m in at.markdown if "**借款人电话**:" in m.value]
    assert texts(at).count("+86 138 0013 8000") >= 1 and "`" not in line
    assert at.text_input(key=f"{key}_reason").value == ""  # emptied: the next needs its own


@pytest.mark.parametrize("page, who", [("pages/workspace.py", 3), ("pages/dispute.py", 2)])
def test_the_open_tab_stays_open_when_the_language_changes(case, page, who):
    """Streamlit keeps the open tab by its label: a language switch used to open the first tab
    again, so someone reading the court records lost their place."""
    from dispute.i18n import translator

    user = case[who]
    at = open_page(user, page, case[1], tab="Offers")
    assert at.session_state[DISPUTE_TABS[page]] == "Offers"
    at.session_state["lang"] = "zh_CN"
    at.run()
    assert not at.exception
    offers = translator("zh_CN")("Offers")
    assert offers != "Offers"
    assert at.session_state[DISPUTE_TABS[page]] == offers
    assert [t.label for t in at.tabs if t.label == offers]
    open_tab(at, "Timeline", page)  # and a tab chosen afterwards is kept as before
    at.session_state["lang"] = "en"
    at.run()
    assert at.session_state[DISPUTE_TABS[page]] == "Timeline"


def test_a_move_done_leaves_its_form_empty_for_the_next_time_it_is_offered(case):
    """A move's fields are kept for the page while its box is folded; once the move is done
    they are emptied, so closing again after a reopening starts from an empty form."""
    ctx, number, _, staff, _ = case
    workflow.move(ctx, staff, number, "acknowledge", FORMS["acknowledge"])
    at = open_form(open_page(staff, "pages/workspace.py", number), "move_close")
    at.selectbox(key="move_close_resolution").set_value("monetary_relief")
    at.text_area(key="move_close_summary").input("已退还违约金")
    at.checkbox(key="move_close_confirm").check().run()
    at.button(key="move_close_submit").click().run()
    assert not at.exception and cases.get_dispute(ctx, staff, number).stage == Stage.CLOSED
    open_form(at, "move_reopen")
    at.text_area(key="move_reopen_reason").input("银行未执行退款").run()
    at.button(key="move_reopen_submit").click().run()
    assert cases.get_dispute(ctx, staff, number).stage == Stage.NEGOTIATION
    open_form(at, "move_close")
    assert at.text_area(key="move_close_summary").value == ""
    assert at.selectbox(key="move_close_resolution").value is None
