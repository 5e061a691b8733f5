"""Benchmark of a click as the user feels it: Streamlit's own floor against the Step page's Next, in Chromium.

    OPENBLAS_NUM_THREADS=1 python scripts/bench.py latency               # ~15 clicks a case
    OPENBLAS_NUM_THREADS=1 python scripts/bench.py latency --clicks 5    # briefer

Serves ``scripts/floor_page.py`` (one button, one small Plotly chart) and the app with ``streamlit run``, each
on its own loopback port, and drives headless Chromium through Playwright. A click's latency is measured in
the page: a click listener on the window (before the page's own) notes ``performance.now()``, and a
requestAnimationFrame loop notes the first frame at which the chart's div holds new data (plotly.js replaces
``gd.data`` when the figure changes: Streamlit hands it a new one, or on Step the browser draws the next stage
itself, ``webui/stepper.py``), and the first at which the page has settled: its run has finished (a marker that
changes each run has changed and the app is idle), so every other part of it shows the new stage too. The next
click waits for both. Cases, each as median and 90th percentile to new chart data, the median to a settled
page, and the chart median's ratio to the floor's:

- the floor page;
- the Step page's Next on the 2-2-2 worked example and on the 8x8 digits (64-32-16-10), opened by a share link;
  at the last stage Back (untimed) returns to the first;
- both again while ``trainers`` other sessions train the digits (Train page, Start with the most epochs a run
  takes) in the same server.

Goals: at most GOAL_IDLE times the floor with the server idle, GOAL_LOADED times while the others train.
"""

import math
import statistics
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # the browser tests' server and waits are reused

from bpviz.engine.training import MAX_EPOCHS  # noqa: E402
from bpviz.io.sharelink import Lesson, encode  # noqa: E402
from bpviz.lesson.presets import get_preset  # noqa: E402

GOAL_IDLE, GOAL_LOADED = 1.5, 3.0
FLOOR_SCRIPT = "scripts/floor_page.py"
WINDOW = {"width": 1600, "height": 1000}
TIMEOUT = 60_000  # ms for one click's answer: a loaded 2-core machine
FLOOR_BUTTON, FLOOR_CHART = ".st-key-floor_next", ".st-key-floor_chart .js-plotly-plot"  # buttons: their widget
NEXT, BACK, CHART = ".st-key-step_next", ".st-key-step_back", ".st-key-step_diagram .js-plotly-plot"  # containers
FLOOR_MARK, RUN_MARK = "[data-testid=stCaptionContainer]", '[class*="st-key-bpviz_run_"]'  # new at each run

# Installed once per page: notes the time of a click in the widget ``button`` (on the window, before any listener of
# the page), the chart's data and the run marker ``mark`` at that moment, then the time of the first animation frame
# at which ``chart`` holds other data and the first at which the marker has changed and the app is idle.
_TIMER_JS = """([button, chart, mark]) => {
    const t = window.__bpvizClick = {start: null, before: null, ms: null, marked: null, settled: null};
    const marker = () => Array.from(document.querySelectorAll(mark), (e) => e.outerHTML).join();
    window.addEventListener("click", (e) => {
        if (!e.target.closest(button)) return;
        t.start = performance.now(); t.before = document.querySelector(chart)?.data; t.ms = null;
        t.marked = marker(); t.settled = null;
    }, true);
    const frame = () => {
        const gd = document.querySelector(chart), now = performance.now();
        if (t.start !== null && t.ms === null && gd?._fullLayout && gd.data && gd.data !== t.before) {
            t.ms = now - t.start;
        }
        if (t.start !== null && t.settled === null && marker() !== t.marked
            && document.querySelector('[data-testid="stApp"]')?.dataset.testScriptState === "notRunning") {
            t.settled = now - t.start;
        }
        requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
}"""
_ANSWERED_JS = """() => window.__bpvizClick.ms !== null && window.__bpvizClick.settled !== null
    && [window.__bpvizClick.ms, window.__bpvizClick.settled]"""


@dataclass(frozen=True)
class Result:
    """One case's click latencies in ms: to the chart's new data (``ms``) and to the page's run having finished
    (``settled``: every part of the page drawn anew)."""

    name: str
    ms: tuple[float, ...]
    settled: tuple[float, ...] = ()

    @property
    def median(self) -> float:
        return statistics.median(self.ms)

    @property
    def p90(self) -> float:
        """The 90th percentile by nearest rank: the ⌈0.9 n⌉-th smallest of the n clicks."""
        return sorted(self.ms)[math.ceil(0.9 * len(self.ms)) - 1]


def row(result: Result, floor: Result | None = None, goal: float | None = None) -> str:
    """One printed line: the median and p90 to new chart data, the median to a settled page, and, against
    ``floor``, the ratio of the medians to new chart data and the goal."""
    line = f"  {result.name:<40} median {result.median:6.0f} ms  p90 {result.p90:6.0f} ms  ({len(result.ms)} clicks)"
    if result.settled:
        line += f"  settled {statistics.median(result.settled):6.0f} ms"
    if floor is None:
        return line
    ratio = result.median / floor.median
    verdict = "ok" if ratio <= goal else "over"
    return f"{line}  {ratio:4.1f}x the floor (goal <= {goal:g}x: {verdict})"


def link(preset: str, **train) -> str:
    """The share link's query of ``preset``'s network, data and training settings (``train`` overrides)."""
    p = get_preset(preset)
    return urlencode(encode(Lesson(p.network(), p.data, train=replace(p.train, **train))))


def shown(widget: str):
    """The button of the widget container ``widget``: one with a shortcut or a tooltip also has a hidden copy."""
    return f"{widget} button:visible"


def timed_clicks(
    page, button: str, chart: str, mark: str, clicks: int, rewind: Callable[[], None] | None = None
) -> tuple[list[float], list[float]]:
    """``clicks`` click latencies (ms) of the button of widget ``button``, to new data in ``chart`` and to a
    settled page (``mark`` changed, the app idle); ``rewind`` is called, untimed, when the button is disabled."""
    page.evaluate(_TIMER_JS, [button, chart, mark])
    times, settled = [], []
    while len(times) < clicks:
        target = page.locator(shown(button))
        if target.is_disabled() and rewind is not None:
            rewind()
            continue
        target.click()
        ms, done = page.wait_for_function(_ANSWERED_JS, timeout=TIMEOUT, polling="raf").json_value()
        times.append(ms)
        settled.append(done)
    return times, settled


def _step_case(browser, url: str, query: str, clicks: int) -> tuple[list[float], list[float]]:
    from tests.browser.helpers import click, wait_for_run

    context = browser.new_context(viewport=WINDOW)
    page = context.new_page()
    page.goto(f"{url}/Step?{query}")
    wait_for_run(page, TIMEOUT)

    def rewind() -> None:
        while page.locator(shown(BACK)).is_enabled():
            click(page, page.locator(shown(BACK)))

    try:
        return timed_clicks(page, NEXT, CHART, RUN_MARK, clicks, rewind)
    finally:
        context.close()


def _floor_case(browser, url: str, clicks: int) -> tuple[list[float], list[float]]:
    context = browser.new_context(viewport=WINDOW)
    page = context.new_page()
    page.goto(url)
    page.locator(FLOOR_CHART).wait_for(timeout=TIMEOUT)
    try:
        return timed_clicks(page, FLOOR_BUTTON, FLOOR_CHART, FLOOR_MARK, clicks)
    finally:
        context.close()


def start_training(browser, url: str, epochs: Sequence[int]) -> list:
    """One browser context a number of ``epochs``, each training the digits on the Train page for that many
    epochs; their pages, returned once every one runs (or waits for a worker)."""
    from tests.browser.helpers import wait_for_run
    from webui import train as train_ui

    pages = []
    for n in epochs:
        page = browser.new_context(viewport=WINDOW).new_page()
        page.goto(f"{url}/Train?{link('digits', epochs=n)}")
        wait_for_run(page, TIMEOUT)
        page.locator(shown(f".st-key-{train_ui.START}")).click()
        page.locator(f"{shown(f'.st-key-{train_ui.STOP}')}:enabled").wait_for(timeout=TIMEOUT)
        pages.append(page)
    return pages


def measure(clicks: int, trainers: int) -> Iterator[tuple[Result, float | None]]:
    """Serve both pages and run every case: (result, goal or None for the floor) each, the floor first."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port, start_server

    ports = {script: _free_port() for script in (FLOOR_SCRIPT, "app.py")}
    servers = [start_server(port, script) for script, port in ports.items()]
    floor_url, url = (f"http://127.0.0.1:{port}" for port in ports.values())
    cases = {"2-2-2 worked example": link("worked"), "digits 64-32-16-10": link("digits")}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            floor = _floor_case(browser, floor_url, clicks)
            yield Result("floor page (one button, one chart)", *map(tuple, floor)), None
            for name, query in cases.items():
                idle = _step_case(browser, url, query, clicks)
                yield Result(f"Step Next, {name}", *map(tuple, idle)), GOAL_IDLE
            training = start_training(browser, url, [MAX_EPOCHS] * trainers)
            for name, query in cases.items():
                label = f"Step Next, {name}, {trainers} train"
                yield Result(label, *map(tuple, _step_case(browser, url, query, clicks))), GOAL_LOADED
            for page in training:
                page.context.close()
            browser.close()
    finally:
        for proc in servers:
            _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def bench_latency(clicks: int = 15, trainers: int = 4) -> None:
    """Print the floor's click latency and the Step page's, idle and while ``trainers`` sessions train."""
    print(f"Click to new chart data in headless Chromium, {clicks} clicks a case, served by streamlit run:")
    floor = None
    for result, goal in measure(clicks, trainers):
        floor = floor or result
        print(row(result, None if goal is None else floor, goal), flush=True)


if __name__ == "__main__":
    bench_latency()
