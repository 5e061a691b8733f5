"""Share links, presentation mode and keyboard-only stepping, in headless Chromium."""

from urllib.parse import parse_qsl, urlencode, urlsplit

from bpviz.io.sharelink import Lesson, encode
from bpviz.lesson.presets import PRESETS
from tests.browser.helpers import assert_no_exception, click, press, screenshot, wait_for_charts, wait_for_run

CHART = '[data-testid="stPlotlyChart"] .js-plotly-plot'


def _expect(locator):
    from playwright.sync_api import expect  # late: without playwright the fixtures skip these tests first

    return expect(locator)


def worked_link(app_url: str, page_path: str, stage: int, **extra: str) -> str:
    """A share link to the 2-2-2 worked example at ``stage`` (0-based), as the sidebar would write it."""
    preset = PRESETS["worked"]
    return f"{app_url}/{page_path}?{urlencode({**encode(Lesson(preset.network(), preset.data, 0, stage)), **extra})}"


def open_link(page, url: str) -> None:
    page.goto(url)
    wait_for_run(page)
    page.locator(CHART).first.wait_for()


def at_stage(page, shown: int, of: int = 11) -> None:
    """Check the stage line (the progress bar's, or in presentation mode the one beside Back and Next) reads
    "Stage ``shown`` of ``of``" (after a finished rerun: while one is under way the old and the new line can
    both be in the page)."""
    assert f"Stage {shown} of {of} ·" in page.locator('[data-testid="stMain"]').inner_text()


def main_text(page) -> str:
    """All text of the main area, the diagram's SVG labels and the KaTeX equations included."""
    return page.locator('[data-testid="stMain"]').text_content()


def focused_key(page) -> str | None:
    """The widget key (``st-key-…`` class) around the focused element, or None."""
    return page.evaluate(
        "() => document.activeElement.closest('[class*=\"st-key-\"]')?.className.match(/st-key-(\\S+)/)[1] ?? null"
    )


def tab_to(page, key: str, limit: int = 40) -> int:
    """Press Tab until the widget ``key`` has the focus; returns how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if focused_key(page) == key:
            return presses
    raise AssertionError(f"Tab never reached {key}")


def test_a_share_link_opens_the_same_network_stage_and_numbers(app_url, page):
    link = worked_link(app_url, "Step", 10)
    open_link(page, link)
    at_stage(page, 11)
    assert "Network 2-2-2" in page.locator('[data-testid="stSidebar"]').inner_text()
    text = main_text(page)
    assert "0.3589" in text  # w5⁺ of the classic example, on the diagram
    assert "0.4000−0.5⋅0.0822=0.3589" in text.replace(" ", "")  # and in the update equation
    hover = page.evaluate(f"() => JSON.stringify(document.querySelector('{CHART}').data.map(t => t.hovertext))")
    assert "0.5113" in hover  # w7⁺, on the diagram's hover (its label gives way to the others' at this width)
    page.get_by_role("button", name="Copy share link").click()
    copied = page.locator('[data-testid="stPopoverBody"] [data-testid="stCode"]').inner_text().strip()
    assert copied.startswith(f"{app_url}/Step?")
    assert dict(parse_qsl(urlsplit(copied).query)) == dict(parse_qsl(urlsplit(link).query))
    screenshot(page, "share_link")
    page.keyboard.press("Escape")

    page.goto(worked_link(app_url, "", 5))  # opened on Home, the lesson waits for the Step page
    wait_for_run(page)
    click(page, page.locator('[data-testid="stSidebar"] a', has_text="Step"))
    page.locator(CHART).wait_for()
    at_stage(page, 6)
    assert "0.2984" in main_text(page)  # the classic example's total error at the loss stage
    assert "stage=5" in page.url and "net=2-2-2" in page.url
    assert_no_exception(page)


def test_a_tampered_link_warns_and_shows_the_default_network(app_url, page):
    open_link(page, f"{app_url}/Step?net=2-99999-1&stage=3")
    _expect(page.locator('[data-testid="stAlert"]').first).to_contain_text("share link could not be opened")
    at_stage(page, 1)
    assert "net=2-2-1" in page.url and "Network 2-2-1" in page.locator('[data-testid="stSidebar"]').inner_text()
    assert_no_exception(page)


def test_presentation_mode_for_a_projector(app_url, page):
    open_link(page, worked_link(app_url, "Step", 10, present="1"))
    at_stage(page, 11)
    assert page.locator('[data-testid="stSidebar"]').get_attribute("data-collapsed") == "true"
    assert page.get_by_role("button", name="Apply update").count() == 0
    assert page.locator('[data-testid="stTabs"]').count() == 0
    exit_button = page.get_by_role("button", name="Exit presentation")
    assert exit_button.is_visible()
    font = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert font >= 24
    wait_for_charts(page)
    screenshot(page, "step_presentation")
    press(page, "PageUp")  # the clicker's "back"
    at_stage(page, 10)
    press(page, "PageUp")
    at_stage(page, 9)
    wait_for_charts(page)
    screenshot(page, "step_presentation_backward")
    press(page, "Escape")  # the way out, also a visible button
    _expect(page.get_by_role("button", name="Apply update")).to_be_visible()
    assert "present" not in page.url
    assert page.locator('[data-testid="stSidebar"]').get_attribute("data-collapsed") == "false"
    assert_no_exception(page)


def test_keyboard_only_stepping(app_url, page):
    open_link(page, worked_link(app_url, "Step", 0))
    at_stage(page, 1)
    tab_to(page, "step_next")
    press(page, "Enter")
    at_stage(page, 2)
    assert focused_key(page) == "step_next"  # the focus stays on Next through the rerun
    press(page, "Space")
    at_stage(page, 3)
    page.keyboard.press("Shift+Tab")
    assert focused_key(page) == "step_back"
    press(page, "Enter")
    at_stage(page, 2)

    open_link(page, worked_link(app_url, "Step", 4, present="1"))
    at_stage(page, 5)
    assert tab_to(page, "step_next") <= 8  # the collapsed sidebar holds no Tab stops
    press(page, "Space")
    at_stage(page, 6)
    page.keyboard.press("Shift+Tab")
    press(page, "Enter")
    at_stage(page, 5)
    assert_no_exception(page)
