"""The stage model: order, what each stage reveals, and what the diagram is given at each stage."""

import numpy as np
import pytest

from bpviz import Network, NetworkSpec, backprop, batch_loss, get_preset, sgd_step
from bpviz.figures.diagram import network_figure
from bpviz.lesson.stages import diagram_values, stages, sup, walk


def _spec(layers=(2, 3, 2), bias="learned", **kw) -> NetworkSpec:
    acts = kw.pop("activations", ("tanh",) * (len(layers) - 2) + ("sigmoid",))
    return NetworkSpec(layers, acts, bias=bias, init="uniform", seed=3, **kw)


@pytest.fixture
def w232():
    net = Network.initialise(_spec())
    return walk(net, [0.3, -0.7], [1.0, 0.0])


def test_order_for_two_layers():
    kinds = [(s.kind, s.layer) for s in stages(_spec())]
    assert kinds == [
        ("start", 0),
        ("z", 1),
        ("a", 1),
        ("z", 2),
        ("a", 2),
        ("loss", 2),
        ("delta", 2),
        ("grad", 2),
        ("delta", 1),
        ("grad", 1),
        ("update", None),
    ]


@pytest.mark.parametrize("layers", [(3, 1), (2, 3, 2), (4, 5, 3, 2), (2, 2, 2, 2, 2, 2)])
def test_every_quantity_is_revealed_exactly_once(layers):
    spec = _spec(layers)
    L = spec.depth
    st = stages(spec)
    assert len(st) == 4 * L + 3
    revealed = [item for s in st for item in s.reveals]
    expected = (
        [("a", l) for l in range(L + 1)]
        + [(q, l) for q in ("z", "delta", "grad", "update") for l in range(1, L + 1)]
        + [("loss", L)]
    )
    assert sorted(revealed) == sorted(expected)


def test_known_grows_one_stage_at_a_time(w232):
    items = {item for s in w232.stages for item in s.reveals}
    before = set()
    for index, stage in enumerate(w232.stages):
        now = {item for item in items if w232.known(index, *item)}
        assert now - before == set(stage.reveals)
        assert before <= now
        before = now
    assert before == items


def test_labels_name_phase_and_layer():
    labels = [s.label for s in stages(_spec((2, 3, 3, 2)))]
    assert "Forward · layer 2 of 3: z = W a + b" in labels
    assert "Backward · layer 2 of 3: δ = (Wᵀδ) ⊙ f′(z)" in labels
    assert labels[-1].startswith("Update")
    assert "∂L/∂b" not in " ".join(s.label for s in stages(_spec(bias="none")))


def test_walk_holds_the_engines_numbers(w232):
    net = w232.net
    t = backprop(net, [0.3, -0.7], [1.0, 0.0])
    after = sgd_step(net, t.grad_W, t.grad_b)
    assert w232.trace.loss == t.loss
    for mine, theirs in zip(w232.updated.W + w232.updated.b, after.W + after.b):
        np.testing.assert_array_equal(mine, theirs)
    assert w232.loss_after == batch_loss(after, [0.3, -0.7], [1.0, 0.0])
    np.testing.assert_array_equal(w232.x, [0.3, -0.7])
    np.testing.assert_array_equal(w232.y, [1.0, 0.0])


def test_diagram_forward_stages(w232):
    t = w232.trace
    start = diagram_values(w232, 0)
    assert start["node_symbol"] == ["a", "a", "a"] and start["active_layer"] == 0
    np.testing.assert_array_equal(start["node_values"][0], t.x[0])
    assert start["node_values"][1:] == [None, None]
    z1 = diagram_values(w232, w232.stage_of("z", 1))
    np.testing.assert_array_equal(z1["node_values"][1], t.z[0][0])
    assert z1["node_symbol"] == ["a", "z", "a"]
    assert z1["node_values"][2] is None and z1["active_layer"] == 1
    a2 = diagram_values(w232, w232.stage_of("a", 2))
    np.testing.assert_array_equal(a2["node_values"][2], t.a[2][0])
    for got, weights in zip(a2["edge_values"], w232.net.W):
        np.testing.assert_array_equal(got, weights)
    assert a2["edge_symbol"] == "w"


def test_diagram_backward_stages_show_only_what_is_computed(w232):
    t = w232.trace
    d2 = diagram_values(w232, w232.stage_of("delta", 2))
    assert d2["node_symbol"] == ["x", "δ", "δ"] and d2["active_layer"] == 2
    np.testing.assert_array_equal(d2["node_values"][0], t.x[0])
    assert d2["node_values"][1] is None
    np.testing.assert_array_equal(d2["node_values"][2], t.delta[1][0])
    assert d2["edge_values"] == [None, None] and d2["bias_values"] == [None, None]
    g2 = diagram_values(w232, w232.stage_of("grad", 2))
    assert g2["edge_values"][0] is None
    np.testing.assert_array_equal(g2["edge_values"][1], t.grad_W[1])
    np.testing.assert_array_equal(g2["bias_values"][1], t.grad_b[1])
    assert g2["edge_symbol"] == "∂L/∂w"


def test_diagram_update_stage_shows_new_weights(w232):
    last = diagram_values(w232, len(w232.stages) - 1)
    assert last["edge_symbol"] == "w⁺" and last["active_layer"] is None
    for got, new in zip(last["edge_values"] + last["bias_values"], w232.updated.W + w232.updated.b):
        np.testing.assert_array_equal(got, new)
    assert all(v is not None for v in last["node_values"][1:])


def test_mazur_update_changes_the_weights_not_the_frozen_biases():
    w = walk(get_preset("mazur").network(), [0.05, 0.10], [0.01, 0.99])
    assert w.trace.loss == pytest.approx(0.298371109, abs=1e-9)
    assert w.updated.W[1][0, 0] == pytest.approx(0.35891648, abs=1e-8)
    assert [b.tolist() for b in w.updated.b] == [[0.35, 0.35], [0.6, 0.6]]
    assert w.loss_after < w.trace.loss


def test_sup():
    assert sup(12) == "¹²" and sup(0) == "⁰"


def test_the_diagram_names_each_layers_quantity_on_hover(w232):
    """z on the layer just computed, a on the layers before it; x and δ going backward."""

    def hovers(index):
        fig = network_figure(w232.net, **diagram_values(w232, index))
        nodes = next(tr for tr in fig.data if tr.name == "neurons")
        return list(nodes.hovertext)

    z1 = hovers(w232.stage_of("z", 1))
    assert z1[0].endswith("a = 0.3000") and "<br>z = " in z1[2] and z1[-1].endswith("a: not computed yet")
    d2 = hovers(w232.stage_of("delta", 2))
    assert d2[0].endswith("x = 0.3000") and d2[2].endswith("δ: not computed yet") and "<br>δ = " in d2[-1]
