"""What the network computes over its input space, with the data on top.

- 2-D data (its inputs x1 and x2, or input features of them such as x1², ``bpviz.data.features``):
  ``boundary_figure`` paints the plane (x1, x2) by the network's output a^L on a grid. One sigmoid
  output for two classes runs from the class-0 colour through white at ŷ = 0.5 (the decision
  boundary, drawn as a line) to the class-1 colour; k outputs paint each point by the winning class,
  stronger where the network is surer; a regression output uses a sequential scale.
- 1 input and 1 output: ``fit_figure`` draws the fitted curve ŷ(x) over the points.

Training points are filled, test points hollow; classes also differ by marker shape, not only colour.
``data_figure`` picks the view that applies, or returns None (e.g. the 64-input digits). The plane is the
data's extent with a margin (``bpviz.lesson.maps.plane_extent``), the same one the neuron maps use, and its
grid goes into the network as the data's features (``data_maps``, the one place that does it). Class and
feature names come from the user's CSV and go into the figure through ``plaintext.plotly``; where the network's
output is not a finite number the plane is left blank and the title says so.

The Train page redraws these figures several times a second: each is built as one dict and made a Figure
once, without validation (``chart_layout.live_figure``; plotly's ``update_layout`` on a built figure alone cost
ten times the rest).
"""

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from bpviz.data.features import plane
from bpviz.engine.dataset import Dataset
from bpviz.engine.network import Network
from bpviz.figures import palette as P
from bpviz.lesson.maps import TILE_GRID, NeuronMaps, neuron_maps, plane_extent, span
from bpviz.lesson.plaintext import plotly

from .chart_layout import axis, chart_layout, live_figure

GRID = 60  # cells per side of the painted plane
CURVE_POINTS = 300
MAX_POINTS = 1000  # data points drawn per set at most (evenly spaced rows)
FEW = 50  # sets up to this size get bigger markers (the four XOR corners should read from the back row)
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "star", "hexagon", "pentagon", "triangle-down", "x")
LIGHT, STRONG = 0.1, 0.4  # how far from white toward a class colour the least and most sure regions go
HOVER_XY = "x1 %{x:.3g}, x2 %{y:.3g}"  # the point under the pointer, in a hover text


def class_color(c: int) -> str:
    return P.CATEGORICAL[c % len(P.CATEGORICAL)]


def _shown(n: int) -> np.ndarray:
    """Row indices drawn from a set of n: all of them, or MAX_POINTS evenly spaced."""
    return np.arange(n) if n <= MAX_POINTS else np.linspace(0, n - 1, MAX_POINTS).round().astype(int)


def _sets(train_set: Dataset, test_set: Dataset | None) -> list[tuple[str, Dataset]]:
    return [("train", train_set)] + ([("test", test_set)] if test_set is not None else [])


def data_extent(train_set: Dataset, test_set: Dataset | None) -> tuple[float, float, float, float]:
    """(x1 low, x1 high, x2 low, x2 high) of the plane a 2-D set is drawn on (both sets' points, with a margin)."""
    both = [plane(ds).points for _, ds in _sets(train_set, test_set)]
    return plane_extent(np.vstack(both))


def data_maps(net: Network, train_set: Dataset, test_set: Dataset | None, grid: int = TILE_GRID,
              keep: Mapping[int, range] | None = None) -> NeuronMaps:  # fmt: skip
    """Every neuron of ``net`` (or those of ``keep``, see ``neuron_maps``) over the plane of a 2-D set
    (``data_extent``), the grid's points going in as the set's input features."""
    return neuron_maps(net, data_extent(train_set, test_set), grid, plane(train_set).features, keep)


def has_plane(net: Network, ds: Dataset) -> bool:
    """True when ``ds`` is 2-D data (its points or features of them) with one input of ``net`` per feature."""
    p = plane(ds)
    return p is not None and net.spec.layers[0] == len(p.features)


def points_traces(train_set: Dataset, test_set: Dataset | None) -> tuple[list[dict], int]:
    """(scatter traces of the data of a 2-D set at its points, how many rows were left out): one trace per class and set
    (training filled, test hollow), or per set coloured by target for regression."""
    traces, hidden = [], 0
    size = 16 if len(train_set) <= FEW else 11
    for which, ds in _sets(train_set, test_set):
        rows = _shown(len(ds))
        hidden += len(ds) - len(rows)
        X, hollow = plane(ds).points[rows], which == "test"
        if ds.is_classification:
            labels = ds.labels[rows]
            for c in range(ds.n_classes):
                mine = labels == c
                if not mine.any():
                    continue
                color, name = class_color(c), plotly(f"class {ds.class_names[c]} ({which})")
                line = {"width": 2 if hollow else 1, "color": color if hollow else "#FFFFFF"}
                symbol = SYMBOLS[c % len(SYMBOLS)] + ("-open" if hollow else "")
                marker = {"symbol": symbol, "size": size, "color": color, "line": line}
                hover = f"{name}<br>{HOVER_XY}<extra></extra>"
                traces.append(dict(type="scatter", x=X[mine, 0], y=X[mine, 1], mode="markers", name=name,
                                   marker=marker, hovertemplate=hover))  # fmt: skip
        else:
            marker = {"symbol": "circle-open" if hollow else "circle", "size": size, "color": ds.Y[rows, 0],
                      "colorscale": P.SEQUENTIAL, "line": {"width": 2 if hollow else 1, "color": P.INK}}
            hover = f"{which}<br>{HOVER_XY}<br>y %{{marker.color:.3g}}<extra></extra>"
            traces.append(dict(type="scatter", x=X[:, 0], y=X[:, 1], mode="markers", name=f"{which} (colour = target)",
                               marker=marker, hovertemplate=hover))
    return traces, hidden


def _class_scale(k: int) -> list:
    """A colorscale for z = class + sureness (sureness in [0, 1)): class c's band runs light to strong."""
    scale = []
    for c in range(k):
        scale.append([c / k, P.mix("#FFFFFF", class_color(c), LIGHT)])
        scale.append([(c + 1) / k - 1e-9 if c < k - 1 else 1.0, P.mix("#FFFFFF", class_color(c), STRONG)])
    return scale


def _finite_part(out: np.ndarray) -> tuple[np.ndarray, str]:
    """``out`` with every value that is not finite made NaN (Plotly leaves it blank), and a note for the title
    when there were any."""
    bad = ~np.isfinite(out)
    if not bad.any():
        return out, ""
    points = bad.any(axis=-1) if out.ndim == 3 else bad
    note = f" · blank where the output is not a finite number ({int(points.sum()):,} of {points.size:,} points)"
    return np.where(bad, np.nan, out), note


def _output_traces(out: np.ndarray, xs: np.ndarray, ys: np.ndarray, classification: bool,
                   discrete: bool = False) -> tuple[list[dict], str]:  # fmt: skip
    """(the heatmap of the output ``out`` of shape (G, G, n_L) on the grid, and its contour; the title). With
    ``discrete``, a classifier's regions are flat: each point the colour of the class it is given, however sure."""
    if classification and out.shape[2] == 1:
        c0, c1 = class_color(0), class_color(1)
        scale = [[0, P.mix("#FFFFFF", c0, STRONG)], [0.5, "#FFFFFF"], [1, P.mix("#FFFFFF", c1, STRONG)]]
        if discrete:
            scale = [[0, P.mix("#FFFFFF", c0, STRONG)], [0.5, P.mix("#FFFFFF", c0, STRONG)],
                     [0.5, P.mix("#FFFFFF", c1, STRONG)], [1, P.mix("#FFFFFF", c1, STRONG)]]  # fmt: skip
        heat = dict(type="heatmap", x=xs, y=ys, z=out[:, :, 0], zmin=0, zmax=1, colorscale=scale,
                    colorbar={"title": {"text": "ŷ"}, "len": 0.8, "thickness": 16},
                    hovertemplate=HOVER_XY + "<br>ŷ %{z:.3f}<extra></extra>", name="network output")  # fmt: skip
        contour = dict(type="contour", x=xs, y=ys, z=out[:, :, 0], showscale=False, hoverinfo="skip",
                       contours={"start": 0.5, "end": 0.5, "size": 1, "coloring": "none"},
                       line={"color": P.INK, "width": 3, "dash": "dash"}, name="ŷ = 0.5")  # fmt: skip
        return [heat, contour], "Decision boundary (dashed: ŷ = 0.5)"
    if classification:
        k = out.shape[2]
        winner, best = np.argmax(np.nan_to_num(out, nan=-np.inf), axis=2), np.max(out, axis=2)
        sure = np.full_like(best, 0.999) if discrete else (best - 1 / k) / (1 - 1 / k)
        hover = HOVER_XY + "<br>predicted class %{customdata[0]} (output %{customdata[1]:.2f})<extra></extra>"
        heat = dict(type="heatmap", x=xs, y=ys, z=winner + np.clip(sure, 0, 0.999), zmin=0, zmax=k,
                    colorscale=_class_scale(k), showscale=False, customdata=np.stack([winner, best], axis=2),
                    hovertemplate=hover, name="network output")  # fmt: skip
        return [heat], "Decision regions" + ("" if discrete else " (stronger colour: surer)")
    heat = dict(type="heatmap", x=xs, y=ys, z=out[:, :, 0], colorscale=P.SEQUENTIAL,
                colorbar={"title": {"text": "ŷ1"}, "len": 0.8, "thickness": 16},
                hovertemplate=HOVER_XY + "<br>ŷ1 %{z:.3g}<extra></extra>", name="network output")  # fmt: skip
    return [heat], "Network output ŷ1 over the input plane"


def plane_layout(title: str, train_set: Dataset, extent, alt: str, height: int = 600, subtitle: str = "") -> dict:
    """The layout of a picture of the input plane ``extent`` (x1 low, x1 high, x2 low, x2 high): equal units on
    both axes, named by the set's plane axes (its first two features, or x1 and x2 under features), the legend
    under it."""
    f1, f2 = (plotly(name) for name in plane(train_set).axes)
    layout = chart_layout(title, f1, f2, height=height, subtitle=subtitle, alt=alt)
    layout["legend"] = {"orientation": "h", "x": 0.5, "xanchor": "center", "y": -0.14, "yanchor": "top"}
    layout["margin"]["t"] = 84 if subtitle else 60
    layout["xaxis"] = axis(f1, range=list(extent[:2]), showgrid=False, constrain="domain")
    layout["yaxis"] = axis(f2, range=list(extent[2:]), showgrid=False, scaleanchor="x", constrain="domain")
    return layout


def points_words(train_set: Dataset, test_set: Dataset | None) -> str:
    """ "under 240 training and 60 test points (2 classes, one marker shape each)" """
    kind = "coloured by target"
    if train_set.is_classification:
        kind = f"{train_set.n_classes} classes, one marker shape each"
    return f"under {_count_points(train_set, test_set)} ({kind})"


def boundary_figure(net: Network, train_set: Dataset, test_set: Dataset | None = None, show_test: bool = True,
                    discrete: bool = False) -> go.Figure:  # fmt: skip
    """The input plane painted by the network's output (see the module docstring), data on top: the test points
    too unless ``show_test`` is False (the plane still spans them); ``discrete`` for flat class regions."""
    L, n_out = net.spec.depth, net.spec.layers[-1]
    maps = data_maps(net, train_set, test_set, GRID, keep={L: range(n_out)})  # the output's maps only
    extent = maps.extent
    out, blank = _finite_part(np.moveaxis(maps.values[-1], 0, 2))  # (G, G, n_L): row r is x2[r], column c is x1[c]
    traces, title = _output_traces(out, maps.x1, maps.x2, train_set.is_classification, discrete)
    shown_test = test_set if show_test else None
    points, hidden = points_traces(train_set, shown_test)
    if hidden:
        title += f" · {hidden:,} points not drawn"
    title += blank
    f1, f2 = plane(train_set).axes
    alt = f"{title}: the network's output over the plane of {f1} and {f2}, {points_words(train_set, shown_test)}."
    return live_figure(traces + points, plane_layout(title, train_set, extent, alt))


def fit_figure(net: Network, train_set: Dataset, test_set: Dataset | None = None) -> go.Figure:
    """The fitted curve ŷ(x) of a 1-input, 1-output network over its data points."""
    both = train_set.X if test_set is None else np.vstack([train_set.X, test_set.X])
    xs = np.linspace(*span(both[:, 0]), CURVE_POINTS)
    fig = go.Figure()
    for which, ds in _sets(train_set, test_set):
        rows = _shown(len(ds))
        hollow = which == "test"
        fig.add_scatter(
            x=ds.X[rows, 0],
            y=ds.Y[rows, 0],
            mode="markers",
            name=which,
            marker={
                "symbol": "circle-open" if hollow else "circle",
                "size": 10,
                "color": P.CATEGORICAL[1] if hollow else P.CATEGORICAL[0],
                "line": {"width": 2 if hollow else 1, "color": P.CATEGORICAL[1] if hollow else "#FFFFFF"},
            },
            hovertemplate=f"{which}<br>x %{{x:.3g}}<br>y %{{y:.3g}}<extra></extra>",
        )
    curve, blank = _finite_part(net.forward(xs[:, None])[:, 0])
    fig.add_scatter(
        x=xs,
        y=curve,
        mode="lines",
        name="network ŷ(x)",
        line={"color": P.INK, "width": 4},
        hovertemplate="x %{x:.3g}<br>ŷ %{y:.3g}<extra></extra>",
    )
    name = train_set.feature_names[0]
    low, high = (f"{np.nanmin(curve):.3g}", f"{np.nanmax(curve):.3g}") if np.isfinite(curve).any() else ("—", "—")
    alt = f"Fitted curve ŷ({name}) of the network, from {low} to {high}, over {_count_points(train_set, test_set)}."
    fig.update_layout(chart_layout("Fitted curve ŷ(x) over the data" + blank, plotly(name), "y", height=480, alt=alt))
    return fig


def _count_points(train_set: Dataset, test_set: Dataset | None) -> str:
    """ "240 training and 60 test points" """
    return f"{len(train_set):,} training" + (f" and {len(test_set):,} test" if test_set is not None else "") + " points"


def data_figure(net: Network, train_set: Dataset, test_set: Dataset | None = None, show_test: bool = True,
                discrete: bool = False) -> go.Figure | None:  # fmt: skip
    """``boundary_figure`` for 2-D data (``has_plane``), ``fit_figure`` for 1 input and 1 output (its test points
    left out unless ``show_test``), otherwise None."""
    n_in, n_out = net.spec.layers[0], net.spec.layers[-1]
    if has_plane(net, train_set):
        return boundary_figure(net, train_set, test_set, show_test, discrete)
    if n_in == 1 and n_out == 1:
        return fit_figure(net, train_set, test_set if show_test else None)
    return None
