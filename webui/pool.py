"""The server's training pool (``bpviz.runs.pool.TrainingPool``): one per server process, shared by every
session. Sessions hold their tickets (``state.Train``); the pool holds each ticket's job while it trains or
waits, and drops it when the ticket leaves.

``BPVIZ_TRAINING_WORKERS`` sets how many worker processes train at once (one per core by default); 0 trains
in each session's script thread, as AppTest's tests of the page do (AppTest has no timers to poll a worker).
"""

import os

import streamlit as st

from bpviz.runs.pool import TrainingPool

WORKERS = "BPVIZ_TRAINING_WORKERS"


def workers() -> int:
    """The worker count ``BPVIZ_TRAINING_WORKERS`` asks for (a whole number ≥ 0), else one per core."""
    asked = os.environ.get(WORKERS, "").strip()
    if asked.isdigit():
        return int(asked)
    return os.cpu_count() or 1


@st.cache_resource(show_spinner=False)
def _pool(count: int) -> TrainingPool:
    return TrainingPool(count)


def shared_pool() -> TrainingPool | None:
    """This server's pool, or None when training runs in the script threads."""
    count = workers()
    return _pool(count) if count else None


def leave(ticket: int | None) -> None:
    """Give up ``ticket``'s place in line (its worker goes to the next) and its slice out."""
    pool = shared_pool()
    if pool is not None:
        pool.leave(ticket)
