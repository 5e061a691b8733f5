"""Many strangers on one hosted link: 8 headless-Chromium sessions on one ``streamlit run`` server at once.

Four sessions build their own network on Design (a preset, and a size of its first hidden layer) and
four load other presets on the Step page. Then the first four train (Start, let it run, Stop) while the
other four step through a sample with the Next button. Every session must see only its own network (the
sidebar's architecture, the Step page's z computed from its own weights, the Train page's header), no
page may show an exception, and the server's resident memory must stay bounded. The figures are printed
and kept in test-output/concurrency.txt:

    python -m pytest -q -s tests/browser/test_concurrency.py
"""

import os
import re
import subprocess
import time
from dataclasses import dataclass

import pytest

from bpviz import Network
from bpviz.data.catalog import make_dataset
from bpviz.data.samples import dataset_sample
from bpviz.lesson.numbers import format_value
from bpviz.lesson.presets import get_preset
from bpviz.lesson.stages import walk
from bpviz.lesson.summary import architecture
from tests.browser.conftest import _free_port, _need_browser, rss_mb, start_server
from tests.browser.helpers import (
    SCREENSHOTS,
    assert_no_exception,
    load_preset,
    run_count,
    screenshot,
    wait_for_count,
    wait_for_layout,
    wait_for_rerun,
    wait_for_run,
)
from webui import design as design_ui
from webui import state
from webui import step as step_ui
from webui import train as train_ui

ACTIVE = re.compile("Training|Waiting for a free worker")  # a run on a worker, or in line for one
MAX_RSS_MB = 1_500  # the whole server with its training pool, every session open and half of them training
MAX_GROWTH_PER_SESSION_MB = 60  # (peak − the server after its first session) per further session
MIN_TRAIN_SECONDS = 3  # the load lasts at least this long (the runs train), however fast the stepping goes
LOADED_MS = 60_000  # a page may take this long to show what a click did while the others train (8 browsers, 2 cores)
PRESSES = 2  # Next presses per stepping page: up to a of layer 1
LONG_RUN = 100_000  # epochs asked for, so every run is still training when Stop is pressed
# (preset, size of hidden layer 1 set on Design or None, what the session does): a network per session.
PLAN = [
    ("xor", 3, "train"),
    ("worked", None, "step"),
    ("circles", 4, "train"),
    ("circles", None, "step"),
    ("xor", 5, "train"),
    ("spiral", None, "step"),
    ("spiral", 6, "train"),
    ("digits", None, "step"),
]
SIDEBAR = '[data-testid="stSidebar"]'
MAIN = '[data-testid="stMain"]'
PROGRESS = '[data-testid="stProgress"]'


def _expect(locator):
    from playwright.sync_api import expect  # late: without playwright the fixtures skip these tests first

    return expect(locator)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of process ``pid`` so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Session:
    """One stranger: a browser page, the network it should see and what it does."""

    page: object
    preset: str
    hidden: int | None
    role: str

    @property
    def net(self) -> Network:
        preset = get_preset(self.preset)
        if self.hidden is None:
            return preset.network()
        layers = (preset.spec.layers[0], self.hidden, *preset.spec.layers[2:])
        return Network.initialise(preset.spec.replace(layers=layers))  # Design draws new weights from the seed

    @property
    def arch(self) -> str:
        return architecture(self.net.spec)

    def expected_walk(self):
        """The walk the Step page shows: sample 0 of the preset's data, through this session's network."""
        net, d = self.net, get_preset(self.preset).data
        ds = make_dataset(d.name, n=d.n, noise=d.noise, seed=net.spec.seed, classes=d.classes)
        x, y, _ = dataset_sample(ds.for_outputs(net.spec.layers[-1]), 0)
        return walk(net, x, y)


@pytest.fixture(scope="module")
def server():
    """A server of its own, so its memory figures belong to this test alone: (base URL, process)."""
    _need_browser()
    proc = start_server(_free_port())
    port = proc.args[proc.args.index("--server.port") + 1]
    yield f"http://127.0.0.1:{port}", proc
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def _button(key: str) -> str:
    """The button with widget key ``key`` (a button with a tooltip or a shortcut also has a hidden copy)."""
    return f".st-key-{key} button:visible"


def _go(page, label: str) -> None:
    """Open another page through the sidebar's link (same session; loading a URL would start a new one)."""
    page.locator(f'{SIDEBAR} [data-testid="stPageLink"] a').filter(has_text=label).first.click()


def _on_each(sessions: list[Session], action, idle: bool = True) -> None:
    """``action(session)`` on every session, one after the other without waiting, then wait for the rerun
    each started (and, with ``idle``, for its page to be idle: a training page never may be): the servers'
    runs overlap, as strangers' would."""
    before = [run_count(s.page) for s in sessions]
    for s in sessions:
        action(s)
    for s, runs in zip(sessions, before):
        (wait_for_rerun if idle else wait_for_count)(s.page, runs)


def _progress(page) -> str:
    """The first progress bar's text (the Train page's is the live panel's)."""
    return page.locator(PROGRESS).first.inner_text()


def test_eight_sessions_step_and_train_at_once(server, browser):
    url, proc = server
    t0 = time.monotonic()
    rss = {"idle": rss_mb(proc.pid, tree=False)}  # the server process: what a session costs it
    peak, whole = rss["idle"], rss["idle"]  # whole: with its training pool's processes

    def sample(label: str | None = None) -> None:
        nonlocal peak, whole
        now = rss_mb(proc.pid, tree=False)
        peak, whole = max(peak, now), max(whole, rss_mb(proc.pid))
        if label:
            rss[label] = now
            print(f"{time.monotonic() - t0:6.1f} s  {label}: {now:.0f} MB", flush=True)

    contexts = [browser.new_context(viewport={"width": 1400, "height": 900}) for _ in PLAN]
    sessions = [Session(c.new_page(), *plan) for c, plan in zip(contexts, PLAN)]
    assert len({s.arch for s in sessions}) == len(sessions)
    trainers = [s for s in sessions if s.role == "train"]
    steppers = [s for s in sessions if s.role == "step"]
    try:
        # One session first: the server imports NumPy, pandas, Plotly and scikit-learn once.
        trainers[0].page.goto(f"{url}/Design")
        wait_for_run(trainers[0].page)
        sample("1 session")
        for s in trainers[1:]:
            s.page.goto(f"{url}/Design")
        for s in steppers:
            s.page.goto(f"{url}/Step")
        for s in sessions:
            wait_for_run(s.page)
            if s.preset != state.DEFAULT_PRESET:
                load_preset(s.page, get_preset(s.preset).title)
        _set_hidden_sizes(trainers)
        for s in sessions:
            _expect(s.page.locator(SIDEBAR)).to_contain_text(f"Network {s.arch}", timeout=30_000)
        sample(f"{len(sessions)} sessions ready")

        _on_each(trainers, lambda s: _go(s.page, "Train"))
        _start_long_runs(trainers)
        began = time.monotonic()
        _step(steppers, sample)
        while time.monotonic() - began < MIN_TRAIN_SECONDS:  # a memory sample per tick of the first run
            shown = _progress(trainers[0].page)
            trainers[0].page.wait_for_function(
                "([sel, old]) => document.querySelector(sel)?.innerText !== old", arg=[PROGRESS, shown]
            )
            sample()
        sample(f"{len(trainers)} training, {len(steppers)} stepping")
        screenshot(trainers[1].page, "concurrency_training")
        screenshot(steppers[-1].page, "concurrency_stepping")
        _stop_and_check(trainers)
        for s in sessions:
            assert f"Network {s.arch}" in s.page.locator(SIDEBAR).inner_text()
            assert_no_exception(s.page)
        sample("all stopped")
    finally:
        for c in contexts:
            c.close()
    sample("after closing the pages")
    elapsed = time.monotonic() - t0

    growth = (peak - rss["1 session"]) / (len(sessions) - 1)
    figures = ", ".join(f"{k}: {v:.0f} MB" for k, v in rss.items())
    report = (
        f"server RSS: {figures}; peak {peak:.0f} MB, {growth:.1f} MB per further session; with its training "
        f"pool's processes, peak {whole:.0f} MB\n"
        f"{len(sessions)} sessions ({len(trainers)} training, {len(steppers)} stepping) in {elapsed:.1f} s "
        f"on {os.cpu_count()} CPUs (load average {os.getloadavg()[0]:.1f}); the server used "
        f"{cpu_seconds(proc.pid):.1f} s of CPU\n"
    )
    print(report, end="")
    (SCREENSHOTS.parent / "concurrency.txt").write_text(report)
    assert whole < MAX_RSS_MB, figures
    assert growth < MAX_GROWTH_PER_SESSION_MB, figures


def _set_hidden_sizes(sessions: list[Session]) -> None:
    """On Design, type each session's size of its first hidden layer."""
    for s in sessions:
        assert architecture(get_preset(s.preset).spec) in s.page.locator(SIDEBAR).inner_text()

    def size(s: Session) -> None:
        units = s.page.locator(f".st-key-{design_ui.layer_key('units', 1)} input")
        units.fill(str(s.hidden))
        units.press("Enter")

    _on_each(sessions, size)
    for s in sessions:  # a rerun for a new window size (a widget's code loading late grows the page) can bring
        for _ in range(2):  # back the size the field had: then type it again, once the page is laid out
            if f"Network {s.arch}" in s.page.locator(SIDEBAR).inner_text():
                break
            wait_for_layout(s.page)
            before = run_count(s.page)
            size(s)
            wait_for_rerun(s.page, before)


def _start_long_runs(trainers: list[Session]) -> None:
    """Ask every training page for a long run (the work cap may lower it), then press Start on each."""

    def epochs(s: Session) -> None:
        field = s.page.locator(f".st-key-{train_ui.EPOCHS} input")
        field.fill(str(LONG_RUN))
        field.press("Enter")

    _on_each(trainers, epochs)
    for s in trainers:
        assert s.page.locator(f".st-key-{train_ui.EPOCHS} input").input_value() == str(LONG_RUN)
        assert s.page.locator(_button(train_ui.START)).is_enabled()
    _on_each(trainers, lambda s: s.page.locator(_button(train_ui.START)).click(), idle=False)
    for s in trainers:  # as many train as the server has workers; the others wait in line, and say so
        _expect(s.page.locator(PROGRESS).first).to_contain_text(ACTIVE, timeout=LOADED_MS)


def _step(steppers: list[Session], sample) -> None:
    """Press Next on every stepping page in turn, one press per page per round (a press made while its own
    page reruns would be folded into the previous one), then check each page shows its own network's numbers."""
    for s in steppers:
        assert s.page.locator(PROGRESS).inner_text().startswith("Stage 1 of")
        assert s.page.locator(_button(step_ui.NEXT)).is_enabled()
    for press in range(1, PRESSES + 1):
        _on_each(steppers, lambda s: s.page.locator(_button(step_ui.NEXT)).click())
        for s in steppers:
            assert s.page.locator(PROGRESS).inner_text().startswith(f"Stage {press + 1} of")
        sample()
    for s in steppers:
        w = s.expected_walk()
        assert (w.stages[PRESSES].kind, w.stages[PRESSES].layer) == ("a", 1)
        assert s.page.locator(PROGRESS).inner_text().startswith(f"Stage {PRESSES + 1} of {len(w.stages)}")
        assert f"Network {s.arch}" in s.page.locator(SIDEBAR).inner_text()
        # The panel follows the stage: the first neuron of hidden layer 1, its z and a from this session's weights.
        panel = s.page.locator(MAIN).inner_text().replace("\u2212", "-")
        for value in (w.trace.z[0][0, 0], w.trace.a[1][0, 0]):
            assert "=" + format_value(value, 4) in panel, (s.arch, format_value(value, 4))


def _stop_and_check(trainers: list[Session]) -> None:
    """Stop every run, then check its results are those of its own network."""
    for s in trainers:
        assert ACTIVE.search(_progress(s.page))
    _on_each(trainers, lambda s: s.page.locator(_button(train_ui.STOP)).click(), idle=False)
    epochs = []
    for s in trainers:  # the others' ticks may still be using the server: wait on what Stop shows
        _expect(s.page.locator(PROGRESS).first).to_contain_text("Stopped", timeout=LOADED_MS)
        wait_for_rerun(s.page, 0)
        header = s.page.locator(f'{MAIN} [data-testid="stCaptionContainer"]').first.inner_text()
        assert header.startswith(f"Network {s.arch} "), (s.arch, header)
        epochs.append(int(s.page.locator('[data-testid="stMetricValue"]').first.inner_text().replace(",", "")))
        assert s.page.get_by_text("Results after").count() == (epochs[-1] > 0)  # a run stopped in line has none
    assert sum(e > 0 for e in epochs) >= min(len(trainers), os.cpu_count() or 1), epochs  # a worker a core trained
