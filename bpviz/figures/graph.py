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

from dataclasses import astuple, dataclass, replace

import numpy as np
import plotly.graph_objects as go

from bpviz import chainrule as cr
from bpviz.figures import palette as P
from bpviz.figures.diagram.layout import text_width

VALUE_TEXT = P.mix(P.SAFE_COLOURS["green"], P.INK, 0.45)  # dark green, contrast ≥ 4.5 on white
GRAD_TEXT = P.mix(P.SAFE_COLOURS["purple"], P.INK, 0.45)  # dark reddish purple
OP_GAP = 1.7  # rows between operations of one column, room for a value above and a gradient below
TWO_LINE_GAP = 2.1  # the same with the gradient on two lines
CONST_RISE = 1.3
SMALL = 4
MIN_FONT = 13  # px: labels shrink no further to fit a wide graph; past that only those near the current node


@dataclass(frozen=True)
class Sizes:
    """Pixel sizes: node diameter, label and symbol fonts, one row (an input and the gap to the next),
    the room left of the inputs for their two-line labels and right of the output for half of its."""

    node: float = 60
    label: float = 18
    symbol: float = 22
    row: float = 84
    left: float = 175
    right: float = 10

    def scaled(self, k: float) -> "Sizes":
        return Sizes(*(k * v for v in astuple(self)))


def positions(graph: cr.Graph, gap: float = OP_GAP) -> dict[str, tuple[float, float]]:
    """(column, row) of every node. Inputs: column 0, one row apart, top to bottom. An operation:
    1 + the largest column of its non-constant arguments, at their mean row. A constant: one column
    left of its first user, CONST_RISE rows above it. Then, column by column, nodes are pushed down until
    operations are OP_GAP rows apart (room for a value above and a gradient below) and any other pair one
    row apart (``gap`` rows: more where gradients take two lines)."""
    col: dict[str, int] = {}
    row: dict[str, float] = {}
    inputs = graph.inputs
    ops = [n for n in graph.nodes if n.is_op]
    for x in inputs:
        col[x], row[x] = 0, len(inputs) - 1 - inputs.index(x)
    for n in ops:
        col[n.name] = 1 + max((col[a] for a in n.args if a in col), default=0)
    for c in sorted({col[n.name] for n in ops}):
        placed = [n.name for n in ops if col[n.name] == c]
        for name in placed:
            args = [a for a in graph.node(name).args if a in row]
            row[name] = sum(row[a] for a in args) / len(args) if args else 0.0
        _separate(graph, placed, row, gap)
    for n in reversed(ops):
        for a in n.args:
            if graph.node(a).op == "const":
                col[a], row[a] = col[n.name] - 1, row[n.name] + CONST_RISE
    for c in set(col.values()):
        _separate(graph, [name for name in col if col[name] == c], row, gap)
    return {n.name: (col[n.name], row[n.name]) for n in graph.nodes}


def _separate(graph: cr.Graph, names: list[str], row: dict[str, float], gap: float) -> None:
    """Push the nodes ``names`` of one column down, top first, until two operations are ``gap`` rows apart,
    a constant 0.75 gap below an operation and any other pair one row."""
    names = sorted(names, key=lambda x: -row[x])
    for above, below in zip(names, names[1:]):
        ops = graph.node(above).is_op, graph.node(below).is_op
        apart = gap if all(ops) else 0.75 * gap if ops[0] else 1.0  # an operation's gradient hangs below it
        row[below] = min(row[below], row[above] - apart)


def _labels(graph: cr.Graph, result: cr.Result | None, index: int, hide: bool = False) -> dict[str, tuple[str, ...]]:
    """Per node: (value label, its colour, gradient label, its colour) after stage ``index``; "?" not yet
    known, nor (``hide``) the one the stage computes while the learner predicts it; all empty without a
    result."""
    if result is None:
        return {n.name: ("", P.MUTED, "", P.MUTED) for n in graph.nodes}
    known_values, known_grads = cr.known(graph, index)
    stage = cr.stages(graph)[index]
    if hide:
        (known_values if stage.phase == "forward" else known_grads).discard(stage.node)
    backward = stage.phase in ("backward", "done")
    out = {}
    for n in graph.nodes:
        has_value, has_grad = n.name in known_values, n.name in known_grads
        value = f"{n.name} = {cr.fmt(result.values[n.name]) if has_value else '?'}"
        grad = f"∂{graph.output}/∂{n.name} = {cr.fmt(result.grads[n.name]) if has_grad else '?'}" if backward else ""
        out[n.name] = (value, VALUE_TEXT if has_value else P.MUTED, grad, GRAD_TEXT if has_grad else P.MUTED)
    return out


def _bend(pos: dict, start: tuple, end: tuple, clear: float = 0.6) -> float:
    """How far (rows) the middle of an edge's quadratic curve must move for the edge to pass ``clear`` rows
    from every node of the columns it crosses; 0 when the straight edge already does. Up or down, the
    smaller move that clears them all."""
    (x0, y0), (x1, y1) = start, end
    if abs(x1 - x0) < 2:
        return 0.0
    between = [(x, y) for x, y in pos.values() if min(x0, x1) < x < max(x0, x1)]

    def off(d: float, x: float, y: float) -> float:  # the curve's row at column x, minus node row y
        t = (x - x0) / (x1 - x0)
        return y0 + t * (y1 - y0) + 2 * t * (1 - t) * d - y

    best = None
    for sign in (1, -1):
        d = 0.0
        for _ in range(len(between) + 1):  # each pass clears the nodes the last move brought the curve to
            hit = [(x, y) for x, y in between if abs(off(d, x, y)) < clear]
            if not hit:
                break
            x, y = hit[0]
            t = (x - x0) / (x1 - x0)
            d += (sign * clear - off(d, x, y)) / (2 * t * (1 - t)) + sign * 1e-6
        else:
            continue
        best = d if best is None or abs(d) < abs(best) else best
    return best or 0.0


def _curve(start: tuple, end: tuple, bend: float, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points at ``t`` of the quadratic curve from start to end whose middle is ``bend`` rows off the line."""
    (x0, y0), (x1, y1) = start, end
    return x0 + t * (x1 - x0), y0 + t * (y1 - y0) + 2 * t * (1 - t) * bend


def _edge(fig: go.Figure, sz: Sizes, start, end, color: str, width: float, label: str = "", bend: float = 0.0) -> None:
    """An arrow from ``start`` to ``end``: straight, or a curve ``bend`` rows off it to pass clear of nodes
    (drawn as a line under the nodes, with an arrowhead on its last tenth)."""
    tail = start
    if bend:
        xs, ys = _curve(start, end, bend, np.linspace(0, 0.9, 19))
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"color": color, "width": width}, hoverinfo="skip"))
        tail = (xs[-1], ys[-1])
    fig.add_annotation(
        x=end[0], y=end[1], ax=tail[0], ay=tail[1], xref="x", yref="y", axref="x", ayref="y",
        showarrow=True, arrowhead=2, arrowsize=1.1, arrowwidth=width, arrowcolor=color,
        standoff=sz.node / 2 + 2, startstandoff=0 if bend else sz.node / 2 + 2, text="",
    )  # fmt: skip
    if label:  # half a column from the arrowhead: the middle of a short edge, clear of nodes a long one passes
        t = 1 - 0.5 / max(abs(end[0] - start[0]), 1)
        x, y = _curve(start, end, bend, np.array(t))
        fig.add_annotation(
            x=float(x), y=float(y), text=label, showarrow=False, yshift=sz.label * 0.85,
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


def _edges(fig: go.Figure, sz: Sizes, graph: cr.Graph, result: cr.Result | None, stage: cr.Stage, pos,
           labelled: bool = True) -> None:  # fmt: skip
    """Grey arrows along the forward direction; on a forward stage the current node's inputs in the
    value colour; on a backward stage arrows from its users back to the current node, each with its
    local gradient (written beside it if ``labelled``)."""
    for n in graph.nodes:
        for i, a in enumerate(n.args):
            bend = _bend(pos, pos[a], pos[n.name])
            if stage.phase == "forward" and stage.node == n.name:
                _edge(fig, sz, pos[a], pos[n.name], VALUE_TEXT, 4, bend=bend)
            elif stage.phase == "backward" and stage.node == a and result is not None:
                local = next(e.local for e in result.edges if e.target == n.name and e.position == i)
                _edge(fig, sz, pos[n.name], pos[a], GRAD_TEXT, 4, f"×{cr.fmt(local)}" if labelled else "", bend)
            else:
                _edge(fig, sz, pos[a], pos[n.name], "#9A9A9A", 2, bend=bend)


def _op_label_width(labels: dict, ops: list[str], font: float, two_lines: bool) -> float:
    """The widest value or gradient line of the operations ``ops`` at ``font`` px."""
    lines = [line for x in ops for line in (labels[x][0], *_grad_lines(labels[x][2], two_lines))]
    return max((text_width(line, font) for line in lines if line), default=0.0)


def _grad_lines(grad: str, two_lines: bool) -> list[str]:
    """The gradient label as drawn: "∂f/∂v" over "= −0.5344" in a wide graph."""
    return grad.replace(" = ", "\n= ", 1).split("\n") if two_lines else [grad]


def _fit(graph: cr.Graph, labels: dict, sz: Sizes, cols: int, width: float, two_lines: bool) -> tuple[Sizes, bool]:
    """Sizes for a graph drawn ``width`` px wide, and whether only the labels near the current node fit:
    the left margin its inputs' labels need; text shrunk (to MIN_FONT px) until the operations' labels fit
    between columns; past that, smaller nodes and only the labels ``_near`` the current node."""
    ops = [n.name for n in graph.nodes if n.is_op]

    def right(font: float) -> float:  # the output's labels are centred on the last column, 0.45 pitch in
        return max(10.0, _op_label_width(labels, [graph.output], font, two_lines) / 2 - 20)

    def pitch(font: float) -> float:
        left = max(text_width(line, font) for x in graph.inputs for line in (labels[x][0], labels[x][2]))
        return (width - left - right(font) - 44) / cols

    need = _op_label_width(labels, ops, sz.label, two_lines) + 10
    if pitch(sz.label) < need:
        sz = sz.scaled(max(pitch(sz.label) / need, MIN_FONT / sz.label))
    room = pitch(sz.label)
    sz = replace(sz, right=right(sz.label), left=width - 20 - right(sz.label) - room * cols)
    if room >= _op_label_width(labels, ops, sz.label, two_lines) + 10:
        return sz, False
    node = min(sz.node, 0.8 * room)
    return replace(sz, node=node, symbol=min(sz.symbol, 0.45 * node)), True


def graph_figure(graph: cr.Graph, result: cr.Result | None, index: int, height: float | None = None,
                 width: float | None = None, hide: bool = False) -> go.Figure:  # fmt: skip
    """The graph after stage ``index`` of ``cr.stages(graph)``; ``result`` None draws it without numbers.
    Operations show their value above and their gradient below (on two lines in a wide graph); inputs
    show both to their left; the title is the graph's. ``height`` (px) shrinks the graph to fit it (to 60 %
    of its size at most; the page scrolls beyond that). ``width`` (px) is the width it is drawn at: text
    shrinks to MIN_FONT px for the labels to fit between columns, and past that only the inputs' and the
    current node's (or the output's) labels are drawn, and no edge's (every number is in the page's table).
    ``hide``: the value (forward) or gradient (backward) the stage computes is "?" (the learner predicts it)."""
    stage = cr.stages(graph)[index]
    cols = max(c for c, _ in positions(graph).values()) + 1
    pos = positions(graph, TWO_LINE_GAP if cols > SMALL else OP_GAP)
    sz = Sizes().scaled(1.25 if cols <= SMALL else 1.0)
    low, high = min(r for _, r in pos.values()), max(r for _, r in pos.values())
    if height is not None:
        natural = sz.row * (high - low + 1.6) + 35 + 2 * sz.label
        sz = sz.scaled(float(np.clip(height / natural, 0.6, 1.0)))
    labels = _labels(graph, result, index, hide)
    focus = False
    if width is not None:
        sz, focus = _fit(graph, labels, sz, cols, width, cols > SMALL)
    if focus:
        near = _near(graph, stage)
        labels = {k: v if k in near or graph.node(k).op == "input" else ("", v[1], "", v[3]) for k, v in labels.items()}
    fig = go.Figure()
    _edges(fig, sz, graph, result, stage, pos, labelled=not focus)
    fig.add_trace(_node_trace(graph, sz, pos, stage.node))
    ops = [n.name for n in graph.nodes if n.is_op]
    xs, ys = [pos[x][0] for x in ops], [pos[x][1] for x in ops]
    fig.add_trace(_text_trace(sz, xs, ys, [labels[x][0] for x in ops], [labels[x][1] for x in ops], "top center"))
    grads = ["<br>".join(_grad_lines(labels[x][2], cols > SMALL)) for x in ops]
    fig.add_trace(_text_trace(sz, xs, ys, grads, [labels[x][3] for x in ops], "bottom center"))
    ins = graph.inputs
    grads = [f'<br><span style="color:{labels[x][3]}">{labels[x][2]}</span>' if labels[x][2] else "" for x in ins]
    text = [labels[x][0] + g for x, g in zip(ins, grads)]
    ys = [pos[x][1] for x in ins]
    fig.add_trace(_text_trace(sz, [0] * len(ins), ys, text, [labels[x][1] for x in ins], "middle left"))
    fig.update_layout(
        height=int(sz.row * (high - low + 1.6) + 35 + 2 * sz.label), width=width, showlegend=False,
        dragmode=False, plot_bgcolor=P.BACKGROUND, paper_bgcolor=P.BACKGROUND,
        margin={"l": sz.left, "r": sz.right, "t": 20 + 2 * sz.label, "b": 15},
        font={"family": P.FONT_FAMILY, "size": sz.label},
        title={"text": graph.title, "x": 0.01, "xanchor": "left", "font": {"size": sz.label + 4}},
        xaxis={"visible": False, "range": [-0.45, cols - 0.55], "fixedrange": True},
        yaxis={"visible": False, "range": [low - 0.8, high + 0.8], "fixedrange": True},
        meta={"alt": _alt(graph, _labels(graph, result, index, hide), stage), "focus": focus},
    )  # fmt: skip
    return fig


def _near(graph: cr.Graph, stage: cr.Stage) -> set[str]:
    """The operation labelled in a graph too wide for every label: the current one, or the output."""
    return {stage.node or graph.output}


def _alt(graph: cr.Graph, labels: dict, stage: cr.Stage) -> str:
    """The graph in words: every node's value and gradient as known at this stage ("?" not yet)."""
    text = f"Computational graph of {graph.title}, inputs on the left, {graph.output} on the right."
    if not any(labels[n.name][0] for n in graph.nodes):
        return text + " No values: these inputs cannot be computed."
    nodes = "; ".join(", ".join(t for t in (labels[n.name][0], labels[n.name][2]) if t) for n in graph.nodes)
    return text + f" {nodes}." + (f" Current node: {stage.node}." if stage.node else "")
