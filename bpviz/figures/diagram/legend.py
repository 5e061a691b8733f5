"""The diagram's legend: what line styles, node fills and marks mean, and notes on what did not fit.

The legend is drawn by the figure itself (a sample and a text per entry, in rows the layout engine places
under the nodes), so its boxes are known and never meet a label. An entry's ``text`` is also its name.
"""

from dataclasses import dataclass

import numpy as np

from bpviz.lesson.names import bias_symbol, layer_words
from bpviz.lesson.shown import DiagramView

from .. import palette as P
from . import layout as G
from .edges import EdgeSet, dash_for


@dataclass(frozen=True)
class Entry:
    """One legend entry: a "line" sample (color, dash, width), a "marker" sample (color, symbol, outline) or
    a plain "note"."""

    kind: str
    text: str
    color: str = P.INK
    dash: str = "solid"
    width: float = 4.0
    symbol: str = "circle"
    outline: str = P.INK


def _joined(symbols: list[str], fallback: str) -> str:
    return " / ".join(symbols) or fallback


def legend_entries(
    view: DiagramView,
    with_bias: bool,
    notes,
    style: G.NodeStyle,
    decimals: int,
    edges: EdgeSet | None,
    tiles: bool = False,
) -> tuple[Entry, ...]:
    """The entries for ``view`` drawn in ``style`` (``tiles``: nodes drawn as maps over the input plane);
    ``edges`` None gives the entries of a first estimate."""
    firsts = [shown[0].symbol for shown in view.edges if shown]
    if with_bias:
        firsts += [bias_symbol(shown[0].symbol) for shown in view.biases if shown]
    e = _joined(list(dict.fromkeys(firsts)), "w")
    out = [
        Entry("line", f"{e} > 0 (solid)", P.POSITIVE),
        Entry("line", f"{e} < 0 (dashed)", P.NEGATIVE, dash_for(4)),
        Entry("line", f"width ∝ |{e}|", P.ZERO, width=7),
    ]
    value = edges.value if edges is not None else np.zeros(0)
    if edges is not None and (np.isfinite(value) & (value == 0)).any():
        out.append(Entry("line", f"{e} = 0 (thin grey)", P.ZERO, width=1.5))
    if any(shown is None for shown in view.edges):
        out.append(Entry("line", "not computed yet (dotted)", P.FAINT, "dot", 2))
    if edges is not None and edges.hidden.any():
        out.append(Entry("line", "to predict (dotted, ?)", P.FAINT, "dot", 2))
    if edges is not None and (edges.given & ~np.isfinite(value) & ~edges.hidden).any():
        out.append(Entry("line", "NaN or infinite (dotted)", P.FAINT, "dot", 2))
    if view.changed:
        out.append(Entry("line", "changed by the update", P.rgba(P.HIGHLIGHT, 0.9), width=9))
    out += TILE_ENTRIES if tiles else _node_entries(view)
    if with_bias:
        out.append(Entry("marker", "1 = bias input", P.NEUTRAL_FILL, symbol="square"))
    out += [Entry("note", text) for text in note_texts(view, notes, style, decimals)]
    return tuple(out)


TILE_ENTRIES = (
    Entry("marker", "a > 0", P.shade(1, 1), symbol="square"),
    Entry("marker", "a < 0", P.shade(-1, 1), symbol="square"),
    Entry("note", "tile: a over the input plane (x1 →, x2 ↑)"),
)


def _node_entries(view: DiagramView) -> list[Entry]:
    """Fill by sign and size of the first value (the input, on a scale of its own, is left out of the symbols
    unless it is all there is), zero, not computed yet."""
    firsts = list(dict.fromkeys(shown[0].symbol for shown in view.nodes[1:] if shown))
    firsts = firsts or list(dict.fromkeys(shown[0].symbol for shown in view.nodes[:1] if shown))
    out = []
    if firsts:
        n = _joined(firsts, "a")
        out += [
            Entry("marker", f"{n} > 0", P.shade(1, 1)),
            Entry("marker", f"{n} < 0", P.shade(-1, 1)),
            Entry("marker", f"shade ∝ |{n}|", P.shade(0.35, 1)),
        ]
        if any(shown and np.any(shown[0].values == 0) for shown in view.nodes):
            out.append(Entry("marker", f"{n} = 0 (grey)", P.ZERO_FILL))
    if any(q.hidden is not None for shown in view.nodes if shown for q in shown):
        out.append(Entry("marker", "to predict (?)", P.EMPTY_FILL, symbol="circle-dot", outline=P.MUTED))
    if any(shown is None for shown in view.nodes):
        hollow = Entry("marker", "value not computed yet (?)", P.EMPTY_FILL, symbol="circle-dot", outline=P.MUTED)
        out.append(hollow)
    return out


def note_texts(view: DiagramView, notes, style: G.NodeStyle, decimals: int) -> list[str]:
    """Plain-words notes: the order of a node's values when they carry no symbols, and what is shown on hover
    only or with fewer decimals because there was no room."""
    out = []
    several = [shown for shown in view.nodes if shown and len(shown) > 1]
    if several and not style.symbols and not style.hover_only and style.values > 1:
        order = list(dict.fromkeys(q.symbol for shown in several for q in shown))
        out.append(f"node values top to bottom: {', '.join(order)}")
    for note in notes:
        if note == G.FEWER_DECIMALS:
            out.append(f"{style.decimals} decimals here ({decimals} in the equations)")
        elif note == G.DROP_NAMES:
            out.append("names on hover")
        elif note == G.ONE_VALUE:
            out.append("more values on hover")
        elif note == G.HOVER_ONLY:
            out.append("node values on hover")
        elif note == "edges on hover":
            out.append("edge values on hover")
        elif note == "edge symbols":
            out.append(edge_symbols_note(view))
        elif note == "edge new values":
            out.append("edge values: after the update")
        elif note == "edge lines on hover":
            out.append("some edge labels shortened (hover for all)")
        elif note.endswith(" on hover"):
            count = note.split()[0]
            out.append(f"{count} edge value{'s' if count != '1' else ''} on hover (no room)")
    if "names on hover" in out and "edge values on hover" in out:  # one note, one line
        out[out.index("names on hover")] = "names and edge values on hover"
        out.remove("edge values on hover")
    return out


def edge_symbols_note(view: DiagramView) -> str:
    """Which edges show which quantity, runs of layers together: "edges into hidden 1–2: w; into output: ∂L/∂w"."""
    words = layer_words(len(view.edges))
    runs: list[list] = []  # [symbol, first layer, last layer]
    for k, shown in enumerate(view.edges):
        symbol = ", ".join(q.symbol for q in shown) if shown else "not computed yet"
        if runs and runs[-1][0] == symbol:
            runs[-1][2] = k + 1
        else:
            runs.append([symbol, k + 1, k + 1])
    parts = [f"into {_span(words, a, b)}: {symbol}" for symbol, a, b in runs]
    return "edges " + "; ".join(parts)


def _span(words: list[str], a: int, b: int) -> str:
    """ "hidden 1", "hidden 1–3", "hidden 2–output"."""
    if a == b:
        return words[a]
    both_hidden = words[a].startswith("hidden") and words[b].startswith("hidden")
    return f"{words[a]}–{words[b].removeprefix('hidden ') if both_hidden else words[b]}"


def legend_traces(entries, lines, boxes, font: float) -> tuple[list[dict], list[dict]]:
    """(sample traces, text annotations) drawing ``entries`` (their text in ``lines``) at their ``boxes``; a
    sample sits by the first line."""
    traces, annotations = [], []
    for entry, text, box in zip(entries, lines, boxes):
        y = box.y0 + G.LINE * font / 2
        x_text = box.x0 if entry.kind == "note" else box.x0 + G.LEGEND_SAMPLE
        if entry.kind == "line":
            line = dict(color=entry.color, width=entry.width, dash=entry.dash)
            traces.append(dict(type="scatter", mode="lines", name=entry.text, x=[box.x0, box.x0 + 22], y=[y, y],
                               line=line, hoverinfo="skip", showlegend=False, meta=["legend"]))  # fmt: skip
        elif entry.kind == "marker":
            marker = dict(size=16, color=entry.color, symbol=entry.symbol, line=dict(color=entry.outline, width=1.5))
            traces.append(dict(type="scatter", mode="markers", name=entry.text, x=[box.x0 + 11], y=[y], marker=marker,
                               hoverinfo="skip", showlegend=False, meta=["legend"]))  # fmt: skip
        annotations.append(dict(x=x_text, y=box.y0, xanchor="left", yanchor="top", text="<br>".join(text),
                                align="left", showarrow=False, name="legend",
                                font=dict(color=P.INK, size=font)))  # fmt: skip
    return traces, annotations
