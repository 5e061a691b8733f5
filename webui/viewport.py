"""The browser window's size, so the diagrams are laid out for the room they get.

A tiny page script (``webui.page_script``) reports [window width, window height, content width of the main
column, top of the page's "fill" element], the sizes rounded down to 16 px and the top up (so the room under it
is never overestimated), when a page loads and whenever one of them changes (a resize, the sidebar opening,
content above the fill element growing); the last report lives in ``state.Shared.viewport``. A page marks the
element that should fill the rest of the window with a container keyed "fill_…" (``fill``: in presentation mode
only, the Step and Train panes and the chain-rule graph). The last report is passed back to the component, which
stays silent when nothing changed, so a page switch costs no extra run. Without a browser (AppTest) the default
of a 1600 × 1000 window with the sidebar open is used (``state.Viewport``).
"""

import streamlit as st

from webui import page_script, state
from webui.state import Viewport

KEY = "bpviz_viewport"
# What the probe measures, in 16 px steps (the sizes down, the top up): [window width, height, main column's
# content width, top of the fill element on the page, wherever the page is scrolled to]. tests/browser/helpers.py
# evaluates the same function to know a page is laid out.
MEASURE_JS = """() => {
  const m = document.querySelector('[data-testid="stMainBlockContainer"]');
  const style = m && getComputedStyle(m);
  const main = m ? m.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) : window.innerWidth;
  const fill = document.querySelector('[class*="st-key-fill_"]:not([data-stale="true"])');
  let top = fill ? fill.getBoundingClientRect().top + window.scrollY : 0;  // as if nothing were scrolled:
  for (let e = fill && fill.parentElement; e; e = e.parentElement) top += e.scrollTop;  // Streamlit scrolls stMain
  const down = (v) => 16 * Math.floor(v / 16);
  return [down(window.innerWidth), down(window.innerHeight), down(main), 16 * Math.ceil(top / 16)];  // top: up
}"""
JS = f"""
let stop = null;  // one probe a page: a new call (new data) replaces the last one's
function mount(component) {{
  if (stop) stop();
  const {{ setStateValue, data }} = component;
  const measure = {MEASURE_JS};
  let last = JSON.stringify(data), timer = null;
  const report = () => {{
    const size = JSON.stringify(measure());
    if (size !== last) {{ last = size; setStateValue("size", JSON.parse(size)); }}
  }};
  // While a report is due, the page says so (tests/browser/helpers.py waits until none is).
  const settle = (due) => {{ document.documentElement.dataset.bpvizSize = due ? "due" : "settled"; }};
  const later = () => {{
    clearTimeout(timer);
    settle(true);
    timer = setTimeout(() => {{ report(); settle(false); }}, 200);
  }};
  const observer = new ResizeObserver(later);
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  if (main) observer.observe(main);
  window.addEventListener("resize", later);
  report();
  settle(false);
  stop = () => {{
    observer.disconnect(); window.removeEventListener("resize", later); clearTimeout(timer); stop = null;
  }};
  return stop;
}}
"""


def measure() -> None:
    """Mount the probe (every page, from ``setup_page``) and keep what it reports."""
    v = state.viewport()
    sent = page_script.run("viewport", JS, key=KEY, data=[v.width, v.height, v.main, v.top], on_change=_rerun)
    size = sent.get("size")
    if isinstance(size, list) and len(size) == 4 and all(isinstance(n, (int, float)) and 0 <= n < 1e5 for n in size):
        state.set_viewport(Viewport(*map(int, size)))


def _rerun() -> None:
    """A new size needs the rerun Streamlit makes for it (``measure`` reads the size), showing the same message."""
    state.keep_flash()


def fill(key: str):
    """A container for what fills the rest of the window: keyed ``key`` (a "fill_…" key, whose top the probe
    measures for ``fill_height``) in presentation mode only, where it sizes what it holds; elsewhere the
    content above it changes height from stage to stage, and each change would cost a rerun for nothing."""
    return st.container(key=key if state.presenting() else None)


def pane_width(share: float, stacked_below: int = 1000) -> float:
    """The px a pane taking ``share`` of the main column gets (all of it when the panes stack, under
    ``stacked_below`` px: see setup.LAYOUT_CSS), less its share of the gap between columns (up to 3rem of a
    24 px root in presentation mode) and 16 px to spare."""
    main = state.viewport().main
    return max(320.0, main - 16 if main < stacked_below else (main - 72) * share - 16)


SPARE = 16  # px fill_height leaves under what fills the window


def fill_height(fallback_top: float, least: float = 320.0) -> float:
    """The px from the top of the page's fill element to the bottom of the window (less SPARE), or from
    ``fallback_top`` before the probe has seen the element."""
    v = state.viewport()
    return max(least, v.height - (v.top or fallback_top) - SPARE)
