"""Notifications by email against a real SMTP server (aiosmtpd on 127.0.0.1, STARTTLS and
login): what arrives, to whom, in which language, with which link, and what never does."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dispute import accounts, assignment, cases, messages
from dispute.notify import inbox, links, reminders
from dispute.notify.sender import send_pending
from dispute.storage import users
from dispute.vocab import Role
from tests.conftest import filing_form, make_user, raw
from tests.mail_support import attachments, parts

ACCOUNT = filing_form()["account_ref"]


def verified(ctx, user):
    """A borrower whose address was confirmed (sign-up by email is tested elsewhere)."""
    ctx.db.write(users.update, user.id, email_verified_at=ctx.now())
    return accounts.get_user(ctx, user.id)


@pytest.fixture
def people(mail_ctx):
    borrower = verified(mail_ctx, make_user(mail_ctx))
    accounts.set_language(mail_ctx, borrower, "zh_CN")
    staff = make_user(mail_ctx, Role.STAFF, name="张伟", email="zhang.wei@example.com")
    accounts.set_language(mail_ctx, staff, "en")
    return {"borrower": accounts.get_user(mail_ctx, borrower.id),
            "staff": accounts.get_user(mail_ctx, staff.id)}


def _no_number(text: str) -> None:
    digits = ACCOUNT.replace(" ", "")
    squashed = "".join(text.split())
    assert digits not in squashed and ACCOUNT not in text
    assert "13800138000" not in squashed.replace("+86", "")


def test_a_request_for_information_reaches_the_borrower_in_their_language(mail_ctx, mail_server,
                                                                          people):
    number = cases.file_dispute(mail_ctx, people["borrower"], filing_form())
    messages.send_message(mail_ctx, people["staff"], number,
                          {"body": "请提供银行流水 6225 8802 1234 5678", "is_request": True})
    report = send_pending(mail_ctx)
    assert (report.sent, report.errors) == (1, [])
    [got] = mail_server.wait_for(1)
    msg = got.message
    assert got.rcpt_tos == ["wang.fang@example.com"]
    assert msg["To"] == "wang.fang@example.com"
    assert msg["From"] == "portal@portal.example"
    assert msg["Subject"] == f"处理团队需要您就争议 {number} 提供信息"
    assert msg["Content-Language"] == "zh-CN"
    text, html = parts(msg)
    link = f"https://portal.example/dispute?number={number}"
    assert link in text and f'href="{link}"' in html
    assert "暂停" in text and "<!DOCTYPE html>" in html
    assert attachments(msg) == []
    _no_number(msg.as_string())
    assert "请提供银行流水" not in msg.as_string()  # the message itself stays behind the login
    stored = raw(mail_ctx.db, "SELECT message_id, state FROM mails").first()
    assert (msg["Message-ID"], stored["state"]) == (stored["message_id"], "sent")
    # the unsubscribe link in the email turns off that kind, and only that one
    assert msg["List-Unsubscribe"].strip("<>") in text
    token = msg["List-Unsubscribe"].strip("<>").split("t=")[1]
    assert inbox.unsubscribe(mail_ctx, token) == "A request for information"
    choices = dict((k.name, m.value) for k, m in inbox.preferences(mail_ctx, people["borrower"]))
    assert choices["request"] == "portal" and choices["message"] == "immediately"


def test_nobody_is_told_of_what_they_did_and_the_inbox_has_it_all(mail_ctx, mail_server, people):
    number = cases.file_dispute(mail_ctx, people["borrower"], filing_form())
    messages.send_message(mail_ctx, people["borrower"], number, {"body": "补充说明"})
    assert inbox.unread_count(mail_ctx, people["borrower"]) == 0
    staff_items = inbox.inbox(mail_ctx, people["staff"], lang="en").items
    assert [i.title for i in staff_items] == [f"New dispute {number} in the queue"]
    assignment.assign(mail_ctx, people["staff"], number, people["staff"].id)
    assert inbox.unread_count(mail_ctx, people["staff"]) == 1  # not told of their own act
    mail_ctx.clock.now += timedelta(minutes=5)
    messages.send_message(mail_ctx, people["borrower"], number, {"body": "再补充"})
    titles = [i.title for i in inbox.inbox(mail_ctx, people["staff"], lang="en").items]
    assert titles[0] == f"The borrower replied on dispute {number}"
    assert inbox.mark_read(mail_ctx, people["staff"]) == 2
    assert inbox.unread_count(mail_ctx, people["staff"]) == 0
    # the reply is mailed at once; new disputes wait for the daily digest (their default)
    assert send_pending(mail_ctx).sent == 1
    [reply] = mail_server.wait_for(1)
    assert reply.message["Subject"] == f"The borrower replied on dispute {number}"
    next_day = mail_ctx.today() + timedelta(days=1)
    assert reminders.remind(mail_ctx, next_day).digests == 1
    assert reminders.remind(mail_ctx, next_day).digests == 0
    send_pending(mail_ctx)
    got = mail_server.wait_for(2)[1]
    assert got.rcpt_tos == ["zhang.wei@example.com"]
    assert got.message["Subject"] == "Your daily digest: 1 notifications"
    text, _ = parts(got.message)
    assert f"https://portal.example/workspace?number={number}" in text


def test_a_due_soon_deadline_reaches_the_handler_once_a_day(mail_ctx, mail_server, people):
    number = cases.file_dispute(mail_ctx, people["borrower"], filing_form())
    assignment.assign(mail_ctx, people["staff"], number, people["staff"].id)
    [decision] = [d for d in raw(mail_ctx.db, "SELECT rule, due_by FROM deadlines").dicts()
                  if d["rule"] == "decision"]
    day = decision["due_by"] - timedelta(days=2)
    assert reminders.remind(mail_ctx, day).due_soon == 1
    assert reminders.remind(mail_ctx, day).due_soon == 0  # the same day again: nothing
    send_pending(mail_ctx)
    mail_server.wait_for(2)  # the reminder, and the digest of the day before (the new dispute)
    got = [r for r in mail_server.received
           if r.message["Subject"] == "Deadlines due within 3 days or overdue: 1"]
    assert len(got) == 1 and got[0].rcpt_tos == ["zhang.wei@example.com"]
    assert len(mail_server.received) == 2
    text, html = parts(got[0].message)
    assert f"{number}: Lender's decision on the complaint, due by" in text
    _no_number(got[0].message.as_string())
    # the next day is another day: told again (the handler is reminded daily until it is met)
    assert reminders.remind(mail_ctx, day + timedelta(days=1)).due_soon == 1
    # the borrower, once the decision deadline has passed, hears what they can do next
    late = reminders.remind(mail_ctx, decision["due_by"] + timedelta(days=1))
    assert late.decision_overdue == 1
    assert reminders.remind(mail_ctx, decision["due_by"] + timedelta(days=2)).decision_overdue == 0
    send_pending(mail_ctx)
    # the handler: one reminder for each of the four days (two before, two overdue), one digest;
    # the borrower: one
    arrived = mail_server.wait_for(6)
    assert len([r for r in arrived if r.message["Subject"].startswith("Deadlines due")]) == 4
    to_borrower = [r for r in arrived if r.rcpt_tos == ["wang.fang@example.com"]]
    assert len(to_borrower) == 1
    text, _ = parts(to_borrower[0].message)
    assert "12378" in text and "复核" in text and "调解" in text


def test_limit_thresholds_are_pure():
    due = date(2027, 3, 1)
    assert reminders.limit_bucket(due, None, date(2027, 1, 1)) is None
    assert reminders.limit_bucket(due, None, date(2027, 1, 30)) == "30d"
    assert reminders.limit_bucket(due, None, date(2027, 2, 22)) == "7d"
    assert reminders.limit_bucket(due, None, date(2027, 2, 28)) == "1d"
    assert reminders.limit_bucket(due, date(2026, 9, 1), date(2026, 10, 1)) == "warn"


def test_forged_unsubscribe_links_change_nothing(mail_ctx, people):
    good = links.unsubscribe_token(mail_ctx.keys, people["borrower"].id, "offer")
    forged = good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")
    from dispute.errors import UserError
    with pytest.raises(UserError):
        inbox.unsubscribe(mail_ctx, forged)
    other = links.unsubscribe_token(mail_ctx.keys, people["staff"].id, "offer")
    with pytest.raises(UserError):  # a staff member's token names a borrower's kind? no: swap
        inbox.unsubscribe(mail_ctx, f"{people['borrower'].id}.offer.{other.split('.')[2]}")
    assert raw(mail_ctx.db, "SELECT count(*) FROM notification_prefs").scalar() == 0


def test_legal_hears_of_a_hearing_and_the_borrower_of_their_own_limits_and_the_closing(
        mail_ctx, mail_server, people):
    from dispute import proceedings, workflow
    from tests.test_workflow import FORMS

    legal = make_user(mail_ctx, Role.LEGAL, name="陈律师", email="chen@example.com")
    borrower, staff = people["borrower"], people["staff"]
    number = cases.file_dispute(mail_ctx, borrower, filing_form())
    workflow.move(mail_ctx, staff, number, "acknowledge", FORMS["acknowledge"])
    workflow.move(mail_ctx, legal, number, "skip_to_litigation", FORMS["skip_to_litigation"])
    assignment.assign(mail_ctx, legal, number, legal.id)
    hearing_on = mail_ctx.today() + timedelta(days=10)
    proceedings.add_hearing(mail_ctx, legal, number, {"held_on": hearing_on, "notes": "一审"})
    assert reminders.remind(mail_ctx, hearing_on - timedelta(days=5)).sitting_soon == 0
    assert reminders.remind(mail_ctx, hearing_on - timedelta(days=3)).sitting_soon == 1
    assert reminders.remind(mail_ctx, hearing_on - timedelta(days=2)).sitting_soon == 0
    assert reminders.remind(mail_ctx, hearing_on - timedelta(days=1)).sitting_soon == 1
    titles = [i.title for i in inbox.inbox(mail_ctx, legal, lang="en").items]
    assert titles.count(f"Hearing on dispute {number} on {hearing_on:%b} "
                        f"{hearing_on.day}, {hearing_on.year}") == 2
    # the staff member (not legal, not the handler) hears nothing of the hearing
    assert not [i for i in inbox.inbox(mail_ctx, staff, lang="en").items
                if i.kind == "sitting_soon"]

    workflow.move(mail_ctx, legal, number, "close", FORMS["close"])
    closed = [i for i in inbox.inbox(mail_ctx, borrower, lang="zh_CN").items
              if i.kind == "closed"]
    assert [i.title for i in closed] == [f"争议 {number} 已结案：金钱补救"]
    [reexam] = [r for r in raw(mail_ctx.db, "SELECT rule, due_by FROM deadlines").dicts()
                if r["rule"] == "reexamination_request"]
    day = reexam["due_by"] - timedelta(days=6)
    assert reminders.remind(mail_ctx, day).own_limit == 1
    assert reminders.remind(mail_ctx, day + timedelta(days=1)).own_limit == 0  # same threshold
    [limit] = [i for i in inbox.inbox(mail_ctx, borrower, lang="en").items
               if i.kind == "own_limit"]
    assert limit.title.startswith(f"Borrower's request for re-examination on dispute {number}")
    assert limit.lines == ("6 days left. The dispute page explains how the date was counted.",)


def test_a_day_run_again_writes_nothing_for_the_reminders_it_queued(mail_ctx, people):
    """A portal or worker restarted runs the day again: the keys already taken are read first,
    so nothing is written for them (one write transaction each took 20 s at a million
    disputes, slowing every click meanwhile)."""
    cases.file_dispute(mail_ctx, people["borrower"], filing_form())
    [due_by] = [d["due_by"] for d in raw(mail_ctx.db, "SELECT rule, due_by FROM deadlines")
                .dicts() if d["rule"] == "decision"]
    day = due_by - timedelta(days=2)
    assert reminders.remind(mail_ctx, day).due_soon == 1
    writes = []
    write = mail_ctx.db.write
    mail_ctx.db.write = lambda *args, **kwargs: writes.append(args) or write(*args, **kwargs)
    try:
        again = reminders.remind(mail_ctx, day)
    finally:
        del mail_ctx.db.write  # the instance's own attribute: the class's method again
    assert (again.total, writes) == (0, [])
    assert reminders.remind(mail_ctx, day + timedelta(days=1)).due_soon == 1  # a new day


def test_a_filing_tells_the_whole_team_each_item_whole(mail_ctx, people):
    """Every staff and legal member hears of a new dispute (written in one statement): each item
    with its recipient, kind, dispute, number, filer, time and delivery; a mail queued only for
    the one who wants new disputes at once; nobody disabled, no borrower."""
    import json

    team = [make_user(mail_ctx, role, name=f"成员{i}", email=f"team{i}@example.com")
            for i, role in enumerate([Role.STAFF, Role.LEGAL, Role.STAFF, Role.STAFF])]
    inbox.set_preferences(mail_ctx, team[0], {"new_dispute": "immediately"})
    ctx_admin = make_user(mail_ctx, Role.ADMIN, name="管理员", email="admin@example.com")
    mail_ctx.db.write(users.update, team[3].id, disabled=True)
    number = cases.file_dispute(mail_ctx, people["borrower"], filing_form())
    items = raw(mail_ctx.db, "SELECT n.*, d.id AS the_dispute FROM notifications n "
                             "JOIN disputes d ON d.number = n.number").dicts()
    told = {i["user_id"]: i for i in items}
    assert set(told) == {people["staff"].id, team[0].id, team[1].id, team[2].id}
    assert ctx_admin.id not in told and team[3].id not in told
    for item in items:
        assert (item["kind"], item["number"], item["dispute_id"]) == (
            "new_dispute", number, item["the_dispute"])
        assert item["actor_id"] == people["borrower"].id and item["read_at"] is None
        assert item["created_at"] == mail_ctx.now()
        assert json.loads(item["params"]) == json.loads(items[0]["params"])
    assert told[team[0].id]["delivery"] == "immediately" and told[team[0].id]["mail_id"]
    assert {told[u]["delivery"] for u in told if u != team[0].id} == {"digest"}
    assert all(told[u]["mail_id"] is None for u in told if u != team[0].id)
    mailed = raw(mail_ctx.db, "SELECT id FROM mails").dicts()
    assert [m["id"] for m in mailed] == [told[team[0].id]["mail_id"]]
    assert len(items) == len({i["id"] for i in items}) == 4
