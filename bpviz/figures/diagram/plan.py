"""The plan of one diagram: fonts, layer titles, node columns, what every node and edge prints and where, and
the legend, all in px for the size given (``layout`` does the geometry, this module decides what goes in).

The plan is made in passes: the legend's height depends on the notes of what did not fit, and what fits
depends on the room the legend leaves, so it is planned again with a taller legend band while its entries
need more rows than the band has (twice at most).
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from bpviz.engine.spec import NetworkSpec
from bpviz.lesson.names import Names, layer_names
from bpviz.lesson.numbers import format_value
from bpviz.lesson.shown import DiagramView

from . import layout as G
from .edges import EdgeSet, edge_set, selected
from .legend import Entry, legend_entries

MAX_DRAWN_EDGES = 3000  # the caps of wide layers drop (not below 8) until at most this many edges are drawn
MAX_EDGE_LABELS = 24  # more edges with values than this: the computing layer's alone are labelled, or none
NATURAL_PITCH = 92  # px a row at scale 1 when the height is the diagram's own choice
MIN_HEIGHT, MAX_HEIGHT = 360, 860
MIN_TILE = 20  # px: the smallest side of a node drawn as a tile (its map stays readable; it prints no label)


@dataclass(frozen=True)
class Plan:
    """Everything the figure draws, in px of a ``width`` × ``height`` plot (see ``layout``)."""

    width: float
    height: float
    font: float
    title_font: float
    legend_font: float
    columns: G.Columns
    titles: tuple[tuple[str, ...], ...]
    title_boxes: tuple[G.Box, ...]
    node_lines: tuple[tuple[tuple[str, ...], ...], ...]
    style: G.NodeStyle
    edges: EdgeSet
    edge_labels: tuple[tuple[str, ...] | None, ...]
    edge_spots: tuple[tuple[float, float] | None, ...]
    legend: tuple[Entry, ...]
    legend_lines: tuple[tuple[str, ...], ...]
    legend_boxes: tuple[G.Box, ...]
    more_boxes: tuple[G.Box | None, ...]


def plan(
    spec: NetworkSpec,
    view: DiagramView,
    names: Names,
    *,
    width: float,
    height: float | None,
    scale: float,
    decimals: int,
    show_bias: bool,
    max_per_layer: int,
    max_height: float = MAX_HEIGHT,
    first: tuple | None = None,
    tiles: bool = False,
) -> Plan:
    """The plan of ``view`` of a network with ``spec`` in ``width`` × ``height`` px (height None: the diagram's
    own, from its tallest column, at most ``max_height``); ``scale`` multiplies the type and node sizes
    (presentation mode); ``first``, an ("edge", k, i, j) or ("bias", k, i), gets its label placed first. With
    ``tiles`` every node is a square of side ``columns.diameter`` that carries a picture (a map over the input
    plane) and no label: rows may come as close as MIN_TILE / 0.86 px, names and values go to hover, and the
    edges stop at the squares' sides."""
    fonts = Fonts(scale)
    with_bias = show_bias and spec.bias != "none"
    cap = _edge_cap(spec.layers, max_per_layer)
    known = ((G.DROP_NAMES,) if tiles else ()) + (() if view.edge_labels else ("edges on hover",))  # notes to come
    entries = legend_entries(view, with_bias, known, G.NodeStyle(decimals=decimals), decimals, None, tiles=tiles)
    legend_h = _legend_height(entries, width, fonts.legend)
    for last in (False, False, False, True):  # the legend gains notes of what did not fit: plan again, taller
        made = _attempt(spec, view, names, (width, height, max_height, first), scale, fonts, decimals,
                        (with_bias, tiles), cap, legend_h, last)  # fmt: skip
        need = _legend_height(made.legend, width, fonts.legend)
        if need <= legend_h:
            return made
        legend_h = need
    return made


def _legend_height(entries: Sequence[Entry], width: float, font: float) -> float:
    """The height of the legend band for ``entries`` in rows across ``width`` (8 px margins)."""
    return G.legend_height([e.text for e in entries], width - 16, font) + 16


@dataclass(frozen=True)
class Fonts:
    """Type sizes in px at a ``scale``: node and edge labels and titles grow with it, the legend by half as
    much (it is read up close); none is smaller than MIN_FONT."""

    scale: float

    @property
    def text(self) -> float:
        return max(G.MIN_FONT, round(15 * self.scale, 1))

    @property
    def legend(self) -> float:
        return max(G.MIN_FONT, round(15 * (1 + (self.scale - 1) / 2), 1))


def _attempt(spec, view, names, size, scale, fonts: Fonts, decimals, kinds, cap, legend_h, trim) -> Plan:
    """One pass of ``plan`` in ``size`` = (width, height or None, max_height, the element labelled first) with a
    legend band of ``legend_h`` px; ``kinds`` = (with the bias nodes, nodes as tiles); ``trim``: the last pass,
    which leaves out notes at the legend's end that find no room."""
    width, height, max_height, first = size
    with_bias, tiles = kinds
    font = title_font = fonts.text
    L = spec.depth
    spacing = (width - 2 * 60 * scale) / max(L, 1)
    max_diameter = min(0.68 * spacing, 132 * scale)
    titles, title_boxes, side = _titles(title_levels(spec), width, max_diameter, title_font)
    title_h = max(len(lines) for lines in titles) * G.LINE * title_font + 10
    natural = max(min(n, cap + 1) for n in spec.layers) + (1 if with_bias else 0)
    if height is None:
        tallest = max(min(MAX_HEIGHT, max_height), MIN_HEIGHT)
        height = float(np.clip(natural * NATURAL_PITCH * scale + title_h + legend_h, min(MIN_HEIGHT * scale, tallest),
                               tallest))  # fmt: skip
    area = G.Box(0, title_h, width, height - legend_h)
    pitch = MIN_TILE / 0.86 if tiles else G.min_pitch(font)
    cols = G.columns(spec.layers, area, cap=cap, min_pitch=pitch, max_diameter=max_diameter, side=side,
                     with_bias=with_bias)  # fmt: skip
    if tiles and any(y is not None for y in cols.more_y) and pitch < _mark_pitch(font):
        cols = G.columns(spec.layers, area, cap=cap, min_pitch=_mark_pitch(font), max_diameter=max_diameter,
                         side=side, with_bias=with_bias)  # fmt: skip  (a "+N more" mark needs its row)
    texts = node_texts(view, names, cols)
    if tiles:  # the picture is the node's content: its name and values go to hover
        style, style_notes = G.NodeStyle(hover_only=True), (G.DROP_NAMES,)
    else:
        style, style_notes, cols = _snug_style(texts, cols, font, decimals, names_only=not any(view.nodes))
    lines = tuple(tuple(style.lines(t, format_value) for t in col) for col in texts)
    edges = edge_set(cols, view, with_bias)
    if tiles:
        edges = clipped(edges, cols.diameter / 2)
    more_boxes = _more_boxes(spec.layers, cols, font)
    taken = [*title_boxes, *(b for b in more_boxes if b)]
    shown_decimals = style.decimals if not style.hover_only else decimals  # edges round as the nodes do
    edge_labels, spots, edge_notes = _edge_labels(view, edges, cols, taken, _discs(cols, with_bias, tiles), font,
                                                  first, shown_decimals)  # fmt: skip
    legend = legend_entries(view, with_bias, style_notes + edge_notes, style, decimals, edges, tiles=tiles)
    while trim and legend[-1].kind == "note" and _legend_height(legend, width, fonts.legend) > legend_h:
        legend = legend[:-1]
    legend_lines, legend_boxes = G.legend_layout([e.text for e in legend], width - 16, 8, area.y1 + 8, fonts.legend)
    return Plan(width, height, font, title_font, fonts.legend, cols, tuple(titles), tuple(title_boxes), lines, style,
                edges, edge_labels, spots, tuple(legend), tuple(map(tuple, legend_lines)), tuple(legend_boxes),
                more_boxes)  # fmt: skip


def _mark_pitch(font: float) -> float:
    """The smallest row pitch that keeps a "+N more" mark (one line of ``font``) clear of the squares in the
    rows above and below it: half its height and PAD within the 1 − 0.86 / 2 of a pitch a square leaves."""
    return (G.LINE * font / 2 + G.PAD) / (1 - 0.86 / 2)


def _snug_style(texts, cols: G.Columns, font: float, decimals: int, names_only: bool):
    """(the richest node style that fits, its notes, ``cols`` with nodes no bigger than their labels need, so
    the edge labels get room); a view of names only has no values to round or drop."""
    richest = G.NodeStyle(values=max((len(t.values) for col in texts for t in col), default=0), decimals=decimals)
    snug = max(G.needed_diameter(texts, richest, font, format_value) + 10, 2.4 * font)
    cols = replace(cols, diameter=min(cols.diameter, snug))
    style, notes = G.node_style(texts, cols.diameter - 4, font, decimals, format_value)
    if names_only:
        notes = tuple(n for n in notes if n in (G.DROP_NAMES, G.HOVER_ONLY))
    return style, notes, cols


def clipped(edges: EdgeSet, half: float) -> EdgeSet:
    """``edges`` with each segment shortened to run between the sides of the squares of half-side ``half``
    centred on its two ends (where it leaves one square and enters the other): a segment (dx, dy) long leaves
    its square at t = half / max(|dx|, |dy|) of its length."""
    dx, dy = edges.x1 - edges.x0, edges.y1 - edges.y0
    t = half / np.maximum(np.maximum(np.abs(dx), np.abs(dy)), 1e-9)
    t = np.minimum(t, 0.5)
    return replace(edges, x0=edges.x0 + t * dx, y0=edges.y0 + t * dy, x1=edges.x1 - t * dx, y1=edges.y1 - t * dy)


def _edge_cap(layers: Sequence[int], max_per_layer: int) -> int:
    """``max_per_layer``, lowered until the drawn edges number at most MAX_DRAWN_EDGES (never below 8)."""
    cap = max_per_layer
    while cap > 8 and sum(min(m, cap) * min(n, cap) for m, n in zip(layers, layers[1:])) > MAX_DRAWN_EDGES:
        cap -= 1
    return cap


def _titles(levels, width: float, max_diameter: float, font: float):
    """(titles, their boxes, the side margin of the outer columns): the first level of ``title_levels`` whose
    titles stay clear of each other and inside the figure when the outer columns keep room for their own
    title and node; the shortest level when none does."""
    L = len(levels[0]) - 1
    for titles in levels:
        half = max(max(G.text_width(t, font) for t in titles[k]) / 2 for k in (0, L))
        side = min(max(half, max_diameter / 2) + 6, width / 4)
        xs = np.linspace(side, width - side, L + 1) if L else [width / 2]
        level, boxes = G.pick_titles([titles], xs, 4, font)
        inside = all(b.x0 >= 0 and b.x1 <= width for b in boxes)
        if level == 0 and inside and all(not a.overlaps(b, pad=8) for a, b in zip(boxes, boxes[1:])):
            return titles, boxes, side
    return titles, boxes, side


def title_levels(spec: NetworkSpec) -> list[list[tuple[str, ...]]]:
    """Layer titles from the longest form to the shortest, per level a list of each layer's lines:
    "hidden 1 · sigmoid (8)" on one line, then on two and three lines, then "h1 / sigmoid / (8)", "h1 / (8)"."""
    names, L = layer_names(spec), spec.depth
    short = ["in", *(f"h{l}" for l in range(1, L)), "out"]
    acts = ["", *spec.activations]
    n = spec.layers

    def level(make) -> list[tuple[str, ...]]:
        return [make(k) for k in range(L + 1)]

    return [
        level(lambda k: (f"{names[k]} ({n[k]})",) if k == 0 else (f"{names[k]} · {acts[k]} ({n[k]})",)),
        level(lambda k: (names[k], f"({n[k]})") if k == 0 else (names[k], f"{acts[k]} ({n[k]})")),
        level(lambda k: (names[k], f"({n[k]})") if k == 0 else (names[k], acts[k], f"({n[k]})")),
        level(lambda k: (short[k], f"({n[k]})") if k == 0 else (short[k], acts[k], f"({n[k]})")),
        level(lambda k: (short[k], f"({n[k]})")),
    ]


def node_texts(view: DiagramView, names: Names, cols: G.Columns) -> list[list[G.NodeText]]:
    """What each drawn node can print: its name and the (symbol, value) of each quantity shown on it."""
    out = []
    for k, idx in enumerate(cols.drawn):
        shown = view.nodes[k]
        if shown is None:
            values = [(("", None),)] * len(idx)
        else:
            values = [tuple((q.symbol, q.at(i)) for q in shown) for i in idx]  # None: hidden, printed "?"
        out.append([G.NodeText(names.node(k, int(i)), values[r]) for r, i in enumerate(idx)])
    return out


def _discs(cols: G.Columns, with_bias: bool, tiles: bool = False) -> list[G.Circle]:
    """The node discs (tiles and the bias squares as the discs around them) labels keep clear of."""
    r = cols.diameter / 2 * (np.sqrt(2) if tiles else 1)
    discs = [G.Circle(x, float(y), r) for x, ys in zip(cols.x, cols.y) for y in ys]
    if with_bias:
        discs += [G.Circle(x, cols.bias_y, 0.8 * r * 1.42) for x in cols.x[:-1]]
    return discs


def more_text(layers: Sequence[int], cols: G.Columns, k: int) -> str:
    """The "+N more" mark of a capped layer: "⋮ +32 more", shortened to "⋮ +32" on narrow columns."""
    more = layers[k] - len(cols.drawn[k])
    spacing = cols.x[1] - cols.x[0] if len(cols.x) > 1 else cols.area.width
    return f"⋮ +{more} more" if spacing > 150 else f"⋮ +{more}"


def _more_boxes(layers: Sequence[int], cols: G.Columns, font: float) -> tuple[G.Box | None, ...]:
    return tuple(
        None if y is None else G.text_box([more_text(layers, cols, k)], cols.x[k], y, font)
        for k, y in enumerate(cols.more_y)
    )


def quantity_text(quantity: tuple, decimals: int, symbol: bool = True, change: bool = True) -> str:
    """ "w 0.4000", "w 0.4000 → 0.3589" (a value before and after an update), or without the symbol, or (not
    ``change``) the number alone, the value after an update; a value None (hidden: to be predicted) is "?"."""
    name, value, before = quantity
    text = "?" if value is None else format_value(value, decimals)
    if before is not None and change:
        text = f"{format_value(before, decimals)} → {text}"
    return f"{name} {text}" if symbol else text


def _edge_labels(view: DiagramView, edges: EdgeSet, cols: G.Columns, taken, discs, font, first, decimals):
    """(label lines per edge or None, spot per edge or None, notes): labels for views that print them
    (``view.edge_labels``) with few enough edges, placed along their edges, the computing layer's edges first;
    the rest shown on hover (and said so). The labels carry their symbol when the edges show more than one
    kind, unless dropping the symbols is what makes them fit (the legend then says which edges show what). The
    edge ``first`` (the one the page explains) is placed before all others."""
    n = len(edges)
    with_values = edges.given & np.array([bool(q) for q in edges.quantities], dtype=bool) if n else edges.given
    if not with_values.any():
        return (None,) * n, (None,) * n, ()
    if with_values.sum() > MAX_EDGE_LABELS and view.active_layer:  # a dense net: the computing layer's only
        with_values = with_values & (edges.k == view.active_layer - 1)
    if not with_values.any() or with_values.sum() > MAX_EDGE_LABELS or not view.edge_labels:
        return (None,) * n, (None,) * n, ("edges on hover",)
    kinds = {q[0] for e in np.flatnonzero(with_values) for q in edges.quantities[e]} - {"b"}
    several = len(kinds) > 1 or any(len(q) > 1 for q in edges.quantities)
    chosen = selected(edges, first)
    order = sorted(np.flatnonzero(with_values), key=lambda e: (not chosen[e], edges.k[e] + 1 != view.active_layer, e))
    segs = [_inside_discs(edges, e, cols.diameter / 2) for e in order]
    changes = any(q[2] is not None for e in order for q in edges.quantities[e])
    forms = [(True, True)] if several else []
    forms += [(False, True)] + ([(False, False)] if changes else [])  # last: new values alone, "0.3589"
    best = None
    for symbols, change in forms:
        texts = [tuple(quantity_text(q, decimals, symbols, change) for q in edges.quantities[e]) for e in order]
        placed = G.place_edge_labels(segs, texts, font, list(taken), discs, cols.area)
        missing = sum(s is None for s in placed), sum(s is not None and s[1] < len(t) for s, t in zip(placed, texts))
        if best is None or missing < best[0]:
            best = (missing, (symbols, change), texts, placed)
        if missing == (0, 0):
            break
    (dropped, shortened), (symbols, change), texts, placed = best
    labels: list[tuple[str, ...] | None] = [None] * n
    spots: list[tuple[float, float] | None] = [None] * n
    for e, text, spot in zip(order, texts, placed):
        if spot is not None:
            spots[e], labels[e] = spot[0], text[: spot[1]]
    taken.extend(G.text_box(labels[e], *spots[e], font) for e in order if spots[e] is not None)
    notes = ((f"{dropped} on hover",) if dropped else ()) + (("edge lines on hover",) if shortened else ())
    notes += () if change else ("edge new values",)
    if several and not symbols and len(kinds) > 1:
        notes += ("edge symbols",)
    return tuple(labels), tuple(spots), notes


def _inside_discs(edges: EdgeSet, e: int, r: float) -> tuple[float, float, float, float]:
    """Edge ``e``'s segment between the rims of the two nodes it joins."""
    dx, dy = edges.x1[e] - edges.x0[e], edges.y1[e] - edges.y0[e]
    norm = max(float(np.hypot(dx, dy)), 1.0)
    ux, uy = dx / norm, dy / norm
    return edges.x0[e] + ux * r, edges.y0[e] + uy * r, edges.x1[e] - ux * r, edges.y1[e] - uy * r


def label_boxes(p: Plan) -> list[tuple[str, G.Box]]:
    """Every text the plan prints, as (what, box) in px: layer titles, node labels, "+N more" marks, edge
    labels and legend entries. The layout promises they are pairwise clear of each other."""
    out = [(f"title {k}", box) for k, box in enumerate(p.title_boxes)]
    for k, col in enumerate(p.node_lines):
        for r, lines in enumerate(col):
            if lines:
                box = G.text_box(lines, p.columns.x[k], float(p.columns.y[k][r]), p.style.font)
                out.append((f"node {k},{r}", box))
    out += [(f"more {k}", box) for k, box in enumerate(p.more_boxes) if box is not None]
    for n, (lines, spot) in enumerate(zip(p.edge_labels, p.edge_spots)):
        if lines and spot:
            out.append((f"edge {n}", G.text_box(lines, spot[0], spot[1], p.font)))
    out += [(f"legend {e.text}", box) for e, box in zip(p.legend, p.legend_boxes)]
    return out
