"""The Train page's live diagram in headless Chromium: it redraws with the weights while the network trains,
its labels never overlap each other or a tile, a click on a tile draws that neuron's map large, and in
presentation mode the curves and the diagram fit the window (1280×800 and 1920×1080); for the worked example,
circles, a net of eight hidden layers and the digits.

Every wait is on the page's state (a text, an attribute, the diagram's numbers changing), never a fixed
sleep, so the tests hold on a loaded machine. Screenshots: test-output/screenshots/train_diagram_*.png.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

import pytest

from bpviz import Network, NetworkSpec
from bpviz.io.sharelink import Lesson, encode
from bpviz.lesson.presets import PRESETS
from tests.browser.helpers import SCREENSHOTS, assert_no_exception, enter, point_xy, wait_for_layout, wait_for_run
from webui import train as train_ui
from webui import train_diagram as view

DIAGRAM = f'.st-key-{view.DIAGRAM}[data-stale="false"] .js-plotly-plot'  # not the one kept while it redraws
PROGRESS = '[data-testid="stProgress"]'
SIZES = [(1280, 800), (1920, 1080)]
WAIT = 60_000  # ms: a loaded 2-core machine may take many seconds per redraw
DEEP = NetworkSpec((2, 8, 8, 8, 8, 8, 8, 8, 8, 1), ("tanh",) * 8 + ("sigmoid",), "binary_cross_entropy",
                   learning_rate=0.1)  # fmt: skip


@dataclass(frozen=True)
class Case:
    """A network to train: its share link's lesson, the epochs asked for, whether it has classes (an accuracy
    curve) and 2 inputs (tiles on its nodes, the neuron's map and the data beside it)."""

    lesson: Lesson
    epochs: int
    classes: bool
    tiles: bool

    @property
    def charts(self) -> int:
        """The loss, the accuracy, the diagram, the neuron's map and the data, as they apply, and each layer's
        gradient size (drawn once a run exists)."""
        return 3 + self.classes + 2 * self.tiles


NETS = {
    "worked": Case(Lesson(PRESETS["worked"].network(), PRESETS["worked"].data), 100_000, False, True),  # one sample
    "circles": Case(Lesson(PRESETS["circles"].network(), PRESETS["circles"].data), 3000, True, True),
    "digits": Case(Lesson(PRESETS["digits"].network(), PRESETS["digits"].data), 240, True, False),  # not 100: the
    # link's training settings (none: the defaults) already say 100 epochs, and typing a field's own value
    # starts no rerun; not fewer: on its worker the run must outlast two redraws before Stop is clicked
    "deep": Case(Lesson(Network.initialise(DEEP), PRESETS["circles"].data), 3000, True, True),
}

# The hover texts of the last edges (into the output, which always learn) carry their weights: they change
# whenever the diagram is drawn from new weights.
WEIGHTS = """(selector) => {
    const gd = document.querySelector(selector);
    const hover = gd && gd.data && gd.data.find((t) => t.meta && t.meta[0] === "edge_hover");
    return hover ? Array.from(hover.hovertext).slice(-12).join(" | ") : null;
}"""
CHANGED = f"""([selector, before]) => {{
    const now = ({WEIGHTS})(selector);
    return now !== null && now !== before;
}}"""

# Every text of the diagram and every tile picture, as client rectangles; the pairs that overlap by more than
# half a pixel (the layout engine keeps PAD px between labels, with widths estimated a little wide).
OVERLAPS = """(selector) => {
    const gd = document.querySelector(selector);
    const rect = (el, what) => {
        const r = el.getBoundingClientRect();
        return {what, l: r.left, t: r.top, r: r.right, b: r.bottom};
    };
    const texts = [...gd.querySelectorAll("text")]
        .filter((t) => t.textContent.trim() && t.getBoundingClientRect().width > 0)
        .map((t) => rect(t, "text " + t.textContent.trim()));
    const tiles = [...gd.querySelectorAll("image")].map((i) => rect(i, "tile"));
    const across = (a, b) => Math.min(a.r, b.r) - Math.max(a.l, b.l) > 0.5;
    const down = (a, b) => Math.min(a.b, b.b) - Math.max(a.t, b.t) > 0.5;
    const meet = (a, b) => across(a, b) && down(a, b);
    const bad = [];
    texts.forEach((a, i) => texts.slice(i + 1).forEach((b) => { if (meet(a, b)) bad.push([a.what, b.what]); }));
    texts.forEach((a) => tiles.forEach((b) => { if (meet(a, b)) bad.push([a.what, b.what]); }));
    return {bad, texts: texts.length, tiles: tiles.length};
}"""
# Every chart of the page drawn once (a redraw replaces a chart: for a moment the old and new one are both in
# the page, or the new one is not drawn yet).
SETTLED = """(count) => {
    const plots = [...document.querySelectorAll(".js-plotly-plot")];
    return plots.length === count && plots.every((p) => p._fullLayout && p.querySelector(".main-svg"));
}"""
SPAN = """(selector) => {
    const r = document.querySelector(selector).getBoundingClientRect();
    return [r.top, r.bottom];
}"""


def _expect(locator):
    from playwright.sync_api import expect  # late: without playwright the fixtures skip these tests first

    return expect(locator)


def _open(browser, app_url: str, name: str, size: tuple[int, int], present: bool):
    """A fresh session at ``size`` on the Train page of the share link of ``name``'s network and data."""
    query = encode(NETS[name].lesson) | ({"present": "1"} if present else {})
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.goto(f"{app_url}/Train?{urlencode(query)}")
    wait_for_run(page, WAIT)  # and laid out for the window: a click during the layout rerun would be lost
    _expect(page.locator(DIAGRAM).first).to_be_visible(timeout=WAIT)
    return context, page


def _set_epochs(page, epochs: int) -> None:
    field = page.locator(f".st-key-{train_ui.EPOCHS} input")
    enter(field, str(epochs), WAIT)
    _expect(field).to_have_value(str(epochs), timeout=WAIT)


def _redrawn(page, before: str | None) -> str:
    """Wait until the diagram shows other weights than ``before``; returns what it shows now."""
    page.wait_for_function(CHANGED, arg=[DIAGRAM, before], timeout=WAIT, polling=100)
    return page.evaluate(WEIGHTS, DIAGRAM)


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


@pytest.mark.parametrize("present", [False, True], ids=["normal", "presenting"])
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("name", list(NETS))
def test_the_diagram_redraws_live_its_labels_stay_clear_and_presentation_fits(browser, app_url, name, size, present):
    context, page = _open(browser, app_url, name, size, present)
    try:
        _set_epochs(page, NETS[name].epochs)
        tag = f"train_diagram_{name}_{size[0]}x{size[1]}_{'presenting' if present else 'normal'}"
        before = page.evaluate(WEIGHTS, DIAGRAM)
        page.locator(f".st-key-{train_ui.START} button").click()
        _expect(page.locator(PROGRESS)).to_contain_text("Training", timeout=WAIT)
        first = _redrawn(page, before)
        _redrawn(page, first)  # and again: it follows the weights tick after tick
        page.wait_for_function(SETTLED, arg=NETS[name].charts, timeout=WAIT, polling=50)
        _shot(page, tag)
        # Stop, or nothing: on its worker a one-sample run's 100,000 epochs may have ended by now (Stop disabled)
        page.locator(f".st-key-{train_ui.STOP} button").click(force=True)
        _expect(page.get_by_text("Results after").first).to_be_visible(timeout=WAIT)
        wait_for_layout(page, WAIT)
        assert_no_exception(page)
        found = page.evaluate(OVERLAPS, DIAGRAM)
        assert found["bad"] == [], f"labels meet: {found['bad'][:5]}"
        assert found["texts"] > 5
        assert (found["tiles"] > 0) == NETS[name].tiles
        if present:  # the curves and the diagram above the fold
            keys = [train_ui.LOSS_CHART, view.DIAGRAM] + ([train_ui.ACCURACY_CHART] if NETS[name].classes else [])
            for key in keys:
                top, bottom = page.evaluate(SPAN, f'.st-key-{key}[data-stale="false"] .js-plotly-plot')
                assert 0 <= top and bottom <= size[1], f"{key} spans {top:.0f}..{bottom:.0f} of {size[1]} px"
        _shot(page, f"{tag}_stopped")
    finally:
        context.close()


def _pick(page, option: str) -> None:
    """Choose ``option`` in the neuron menu, typing it to filter the list (tried again if a rerun closed it)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    item = page.get_by_role("option", name=option)
    for _ in range(3):
        field = page.locator(f".st-key-{view.NEURON} input[role=combobox]")
        field.click()
        field.fill(option.split()[0])
        try:
            item.click(timeout=10_000)
            return
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    raise AssertionError(f"the neuron menu never offered {option!r}")


def _big_map(page, title: str):
    """The neuron map chart headed ``title`` (while a chart redraws, Streamlit keeps the old one a moment)."""
    return page.locator(f'.st-key-{view.NEURON_CHART}[data-stale="false"]').filter(has_text=title).first


def test_a_click_on_a_tile_or_the_menu_draws_that_neurons_map_large(browser, app_url):
    context, page = _open(browser, app_url, "circles", (1600, 1000), False)
    try:
        _expect(_big_map(page, "h1_1 · hidden 1 · tanh")).to_be_visible(timeout=WAIT)
        page.locator(DIAGRAM).first.scroll_into_view_if_needed()  # under the settings' rows in a 1000 px window
        page.mouse.click(*point_xy(page, DIAGRAM, ["node", 1, 3]))
        _expect(_big_map(page, "h1_4 · hidden 1 · tanh")).to_be_visible(timeout=WAIT)
        wait_for_layout(page, WAIT)
        _shot(page, "train_diagram_clicked_tile")
        _pick(page, "ŷ1 (output)")
        _expect(_big_map(page, "ŷ1 · output · sigmoid")).to_be_visible(timeout=WAIT)
        _set_epochs(page, NETS["circles"].epochs)  # long enough to be training still when Stop is clicked
        page.locator(f".st-key-{train_ui.START} button").click()  # while it trains, the chosen map stays
        _expect(page.locator(PROGRESS)).to_contain_text("Training", timeout=WAIT)
        _redrawn(page, page.evaluate(WEIGHTS, DIAGRAM))
        _expect(_big_map(page, "ŷ1 · output · sigmoid")).to_be_visible(timeout=WAIT)
        page.locator(f".st-key-{train_ui.STOP} button").click()
        _expect(page.get_by_text("Results after").first).to_be_visible(timeout=WAIT)
        assert_no_exception(page)
    finally:
        context.close()
