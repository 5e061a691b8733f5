"""Bad input that Streamlit's own front end stops, in headless Chromium: a number outside an input's bounds
and a file over ``server.maxUploadSize``. The messages are the ones README.md's table "Bad input, and what
you see" quotes (tests/test_bad_input.py tries every other row in AppTest); the network must stay as it was.
And a tampered share link's warning shows the link's text as typed, never as a link or emphasis."""

from urllib.parse import urlencode

from tests.browser.helpers import assert_no_exception, screenshot, wait_for_run
from webui import design as design_ui
from webui import train as train_ui

NEURONS = "Number is outside the allowed range. Please enter a value between 1 and 4096."
RATE = "Number is outside the allowed range. Please enter a value between 0.000001 and 1000000."
TOO_BIG = "File must be 5.0MB or smaller."
HUNDRED_MB = 100 * 2**20


def _lesson(page) -> str:
    """The network, its weights and the data as the address bar carries them (the page keeps it in step)."""
    return page.url.split("?", 1)[1]


def _type(page, key: str, value: str) -> str:
    """Type ``value`` into the number input ``key``, press Enter; the text the widget then shows."""
    field = page.locator(f".st-key-{key} input")
    field.fill(value)
    field.press("Enter")
    wait_for_run(page)
    return page.locator(f".st-key-{key}").inner_text()


def test_a_layer_size_outside_1_to_4096_is_refused_by_the_input(app_url, page):
    page.goto(f"{app_url}/Design")
    wait_for_run(page)
    before = _lesson(page)
    assert "net=2-2-1" in before
    for value in ("0", "-3", "5000"):
        assert NEURONS in _type(page, design_ui.layer_key("units", 1), value), value
        assert _lesson(page) == before
    screenshot(page, "limits-neurons")
    assert_no_exception(page)


def test_a_learning_rate_outside_the_train_inputs_bounds_is_refused(app_url, page):
    page.goto(f"{app_url}/Train")
    wait_for_run(page)
    before = _lesson(page)
    for value in ("0", "2000000"):
        assert RATE in _type(page, train_ui.LR, value), value
        assert _lesson(page) == before and "lr=0.5" in before
    assert_no_exception(page)


def test_a_100_mb_upload_never_reaches_the_app(app_url, page, tmp_path):
    page.goto(f"{app_url}/Design")
    wait_for_run(page)
    before = _lesson(page)
    uploader = page.locator(f".st-key-{design_ui.NET_UPLOAD}")
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(HUNDRED_MB)  # 100 MB of zero bytes, without writing them
    uploader.locator("input[type=file]").set_input_files(big)
    uploader.get_by_text(TOO_BIG).wait_for(timeout=30_000)
    wait_for_run(page)
    assert _lesson(page) == before and "Could not import" not in page.inner_text("body")
    screenshot(page, "limits-upload")
    assert_no_exception(page)


def test_a_tampered_links_markdown_shows_as_typed(app_url, page):
    page.goto(f"{app_url}/?{urlencode({'net': '[log in](https://example.org)'})}")
    wait_for_run(page)
    warning = page.locator('[data-testid="stAlert"]').first
    assert "'[log in](https://example.org)'" in warning.inner_text()
    assert warning.locator("a, img, strong, em").count() == 0
