"""`python -m dispute notify send | remind --as-of D | test EMAIL` and `python -m dispute worker`."""

from __future__ import annotations

import argparse
import logging
import signal
from datetime import date

from pydantic import EmailStr, TypeAdapter, ValidationError

from dispute.context import open_context
from dispute.i18n import LANGUAGES, translator
from dispute.notify import compose, outbox
from dispute.notify.reminders import remind
from dispute.notify.scheduler import INTERVAL_S, Scheduler
from dispute.notify.sender import resend_uncertain, send_pending

NO_SERVER = "no mail server is configured: set DISPUTE_SMTP_URL (see README, Notifications)"


def _print_send(report) -> None:
    print(f"sent {report.sent}, retrying later {report.retrying}, failed for good "
          f"{report.failed}, left uncertain {report.uncertain}")
    for error in report.errors:
        print(f"  error: {error}")


def cmd_send(args: argparse.Namespace) -> int:
    ctx = open_context()
    if not ctx.settings.mail_configured:
        print(NO_SERVER)
        return 1
    if args.resend_uncertain:
        print(f"released {resend_uncertain(ctx)} uncertain messages to be sent again")
    report = send_pending(ctx)
    _print_send(report)
    return 0 if not report.errors else 1


def cmd_remind(args: argparse.Namespace) -> int:
    try:
        as_of = date.fromisoformat(args.as_of) if args.as_of else None
    except ValueError:
        print(f"--as-of takes a date as YYYY-MM-DD, not {args.as_of!r}")
        return 2
    ctx = open_context()
    report = remind(ctx, as_of or ctx.today())
    print(f"queued for {as_of or ctx.today()}: due soon {report.due_soon}, sittings "
          f"{report.sitting_soon}, own limits {report.own_limit}, decisions overdue "
          f"{report.decision_overdue}, digests {report.digests}")
    return 0


def cmd_test(args: argparse.Namespace) -> int:
    """A test message to EMAIL, queued and sent at once."""
    try:
        address = TypeAdapter(EmailStr).validate_python(args.email)
    except ValidationError:
        print(f"not an email address: {args.email!r}")
        return 2
    ctx = open_context()
    if not ctx.settings.mail_configured:
        print(NO_SERVER)
        return 1
    _ = translator(args.lang)
    content = compose.plain_mail(
        _("Test message from the dispute portal"),
        [_("If you can read this, the portal can send email.")],
        (_("Open the portal"), ctx.settings.base_url),
        _("Dispute portal — an automatic message; replies are not read."))
    ctx.db.write(lambda uow: outbox.queue_mail(uow, ctx.settings, user_id=None, to=address,
                                               purpose="test", content=content, lang=args.lang,
                                               now=ctx.now()))
    report = send_pending(ctx)
    _print_send(report)
    return 0 if not report.errors else 1


def cmd_worker(args: argparse.Namespace) -> int:
    """Reminders and sending for a shared database, until SIGTERM or Ctrl-C."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    ctx = open_context()
    scheduler = Scheduler(ctx, interval=args.interval)
    signal.signal(signal.SIGTERM, lambda *_: scheduler.halt())
    try:
        scheduler.run()
    except KeyboardInterrupt:
        scheduler.halt()
    return 0


def add_parsers(sub) -> None:
    no = sub.add_parser("notify", help="email notifications").add_subparsers(
        dest="notify_cmd", required=True)
    se = no.add_parser("send", help="deliver the pending emails, once")
    se.add_argument("--resend-uncertain", action="store_true",
                    help="first release the messages a stopped sender may or may not have "
                         "delivered (same Message-ID)")
    se.set_defaults(fn=cmd_send)
    re_ = no.add_parser("remind", help="queue the reminders and digests due on a day (once per "
                                       "day and recipient)")
    re_.add_argument("--as-of", help="the day, YYYY-MM-DD (default: today)")
    re_.set_defaults(fn=cmd_remind)
    te = no.add_parser("test", help="send a test message")
    te.add_argument("email")
    te.add_argument("--lang", default="zh_CN", choices=list(LANGUAGES))
    te.set_defaults(fn=cmd_test)
    wo = sub.add_parser("worker", help="run reminders and sending for a shared database")
    wo.add_argument("--interval", type=float, default=INTERVAL_S,
                    help="seconds between runs (default %(default)s)")
    wo.set_defaults(fn=cmd_worker)
