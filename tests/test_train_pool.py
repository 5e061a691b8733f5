"""The Train page with the server's training pool (``webui.pool``): runs train on a worker process, wait in a
first-in, first-out line when every worker is busy, and a stopped run gives its worker to the next in line.

AppTest has no timers: ``until`` reruns the page (each run polls the worker once) until the session's state
says what is awaited, bounded by a deadline in case it never does.
"""

import time

import pytest
from test_train_page import click, open_train, progress_text, run_of

from webui import pool
from webui import train as train_ui

DEADLINE = 180.0  # seconds: only a bound for a run that never ends (a 2-core machine under load)


@pytest.fixture
def one_worker(monkeypatch):
    """The pages of this test share a pool of one worker process (the server's, cached per worker count)."""
    monkeypatch.setenv(pool.WORKERS, "1")
    yield pool.shared_pool()


def until(condition, *sessions) -> None:
    """Rerun every session in turn until ``condition()`` holds."""
    deadline = time.monotonic() + DEADLINE
    while not condition():
        assert time.monotonic() < deadline, "the state awaited never came"
        for at in sessions:
            at.run()
            assert not at.exception


def test_a_run_trained_on_a_worker_equals_the_same_run_in_the_script_thread(one_worker, monkeypatch):
    on_worker = open_train("xor")
    click(on_worker, train_ui.START)
    assert run_of(on_worker).epoch == 0 and on_worker.session_state["train"].ticket is not None  # sent, not trained
    until(lambda: not run_of(on_worker).running, on_worker)
    assert "Finished" in progress_text(on_worker) and on_worker.session_state["train"].ticket is None

    monkeypatch.setenv(pool.WORKERS, "0")
    here = open_train("xor")
    click(here, train_ui.START)
    until(lambda: not run_of(here).running, here)
    assert [p.train_loss for p in run_of(on_worker).history] == [p.train_loss for p in run_of(here).history]
    assert run_of(on_worker).epoch == run_of(here).epoch == 5000


def test_a_second_run_waits_in_line_and_gets_the_worker_when_the_first_stops(one_worker):
    first, second = open_train("digits", clock_step=1.0), open_train("xor")
    click(first, train_ui.START)  # 100 epochs of per-sample digits, one a slice (its clock moves 1 s a reading)
    until(lambda: run_of(first).epoch > 0, first)
    click(second, train_ui.START)
    assert "Waiting for a free worker: yours is next; 1 training now" in progress_text(second)
    for _ in range(3):  # waiting, it trains nothing and keeps its place
        second.run()
        assert run_of(second).epoch == 0 and "yours is next" in progress_text(second)
        first.run()

    click(first, train_ui.STOP)  # the stopped run frees its worker for the next in line
    stopped = run_of(first).epoch
    until(lambda: not run_of(second).running, second, first)
    assert "Finished" in progress_text(second) and run_of(second).epoch == 5000
    assert run_of(first).epoch == stopped and "Stopped" in progress_text(first)
    assert one_worker.waiting() == 0
