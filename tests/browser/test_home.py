"""The home page, served and opened in headless Chromium."""

from tests.browser.helpers import assert_no_exception, screenshot, wait_for_run


def test_home_opens(app_url, page):
    page.goto(app_url)
    wait_for_run(page)
    page.get_by_text("Backprop Playground").first.wait_for()
    assert_no_exception(page)
    screenshot(page, "home")
