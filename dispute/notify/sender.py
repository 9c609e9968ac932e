"""Delivers the outbox: each pending email is claimed in a committed write (state 'sending',
the time, one more attempt) before it is handed to the mail server under its stable
Message-ID, and marked 'sent' after the server accepted it.

Nothing sent twice: a sender killed after the server accepted a message and before recording
it leaves the row in 'sending'. No sender ever hands a 'sending' row over again: SMTP cannot be
asked whether it has a message, so a claim older than CLAIM_TIMEOUT (far longer than one SMTP
exchange) is settled as 'uncertain' — perhaps delivered — and kept for an operator, who may
release it (`notify send --resend-uncertain`; it goes with the same Message-ID, so a mail
system that saw it collapses the copy). The item itself is in the recipient's portal inbox
either way. Nothing lost: every other row stays pending until it is sent or has failed
MAX_ATTEMPTS times.

Retries: a server that is down or refuses leaves the message pending with the error, retried
after a growing pause (BACKOFF). A server that cannot be reached stops the run (the rest wait
for the next one); a refused message does not hold up the others.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from dispute.context import Context
from dispute.notify import compose, outbox
from dispute.notify.smtp import Connection
from dispute.storage import mails

BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15),
           timedelta(hours=1), timedelta(hours=3), timedelta(hours=6), timedelta(hours=12))
MAX_ATTEMPTS = len(BACKOFF) + 1
CLAIM_TIMEOUT = timedelta(minutes=10)
UNCERTAIN = ("the sender stopped after handing this message to the mail server and before "
             "recording the answer; not resent automatically, so that nobody gets it twice")


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    uncertain: int = 0
    errors: list[str] = field(default_factory=list)


def retry_at(attempts: int, now: datetime) -> datetime | None:
    """When to try again after `attempts` failed tries; None: give up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return now + BACKOFF[min(attempts, len(BACKOFF)) - 1]


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "refused: " + "; ".join(f"{code} {msg.decode(errors='replace')}"
                                       for code, msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"refused: {exc.smtp_code} {exc.smtp_error.decode(errors='replace')}"
    return f"{type(exc).__name__}: {exc}"


def send_pending(ctx: Context, *, limit: int = 200,
                 connect: Callable[[], Connection] | None = None) -> SendReport:
    """One run: settle stale claims, then send what is due, at most `limit` messages."""
    report = SendReport()
    settings = ctx.settings
    now = ctx.now()
    report.uncertain = ctx.db.write(mails.settle_stale_claims, now - CLAIM_TIMEOUT, UNCERTAIN)
    if not settings.mail_configured:
        return report
    connect = connect or (lambda: Connection(settings.smtp_url, settings.smtp_ca_file))
    sender = outbox.mail_from(settings)
    conn: Connection | None = None
    tried: list = []
    try:
        while len(tried) < limit:
            due = ctx.db.read(mails.next_due, ctx.now(), tried)
            if due is None:
                break
            tried.append(due["id"])
            row = ctx.db.write(mails.claim, due["id"], ctx.now())
            if row is None:  # another sender took it
                continue
            if row["content"] is None:  # its recipient was erased: nothing left to send
                ctx.db.write(mails.failed_attempt, row["id"], "recipient erased", None)
                report.failed += 1
                continue
            try:
                if conn is None:
                    conn = connect()
                msg = compose.message(row["content"], message_id=row["message_id"],
                                      mail_from=sender, when=ctx.now())
                conn.send(msg, sender, row["content"]["to"])
            except OSError as exc:  # smtplib's errors, sockets, TLS
                error = _describe(exc)
                again = retry_at(row["attempts"], ctx.now())
                ctx.db.write(mails.failed_attempt, row["id"], error, again)
                report.errors.append(error)
                if again is None:
                    report.failed += 1
                else:
                    report.retrying += 1
                if not isinstance(exc, (smtplib.SMTPResponseException,
                                        smtplib.SMTPRecipientsRefused)):
                    break  # the server is down or went away: the rest wait for the next run
                continue  # this message was refused; the others may still go
            ctx.db.write(mails.sent, row["id"], ctx.now())
            report.sent += 1
    finally:
        if conn is not None:
            conn.close()
    return report


def resend_uncertain(ctx: Context) -> int:
    """An operator's choice: send again the messages that may or may not have gone out."""
    return ctx.db.write(mails.release_uncertain, ctx.now())
