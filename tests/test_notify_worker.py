"""The scheduler: `python -m dispute worker` delivers what is queued and stops on SIGTERM; two
reminder runs at once (two workers) queue each reminder once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta

from dispute import accounts, assignment, cases, messages
from dispute.notify import reminders
from dispute.storage import users
from dispute.vocab import Role
from tests.conftest import REPO, filing_form, make_user, raw
from tests.mail_support import to


def _due_case(ctx):
    borrower = make_user(ctx)
    ctx.db.write(users.update, borrower.id, email_verified_at=ctx.now())
    borrower = accounts.get_user(ctx, borrower.id)
    staff = make_user(ctx, Role.STAFF, email="zhang.wei@example.com", name="张伟")
    number = cases.file_dispute(ctx, borrower, filing_form())
    assignment.assign(ctx, staff, number, staff.id)
    due = raw(ctx.db, "SELECT due_by FROM deadlines WHERE rule = 'decision'").scalar()
    return due


def test_two_reminder_runs_at_once_queue_each_reminder_once(mail_ctx):
    day = _due_case(mail_ctx) - timedelta(days=1)
    results = []
    runs = [threading.Thread(target=lambda: results.append(reminders.remind(mail_ctx, day)))
            for _ in range(2)]
    for t in runs:
        t.start()
    for t in runs:
        t.join()
    assert sorted(r.due_soon for r in results) == [0, 1]
    assert raw(mail_ctx.db, "SELECT count(*) FROM notifications WHERE kind = 'due_soon'"
               ).scalar() == 1


def test_the_worker_sends_what_is_queued_and_stops_on_sigterm(mail_ctx, mail_server, settings):
    _due_case(mail_ctx)
    number = raw(mail_ctx.db, "SELECT number FROM disputes").scalar()
    staff_id = raw(mail_ctx.db, "SELECT id FROM users WHERE role = 'staff'").scalar()
    messages.send_message(mail_ctx, accounts.get_user(mail_ctx, staff_id), number,
                          {"body": "您好", "is_request": True})
    queued = raw(mail_ctx.db, "SELECT count(*) FROM mails WHERE state = 'pending'").scalar()
    assert queued == 1
    mail_ctx.db.close()
    env = {**os.environ, "DISPUTE_DATA_DIR": str(settings.data_dir),
           "DISPUTE_SMTP_URL": mail_server.url, "DISPUTE_SMTP_CA_FILE": mail_server.ca_file,
           "DISPUTE_SCHEDULER": "off"}
    worker = subprocess.Popen([sys.executable, "-m", "dispute", "worker", "--interval", "0.5"],
                              cwd=REPO, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        got = to(mail_server, "wang.fang@example.com")
        assert got.message["Subject"].endswith(f"{number} 提供信息")
    finally:
        os.kill(worker.pid, signal.SIGTERM)
        out, _ = worker.communicate(timeout=60)
    assert worker.returncode == 0, out


def test_the_commands_remind_once_per_day_send_and_test(mail_ctx, mail_server, settings):
    due = _due_case(mail_ctx)
    mail_ctx.db.close()
    env = {**os.environ, "DISPUTE_DATA_DIR": str(settings.data_dir),
           "DISPUTE_SMTP_URL": mail_server.url, "DISPUTE_SMTP_CA_FILE": mail_server.ca_file}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "dispute", *args], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=120)

    day = (due - timedelta(days=1)).isoformat()
    first, second = run("notify", "remind", "--as-of", day), run("notify", "remind", "--as-of", day)
    assert first.stdout.startswith(f"queued for {day}: due soon 1,"), first.stdout + first.stderr
    assert second.stdout.startswith(f"queued for {day}: due soon 0,"), second.stdout
    sent = run("notify", "send")
    assert sent.returncode == 0 and sent.stdout.startswith("sent "), sent.stdout + sent.stderr
    reminder = to(mail_server, "zhang.wei@example.com")
    assert reminder.message["Subject"].startswith("3 天内到期或已逾期的期限")
    assert len([r for r in mail_server.received
                if r.message["Subject"].startswith("3 天内到期")]) == 1
    test = run("notify", "test", "ops@example.com", "--lang", "en")
    assert test.returncode == 0, test.stdout + test.stderr
    assert to(mail_server, "ops@example.com").message["Subject"] == \
        "Test message from the dispute portal"
    bad = run("notify", "remind", "--as-of", "2026-13-01")
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stdout
