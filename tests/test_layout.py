"""The diagram's layout engine: every label it places is clear of every other, inside the figure and (for a
node) inside its circle, for every preset at several widths, decimals and scales."""

import itertools

import numpy as np
import pytest

from bpviz import Network, NetworkSpec, get_preset
from bpviz.data.catalog import make_dataset
from bpviz.figures.diagram import layout as G
from bpviz.figures.diagram.plan import label_boxes, plan
from bpviz.lesson.names import Names
from bpviz.lesson.presets import PRESETS
from bpviz.lesson.shown import design_view, stage_view
from bpviz.lesson.stages import walk

DEEP = NetworkSpec((2, 8, 8, 8, 8, 8, 8, 8, 8, 1), ("tanh",) * 8 + ("sigmoid",))


def walk_of(key: str):
    """A walk of the preset's network through the first sample of its data."""
    preset = get_preset(key)
    net = preset.network()
    ds = make_dataset(preset.data.name, n=preset.data.n, noise=preset.data.noise, classes=preset.data.classes)
    ds = ds.for_outputs(net.spec.layers[-1])
    return walk(net, ds.X[0], ds.Y[0])


def views(w):
    """The stages worth checking: start, the first forward layer, the loss, the first gradient, the update."""
    kinds = {("start", 0), ("a", 1), ("loss", w.net.spec.depth), ("grad", w.net.spec.depth), ("update", None)}
    return [i for i, s in enumerate(w.stages) if (s.kind, s.layer) in kinds]


def check(p, width):
    boxes = label_boxes(p)
    area = G.Box(0, 0, width, p.height)
    for what, box in boxes:
        assert box.inside(area), f"{what} {box} leaves the {width:.0f} × {p.height:.0f} figure"
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        assert not box_a.overlaps(box_b, pad=0), f"{a} {box_a} meets {b} {box_b}"
    cols = p.columns
    for k, col in enumerate(p.node_lines):
        for r, lines in enumerate(col):
            box = G.text_box(lines, cols.x[k], float(cols.y[k][r]), p.style.font)
            assert not lines or G.fits_circle(box, cols.x[k], float(cols.y[k][r]), cols.diameter), (k, r, lines)
    for ys in cols.y:
        assert np.all(np.diff(ys) >= cols.diameter), "two nodes of a column overlap"
    if len(cols.x) > 1:
        assert np.min(np.diff(cols.x)) > cols.diameter, "two columns overlap"


@pytest.mark.parametrize("key", list(PRESETS))
@pytest.mark.parametrize("width", [520, 760, 1100])
@pytest.mark.parametrize("decimals", [2, 4, 9])
def test_every_label_of_every_preset_is_clear_of_the_others(key, width, decimals):
    w = walk_of(key)
    names = Names(w.net.spec, PRESETS[key].naming)
    for index in views(w):
        for scale, bias in ((1.0, False), (1.6, True)):
            p = plan(w.net.spec, stage_view(w, index), names, width=width, height=None, scale=scale,
                     decimals=decimals, show_bias=bias, max_per_layer=32)  # fmt: skip
            check(p, width)


@pytest.mark.parametrize("width, height", [(700, 480), (1100, 820), (560, 360)])
def test_a_deep_net_fits_any_size_without_a_collision(width, height):
    net = Network.initialise(DEEP)
    w = walk(net, [0.3, -0.2], [1.0])
    for index in (0, 5, 17, len(w.stages) - 1):
        p = plan(DEEP, stage_view(w, index), Names(DEEP), width=width, height=height, scale=1.0, decimals=9,
                 show_bias=False, max_per_layer=32)  # fmt: skip
        check(p, width)
        assert p.height == height


def test_the_design_view_of_the_largest_net_is_capped_and_clear():
    spec = NetworkSpec((4096, *[100] * 8, 4096), ("relu",) * 9)  # 889,200 weights: near the 1,000,000 allowed
    net = Network(spec, [np.zeros(s) for s in spec.shapes], [np.zeros(s[0]) for s in spec.shapes])
    p = plan(spec, design_view(net), Names(spec), width=900, height=700, scale=1.0, decimals=4, show_bias=True,
             max_per_layer=32)  # fmt: skip
    check(p, 900)
    assert all(len(d) < 32 for d in p.columns.drawn)


def test_nodes_of_a_capped_layer_still_carry_numbers():
    w = walk_of("digits")
    p = plan(w.net.spec, stage_view(w, 3), Names(w.net.spec), width=800, height=560, scale=1.0, decimals=4,
             show_bias=False, max_per_layer=32)  # fmt: skip
    assert p.columns.more_y[0] is not None  # the 64 inputs are capped
    assert all(lines for col in p.node_lines[:2] for lines in col)  # every drawn input and hidden node: a number
    assert p.style.decimals >= 2 and not p.style.hover_only


def test_the_engine_gives_up_room_in_order_and_says_so():
    texts = [[G.NodeText("h1_1", (("a", 0.593269992), ("δ", 0.008771355)))]]
    style, notes = G.node_style(texts, 200, 15, 9, lambda v, d: f"{v:.{d}f}")
    assert style == G.NodeStyle(True, True, 2, 9, font=15) and notes == ()
    style, notes = G.node_style(texts, 90, 15, 9, lambda v, d: f"{v:.{d}f}")
    assert not style.symbols and G.DROP_SYMBOLS in notes and style.values == 2
    style, notes = G.node_style(texts, 20, 15, 9, lambda v, d: f"{v:.{d}f}")
    assert style.hover_only and notes == (G.HOVER_ONLY,)


def test_an_edge_label_that_finds_no_room_is_dropped_not_squeezed():
    taken = [G.Box(0, 0, 400, 100)]
    placed = G.place_edge_labels([(10, 50, 390, 50), (10, 150, 390, 150)], [("w 0.1234",), ("w 0.5",)], 15, taken, [],
                                 G.Box(0, 0, 400, 200))  # fmt: skip
    assert placed[0] is None and placed[1] is not None and placed[1][1] == 1
