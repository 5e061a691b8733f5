"""The edges of the diagram: every drawn weight (and bias) edge with its segment and what it shows; its lines and hover
points.

Edge (k, i, j) is ``W[k][i, j]``, from neuron j of layer k to neuron i of layer k+1; bias edge (k, i) runs from
the constant-1 node under column k to neuron i of layer k+1. Lines are drawn as about a dozen layout shapes
binned by the sign and size of the edge's first quantity, each one SVG path of all its segments, and each edge
gets an invisible hover and click point: on its label when it has one, else part-way along it.

Shapes, not line traces: plotly.js draws each gap-separated piece of a line trace as an SVG path of its own and
styles each one, so the digits' 352 drawn edges were 303 paths redrawn at every step; as ten paths the
diagram's redraw took about a third less (measured in the Step page, Plotly.react of the same stages).
"""

from dataclasses import dataclass

import numpy as np

from bpviz.lesson.shown import DiagramView

from .. import palette as P
from .layout import Columns

MAG_BINS = np.array([0.2, 0.4, 0.6, 0.8])  # |value| / max|value| bin edges: 5 widths per sign


@dataclass(frozen=True)
class EdgeSet:
    """Every drawn edge, flattened (arrays of one length E): ``bias`` marks bias edges (j = −1), the segment
    from (x0, y0) to (x1, y1) in px, ``value`` the first quantity (NaN when not computed or hidden), ``given``
    whether its layer has values, ``hidden`` whether its first quantity is the one the learner predicts, and
    ``quantities`` the (symbol, value or None where hidden, value before an update or None) of all it shows,
    per edge."""

    k: np.ndarray
    i: np.ndarray
    j: np.ndarray
    bias: np.ndarray
    x0: np.ndarray
    y0: np.ndarray
    x1: np.ndarray
    y1: np.ndarray
    value: np.ndarray
    given: np.ndarray
    hidden: np.ndarray
    quantities: list

    def __len__(self) -> int:
        return len(self.k)


def edge_set(cols: Columns, view: DiagramView, with_bias: bool) -> EdgeSet:
    """The drawn edges of ``cols`` with what ``view`` shows on them."""
    parts = {name: [] for name in ("k", "i", "j", "bias", "x0", "y0", "x1", "y1", "value", "given", "hidden")}
    quantities: list = []
    L = len(cols.x) - 1
    for k in range(L):
        src, dst = cols.drawn[k], cols.drawn[k + 1]
        ii, jj = np.meshgrid(dst, src, indexing="ij")
        yy1, yy0 = np.meshgrid(cols.y[k + 1], cols.y[k], indexing="ij")
        _append(parts, quantities, k, ii.ravel(), jj.ravel(), yy0.ravel(), yy1.ravel(), cols, view.edges[k], False)
        if with_bias:
            y0 = np.full(len(dst), cols.bias_y)
            _append(parts, quantities, k, dst, np.full(len(dst), -1), y0, cols.y[k + 1], cols, view.biases[k], True)
    arrays = {name: np.concatenate(v) if v else np.zeros(0) for name, v in parts.items()}
    for name in ("k", "i", "j"):
        arrays[name] = arrays[name].astype(int)
    for name in ("bias", "given", "hidden"):
        arrays[name] = arrays[name].astype(bool)
    return EdgeSet(**arrays, quantities=quantities)


def _append(parts, quantities, k, ii, jj, y0, y1, cols: Columns, shown, bias: bool) -> None:
    n = len(ii)
    parts["k"].append(np.full(n, k))
    parts["i"].append(ii)
    parts["j"].append(jj)
    parts["bias"].append(np.full(n, bias))
    parts["x0"].append(np.full(n, cols.x[k]))
    parts["x1"].append(np.full(n, cols.x[k + 1]))
    parts["y0"].append(np.asarray(y0, dtype=float))
    parts["y1"].append(np.asarray(y1, dtype=float))
    parts["given"].append(np.full(n, shown is not None))
    if shown is None:
        parts["value"].append(np.full(n, np.nan))
        parts["hidden"].append(np.zeros(n, dtype=bool))
        quantities.extend([()] * n)
        return
    def pick(values):
        return None if values is None else np.asarray(values[ii] if bias else values[ii, jj], dtype=float)

    now, before = [pick(q.visible) for q in shown], [pick(q.before) for q in shown]
    hidden = [np.zeros(n, dtype=bool) if q.hidden is None else pick(q.hidden).astype(bool) for q in shown]
    parts["value"].append(now[0])
    parts["hidden"].append(hidden[0])
    for e in range(n):
        shows = zip(shown, now, before, hidden)
        quantities.append(tuple((q.symbol, None if h[e] else float(v[e]), None if b is None else float(b[e]))
                                for q, v, b, h in shows))  # fmt: skip


def selected(edges: EdgeSet, element: tuple | None) -> np.ndarray:
    """The mask of the drawn edges that are ``element``, an ("edge", k, i, j) or ("bias", k, i); none for a
    node or None."""
    if element is None or element[0] not in ("edge", "bias"):
        return np.zeros(len(edges.k), dtype=bool)
    hit = (edges.bias == (element[0] == "bias")) & (edges.k == element[1]) & (edges.i == element[2])
    return hit & (edges.j == element[3]) if element[0] == "edge" else hit


def path(edges: EdgeSet, mask: np.ndarray) -> str:
    """The masked segments as one SVG path in data coordinates (px): "M x0,y0 L x1,y1" for each edge."""
    ends = np.c_[edges.x0[mask], edges.y0[mask], edges.x1[mask], edges.y1[mask]]
    return "".join(f"M{a:.2f},{b:.2f}L{c:.2f},{d:.2f}" for a, b, c, d in ends.tolist())


def _shape(edges: EdgeSet, mask: np.ndarray, name: str, line: dict) -> dict:
    """The masked edges as one path shape under the traces, named ``name``."""
    return dict(type="path", path=path(edges, mask), xref="x", yref="y", layer="below", line=line, name=name)


def dash_for(width: float) -> str:
    """The dash pattern of a negative edge, longer for wider lines so it reads at any width."""
    return f"{max(8.0, 2.4 * width):.0f}px,{max(5.0, 1.3 * width):.0f}px"


def widest(pitch: float) -> float:
    """The width (px) of the widest edge line at a row ``pitch`` (px); the halos are drawn wider still."""
    return float(np.clip(pitch / 13, 2.5, 7.0))


def line_shapes(edges: EdgeSet, pitch: float) -> list[dict]:
    """The edge lines: not computed (faint dotted, named "edges none"), zero (thin grey, "edges zero"), and per
    sign 5 widths by |value| ("edges positive 0" … "edges negative 4")."""
    w_max = widest(pitch)
    alpha = 0.9 if pitch >= 60 else 0.6 if pitch >= 35 else 0.45
    finite = np.isfinite(edges.value)
    shapes = []

    def shape(name, mask, color, width, dash):
        return _shape(edges, mask, f"edges {name}", dict(color=color, width=round(width, 2), dash=dash))

    if (~finite).any():
        faint = P.FAINT if pitch >= 60 else P.rgba(P.FAINT, 0.55)  # a dense grey mass would outweigh the values
        shapes.append(shape("none", ~finite, faint, 1.5 if pitch >= 60 else 1.0, "dot"))
    zero = finite & (edges.value == 0)
    if zero.any():
        shapes.append(shape("zero", zero, P.rgba(P.ZERO, alpha), 1.0, "solid"))
    size = np.abs(np.where(finite, edges.value, 0.0))
    vmax = float(size.max()) if len(size) else 0.0
    if vmax > 0:
        mag_bin = np.digitize(size / vmax, MAG_BINS)
        for sign, color, label in ((1, P.POSITIVE, "positive"), (-1, P.NEGATIVE, "negative")):
            for b in range(len(MAG_BINS) + 1):
                mask = finite & (np.sign(edges.value) == sign) & (mag_bin == b)
                if mask.any():
                    width = max(0.8, w_max * (b + 0.5) / (len(MAG_BINS) + 1))
                    dash = "solid" if sign > 0 else dash_for(width)
                    shapes.append(shape(f"{label} {b}", mask, P.rgba(color, alpha), width, dash))
    return shapes


def halo_shape(edges: EdgeSet, mask: np.ndarray, width: float, name: str, color: str) -> dict:
    """A wide line under the masked edges (the selected edge, the edges an update changed), named ``name``."""
    return _shape(edges, mask, name, dict(color=color, width=width, dash="solid"))


def hover_traces(edges: EdgeSet, hx: np.ndarray, hy: np.ndarray, hover: list[str], size: float) -> list[dict]:
    """Invisible markers at (hx, hy), one per edge, carrying its customdata and hover text; weights and biases
    apart (``["edge", k, i, j]`` and ``["bias", k, i]``).

    plotly.js hovers and selects a point from its data, not from its drawn marker, so only one marker of each
    trace is drawn (``marker.maxdisplayed``): drawing and styling all of them (352 for the digits) took about a
    fifth of each redraw of the diagram as a step is pressed."""
    out = []
    for bias in (False, True):
        rows = np.flatnonzero(edges.bias == bias)
        if not len(rows):
            continue
        custom = np.empty((len(rows), 3 if bias else 4), dtype=object)
        custom[:, 0] = "bias" if bias else "edge"
        custom[:, 1], custom[:, 2] = edges.k[rows].tolist(), edges.i[rows].tolist()
        if not bias:
            custom[:, 3] = edges.j[rows].tolist()
        out.append(
            dict(
                type="scatter",
                mode="markers",
                name="bias values" if bias else "edge values",
                x=hx[rows].astype(np.float32),
                y=hy[rows].astype(np.float32),
                customdata=custom,
                hovertext=np.array([hover[n] for n in rows]),
                hovertemplate="%{hovertext}<extra></extra>",
                showlegend=False,
                marker=dict(size=size, color="rgba(0,0,0,0)", maxdisplayed=1),
                selected=dict(marker=dict(opacity=1)),
                unselected=dict(marker=dict(opacity=1)),
                meta=["bias_hover" if bias else "edge_hover"],
            )
        )
    return out
