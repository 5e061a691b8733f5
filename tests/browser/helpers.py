"""Helpers for browser tests: act and wait for the rerun the action starts, pick from a menu, click a chart's
point, save screenshots, look for exceptions.

Every wait here is on the page's state, never on time. Every run of a page's script renders its session's
run count (webui/setup.py: an invisible container with the class ``st-key-bpviz_run_<n>``), so an action is
done once the count has grown past its value before the action and the app is idle again. Waiting for
"idle" alone races: right after a click the rerun may not have started yet, and the app still reads idle.

Runs of a fragment alone (st.fragment, such as the Train page's live panel) do not run setup_page and so do
not count: wait on what such a run changes (its text, a button's enabled state) with Playwright's expect.
A page that reruns itself (st.rerun, st.switch_page) is idle for a moment between its two runs, and
``rerun`` may return in that moment: wait on what the second run shows, then ``wait_for_idle``.
"""

from contextlib import contextmanager

from conftest import ROOT
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from webui.setup import RUN_MARKER, SIZE_MARKER
from webui.viewport import MEASURE_JS

SCREENSHOTS = ROOT / "test-output" / "screenshots"
TIMEOUT = 30_000  # ms: a digits-sized rerun on a loaded 2-core machine takes a few seconds
TRAINED = 120_000  # ms: a short run to its end on the server's worker (at a lower priority than the server and
# the browser under test, on the same 2 cores)

# The session's run count as drawn (the largest, should a rerun show an old marker next to the new one), and
# whether the app is idle with a count above ``after``.
_RUNS_JS = f"""() => Math.max(0, ...Array.from(
    document.querySelectorAll('[class*="st-key-{RUN_MARKER}"]'),
    e => Number(e.className.match(/st-key-{RUN_MARKER}(\\d+)/)[1])))"""
_IDLE_AFTER_JS = f"""(after) => (
    document.querySelector('[data-testid="stApp"]')?.dataset.testScriptState === "notRunning"
    && ({_RUNS_JS})() > after)"""


# Whether the page was laid out for the viewport the probe measures now (webui/setup.py's size marker) and the
# probe has no report due (webui/viewport.py), and whether the app is also idle.
_SIZED_JS = f"""() => {{
    const want = `st-key-{SIZE_MARKER}${{({MEASURE_JS})().join("_")}}`;
    return document.documentElement.dataset.bpvizSize === "settled"
        && Array.from(document.querySelectorAll('[class*="st-key-{SIZE_MARKER}"]'))
        .some(e => e.classList.contains(want) && e.closest('[data-stale="true"]') === null);
}}"""
_LAID_OUT_JS = f"""() => document.querySelector('[data-testid="stApp"]')?.dataset.testScriptState === "notRunning"
    && ({_SIZED_JS})()"""


def run_count(page) -> int:
    """How many times this session has run a page's script, as the page shows it (0 before its first run)."""
    return page.evaluate(_RUNS_JS)


def wait_for_rerun(page, after: int, timeout: float = TIMEOUT) -> None:
    """Wait until the session has run the script more than ``after`` times and the app is idle."""
    page.wait_for_function(_IDLE_AFTER_JS, arg=after, timeout=timeout)


def wait_for_count(page, after: int, timeout: float = TIMEOUT) -> None:
    """Wait until the session has run the script more than ``after`` times, busy or not: on a page that trains,
    the live panel's ticks can follow each other with no idle moment between them."""
    page.wait_for_function(f"(after) => ({_RUNS_JS})() > after", arg=after, timeout=timeout)


def wait_for_run(page, timeout: float = TIMEOUT) -> None:
    """After ``page.goto``: wait until the new session's first run has drawn its count and finished (the app
    reads idle before its first run starts, so idle alone is not enough), and until the rerun for the window's
    measured size, if one comes, has finished too (``wait_for_layout``): the first run lays the page out for
    a default window, and acting or reading before the second would race it."""
    wait_for_rerun(page, 0, timeout)
    wait_for_layout(page, timeout)


def wait_for_layout(page, timeout: float = TIMEOUT) -> None:
    """Wait until the server has laid the page out for this window: the viewport it last ran for (an invisible
    "st-key-bpviz_size_<w>_<h>_<main>_<top>" container, see webui/setup.py) is what the viewport probe measures
    now, so no rerun for a new size is coming, and the app is idle with its charts drawn."""
    for _ in range(5):  # drawn charts can make the page taller, its scroll bar the main column narrower
        page.wait_for_function(_LAID_OUT_JS, timeout=timeout)
        wait_for_charts(page, timeout)
        if page.evaluate(_SIZED_JS):  # busy or not: a training page's live panel may already be ticking again
            return
    raise AssertionError("the page kept changing size")


def wait_for_idle(page, timeout: float = TIMEOUT) -> None:
    """Wait until the app is idle. Only after waiting on something a rerun shows (see the module's notes)."""
    wait_for_rerun(page, 0, timeout)


@contextmanager
def rerun(page, timeout: float = TIMEOUT):
    """``with rerun(page): <action>``: the action must start a rerun of the script; the block returns once
    that rerun has finished. Act only when the app is idle (after another wait of this module)."""
    before = run_count(page)
    yield
    wait_for_rerun(page, before, timeout)
    wait_for_layout(page, timeout)  # a rerun that moved the page's fill element brings a layout rerun


def click(page, locator, timeout: float = TIMEOUT) -> None:
    """Click ``locator`` (a widget that reruns the script) and wait for the rerun."""
    with rerun(page, timeout):
        locator.click()


def press(page, key: str, timeout: float = TIMEOUT) -> None:
    """Press ``key`` (a shortcut that reruns the script) on the page and wait for the rerun."""
    with rerun(page, timeout):
        page.keyboard.press(key)


def enter(locator, text: str, timeout: float = TIMEOUT) -> None:
    """Type ``text`` into the input ``locator``, press Enter and wait for the rerun (the value must differ
    from the input's current one, or Streamlit sends nothing)."""
    with rerun(locator.page, timeout):
        locator.fill(text)
        locator.press("Enter")


def choose(page, selectbox, option: str) -> None:
    """Open the selectbox locator ``selectbox``, click the option whose name contains ``option`` and wait
    for the rerun. Tried three times: on a loaded machine a click that lands while the page is still
    settling can leave the menu closed."""
    item = page.get_by_role("option", name=option).first
    for _ in range(3):
        selectbox.click()
        try:
            item.wait_for(timeout=5_000)
        except PlaywrightTimeout:
            page.keyboard.press("Escape")  # closes a menu that opened without the option; starts no rerun
            page.get_by_role("listbox").wait_for(state="hidden")
            continue
        click(page, item)
        return
    raise AssertionError(f"the menu never offered {option!r}")


def load_preset(page, title: str) -> None:
    """Load the preset called ``title`` from the sidebar's "Load a preset" menu."""
    menu = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Load a preset")
    choose(page, menu, title)


def wait_for_charts(page, timeout: float = TIMEOUT) -> None:
    """Wait until every element has its code (Streamlit loads an element's code the first time a page shows one,
    a grey placeholder meanwhile, and a fresh browser may still be fetching it when the run has finished) and
    every Plotly chart on the page has drawn (Streamlit draws them after the run)."""
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stSkeleton"]')
            && Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]')).every(
                c => c.querySelector('.js-plotly-plot')?._fullLayout && c.querySelector('.main-svg'))""",
        timeout=timeout,
    )


def resize(page, height: int, width: int = 1600) -> None:
    """Set the window to ``width`` × ``height`` and wait until the page has that size and its charts are drawn."""
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_function("([w, h]) => window.innerWidth === w && window.innerHeight === h", arg=[width, height])
    wait_for_charts(page)


def screenshot(page, name: str, full_page: bool = True) -> None:
    """Save the page (all of it, or what the window shows) as test-output/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def assert_no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(
        '[data-testid="stException"]'
    ).first.inner_text()


# Page coordinates of the point of a plotly chart whose customdata is `target`, from plotly's own axes, or null
# while the chart is not drawn (or drawn for another size) or holds no such point.
_POINT_JS = """([selector, target]) => {
    const gd = document.querySelector(selector);
    if (!gd || !gd._fullLayout || !gd.calcdata) return null;
    const box = gd.getBoundingClientRect();
    const L = gd._fullLayout;
    if (Math.abs(L.width - box.width) >= 1) return null;  // drawn for another width: a resize is due
    for (let t = 0; t < gd._fullData.length; t++) {
        const cd = gd._fullData[t].customdata || [];
        for (let n = 0; n < cd.length; n++) {
            if (JSON.stringify(Array.from(cd[n])) === JSON.stringify(target)) {
                const p = gd.calcdata[t][n];
                return [box.left + L._size.l + L.xaxis.d2p(p.x), box.top + L._size.t + L.yaxis.d2p(p.y)];
            }
        }
    }
    return null;
}"""

# The same, once the chart is clear of plotly's double-click window: plotly counts a press within
# doubleClickDelay (300 ms) of the previous press on the same chart as a double-click, which clears the
# selection. That window is time by nature, so this one wait reads plotly's own clock of the last press.
_CLICKABLE_JS = f"""([selector, target]) => {{
    const gd = document.querySelector(selector);
    if (!gd || !gd._context || Date.now() - (gd._mouseDownTime || 0) < gd._context.doubleClickDelay) return null;
    return ({_POINT_JS})([selector, target]);
}}"""


def click_point(page, chart_selector: str, target: list, timeout: float = TIMEOUT) -> None:
    """Click the point carrying ``target`` as customdata on the plotly chart ``chart_selector`` (a
    ``.js-plotly-plot`` element) once it is drawn and clear of a double-click, and wait for the rerun."""
    xy = page.wait_for_function(_CLICKABLE_JS, arg=[chart_selector, target], timeout=timeout).json_value()
    with rerun(page, timeout):
        page.mouse.click(*xy)


def point_xy(page, chart_selector: str, target: list) -> tuple[float, float]:
    """Page coordinates of the point carrying ``target`` as customdata on the plotly chart ``chart_selector``."""
    xy = page.evaluate(_POINT_JS, [chart_selector, target])
    assert xy is not None, f"no point {target} on {chart_selector}"
    return tuple(xy)
