"""The Design page's pure rules: form to spec, which edits keep weights, weight tables, data for an import."""

import numpy as np
import pandas as pd
import pytest

from bpviz import BpvizError, Network, NetworkSpec
from bpviz.data.catalog import DATA_DEFAULTS, DataSettings, make_dataset
from bpviz.data.datasets import choose_outputs, describe_dataset, fits, output_choices
from bpviz.design.edits import (
    add_hidden_layer,
    can_add_layer,
    form_spec,
    is_initial,
    next_network,
    redraws,
    remove_hidden_layer,
)
from bpviz.design.imports import data_for
from bpviz.design.weights import BIAS_COLUMN, apply_table, differs, editable, set_parameter, weight_table
from bpviz.engine.spec import MAX_HIDDEN_LAYERS
from bpviz.lesson.presets import PRESETS

XOR = make_dataset("xor", n=4, noise=0.0)
SPIRAL = make_dataset("spiral", n=60, classes=4)
SINE = make_dataset("sine", n=20)


def _same_parameters(a: Network, b: Network) -> bool:
    return all(np.array_equal(p, q) for p, q in zip((*a.W, *a.b), (*b.W, *b.b)))


# --- data -------------------------------------------------------------------------------------------------------


def test_output_choices_follow_the_targets():
    assert output_choices(XOR) == (1, 2)
    assert output_choices(SPIRAL) == (4,)
    assert output_choices(SINE) == (1,)


@pytest.mark.parametrize(
    "ds, wanted, act, expected",
    [(XOR, 1, "sigmoid", 1), (XOR, 2, "sigmoid", 2), (XOR, 1, "softmax", 2), (XOR, 10, "tanh", 1), (SPIRAL, 1, "x", 4)],
)
def test_choose_outputs(ds, wanted, act, expected):
    assert choose_outputs(ds, wanted, act) == expected


def test_every_start_setting_is_a_valid_dataset_and_gates_start_as_their_truth_table():
    for name, settings in DATA_DEFAULTS.items():
        assert settings.name == name
        if name != "csv":
            make_dataset(name, n=settings.n, noise=settings.noise, classes=settings.classes)
    assert (DATA_DEFAULTS["xor"].n, DATA_DEFAULTS["xor"].noise) == (4, 0.0)


# --- spec edits -------------------------------------------------------------------------------------------------


def test_form_spec_takes_input_and_output_sizes_from_the_data():
    fields = dict(loss="half_sse", reduction="mean", bias="learned", init="xavier", seed=3, learning_rate=0.1)
    assert form_spec(SPIRAL, [5, 6], ["tanh", "relu", "sigmoid"], 1, **fields).layers == (2, 5, 6, 4)
    assert form_spec(XOR, [3], ["tanh", "softmax"], 1, **fields | {"loss": "cross_entropy"}).layers == (2, 3, 2)
    with pytest.raises(BpvizError, match="softmax output"):
        form_spec(XOR, [3], ["tanh", "sigmoid"], 1, **fields | {"loss": "cross_entropy"})


def test_learning_rate_loss_reduction_and_activations_keep_the_weights():
    net = Network.initialise(NetworkSpec((2, 3, 1), ("sigmoid", "sigmoid"), seed=1))
    net.W[0][0, 0] = 9.0  # hand-set: must survive
    for change in (
        {"learning_rate": 0.01},
        {"loss": "mse"},
        {"reduction": "sum"},
        {"activations": ("tanh", "linear")},
        {"bias": "frozen"},
    ):
        new = next_network(net, net.spec.replace(**change))
        assert not redraws(net.spec, new.spec)
        assert _same_parameters(new, net), change
        assert new.spec == net.spec.replace(**change)


@pytest.mark.parametrize("change", [{"seed": 2}, {"init": "he"}, {"layers": (2, 4, 1)}])
def test_sizes_init_and_seed_draw_new_weights_from_the_seed(change):
    net = Network.initialise(NetworkSpec((2, 3, 1), ("sigmoid", "sigmoid"), seed=1))
    new = next_network(net, net.spec.replace(**change))
    assert redraws(net.spec, new.spec)
    assert is_initial(new)
    assert _same_parameters(new, Network.initialise(net.spec.replace(**change)))


def test_bias_mode_none_zeroes_the_biases_and_keeps_the_weights():
    net = PRESETS["worked"].network()
    new = next_network(net, net.spec.replace(bias="none"))
    assert all(np.all(b == 0) for b in new.b)
    assert all(np.array_equal(w, v) for w, v in zip(new.W, net.W))


def test_add_and_remove_hidden_layers():
    spec = NetworkSpec((2, 1), ("sigmoid",))
    grown = add_hidden_layer(spec)
    assert grown.layers == (2, 4, 1) and grown.activations == ("sigmoid", "sigmoid")
    grown = add_hidden_layer(grown.replace(layers=(2, 7, 1), activations=("tanh", "sigmoid")))
    assert grown.layers == (2, 7, 7, 1) and grown.activations == ("tanh", "tanh", "sigmoid")
    assert remove_hidden_layer(grown.replace(layers=(2, 5, 7, 1)), 1).layers == (2, 7, 1)
    assert add_hidden_layer(NetworkSpec((2, 3), ("softmax",), loss="cross_entropy")).activations[0] == "sigmoid"
    with pytest.raises(ValueError):
        remove_hidden_layer(grown, 3)


def test_at_most_eight_hidden_layers():
    spec = NetworkSpec((2, *[3] * MAX_HIDDEN_LAYERS, 1), ("tanh",) * MAX_HIDDEN_LAYERS + ("sigmoid",))
    assert not can_add_layer(spec)
    assert can_add_layer(remove_hidden_layer(spec, 1))


def test_is_initial_notices_a_single_changed_weight():
    net = Network.initialise(NetworkSpec((2, 2, 1), ("sigmoid", "sigmoid")))
    assert is_initial(net)
    net.b[1][0] = 0.5
    assert not is_initial(net)


# --- weight tables ----------------------------------------------------------------------------------------------


def test_weight_table_is_labelled_with_neuron_names_and_holds_W_and_b():
    net = PRESETS["worked"].network()
    table = weight_table(net, 1)
    assert list(table.index) == ["ŷ1", "ŷ2"]
    assert list(table.columns) == ["h1_1", "h1_2", BIAS_COLUMN]
    np.testing.assert_array_equal(table[["h1_1", "h1_2"]].to_numpy(), net.W[1])
    np.testing.assert_array_equal(table[BIAS_COLUMN].to_numpy(), net.b[1])
    no_bias = next_network(net, net.spec.replace(bias="none"))
    assert BIAS_COLUMN not in weight_table(no_bias, 0).columns


def test_apply_table_changes_exactly_the_edited_cells_and_leaves_the_old_network_alone():
    net = PRESETS["worked"].network()
    table = weight_table(net, 0)
    assert not differs(net, 0, table)
    table.loc["h1_2", "x1"] = -3.5
    table.loc["h1_1", BIAS_COLUMN] = 0.125
    assert differs(net, 0, table)
    new = apply_table(net, 0, table)
    assert new.W[0][1, 0] == -3.5 and new.b[0][0] == 0.125
    changed = [(p != q).sum() for p, q in zip((*new.W, *new.b), (*net.W, *net.b))]
    assert changed == [1, 0, 1, 0]
    assert net.W[0][1, 0] == 0.25  # the published weight, untouched


@pytest.mark.parametrize("bad", [None, np.nan, np.inf, "abc"])
def test_apply_table_names_the_bad_cell(bad):
    net = PRESETS["xor"].network()
    table = weight_table(net, 0).astype(object)
    table.loc["h1_2", "x2"] = bad
    with pytest.raises(BpvizError, match="row h1_2, column x2"):
        apply_table(net, 0, table)


def test_apply_table_refuses_a_table_of_another_shape():
    net = PRESETS["xor"].network()
    with pytest.raises(BpvizError, match="no longer matches"):
        apply_table(net, 0, pd.DataFrame(np.zeros((3, 3))))


def test_large_layers_are_not_editable():
    net = Network.initialise(NetworkSpec((65, 4, 1), ("relu", "sigmoid")))
    assert not editable(net, 0) and editable(net, 1)


# --- import: data that fits -------------------------------------------------------------------------------------


def _load(settings: DataSettings):
    return make_dataset(settings.name, n=settings.n, noise=settings.noise, classes=settings.classes)


def test_an_imported_network_keeps_data_that_fits():
    current = DataSettings("circles", n=50)
    net = Network.initialise(NetworkSpec((2, 5, 2), ("tanh", "softmax"), loss="cross_entropy"))
    assert data_for(net, current, _load) == current


@pytest.mark.parametrize(
    "layers, name",
    [((64, 8, 10), "digits"), ((2, 8, 5), "spiral"), ((1, 4, 1), "sine"), ((2, 3, 2), "xor")],
)
def test_an_imported_network_moves_to_the_first_dataset_it_fits(layers, name):
    net = Network.initialise(NetworkSpec(layers, ("relu", "sigmoid")))
    settings = data_for(net, DataSettings("digits", n=1797), _load)
    assert settings.name == name
    assert fits(layers, _load(settings))


def test_no_dataset_fits_five_inputs():
    net = Network.initialise(NetworkSpec((5, 2, 1), ("tanh", "sigmoid")))
    with pytest.raises(BpvizError, match="5 input"):
        data_for(net, DataSettings("xor"), _load)


def test_set_parameter_sets_one_weight_or_bias():
    net = PRESETS["worked"].network()
    new = set_parameter(net, ("edge", 1, 0, 1), -0.25)
    assert new.W[1][0, 1] == -0.25 and net.W[1][0, 1] == 0.45
    assert sum((p != q).sum() for p, q in zip((*new.W, *new.b), (*net.W, *net.b))) == 1
    assert set_parameter(net, ("bias", 0, 1), 0.5).b[0][1] == 0.5
    with pytest.raises(BpvizError):
        set_parameter(net, ("edge", 0, 0, 0), float("nan"))
    with pytest.raises(ValueError):
        set_parameter(net, ("node", 1, 0), 1.0)


def test_describe_counts_in_words():
    assert describe_dataset(make_dataset("worked")) == "1 sample · 2 features · 2 regression targets"
    assert describe_dataset(SINE) == "20 samples · 1 feature · 1 regression target"
    assert describe_dataset(make_dataset("digits")) == "1,797 samples · 64 features · 10 classes"
