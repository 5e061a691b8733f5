"""Bad input that Streamlit's own front end stops, in headless Chromium: a number outside an input's bounds
and a file over ``server.maxUploadSize``. The messages are the ones README.md's table "Bad input, and what
you see" quotes (tests/test_bad_input.py tries every other row in AppTest); the network must stay as it was.
And a tampered share link's warning shows the link's text as typed, never as a link or emphasis."""

from urllib.parse import urlencode

from tests.browser.helpers import assert_no_exception, enter, run_count, screenshot, wait_for_run
from webui import design as design_ui
from webui import train as train_ui

NEURONS = "Number is outside the allowed range. Please enter a value between 1 and 4096."
RATE = "Number is outside the allowed range. Please enter a value between 0.000001 and 1000000."
TOO_BIG = "File must be 5.0MB or smaller."
HUNDRED_MB = 100 * 2**20


def _lesson(page) -> str:
    """The network, its weights and the data as the address bar carries them (the page keeps it in step)."""
    return page.url.split("?", 1)[1]


def _expect(locator):
    from playwright.sync_api import expect  # late: without playwright the fixtures skip these tests first

    return expect(locator)


def _refused(page, key: str, value: str, message: str) -> None:
    """Type ``value`` into the number input ``key`` and press Enter: the widget shows ``message`` and sends
    nothing, so the script does not run. (The front end decides on the key press; ``_accepted`` afterwards
    checks that no run was queued behind it.)"""
    runs = run_count(page)
    field = page.locator(f".st-key-{key} input")
    field.fill(value)
    field.press("Enter")
    _expect(page.locator(f".st-key-{key}")).to_contain_text(message)
    assert run_count(page) == runs, value


def _accepted(page, key: str, value: str, runs: int) -> None:
    """Type a good ``value`` into ``key``: exactly one run follows the ``runs`` counted before the refusals."""
    enter(page.locator(f".st-key-{key} input"), value)
    assert run_count(page) == runs + 1


def test_a_layer_size_outside_1_to_4096_is_refused_by_the_input(app_url, page):
    page.goto(f"{app_url}/Design")
    wait_for_run(page)
    before, runs, key = _lesson(page), run_count(page), design_ui.layer_key("units", 1)
    assert "net=2-2-1" in before
    for value in ("0", "-3", "5000"):
        _refused(page, key, value, NEURONS)
        assert _lesson(page) == before
    screenshot(page, "limits-neurons")
    _accepted(page, key, "3", runs)
    assert "net=2-3-1" in _lesson(page)
    assert_no_exception(page)


def test_a_learning_rate_outside_the_train_inputs_bounds_is_refused(app_url, page):
    page.goto(f"{app_url}/Train")
    wait_for_run(page)
    before, runs = _lesson(page), run_count(page)
    for value in ("0", "2000000"):
        _refused(page, train_ui.LR, value, RATE)
        assert _lesson(page) == before and "lr=0.5" in before
    _accepted(page, train_ui.LR, "0.25", runs)
    assert "lr=0.25" in _lesson(page)
    assert_no_exception(page)


def test_a_100_mb_upload_never_reaches_the_app(app_url, page, tmp_path):
    page.goto(f"{app_url}/Design")
    wait_for_run(page)
    before, runs = _lesson(page), run_count(page)
    uploader = page.locator(f".st-key-{design_ui.NET_UPLOAD}")
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(HUNDRED_MB)  # 100 MB of zero bytes, without writing them
    uploader.locator("input[type=file]").set_input_files(big)  # refused in the browser: no upload, no run
    uploader.get_by_text(TOO_BIG).wait_for(timeout=30_000)
    assert run_count(page) == runs
    assert _lesson(page) == before and "Could not import" not in page.inner_text("body")
    screenshot(page, "limits-upload")
    assert_no_exception(page)


def test_a_tampered_links_markdown_shows_as_typed(app_url, page):
    page.goto(f"{app_url}/?{urlencode({'net': '[log in](https://example.org)'})}")
    wait_for_run(page)
    warning = page.locator('[data-testid="stAlert"]').first
    shown = warning.inner_text().replace("\u2060", "")  # the invisible word joiner that stops autolinks
    assert "'[log in](https://example.org)'" in shown
    assert warning.locator("a, img, strong, em").count() == 0
