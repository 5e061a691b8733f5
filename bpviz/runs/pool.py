"""Training off the server's script threads: a first-in, first-out queue in front of a few worker processes.

Every session of a server shares ``workers`` processes (about one per core). A session hands its job (a
``Run`` or a ``Comparison``: anything with ``running`` and ``step(seconds)``) to the pool with ``join`` and gets
a *ticket*. Tickets are admitted first in, first out, at most ``workers`` at a time; the others wait, and their
place says how many wait ahead. An admitted job advances in slices: the pool's thread ships a copy of it to a
worker, which trains it for about ``SLICE_SECONDS`` and ships the copy back (``advance``), and sends the next
slice at once; the session takes the latest copy whenever it asks (``poll``, with the settings to apply from
then on). So the server's own threads only serialise a job (about 2 ms for digits' 1.2 MB) while the
training's many short NumPy calls run elsewhere, at the workers' pace.

A ticket leaves the line on Stop, Reset (``leave``) and at the end of its run, or when its session has not
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
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol, TypeVar

from bpviz.engine.errors import BpvizError

SLICE_SECONDS = 0.25  # training per slice: the live curves get a new copy about four times a second
MAX_SILENCE = 10.0  # seconds a ticket keeps its place without its session asking (a live page asks 10 times a second)
NICENESS = 5  # added to a worker's nice value: where both want a core, the server's threads get about 3× its share


class Job(Protocol):
    running: bool

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
    """The tickets in the order they joined, the first ``slots`` of them admitted. Only order: when a session
    falls silent is the pool's to judge (``Lane.seen``). Not thread-safe: ``TrainingPool`` holds a lock."""

    def __init__(self, slots: int):
        if slots < 1:
            raise ValueError("a line needs at least one slot")
        self.slots = slots
        self._order: dict[int, None] = {}  # dicts keep insertion order
        self._numbers = itertools.count(1)

    def join(self) -> int:
        ticket = next(self._numbers)
        self._order[ticket] = None
        return ticket

    def leave(self, ticket: int) -> None:
        self._order.pop(ticket, None)

    def admits(self, ticket: int) -> bool:
        """``ticket`` is among the first ``slots``."""
        return ticket in list(self._order)[: self.slots]

    def place(self, ticket: int) -> Place | None:
        """Where ``ticket`` stands (None when it is not in line)."""
        if ticket not in self._order:
            return None
        index = list(self._order).index(ticket)
        return Place(index < self.slots, max(0, index - self.slots), min(self.slots, len(self._order)))

    def __len__(self) -> int:
        return len(self._order)


@dataclass
class Lane:
    """A ticket's job as the pool holds it: ``job``, the latest copy a worker handed back (the session's own
    before the first); ``slices`` handed back so far; ``error``, why a slice failed (None); ``change``, applied to
    every copy sent (the session's latest settings; it may raise BpvizError); ``out``, its slice on a worker;
    ``seen``, when its session last asked."""

    job: Job
    change: Callable[[Job], None] | None
    seen: float
    slices: int = 0
    error: str | None = None
    out: Future | None = None


class TrainingPool:
    """``workers`` processes shared by every session of a server, behind a ``Line``; see the module docstring.

    A session hands its job over with ``join`` and asks for news with ``poll``; the pool's own thread sends an
    admitted job's next slice the moment the last comes back, so training goes on at the workers' pace however
    slowly a busy server gets round to asking. The processes start with the first slice, from a fork server (the
    server's threads are never forked)."""

    def __init__(self, workers: int, clock: Callable[[], float] = time.monotonic, silence: float = MAX_SILENCE,
                 seconds: float = SLICE_SECONDS):  # fmt: skip
        self.workers, self.clock, self.silence, self.seconds = workers, clock, silence, seconds
        self._line = Line(workers)
        self._lanes: dict[int, Lane] = {}
        self._changed = threading.Condition()
        self._executor: ProcessPoolExecutor | None = None
        self._closed = False
        threading.Thread(target=self._dispatch_forever, daemon=True, name="bpviz-training-pool").start()

    # -- a session's side ---------------------------------------------------------------------------
    def join(self, job: Job, change: Callable[[Job], None] | None = None) -> int:
        """A new ticket at the end of the line for ``job`` (a running ``Run`` or ``Comparison``)."""
        with self._changed:
            ticket = self._line.join()
            self._lanes[ticket] = Lane(job, change, self.clock())
            self._changed.notify()
            return ticket

    def poll(self, ticket: int | None, change: Callable[[Job], None] | None = None) -> tuple[Lane, Place | None] | None:
        """The news of ``ticket``: a copy of its lane (the latest job, slices, error) and its place in line
        (None once its job ended or failed); None when the pool does not know it (it left, or fell silent).
        Asking keeps its place; ``change`` replaces the one applied to the copies sent from now on."""
        with self._changed:
            lane = self._lanes.get(ticket)
            if lane is None:
                return None
            lane.seen, lane.change = self.clock(), change
            return replace(lane), self._line.place(ticket)

    def place(self, ticket: int | None) -> Place | None:
        """Where ``ticket`` stands in line (None: not in it); asking keeps its place."""
        with self._changed:
            if ticket in self._lanes:
                self._lanes[ticket].seen = self.clock()
            return self._line.place(ticket) if ticket is not None else None

    def leave(self, ticket: int | None) -> None:
        """``ticket`` gives up its place, its worker (for the next in line) and its slice out (a worker finishes
        it for nobody)."""
        with self._changed:
            lane = self._lanes.pop(ticket, None)
            if lane is not None and lane.out is not None:
                lane.out.cancel()
            self._line.leave(ticket)
            self._changed.notify()

    def waiting(self) -> int:
        """Tickets in line beyond the workers."""
        with self._changed:
            return max(0, len(self._line) - self.workers)

    def close(self) -> None:
        """Stop the pool's thread and its workers, once a slice out has come back. The lock is let go first: a
        slice coming back takes it (``_back``), and waiting for that while holding it would wait for ever."""
        with self._changed:
            self._closed = True
            self._changed.notify()
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    # -- the pool's thread --------------------------------------------------------------------------
    def _dispatch_forever(self) -> None:
        with self._changed:
            while not self._closed:
                self._dispatch()
                self._changed.wait(timeout=1.0)  # at least once a second: sessions that fell silent leave

    def _dispatch(self) -> None:
        """Drop the lanes whose session fell silent; send each admitted, running job that has no slice out."""
        now = self.clock()
        for ticket in [t for t, lane in self._lanes.items() if now - lane.seen > self.silence]:
            self._lanes.pop(ticket)
            self._line.leave(ticket)
        for ticket, lane in self._lanes.items():
            if lane.out is None and lane.error is None and lane.job.running and self._line.admits(ticket):
                self._send(ticket, lane)

    def _send(self, ticket: int, lane: Lane) -> None:
        job = lane.job  # sent as it is: a session only reads its lane's job, and changes it only after leaving
        try:
            if lane.change is not None:
                lane.change(job)
        except BpvizError as err:
            self._ended(ticket, lane, str(err))
            return
        except Exception as err:  # noqa: BLE001 (the pool's thread must outlive any one session's settings)
            self._ended(ticket, lane, f"training failed: {err!r}")
            return
        if self._executor is None:
            self._executor = _executor(self.workers)
        try:
            lane.out = self._executor.submit(advance, job, self.seconds)
        except BrokenProcessPool:
            self._executor = _executor(self.workers)
            lane.out = self._executor.submit(advance, job, self.seconds)
        lane.out.add_done_callback(lambda out: self._back(ticket, lane, out))

    def _back(self, ticket: int, lane: Lane, out: Future) -> None:
        """A slice came back (in the executor's thread): the lane takes the trained copy and the pool sends on."""
        if out.cancelled():
            return
        with self._changed:
            lane.out = None
            why = failed(out)
            if why is None:
                lane.job, lane.slices = out.result(), lane.slices + 1
            if why is not None or not lane.job.running:
                self._ended(ticket, lane, why)
            self._changed.notify()

    def _ended(self, ticket: int, lane: Lane, error: str | None) -> None:
        """The job ended or failed: its worker goes to the next in line; the lane waits for its session."""
        lane.error = error
        self._line.leave(ticket)


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
