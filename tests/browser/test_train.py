"""The Train page served and driven in headless Chromium: the live loss curve grows, Stop freezes it."""

from tests.browser.helpers import assert_no_exception, load_preset, screenshot, wait_for_run

LOSS_POINTS = """() => {
    const gd = document.querySelector('.st-key-train_loss_chart .js-plotly-plot');
    return gd && gd.data && gd.data.length ? gd.data[0].x.length : 0;
}"""

DATA_TRACES = """() => {
    const gd = document.querySelector('.st-key-train_data_chart .js-plotly-plot');
    return gd && gd.data ? gd.data.map(t => t.type) : [];
}"""
COMPARISON_DONE = """() => !document.querySelector('.st-key-train_compare button').disabled"""


def _tall_screenshot(page, name: str, height: int = 3000) -> None:
    """Streamlit scrolls inside its own container, so grow the window to capture the whole page."""
    page.set_viewport_size({"width": 1600, "height": height})
    page.wait_for_timeout(600)
    screenshot(page, name)
    page.set_viewport_size({"width": 1600, "height": 1000})


def _load_digits(page) -> None:
    load_preset(page, "Digits 64-32-16-10")
    page.get_by_text("digits: 1,348 training").wait_for()


def test_train_digits_live_curve_then_stop(app_url, page):
    page.goto(f"{app_url}/Train")
    wait_for_run(page)
    _load_digits(page)
    assert_no_exception(page)
    screenshot(page, "train_ready")

    page.locator(".st-key-train_start button").click()
    counts = []
    for _ in range(60):  # up to 6 s: the preset's per-sample SGD takes about 80 ms an epoch
        page.wait_for_timeout(100)
        n = page.evaluate(LOSS_POINTS)
        if n and (not counts or n != counts[-1]):
            counts.append(n)
        if len(counts) >= 6:
            break
    assert len(counts) >= 5, f"the loss curve redrew only {counts}"
    assert counts == sorted(counts)
    screenshot(page, "train_running")

    page.locator(".st-key-train_stop button").click()
    page.get_by_text("Results after").wait_for(timeout=10_000)
    wait_for_run(page)
    stopped = page.evaluate(LOSS_POINTS)
    page.wait_for_timeout(1000)
    assert page.evaluate(LOSS_POINTS) == stopped, "the curve kept growing after Stop"
    assert page.locator('[data-testid="stMetricValue"]').first.inner_text().replace(",", "").isdigit()
    assert page.get_by_text("Stopped").count() >= 1
    assert_no_exception(page)
    _tall_screenshot(page, "train_stopped")


def test_train_circles_boundary_and_rate_comparison(app_url, page):
    page.goto(f"{app_url}/Train")
    wait_for_run(page)
    load_preset(page, "Circles 2-8-1")
    page.locator(".st-key-train_start button").click()
    page.get_by_text("Results after").wait_for(timeout=30_000)
    wait_for_run(page)
    assert page.evaluate(DATA_TRACES)[:2] == ["heatmap", "contour"]
    page.locator(".st-key-train_compare button").click()
    # .first: while the chart redraws, the old and the new plot can both be in the page for a moment
    page.locator(".st-key-train_compare_chart .js-plotly-plot").first.wait_for(timeout=30_000)
    page.wait_for_function(COMPARISON_DONE, timeout=30_000)
    wait_for_run(page)
    assert_no_exception(page)
    _tall_screenshot(page, "train_circles", height=3600)
