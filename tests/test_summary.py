"""bpviz.summary: counts and shapes agree with real parameter arrays; the equations name every layer."""

import pytest

from bpviz import Network, NetworkSpec
from bpviz.engine.activations import ACTIVATIONS
from bpviz.engine.losses import LOSSES
from bpviz.lesson.presets import PRESETS
from bpviz.lesson.summary import (
    activation_definitions,
    architecture,
    forward_equations,
    loss_equation,
    parameter_count,
    shape_rows,
)

SPECS = [p.spec for p in PRESETS.values()] + [
    NetworkSpec((3, 5, 4, 2, 1), ("tanh", "relu", "leaky_relu", "linear"), bias="none"),
    NetworkSpec((1, 1), ("linear",), loss="mse", bias="frozen"),
]


def _balanced(latex: str) -> bool:
    depth = 0
    for ch in latex:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


@pytest.mark.parametrize("spec", SPECS, ids=architecture)
def test_counts_and_shapes_match_the_arrays_of_an_initialised_network(spec):
    net = Network.initialise(spec)
    count = parameter_count(spec)
    assert count.weights == sum(w.size for w in net.W)
    assert count.biases == (0 if spec.bias == "none" else sum(b.size for b in net.b))
    assert count.total == spec.n_params
    assert count.trainable == count.weights + (count.biases if spec.bias == "learned" else 0)
    rows = shape_rows(spec)
    assert [r["W"] for r in rows] == [" × ".join(map(str, w.shape)) for w in net.W]
    assert sum(r["parameters"] for r in rows) == count.total
    assert rows[-1]["layer"].endswith("output") and all(r["layer"].endswith("hidden") for r in rows[:-1])


def test_digits_preset_counts():
    count = parameter_count(PRESETS["digits"].spec)
    assert (count.weights, count.biases, count.trainable) == (64 * 32 + 32 * 16 + 16 * 10, 58, 2720 + 58)
    assert architecture(PRESETS["digits"].spec) == "64-32-16-10"


def test_frozen_biases_are_not_trainable():
    count = parameter_count(PRESETS["worked"].spec)
    assert (count.weights, count.biases, count.trainable) == (8, 4, 8)


@pytest.mark.parametrize("spec", SPECS, ids=architecture)
def test_forward_equations_have_a_row_per_layer(spec):
    latex = forward_equations(spec)
    assert _balanced(latex)
    assert latex.count(r"\\") == spec.depth - 1
    for l in range(1, spec.depth + 1):
        assert f"z^{{({l})}} &= W^{{({l})}}" in latex
        assert (f"b^{{({l})}}" in latex) == (spec.bias != "none")
    assert r"W^{(1)}\,x" in latex
    assert rf"\hat y = a^{{({spec.depth})}}" in latex


def test_forward_equations_apply_each_layers_activation():
    spec = NetworkSpec((2, 3, 3, 2), ("sigmoid", "relu", "linear"))
    rows = forward_equations(spec).split(r"\\")
    assert r"\sigma\big(z^{(1)}\big)" in rows[0]
    assert r"\operatorname{ReLU}\big(z^{(2)}\big)" in rows[1]
    assert rows[2].removesuffix(r"\end{aligned}").endswith("&= z^{(3)}")


def test_activation_definitions_come_from_the_registry_once_each():
    spec = NetworkSpec((2, 3, 3, 3), ("sigmoid", "sigmoid", "softmax"), loss="cross_entropy")
    defs = activation_definitions(spec)
    assert defs == [ACTIVATIONS["sigmoid"].latex, r"\operatorname{softmax}(z)_j = " + ACTIVATIONS["softmax"].latex]
    assert activation_definitions(NetworkSpec((1, 1), ("tanh",))) == []


@pytest.mark.parametrize("reduction, prefix", [("mean", r"\frac{1}{B}\sum_{n=1}^{B}"), ("sum", r"\sum_{n=1}^{B}")])
@pytest.mark.parametrize("loss", ["half_sse", "sse", "mse"])
def test_loss_equation_shows_the_reduction_and_the_registry_formula(loss, reduction, prefix):
    latex = loss_equation(NetworkSpec((2, 1), ("sigmoid",), loss=loss, reduction=reduction))
    assert latex.startswith(f"L = {prefix} ")
    assert _balanced(latex)
    assert LOSSES[loss].latex.replace("a_j", r"\hat y_j") in latex
    assert "a_j" not in latex
