"""What the portal process does when its server stops (SIGTERM, Ctrl+C): the notification
scheduler finishes the run under way, then the database closes, which on DuckDB folds the
write-ahead log into the file so the next start has no log to replay.

`st.App`'s lifespan (app.py) calls `run()` after the server stopped taking requests. Python's
`atexit` would not do: uvicorn, which serves st.App, re-raises the signal once it has shut down,
and the process ends by the signal without running exit handlers."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import AsyncIterator, Callable

_log = logging.getLogger(__name__)
_steps: list[Callable[[], None]] = []


def on_stop(step: Callable[[], None]) -> None:
    """Run `step` when the server stops; steps run last registered first."""
    _steps.append(step)


def run() -> None:
    while _steps:
        step = _steps.pop()
        try:
            step()
        except Exception:  # noqa: BLE001 -- one failed step must not skip the others
            _log.exception("a step at the server's stop failed")


@asynccontextmanager
async def lifespan(_app) -> AsyncIterator[None]:
    yield
    run()
