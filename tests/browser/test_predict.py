"""Predict, then reveal in the browser: a share link turns it on, the learner types a prediction and presses
Enter, the page says right or wrong and reveals the value; on Step at a laptop's and a projector's size with
presentation mode off and on (the prediction box on screen, inside the window, clear of the diagram), on the
Chain rule page at both sizes. Screenshots go to test-output/screenshots/predict_*.png."""

import pytest

from tests.browser.helpers import assert_no_exception, click, enter, press, screenshot, wait_for_layout, wait_for_run
from tests.browser.test_diagram_screens import SIZES, WORKED_222
from webui import reveal

BOX = f".st-key-{reveal.BOX}"
SCORE_JS = f"""() => Array.from(document.querySelectorAll('{BOX} [data-testid="stCaptionContainer"]'))
    .map(e => e.innerText).join(' ')"""


def _box(page) -> dict:
    """The prediction box's rectangle, and the window's size."""
    return page.evaluate(
        f"""() => {{ const r = document.querySelector('{BOX}').getBoundingClientRect();
        return {{left: r.left, top: r.top, right: r.right, bottom: r.bottom, w: innerWidth, h: innerHeight}}; }}"""
    )


def _inside_the_window(page, above_the_fold: bool) -> None:
    """The box is within the window's width (nothing clipped at the side) and, when it must be, its height."""
    page.locator(BOX).scroll_into_view_if_needed()
    box = _box(page)
    assert 0 <= box["left"] and box["right"] <= box["w"], box
    if above_the_fold:
        page.evaluate("window.scrollTo(0, 0)")
        box = _box(page)
        assert box["bottom"] <= box["h"], box


def _clear_of_the_diagram(page, chart: str) -> None:
    """The box and the chart's drawing do not overlap."""
    clash = page.evaluate(
        f"""() => {{ const a = document.querySelector('{BOX}').getBoundingClientRect();
        const b = document.querySelector('.st-key-{chart} .js-plotly-plot').getBoundingClientRect();
        return a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1; }}"""
    )
    assert not clash


def _predict(page, text: str) -> None:
    """Type ``text`` into the prediction field and press Enter, then take the focus off it (so the arrow keys
    reach the page again)."""
    enter(page.locator(f"{BOX} input"), text)
    page.evaluate("document.activeElement.blur()")


@pytest.mark.parametrize("presenting", [False, True], ids=["normal", "presenting"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_step_right_then_wrong(app_url, browser, size, presenting):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.goto(f"{app_url}/Step?{WORKED_222}&reveal=1" + ("&present=1" if presenting else ""))
    wait_for_run(page)
    wait_for_layout(page)
    press(page, "ArrowRight")  # z of h1, net_h1 in the worked example's words: hidden
    assert "Predict net_h1 (z of h1)" in page.locator(BOX).inner_text()
    assert "0.3775" not in page.locator(".st-key-step_diagram").inner_text()
    _inside_the_window(page, above_the_fold=presenting)
    _clear_of_the_diagram(page, "step_diagram")
    name = f"predict_step_{size[0]}x{size[1]}_{'presenting' if presenting else 'normal'}"
    screenshot(page, f"{name}_asked", full_page=not presenting)
    _predict(page, "0.3775")
    assert "Right: net_h1 (z of h1) = 0.3775." in page.locator(BOX).inner_text()
    assert "0.3775" in page.locator(".st-key-step_diagram").inner_text()  # revealed on the diagram
    press(page, "ArrowRight")  # a of h1 = 0.5933
    _predict(page, "0.9")
    text = page.locator(BOX).inner_text()
    assert "Not quite: you said 0.9000, and out_h1 (a of h1) = 0.5933." in text
    assert "Score: 1 of 2 right" in page.evaluate(SCORE_JS)
    _inside_the_window(page, above_the_fold=presenting)
    _clear_of_the_diagram(page, "step_diagram")
    assert_no_exception(page)
    screenshot(page, f"{name}_wrong", full_page=not presenting)
    context.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_chain_rule_right_then_wrong(app_url, browser, size):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.goto(f"{app_url}/Chain_rule?reveal=1")
    wait_for_run(page)
    wait_for_layout(page)  # a key pressed during the rerun for the window's size is lost
    press(page, "ArrowRight")  # q = x + y
    assert "q = ?" in page.locator(".st-key-chain_chart").inner_text()
    _predict(page, "3")
    assert "Right: the value of q = 3." in page.locator(BOX).inner_text()
    assert "q = 3" in page.locator(".st-key-chain_chart").inner_text()
    screenshot(page, f"predict_chain_{size[0]}x{size[1]}_right")
    press(page, "ArrowRight")  # f = q·z = −12
    _predict(page, "12")
    assert "Not quite: you said 12, and the value of f = −12." in page.locator(BOX).inner_text()
    assert "Score: 1 of 2 right" in page.evaluate(SCORE_JS)
    _inside_the_window(page, above_the_fold=False)
    _clear_of_the_diagram(page, "chain_chart")
    assert_no_exception(page)
    screenshot(page, f"predict_chain_{size[0]}x{size[1]}_wrong")
    context.close()


def test_step_auto_play_waits_for_a_prediction_typed_into_its_field(app_url, page):
    from playwright.sync_api import expect

    from webui import autoplay

    page.goto(f"{app_url}/Step?{WORKED_222}&reveal=1")
    wait_for_run(page)
    wait_for_layout(page)
    click(page, page.locator(f".st-key-{autoplay.PLAYING} label"))
    ticker = page.locator(f".st-key-{autoplay.TICKER}")
    expect(ticker).to_have_count(1)
    # One pace later the play reaches the first question and waits there (tests/test_predict_pages.py checks
    # the wait on a clock of its own); the keys of the prediction typed into its field do not stop it.
    expect(page.locator(BOX)).to_contain_text("Predict net_h1 (z of h1)", timeout=30_000)
    _predict(page, "0.3775")
    expect(page.locator(BOX)).to_contain_text("Predict out_h1 (a of h1)", timeout=30_000)  # the next question
    expect(ticker).to_have_count(1)
    assert "Score: 1 of 1 right" in page.evaluate(SCORE_JS)
    page.keyboard.press("s")  # a key on the page stops it
    expect(ticker).to_have_count(0, timeout=30_000)
    assert_no_exception(page)
