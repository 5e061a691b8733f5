"""The network diagram figure: what is drawn, how it is styled, and clicks mapped back to weights."""

import json

import numpy as np
import pytest
from conftest import edge_ends

from bpviz import Network, NetworkSpec, backprop, get_preset
from bpviz.figures import palette as P
from bpviz.figures.diagram import MAX_DRAWN_EDGES, network_figure
from bpviz.lesson.names import Names, edge_name, layer_names, layer_title, node_name, node_names
from bpviz.lesson.numbers import format_value
from bpviz.lesson.selection import is_valid_selection, selection_from_event
from bpviz.lesson.shown import DiagramView, Quantity, applied_view
from bpviz.lesson.stages import walk

# ----------------------------------------------------------------------------- helpers


def traces(fig, tag):
    """Traces whose meta starts with ``tag`` ("nodes", "edge_hover", "bias_hover", "selected", ...)."""
    return [t for t in fig.data if t.meta and t.meta[0] == tag]


def one(fig, tag):
    found = traces(fig, tag)
    assert len(found) == 1, f"expected one {tag!r} trace, found {len(found)}"
    return found[0]


def edge_lines(fig, kind=None):
    """The edge line shapes ("edges none", "edges positive 2", ...), or those of one ``kind`` ("none", "zero",
    "positive", "negative")."""
    return [s for s in fig.layout.shapes if s.name.startswith("edges") and kind in (None, s.name.split()[1])]


def segments(shape):
    """Set of ((x0, y0), (x1, y1)) drawn by an edge shape, at its 2 decimals."""
    return {((a, b), (c, d)) for a, b, c, d in edge_ends(shape.path).tolist()}


def node_xy(fig):
    """(layer, neuron) -> (x, y) of each drawn neuron."""
    nodes = one(fig, "nodes")
    return {
        (cd[1], cd[2]): (round(float(x), 4), round(float(y), 4)) for cd, x, y in zip(nodes.customdata, nodes.x, nodes.y)
    }


def edge_segment(fig, k, i, j):
    """The segment of edge (k, i, j), from neuron j of layer k to neuron i of layer k+1, at 2 decimals."""
    (x0, y0), (x1, y1) = node_xy(fig)[(k, j)], node_xy(fig)[(k + 1, i)]
    return (round(x0, 2), round(y0, 2)), (round(x1, 2), round(y1, 2))


def shape_of_segment(fig, seg):
    hits = [s for s in edge_lines(fig) if seg in segments(s)]
    assert len(hits) == 1, f"segment {seg} is in {len(hits)} edge shapes"
    return hits[0]


def node_texts(fig):
    """(x, y) -> (text, colour) printed on the nodes."""
    return {
        (round(float(x), 4), round(float(y), 4)): (text, t.textfont.color)
        for t in traces(fig, "node_text")
        for x, y, text in zip(t.x, t.y, t.text)
    }


def node_style(fig, layer, i):
    nodes = one(fig, "nodes")
    for n, cd in enumerate(nodes.customdata):
        if cd[1] == layer and cd[2] == i:
            text = node_texts(fig).get(node_xy(fig)[(layer, i)], ("", None))[0]
            return dict(fill=nodes.marker.color[n], line=nodes.marker.line.color[n], text=text)
    raise AssertionError(f"node {layer},{i} not drawn")


def event(customdata, curve=0, index=0):
    return {"selection": {"points": [{"curve_number": curve, "point_index": index, "customdata": customdata}]}}


def small_net(bias="learned"):
    """2-2-1 with known signs: W[0] = [[0.5, -0.25], [0, 1]], W[1] = [[-1, 0.75]]."""
    spec = NetworkSpec((2, 2, 1), ("sigmoid", "sigmoid"), bias=bias)
    b = [np.array([0.1, -0.2]), np.array([0.0])] if bias != "none" else [np.zeros(2), np.zeros(1)]
    return Network.from_arrays(spec, [[[0.5, -0.25], [0.0, 1.0]], [[-1.0, 0.75]]], b)


def wide_net(layers, activations):
    """A network of any size without allocating its matrices (broadcast views of one row)."""
    spec = NetworkSpec(layers, activations)
    row = np.random.default_rng(0).standard_normal(max(layers))
    W = [np.broadcast_to(row[:c], (r, c)) for r, c in spec.shapes]
    b = [np.broadcast_to(row[:r], (r,)) for r, _ in spec.shapes]
    return Network(spec, W, b)


# ----------------------------------------------------------------------------- names


def test_names_of_layers_nodes_and_edges():
    net = get_preset("xor").network()
    assert layer_names(net) == ["input", "hidden 1", "output"]
    assert layer_title(net, 1) == "hidden 1 · sigmoid"
    assert layer_title(net.spec, 0) == "input"
    assert [node_name(net, 0, 0), node_name(net, 0, 1), node_name(net, 1, 1), node_name(net, 2, 0)] == [
        "x1",
        "x2",
        "h1_2",
        "ŷ1",
    ]
    assert node_names(get_preset("spiral").network(), 2)[:2] == ["h2_1", "h2_2"]
    assert edge_name(net, 1, 0, 1) == "h1_2 → ŷ1"
    with pytest.raises(ValueError):
        node_name(net, 1, 2)
    with pytest.raises(ValueError):
        node_name(net, 3, 0)


def test_format_value_keeps_tiny_values_visible():
    assert format_value(0.5) == "0.5000"
    assert format_value(-0.25, 2) == "-0.25"
    assert format_value(0.0) == "0.0000"
    assert format_value(3.2e-7) == "3.20e-07"
    assert format_value(float("nan")) == "nan"


# ----------------------------------------------------------------------------- what is drawn


def headers(fig):
    return [a.text for a in fig.layout.annotations if a.name == "header"]


def legend(fig):
    return list(fig.layout.meta["legend"])


def view_of(net, nodes=None, edges=None, biases=None, active=None):
    """A DiagramView from plain lists: nodes[k] / edges[k] a (symbol, values) pair, () or None."""
    L = net.spec.depth

    def shown(entry):
        if entry is None or entry == ():
            return entry
        return (Quantity(entry[0], np.asarray(entry[1], dtype=float)),)

    nodes = [()] * (L + 1) if nodes is None else nodes
    edges = [("w", W) for W in net.W] if edges is None else edges
    biases = [("b", b) for b in net.b] if biases is None else biases
    return DiagramView(tuple(map(shown, nodes)), tuple(map(shown, edges)), tuple(map(shown, biases)), active)


def test_small_net_draws_every_node_and_edge_with_names():
    net = small_net()
    fig = network_figure(net)
    nodes = one(fig, "nodes")
    assert sorted(map(tuple, nodes.customdata)) == [("node", k, i) for k, n in enumerate((2, 2, 1)) for i in range(n)]
    assert sorted(text for text, _ in node_texts(fig).values()) == sorted(["x1", "x2", "h1_1", "h1_2", "ŷ1"])
    hover = one(fig, "edge_hover")
    assert hover.marker.maxdisplayed == 1  # hovered and clicked by its data: one invisible marker drawn, not each
    assert sorted(map(tuple, hover.customdata)) == sorted(
        [("edge", 0, i, j) for i in range(2) for j in range(2)] + [("edge", 1, 0, j) for j in range(2)]
    )
    assert traces(fig, "bias_hover") == [] and traces(fig, "bias_nodes") == []
    assert "w: h1_2 → ŷ1 = 0.7500" in hover.hovertext
    assert headers(fig) == ["input (2)", "hidden 1 · sigmoid (2)", "output · sigmoid (1)"]
    pos = node_xy(fig)  # y grows downwards: the first neuron of a column is on top
    assert pos[(0, 0)][0] < pos[(1, 0)][0] < pos[(2, 0)][0]
    assert pos[(1, 0)][1] < pos[(1, 1)][1]
    labels = [a.text for a in fig.layout.annotations if a.name == "edge label"]
    assert sorted(labels) == sorted(["0.5000", "-0.2500", "0.0000", "1.0000", "-1.0000", "0.7500"])


def test_bias_trick_adds_constant_one_nodes_and_bias_edges():
    net = get_preset("worked").network()
    fig = network_figure(net, show_bias=True)
    bias_nodes = one(fig, "bias_nodes")
    assert list(bias_nodes.text) == ["1", "1"] and bias_nodes.marker.symbol == "square"
    assert min(bias_nodes.y) > max(one(fig, "nodes").y)  # under every column
    hover = one(fig, "bias_hover")
    assert sorted(map(tuple, hover.customdata)) == [("bias", k, i) for k in range(2) for i in range(2)]
    assert "b: 1 → h1_1 = 0.3500" in hover.hovertext and "b: 1 → ŷ2 = 0.6000" in hover.hovertext
    assert "w: h1_2 → ŷ1 = 0.4500" in one(fig, "edge_hover").hovertext
    assert fig.layout.meta["show_bias"] is True
    tr = backprop(net, [0.05, 0.10], [0.01, 0.99])
    grads = network_figure(net, view_of(net, biases=[None, ("∂L/∂b", tr.grad_b[1] * 0 - 0.5)]), show_bias=True)
    hover = one(grads, "bias_hover").hovertext
    assert "∂L/∂b: 1 → ŷ1 = -0.5000" in hover and "b: 1 → h1_1: not computed yet" in hover


def test_no_bias_nodes_when_the_spec_has_no_bias():
    fig = network_figure(small_net(bias="none"), show_bias=True)
    assert traces(fig, "bias_nodes") == [] and traces(fig, "bias_hover") == []
    assert fig.layout.meta["show_bias"] is False


def test_wide_layers_are_capped_by_the_room_with_a_more_mark():
    net = get_preset("digits").network()
    fig = network_figure(net, height=900)
    drawn = fig.layout.meta["drawn"]
    assert drawn[0][-1] == 63 and drawn[0][:-1] == list(range(len(drawn[0]) - 1))  # the first ones and the last
    assert all(len(d) <= 16 for d in drawn) and len(drawn[3]) >= 10 or len(drawn[3]) < 10
    assert fig.layout.meta["hidden"] == [64 - len(drawn[0]), 32 - len(drawn[1]), 16 - len(drawn[2]), 10 - len(drawn[3])]
    more = [a for a in fig.layout.annotations if a.name == "more"]
    assert more[0].text.startswith(f"⋮ +{64 - len(drawn[0])}")
    assert more[0].hovertext == f"{64 - len(drawn[0])} more not drawn: x{len(drawn[0])} … x63"
    assert len(one(fig, "nodes").x) == sum(len(d) for d in drawn)
    hover = one(fig, "edge_hover")
    assert len(hover.customdata) == sum(len(a) * len(b) for a, b in zip(drawn, drawn[1:]))
    assert sum(len(segments(s)) for s in edge_lines(fig)) == len(hover.customdata)
    assert headers(fig)[0] == "input (64)"
    # A taller figure draws more of a wide layer; a short one fewer, but each still with room for a number.
    assert len(network_figure(net, height=500).layout.meta["drawn"][0]) < len(drawn[0])
    bias = network_figure(wide_net((3, 8, 8, 8, 8), ("relu",) * 4), show_bias=True, height=700)
    assert [len(d) for d in bias.layout.meta["drawn"]] == [3, 8, 8, 8, 8]
    assert len(one(bias, "bias_hover").customdata) == 4 * 8


def test_digits_figure_builds_fast_and_its_json_stays_small():
    net = get_preset("digits").network()
    for fig in (network_figure(net), network_figure(net, show_bias=True, height=900)):
        size = len(fig.to_json())
        assert size <= 250 * 1024, f"{size / 1024:.0f} KiB"


def test_largest_allowed_net_is_capped():
    net = wide_net((4096, *[100] * 8, 4096), ("relu",) * 9)  # 889,200 weights: near the 1,000,000 allowed
    fig = network_figure(net, height=800)
    drawn = [len(d) for d in fig.layout.meta["drawn"]]
    assert len(one(fig, "edge_hover").customdata) == sum(a * b for a, b in zip(drawn, drawn[1:])) <= MAX_DRAWN_EDGES
    assert len(fig.layout.annotations) < 100  # no per-edge labels on a dense net
    assert any(text.endswith("edge values on hover") for text in legend(fig))
    assert {a.text for a in fig.layout.annotations if a.name == "more"} == {
        f"⋮ +{4096 - drawn[0]}",
        f"⋮ +{100 - drawn[1]}",
    }


def test_edges_styled_by_sign_and_magnitude():
    net = small_net()
    fig = network_figure(net)
    pos = shape_of_segment(fig, edge_segment(fig, 0, 0, 0))  # +0.5
    neg = shape_of_segment(fig, edge_segment(fig, 0, 0, 1))  # -0.25
    zero = shape_of_segment(fig, edge_segment(fig, 0, 1, 0))  # 0
    big = shape_of_segment(fig, edge_segment(fig, 0, 1, 1))  # +1
    big_neg = shape_of_segment(fig, edge_segment(fig, 1, 0, 0))  # -1
    assert pos in edge_lines(fig, "positive") and pos.line.dash == "solid"
    assert pos.line.color == P.rgba(P.POSITIVE, 0.9)
    assert neg in edge_lines(fig, "negative") and neg.line.dash not in (None, "solid")
    assert neg.line.color == P.rgba(P.NEGATIVE, 0.9)
    assert edge_lines(fig, "zero") == [zero]
    assert big.line.width > pos.line.width
    assert big_neg.line.width == big.line.width > neg.line.width
    assert all(s.layer == "below" for s in edge_lines(fig))  # under the neurons and their hover points
    # Few shapes however many edges: binned, not one per edge.
    assert len(edge_lines(network_figure(get_preset("digits").network()))) <= 11
    # The legend says what colour, dash and width mean, in the symbol shown.
    assert legend(fig)[:3] == ["w > 0 (solid)", "w < 0 (dashed)", "width ∝ |w|"]
    grads = network_figure(net, view_of(net, edges=[("∂L/∂w", np.ones((2, 2))), ("∂L/∂w", -np.ones((1, 2)))]))
    assert "∂L/∂w < 0 (dashed)" in legend(grads)


def test_node_values_colour_nodes_and_not_computed_nodes_are_hollow():
    net = get_preset("worked").network()
    tr = backprop(net, [0.05, 0.10], [0.01, 0.99])
    view = view_of(net, nodes=[None, None, ("δ", tr.delta[1][0])], edges=[None, ("∂L/∂w", tr.grad_W[1])])
    fig = network_figure(net, view)
    nodes = one(fig, "nodes")
    for layer in (0, 1):
        for i in range(2):
            style = node_style(fig, layer, i)
            assert style["fill"] == P.EMPTY_FILL and style["line"] == P.MUTED and style["text"].endswith("?")
    symbols = {tuple(cd): sym for cd, sym in zip(map(tuple, nodes.customdata), nodes.marker.symbol)}
    assert symbols[("node", 0, 0)] == "circle-dot" and symbols[("node", 2, 0)] == "circle"
    d = tr.delta[1][0]
    assert d[0] > 0 > d[1]
    y1, y2 = node_style(fig, 2, 0), node_style(fig, 2, 1)
    assert y1["text"] == f"ŷ1<br>{d[0]:.4f}" and y2["text"] == f"ŷ2<br>{d[1]:.4f}"
    assert P.hex_to_rgb(y1["fill"])[2] > P.hex_to_rgb(y1["fill"])[0]  # blue for positive
    assert P.hex_to_rgb(y2["fill"])[0] > P.hex_to_rgb(y2["fill"])[2]  # vermillion for negative
    hover = list(nodes.hovertext)
    assert any(h.endswith("not computed yet") for h in hover) and any(f"δ = {d[0]:.4f}" in h for h in hover)
    # Layer 0 edges are not computed: one dotted grey shape holding exactly those.
    faint = edge_lines(fig, "none")
    assert len(faint) == 1 and faint[0].line.dash == "dot"
    assert segments(faint[0]) == {edge_segment(fig, 0, i, j) for i in range(2) for j in range(2)}
    assert "value not computed yet (?)" in legend(fig)
    fig = network_figure(net, view_of(net, nodes=[("x", tr.a[0][0]), ("a", tr.a[1][0]), ("a", tr.a[2][0])]),
                         decimals=2)  # fmt: skip
    assert node_style(fig, 1, 0)["text"] == f"h1_1<br>{tr.a[1][0, 0]:.2f}"


def test_a_zero_is_a_grey_disc_not_a_missing_value():
    net = get_preset("xor").network()
    fig = network_figure(net, view_of(net, nodes=[("x", [0.0, 1.0]), None, None]))
    zero, one_ = node_style(fig, 0, 0), node_style(fig, 0, 1)
    assert zero["fill"] == P.ZERO_FILL != P.EMPTY_FILL and zero["text"] == "x1<br>0.0000"
    assert one_["fill"] not in (P.ZERO_FILL, P.EMPTY_FILL)
    assert "x = 0 (grey)" in legend(fig) and "value not computed yet (?)" in legend(fig)


def test_non_finite_values_are_named_not_hidden():
    net = small_net()
    fig = network_figure(net, view_of(net, edges=[("w", np.array([[np.nan, 1.0], [np.inf, -1.0]])), None]))
    hover = list(one(fig, "edge_hover").hovertext)
    assert "w: x1 → h1_1 = nan" in hover and "w: x1 → h1_2 = inf" in hover
    assert "w: h1_1 → ŷ1: not computed yet" in hover
    assert "NaN or infinite (dotted)" in legend(fig) and "not computed yet (dotted)" in legend(fig)


def test_active_layer_band_and_bold_outlines():
    net = get_preset("xor").network()
    fig = network_figure(net, view_of(net, active=1))
    band = [s for s in fig.layout.shapes if s.name == "active layer"]
    x1 = node_xy(fig)[(1, 0)][0]
    assert len(band) == 1 and band[0].x0 < x1 < band[0].x1 and band[0].layer == "below"
    nodes = one(fig, "nodes")
    widths = {(cd[1], cd[2]): w for cd, w in zip(nodes.customdata, nodes.marker.line.width)}
    assert widths[(1, 0)] > widths[(0, 0)] and widths[(1, 1)] > widths[(2, 0)]
    assert "<b>hidden 1 · sigmoid (2)</b>" in headers(fig)[1]
    assert fig.layout.shapes[0] is band[0]  # under the halos and the edges
    assert all(s.name.startswith("edges") for s in network_figure(net).layout.shapes)  # no band without a stage


def test_an_applied_update_marks_the_edges_it_changed():
    net = get_preset("worked").network()
    w = walk(net, [0.05, 0.10], [0.01, 0.99])
    fig = network_figure(net, applied_view(w))
    changed = [s for s in fig.layout.shapes if s.name == "changed edges"]
    assert len(changed) == 1 and len(segments(changed[0])) == 8  # every weight moved; frozen biases did not
    assert "changed by the update" in legend(fig)
    labels = [a.text for a in fig.layout.annotations if a.name == "edge label"]  # a small figure: new values only
    assert len(labels) == 8 and any(text.startswith("0.3589") for text in labels)
    assert "edge values: after the update" in legend(fig)
    fig = network_figure(net, applied_view(w), width=900, height=500)  # room for before → after
    labels = [a.text for a in fig.layout.annotations if a.name == "edge label"]
    assert len(labels) == 8 and any(text.startswith("w 0.4000 → 0.3589") for text in labels)
    assert "edge values: after the update" not in legend(fig)


def test_selected_node_and_edge_are_highlighted():
    net = get_preset("worked").network()
    fig = network_figure(net, selected=("node", 1, 1))
    ring = [t for t in traces(fig, "selected") if t.name == "selected node"]
    assert len(ring) == 1 and (ring[0].x[0], ring[0].y[0]) == node_xy(fig)[(1, 1)]
    assert ring[0].marker.size > one(fig, "nodes").marker.size
    fig = network_figure(net, selected=("edge", 1, 0, 1))
    halo = [s for s in fig.layout.shapes if s.name == "selected edge"]
    assert len(halo) == 1 and segments(halo[0]) == {edge_segment(fig, 1, 0, 1)}
    assert halo[0].line.width > max(s.line.width for s in edge_lines(fig))
    shapes = list(fig.layout.shapes)
    assert shapes.index(halo[0]) < min(map(shapes.index, edge_lines(fig)))  # drawn underneath
    assert [t.name for t in traces(fig, "selected")] == ["selected edge point"]
    fig = network_figure(net, show_bias=True, selected=("bias", 0, 1))
    assert len([s for s in fig.layout.shapes if s.name == "selected edge"]) == 1
    # Out of range, not drawn (capped) or malformed: no highlight, no error.
    for sel in (("node", 5, 0), ("edge", 0, 9, 0), ("bias", 0, 0), ("what", 1), ("node", -1, 0)):
        fig = network_figure(net, selected=sel)
        assert traces(fig, "selected") == [] and not [s for s in fig.layout.shapes if s.name == "selected edge"]
    fig = network_figure(get_preset("digits").network(), selected=("node", 0, 40))
    assert traces(fig, "selected") == []


def test_fonts_are_projector_sized_and_layout_is_clean():
    net = get_preset("worked").network()
    tr = backprop(net, [0.05, 0.10], [0.01, 0.99])
    view = view_of(net, nodes=[("x", tr.a[0][0]), ("a", tr.a[1][0]), ("a", tr.a[2][0])], active=1)
    fig = network_figure(net, view, show_bias=True)
    sizes = [a.font.size for a in fig.layout.annotations] + [fig.layout.font.size]
    sizes += [t.textfont.size for t in fig.data if t.mode and "text" in t.mode]
    assert min(sizes) >= 14
    assert not fig.layout.xaxis.visible and not fig.layout.yaxis.visible
    assert fig.layout.xaxis.fixedrange and fig.layout.yaxis.fixedrange
    assert fig.layout.plot_bgcolor == fig.layout.paper_bgcolor == "#FFFFFF"
    assert fig.layout.clickmode == "event+select" and fig.layout.dragmode is False
    assert fig.layout.showlegend is False  # the legend is drawn by the figure, where the layout put it
    # Height follows the tallest column unless given, and the axes are the planned pixels.
    tall = network_figure(get_preset("digits").network())
    assert tall.layout.height > network_figure(get_preset("xor").network()).layout.height
    fig = network_figure(net, width=640, height=500)
    assert fig.layout.height == 500 and list(fig.layout.xaxis.range) == [0, 640]
    assert list(fig.layout.yaxis.range) == [500, 0]
    assert network_figure(net, scale=1.6).layout.font.size > network_figure(net).layout.font.size


def test_a_sources_names_are_on_the_diagram():
    preset = get_preset("worked")
    net = preset.network()
    fig = network_figure(net, names=Names(net.spec, preset.naming))
    assert {text for text, _ in node_texts(fig).values()} == {"i1", "i2", "h1", "h2", "o1", "o2"}
    assert "w5 · w: h1 → o1 = 0.4000" in one(fig, "edge_hover").hovertext


def test_bad_values_are_refused():
    net = get_preset("xor").network()
    with pytest.raises(ValueError):
        network_figure(net, max_per_layer=1)
    with pytest.raises(ValueError):
        network_figure(net, scale=9)


# ----------------------------------------------------------------------------- clicks


def test_every_clickable_point_round_trips_through_selection_from_event():
    net = get_preset("worked").network()
    fig = network_figure(net, show_bias=True)
    spec = json.loads(fig.to_json())  # what the browser gets and echoes back
    seen = set()
    for curve, trace in enumerate(spec["data"]):
        for index, cd in enumerate(trace.get("customdata") or []):
            sel = selection_from_event(event(cd, curve, index), net)
            if cd[0] == "bias_node":
                assert sel is None
                continue
            assert sel == tuple(cd) and is_valid_selection(net, sel)
            seen.add(sel)
    assert len(seen) == 6 + 8 + 4  # nodes, weights, biases
    assert ("edge", 1, 0, 1) in seen and ("node", 2, 1) in seen and ("bias", 0, 1) in seen


def test_selection_from_event_rejects_empty_malformed_and_unknown():
    assert selection_from_event(event(["node", 1, 0])) == ("node", 1, 0)
    assert selection_from_event(event(["edge", 0, 1.0, 2])) == ("edge", 0, 1, 2)
    assert selection_from_event(event(["bias", 1, 0])) == ("bias", 1, 0)
    assert selection_from_event(event(["node", np.int64(2), 0])) == ("node", 2, 0)
    for bad in (
        None,
        {},
        {"selection": None},
        {"selection": {}},
        {"selection": {"points": []}},
        {"selection": {"points": "node"}},
        {"selection": {"points": [{}]}},
        {"selection": {"points": [None]}},
        event(None),
        event("node"),
        event([]),
        event(["node", 1]),
        event(["edge", 0, 1]),
        event(["node", -1, 0]),
        event(["node", 1.5, 0]),
        event(["node", True, 0]),
        event(["node", "1", 0]),
        event(["bias_node", 0]),
        event(["weight", 0, 0, 0]),
    ):
        assert selection_from_event(bad) is None, bad
    # The first usable point wins; a bad one before it is skipped.
    two = {"selection": {"points": [{"customdata": ["x"]}, {"customdata": ["edge", 1, 0, 1]}]}}
    assert selection_from_event(two) == ("edge", 1, 0, 1)
    # With a network, indices must lie inside it (a stale click after a resize).
    net = get_preset("xor").network()
    assert selection_from_event(event(["node", 1, 1]), net) == ("node", 1, 1)
    assert selection_from_event(event(["node", 1, 2]), net) is None
    assert selection_from_event(event(["edge", 1, 1, 0]), net) is None
    assert selection_from_event(event(["bias", 1, 0]), small_net(bias="none")) is None
