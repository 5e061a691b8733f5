"""The Chain rule page, served and driven from the keyboard as a lecturer's clicker would."""

from tests.browser.helpers import assert_no_exception, choose, click, press, rerun, screenshot, wait_for_run


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


def _typed(page, app_url: str, text: str | None = None):
    """Open the Chain rule page on "type your own expression" and, given ``text``, type it and read it with
    Ctrl+Enter; returns the text box."""
    page.goto(f"{app_url}/Chain_rule")
    wait_for_run(page)
    choose(page, page.locator(".st-key-chain_w_expr"), "type your own expression")
    box = page.locator(".st-key-chain_w_text textarea")
    if text is not None:
        with rerun(page):
            box.fill(text)
            box.press("Control+Enter")
    return box


def test_a_typed_expression_is_stepped_to_its_gradients(app_url, page):
    _typed(page, app_url, "a = 2\nb = -3\nc = a·b + exp(a)\nf = c^2")
    assert "Stage 1 of" in stage_text(page)
    page.evaluate("document.activeElement.blur()")  # the arrows go to the page, not the box
    n = int(stage_text(page).split(" of ")[1].split()[0])
    for _ in range(n - 1):
        press(page, "ArrowRight")
    table = page.locator('[data-testid="stTable"]').inner_text()
    # c = −6 + e² = 1.3891, f = c² = 1.9295; ∂f/∂a = 2c·(b + e²) = 12.1933, ∂f/∂b = 2c·a = 5.5562
    for number in ("1.3891", "1.9295", "12.1933", "5.5562"):
        assert number in table, number
    assert_no_exception(page)
    screenshot(page, "chain_rule_typed")


def test_micrograd_readme_pasted_shows_its_printed_numbers(app_url, page):
    page.set_viewport_size({"width": 1920, "height": 1080})
    _typed(page, app_url)
    click(page, page.locator(".st-key-chain_example_1 button"))
    slider = page.locator(".st-key-chain_w_stage input[type='range']")
    with rerun(page):
        slider.focus()
        page.keyboard.press("End")  # the last stage: every gradient known
    table = page.locator('[data-testid="stTable"]').inner_text()
    for number in ("24.7041", "138.8338", "645.5773"):  # as the README's comments print them
        assert number in table, number
    assert_no_exception(page)
    screenshot(page, "chain_rule_micrograd")


def test_a_typo_is_pointed_at_and_the_text_kept(app_url, page):
    box = _typed(page, app_url, "f = x +* y")
    alert = page.locator('[data-testid="stAlert"]').inner_text()
    assert "The expression cannot be read: column 8: invalid syntax" in alert
    assert box.input_value() == "f = x +* y"
    assert_no_exception(page)
