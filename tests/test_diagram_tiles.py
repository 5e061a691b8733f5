"""The diagram with maps: each drawn node a tile painted with its neuron's map, labels and edges clear of it."""

import base64
import itertools
import struct
import zlib

import numpy as np
import plotly.graph_objects as go
import pytest
from conftest import edge_ends

from bpviz import Network, NetworkSpec, get_preset
from bpviz.figures import palette as P
from bpviz.figures.diagram import layout as G
from bpviz.figures.diagram import network_figure
from bpviz.figures.diagram.plan import label_boxes, plan
from bpviz.figures.diagram.tiles import COLORS, levels, tile_rgb
from bpviz.figures.png import data_uri, png_rgb
from bpviz.lesson.maps import neuron_maps
from bpviz.lesson.names import Names
from bpviz.lesson.presets import PRESETS
from bpviz.lesson.shown import design_view, stage_view, train_view
from bpviz.lesson.stages import walk

EXTENT = (-1.4, 1.4, -1.2, 1.6)
DEEP = NetworkSpec((2, 8, 8, 8, 8, 8, 8, 8, 8, 1), ("tanh",) * 8 + ("sigmoid",))
TWO_D = ["xor", "worked", "circles", "spiral"]


def nets():
    """Every 2-input preset, the deep 2-8×8-1 net and a wide layer that gets capped."""
    out = {key: PRESETS[key].network() for key in TWO_D}
    out["deep"] = Network.initialise(DEEP)
    out["wide"] = Network.initialise(NetworkSpec((2, 60, 3), ("relu", "softmax"), "cross_entropy"))
    return out


def decode_png(uri: str) -> np.ndarray:
    """The pixels of an 8-bit RGB PNG in a data URI, (height, width, 3): its chunks read by the specification."""
    data = base64.b64decode(uri.split(",", 1)[1])
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, chunks = 8, {}
    while at < len(data):
        (length,), tag = struct.unpack(">I", data[at : at + 4]), data[at + 4 : at + 8]
        body = data[at + 8 : at + 8 + length]
        assert struct.unpack(">I", data[at + 8 + length : at + 12 + length])[0] == zlib.crc32(tag + body)
        chunks[tag] = chunks.get(tag, b"") + body
        at += 12 + length
    w, h, depth, kind = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, kind) == (8, 2)
    rows = np.frombuffer(zlib.decompress(chunks[b"IDAT"]), dtype=np.uint8).reshape(h, 1 + 3 * w)
    assert not rows[:, 0].any()  # filter 0: the bytes are the pixels
    return rows[:, 1:].reshape(h, w, 3)


def figure(net, **options):
    maps = neuron_maps(net, EXTENT)
    return maps, network_figure(net, train_view(net), maps=maps, **options)


def tile_boxes(p) -> list[tuple[str, G.Box]]:
    cols, s = p.columns, p.columns.diameter
    return [(f"tile {k},{i}", G.Box.around(*cols.center(k, int(i)), s, s)) for k, d in enumerate(cols.drawn) for i in d]


@pytest.mark.parametrize("key", ["circles", "spiral", "deep", "wide"])
def test_each_drawn_neuron_shows_its_map_on_its_square(key):
    net = nets()[key]
    maps, fig = figure(net, width=640, height=560)
    side, drawn = fig.layout.meta["diameter"], fig.layout.meta["drawn"]
    nodes = next(t for t in fig.data if t.meta and t.meta[0] == "nodes")
    centres = {tuple(c): (x, y) for c, x, y in zip(nodes.customdata, nodes.x, nodes.y)}
    images = {image.name: image for image in fig.layout.images}
    assert len(images) == sum(map(len, drawn)) and not [t for t in fig.data if t.type == "heatmap"]
    for k, i in ((k, i) for k, layer in enumerate(drawn) for i in layer):
        image, (cx, cy) = images[f"tile {k},{i}"], centres[("node", k, i)]
        assert (image.xanchor, image.yanchor, image.sizing, image.layer) == ("left", "top", "stretch", "below")
        assert [image.x, image.y, image.sizex, image.sizey] == pytest.approx(
            [cx - side / 2, cy - side / 2, side, side], abs=0.05
        )
        pixels = decode_png(image.source)
        assert pixels.shape == (maps.grid, maps.grid, 3)
        assert np.array_equal(pixels, COLORS[levels(maps.values[k][i][::-1])])  # the top row is the highest x2
    assert nodes.marker.symbol[0] == "square" and nodes.marker.color[0] == "rgba(0,0,0,0)"


def test_levels_run_from_minus_one_to_one_in_the_node_colours():
    values = np.array([[-5.0, -1.0, 0.0], [0.5, 1.0, 7.0], [np.nan, np.inf, -np.inf]])
    assert levels(values).tolist() == [[0, 0, 128], [191, 255, 255], [128, 255, 0]]
    assert COLORS[0].tolist() == list(P.hex_to_rgb(P.NEGATIVE))
    assert COLORS[255].tolist() == list(P.hex_to_rgb(P.POSITIVE))
    rgb = tile_rgb(values)
    assert rgb[0].tolist() == [list(P.hex_to_rgb(P.FAINT))] * 3  # the last row (highest x2) on top: not finite
    assert rgb[2, 0].tolist() == COLORS[0].tolist()


def test_png_files_hold_their_pixels():
    rgb = np.random.default_rng(0).integers(0, 256, (5, 7, 3), dtype=np.uint8)
    assert np.array_equal(decode_png(data_uri(png_rgb(rgb))), rgb)
    with pytest.raises(ValueError):
        png_rgb(rgb.astype(float))


def test_hover_names_each_tile_and_its_maps_range():
    net = nets()["circles"]
    maps, fig = figure(net)
    nodes = next(t for t in fig.data if t.meta and t.meta[0] == "nodes")
    hover = dict(zip(map(tuple, nodes.customdata), nodes.hovertext))
    low, high = maps.values[1][3].min(), maps.values[1][3].max()
    text = hover[("node", 1, 3)].replace("−", "-")
    assert text.startswith("h1_4 · hidden 1 · tanh") and f"a from {low:.4f} to {high:.4f} over the plane" in text
    assert "x from" in hover[("node", 0, 0)]
    assert not [t for t in fig.data if t.meta and t.meta[0] == "node_text"]  # the picture is the node's content
    assert "names and edge values on hover" in fig.layout.meta["legend"]
    assert "tile: a over the input plane (x1 →, x2 ↑)" in fig.layout.meta["legend"]
    assert "Each neuron is a tile" in fig.layout.meta["alt"] and fig.layout.meta["tiles"] == maps.grid


def test_edges_stop_at_the_sides_of_the_squares():
    net = nets()["spiral"]
    _, fig = figure(net, width=600, height=600)
    meta = fig.layout.meta
    nodes = next(t for t in fig.data if t.meta and t.meta[0] == "nodes")
    half = meta["diameter"] / 2
    centres = np.c_[nodes.x, nodes.y]
    lines = [s for s in fig.layout.shapes if s.name.startswith("edges")]
    assert lines
    for shape in lines:
        ends = edge_ends(shape.path)
        for end in (ends[:, :2], ends[:, 2:]):
            d = np.abs(end[:, None, :] - centres[None, :, :]).max(axis=2)
            assert d.min(axis=1) == pytest.approx(np.full(len(ends), half), abs=0.05)  # on the square's outline


@pytest.mark.parametrize("key", list(nets()))
@pytest.mark.parametrize("width, height, scale", [(520, 420, 1.0), (640, None, 1.0), (900, 700, 1.6)])
def test_labels_are_clear_of_each_other_and_of_the_tiles(key, width, height, scale):
    net = nets()[key]
    for view in (train_view(net), design_view(net)):
        p = plan(net.spec, view, Names(net.spec), width=width, height=height, scale=scale, decimals=4,
                 show_bias=False, max_per_layer=32, tiles=True)  # fmt: skip
        labels, squares = label_boxes(p), tile_boxes(p)
        area = G.Box(0, 0, width, p.height)
        for (a, box_a), (b, box_b) in itertools.combinations(labels, 2):
            assert not box_a.overlaps(box_b, pad=0), f"{a} {box_a} meets {b} {box_b}"
        for (a, label), (b, square) in itertools.product(labels, squares):
            assert not label.overlaps(square, pad=0), f"{a} {label} meets {b} {square}"
        for (a, box_a), (b, box_b) in itertools.combinations(squares, 2):
            assert not box_a.overlaps(box_b, pad=1), f"{a} meets {b}"
        assert all(box.inside(area) for _, box in labels + squares)
        assert p.columns.diameter >= 20


def test_a_wide_layer_is_capped_and_says_how_many_more():
    net = nets()["wide"]
    _, fig = figure(net, width=600, height=420)
    meta = fig.layout.meta
    assert meta["hidden"][1] > 0 and len(meta["drawn"][1]) + meta["hidden"][1] == 60
    assert any(a.text.startswith("⋮ +") for a in fig.layout.annotations)


def test_the_chosen_neuron_gets_a_square_ring():
    net = nets()["circles"]
    _, fig = figure(net, selected=("node", 1, 2))
    ring = next(t for t in fig.data if t.meta and t.meta[0] == "selected")
    assert ring.marker.symbol == "square-open"
    assert ring.marker.size > fig.layout.meta["diameter"]


def test_maps_must_fit_the_network():
    circles, spiral = nets()["circles"], nets()["spiral"]
    with pytest.raises(ValueError, match="do not fit"):
        network_figure(circles, maps=neuron_maps(spiral, EXTENT))


@pytest.mark.parametrize("key", list(PRESETS))
def test_every_diagram_passes_plotlys_own_checks(key):
    """The diagram skips plotly's per-property validation (it is redrawn live): here plotly checks it all."""
    net = PRESETS[key].network()
    x, y = np.zeros(net.spec.layers[0]), np.zeros(net.spec.layers[-1])
    views = [design_view(net), train_view(net), stage_view(walk(net, x, y), 3)]
    maps = neuron_maps(net, EXTENT) if net.spec.layers[0] == 2 else None
    for view, with_maps in itertools.product(views, (False, True)):
        if with_maps and maps is None:
            continue
        fig = network_figure(net, view, show_bias=True, selected=("node", 1, 0), maps=maps if with_maps else None)
        go.Figure(fig.to_dict())  # raises on any property plotly does not know or a value it refuses


def test_the_train_view_prints_no_edge_values():
    net = get_preset("xor").network()
    design, train = network_figure(net), network_figure(net, train_view(net))
    assert any(a.name == "edge label" for a in design.layout.annotations)
    assert not any(a.name == "edge label" for a in train.layout.annotations)
    assert "edge values on hover" in train.layout.meta["legend"]
