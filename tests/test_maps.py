"""Neuron maps: every layer's activations on a grid of the input plane are the network's own, point by point."""

import numpy as np
import pytest

from bpviz import Network, NetworkSpec, get_preset
from bpviz.data.catalog import make_dataset
from bpviz.engine.backprop import forward_trace
from bpviz.lesson.maps import TILE_GRID, block_rows, neuron_maps, plane_extent, span

EXTENT = (-1.5, 1.2, -0.7, 2.0)
DEEP = NetworkSpec((2, 8, 8, 8, 8, 8, 8, 8, 8, 1), ("tanh",) * 8 + ("sigmoid",), seed=4)


@pytest.mark.parametrize("net", [get_preset("circles").network(), get_preset("spiral").network(),
                                 Network.initialise(DEEP)], ids=["circles", "spiral", "deep"])  # fmt: skip
def test_every_layers_map_is_its_activation_at_each_grid_point(net):
    maps = neuron_maps(net, EXTENT)
    G = TILE_GRID
    assert maps.grid == G and maps.extent == pytest.approx(EXTENT)
    assert [v.shape for v in maps.values] == [(n, G, G) for n in net.spec.layers]
    assert [z.shape for z in maps.z] == [(n, G, G) for n in net.spec.layers[1:]]
    for r, c in [(0, 0), (3, 17), (G - 1, 5), (G - 1, G - 1)]:
        point = np.array([[maps.x1[c], maps.x2[r]]])
        z, a = forward_trace(net, point)
        for layer in range(net.spec.depth + 1):
            assert np.allclose(maps.values[layer][:, r, c], a[layer][0]), (layer, r, c)
        for layer in range(net.spec.depth):
            assert np.allclose(maps.z[layer][:, r, c], z[layer][0]), (layer, r, c)
    g1, g2 = np.meshgrid(maps.x1, maps.x2)
    out = net.forward(np.c_[g1.ravel(), g2.ravel()])  # the network's own forward pass, every point at once
    assert np.allclose(maps.values[-1].reshape(net.spec.layers[-1], -1).T, out)


def test_the_input_layers_maps_are_x1_across_and_x2_up():
    maps = neuron_maps(get_preset("circles").network(), EXTENT, grid=5)
    x1, x2 = maps.values[0]
    assert np.allclose(x1, np.tile(np.linspace(-1.5, 1.2, 5), (5, 1)))  # constant down each column
    assert np.allclose(x2, np.tile(np.linspace(-0.7, 2.0, 5)[:, None], (1, 5)))  # grows row by row


def test_the_plane_holds_the_data_with_a_margin():
    X = make_dataset("circles", n=200, noise=0.1).X
    lo1, hi1, lo2, hi2 = plane_extent(X)
    width = X[:, 0].max() - X[:, 0].min()
    assert lo1 == pytest.approx(X[:, 0].min() - 0.15 * width) and hi1 == pytest.approx(X[:, 0].max() + 0.15 * width)
    assert lo2 < X[:, 1].min() and hi2 > X[:, 1].max()
    assert span(np.array([2.0, 2.0])) == (1.85, 2.15)  # one value: a range of 1 around it


def test_the_colour_range_holds_every_value_and_is_at_least_one():
    maps = neuron_maps(get_preset("spiral").network(), (-5, 5, -5, 5))
    for layer in range(3):
        for i in range(len(maps.values[layer])):
            m = maps.color_range(layer, i)
            assert m >= 1 and np.abs(maps.values[layer][i]).max() <= m
    assert maps.color_range(3, 0) == 1  # softmax: within [0, 1]


def test_maps_need_two_inputs_and_a_grid():
    with pytest.raises(ValueError, match="2 inputs"):
        neuron_maps(get_preset("digits").network(), EXTENT)
    with pytest.raises(ValueError, match="grid"):
        neuron_maps(get_preset("circles").network(), EXTENT, grid=1)


def test_a_big_grid_goes_through_in_blocks_and_comes_out_the_same():
    net = get_preset("spiral").network()
    assert block_rows(net.spec.layers) == 781 and block_rows((2, 4096, 1)) == 64  # 16·16 = 256 per row; at least 64
    maps = neuron_maps(net, EXTENT, grid=60)  # 3,600 points: five blocks
    g1, g2 = np.meshgrid(maps.x1, maps.x2)
    z, a = forward_trace(net, np.c_[g1.ravel(), g2.ravel()])  # all at once
    for layer in range(net.spec.depth + 1):
        assert np.allclose(maps.values[layer], a[layer].T.reshape(-1, 60, 60))
    for layer in range(net.spec.depth):
        assert np.allclose(maps.z[layer], z[layer].T.reshape(-1, 60, 60))


def test_kept_neurons_are_the_same_maps_and_the_rest_are_empty():
    net = get_preset("spiral").network()  # 2-16-16-3
    whole = neuron_maps(net, EXTENT, grid=30)
    kept = neuron_maps(net, EXTENT, grid=30, keep={1: range(4, 6), 3: range(3)})
    assert [v.shape[0] for v in kept.values] == [0, 2, 0, 3] and [z.shape[0] for z in kept.z] == [2, 0, 3]
    assert np.array_equal(kept.values[1], whole.values[1][4:6]) and np.array_equal(kept.z[0], whole.z[0][4:6])
    assert np.array_equal(kept.values[3], whole.values[3]) and np.array_equal(kept.z[2], whole.z[2])
