"""What the network computes over its input space, with the data on top.

- 2 inputs: ``boundary_figure`` paints the plane by the network's output a^L on a grid. One sigmoid
  output for two classes runs from the class-0 colour through white at ŷ = 0.5 (the decision
  boundary, drawn as a line) to the class-1 colour; k outputs paint each point by the winning class,
  stronger where the network is surer; a regression output uses a sequential scale.
- 1 input and 1 output: ``fit_figure`` draws the fitted curve ŷ(x) over the points.

Training points are filled, test points hollow; classes also differ by marker shape, not only colour.
``data_figure`` picks the view that applies, or returns None (e.g. the 64-input digits). Class and feature
names come from the user's CSV and go into the figure through ``plaintext.plotly``; where the network's
output is not a finite number the plane is left blank and the title says so.
"""

import numpy as np
import plotly.graph_objects as go

from bpviz.engine.dataset import Dataset
from bpviz.engine.network import Network
from bpviz.figures import palette as P
from bpviz.lesson.plaintext import plotly

from .chart_layout import axis, chart_layout

GRID = 60  # cells per side of the painted plane
CURVE_POINTS = 300
MAX_POINTS = 1000  # data points drawn per set at most (evenly spaced rows)
PAD = 0.15  # margin around the data, as a share of its range
FEW = 50  # sets up to this size get bigger markers (the four XOR corners should read from the back row)
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "star", "hexagon", "pentagon", "triangle-down", "x")
LIGHT, STRONG = 0.1, 0.4  # how far from white toward a class colour the least and most sure regions go


def class_color(c: int) -> str:
    return P.CATEGORICAL[c % len(P.CATEGORICAL)]


def _span(values: np.ndarray) -> tuple[float, float]:
    """The range of ``values`` with a margin of PAD on each side (data near ±1.8e308 keeps its own range)."""
    lo, hi = float(np.min(values)), float(np.max(values))
    with np.errstate(over="ignore"):
        width = (hi - lo) or 1.0
        span = lo - PAD * width, hi + PAD * width
    return span if np.all(np.isfinite([width, *span])) else (lo, hi)


def _finite_part(out: np.ndarray) -> tuple[np.ndarray, str]:
    """``out`` with every value that is not finite made NaN (Plotly leaves it blank), and a note for the title
    when there were any."""
    bad = ~np.isfinite(out)
    if not bad.any():
        return out, ""
    points = bad.any(axis=-1) if out.ndim == 3 else bad
    note = f" · blank where the output is not a finite number ({int(points.sum()):,} of {points.size:,} points)"
    return np.where(bad, np.nan, out), note


def _shown(n: int) -> np.ndarray:
    """Row indices drawn from a set of n: all of them, or MAX_POINTS evenly spaced."""
    return np.arange(n) if n <= MAX_POINTS else np.linspace(0, n - 1, MAX_POINTS).round().astype(int)


def _sets(train_set: Dataset, test_set: Dataset | None) -> list[tuple[str, Dataset]]:
    return [("train", train_set)] + ([("test", test_set)] if test_set is not None else [])


def _points(fig: go.Figure, train_set: Dataset, test_set: Dataset | None) -> int:
    """Scatter the data of a 2-input set on ``fig``; returns how many rows were left out."""
    hidden = 0
    size = 16 if len(train_set) <= FEW else 11
    for which, ds in _sets(train_set, test_set):
        rows = _shown(len(ds))
        hidden += len(ds) - len(rows)
        X, hollow = ds.X[rows], which == "test"
        if ds.is_classification:
            labels = ds.labels[rows]
            for c in range(ds.n_classes):
                mine = labels == c
                if not mine.any():
                    continue
                symbol = SYMBOLS[c % len(SYMBOLS)] + ("-open" if hollow else "")
                name = plotly(f"class {ds.class_names[c]} ({which})")
                fig.add_scatter(
                    x=X[mine, 0],
                    y=X[mine, 1],
                    mode="markers",
                    name=name,
                    marker={
                        "symbol": symbol,
                        "size": size,
                        "color": class_color(c),
                        "line": {"width": 2 if hollow else 1, "color": class_color(c) if hollow else "#FFFFFF"},
                    },
                    hovertemplate=f"{name}<br>x1 %{{x:.3g}}, x2 %{{y:.3g}}<extra></extra>",
                )
        else:
            y = ds.Y[rows, 0]
            fig.add_scatter(
                x=X[:, 0],
                y=X[:, 1],
                mode="markers",
                name=f"{which} (colour = target)",
                marker={
                    "symbol": "circle-open" if hollow else "circle",
                    "size": size,
                    "color": y,
                    "colorscale": P.SEQUENTIAL,
                    "line": {"width": 2 if hollow else 1, "color": P.INK},
                },
                hovertemplate=f"{which}<br>x1 %{{x:.3g}}, x2 %{{y:.3g}}<br>y %{{marker.color:.3g}}<extra></extra>",
            )
    return hidden


def _class_scale(k: int) -> list:
    """A colorscale for z = class + sureness (sureness in [0, 1)): class c's band runs light to strong."""
    scale = []
    for c in range(k):
        scale.append([c / k, P.mix("#FFFFFF", class_color(c), LIGHT)])
        scale.append([(c + 1) / k - 1e-9 if c < k - 1 else 1.0, P.mix("#FFFFFF", class_color(c), STRONG)])
    return scale


def boundary_figure(net: Network, train_set: Dataset, test_set: Dataset | None = None) -> go.Figure:
    """The input plane painted by the network's output (see the module docstring), data on top."""
    both = train_set.X if test_set is None else np.vstack([train_set.X, test_set.X])
    xs = np.linspace(*_span(both[:, 0]), GRID)
    ys = np.linspace(*_span(both[:, 1]), GRID)
    gx, gy = np.meshgrid(xs, ys)
    out, blank = _finite_part(net.forward(np.c_[gx.ravel(), gy.ravel()]).reshape(GRID, GRID, -1))
    n_out = out.shape[2]
    fig = go.Figure()
    hover = "x1 %{x:.3g}, x2 %{y:.3g}<br>"
    if train_set.is_classification and n_out == 1:
        c0, c1 = class_color(0), class_color(1)
        fig.add_heatmap(
            x=xs,
            y=ys,
            z=out[:, :, 0],
            zmin=0,
            zmax=1,
            colorscale=[[0, P.mix("#FFFFFF", c0, STRONG)], [0.5, "#FFFFFF"], [1, P.mix("#FFFFFF", c1, STRONG)]],
            colorbar={"title": {"text": "ŷ"}, "len": 0.8, "thickness": 16},
            hovertemplate=hover + "ŷ %{z:.3f}<extra></extra>",
            name="network output",
        )
        fig.add_contour(
            x=xs,
            y=ys,
            z=out[:, :, 0],
            contours={"start": 0.5, "end": 0.5, "size": 1, "coloring": "none"},
            line={"color": P.INK, "width": 3, "dash": "dash"},
            showscale=False,
            hoverinfo="skip",
            name="ŷ = 0.5",
        )
        title = "Decision boundary (dashed: ŷ = 0.5)"
    elif train_set.is_classification:
        k = n_out
        winner = np.argmax(np.nan_to_num(out, nan=-np.inf), axis=2)
        sure = (np.max(out, axis=2) - 1 / k) / (1 - 1 / k)
        fig.add_heatmap(
            x=xs,
            y=ys,
            z=winner + np.clip(sure, 0, 0.999),
            zmin=0,
            zmax=k,
            colorscale=_class_scale(k),
            showscale=False,
            customdata=np.stack([winner, np.max(out, axis=2)], axis=2),
            hovertemplate=hover + "predicted class %{customdata[0]} (output %{customdata[1]:.2f})<extra></extra>",
            name="network output",
        )
        title = "Decision regions (stronger colour: surer)"
    else:
        fig.add_heatmap(
            x=xs,
            y=ys,
            z=out[:, :, 0],
            colorscale=P.SEQUENTIAL,
            colorbar={"title": {"text": "ŷ1"}, "len": 0.8, "thickness": 16},
            hovertemplate=hover + "ŷ1 %{z:.3g}<extra></extra>",
            name="network output",
        )
        title = "Network output ŷ1 over the input plane"
    hidden = _points(fig, train_set, test_set)
    if hidden:
        title += f" · {hidden:,} points not drawn"
    title += blank
    f1, f2 = train_set.feature_names[:2]
    points = _count_points(train_set, test_set)
    kind = "coloured by target"
    if train_set.is_classification:
        kind = f"{train_set.n_classes} classes, one marker shape each"
    alt = f"{title}: the network's output over the plane of {f1} and {f2}, under {points} ({kind})."
    layout = chart_layout(title, plotly(f1), plotly(f2), height=600, alt=alt)
    layout["legend"] = {"orientation": "h", "x": 0.5, "xanchor": "center", "y": -0.14, "yanchor": "top"}
    layout["margin"]["t"] = 60
    layout["xaxis"] = axis(plotly(f1), range=[xs[0], xs[-1]], showgrid=False, constrain="domain")
    layout["yaxis"] = axis(plotly(f2), range=[ys[0], ys[-1]], showgrid=False, scaleanchor="x", constrain="domain")
    fig.update_layout(layout)
    return fig


def fit_figure(net: Network, train_set: Dataset, test_set: Dataset | None = None) -> go.Figure:
    """The fitted curve ŷ(x) of a 1-input, 1-output network over its data points."""
    both = train_set.X if test_set is None else np.vstack([train_set.X, test_set.X])
    xs = np.linspace(*_span(both[:, 0]), CURVE_POINTS)
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


def data_figure(net: Network, train_set: Dataset, test_set: Dataset | None = None) -> go.Figure | None:
    """``boundary_figure`` for 2 inputs, ``fit_figure`` for 1 input and 1 output, otherwise None."""
    n_in, n_out = net.spec.layers[0], net.spec.layers[-1]
    if n_in == 2:
        return boundary_figure(net, train_set, test_set)
    if n_in == 1 and n_out == 1:
        return fit_figure(net, train_set, test_set)
    return None
