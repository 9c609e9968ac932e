"""The loop that delivers mail and queues the day's reminders.

On the embedded database it runs as a thread of the portal process (one process holds the
DuckDB file; started once per process by ui/scheduler.py). With a shared database it runs as
`python -m dispute worker` (set DISPUTE_SCHEDULER=off for the portals); several workers are safe:
a reminder or digest is keyed once per day and recipient, a message is claimed before sending.

Each tick: when the local day has changed since the last run, `remind(today)`; then
`send_pending`. A write that queues mail wakes the loop at once. A failing tick is logged and
the loop goes on: the portal keeps working whatever the mail server does."""

from __future__ import annotations

import logging
import threading
from datetime import date

from dispute.context import Context
from dispute.notify.reminders import remind
from dispute.notify.sender import send_pending

log = logging.getLogger("dispute.notify")
INTERVAL_S = 5.0


class Scheduler:
    def __init__(self, ctx: Context, interval: float = INTERVAL_S) -> None:
        self.ctx = ctx
        self.interval = interval
        self.reminded: date | None = None
        self.stop = threading.Event()
        self._wake = threading.Event()

    def wake(self) -> None:
        self._wake.set()

    def tick(self) -> None:
        today = self.ctx.today()
        if today != self.reminded:
            report = remind(self.ctx, today)
            self.reminded = today
            if report.total:
                log.info("reminders for %s: %s", today, report)
        report = send_pending(self.ctx)
        if report.sent or report.errors or report.uncertain:
            log.info("mail: %s", report)

    def run(self) -> None:
        """Until `stop` is set."""
        self.ctx.mail_waker = self.wake
        while not self.stop.is_set():
            try:
                self.tick()
            except Exception:  # noqa: BLE001 — logged; the next tick tries again
                log.exception("notification run failed")
            self._wake.wait(self.interval)
            self._wake.clear()

    def start_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name="dispute-notify", daemon=True)
        thread.start()
        return thread

    def halt(self) -> None:
        self.stop.set()
        self._wake.set()
