"""The stage model: order, what each stage reveals, and what the diagram is given at each stage."""

import numpy as np
import pytest

from bpviz import Network, NetworkSpec, backprop, batch_loss, get_preset, sgd_step
from bpviz.lesson.names import sup
from bpviz.lesson.stages import stages, walk


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


def test_worked_update_changes_the_weights_not_the_frozen_biases():
    w = walk(get_preset("worked").network(), [0.05, 0.10], [0.01, 0.99])
    assert w.trace.loss == pytest.approx(0.298371109, abs=1e-9)
    assert w.updated.W[1][0, 0] == pytest.approx(0.35891648, abs=1e-8)
    assert [b.tolist() for b in w.updated.b] == [[0.35, 0.35], [0.6, 0.6]]
    assert w.loss_after < w.trace.loss


def test_sup():
    assert sup(12) == "¹²" and sup(0) == "⁰"


