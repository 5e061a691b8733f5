"""A class on one server: sessions training the digits while others step, on one ``streamlit run`` (loopback).

    OPENBLAS_NUM_THREADS=1 python scripts/bench.py load                          # 6 train, 6 step, 3 min after
    OPENBLAS_NUM_THREADS=1 python scripts/bench.py load --trainers 3 --steppers 3 --clicks 5 --after 0

Serves the app and drives one headless Chromium (one browser context a session). ``trainers`` sessions open
the digits on Train by a share link, each asking for its own number of epochs (250 + i, so a page showing
another session's run would show it), and press Start; the server's training pool trains as many as it has
workers and queues the rest. Meanwhile ``steppers`` sessions open Step (the worked example and the digits in
turn) and click Next ``clicks`` times, all of them in each round before any answer is awaited; every click is
timed in its page as ``bench_latency`` does (to the diagram's new data, and to the settled page). Then every
session closes, and the server's memory is followed for ``after`` seconds.

Printed: p50 and p95 of the Step clicks, to the diagram and to the settled page; each training session's epochs
and seconds of training when the stepping ended, as its page showed them (and whether it still waited for a
worker); the resident memory of the server with its training pool's processes idle, at its peak, when every
session had closed, and ``after`` seconds later.
``load`` returns the same figures as a ``Load`` record, with each session's view of its own state, for the CI test
of isolation and memory (tests/browser/test_load.py).
"""

import re
import statistics
import threading
import time
from dataclasses import dataclass, field

from bench_latency import (
    _ANSWERED_JS,
    _TIMER_JS,
    BACK,
    CHART,
    NEXT,
    RUN_MARK,
    TIMEOUT,
    WINDOW,
    link,
    shown,
    start_training,
)

PROGRESS = '[data-testid="stProgress"]'
EPOCHS = re.compile(r"epoch ([\d,]+) of ([\d,]+) · ([\d.]+) s")
STEPPED = ("worked", "digits")  # the steppers' lessons, in turn


@dataclass
class Memory:
    """The server's resident memory (with its pool's processes) in MB, sampled every ``every`` seconds by a
    thread: ``marks`` by name, ``peak`` over the whole run."""

    pid: int
    every: float = 0.5
    marks: dict[str, float] = field(default_factory=dict)
    peak: float = 0.0
    _stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self):
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while not self._stop.wait(self.every):
            self.now()

    def now(self) -> float:
        from tests.browser.conftest import rss_mb

        mb = rss_mb(self.pid)
        self.peak = max(self.peak, mb)
        return mb

    def mark(self, name: str) -> None:
        self.marks[name] = self.now()

    def stop(self) -> None:
        self._stop.set()


@dataclass(frozen=True)
class Trained:
    """One training session as its page showed it after the stepping: the epochs it asked for, the epoch it had
    reached, the seconds its run had trained (the progress line's time, which waiting for a worker does not
    add to), and whether it was still waiting for a worker."""

    asked: int
    epoch: int
    seconds: float
    waited: bool

    @property
    def rate(self) -> float:
        """Epochs a second while it trained."""
        return self.epoch / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Load:
    """Every figure of one run: Step click latencies (ms) to the diagram's new data and to the settled page, the
    training sessions, each stepper's stage as its page showed it after its clicks (1-based), and memory marks
    and peak (MB)."""

    clicks: tuple[float, ...]
    settled: tuple[float, ...]
    trained: tuple[Trained, ...]
    stages: tuple[int, ...]
    memory: dict[str, float]
    peak: float

    def percentile(self, q: float, settled: bool = False) -> float:
        times = self.settled if settled else self.clicks
        return statistics.quantiles(times, n=100, method="inclusive")[round(q) - 1]


def _trained(page) -> Trained:
    """A Train page's progress line, read."""
    text = page.locator(PROGRESS).first.inner_text()
    epoch, asked, seconds = EPOCHS.search(text).groups()
    return Trained(int(asked.replace(",", "")), int(epoch.replace(",", "")), float(seconds), "Waiting" in text)


def _steppers(browser, url: str, n: int) -> list:
    from tests.browser.helpers import wait_for_run

    pages = []
    for i in range(n):
        page = browser.new_context(viewport=WINDOW).new_page()
        page.goto(f"{url}/Step?{link(STEPPED[i % len(STEPPED)])}")
        wait_for_run(page, TIMEOUT)
        pages.append(page)
    return pages


def _step_rounds(pages: list, clicks: int) -> tuple[list[float], list[float]]:
    """``clicks`` rounds: a Next click in every page, then each page's answer; the click latencies (ms) to the
    diagram's new data and to the settled page."""
    from tests.browser.helpers import click

    for page in pages:
        page.evaluate(_TIMER_JS, [NEXT, CHART, RUN_MARK])
    times, settled = [], []
    for _ in range(clicks):
        for page in pages:
            if page.locator(shown(NEXT)).is_disabled():  # the last stage: back to the first, untimed
                while page.locator(shown(BACK)).is_enabled():
                    click(page, page.locator(shown(BACK)))
        for page in pages:
            page.locator(shown(NEXT)).click()
        for page in pages:
            ms, done = page.wait_for_function(_ANSWERED_JS, timeout=TIMEOUT, polling="raf").json_value()
            times.append(ms)
            settled.append(done)
    return times, settled


def _stage(page) -> int:
    """The stage the Step page's progress line shows."""
    return int(re.search(r"Stage (\d+) of", page.locator(PROGRESS).first.inner_text()).group(1))


def _class(browser, url: str, trainers: int, steppers: int, clicks: int, memory: Memory) -> tuple:
    """The sessions, each in its own context of ``browser``: (click times, stepping pages' stages, the training
    sessions), once every context has closed again."""
    training = start_training(browser, url, [250 + i for i in range(trainers)])
    stepping = _steppers(browser, url, steppers)
    memory.mark("every session open")
    try:
        times = _step_rounds(stepping, clicks)
        return times, tuple(_stage(page) for page in stepping), tuple(_trained(page) for page in training)
    finally:
        for page in training + stepping:
            page.context.close()


def load(trainers: int = 6, steppers: int = 6, clicks: int = 20, after: float = 180.0, browser=None) -> Load:
    """One run on a fresh server, driven by ``browser`` (a Playwright browser; None: a Chromium of its own):
    see the module docstring."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port, start_server

    port = _free_port()
    server = start_server(port)
    memory = Memory(server.pid)
    url = f"http://127.0.0.1:{port}"
    try:
        memory.mark("idle")
        if browser is None:
            with sync_playwright() as p:
                own = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                times, stages, trained = _class(own, url, trainers, steppers, clicks, memory)
                own.close()
        else:
            times, stages, trained = _class(browser, url, trainers, steppers, clicks, memory)
        memory.mark("every session closed")
        time.sleep(after)  # how long a closed session's memory stays: the sampling thread goes on meanwhile
        memory.mark(f"{after:g} s after closing")
    finally:
        memory.stop()
        server.terminate()
        server.wait(30)
        server.log.seek(0)
        log = server.log.read().decode(errors="replace")
    if "Traceback" in log:
        print(f"  the server logged an error:\n{log[log.index('Traceback') :][:3000]}")
    return Load(tuple(times[0]), tuple(times[1]), trained, stages, dict(memory.marks), memory.peak)


def bench_load(trainers: int = 6, steppers: int = 6, clicks: int = 20, after: float = 180.0) -> None:
    """Print the figures of one ``load`` run."""
    print(f"{trainers} sessions train the digits while {steppers} click Next {clicks} times each, one server:")
    result = load(trainers, steppers, clicks, after)
    print(f"  Step clicks: p50 {result.percentile(50):.0f} ms, p95 {result.percentile(95):.0f} ms to the diagram's "
          f"new stage; p50 {result.percentile(50, True):.0f} ms, p95 {result.percentile(95, True):.0f} ms to the "
          f"settled page ({len(result.clicks)} clicks)")  # fmt: skip
    for i, t in enumerate(result.trained, 1):
        state = ", still waiting for a worker" if t.waited else ""
        print(f"  training session {i}: epoch {t.epoch} of {t.asked} in {t.seconds:.1f} s of training, "
              f"{t.rate:.1f} epochs/s{state}")  # fmt: skip
    figures = ", ".join(f"{name} {mb:.0f} MB" for name, mb in result.memory.items())
    print(f"  server with its training pool: {figures}; peak {result.peak:.0f} MB")
