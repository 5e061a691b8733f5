"""The computational graph of the chain-rule page: operations as circles, inputs as squares, left to right.

Column of a node = 1 + the largest column of its non-constant arguments (inputs in column 0); a
constant sits one column left of, and above, the operation that uses it. Above each operation: its
value ("q = 3"); below: its gradient ("∂f/∂q = −4"); an input shows both to its left; "?" until the
stage computes it. The current
node is filled yellow with a thick ring; on a backward stage the edges to the operations that
use it point back at it, each marked with the local gradient it multiplies by ("×1"). Text, not
colour alone, tells values from gradients. A graph of at most SMALL columns is drawn 1.25 times larger;
a wider one writes an operation's gradient on two lines to stay clear of its neighbours.
"""

from dataclasses import astuple, dataclass

import numpy as np
import plotly.graph_objects as go

from bpviz import chainrule as cr
from bpviz.figures import palette as P

VALUE_TEXT = P.mix(P.SAFE_COLOURS["green"], P.INK, 0.45)  # dark green, contrast ≥ 4.5 on white
GRAD_TEXT = P.mix(P.SAFE_COLOURS["purple"], P.INK, 0.45)  # dark reddish purple
OP_GAP = 1.7  # rows between operations of one column, room for a value above and a gradient below
CONST_RISE = 1.3
SMALL = 4


@dataclass(frozen=True)
class Sizes:
    """Pixel sizes: node diameter, label and symbol fonts, one row (an input and the gap to the next),
    and the room left of the inputs for their two-line labels."""

    node: float = 60
    label: float = 18
    symbol: float = 22
    row: float = 84
    left: float = 175

    def scaled(self, k: float) -> "Sizes":
        return Sizes(*(k * v for v in astuple(self)))


def positions(graph: cr.Graph) -> dict[str, tuple[float, float]]:
    """(column, row) of every node. Inputs: column 0, one row apart, top to bottom. An operation:
    1 + the largest column of its non-constant arguments, at their mean row, at least OP_GAP rows
    from the operation above it in its column. A constant: one column left of its first user,
    CONST_RISE rows above it (where only a one-line value label sits)."""
    col: dict[str, int] = {}
    row: dict[str, float] = {}
    inputs = graph.inputs
    ops = [n for n in graph.nodes if n.is_op]
    for x in inputs:
        col[x], row[x] = 0, len(inputs) - 1 - inputs.index(x)
    for n in ops:
        col[n.name] = 1 + max((col[a] for a in n.args if a in col), default=0)
    for c in sorted({col[n.name] for n in ops}):
        placed: list[str] = []
        for n in ops:
            if col[n.name] == c:
                args = [a for a in n.args if a in row]
                row[n.name] = sum(row[a] for a in args) / len(args) if args else 0.0
                placed.append(n.name)
        placed.sort(key=lambda x: -row[x])
        for above, below in zip(placed, placed[1:]):
            row[below] = min(row[below], row[above] - OP_GAP)
    for n in reversed(ops):
        for a in n.args:
            if graph.node(a).op == "const":
                col[a], row[a] = col[n.name] - 1, row[n.name] + CONST_RISE
    return {n.name: (col[n.name], row[n.name]) for n in graph.nodes}


def _labels(graph: cr.Graph, result: cr.Result | None, index: int) -> dict[str, tuple[str, str, str, str]]:
    """Per node: (value label, its colour, gradient label, its colour) after stage ``index``; "?" not yet
    known; all empty without a result."""
    if result is None:
        return {n.name: ("", P.MUTED, "", P.MUTED) for n in graph.nodes}
    known_values, known_grads = cr.known(graph, index)
    backward = cr.stages(graph)[index].phase in ("backward", "done")
    out = {}
    for n in graph.nodes:
        has_value, has_grad = n.name in known_values, n.name in known_grads
        value = f"{n.name} = {cr.fmt(result.values[n.name]) if has_value else '?'}"
        grad = f"∂f/∂{n.name} = {cr.fmt(result.grads[n.name]) if has_grad else '?'}" if backward else ""
        out[n.name] = (value, VALUE_TEXT if has_value else P.MUTED, grad, GRAD_TEXT if has_grad else P.MUTED)
    return out


def _edge(fig: go.Figure, sz: Sizes, start, end, color: str, width: float, label: str = "") -> None:
    fig.add_annotation(
        x=end[0], y=end[1], ax=start[0], ay=start[1], xref="x", yref="y", axref="x", ayref="y",
        showarrow=True, arrowhead=2, arrowsize=1.1, arrowwidth=width, arrowcolor=color,
        standoff=sz.node / 2 + 2, startstandoff=sz.node / 2 + 2, text="",
    )  # fmt: skip
    if label:  # half a column from the arrowhead: the middle of a short edge, clear of nodes a long one passes
        t = 1 - 0.5 / max(abs(end[0] - start[0]), 1)
        fig.add_annotation(
            x=start[0] + t * (end[0] - start[0]), y=start[1] + t * (end[1] - start[1]), text=label, showarrow=False,
            yshift=sz.label * 0.85,
            font={"size": sz.label, "color": GRAD_TEXT}, bgcolor="rgba(255,255,255,0.9)", borderpad=1,
        )  # fmt: skip


def _symbol(n: cr.Node) -> str:
    if n.op == "power":
        return f"^{cr.fmt(n.p)}"
    return cr.OPS[n.op].symbol if n.is_op else n.label()


def _text_trace(sz: Sizes, xs, ys, text, colors, where: str) -> go.Scatter:
    """Labels beside invisible markers of the node size, so Plotly keeps them clear of the node."""
    return go.Scatter(
        x=xs, y=ys, mode="markers+text", marker={"size": sz.node + 6, "opacity": 0}, hoverinfo="skip",
        text=text, textposition=where, textfont={"size": sz.label, "color": colors}, cliponaxis=False,
    )  # fmt: skip


def _node_trace(graph: cr.Graph, sz: Sizes, pos, current: str | None) -> go.Scatter:
    nodes = graph.nodes
    now = [n.name == current for n in nodes]
    fill = [P.HIGHLIGHT if c else P.EMPTY_FILL if n.is_op else P.NEUTRAL_FILL for n, c in zip(nodes, now)]
    return go.Scatter(
        x=[pos[n.name][0] for n in nodes], y=[pos[n.name][1] for n in nodes], mode="markers+text",
        marker={
            "size": [sz.node if n.op != "const" else sz.node * 0.77 for n in nodes],
            "symbol": ["circle" if n.is_op else "square" for n in nodes], "color": fill,
            "line": {"width": [5 if c else 2 for c in now], "color": [P.INK if c else "#6E6E6E" for c in now]},
        },
        text=[_symbol(n) for n in nodes], textposition="middle center", textfont={"size": sz.symbol, "color": P.INK},
        hovertext=[f"{n.name} = {graph.formula(n.name)}" if n.is_op else f"{n.op} {n.label()}" for n in nodes],
        hoverinfo="text", customdata=[n.name for n in nodes],
    )  # fmt: skip


def _edges(fig: go.Figure, sz: Sizes, graph: cr.Graph, result: cr.Result | None, stage: cr.Stage, pos) -> None:
    """Grey arrows along the forward direction; on a forward stage the current node's inputs in the
    value colour; on a backward stage arrows from its users back to the current node, each with its
    local gradient."""
    for n in graph.nodes:
        for i, a in enumerate(n.args):
            if stage.phase == "forward" and stage.node == n.name:
                _edge(fig, sz, pos[a], pos[n.name], VALUE_TEXT, 4)
            elif stage.phase == "backward" and stage.node == a and result is not None:
                local = next(e.local for e in result.edges if e.target == n.name and e.position == i)
                _edge(fig, sz, pos[n.name], pos[a], GRAD_TEXT, 4, f"×{cr.fmt(local)}")
            else:
                _edge(fig, sz, pos[a], pos[n.name], "#9A9A9A", 2)


def graph_figure(graph: cr.Graph, result: cr.Result | None, index: int, height: float | None = None) -> go.Figure:
    """The graph after stage ``index`` of ``cr.stages(graph)``; ``result`` None draws it without numbers.
    Operations show their value above and their gradient below (on two lines in a wide graph); inputs
    show both to their left; the title is the graph's. ``height`` (px) shrinks the graph to fit it (to 60 %
    of its size at most; the page scrolls beyond that)."""
    stage = cr.stages(graph)[index]
    pos = positions(graph)
    cols = max(c for c, _ in pos.values()) + 1
    sz = Sizes().scaled(1.25 if cols <= SMALL else 1.0)
    low, high = min(r for _, r in pos.values()), max(r for _, r in pos.values())
    if height is not None:
        natural = sz.row * (high - low + 1.6) + 35 + 2 * sz.label
        sz = sz.scaled(float(np.clip(height / natural, 0.6, 1.0)))
    fig = go.Figure()
    _edges(fig, sz, graph, result, stage, pos)
    fig.add_trace(_node_trace(graph, sz, pos, stage.node))
    labels = _labels(graph, result, index)
    ops = [n.name for n in graph.nodes if n.is_op]
    xs, ys = [pos[x][0] for x in ops], [pos[x][1] for x in ops]
    fig.add_trace(_text_trace(sz, xs, ys, [labels[x][0] for x in ops], [labels[x][1] for x in ops], "top center"))
    grads = [labels[x][2] for x in ops]
    if cols > SMALL:  # narrow columns: "∂f/∂v" over "= −0.5344", clear of the neighbours' labels
        grads = [g.replace(" = ", "<br>= ", 1) for g in grads]
    fig.add_trace(_text_trace(sz, xs, ys, grads, [labels[x][3] for x in ops], "bottom center"))
    ins = graph.inputs
    grads = [f'<br><span style="color:{labels[x][3]}">{labels[x][2]}</span>' if labels[x][2] else "" for x in ins]
    text = [labels[x][0] + g for x, g in zip(ins, grads)]
    ys = [pos[x][1] for x in ins]
    fig.add_trace(_text_trace(sz, [0] * len(ins), ys, text, [labels[x][1] for x in ins], "middle left"))
    fig.update_layout(
        height=int(sz.row * (high - low + 1.6) + 35 + 2 * sz.label), showlegend=False, dragmode=False,
        plot_bgcolor=P.BACKGROUND, paper_bgcolor=P.BACKGROUND,
        margin={"l": sz.left, "r": 10, "t": 20 + 2 * sz.label, "b": 15},
        font={"family": P.FONT_FAMILY, "size": sz.label},
        title={"text": graph.title, "x": 0.01, "xanchor": "left", "font": {"size": sz.label + 4}},
        xaxis={"visible": False, "range": [-0.45, cols - 0.55], "fixedrange": True},
        yaxis={"visible": False, "range": [low - 0.8, high + 0.8], "fixedrange": True},
        meta={"alt": _alt(graph, labels, stage)},
    )  # fmt: skip
    return fig


def _alt(graph: cr.Graph, labels: dict, stage: cr.Stage) -> str:
    """The graph in words: every node's value and gradient as known at this stage ("?" not yet)."""
    text = f"Computational graph of {graph.title}, inputs on the left, f on the right."
    if not any(labels[n.name][0] for n in graph.nodes):
        return text + " No values: these inputs cannot be computed."
    nodes = "; ".join(", ".join(t for t in (labels[n.name][0], labels[n.name][2]) if t) for n in graph.nodes)
    return text + f" {nodes}." + (f" Current node: {stage.node}." if stage.node else "")
