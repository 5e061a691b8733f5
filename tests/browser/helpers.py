"""Helpers for browser tests: wait for Streamlit, pick from a menu, save screenshots, look for exceptions."""

from conftest import ROOT
from playwright.sync_api import TimeoutError as PlaywrightTimeout

SCREENSHOTS = ROOT / "test-output" / "screenshots"


def wait_for_run(page, timeout: float = 30_000) -> None:
    """Wait until Streamlit has finished running the script (the app is idle)."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)
    page.wait_for_timeout(300)


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
            page.keyboard.press("Escape")
            wait_for_run(page)
            continue
        item.click()
        wait_for_run(page)
        return
    raise AssertionError(f"the menu never offered {option!r}")


def load_preset(page, title: str) -> None:
    """Load the preset called ``title`` from the sidebar's "Load a preset" menu."""
    menu = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Load a preset")
    choose(page, menu, title)


def screenshot(page, name: str, full_page: bool = True) -> None:
    """Save the page (all of it, or what the window shows) as test-output/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def assert_no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(
        '[data-testid="stException"]'
    ).first.inner_text()


# Page coordinates of the point of a plotly chart whose customdata is `target`, from plotly's own axes.
_POINT_JS = """([selector, target]) => {
    const gd = document.querySelector(selector);
    const box = gd.getBoundingClientRect();
    const L = gd._fullLayout;
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


def click_point(page, chart_selector: str, target: list) -> None:
    """Click the point carrying ``target`` as customdata on the plotly chart ``chart_selector`` (a
    ``.js-plotly-plot`` element), after plotly's double-click window, and wait for the rerun."""
    page.wait_for_timeout(400)
    page.mouse.click(*point_xy(page, chart_selector, target))
    wait_for_run(page)


def point_xy(page, chart_selector: str, target: list) -> tuple[float, float]:
    """Page coordinates of the point carrying ``target`` as customdata on the plotly chart ``chart_selector``."""
    xy = page.evaluate(_POINT_JS, [chart_selector, target])
    assert xy is not None, f"no point {target} on {chart_selector}"
    return tuple(xy)
