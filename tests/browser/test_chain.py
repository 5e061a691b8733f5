"""The Chain rule page, served and driven from the keyboard as a lecturer's clicker would."""

from tests.browser.helpers import assert_no_exception, choose, press, screenshot, wait_for_run


def stage_text(page) -> str:
    """The stage's headline; read after a finished rerun, when the page holds only the current one."""
    return page.locator("h4", has_text="Stage").inner_text()


def test_keyboard_steps_through_the_graph(app_url, page):
    page.goto(f"{app_url}/Chain_rule")
    wait_for_run(page)
    page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').first.wait_for()
    assert "Stage 1 of 9" in stage_text(page)
    for _ in range(3):
        press(page, "ArrowRight")
    assert "Stage 4 of 9" in stage_text(page)
    press(page, "PageDown")  # a presentation clicker
    assert "Backward · node q: ∂f/∂q = ∂f/∂f · ∂f/∂q = 1 · z = 1 · (−4) = −4" in stage_text(page)
    press(page, "PageUp")
    press(page, "ArrowLeft")
    assert "Stage 3 of 9" in stage_text(page)
    for _ in range(2):
        press(page, "ArrowRight")
    assert_no_exception(page)
    screenshot(page, "chain_rule")


def test_sigmoid_neuron_backward(app_url, page):
    page.set_viewport_size({"width": 1600, "height": 1500})  # tall enough for the words and the table
    page.goto(f"{app_url}/Chain_rule")
    wait_for_run(page)
    choose(page, page.locator(".st-key-chain_w_expr"), "sigmoid neuron: f")
    page.evaluate("document.activeElement.blur()")  # focus off the menu, so the arrows reach the page
    for _ in range(12):
        press(page, "ArrowRight")
    x1 = "∂f/∂x1 = ∂f/∂p1 · ∂p1/∂x1 = 0.1966 · w1 = 0.1966 · (−3) = −0.5898"
    assert f"Stage 13 of 17 · Backward · node x1: {x1}" in stage_text(page)
    assert_no_exception(page)
    screenshot(page, "chain_rule_neuron")
