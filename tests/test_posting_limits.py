"""Pen test finding 6, reproduced: a borrower scripts 300 messages of 20,000 characters and
1,000 contact-log entries. Past the limits each post is refused with a clear message and
changes nothing; the limits refill with time; other users and disputes are not affected."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from dispute import cases, contacts, messages, notes, posting_limits
from dispute.errors import InvalidInput, UserError
from dispute.i18n import translator
from dispute.posting_limits import LIMITS, PostKind
from dispute.vocab import Role
from tests.conftest import NOW, filing_form, make_user, raw

LONG = "长" * 20_000
CONTACT = {"contacted_at": datetime(2026, 11, 1, tzinfo=timezone.utc), "channel": "phone",
           "agent_name": "客服 张三", "agent_position": "工号 1024", "summary": "承诺" * 2_500}


def count(ctx, table: str) -> int:
    return raw(ctx.db, f"SELECT count(*) FROM {table}").scalar()


@pytest.fixture
def case(ctx):
    borrower = make_user(ctx)
    return borrower, cases.file_dispute(ctx, borrower, filing_form())


def test_300_messages_of_20000_characters_are_refused_by_length(ctx, case):
    borrower, number = case
    with pytest.raises(InvalidInput) as exc:
        messages.send_message(ctx, borrower, number, {"body": LONG})
    assert "5000" in exc.value.fields["body"].render(lambda s: s)
    assert count(ctx, "messages") == 0


def test_messages_past_the_burst_are_refused_with_a_clear_message_and_change_nothing(ctx, case):
    borrower, number = case
    refused = []
    for i in range(300):
        try:
            messages.send_message(ctx, borrower, number, {"body": f"{i} " + "长" * 4_990})
        except UserError as exc:
            refused.append(exc)
    burst = LIMITS[PostKind.MESSAGE].burst
    assert count(ctx, "messages") == burst and len(refused) == 300 - burst
    en = refused[0].render(translator("en"))
    assert en == "You have added many messages in a short time. You can add 1 more in 1 min."
    assert "消息" in refused[0].render(translator("zh_CN"))
    events = raw(ctx.db, "SELECT count(*) FROM events WHERE kind = 'MessageSent'").scalar()
    assert events == burst  # a refused post left no event
    # the bucket refills, one message a minute…
    for _ in range(LIMITS[PostKind.MESSAGE].per_dispute_day - burst):
        ctx.clock.now += timedelta(minutes=1)
        messages.send_message(ctx, borrower, number, {"body": "还有一件事"})
    # …until the cap per person and dispute in 24 hours
    ctx.clock.now += timedelta(hours=1)
    with pytest.raises(UserError) as exc:
        messages.send_message(ctx, borrower, number, {"body": "再来一条"})
    assert exc.value.msgid == posting_limits.DAILY_CAP
    assert count(ctx, "messages") == LIMITS[PostKind.MESSAGE].per_dispute_day


def test_1000_contact_entries_stop_at_the_limits(ctx, case):
    borrower, number = case
    accepted = 0
    for hour in range(0, 24, 2):  # a script that keeps trying all day
        ctx.clock.now = NOW + timedelta(hours=hour)
        for _ in range(1_000 // 12):
            try:
                contacts.add_contact(ctx, borrower, number, CONTACT)
                accepted += 1
            except UserError:
                pass
    assert accepted == count(ctx, "contact_log") == LIMITS[PostKind.CONTACT].per_dispute_day


def test_limits_are_per_user_and_kind(ctx, case):
    borrower, number = case
    staff = make_user(ctx, Role.STAFF, email="staff@example.com")
    for _ in range(LIMITS[PostKind.MESSAGE].burst):
        messages.send_message(ctx, borrower, number, {"body": "在吗"})
    with pytest.raises(UserError):
        messages.send_message(ctx, borrower, number, {"body": "在吗"})
    messages.send_message(ctx, staff, number, {"body": "我们在处理"})  # another user
    notes.add_note(ctx, staff, number, {"body": "借款人很着急"})           # another kind
    contacts.add_contact(ctx, borrower, number, CONTACT)


def test_a_file_batch_counts_each_file(ctx, case):
    from dispute import exhibits
    from tests.conftest import pdf_bytes, upload

    borrower, number = case
    limit = LIMITS[PostKind.EVIDENCE]
    def files(n: int) -> list:
        return [upload(f"s{i}.pdf", pdf_bytes(f"statement {i}")) for i in range(n)]

    with pytest.raises(UserError, match="evidence files"):
        exhibits.attach_evidence(ctx, borrower, number, files(limit.burst + 1))
    assert count(ctx, "evidence") == 0
    assert len(exhibits.attach_evidence(ctx, borrower, number, files(limit.burst))) == limit.burst


def test_refill_is_pure_and_never_overfills():
    limit = LIMITS[PostKind.MESSAGE]
    assert posting_limits.refill(None, None, NOW, limit) == limit.burst * 1000
    assert posting_limits.refill(0, NOW, NOW + timedelta(minutes=1), limit) == 1000
    assert posting_limits.refill(0, NOW, NOW + timedelta(days=3), limit) == limit.burst * 1000
    assert posting_limits.minutes_until(0, 2, limit) == 2
