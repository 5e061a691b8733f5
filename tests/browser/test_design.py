"""The Design page served by ``streamlit run`` in headless Chromium: a preset from Home's card, a real
download and re-import of the network file, and a broken upload explained."""

import numpy as np

from bpviz.io import netfile
from bpviz.lesson.presets import PRESETS
from bpviz.lesson.summary import architecture
from tests.browser.helpers import (
    SCREENSHOTS,
    assert_no_exception,
    click_point,
    enter,
    rerun,
    resize,
    screenshot,
    wait_for_idle,
    wait_for_run,
)
from webui import design as design_ui
from webui import home, state

DIAGRAM = f".st-key-{design_ui.DIAGRAM} .js-plotly-plot"
ROW_PX = 35  # height of a header or body row of Streamlit's data grid


def _key(key: str) -> str:
    return f".st-key-{key}"


def _open_design(page, url: str) -> None:
    page.goto(url)
    wait_for_run(page)
    page.wait_for_selector(DIAGRAM, timeout=30_000)


def _open_cell_editor(page, x: float, y: float):
    """Select the grid cell at (x, y) and open its editor; the grid may ignore the first tries while it is
    still settling after a rerun, so try a few times."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout  # only here: the module loads without it

    editor = page.locator("#portal textarea, #portal input").first
    for _ in range(4):
        page.mouse.click(x, y)
        page.keyboard.press("Enter")
        try:
            editor.wait_for(timeout=2_500)
            return editor
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    raise AssertionError("the cell editor did not open")


def _whole_page(page, name: str, height: int) -> None:
    """A screenshot of the whole page (Streamlit scrolls inside its own container, so grow the window)."""
    resize(page, height)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    resize(page, 1000)


def test_the_digits_card_on_home_opens_design_with_the_preset(app_url, page):
    page.goto(app_url)
    wait_for_run(page)
    screenshot(page, "home_presets")
    # The card's run loads the preset and switches to Design, whose run is the second: wait for Design.
    with rerun(page):
        page.locator(f"{_key(home.preset_key('digits'))} button").click()
        page.wait_for_url("**/Design")
    wait_for_idle(page)
    page.wait_for_selector(DIAGRAM, timeout=30_000)
    assert_no_exception(page)
    assert "64-32-16-10" in page.locator('[data-testid="stSidebar"]').inner_text()
    assert page.locator(f"{_key(design_ui.layer_key('units', 1))} input").input_value() == "32"
    assert page.locator(f"{_key(design_ui.layer_key('units', 2))} input").input_value() == "16"
    assert page.get_by_text("Loaded the preset").count() == 1
    screenshot(page, "design_digits")
    _whole_page(page, "design_digits_whole", 3_400)


def test_download_reimport_and_a_broken_upload(app_url, page):
    _open_design(page, f"{app_url}/Design")
    with page.expect_download() as download:  # the button does not rerun the page (on_click="ignore")
        page.locator(f"{_key(design_ui.DOWNLOAD)} button").click()
    path = download.value.path()
    exported = netfile.loads(path.read_bytes())
    expected = PRESETS[state.DEFAULT_PRESET].network()  # a fresh session holds the default preset
    assert exported.spec == expected.spec
    assert all(np.array_equal(p, q) for p, q in zip((*exported.W, *exported.b), (*expected.W, *expected.b)))

    uploader = page.locator(f'{_key(design_ui.NET_UPLOAD)} input[type="file"]')
    with rerun(page):
        uploader.set_input_files(
            files=[{"name": "broken.json", "mimeType": "application/json", "buffer": b'{"layers": [2,'}]
        )
    assert page.get_by_text("Could not import broken.json").count() == 1
    assert "not valid JSON" in page.locator('[data-testid="stAlert"]').all_inner_texts()[-1]
    assert "2-2-1" in page.locator('[data-testid="stSidebar"]').inner_text()  # the network stayed
    assert_no_exception(page)
    page.locator(f"{_key(design_ui.NET_UPLOAD)}").scroll_into_view_if_needed()
    screenshot(page, "design_broken_upload")

    name = download.value.suggested_filename
    assert name == f"bpviz-{architecture(expected.spec)}.json"
    # A second file replaces the first: the uploader reports the removal and the new file, a rerun each.
    uploader.set_input_files(files=[{"name": name, "mimeType": "application/json", "buffer": path.read_bytes()}])
    page.get_by_text(f"Imported {name}").wait_for()
    wait_for_idle(page)
    assert_no_exception(page)


def test_set_weights_by_clicking_an_edge_and_typing_in_the_table(app_url, page):
    _open_design(page, f"{app_url}/Design")
    click_point(page, DIAGRAM, ["edge", 1, 0, 1])
    picked = page.locator(f"{_key(design_ui.PICKED_VALUE)}")
    picked.wait_for(timeout=10_000)
    assert "h1_2 → ŷ1" in picked.inner_text()
    enter(picked.locator("input"), "0.55")
    page.locator(DIAGRAM).get_by_text("0.5500").wait_for()  # on the diagram's edge
    assert_no_exception(page)
    screenshot(page, "design_clicked_edge")

    # W1's table (rows h1_1, h1_2) as drawn for the network after one edit: NET_VERSION 1 in a fresh session
    grid = page.locator(f"{_key(design_ui.weights_key(0, 1))} canvas").first
    grid.wait_for(timeout=10_000)
    grid.scroll_into_view_if_needed()  # waits until the grid stands still
    box = grid.bounding_box()
    editor = _open_cell_editor(page, box["x"] + box["width"] * 0.35, box["y"] + 1.5 * ROW_PX)  # h1_1, x1
    # The edit's run applies it and reruns the page (st.rerun): wait for what the second run draws.
    with rerun(page):
        editor.fill("1.25")
        editor.press("Enter")
    page.locator(DIAGRAM).get_by_text("1.2500").wait_for()  # x1 → h1_1 on the diagram
    wait_for_idle(page)
    assert_no_exception(page)
