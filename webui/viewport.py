"""The browser window's size, so the diagrams are laid out for the room they get.

A tiny component (static JavaScript, no HTML) reports [window width, window height, content width of the main
column]
when a page loads and whenever one of them changes by 16 px or more (a resize, the sidebar opening); the last
report lives in ``state.Shared.viewport``. It is passed back to the component, which stays silent when nothing
changed, so a page switch costs no extra run. Without a browser (AppTest) the default of a 1600 × 1000 window
with the sidebar open is used (``state.Viewport``).
"""

import streamlit as st

from webui import state
from webui.state import Viewport

KEY = "bpviz_viewport"
BOX = "bpviz_viewport_box"  # its container, hidden by CSS (setup.LAYOUT_CSS)
JS = """
export default function(component) {
  const { setStateValue, data } = component;
  let last = JSON.stringify(data), timer = null;
  const main = () => document.querySelector('[data-testid="stMainBlockContainer"]');
  const inner = (m) => {
    const style = getComputedStyle(m);
    return m.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  };
  const report = () => {
    const m = main();
    const size = [window.innerWidth, window.innerHeight, m ? inner(m) : window.innerWidth];
    const rounded = JSON.stringify(size.map((v) => 16 * Math.round(v / 16)));
    if (rounded !== last) { last = rounded; setStateValue("size", JSON.parse(rounded)); }
  };
  const later = () => { clearTimeout(timer); timer = setTimeout(report, 200); };
  const observer = new ResizeObserver(later);
  if (main()) observer.observe(main());
  window.addEventListener("resize", later);
  report();
  return () => { observer.disconnect(); window.removeEventListener("resize", later); clearTimeout(timer); };
}
"""
_probe = st.components.v2.component("bpviz_viewport", js=JS)


def measure() -> None:
    """Mount the probe (every page, from ``setup_page``) and keep what it reports."""
    with st.container(key=BOX):
        v = state.viewport()
        result = _probe(key=KEY, data=[v.width, v.height, v.main], on_size_change=_rerun)
    size = getattr(result, "size", None)
    if isinstance(size, list) and len(size) == 3 and all(isinstance(n, (int, float)) and 0 < n < 100_000 for n in size):
        state.set_viewport(Viewport(*map(int, size)))


def _rerun() -> None:
    """A new size only needs the rerun Streamlit makes for it; ``measure`` reads it."""


def pane_width(share: float, stacked_below: int = 1000) -> float:
    """The px a pane taking ``share`` of the main column gets (all of it when the panes stack, under
    ``stacked_below`` px: see setup.LAYOUT_CSS), less Streamlit's gap between columns and 16 px to spare."""
    main = state.viewport().main
    return max(320.0, main - 16 if main < stacked_below else main * share - 24 - 16)
