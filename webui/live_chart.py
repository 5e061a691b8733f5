"""Charts that change while a run trains, redrawn in place instead of drawn anew.

``st.plotly_chart`` names its element by a hash of the figure, so every new figure is a new element: the
browser throws the plot away and draws another (``Plotly.purge``, then a full draw, twice). Measured in a
Train page training the digits: each new loss, accuracy or gradient figure cost two draws of about 27 ms, and
the four charts' Plotly time was 11.2 s in 20 s (drawn in place: 5.0 s, while drawing more of the updates);
four such pages kept more than a core of this 2-core machine busy, beside every other session's clicks.

So while a run trains, a live chart's own figure stays the one its stretch of training began with (the
``held`` figure, kept in the page's record), and a tiny page script (``webui.page_script``) hands the
browser each new figure, which it draws into the same plot with ``Plotly.react``: plotly.js then redraws
what changed and Streamlit leaves the element alone. When Streamlit draws its own figure again (a new width,
a remount) the page script draws the newest over it. Once the run stops the page draws the figure itself.
"""

from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.io

from webui import page_script

DRAWER = "live_"  # the key of a chart's drawer is DRAWER + the chart's key
HELD = "held"  # layout.datarevision of a held figure; "live:<n>" of the n-th the component drew

# drawInto(gd, json): the figure ``json`` (Plotly's JSON of a figure) drawn into the plot ``gd`` at its width;
# shared with the Step page's stepper (webui.stepper).
DRAW_JS = """
function drawInto(gd, json) {
  const fig = JSON.parse(json);
  fig.layout.width = gd.layout.width;
  window.Plotly.react(gd, fig.data, fig.layout);
  gd.closest("[data-testid=stPlotlyChart]")?.setAttribute("aria-label", fig.layout.meta?.alt ?? "");
}
"""

_JS = (
    DRAW_JS
    + """
function mount(component) {  // called again whenever the server sends a new figure
  const {chart, figure} = component.data;
  let later = null;
  const draw = (tries = 0) => {
    later = null;
    const gd = document.querySelector(`.st-key-${chart} .js-plotly-plot`);
    if (!gd?._fullLayout || !window.Plotly) {  // Streamlit has yet to draw the chart: look again next frame
      if (tries < 600) later = requestAnimationFrame(() => draw(tries + 1));
      return;
    }
    if (!gd.__bpvizLive) {  // Streamlit drew its held figure again (a resize, a remount): draw the newest over it
      gd.__bpvizLive = {};
      gd.on("plotly_afterplot", () => Promise.resolve().then(() => gd.__bpvizLive.draw()));
    }
    gd.__bpvizLive.draw = () => {
      if (gd.__bpvizLive.drawn !== figure || !String(gd.layout.datarevision).startsWith("live:")) {
        gd.__bpvizLive.drawn = figure;
        drawInto(gd, figure);
      }
    };
    gd.__bpvizLive.draw();
  };
  draw();
  return () => { if (later !== null) cancelAnimationFrame(later); };
}
"""
)


@dataclass
class Held:
    """A live chart's figure as Streamlit keeps it (``figure``) and how many figures the browser was handed to
    draw over it (``drawn``: each gets its own ``layout.datarevision``, which Plotly.react needs to see new data)."""

    figure: go.Figure
    drawn: int = 0


def held(figure: go.Figure, key: str, live: bool, kept: dict[str, Held]) -> go.Figure:
    """The figure to give ``st.plotly_chart`` for the chart with widget key ``key``. While ``live``: the figure
    this stretch of ``live`` began with (kept in ``kept``, one per key; a new one when the height changes), and
    ``figure`` goes to the browser, which draws it into that chart. Otherwise ``figure`` itself. Sets
    ``figure``'s ``layout.datarevision``."""
    if not live:
        kept.pop(key, None)
        return figure
    entry = kept.get(key)
    if entry is None or entry.figure.layout.height != figure.layout.height:
        entry = kept[key] = Held(figure)
    entry.drawn += 1
    figure.layout.datarevision = f"live:{entry.drawn}"
    newest = plotly.io.to_json(figure, validate=False)
    entry.figure.layout.datarevision = HELD
    page_script.run("live_chart", _JS, key=f"{DRAWER}{key}", data={"chart": key, "figure": newest})
    return entry.figure
