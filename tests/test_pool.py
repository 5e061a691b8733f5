"""bpviz.runs.pool: the server's first-in, first-out line of training jobs and its worker processes."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bpviz import get_preset, split
from bpviz.data.catalog import make_dataset
from bpviz.runs.pool import MAX_SILENCE, Line, Place, TrainingPool, _alive
from bpviz.runs.run import Run


class Clock:
    """A clock a test moves by hand."""

    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def spiral_run(epochs: int) -> Run:
    net = get_preset("spiral").network()
    train, test = split(make_dataset("spiral", n=150, noise=0.2, classes=3).for_outputs(3), 0.2, 0)
    run = Run(net, train, test, 8, 0.1)
    run.go(epochs)
    return run


def test_the_first_tickets_in_are_admitted_and_the_rest_wait_in_order():
    line = Line(2)
    a, b, c, d = (line.join() for _ in range(4))
    assert [line.place(t) for t in (a, b, c, d)] == [
        Place(True, 0, 2),
        Place(True, 0, 2),
        Place(False, 0, 2),
        Place(False, 1, 2),
    ]
    line.leave(a)  # a stopped: its worker goes to the next in line, not to the last
    assert line.place(c).admitted and not line.place(d).admitted
    e = line.join()
    line.leave(b)
    assert line.place(d).admitted and line.place(e) == Place(False, 0, 2)


def test_a_ticket_whose_session_stops_asking_leaves_the_line_and_its_worker_goes_to_the_next():
    clock = Clock()
    pool = TrainingPool(1, clock)
    try:
        gone, kept, waiting = (pool.join(spiral_run(10**6)) for _ in range(3))
        for _ in range(3):  # a closed tab: `gone` does not ask for longer than MAX_SILENCE, the others do
            clock.now += MAX_SILENCE * 0.6
            assert pool.poll(kept) is not None and pool.poll(waiting) is not None
        deadline = time.monotonic() + 30  # the pool's thread looks at least once a second
        while not pool.place(kept).admitted and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pool.poll(gone) is None
        assert pool.place(kept).admitted and pool.place(waiting) == Place(False, 0, 1)
    finally:
        pool.close()


def test_a_line_needs_a_slot():
    with pytest.raises(ValueError):
        Line(0)


@pytest.fixture
def pool():
    p = TrainingPool(1)
    yield p
    p.close()


def news(pool: TrainingPool, ticket: int, until, change=None):
    """Poll ``ticket`` (as a live page does) until ``until(lane, place)`` holds; the last news."""
    deadline = time.monotonic() + 120
    while True:
        lane, place = pool.poll(ticket, change)
        if until(lane, place):
            return lane, place
        assert time.monotonic() < deadline, "the awaited news never came"
        time.sleep(0.02)  # a page's poll interval, not a guess at how long training takes


def ended(lane, place) -> bool:
    return lane.error is not None or not lane.job.running


def test_a_worker_trains_a_copy_in_slices_and_hands_it_back(pool):
    run = spiral_run(300)
    ticket = pool.join(run)
    lane, place = news(pool, ticket, ended)
    assert lane.error is None and place is None  # ended: out of the line, its worker free for the next
    assert run.epoch == 0 and len(run.history) == 1  # the session's own run is untouched while a worker trains
    assert lane.job.epoch == 300 and lane.slices >= 1
    reference = spiral_run(300)  # the same run trained here: the worker's numbers are the engine's
    while reference.running:
        reference.step(30.0)
    assert [p.train_loss for p in lane.job.history] == [p.train_loss for p in reference.history]
    pool.leave(ticket)
    assert pool.poll(ticket) is None


def test_the_settings_a_session_polls_with_apply_to_the_next_slices(pool):
    ticket = pool.join(spiral_run(100_000))
    lane, _ = news(pool, ticket, lambda lane, place: lane.slices >= 1, change=lambda run: run.configure(8, 0.05))
    lane, _ = news(pool, ticket, lambda lane, place: lane.slices >= 2, change=lambda run: run.configure(8, 0.05))
    assert lane.job.learning_rate == 0.05
    lane, _ = news(pool, ticket, ended, change=lambda run: run.configure(0, 0.05))  # a batch of 0: refused
    assert "batch" in lane.error and lane.job.learning_rate == 0.05


def test_runs_wait_first_in_first_out_and_a_stopped_run_frees_its_worker(pool):
    first, second, third = (pool.join(spiral_run(n)) for n in (100_000, 5, 5))
    assert pool.waiting() == 2
    news(pool, first, lambda lane, place: lane.slices >= 1)
    for ticket, ahead in ((second, 0), (third, 1)):
        lane, place = pool.poll(ticket)
        assert place == Place(False, ahead, 1) and lane.slices == 0 and lane.job.epoch == 0
    pool.leave(first)  # Stop: the slice out finishes for nobody, the worker goes to the next in line
    assert pool.poll(second)[1].admitted and pool.poll(third)[1] == Place(False, 0, 1)
    assert news(pool, second, ended)[0].job.epoch == 5
    assert news(pool, third, ended)[0].job.epoch == 5  # and then to the one after it


def test_a_killed_worker_is_reported_and_replaced(pool):
    ticket = pool.join(spiral_run(100_000))
    news(pool, ticket, lambda lane, place: lane.slices >= 1)  # the worker process exists and trains
    os.kill(next(iter(pool._executor._processes)), signal.SIGKILL)  # noqa: SLF001 (as the OOM killer would)
    lane, _ = news(pool, ticket, ended)
    assert "stopped unexpectedly" in lane.error
    assert news(pool, pool.join(spiral_run(3)), ended)[0].job.epoch == 3  # a new pool took over


SERVER = """
import sys
sys.path.insert(0, {root!r})
from bpviz.runs.pool import TrainingPool
from test_pool import spiral_run
pool = TrainingPool(2)
ticket = pool.join(spiral_run(1))
while pool.poll(ticket)[0].job.running:
    pass
print(*pool._executor._processes, flush=True)
import os, signal
os.kill(os.getpid(), signal.SIGKILL)  # the server dies without a word, as under the OOM killer
"""


def test_workers_end_when_their_server_is_killed(tmp_path):
    tests = Path(__file__).resolve().parent
    with open(tmp_path / "out", "w") as out:  # not a pipe: the workers would hold it open
        server = subprocess.Popen([sys.executable, "-c", SERVER.format(root=str(tests.parent))], cwd=tests,
                                  stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
        server.wait(timeout=120)
    text = (tmp_path / "out").read_text()
    workers = [int(pid) for pid in text.split()]
    assert workers, text  # the executor starts workers as work comes: one or two
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{pid}").exists() for pid in workers):
        assert time.monotonic() < deadline, "a worker outlived its server"
        time.sleep(0.1)  # polling the process table, not waiting out a guess


def test_a_zombie_is_not_alive():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 30
    while not _zombie(child.pid):  # ended, not yet collected: what a killed server is until its parent waits
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert not _alive(child.pid) and _alive(os.getpid())
    child.wait()
    assert not _alive(child.pid)


def _zombie(pid: int) -> bool:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
