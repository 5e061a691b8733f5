"""Equations with live numbers: every result is the engine's, every shown part is checked independently."""

import re

import numpy as np
import pytest

from bpviz import Network, NetworkSpec, get_preset
from bpviz.lesson.equations import (
    LINE_BREAK,
    MAX_TERMS,
    explain,
    factor,
    number,
    stage_latex,
)
from bpviz.lesson.stages import walk

D = 6  # decimals used in these tests

# (layers, activations, loss, reduction, bias): every activation, every loss, both reductions, every bias mode.
NETS = {
    "sigmoid half_sse frozen": ((2, 3, 2), ("sigmoid", "sigmoid"), "half_sse", "sum", "frozen"),
    "tanh linear mse mean": ((3, 4, 2), ("tanh", "linear"), "mse", "mean", "learned"),
    "relu softmax cross_entropy": ((2, 5, 3), ("relu", "softmax"), "cross_entropy", "mean", "learned"),
    "leaky sigmoid bce no bias": ((2, 4, 1), ("leaky_relu", "sigmoid"), "binary_cross_entropy", "sum", "none"),
    "sigmoid softmax sse": ((2, 3, 3), ("sigmoid", "softmax"), "sse", "sum", "learned"),
    "deep linear tanh": ((2, 3, 3, 2), ("linear", "tanh", "tanh"), "half_sse", "mean", "learned"),
}


def make_walk(key: str, y=None):
    layers, acts, loss, reduction, bias = NETS[key]
    spec = NetworkSpec(layers, acts, loss, reduction, bias, "uniform", seed=7, learning_rate=0.3)
    net = Network.initialise(spec)
    if bias != "none":
        rng = np.random.default_rng(1)
        net = Network(spec, net.W, [rng.uniform(-1, 1, b.shape) for b in net.b])
    x = np.linspace(-1.0, 1.2, layers[0])
    if y is None:
        y = np.eye(layers[-1])[0] if layers[-1] > 1 else np.array([1.0])
    return walk(net, x, y)


def elements(spec):
    out = [("node", l, i) for l, n in enumerate(spec.layers) for i in range(n)]
    for k, (rows, cols) in enumerate(spec.shapes):
        out += [("edge", k, i, j) for i in range(rows) for j in range(cols)]
        if spec.bias != "none":
            out += [("bias", k, i) for i in range(rows)]
    return out


def engine_value(w, selected, quantity):
    """The number the engine holds for (element, quantity): what the equation must end with."""
    t, kind = w.trace, selected[0]
    if kind == "node":
        l, i = selected[1], selected[2]
        return {
            "a": t.a[l][0, i],
            "z": t.z[l - 1][0, i] if l else None,
            "loss": t.loss,
            "delta": t.delta[l - 1][0, i] if l else None,
        }[quantity]
    k, i = selected[1], selected[2]
    if kind == "edge":
        j = selected[3]
        return {"value": w.net.W[k][i, j], "grad": t.grad_W[k][i, j], "update": w.updated.W[k][i, j]}[quantity]
    return {"value": w.net.b[k][i], "grad": t.grad_b[k][i], "update": w.updated.b[k][i]}[quantity]


def layer_of(selected):
    return selected[1] if selected[0] == "node" else selected[1] + 1


def balanced(latex: str) -> bool:
    depth = 0
    for ch in latex.replace(r"\{", "").replace(r"\}", ""):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


@pytest.mark.parametrize("key", NETS)
def test_every_equation_at_every_stage_matches_the_engine(key):
    w = make_walk(key)
    for index, stage in enumerate(w.stages):
        for selected in elements(w.net.spec):
            for eq in explain(w, index, selected, D).equations:
                known = eq.quantity == "value" or w.known(index, eq.quantity, layer_of(selected))
                assert (eq.latex is not None) == known, (index, selected, eq.quantity)
                assert eq.current == ((eq.quantity, layer_of(selected)) in stage.reveals)
                if eq.latex is None:
                    continue
                expected = engine_value(w, selected, eq.quantity)
                assert eq.value == expected
                assert number(expected, D) in eq.latex
                assert balanced(eq.latex), eq.latex
                assert "}^{" not in eq.latex.replace(r"\frac", ""), eq.latex  # no double superscripts


def _last(w):
    return len(w.stages) - 1


def _equation(w, selected, quantity, decimals=D):
    return next(e for e in explain(w, _last(w), selected, decimals).equations if e.quantity == quantity)


def test_hidden_delta_shows_the_slope_and_the_weighted_sum():
    w = make_walk("sigmoid half_sse frozen")
    t = w.trace
    for i in range(3):
        a = t.a[1][0, i]
        slope, back = a * (1 - a), w.net.W[1][:, i] @ t.delta[1][0]
        latex = _equation(w, ("node", 1, i), "delta").latex
        assert number(slope, D) in latex and number(back, D) in latex
        assert rf"{number(a, D)}\,(1 - {number(a, D)}) \\ &= {number(slope, D)}" in latex  # one "=" a line
        assert slope * back == pytest.approx(t.delta[0][0, i], rel=1e-12)
        for k in range(2):
            assert rf"{factor(w.net.W[1][k, i], D)} \cdot {factor(t.delta[1][0, k], D)}" in latex


def test_output_delta_of_half_sse_with_sigmoid():
    w = make_walk("sigmoid half_sse frozen")
    a, y = w.trace.a[2][0], w.y
    for i in range(2):
        latex = _equation(w, ("node", 2, i), "delta").latex
        assert number(a[i] - y[i], D) in latex and number(a[i] * (1 - a[i]), D) in latex


@pytest.mark.parametrize("key", ["relu softmax cross_entropy", "leaky sigmoid bce no bias"])
def test_fused_output_delta_is_a_minus_y(key):
    w = make_walk(key)
    L = w.net.spec.depth
    for i in range(w.net.spec.layers[-1]):
        latex = _equation(w, ("node", L, i), "delta").latex
        assert "- y_{" in latex and number(w.trace.a[L][0, i] - w.y[i], D) in latex
    assert ("tfrac{1}{B}" in latex) == (w.net.spec.reduction == "mean")


def test_cross_entropy_with_targets_not_summing_to_one_shows_the_general_form():
    w = make_walk("relu softmax cross_entropy", y=np.array([0.5, 0.7, 0.0]))
    latex = _equation(w, ("node", 2, 0), "delta").latex
    assert "do not sum to 1" in latex and number(1.2, D) in latex
    assert number(w.trace.delta[1][0, 0], D) in latex


def test_softmax_with_a_squared_error_uses_the_jacobian_product():
    w = make_walk("sigmoid softmax sse")
    a, y = w.trace.a[2][0], w.y
    g = 2 * (a - y)
    ga = g @ a
    for i in range(3):
        latex = _equation(w, ("node", 2, i), "delta").latex
        assert number(g[i], D) in latex and number(ga, D) in latex
        assert a[i] * (g[i] - ga) == pytest.approx(w.trace.delta[1][0, i], rel=1e-12)


def test_softmax_activation_is_written_out():
    w = make_walk("relu softmax cross_entropy")
    latex = _equation(w, ("node", 2, 1), "a").latex
    z = w.trace.z[1][0]
    assert all(f"e^{{{number(v, D)}}}" in latex for v in z)


def test_z_lists_every_weight_and_input_and_the_bias():
    w = make_walk("tanh linear mse mean")
    latex = _equation(w, ("node", 1, 2), "z").latex
    W, b, x = w.net.W[0], w.net.b[0], w.x
    for j in range(3):
        assert rf"{factor(W[2, j], D)} \cdot {factor(x[j], D)}" in latex
    assert latex.count(r"\cdot") == 3 and f"+ {factor(b[2], D)}" in latex


def test_no_bias_term_without_biases():
    w = make_walk("leaky sigmoid bce no bias")
    assert "b^{" not in _equation(w, ("node", 1, 0), "z").latex


def test_wide_sums_are_capped_but_exact():
    spec = NetworkSpec((20, 2, 1), ("sigmoid", "sigmoid"), init="uniform", seed=2)
    w = walk(Network.initialise(spec), np.linspace(0, 1, 20), [1.0])
    eq = _equation(w, ("node", 1, 0), "z", decimals=4)
    assert rf"\text{{({20 - MAX_TERMS} more)}}" in eq.latex
    assert eq.latex.count(r"\cdot") == MAX_TERMS
    assert eq.value == w.trace.z[0][0, 0] and number(eq.value, 4) in eq.latex
    assert eq.latex.count(LINE_BREAK) == MAX_TERMS // 2  # two products a line at 4 decimals


def test_frozen_bias_update_says_so():
    w = make_walk("sigmoid half_sse frozen")
    eq = _equation(w, ("bias", 0, 1), "update")
    assert "frozen" in eq.latex and eq.value == w.net.b[0][1]


def test_worked_numbers_at_nine_decimals():
    w = walk(get_preset("worked").network(), [0.05, 0.10], [0.01, 0.99])
    assert "0.298371109" in _equation(w, ("node", 2, 0), "loss", 9).latex
    assert "0.082167041" in _equation(w, ("edge", 1, 0, 0), "grad", 9).latex
    assert "0.358916480" in _equation(w, ("edge", 1, 0, 0), "update", 9).latex
    assert "0.149780716" in _equation(w, ("edge", 0, 0, 0), "update", 9).latex


def test_not_computed_yet_before_its_stage():
    w = walk(get_preset("worked").network(), [0.05, 0.10], [0.01, 0.99])
    eqs = explain(w, w.stage_of("a", 1), ("node", 2, 0), 4).equations
    assert [e.latex is None for e in eqs] == [True, True, True, True]
    eqs = explain(w, w.stage_of("z", 2), ("node", 2, 0), 4).equations
    assert [e.latex is None for e in eqs] == [False, True, True, True] and eqs[0].current


def test_nothing_selected():
    w = make_walk("tanh linear mse mean")
    assert explain(w, 0, None).equations == ()


def test_number_formatting():
    assert number(0.5, 4) == "0.5000"
    assert number(-2e-7, 4) == r"-2.00 \times 10^{-7}"
    assert factor(-0.25, 2) == "(-0.25)" and factor(0.25, 2) == "0.25"


@pytest.mark.parametrize("key", NETS)
def test_stage_equations_are_well_formed(key):
    w = make_walk(key)
    for stage in w.stages:
        latex = stage_latex(w.net.spec, stage)
        assert balanced(latex) and latex
        if stage.layer is not None and stage.kind not in ("start", "loss"):
            assert re.search(rf"\({stage.layer}\)", latex)
