"""Small pieces of static JavaScript that run in the page itself: the viewport probe, the Step page's stepper
and auto-play keys, the Train page's live charts.

They are Streamlit v1 components, not v2 ones (``st.components.v2``), for speed: a v2 component, like
``st.dataframe``, loads Apache Arrow's JavaScript into the page, and from then on every ``Array`` ``slice``,
``concat`` and ``map`` in that browser tab is several times slower (Chromium here: 2·10⁵ ``slice`` and
``concat`` 22–54 ms before, 184–222 ms after; ``scripts/floor_page.py`` with and without a v2 component), and
plotly.js leans on them: the same Plotly.react of the digits' Step diagram took 44–60 ms in a page without Arrow
and 66–80 ms in one with it. A v1 component loads no Arrow. Its frame (``page_script_host/index.html``, hidden,
no height) carries the module into the page's own window, where it runs as a v2 component's module would:
``mount(component)`` is called with ``component.data`` whenever the server sends new data, and the clean-up the
last call returned when the frame goes; ``component.setStateValue(name, value)`` and
``component.setTriggerValue(name, value)`` send a value back, which the server reads as ``{name: value}`` (a
trigger's as ``{"value": …, "n": its count}``, so that a repeated one is still a change).
"""

from pathlib import Path
from typing import Any

import streamlit as st
import streamlit.components.v1 as components

HIDDEN = "page_script_"  # the containers of the frames, hidden by CSS (webui.setup)

# typing(event): whether a key press goes into a field (a text box, a number, a menu, an editable element),
# which the page's own keys leave to it; shared by the stepper (webui.stepper) and the auto-play keys.
TYPING_JS = """
function typing(event) {
  const target = event.target;
  return Boolean(target?.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target?.tagName));
}
"""

_host = components.declare_component("bpviz_page_script", path=str(Path(__file__).with_name("page_script_host")))


def run(module: str, js: str, *, key: str, data: Any = None, on_change=None) -> dict:
    """Run ``js`` (static text defining ``function mount(component)``) in the page as ``module``, with
    ``component.data`` ``data`` (JSON-able); ``on_change`` is called when it sends a value. The values it has
    sent, {name: value}."""
    with st.container(key=f"{HIDDEN}{key}"):
        sent = _host(module=module, js=js, data=data, key=key, default={}, on_change=on_change)
    return sent if isinstance(sent, dict) else {}
