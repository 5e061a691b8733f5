"""Training curves: loss (train and test), accuracy, each layer's gradient size, a comparison of rates or
optimisers, tracked samples by epoch.

The curves take ``bpviz.training.Progress`` reports, one point per report. A diverged report never
reaches them (``bpviz.runs.Run`` keeps it apart) and any value that is None or not finite is left
out, so nothing NaN is drawn. Train is a solid line, test a dashed one, so the pair reads without colour.
"""

import math
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from bpviz.engine.losses import LOSSES
from bpviz.engine.training import Progress
from bpviz.figures import palette as P
from bpviz.lesson.plaintext import plotly
from bpviz.runs.tracked import SampleHistory

from .chart_layout import axis, chart_layout, live_figure

MARKERS_UP_TO = 60  # points per curve drawn with markers; longer curves are plain lines
HEIGHT = 420  # px of a curve's figure
COMPACT_TOP = 66  # px above a compact figure's plot: its title and the legend's row
GRADIENT_TOP = 88  # px above the gradient sizes' plot: the title and subtitle (the legend is beside it)
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")


def loss_label(loss: str, reduction: str) -> str:
    """ "½ sum of squared errors, mean over samples"."""
    return f"{LOSSES[loss].label}, {reduction} over samples"


def _finite(xs: Sequence, ys: Sequence) -> tuple[list, list]:
    keep = [(x, y) for x, y in zip(xs, ys) if y is not None and math.isfinite(y)]
    return [x for x, _ in keep], [y for _, y in keep]


def _curve(history: Sequence[Progress], field: str, name: str, color: str, dash: str, fmt: str):
    """A Scatter of one Progress field by epoch, named with its latest value; None when it has no points."""
    return _line(*_finite([p.epoch for p in history], [getattr(p, field) for p in history]), name, color, dash, fmt)


def _line(x: list, y: list, name: str, color: str, dash: str, fmt: str, latest: str | None = None):
    """A Scatter of the finite points (x, y) by epoch, named with ``latest`` (by default its last y); None when
    it has no points."""
    if not y:
        return None
    return dict(
        type="scatter",
        x=x,
        y=y,
        name=f"{name} · {format(y[-1], fmt) if latest is None else latest}",
        mode="lines+markers" if len(y) <= MARKERS_UP_TO else "lines",
        line={"color": color, "width": 3, "dash": dash},
        marker={"size": 7},
        hovertemplate=f"epoch %{{x}}<br>{name} %{{y:{fmt}}}<extra></extra>",
    )


def _trend(history: Sequence[Progress], field: str, name: str, fmt: str) -> str | None:
    """ "train 0.6931 at epoch 0 → 0.0123 at epoch 300": a curve's first and latest value; None without values."""
    return _span(*_finite([p.epoch for p in history], [getattr(p, field) for p in history]), name, fmt)


def _span(x: list, y: list, name: str, fmt: str) -> str | None:
    """``_trend`` of the finite points (x, y)."""
    if not y:
        return None
    first = f"{name} {format(y[0], fmt)} at epoch {x[0]:,}"
    return first if len(y) == 1 else f"{first} → {format(y[-1], fmt)} at epoch {x[-1]:,}"


def _alt(what: str, parts: Sequence[str | None]) -> str:
    parts = [p for p in parts if p]
    return f"{what}: {'; '.join(parts)}." if parts else f"{what}: no values yet."


def _epoch_axis(x_max: int | None) -> dict:
    return axis("epoch", range=[0, x_max], autorange=False) if x_max else axis("epoch", rangemode="tozero")


def _loss_axis(title: str, log_y: bool, values: Sequence[float]) -> dict:
    """A loss axis; on a log scale spanning two decades or more, ticks only at powers of ten (no 2, 5 clutter)."""
    if not log_y:
        return axis(title, type="linear", exponentformat="power")
    positive = [v for v in values if v is not None and 0 < v < math.inf]
    wide = bool(positive) and math.log10(max(positive) / min(positive)) >= 2
    return axis(title + " (log scale)", type="log", exponentformat="power", **({"dtick": 1} if wide else {}))


def _sized(layout: dict, height: int, compact: bool) -> dict:
    """``layout`` ``height`` px tall; ``compact``: without its subtitle, the title and legend in a tighter band
    (a presentation fits the curves and the diagram in one window)."""
    layout["height"] = height
    if compact:
        layout["title"].pop("subtitle", None)
        layout["margin"]["t"] = COMPACT_TOP
    return layout


def loss_figure(
    history: Sequence[Progress],
    loss: str,
    reduction: str,
    log_y: bool = False,
    x_max: int | None = None,
    height: int = HEIGHT,
    compact: bool = False,
) -> go.Figure:
    """Train and test (data) loss by epoch and, when a weight penalty was on, the training loss with it (the
    total the updates descend) as a dotted curve; ``x_max`` fixes the epoch axis (the run's target) so the
    curve grows into it; ``height`` px tall, ``compact`` without the subtitle (``_sized``)."""
    curves = [("train_loss", "train", "solid"), ("test_loss", "test", "dash")]
    if any(p.penalty for p in history):
        curves.append(("total_loss", "train + penalty", "dot"))
    traces = [_curve(history, f, name, P.CATEGORICAL[i], dash, ".4g") for i, (f, name, dash) in enumerate(curves)]
    alt = _alt(f"Loss by epoch ({loss_label(loss, reduction)})", [_trend(history, f, n, ".4g") for f, n, _ in curves])
    subtitle = loss_label(loss, reduction) + (" · the penalty Ω on weights only" if len(curves) > 2 else "")
    layout = chart_layout("Loss", "epoch", "loss", subtitle=subtitle, alt=alt)
    layout["xaxis"] = _epoch_axis(x_max)
    values = [getattr(p, f) for p in history for f, _, _ in curves]
    layout["yaxis"] = _loss_axis("loss", log_y, values)
    return live_figure([t for t in traces if t is not None], _sized(layout, height, compact))


def accuracy_figure(
    history: Sequence[Progress], x_max: int | None = None, height: int = HEIGHT, compact: bool = False
) -> go.Figure:
    """Train and test accuracy (share of samples whose predicted class is right) by epoch, 0 to 100 %;
    ``height`` and ``compact`` as for ``loss_figure``."""
    traces = [
        _curve(history, "train_accuracy", "train", P.CATEGORICAL[0], "solid", ".1%"),
        _curve(history, "test_accuracy", "test", P.CATEGORICAL[1], "dash", ".1%"),
    ]
    alt = _alt(
        "Accuracy by epoch",
        [_trend(history, "train_accuracy", "train", ".1%"), _trend(history, "test_accuracy", "test", ".1%")],
    )
    layout = chart_layout(
        "Accuracy", "epoch", "accuracy", subtitle="share of samples whose predicted class is right", alt=alt
    )
    layout["xaxis"] = _epoch_axis(x_max)
    layout["yaxis"] = axis("accuracy", range=[0, 1.02], tickformat=".0%")
    return live_figure([t for t in traces if t is not None], _sized(layout, height, compact))


def gradient_flow_figure(
    epochs: Sequence[int],
    sizes: Sequence[np.ndarray],
    names: Sequence[str],
    x_max: int | None = None,
    height: int = HEIGHT,
    compact: bool = False,
) -> go.Figure:
    """One line per layer l = 1..L: the RMS of the entries of dL/dW^l (``bpviz.runs.gradflow``) at each
    report, ``epochs`` (R,) and ``sizes`` R arrays of shape (L,) (``Run.grad_sizes``), named ``names`` (L,),
    on a log axis, the legend a column beside it. A size that is not finite, or 0 (a log axis has no place
    for it), is a gap in its line; the legend gives each layer's latest size ("0", or "not finite", when that
    is not drawn). ``x_max``, ``height`` and ``compact`` as for ``loss_figure``."""
    values = np.asarray(sizes, dtype=float).reshape(len(epochs), len(names))
    traces, trends = [], []
    for k, name in enumerate(names):
        column = values[:, k].tolist()
        x, y = _finite(epochs, [v if v > 0 else None for v in column])
        latest = format(column[-1], ".3g") if column and math.isfinite(column[-1]) else "not finite"
        traces.append(_line(x, y, name, P.CATEGORICAL[k % len(P.CATEGORICAL)], DASHES[k % len(DASHES)], ".3g",
                            latest))  # fmt: skip
        trends.append(_span(x, y, name, ".3g"))
    what = "RMS of the entries of ∂L/∂W⁽ˡ⁾"
    layout = chart_layout("Gradient size per layer", "epoch", "", subtitle=f"{what} on the training set",
                          alt=_alt(f"Gradient size per layer by epoch ({what}, log scale)", trends))  # fmt: skip
    layout["xaxis"] = _epoch_axis(x_max)
    layout["yaxis"] = _loss_axis("RMS of ∂L/∂W⁽ˡ⁾", True, values.ravel().tolist())
    # up to 9 layers: a column on the right, the output on top as its line usually is
    layout["legend"] = {"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1.0, "yanchor": "top",
                        "traceorder": "reversed"}  # fmt: skip
    layout["margin"]["t"] = GRADIENT_TOP
    return live_figure([t for t in traces if t is not None], _sized(layout, height, compact))


def comparison_figure(
    curves: Mapping[str, Sequence[Progress]],
    diverged_at: Mapping[str, int | None],
    loss: str,
    reduction: str,
    what: str = "learning rates",
    log_y: bool = True,
    x_max: int | None = None,
) -> go.Figure:
    """Training loss (with the penalty, if any: what the updates descend) by epoch, one curve per variant
    labelled as in ``curves`` ("η = 0.1", "Adam, η = 0.01"); a diverged one ends in a ✕ and says at which epoch."""
    trends = [
        (_trend(history, "total_loss", f"{label}:", ".3g") or label)
        + (f", diverged at epoch {diverged_at[label]:,}" if diverged_at.get(label) is not None else "")
        for label, history in curves.items()
    ]
    alt = _alt(f"Training loss by epoch for {len(curves)} {what} ({loss_label(loss, reduction)})", trends)
    penalised = any(p.penalty for h in curves.values() for p in h)
    subtitle = loss_label(loss, reduction) + (" + the weight penalty" if penalised else "")
    fig = go.Figure(
        layout=chart_layout(f"Training loss by {what.removesuffix('s')}", "epoch", "loss", subtitle=subtitle, alt=alt)
    )
    fig.update_layout(
        xaxis=_epoch_axis(x_max),
        yaxis=_loss_axis("training loss", log_y, [p.total_loss for h in curves.values() for p in h]),
        # up to six long names ("Nesterov momentum, η = 0.5 · 0.0123"): a column beside the plot, where a row
        # above it would wrap over the subtitle in a 1280 px window
        legend={"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1.0, "yanchor": "top"},
    )
    for i, (label, history) in enumerate(curves.items()):
        color, dash = P.CATEGORICAL[i % len(P.CATEGORICAL)], DASHES[i % len(DASHES)]
        x, y = _finite([p.epoch for p in history], [p.total_loss for p in history])
        bad = diverged_at.get(label)
        name = label + (f" · diverged at epoch {bad}" if bad is not None else f" · {y[-1]:.3g}" if y else "")
        fig.add_scatter(
            x=x,
            y=y,
            name=name,
            mode="lines+markers" if len(y) <= MARKERS_UP_TO else "lines",
            line={"color": color, "width": 3, "dash": dash},
            marker={"size": 6},
            hovertemplate=f"{label}<br>epoch %{{x}}<br>loss %{{y:.4g}}<extra></extra>",
        )
        if bad is not None and y:
            fig.add_scatter(
                x=[x[-1]],
                y=[y[-1]],
                mode="markers",
                marker={"symbol": "x", "size": 18, "color": color, "line": {"width": 2, "color": P.INK}},
                showlegend=False,
                hovertemplate=f"{label} diverged at epoch {bad}<extra></extra>",
            )
    return fig


def sample_figure(history: SampleHistory, log_error: bool = False) -> go.Figure:
    """Two panels over epochs: each tracked sample's watched output, with the targets as dotted grey lines,
    and the loss on each sample; one colour and dash per sample, legend on the right."""
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12,
        subplot_titles=(f"Prediction: {history.prediction_title}", "Error: the loss on each sample"),
    )
    epochs = history.epochs.tolist()
    colors = [P.CATEGORICAL[k % len(P.CATEGORICAL)] for k in range(len(history.sample_names))]
    for j, name in enumerate(map(plotly, history.output_names)):  # class names from a CSV, shown as typed
        color, dash = colors[history.output_sample[j]], DASHES[j % len(DASHES)]
        x, y = _finite(epochs, history.prediction[:, j].tolist())
        fig.add_scatter(
            x=x,
            y=y,
            name=name,
            legendgroup=name,
            mode="lines",
            line={"color": color, "width": 3, "dash": dash},
            hovertemplate=f"{name}<br>epoch %{{x}}<br>output %{{y:.4g}}<extra></extra>",
            row=1,
            col=1,
        )
    for k, name in enumerate(map(plotly, history.sample_names)):
        x, y = _finite(epochs, history.error[:, k].tolist())
        if log_error:
            x, y = [a for a, b in zip(x, y) if b > 0], [b for b in y if b > 0]
        fig.add_scatter(
            x=x,
            y=y,
            name=name,
            legendgroup=name,
            showlegend=len(history.output_names) != len(history.sample_names),
            mode="lines",
            line={"color": colors[k], "width": 3, "dash": DASHES[k % len(DASHES)]},
            hovertemplate=f"{name}<br>epoch %{{x}}<br>loss %{{y:.4g}}<extra></extra>",
            row=2,
            col=1,
        )
    for target in sorted(set(history.targets.tolist())):
        fig.add_hline(
            y=target,
            line={"color": P.MUTED, "width": 2, "dash": "dot"},
            annotation={"text": f"target {target:g}", "font": {"color": P.MUTED}},
            annotation_position="bottom right",
            row=1,
            col=1,
        )
    losses = [f"{name} {err:.3g}" for name, err in zip(history.sample_names, history.error[-1])] if len(epochs) else []
    alt = _alt(
        f"Prediction ({history.prediction_title}) and loss of {len(history.sample_names)} tracked samples by epoch"
        + (f"; the loss on each at epoch {epochs[-1]:,}" if losses else ""),
        losses,
    )
    layout = chart_layout("Tracked samples by epoch", "", "", height=640, alt=alt)
    del layout["xaxis"], layout["yaxis"]
    layout["legend"] = {"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1.0, "yanchor": "top"}
    layout["margin"]["t"] = 80
    fig.update_layout(layout)
    fig.update_xaxes(axis("", rangemode="tozero"), row=1, col=1)
    fig.update_xaxes(axis("epoch", rangemode="tozero"), row=2, col=1)
    fig.update_yaxes(axis("output"), row=1, col=1)
    fig.update_yaxes(_loss_axis("loss", log_error, history.error.ravel().tolist()), row=2, col=1)
    fig.update_annotations(font={"size": 18})
    return fig
