"""The confusion matrix as a heatmap: rows are the true class, columns the predicted one, counts printed."""

import numpy as np
import plotly.graph_objects as go

from bpviz.figures import palette as P
from bpviz.lesson.plaintext import plotly

from .chart_layout import axis, chart_layout


def confusion_figure(counts: np.ndarray, class_names: tuple[str, ...] | list[str], title: str) -> go.Figure:
    """Heatmap of ``counts`` (k, k), C[i, j] = samples of true class i predicted as j; the diagonal is right."""
    names = [plotly(c) for c in class_names]  # the CSV's labels, shown as typed
    k = len(names)
    counts = np.asarray(counts)
    side = min(max(360, 48 * k + 180), 640)
    fig = go.Figure(
        go.Heatmap(
            z=counts,
            x=names,
            y=names,
            colorscale=P.SEQUENTIAL,
            zmin=0,
            showscale=False,
            xgap=2,
            ygap=2,
            texttemplate="%{z}",
            textfont={"size": 20 if k <= 6 else 16},
            hovertemplate="true %{y}, predicted %{x}: %{z}<extra></extra>",
        ),
        chart_layout(title, "predicted class", "true class", height=side, alt=_alt(counts, class_names, title)),
    )
    fig.update_layout(
        xaxis=axis("predicted class", type="category", side="bottom", showgrid=False, ticks=""),
        yaxis=axis("true class", type="category", autorange="reversed", showgrid=False, ticks="", scaleanchor="x"),
        margin={"t": 60},
    )
    return fig


def _alt(counts: np.ndarray, names, title: str) -> str:
    """How many are right, and the most frequent mistake."""
    text = f"{title}: {int(np.trace(counts)):,} of {int(counts.sum()):,} samples on the diagonal, predicted right"
    wrong = counts - np.diag(np.diag(counts))
    if wrong.any():
        i, j = np.unravel_index(np.argmax(wrong), wrong.shape)
        text += f"; most often confused: true {names[i]} predicted as {names[j]} ({int(wrong[i, j]):,} samples)"
    return text + "."
