"""Delivery that goes wrong: a sender killed with SIGKILL after the mail server accepted a
message and before it recorded that (the next run sends it no second time, and loses nothing
else), a server that is down or refuses (the message waits with its error and is retried with
back-off; the portal's own work goes on)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import replace
from datetime import timedelta


from dispute import accounts, cases, messages
from dispute.context import open_context
from dispute.notify import inbox
from dispute.notify.sender import BACKOFF, MAX_ATTEMPTS, resend_uncertain, retry_at, send_pending
from dispute.storage import users
from dispute.vocab import Role
from tests.conftest import NOW, REPO, Clock, filing_form, make_user, raw
from tests.mail_support import PASSWORD, USER, MailServer, free_port, make_cert


def _case(ctx, count: int) -> tuple[str, list]:
    """A borrower's dispute and `count` messages from staff to them: `count` emails queued."""
    borrower = make_user(ctx)
    ctx.db.write(users.update, borrower.id, email_verified_at=ctx.now())
    borrower = accounts.get_user(ctx, borrower.id)
    staff = make_user(ctx, Role.STAFF, email="zhang.wei@example.com", name="张伟")
    number = cases.file_dispute(ctx, borrower, filing_form())
    for i in range(count):
        ctx.clock.now += timedelta(seconds=1)
        messages.send_message(ctx, staff, number, {"body": f"第{i + 1}条消息"})
    return number, [borrower, staff]


def _states(ctx_or_db) -> list[tuple[str, str]]:
    return raw(ctx_or_db, "SELECT message_id, state FROM mails WHERE purpose = 'notification' "
                          "ORDER BY created_at").rows


def test_a_sender_killed_after_the_server_accepted_does_not_send_it_again(settings, mail_server,
                                                                          tmp_path):
    mailing = replace(settings, smtp_url=mail_server.url, smtp_ca_file=mail_server.ca_file,
                      mail_from="portal@portal.example", base_url="https://portal.example")
    ctx = open_context(mailing)
    ctx.clock = Clock(NOW)
    _case(ctx, 3)
    queued = _states(ctx.db)
    assert [s for _, s in queued] == ["pending"] * 3
    ctx.db.close()

    env = {**os.environ, "DISPUTE_DATA_DIR": str(settings.data_dir),
           "DISPUTE_SMTP_URL": mail_server.url, "DISPUTE_SMTP_CA_FILE": mail_server.ca_file,
           "DISPUTE_MAIL_FROM": "portal@portal.example",
           "DISPUTE_BASE_URL": "https://portal.example"}
    command = [sys.executable, "-m", "dispute", "notify", "send"]
    sender = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
    # the server keeps the first message, then freezes the sender before it can read the
    # server's "250 OK": accepted by the server, not yet recorded by the sender
    mail_server.on_message = lambda got: os.kill(sender.pid, signal.SIGSTOP)
    first = mail_server.wait_for(1)[0]
    os.kill(sender.pid, signal.SIGKILL)
    sender.wait(timeout=60)
    mail_server.on_message = None

    ctx = open_context(mailing)
    after_kill = dict(_states(ctx.db))
    assert after_kill[first.message["Message-ID"]] == "sending"
    assert sorted(after_kill.values()) == ["pending", "pending", "sending"]
    ctx.db.close()

    again = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.startswith("sent 2,")
    arrived = mail_server.wait_for(3)
    ids = [r.message["Message-ID"] for r in arrived]
    assert len(ids) == 3 and len(set(ids)) == 3  # each once: the first was not sent again
    assert set(ids) == {m for m, _ in queued}  # and nothing pending was lost

    # later, the stale claim is settled as uncertain, and still not sent again
    ctx = open_context(mailing)
    claimed = raw(ctx.db, "SELECT max(claimed_at) FROM mails").scalar()
    ctx.clock = Clock(claimed + timedelta(minutes=11))
    report = send_pending(ctx)
    assert (report.uncertain, report.sent) == (1, 0)
    assert dict(_states(ctx.db))[first.message["Message-ID"]] == "uncertain"
    assert len(mail_server.received) == 3
    # an operator may release it: it goes with the same Message-ID
    assert resend_uncertain(ctx) == 1
    assert send_pending(ctx).sent == 1
    assert mail_server.wait_for(4)[3].message["Message-ID"] == first.message["Message-ID"]
    ctx.db.close()


def test_a_server_that_is_down_or_refuses_leaves_the_message_pending_and_retried(settings,
                                                                               tmp_path):
    port = free_port()  # nothing listens here yet
    server = MailServer(tmp_path, port=port)
    make_cert(tmp_path)  # the certificate the server will present once it is up
    ctx = open_context(replace(
        settings, smtp_url=f"smtp://{USER}:{PASSWORD.replace('@', '%40')}@127.0.0.1:{port}",
        smtp_ca_file=str(tmp_path / "smtp-cert.pem"), base_url="https://portal.example"))
    ctx.clock = Clock(NOW)
    try:
        number, (borrower, staff) = _case(ctx, 1)
        report = send_pending(ctx)
        assert (report.sent, report.retrying) == (0, 1)
        assert "ConnectionRefusedError" in report.errors[0]
        row = raw(ctx.db, "SELECT state, attempts, last_error, next_attempt_at FROM mails").first()
        assert (row["state"], row["attempts"]) == ("pending", 1)
        assert "Connection refused" in row["last_error"] or "ConnectionRefused" in row["last_error"]
        assert row["next_attempt_at"] == NOW + timedelta(seconds=1) + BACKOFF[0]
        # the portal's work goes on meanwhile: a reply is recorded and in the inbox
        messages.send_message(ctx, staff, number, {"body": "再发一条"})
        assert inbox.unread_count(ctx, borrower) == 2
        assert send_pending(ctx).retrying == 1  # only the new one: the first waits its back-off
        assert sorted(raw(ctx.db, "SELECT attempts FROM mails").column()) == [1, 1]
        # the server comes up, but refuses for a while
        server.refuse = "451 4.3.0 mailbox busy, try again later"
        server.start()
        ctx.clock.now += timedelta(minutes=2)
        report = send_pending(ctx)
        assert report.sent == 0 and report.retrying == 2
        assert all("refused: 451" in e for e in report.errors)
        assert raw(ctx.db, "SELECT max(attempts) FROM mails").scalar() == 2
        server.refuse = None
        ctx.clock.now += BACKOFF[1] + timedelta(minutes=1)
        assert send_pending(ctx).sent == 2
        assert len(server.wait_for(2)) == 2
        assert {s for _, s in _states(ctx.db)} == {"sent"}
    finally:
        server.stop()
        ctx.db.close()


def test_back_off_grows_then_gives_up():
    waits = [retry_at(n, NOW) - NOW for n in range(1, MAX_ATTEMPTS)]
    assert waits == sorted(waits) and waits[0] == timedelta(minutes=1)
    assert retry_at(MAX_ATTEMPTS, NOW) is None
