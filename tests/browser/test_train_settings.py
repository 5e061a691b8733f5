"""The Train page's training settings in headless Chromium: each verdict shown on a run that earns it (its kind
of notice, and in presentation mode its headline ending the progress line), the optimiser comparison's one
curve per optimiser, a share link that restores the optimiser, penalty and λ and starts the same run in two
fresh sessions, and the settings rows (Adam and L2 chosen) at 1280×800 and 1920×1080 with presentation mode off
and on, nothing clipped and the update rule within its column.

Every wait is on the page's state (its run count, the progress line, the Compare button, the chart's data),
never a fixed sleep. Screenshots: test-output/screenshots/train_settings_*.png.
"""

import re
from dataclasses import dataclass, replace
from urllib.parse import urlencode

import pytest

from bpviz.engine.optimisers import SGD, Optimiser
from bpviz.io.sharelink import Lesson, encode
from bpviz.lesson.presets import PRESETS
from bpviz.runs.run import with_rate
from bpviz.runs.verdict import HEADLINES
from tests.browser.helpers import (
    SCREENSHOTS,
    assert_no_exception,
    click,
    wait_for_charts,
    wait_for_idle,
    wait_for_layout,
    wait_for_run,
)
from webui import train as train_ui
from webui.setup import PRESENT_EXIT

PROGRESS = '[data-testid="stProgress"]'
SIZES = [(1280, 800), (1920, 1080)]
WAIT = 60_000  # ms: a loaded 2-core machine may take many seconds per rerun


def _expect(locator):
    """Playwright's expect (pass ``timeout=WAIT``: Streamlit loads a widget's code the first time the widget
    shows, and on a loaded machine that alone can take more than expect's 5 s)."""
    from playwright.sync_api import expect  # late: without playwright the fixtures skip these tests first

    return expect(locator)


def _link(app_url: str, preset: str, rate: float, present: bool = False, **train) -> str:
    """The Train page's share link to ``preset``'s network at ``rate`` and its data, with its training settings
    changed by ``train`` (TrainSettings fields)."""
    p = PRESETS[preset]
    lesson = Lesson(with_rate(p.network(), rate), p.data, train=replace(p.train, **train))
    return f"{app_url}/Train?{urlencode(encode(lesson) | ({'present': '1'} if present else {}))}"


def _open(browser, url: str, size: tuple[int, int] = (1600, 1000)):
    """A fresh session (its own browser context) at ``size`` on ``url``, laid out for the window."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.goto(url)
    wait_for_run(page, WAIT)
    return context, page


def _button(page, key: str):
    """The button with widget key ``key`` (a button with a tooltip also has a hidden copy)."""
    return page.locator(f".st-key-{key} button:visible")


def _progress(page) -> str:
    return page.locator(PROGRESS).first.inner_text().strip()


def _shot(page, name: str) -> None:
    """What the window shows (Streamlit scrolls inside its own container, so a full-page shot adds nothing)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"train_settings_{name}.png"))


def _train_to_the_end(page, ended: str) -> None:
    """Press Start and wait until the page's full rerun after the run's last tick shows ``ended`` (the progress
    line's first word: Finished or Diverged) and has finished."""
    _button(page, train_ui.START).click()
    _expect(page.locator(PROGRESS).first).to_contain_text(ended, timeout=WAIT)
    wait_for_idle(page, WAIT)
    wait_for_charts(page, WAIT)


# -- 1. the verdicts ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class VerdictCase:
    """A run that earns verdict ``kind`` (tests/test_verdict.py's cases, with fewer epochs where the kind holds),
    the notice it shows (st.success, info, warning or error) and words of it."""

    kind: str
    preset: str
    rate: float
    epochs: int
    optimiser: Optimiser | None
    notice: str
    words: str


VERDICTS = [
    VerdictCase("learned", "circles", 0.5, 30, None, "Success", "It learned: the training loss fell from 0.7209 to"),
    VerdictCase("stalled", "xor", 0.5, 20, None, "Info", "it may sit on a plateau"),
    VerdictCase("rose", "circles", 3, 30, None, "Warning", "each update overshot. Try η = 1, a third of it."),
    VerdictCase("chance", "circles", 0.0001, 20, SGD, "Warning", "η = 0.0001 is too small to move the weights"),
    VerdictCase("diverged", "circles", 1e6, 5, None, "Error", "Training diverged at epoch 1"),
]


# The kind ("Success", "Info", "Warning", "Error") of every notice in the main area, top to bottom.
NOTICE_KINDS = """() => Array.from(document.querySelectorAll('[data-testid="stMain"] [data-testid^="stAlertContent"]'),
    e => e.dataset.testid.replace("stAlertContent", ""))"""


def _notices(page, notice: str, words: str):
    """The notices of kind ``notice`` ("Success", …) saying ``words``."""
    return page.locator(f'[data-testid="stAlertContent{notice}"]').filter(has_text=words)


@pytest.mark.parametrize("case", VERDICTS, ids=[c.kind for c in VERDICTS])
def test_each_verdict_shows_as_its_notice_and_ends_the_presentation_progress_line(browser, app_url, case):
    settings = {"epochs": case.epochs} | ({"optimiser": case.optimiser} if case.optimiser else {})
    context, page = _open(browser, _link(app_url, case.preset, case.rate, present=True, **settings))
    try:
        ended = "Diverged" if case.kind == "diverged" else "Finished"
        _train_to_the_end(page, ended)
        line = _progress(page)
        assert line.startswith(f"{ended} · epoch "), line
        if case.kind == "diverged":  # the status word says it; the headline is not said twice
            assert not line.endswith(f"· {HEADLINES['diverged']}"), line
        else:
            assert line.endswith(f" s · {HEADLINES[case.kind]}"), line
        # The whole verdict, under the panes.
        _expect(_notices(page, case.notice, case.words)).to_have_count(1, timeout=WAIT)
        assert_no_exception(page)
        _shot(page, f"verdict_{case.kind}_presenting")

        click(page, _button(page, PRESENT_EXIT), WAIT)  # the full page: the notice under the progress line
        _expect(_notices(page, case.notice, case.words)).to_have_count(1, timeout=WAIT)
        # no headline: the notice says it (waited for: the progress line of the presenting run may still show)
        _expect(page.locator(PROGRESS).first).to_have_text(re.compile(rf"^{ended} · epoch .* s$"), timeout=WAIT)
        kinds = page.evaluate(NOTICE_KINDS)
        assert kinds == [case.notice], kinds  # the verdict is the page's one notice: none of another colour beside it
        assert_no_exception(page)
    finally:
        context.close()


# -- 2. the optimiser comparison ------------------------------------------------------------------------------
COMPARE_CHART = f".st-key-{train_ui.COMPARE_CHART} .js-plotly-plot"
# The comparison's curves (a diverged one's ✕ is a trace out of the legend): name and last epoch drawn.
CURVES = f"""() => {{
    const gd = document.querySelector('{COMPARE_CHART}');
    return gd && gd.data ? gd.data.filter(t => t.showlegend !== false)
        .map(t => [t.name, t.x.length ? Number(Array.from(t.x).at(-1)) : null]) : [];
}}"""
DONE = f"""(epochs) => {{
    const curves = ({CURVES})();
    return curves.length > 0 && curves.every(([name, last]) => last === epochs);
}}"""
LEGEND = f"() => Array.from(document.querySelectorAll('{COMPARE_CHART} .legendtext'), t => t.textContent)"
COMPARE_EPOCHS = 30
# The circles preset's η = 0.5 for the rules that take the rate above, a rate that suits each adaptive one.
OPTIMISER_LABELS = [
    "SGD, η = 0.5",
    "SGD with momentum, η = 0.5",
    "Nesterov momentum, η = 0.5",
    "RMSProp, η = 0.01",
    "Adam, η = 0.01",
    "Adagrad, η = 0.1",
]


def _scroll_to(page, selector: str) -> None:
    """Scroll Streamlit's main container so the element ``selector`` starts just under the page's header bar."""
    page.evaluate(
        """(selector) => {
            const el = document.querySelector(selector);
            el.scrollIntoView({block: "start"});
            const header = document.querySelector('[data-testid="stHeader"]')?.getBoundingClientRect().bottom ?? 0;
            (el.closest('[data-testid="stMain"]') || document.scrollingElement).scrollBy(0, -header - 16);
        }""",
        selector,
    )


def test_the_optimiser_comparison_draws_one_curve_per_optimiser(browser, app_url):
    link = _link(app_url, "circles", 0.5, epochs=COMPARE_EPOCHS)
    context, page = _open(browser, link, SIZES[0])
    try:
        what = page.locator(f".st-key-{train_ui.COMPARE_WHAT}")
        click(page, what.get_by_role("radio", name="optimisers"), WAIT)
        field = page.locator(f".st-key-{train_ui.OPTIMISERS} input")
        _expect(field).to_have_value("sgd, momentum, nesterov, rmsprop, adam, adagrad", timeout=WAIT)
        click(page, _button(page, train_ui.COMPARE), WAIT)
        # The comparison trains in its fragment's ticks; Compare is enabled again once it is done.
        _expect(_button(page, train_ui.COMPARE)).to_be_enabled(timeout=WAIT)
        wait_for_idle(page, WAIT)
        page.wait_for_function(DONE, arg=COMPARE_EPOCHS, timeout=WAIT)
        wait_for_charts(page, WAIT)
        curves = page.evaluate(CURVES)
        assert [name.split(" · ")[0] for name, _ in curves] == OPTIMISER_LABELS, curves
        legend = page.evaluate(LEGEND)
        assert [text.split(" · ")[0] for text in legend] == OPTIMISER_LABELS, legend
        assert "Training loss by optimiser" in page.locator(f".st-key-{train_ui.COMPARE_CHART}").text_content()
        assert_no_exception(page)
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            wait_for_layout(page, WAIT)
            _scroll_to(page, f".st-key-{train_ui.COMPARE_WHAT}")
            _shot(page, f"optimiser_comparison_{width}x{height}")
    finally:
        context.close()


# -- 3. a share link with training settings -------------------------------------------------------------------
# The circles preset as the app's own link writes it, then the training settings a reader would add.
TRAINING_QUERY = {"opt": "adam", "reg": "l2", "lam": "0.001", "ep": "20", "bs": "16", "lr": "0.01"}


def _settings_link(app_url: str, present: bool = False) -> str:
    p = PRESETS["circles"]
    query = encode(Lesson(p.network(), p.data)) | TRAINING_QUERY | ({"present": "1"} if present else {})
    return f"{app_url}/Train?{urlencode(query)}"


def _shows_the_links_settings(page) -> None:
    """The fields show the link's Adam, L2 with λ = 0.001, 20 epochs, batch 16 and η = 0.01."""
    menus = ((train_ui.OPTIMISER, "Adam"), (train_ui.PENALTY, "L2"))
    for key, value in (*menus, (train_ui.PENALTY_RATE, "0.001"), (train_ui.EPOCHS, "20"), (train_ui.BATCH, "16"),
                       (train_ui.LR, "0.01")):  # fmt: skip
        _expect(page.locator(f".st-key-{key} input")).to_have_value(value, timeout=WAIT)  # a menu's: its combobox
    caption = "Update: Adam (β₁ = 0.9, β₂ = 0.999, ε = 1e-08), penalty: L2, λ = 0.001."
    _expect(page.get_by_text(caption, exact=True)).to_have_count(1, timeout=WAIT)


def _metrics(page) -> dict[str, str]:
    """The metrics row after a run: label → value."""
    cells = page.locator('[data-testid="stMetric"]')
    return {
        cells.nth(i).locator('[data-testid="stMetricLabel"]').inner_text(): cells.nth(i)
        .locator('[data-testid="stMetricValue"]')
        .inner_text()
        for i in range(cells.count())
    }


def test_a_share_link_opened_fresh_restores_the_training_settings_and_starts_the_same_run(browser, app_url):
    results = []
    for _ in range(2):  # two fresh sessions, one after the other
        context, page = _open(browser, _settings_link(app_url))
        try:
            _shows_the_links_settings(page)
            _train_to_the_end(page, "Finished")
            assert _progress(page).startswith("Finished · epoch 20 of 20"), _progress(page)
            _shows_the_links_settings(page)  # the run changed none of them
            assert_no_exception(page)
            results.append(_metrics(page))
        finally:
            context.close()
    first, second = results
    assert first["Epoch"] == "20" and float(first["Train loss"]) < 0.7, first  # Adam at η = 0.01 learns
    assert first == second  # the same run: every number equal


# -- 4. the settings rows, presentation mode off and on --------------------------------------------------------
# Every widget label and every field's text in the main area cut short (wider than its box).
CLIPPED = """() => Array.from(document.querySelectorAll(
        '[data-testid="stMain"] [data-testid="stWidgetLabel"] p, [data-testid="stMain"] input'))
    .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.value ?? e.textContent)"""
# How far the widest equation of the main area runs past its box (KaTeX's display scrolls sideways): 2 px when
# every one fits (KaTeX's struts), hundreds when a line of Adam's update is cut.
LATEX_OVERFLOW = """() => Math.max(0, ...Array.from(document.querySelectorAll('[data-testid="stMain"] .katex-display'),
    d => d.scrollWidth - d.clientWidth))"""


@pytest.mark.parametrize("present", [False, True], ids=["normal", "presenting"])
def test_the_settings_rows_with_adam_and_l2_fit_the_window(browser, app_url, present):
    context, page = _open(browser, _settings_link(app_url, present), SIZES[0])
    try:
        _shows_the_links_settings(page)
        for width, height in SIZES:  # one session, resized: the page is laid out again for each window
            if (width, height) != SIZES[0]:
                page.set_viewport_size({"width": width, "height": height})
                wait_for_layout(page, WAIT)
            _scroll_to(page, f".st-key-{train_ui.EPOCHS}")
            _shot(page, f"adam_l2_{width}x{height}_{'presenting' if present else 'normal'}")
            assert page.evaluate(CLIPPED) == []
            assert page.evaluate(LATEX_OVERFLOW) <= 4, "the update rule runs past its column"
        assert_no_exception(page)
    finally:
        context.close()
