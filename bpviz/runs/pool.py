"""Training off the server's script threads: a first-in, first-out queue in front of a few worker processes.

Every session of a server shares ``workers`` processes (about one per core). A session's job (a ``Run`` or a
``Comparison``: anything with ``step(seconds)``) takes a *ticket* (``TrainingPool.join``). Tickets are admitted
first in, first out, at most ``workers`` at a time; the others wait, and ``place(ticket)`` says how many wait
ahead. An admitted job advances in slices: ``send`` ships a copy of it to a worker, which trains it for about
``SLICE_SECONDS`` and ships the copy back (``advance``); the session takes the copy when it is done and sends
the next slice. So the server's own threads only copy a job (about 2 ms for digits' 1.2 MB) while the
training's many short NumPy calls run elsewhere.

A ticket leaves the line on Stop, Reset and at the end of its run (``leave``), or when its session has not
asked for ``MAX_SILENCE`` seconds (a closed tab, or the user went to another page), and the next ticket in
line is admitted at once. A slice already sent finishes in its worker and is thrown away.

Workers run at a lower priority (``NICENESS``) with one BLAS thread each, so the server's own work (a Step
click, a page load) comes first however many sessions train. Time comes from the pool's ``clock``.
"""

import itertools
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

SLICE_SECONDS = 0.25  # training per slice: the live curves get a new copy about four times a second
MAX_SILENCE = 10.0  # seconds a ticket keeps its place without its session asking (a live page asks 10 times a second)
NICENESS = 5  # added to a worker's nice value: where both want a core, the server's threads get about 3× its share


class Job(Protocol):
    def step(self, seconds: float) -> object: ...


J = TypeVar("J", bound=Job)


def advance(job: J, seconds: float) -> J:
    """A worker's slice: ``job`` trained for about ``seconds`` (it arrives as a copy and leaves as one)."""
    job.step(seconds)
    return job


def _start_worker(server: int) -> None:
    """Each worker: a lower priority, one BLAS thread (the pool already runs one worker per core), and a watch
    on the ``server`` process that ends the worker once the server is gone (a worker waits for work on a pipe
    it holds both ends of, so a server killed outright would otherwise leave it behind)."""
    try:
        os.nice(NICENESS)
    except OSError:  # not permitted here: the worker still trains, at the server's priority
        pass
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    threading.Thread(target=_exit_with, args=(server,), daemon=True, name="bpviz-watch-server").start()


def _exit_with(server: int, every: float = 1.0) -> None:
    """Poll the ``server`` process every ``every`` seconds; end this worker at once when it no longer exists."""
    while _alive(server):
        time.sleep(every)
    os._exit(0)


def _alive(pid: int) -> bool:
    """The process ``pid`` exists and has not ended (on Linux a killed server stays a zombie until its own parent
    collects it, and a signal still reaches a zombie: ask /proc for its state where there is one)."""
    stat = Path(f"/proc/{pid}/stat")
    if Path("/proc/self").exists():
        try:
            return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except FileNotFoundError:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@dataclass(frozen=True)
class Place:
    """A ticket's place in line: ``admitted`` (its job may train now) or waiting with ``ahead`` tickets before
    it that wait too, while ``training`` jobs hold the workers."""

    admitted: bool
    ahead: int
    training: int


class Line:
    """The tickets in the order they joined, the first ``slots`` of them admitted; a ticket whose session has
    not asked for ``silence`` seconds (by ``clock``) leaves. Not thread-safe: ``TrainingPool`` holds a lock."""

    def __init__(self, slots: int, clock: Callable[[], float] = time.monotonic, silence: float = MAX_SILENCE):
        if slots < 1:
            raise ValueError("a line needs at least one slot")
        self.slots, self.clock, self.silence = slots, clock, silence
        self._seen: dict[int, float] = {}  # ticket -> when its session last asked; dicts keep insertion order
        self._numbers = itertools.count(1)

    def join(self) -> int:
        self._expire()
        ticket = next(self._numbers)
        self._seen[ticket] = self.clock()
        return ticket

    def leave(self, ticket: int) -> None:
        self._seen.pop(ticket, None)

    def place(self, ticket: int) -> Place | None:
        """Where ``ticket`` stands (None when it is not in line: it left or fell silent); asking keeps it."""
        self._expire()
        if ticket not in self._seen:
            return None
        self._seen[ticket] = self.clock()
        index = list(self._seen).index(ticket)
        training = min(self.slots, len(self._seen))
        return Place(index < self.slots, max(0, index - self.slots), training)

    def __len__(self) -> int:
        return len(self._seen)

    def _expire(self) -> None:
        now = self.clock()
        for ticket in [t for t, seen in self._seen.items() if now - seen > self.silence]:
            del self._seen[ticket]


class TrainingPool:
    """``workers`` processes shared by every session of a server, behind a ``Line``; see the module docstring.
    The processes start on the first ``send`` (from a fork server, so the server's threads are never forked)."""

    def __init__(self, workers: int, clock: Callable[[], float] = time.monotonic, silence: float = MAX_SILENCE):
        self.workers = workers
        self._line = Line(workers, clock, silence)
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None

    def join(self) -> int:
        """A new ticket at the end of the line."""
        with self._lock:
            return self._line.join()

    def leave(self, ticket: int | None) -> None:
        """``ticket`` gives up its place (or its worker, for the next in line)."""
        if ticket is not None:
            with self._lock:
                self._line.leave(ticket)

    def place(self, ticket: int | None) -> Place | None:
        if ticket is None:
            return None
        with self._lock:
            return self._line.place(ticket)

    def waiting(self) -> int:
        """Tickets in line beyond the workers."""
        with self._lock:
            return max(0, len(self._line) - self.workers)

    def send(self, ticket: int, job: J, seconds: float = SLICE_SECONDS) -> "Future[J]":
        """A slice of ``job`` on a worker; ``ticket`` must be admitted. A pool whose worker died (its process
        was killed, for example for memory) is replaced: the jobs it held fail with ``BrokenProcessPool``."""
        with self._lock:
            place = self._line.place(ticket)
            if place is None or not place.admitted:
                raise RuntimeError(f"ticket {ticket} is not admitted")
            copy = deepcopy(job)  # the copy a worker trains: the session's job may change while it is sent
            if self._executor is None:
                self._executor = _executor(self.workers)
            try:
                return self._executor.submit(advance, copy, seconds)
            except BrokenProcessPool:
                self._executor = _executor(self.workers)
                return self._executor.submit(advance, copy, seconds)

    def close(self) -> None:
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown(wait=True, cancel_futures=True)
                self._executor = None


def _executor(workers: int) -> ProcessPoolExecutor:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])  # forked workers start with NumPy and bpviz imported
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(os.getpid(),))


def failed(future: Future) -> str | None:
    """Why a finished slice brought no job back (None when it did)."""
    error = future.exception()
    if error is None:
        return None
    if isinstance(error, BrokenProcessPool):
        return "the training worker stopped unexpectedly (the server may be short of memory)"
    return f"training failed: {error}"
