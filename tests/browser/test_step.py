"""The Step page in headless Chromium: keyboard stepping, clicking a node and an edge, their equations.

Every read of the page follows a finished rerun (helpers.rerun), when Streamlit has removed the elements of
the run before: while a rerun is under way the old and the new progress bar can both be in the page."""

from tests.browser.helpers import (
    assert_no_exception,
    click,
    click_point,
    load_preset,
    point_xy,
    press,
    run_count,
    screenshot,
    wait_for_idle,
    wait_for_layout,
    wait_for_run,
)
from webui import step as step_ui

CHART = f".st-key-{step_ui.CHART} .js-plotly-plot"
PROGRESS = '[data-testid="stProgress"]'
# The equation panel: the outer column of the diagram's panes headed by the selected element.
PANEL = f'.st-key-{step_ui.PANES} [data-testid="stColumn"]:not([data-testid="stColumn"] *)'


def _expect(locator):
    from playwright.sync_api import expect  # late: without playwright the fixtures skip these tests first

    return expect(locator)


def _stage(page) -> str:
    return page.locator(PROGRESS).inner_text()


def _press(page, key: str, times: int = 1) -> None:
    """Press ``key`` ``times`` times, each once the previous press's rerun has finished (Streamlit folds
    presses that arrive while the page is still rerunning into one click), and check each moved the stage."""
    step = -1 if key in ("ArrowLeft", "PageUp") else 1
    for _ in range(times):
        target = int(_stage(page).split()[1]) + step
        press(page, key)
        assert _stage(page).startswith(f"Stage {target} of"), (key, _stage(page))


def _click_point(page, target: list, then_shows: str) -> None:
    """Click the diagram point carrying ``target`` as customdata; the equation panel then shows ``then_shows``
    (waited for: KaTeX typesets the equations after the rerun)."""
    click_point(page, CHART, target)
    _expect(_panel_locator(page)).to_contain_text(then_shows)


def _panel_locator(page):
    return page.locator(PANEL).filter(has=page.locator('[data-testid="stMarkdown"] h4'))


def _panel(page) -> str:
    return _panel_locator(page).inner_text()


def _load_worked(page, app_url) -> None:
    page.goto(f"{app_url}/Step")
    wait_for_run(page)
    load_preset(page, "The 2-2-2 worked example")
    page.locator(CHART).wait_for()
    page.evaluate("document.activeElement.blur()")  # the page's shortcuts ignore keys typed into the menu


def test_keyboard_steps_and_clicked_node_shows_its_equation(app_url, page):
    _load_worked(page, app_url)
    assert "Stage 1 of 11" in _stage(page)
    _press(page, "ArrowRight", 4)
    assert "Stage 5 of 11" in _stage(page) and "a = f(z), f = sigmoid σ" in _stage(page)
    _press(page, "ArrowLeft")
    assert "Stage 4 of 11" in _stage(page)
    _press(page, "PageDown")  # a presentation clicker's "next"
    assert "Stage 5 of 11" in _stage(page)
    screenshot(page, "step_forward")

    assert "o1 · neuron 1 of output" in _panel(page)  # nothing chosen yet: the panel follows the stage
    _click_point(page, ["node", 2, 1], then_shows="o2 · neuron 2 of output")
    panel = _panel(page)
    assert "1.2249" in panel and "0.7729" in panel  # z and a = σ(z) of the second output, at 4 decimals
    assert "not computed yet at this stage" in panel  # the loss and δ come later
    screenshot(page, "step_equation")
    assert_no_exception(page)


def test_backward_stage_edge_gradient(app_url, page):
    _load_worked(page, app_url)
    _press(page, "PageDown", 7)
    assert "Stage 8 of 11" in _stage(page) and "∂L/∂W" in _stage(page)
    assert "0.0822" in _panel(page)  # followed: ∂E/∂w5 of the classic example
    page.mouse.move(*point_xy(page, CHART, ["edge", 1, 0, 1]))  # an edge's marker is not drawn: hovered by its data
    _expect(page.locator(f"{CHART} .hoverlayer .hovertext")).to_contain_text("w6")
    _click_point(page, ["edge", 1, 0, 1], then_shows="Weight w6: h2 → o1")
    panel = _panel(page)
    assert "0.0827" in panel  # ∂E/∂w6
    assert "not computed yet" in panel  # the update comes later
    screenshot(page, "step_backward")
    _press(page, "PageDown", 3)
    assert "Stage 11 of 11" in _stage(page)
    assert "0.4087" in _panel(page)  # w6⁺: the clicked edge stayed selected while stepping
    assert_no_exception(page)


def test_auto_play_advances_by_itself_and_any_key_stops_it(app_url, page):
    from webui import autoplay

    _load_worked(page, app_url)
    switch = page.locator(f".st-key-{autoplay.PLAYING} label")
    click(page, switch)
    ticker = page.locator(f".st-key-{autoplay.TICKER}")
    _expect(ticker).to_have_count(1)
    _expect(page.locator(PROGRESS)).to_contain_text("Stage 2 of 11", timeout=30_000)  # one pace (3 s) later
    _expect(page.locator(PROGRESS)).to_contain_text("Stage 3 of 11", timeout=30_000)  # and again
    screenshot(page, "step_autoplay")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("s")  # any key: not one of the page's shortcuts
    _expect(ticker).to_have_count(0, timeout=30_000)  # the play, and with it the fragment that advances, ends
    wait_for_layout(page)
    assert page.locator(f".st-key-{autoplay.PLAYING} input").is_checked() is False
    stopped = _stage(page)
    assert stopped.startswith(("Stage 3 of 11", "Stage 4 of 11")), stopped  # a tick may have beaten the key
    assert_no_exception(page)


QUICK_PRESSES = 6  # within the worked example's 11 stages, from the first


def test_presses_quicker_than_the_reruns_each_move_one_stage(app_url, page):
    """A lecturer's clicker pressed in quick succession: every press of → and PageDown sent while the page is
    still rerunning for the one before moves one stage, none lost and none counted twice; then ← as quickly."""
    _load_worked(page, app_url)
    before = run_count(page)
    for n in range(QUICK_PRESSES):
        page.keyboard.press("ArrowRight" if n % 2 else "PageDown")  # no wait for the rerun between presses
    _expect(page.locator(PROGRESS)).to_contain_text(f"Stage {1 + QUICK_PRESSES} of 11", timeout=30_000)
    wait_for_idle(page)
    wait_for_layout(page)
    assert run_count(page) > before
    assert _stage(page).startswith(f"Stage {1 + QUICK_PRESSES} of 11"), _stage(page)
    for _ in range(3):
        page.keyboard.press("ArrowLeft")
    _expect(page.locator(PROGRESS)).to_contain_text(f"Stage {QUICK_PRESSES - 2} of 11", timeout=30_000)
    wait_for_idle(page)
    wait_for_layout(page)
    assert _stage(page).startswith(f"Stage {QUICK_PRESSES - 2} of 11"), _stage(page)
    assert_no_exception(page)
