"""bpviz.runs.pool: the server's first-in, first-out line of training jobs and its worker processes."""

import os
import signal
import subprocess
import sys
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from bpviz import get_preset, split
from bpviz.data.catalog import make_dataset
from bpviz.runs.pool import MAX_SILENCE, Line, Place, TrainingPool, _alive, failed
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
    line = Line(2, Clock())
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


def test_a_ticket_whose_session_stops_asking_leaves_the_line():
    clock = Clock()
    line = Line(1, clock)
    gone, kept, waiting = line.join(), line.join(), line.join()
    for _ in range(3):
        clock.now += MAX_SILENCE * 0.6
        assert line.place(kept) is not None and line.place(waiting) is not None
    assert line.place(gone) is None  # a closed tab: it did not ask for longer than MAX_SILENCE
    assert line.place(kept).admitted and line.place(waiting) == Place(False, 0, 1)


def test_a_line_needs_a_slot():
    with pytest.raises(ValueError):
        Line(0)


@pytest.fixture
def pool():
    p = TrainingPool(1)
    yield p
    p.close()


def test_a_worker_trains_a_copy_and_hands_it_back(pool):
    run = spiral_run(30)
    ticket = pool.join()
    slice_ = pool.send(ticket, run, seconds=30.0)
    trained = slice_.result(timeout=60)
    assert failed(slice_) is None
    assert run.epoch == 0 and len(run.history) == 1  # the session's own run is untouched while a worker trains
    assert trained.epoch == 30 and not trained.running and len(trained.history) == 31
    reference = spiral_run(30)  # the same run trained here: the worker's numbers are the engine's
    while reference.running:
        reference.step(30.0)
    assert [p.train_loss for p in trained.history] == [p.train_loss for p in reference.history]


def test_a_waiting_ticket_may_not_send_and_a_stopped_run_frees_its_worker(pool):
    first, second = pool.join(), pool.join()
    assert pool.waiting() == 1
    with pytest.raises(RuntimeError, match="not admitted"):
        pool.send(second, spiral_run(5))
    out = pool.send(first, spiral_run(10_000), seconds=0.2)
    pool.leave(first)  # Stop: the slice out finishes for nobody, the worker goes to the next in line
    assert pool.place(second).admitted and pool.waiting() == 0
    trained = pool.send(second, spiral_run(5), seconds=30.0).result(timeout=60)
    assert out.done() and trained.epoch == 5  # first in, first out: the stopped slice ran before it


def test_a_killed_worker_is_reported_and_replaced(pool):
    ticket = pool.join()
    pool.send(ticket, spiral_run(1), seconds=0.01).result(timeout=60)  # the worker process exists now
    victim = next(iter(pool._executor._processes))  # noqa: SLF001 (a test kills a worker as the OS would)
    out = pool.send(ticket, spiral_run(100_000), seconds=5.0)
    os.kill(victim, signal.SIGKILL)
    with pytest.raises(BrokenProcessPool):
        out.result(timeout=60)
    assert "stopped unexpectedly" in failed(out)
    assert pool.send(ticket, spiral_run(3), seconds=30.0).result(timeout=60).epoch == 3  # a new pool took over


SERVER = """
import sys
sys.path.insert(0, {root!r})
from bpviz.runs.pool import TrainingPool
from test_pool import spiral_run
pool = TrainingPool(2)
tickets = [pool.join(), pool.join()]
for t in tickets:
    pool.send(t, spiral_run(1), seconds=0.01).result(timeout=60)
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
