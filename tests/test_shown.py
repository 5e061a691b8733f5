"""What the diagram shows at each stage: every node and edge an equation uses carries the numbers it multiplies."""

import numpy as np
import pytest

from bpviz import Network, NetworkSpec, get_preset
from bpviz.figures.diagram import network_figure
from bpviz.lesson.shown import applied_view, design_view, stage_view
from bpviz.lesson.stages import walk


@pytest.fixture(scope="module")
def worked():
    return walk(get_preset("worked").network(), [0.05, 0.10], [0.01, 0.99])


@pytest.fixture(scope="module")
def w232():
    spec = NetworkSpec((2, 3, 2), ("tanh", "sigmoid"), "half_sse", "mean", "learned", "uniform", 5, 0.5)
    return walk(Network.initialise(spec), [0.3, -0.7], [1.0, 0.0])


def symbols(shown):
    return None if shown is None else [q.symbol for q in shown]


def test_forward_stages_show_a_so_far_then_z_then_a_with_its_z(w232):
    t = w232.trace
    start = stage_view(w232, 0)
    assert [symbols(s) for s in start.nodes] == [["x"], None, None] and start.active_layer == 0
    np.testing.assert_array_equal(start.nodes[0][0].values, t.x[0])
    z1 = stage_view(w232, w232.stage_of("z", 1))
    assert [symbols(s) for s in z1.nodes] == [["x"], ["z"], None] and z1.active_layer == 1
    np.testing.assert_array_equal(z1.nodes[1][0].values, t.z[0][0])
    a2 = stage_view(w232, w232.stage_of("a", 2))
    assert [symbols(s) for s in a2.nodes] == [["x"], ["a"], ["a", "z"]]
    for shown, weights in zip(a2.edges, w232.net.W):
        assert symbols(shown) == ["w"]
        np.testing.assert_array_equal(shown[0].values, weights)


def test_the_loss_and_the_output_delta_show_the_target_beside_the_output(w232):
    loss = stage_view(w232, w232.stage_of("loss", 2))
    assert symbols(loss.nodes[2]) == ["a", "y"]
    np.testing.assert_array_equal(loss.nodes[2][1].values, [1.0, 0.0])
    d2 = stage_view(w232, w232.stage_of("delta", 2))
    assert symbols(d2.nodes[2]) == ["δ", "a", "y"] and symbols(d2.nodes[1]) == ["a"]


def test_the_gradient_of_the_worked_example_shows_the_numbers_it_multiplies(worked):
    """Stage 8 computes ∂E/∂w5 = δ_o1 · out_h1 = 0.1385 · 0.5933: both hidden nodes show their a, the
    outputs their δ, and the edges into the outputs the products."""
    view = stage_view(worked, 7)
    assert worked.stages[7].kind == "grad" and worked.stages[7].layer == 2
    assert [symbols(s) for s in view.nodes] == [["x"], ["a"], ["δ"]]
    np.testing.assert_allclose(view.nodes[1][0].values, [0.593269992, 0.596884378], atol=1e-9)
    np.testing.assert_allclose(view.nodes[2][0].values, [0.138498562, -0.038098237], atol=1e-9)
    assert symbols(view.edges[0]) == ["w"] and symbols(view.edges[1]) == ["∂L/∂w"]
    assert view.edges[1][0].values[0, 0] == pytest.approx(0.082167041, abs=1e-9)


def test_a_hidden_delta_shows_the_weights_it_sums_over(worked):
    """Stage 9 computes δ_h1 = f′(net_h1)·(w5 δ_o1 + w7 δ_o2): the edges into the outputs show w (0.40, 0.50),
    the outputs δ, and h1 its δ with the a its f′ comes from."""
    view = stage_view(worked, 8)
    assert symbols(view.edges[1]) == ["w"] and view.edges[1][0].values[:, 0].tolist() == [0.4, 0.5]
    assert symbols(view.nodes[2]) == ["δ"] and symbols(view.nodes[1]) == ["δ", "a"]


def test_the_update_shows_each_weight_before_and_after_and_its_gradient(worked):
    view = stage_view(worked, 10)
    assert view.active_layer is None and not view.changed
    w5 = view.edges[1][0]
    assert w5.symbol == "w" and w5.before[0, 0] == 0.4 and w5.values[0, 0] == pytest.approx(0.35891648, abs=1e-8)
    assert symbols(view.edges[1]) == ["w", "∂L/∂w"]
    assert symbols(view.biases[0]) == ["b"]  # frozen: the biases do not move
    assert applied_view(worked).changed


def test_design_shows_names_and_weights():
    net = get_preset("xor").network()
    view = design_view(net)
    assert view.nodes == ((), (), ()) and symbols(view.edges[0]) == ["w"] and symbols(view.biases[1]) == ["b"]


def test_the_diagram_names_each_layers_quantities_on_hover(w232):
    """z on the layer just computed, a on the layers before it; δ going backward, with the a of f′."""

    def hovers(index):
        fig = network_figure(w232.net, stage_view(w232, index))
        nodes = next(tr for tr in fig.data if tr.name == "neurons")
        return list(nodes.hovertext)

    z1 = hovers(w232.stage_of("z", 1))
    assert z1[0].endswith("x = 0.3000") and "<br>z = " in z1[2] and z1[-1].endswith("not computed yet")
    d1 = hovers(w232.stage_of("delta", 1))
    assert "<br>δ = " in d1[2] and "<br>a = " in d1[2] and "<br>δ = " in d1[-1]
