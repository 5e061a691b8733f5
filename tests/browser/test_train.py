"""The Train page served and driven in headless Chromium: the live loss curve grows, Stop freezes it.

The live panel is a fragment: its ticks rerun it alone, without the rest of the script, so they do not
count as runs (see helpers.py); the tests wait on what the ticks draw instead. Start, Stop and Compare rerun
the whole page."""

from tests.browser.helpers import (
    TRAINED,
    assert_no_exception,
    click,
    load_preset,
    resize,
    screenshot,
    wait_for_charts,
    wait_for_idle,
    wait_for_run,
)
from webui import train as train_ui

LOSS_CHART = f".st-key-{train_ui.LOSS_CHART} .js-plotly-plot"
# Points on the loss curve; the most of any copy of the chart in the page, should a tick's redraw show the old
# chart beside the new one for a moment.
LOSS_POINTS = f"""() => Math.max(0, ...Array.from(document.querySelectorAll('{LOSS_CHART}'),
    gd => gd.data && gd.data.length ? gd.data[0].x.length : 0))"""
# Called on every animation frame: keeps each new number of points the curve shows, true once there are ``want``.
LOSS_GROWS = f"""(want) => {{
    const n = ({LOSS_POINTS})(), seen = (window.lossCounts ??= []);
    if (n && n !== seen[seen.length - 1]) seen.push(n);
    return seen.length >= want;
}}"""
LOG_AXIS = f"""() => Array.from(document.querySelectorAll('{LOSS_CHART}'))
    .every(gd => gd.layout?.yaxis?.type === "log")"""
DATA_TRACES = f"""() => {{
    const gd = document.querySelector('.st-key-{train_ui.DATA_CHART} .js-plotly-plot');
    return gd && gd.data ? gd.data.map(t => t.type) : [];
}}"""


def _expect(locator):
    from playwright.sync_api import expect  # late: without playwright the fixtures skip these tests first

    return expect(locator)


def _button(page, key: str):
    """The button with widget key ``key`` (a button with a tooltip also has a hidden copy)."""
    return page.locator(f".st-key-{key} button:visible")


def _tall_screenshot(page, name: str, height: int = 3000) -> None:
    """Streamlit scrolls inside its own container, so grow the window to capture the whole page."""
    resize(page, height)
    screenshot(page, name)
    resize(page, 1000)


def _load_digits(page) -> None:
    load_preset(page, "Digits 64-32-16-10")
    assert page.get_by_text("digits: 1,348 training").count() == 1


def test_train_digits_live_curve_then_stop(app_url, page):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(f"{app_url}/Train")
    wait_for_run(page)
    _load_digits(page)
    assert_no_exception(page)
    screenshot(page, "train_ready")

    click(page, _button(page, train_ui.START))
    page.evaluate(f"() => {{ document.querySelector('{LOSS_CHART}').bpvizFirst = true; }}")
    try:  # the preset's per-sample SGD takes about 80 ms an epoch, a tick every 0.1 s
        page.wait_for_function(LOSS_GROWS, arg=6, timeout=15_000)
    except PlaywrightTimeout:
        pass
    counts = page.evaluate("window.lossCounts")
    assert len(counts) >= 5, f"the loss curve redrew only {counts}"
    assert counts == sorted(counts)
    # Redrawn in place (webui.live_chart): the plot the run started with, never thrown away for a new one.
    plots = page.evaluate(f"""() => Array.from(document.querySelectorAll('{LOSS_CHART}'),
        gd => [gd.bpvizFirst === true, String(gd.layout.datarevision)])""")
    assert len(plots) == 1 and plots[0][0] and plots[0][1].startswith("live:"), plots
    screenshot(page, "train_running")

    click(page, _button(page, train_ui.STOP))
    assert page.get_by_text("Results after").count() == 1
    assert "Stopped" in page.locator('[data-testid="stProgress"]').first.inner_text()
    stopped = page.evaluate(LOSS_POINTS)
    # Another run of the live panel (the log-scale toggle reruns only it) must not train any further.
    page.locator(f".st-key-{train_ui.LOG} label").click()
    page.wait_for_function(LOG_AXIS)
    wait_for_idle(page)
    assert page.evaluate(LOSS_POINTS) == stopped, "the curve kept growing after Stop"
    assert page.locator('[data-testid="stMetricValue"]').first.inner_text().replace(",", "").isdigit()
    assert_no_exception(page)
    _tall_screenshot(page, "train_stopped")


def test_train_circles_boundary_and_rate_comparison(app_url, page):
    page.goto(f"{app_url}/Train")
    wait_for_run(page)
    load_preset(page, "Circles 2-8-1")
    click(page, _button(page, train_ui.START))
    # The ticks train; the last one reruns the whole page, which then shows the results.
    page.get_by_text("Results after").wait_for(timeout=TRAINED)
    wait_for_idle(page)
    wait_for_charts(page)
    assert page.evaluate(DATA_TRACES)[:2] == ["heatmap", "contour"]
    click(page, _button(page, train_ui.COMPARE))
    # The comparison trains in its fragment's ticks; Compare is enabled again once it is done.
    _expect(_button(page, train_ui.COMPARE)).to_be_enabled(timeout=TRAINED)
    wait_for_idle(page)
    page.locator(f".st-key-{train_ui.COMPARE_CHART} .js-plotly-plot").wait_for()
    assert_no_exception(page)
    _tall_screenshot(page, "train_circles", height=3600)
