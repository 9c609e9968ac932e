"""Starts the notification scheduler (dispute/notify/scheduler.py) as one background thread of
the portal process, once per data directory: on the embedded database the portal is the one
process that holds the file. DISPUTE_SCHEDULER=off leaves it to `python -m dispute worker`."""

from __future__ import annotations

import os

import streamlit as st

from dispute.context import Context
from dispute.notify.scheduler import Scheduler
from ui import server_stop


@st.cache_resource(show_spinner=False)
def _started(data_dir: str, _ctx: Context) -> Scheduler:
    scheduler = Scheduler(_ctx)
    thread = scheduler.start_thread()
    server_stop.on_stop(lambda: _stop(scheduler, thread))  # before the database closes
    return scheduler


def _stop(scheduler: Scheduler, thread) -> None:
    """At the server's stop: let a run under way finish its writes before the database closes."""
    scheduler.halt()
    thread.join(timeout=30)


def ensure_started(ctx: Context) -> None:
    if ctx.settings.scheduler == "portal":
        _started(os.environ.get("DISPUTE_DATA_DIR", "data"), ctx)
