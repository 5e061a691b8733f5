"""Where the network diagram puts everything, in pixels, for the space it is given: pure geometry, no Plotly.

The plot area is ``width`` × ``height`` px with the origin at its top left and y growing downwards (the figure
maps its axes one to one onto these pixels). From top to bottom it holds the band of layer titles, the nodes
(column k = layer k, left to right; the constant-1 bias nodes in a row under them) and the legend.

Everything that prints text is a ``Box``, and the engine keeps the boxes of every label it places disjoint:
layer titles, node labels (drawn inside their circle), "+N more" marks, edge labels and legend entries. What
does not fit is not squeezed but given up in a fixed order, and each such choice is reported (``Fit.notes``)
so the legend can say it: fewer decimals on the diagram than in the equations, no quantity symbols, no names
in the nodes, values on hover only; an edge label that finds no free place along its edge is dropped to hover.

Widths of text come from ``text_width``, a generous estimate for Arial: the browser test measures the real
SVG boxes. A wider chart than planned (Streamlit stretches it to its column) only moves boxes apart.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

# Em widths of Arial glyphs, rounded up; anything not listed counts as a wide character.
_EM = {
    **dict.fromkeys("0123456789", 0.56),
    **dict.fromkeys(".,:;|!il1'", 0.3),
    **dict.fromkeys("-()[]frtj ", 0.36),
    **dict.fromkeys("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻₀₁₂₃₄₅₆₇₈₉", 0.4),
    **dict.fromkeys("abcdeghknopqsuvxyzδσŷ∂/=+_", 0.58),
    "w": 0.76,
    "m": 0.86,
}
_WIDE = 0.72
LINE = 1.25  # line height in em
PAD = 3.0  # px of clearance every label keeps from every other
MIN_FONT = 14  # px: the smallest text on the diagram, readable from the back of a room


def text_width(text: str, font: float) -> float:
    """Width in px of ``text`` at ``font`` px in Arial, rounded up (a little wider than it renders)."""
    return font * sum(_EM.get(c, _WIDE) for c in text) + 2.0


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in px: x0 ≤ x1, y0 ≤ y1 (y grows downwards)."""

    x0: float
    y0: float
    x1: float
    y1: float

    @classmethod
    def around(cls, x: float, y: float, w: float, h: float) -> "Box":
        """The w × h box centred on (x, y)."""
        return cls(x - w / 2, y - h / 2, x + w / 2, y + h / 2)

    def overlaps(self, other: "Box", pad: float = PAD) -> bool:
        """True when the boxes come closer than ``pad`` px."""
        apart_x = self.x1 + pad <= other.x0 or other.x1 + pad <= self.x0
        return not (apart_x or self.y1 + pad <= other.y0 or other.y1 + pad <= self.y0)

    def inside(self, other: "Box") -> bool:
        return self.x0 >= other.x0 and self.y0 >= other.y0 and self.x1 <= other.x1 and self.y1 <= other.y1

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def text_box(lines: Sequence[str], x: float, y: float, font: float) -> Box:
    """The box of ``lines`` of text centred on (x, y)."""
    w = max((text_width(t, font) for t in lines), default=0.0)
    return Box.around(x, y, w, len(lines) * LINE * font)


def fits_circle(box: Box, cx: float, cy: float, diameter: float) -> bool:
    """True when every corner of ``box`` lies inside the circle of ``diameter`` centred on (cx, cy)."""
    r = diameter / 2
    dx = max(abs(box.x0 - cx), abs(box.x1 - cx))
    dy = max(abs(box.y0 - cy), abs(box.y1 - cy))
    return dx * dx + dy * dy <= r * r


@dataclass(frozen=True)
class Circle:
    """A node's disc, centred on (x, y) with radius r, that labels must keep clear of."""

    x: float
    y: float
    r: float

    def overlaps(self, box: Box, pad: float = PAD) -> bool:
        """True when ``box`` comes closer than ``pad`` px to the disc."""
        dx = max(box.x0 - self.x, 0.0, self.x - box.x1)
        dy = max(box.y0 - self.y, 0.0, self.y - box.y1)
        return dx * dx + dy * dy < (self.r + pad) ** 2


def free(box: Box, taken: Sequence[Box], discs: Sequence[Circle], area: Box) -> bool:
    """True when ``box`` lies in ``area`` and clear of every box of ``taken`` and every disc of ``discs``."""
    return box.inside(area) and not any(box.overlaps(t) for t in taken) and not any(d.overlaps(box) for d in discs)


# ----------------------------------------------------------------------------- columns and rows


def drawn_indices(n: int, cap: int) -> np.ndarray:
    """Neuron indices drawn for a layer of n: all of them, or the first cap − 1 and the last."""
    return np.arange(n) if n <= cap else np.append(np.arange(cap - 1), n - 1)


@dataclass(frozen=True)
class Columns:
    """The node area: column x positions, the drawn neurons of each layer and their y, the y of each capped
    layer's "+N more" mark (None when the layer is whole), the node diameter, the row pitch and, with the bias
    trick, the y of the constant-1 nodes."""

    x: tuple[float, ...]
    drawn: tuple[np.ndarray, ...]
    y: tuple[np.ndarray, ...]
    more_y: tuple[float | None, ...]
    diameter: float
    pitch: float
    bias_y: float | None
    area: Box

    def center(self, layer: int, neuron: int) -> tuple[float, float]:
        """(x, y) of a drawn neuron (KeyError when it is not drawn)."""
        at = np.flatnonzero(self.drawn[layer] == neuron)
        if not len(at):
            raise KeyError((layer, neuron))
        return self.x[layer], float(self.y[layer][at[0]])


def min_pitch(font: float, decimals: int = 2) -> float:
    """The smallest row pitch whose nodes still carry one number with ``decimals`` decimals (a negative one:
    "−0.59"), so a capped layer draws fewer nodes rather than nodes with no number."""
    box = text_box(["-0." + "0" * decimals], 0, 0, font)
    diameter = 2 * float(np.hypot(box.width / 2, box.height / 2)) + 6
    return diameter / 0.86


def columns(
    layers: Sequence[int],
    area: Box,
    *,
    cap: int,
    min_pitch: float,
    max_diameter: float,
    side: float,
    with_bias: bool = False,
) -> Columns:
    """Columns of nodes in ``area``: every layer gets at most ``cap`` rows, fewer when a row would come closer
    than ``min_pitch`` px to the next (never fewer than 3: the first, the mark, the last); ``side`` px are kept
    free left of the first column and right of the last for their labels. Rows are centred in the area and
    share one pitch, so the same row of two layers lines up."""
    room = area.height
    slots = max(layers) + 0.0
    rows_fit = max(3, int(room // min_pitch) - (1 if with_bias else 0))
    cap = max(2, min(cap, rows_fit - 1))  # one slot of a capped column goes to its "+N more" mark
    counts = [n if n <= cap else cap + 1 for n in layers]
    slots = max(counts) + (1 if with_bias else 0)
    pitch = room / max(slots, 1)
    diameter = min(max_diameter, 0.86 * pitch)
    L = len(layers) - 1
    left, right = area.x0 + side, area.x1 - side
    xs = tuple(float(x) for x in (np.linspace(left, right, L + 1) if L else [(left + right) / 2]))
    top = area.y0 + (room - pitch * slots) / 2 + pitch / 2
    drawn, ys, more = [], [], []
    for n in layers:
        idx = drawn_indices(n, cap)
        count = len(idx) + (len(idx) < n)
        offset = (max(counts) - count) / 2  # centre a short column against the tallest
        rows = top + pitch * (offset + np.arange(count, dtype=float))
        if len(idx) < n:
            more.append(float(rows[-2]))
            rows = np.delete(rows, -2)
        else:
            more.append(None)
        drawn.append(idx)
        ys.append(rows)
    bias_y = top + pitch * (max(counts)) if with_bias else None
    return Columns(xs, tuple(drawn), tuple(ys), tuple(more), float(diameter), float(pitch), bias_y, area)


# ----------------------------------------------------------------------------- node labels


@dataclass(frozen=True)
class NodeText:
    """What a node can print, most to least: its ``name`` and its ``values`` as (symbol, number) pairs whose
    numbers are formatted by ``number(value, decimals)``; a number None is not computed yet and prints "?"."""

    name: str
    values: tuple[tuple[str, float | None], ...]


# The ways a node label gives up room, in order (each a note the legend can show).
DROP_SYMBOLS, FEWER_DECIMALS, DROP_NAMES, ONE_VALUE, HOVER_ONLY = (
    "symbols",
    "decimals",
    "names",
    "one value",
    "hover",
)


@dataclass(frozen=True)
class NodeStyle:
    """How node labels are written: with or without the symbol before each value and the name line, how many
    values, at how many decimals, at what ``font`` size (px; None: the diagram's); ``hover_only`` when nothing
    fits."""

    symbols: bool = True
    names: bool = True
    values: int = 3
    decimals: int = 4
    hover_only: bool = False
    font: float | None = None

    def lines(self, text: NodeText, number) -> tuple[str, ...]:
        """The lines of ``text`` in this style; ``number(value, decimals)`` writes a value."""
        if self.hover_only:
            return ()
        out = [text.name] if self.names else []
        for symbol, value in text.values[: self.values]:
            shown = "?" if value is None else number(value, self.decimals)
            out.append(f"{symbol} {shown}" if self.symbols and symbol and value is not None else shown)
        return tuple(out)


def needed_diameter(texts: Sequence[Sequence[NodeText]], style: NodeStyle, font: float, number) -> float:
    """The diameter the largest label of ``texts`` in ``style`` needs to sit inside its circle."""
    widest = 0.0
    for col in texts:
        for t in col:
            box = text_box(style.lines(t, number), 0, 0, font)
            widest = max(widest, 2 * float(np.hypot(box.width / 2, box.height / 2)))
    return widest


def node_style(
    texts: Sequence[Sequence[NodeText]], diameter: float, font: float, decimals: int, number
) -> tuple[NodeStyle, tuple[str, ...]]:
    """The richest ``NodeStyle`` whose lines fit inside a node of ``diameter`` for every text of ``texts``
    (lists per layer), and the notes of what it gave up. Decimals go down to 2 before names are dropped;
    values carry their symbol only when the nodes show more than one kind (else the legend names it)."""
    most = max((len(t.values) for col in texts for t in col), default=0)
    kinds = {"a" if symbol == "x" else symbol for col in texts for t in col for symbol, value in t.values
             if value is not None}  # fmt: skip  (x is a⁽⁰⁾: one kind with a)
    candidates = [NodeStyle(True, True, most, decimals)] if len(kinds) > 1 else []
    candidates += [NodeStyle(False, True, most, decimals)]
    candidates += [NodeStyle(False, True, most, d) for d in range(decimals - 1, 1, -1)]
    candidates += [NodeStyle(False, False, most, min(decimals, d)) for d in (decimals, 3, 2)]
    candidates += [NodeStyle(False, False, 1, min(decimals, d)) for d in (decimals, 3, 2)]
    for size in dict.fromkeys((font, max(MIN_FONT, min(font, 15.0)), float(MIN_FONT))):  # smaller type last
        for style in candidates:
            boxes = (text_box(style.lines(t, number), 0, 0, size) for col in texts for t in col)
            if all(fits_circle(box, 0, 0, diameter) for box in boxes):
                return replace(style, font=size), _notes(style, decimals, most, len(kinds))
    return NodeStyle(hover_only=True, font=font), (HOVER_ONLY,)


def _notes(style: NodeStyle, decimals: int, most: int, kinds: int) -> tuple[str, ...]:
    notes = []
    if not style.symbols and kinds > 1:
        notes.append(DROP_SYMBOLS)
    if style.decimals < decimals:
        notes.append(FEWER_DECIMALS)
    if not style.names:
        notes.append(DROP_NAMES)
    if style.values < most:
        notes.append(ONE_VALUE)
    return tuple(notes)


# ----------------------------------------------------------------------------- titles


def pick_titles(options: Sequence[Sequence[Sequence[str]]], xs: Sequence[float], top: float, font: float):
    """The first level of ``options`` (per level, per layer, the lines of its title) whose titles, centred on
    ``xs`` from ``top`` down, stay clear of each other and of the area's sides; (level, boxes). The last level
    is used whatever happens."""
    for level, titles in enumerate(options):
        boxes = [text_box(lines, x, top + len(lines) * LINE * font / 2, font) for x, lines in zip(xs, titles)]
        if all(not a.overlaps(b, pad=8) for a, b in zip(boxes, boxes[1:])):
            return level, boxes
    return len(options) - 1, boxes


# ----------------------------------------------------------------------------- edge labels


T_CANDIDATES = (0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78, 0.45, 0.55, 0.35, 0.65, 0.15, 0.85, 0.1, 0.9)


def place_edge_labels(
    segments: Sequence[tuple[float, float, float, float]],
    lines: Sequence[Sequence[str]],
    font: float,
    taken: list[Box],
    discs: Sequence[Circle],
    area: Box,
) -> list[tuple[tuple[float, float], int] | None]:
    """For each segment (x0, y0, x1, y1) with its label ``lines``, in order (give the ones that matter most
    first): (the centre of a free spot along it, how many of its lines fit there), or None. All lines are tried
    at every candidate spot before fewer; a spot is free when it clears the boxes of ``taken`` (titles, marks,
    the labels placed before: it grows by each placed label) and every node's disc."""
    placed = []
    for (x0, y0, x1, y1), text in zip(segments, lines):
        spot = None
        for count in range(len(text), 0, -1):
            w = max(text_width(t, font) for t in text[:count])
            h = count * LINE * font
            for t in T_CANDIDATES:
                x, y = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
                box = Box.around(x, y, w, h)
                if free(box, taken, discs, area):
                    spot = ((x, y), count)
                    taken.append(box)
                    break
            if spot is not None:
                break
        placed.append(spot)
    return placed


# ----------------------------------------------------------------------------- legend


LEGEND_SAMPLE = 30  # px of the line or marker sample before an entry's text
LEGEND_GAP = 22  # px between entries of a row
LEGEND_ROW = LINE * 1.2  # em between legend lines


def wrap(text: str, width: float, font: float) -> list[str]:
    """``text`` in lines of at most ``width`` px, broken between words (a single longer word stays whole)."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and text_width(f"{lines[-1]} {word}", font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def legend_layout(texts: Sequence[str], width: float, left: float, top: float, font: float):
    """(lines of each entry's text, box of each entry) for legend entries laid out in rows from (left, top),
    left to right within ``width`` px; an entry too wide for a row on its own is wrapped over several lines."""
    lines = [wrap(t, width - LEGEND_SAMPLE, font) if LEGEND_SAMPLE + text_width(t, font) > width else [t]
             for t in texts]  # fmt: skip
    boxes: list[Box] = []
    x, y, row_h = left, top, 0.0
    for entry in lines:
        w = LEGEND_SAMPLE + max(text_width(t, font) for t in entry)
        h = len(entry) * LINE * font
        if x > left and x + w > left + width:
            x, y, row_h = left, y + row_h + (LEGEND_ROW - LINE) * font, 0.0
        boxes.append(Box(x, y, x + w, y + h))
        x, row_h = x + w + LEGEND_GAP, max(row_h, h)
    return lines, boxes


def legend_height(texts: Sequence[str], width: float, font: float) -> float:
    """The px the legend of ``texts`` takes across ``width``."""
    _, boxes = legend_layout(texts, width, 0, 0, font)
    return max((b.y1 for b in boxes), default=0.0)
