"""The Step page in headless Chromium with the Train page's optimiser and penalty from a share link: the
update stage writes out Adam's step for a clicked weight, the gradient its L2 term, and Apply update carries
the optimiser's state (its banner says t = 1). Screenshots at 1280×800 and 1920×1080, presenting and not."""

import pytest

from tests.browser.helpers import assert_no_exception, click, click_point, resize, screenshot, wait_for_run
from webui import step as step_ui

CHART = f".st-key-{step_ui.CHART} .js-plotly-plot"
PANEL = f'.st-key-{step_ui.PANES} [data-testid="stColumn"]:not([data-testid="stColumn"] *)'
# The 2-2-2 worked example at its update stage, trained with Adam and an L2 penalty.
LINK = ("net=2-2-2&act=sig.sig&loss=half_sse&red=sum&bias=frozen&init=uniform&seed=0&lr=0.5&data=worked&n=1"
        "&noise=0&k=3&test=0&sample=0&stage=10&w=0.15_0.2_0.25_0.3_0.35_0.35_0.4_0.45_0.5_0.55_0.6_0.6"
        "&opt=adam&reg=l2&lam=0.01")  # fmt: skip


def _expect(locator):
    from playwright.sync_api import expect  # late: without playwright the fixtures skip these tests first

    return expect(locator)


@pytest.mark.parametrize("present", [False, True], ids=["normal", "presenting"])
@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)], ids=["1280x800", "1920x1080"])
def test_adam_and_l2_on_the_update_stage(app_url, page, size, present):
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{app_url}/Step?{LINK}{'&present=1' if present else ''}")
    wait_for_run(page)
    resize(page, height, width)
    panel = page.locator(PANEL).filter(has=page.locator('[data-testid="stMarkdown"] h4'))
    _expect(panel).to_contain_text("Update · Adam")  # the stage's first element, before any click
    page.locator(CHART).scroll_into_view_if_needed()  # a 1280×800 window shows the diagram below the fold
    click_point(page, CHART, ["edge", 1, 0, 0])  # w5, from h1 to o1
    _expect(panel).to_contain_text("w5")
    _expect(panel).to_contain_text("Update · Adam: m, v ← running means of g and g²")
    assert_no_exception(page)
    mode = "presenting" if present else "normal"
    screenshot(page, f"step_adam_l2_{width}x{height}_{mode}", full_page=False)
    if not present:  # presenting shows the stage's own equation only
        text = page.locator('[data-testid="stMain"]').inner_text()
        assert "Gradient ∂L/∂w" in text and "λ" in text  # the L2 term in the gradient
        click(page, page.locator(f".st-key-{step_ui.APPLY} button:visible"))
        _expect(page.locator('[data-testid="stAlert"]').filter(has_text="Update applied")).to_contain_text(
            "one Adam step, its state now at t = 1"
        )
        assert_no_exception(page)
