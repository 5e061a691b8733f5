"""The layout every bpviz chart (curves, heatmaps) starts from: projector-sized type on white, a light grid.

Every figure builder also writes a text alternative for screen readers into ``layout.meta["alt"]``: one or two
sentences saying what the figure shows, with its key numbers; ``alt_text`` reads it for ``st.plotly_chart(alt=...)``.

The figures the Train page redraws after every training tick are made by ``live_figure``: plain dicts turned
into a Figure without plotly's per-property validation, which took most of their build time; the tests run
each of them through plotly's validators instead.
"""

import plotly.graph_objects as go

from bpviz.figures import palette as P

TITLE_SIZE = 20
AXIS_TITLE_SIZE = 18
GRID = "#E6E6E6"


def axis(title: str, **extra) -> dict:
    """An axis with a large title, outside ticks and a light grid; ``extra`` overrides any key."""
    return {
        "title": {"text": title, "font": {"size": AXIS_TITLE_SIZE}},
        "gridcolor": GRID,
        "zeroline": False,
        "linecolor": P.MUTED,
        "ticks": "outside",
        "automargin": True,
        **extra,
    }


def live_figure(data: list[dict], layout: dict) -> go.Figure:
    """A Figure of trace dicts ``data`` and ``layout``, taken as they are (see the module docstring)."""
    return go.Figure(dict(data=data, layout=layout), _validate=False)


def alt_text(fig: go.Figure) -> str:
    """The text alternative its builder wrote into ``fig``."""
    return fig.layout.meta["alt"]


def chart_layout(
    title: str, x_title: str, y_title: str, height: int = 420, subtitle: str = "", alt: str = "", **extra
) -> dict:
    """Plotly layout: left-aligned title (and smaller subtitle), legend in a row under it, zoom kept across
    redraws (``uirevision``), the text alternative ``alt`` in ``meta``."""
    heading = {"text": title, "font": {"size": TITLE_SIZE}, "x": 0.0, "xanchor": "left", "y": 0.98}
    if subtitle:
        heading["subtitle"] = {"text": subtitle, "font": {"size": P.FONT_SIZE, "color": P.MUTED}}
    return {
        "title": heading,
        "font": {"family": P.FONT_FAMILY, "size": P.FONT_SIZE, "color": P.INK},
        "height": height,
        "margin": {"l": 20, "r": 20, "t": 116 if subtitle else 96, "b": 20},
        "paper_bgcolor": P.BACKGROUND,
        "plot_bgcolor": P.BACKGROUND,
        "xaxis": axis(x_title),
        "yaxis": axis(y_title),
        "legend": {"orientation": "h", "x": 0.0, "xanchor": "left", "y": 1.0, "yanchor": "bottom"},
        "hoverlabel": {"font": {"size": P.FONT_SIZE}},
        "uirevision": "keep",
        "meta": {"alt": alt},
        **extra,
    }
