"""Tables of a stage: the engine's numbers, named as in the equations, only once computed."""

import numpy as np
import pytest

from bpviz import Network, NetworkSpec, get_preset, gradient_check
from bpviz.lesson.stages import walk
from bpviz.lesson.tables import gradcheck_table, name, neuron_table, parameter_label, weight_tables


@pytest.fixture
def w():
    spec = NetworkSpec((2, 3, 2), ("tanh", "sigmoid"), init="uniform", seed=4)
    return walk(Network.initialise(spec), [0.2, -0.4], [0.0, 1.0])


def test_names():
    assert name("z", 2) == "z⁽²⁾" and name("b", 11, after=True) == "b⁽¹¹⁾⁺"


def test_columns_appear_stage_by_stage(w):
    def cols(kind, layer, table_layer):
        return list(neuron_table(w, w.stage_of(kind, layer), table_layer).columns)

    assert cols("start", 0, 0) == ["a⁽⁰⁾ = x"]
    assert cols("start", 0, 1) == ["b⁽¹⁾"]
    assert cols("z", 1, 1) == ["b⁽¹⁾", "z⁽¹⁾"]
    assert cols("loss", 2, 2) == ["b⁽²⁾", "z⁽²⁾", "a⁽²⁾", "y"]
    assert cols("delta", 2, 1) == ["b⁽¹⁾", "z⁽¹⁾", "a⁽¹⁾"]
    assert cols("grad", 1, 1) == ["b⁽¹⁾", "z⁽¹⁾", "a⁽¹⁾", "δ⁽¹⁾", "∂L/∂b⁽¹⁾"]
    assert cols("update", None, 2)[-1] == "b⁽²⁾⁺"


def test_values_are_the_engines(w):
    last = len(w.stages) - 1
    out = neuron_table(w, last, 2)
    t = w.trace
    np.testing.assert_array_equal(out["z⁽²⁾"], t.z[1][0])
    np.testing.assert_array_equal(out["δ⁽²⁾"], t.delta[1][0])
    np.testing.assert_array_equal(out["b⁽²⁾⁺"], w.updated.b[1])
    assert list(out.index) == ["ŷ1", "ŷ2"]
    tables = weight_tables(w, last, 1)
    assert list(tables) == ["W⁽¹⁾", "∂L/∂W⁽¹⁾", "W⁽¹⁾⁺"]
    np.testing.assert_array_equal(tables["∂L/∂W⁽¹⁾"].to_numpy(), t.grad_W[0])
    assert list(tables["W⁽¹⁾"].index) == ["h1_1", "h1_2", "h1_3"] and list(tables["W⁽¹⁾"].columns) == ["x1", "x2"]
    assert list(weight_tables(w, w.stage_of("delta", 1), 1)) == ["W⁽¹⁾"]


def test_parameter_labels():
    spec = NetworkSpec((2, 3, 12), ("tanh", "sigmoid"))
    assert parameter_label(spec, "W2[11,0]") == ("w⁽²⁾₁₂,₁", "h1_1 → ŷ12")
    assert parameter_label(spec, "b1[2]") == ("b⁽¹⁾₃", "bias of h1_3")
    with pytest.raises(ValueError):
        parameter_label(spec, "V1[0]")


def test_gradcheck_table_puts_the_worst_first():
    net = get_preset("worked").network()
    check = gradient_check(net, [0.05, 0.10], [0.01, 0.99])
    table = gradcheck_table(net.spec, check)
    assert len(table) == 8  # frozen biases are not checked
    assert table["relative error"].is_monotonic_decreasing
    row = table.set_index("parameter").loc["w⁽²⁾₁,₁"]
    assert row["backprop"] == pytest.approx(0.082167041, abs=1e-9) and row["where"] == "h1_1 → ŷ1"


def test_wide_weight_tables_show_their_first_block_and_say_so():
    from bpviz.lesson.tables import MAX_TABLE_SIDE

    spec = NetworkSpec((3, 100, 2), ("relu", "sigmoid"), seed=1)
    big = walk(Network.initialise(spec), [0.1, 0.2, 0.3], [0.0, 1.0])
    ((title, frame),) = weight_tables(big, 0, 1).items()
    assert frame.shape == (MAX_TABLE_SIDE, 3)
    assert title == f"W⁽¹⁾ (first {MAX_TABLE_SIDE} × 3 of 100 × 3)"
    np.testing.assert_array_equal(frame.to_numpy(), big.net.W[0][:MAX_TABLE_SIDE])
    assert list(weight_tables(big, 0, 2)) == ["W⁽²⁾ (first 2 × 64 of 2 × 100)"]
