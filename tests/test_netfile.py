"""The network file: its exact keys, a bitwise round trip, weights from init and seed when omitted, and a
BpvizError (never another exception) for every malformed file."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bpviz import BpvizError, Network, NetworkSpec, get_preset
from bpviz.data.catalog import DataSettings
from bpviz.engine.optimisers import Optimiser, Penalty
from bpviz.engine.spec import SPEC_FIELDS
from bpviz.engine.training import TrainSettings
from bpviz.io import netfile

SPEC_KEYS = {"format", "version", "layers", "activations", "loss", "reduction", "bias", "init", "seed", "learning_rate"}


def random_net(seed: int = 0, bias: str = "learned") -> Network:
    """Full-precision random parameters, including tiny, huge and negative-zero entries."""
    rng = np.random.default_rng(seed)
    spec = NetworkSpec((3, 5, 4, 2), ("relu", "tanh", "softmax"), "cross_entropy", "sum", bias, "he", seed, 0.037)
    W = [rng.normal(0, 1, s) * 10.0 ** rng.integers(-300, 300, s) for s in spec.shapes]
    W[0][0, 0], W[0][0, 1], W[0][0, 2] = -0.0, 5e-324, 1.7976931348623157e308
    b = [rng.normal(0, 1, r) if bias != "none" else np.zeros(r) for r, _ in spec.shapes]
    return Network.from_arrays(spec, W, b)


def bits(net: Network) -> list[bytes]:
    return [p.tobytes() for p in (*net.W, *net.b)]


def doc(**changes) -> dict:
    d = netfile.to_dict(get_preset("xor").network(), with_weights=False)
    d.update(changes)
    return {k: v for k, v in d.items() if v is not DROP}


DROP = object()


def test_the_exact_key_set():
    with_weights = json.loads(netfile.dumps(random_net()))
    assert set(with_weights) == SPEC_KEYS | {"weights", "biases"}
    assert set(json.loads(netfile.dumps(random_net(), with_weights=False))) == SPEC_KEYS
    assert with_weights["format"] == "bpviz-network" and with_weights["version"] == 1
    assert set(SPEC_FIELDS) | {"format", "version"} == SPEC_KEYS


def test_weights_are_written_rows_as_receiving_neurons():
    net = random_net()
    d = json.loads(netfile.dumps(net))
    assert [np.array(w).shape for w in d["weights"]] == [(5, 3), (4, 5), (2, 4)]
    assert [len(b) for b in d["biases"]] == [5, 4, 2]


@pytest.mark.parametrize("bias", ["learned", "frozen", "none"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_round_trip_is_bitwise(seed, bias):
    net = random_net(seed, bias)
    text = netfile.dumps(net)
    back = netfile.loads(text)
    assert back.spec == net.spec
    assert bits(back) == bits(net)
    assert netfile.dumps(back) == text
    assert bits(netfile.loads(text.encode("utf-8"))) == bits(net)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=6, max_size=6))
def test_any_finite_float_survives(values):
    spec = NetworkSpec((2, 2, 1), ("linear", "linear"), "mse", seed=1)
    net = Network.from_arrays(spec, [np.reshape(values[:4], (2, 2)), [values[4:]]], [[0.0, 0.0], [values[5]]])
    assert bits(netfile.loads(netfile.dumps(net))) == bits(net)


def test_omitted_weights_come_from_init_and_seed():
    for key in ("xor", "digits", "spiral"):
        spec = get_preset(key).spec
        net = netfile.loads(netfile.dumps(Network.initialise(spec), with_weights=False))
        assert bits(net) == bits(Network.initialise(spec))
    d = netfile.to_dict(Network.initialise(get_preset("xor").spec), with_weights=False)
    d["seed"] = 99
    other = netfile.from_dict(d)
    assert bits(other) == bits(Network.initialise(get_preset("xor").spec.replace(seed=99)))
    assert bits(other) != bits(Network.initialise(get_preset("xor").spec))


def test_the_worked_preset_file_keeps_its_published_numbers():
    net = netfile.loads(netfile.dumps(get_preset("worked").network()))
    assert net.W[0].tolist() == [[0.15, 0.20], [0.25, 0.30]]
    assert net.b[1].tolist() == [0.60, 0.60] and net.spec.bias == "frozen"


def _text(d) -> str:
    return json.dumps(d)


XOR_W = [[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0]]]
XOR_B = [[0.0, 0.0], [0.0]]
WITH_WEIGHTS = _text(doc(weights=XOR_W, biases=XOR_B))


@pytest.mark.parametrize(
    "text, field",
    [
        pytest.param("", "file", id="empty"),
        pytest.param("{", "file", id="truncated"),
        pytest.param("{'format': 'bpviz-network'}", "file", id="single quotes"),
        pytest.param(b"\xff\xfe\x00{", "file", id="binary garbage"),
        pytest.param("[1, 2]", "file", id="a list"),
        pytest.param("null", "file", id="null"),
        pytest.param("[" * 100_000 + "]" * 100_000, "file", id="deeply nested"),
        pytest.param(_text(doc()).replace('"seed": 0', '"seed": ' + "9" * 5000), "file", id="5000-digit number"),
        pytest.param(_text(doc()).replace('"learning_rate": 0.5', '"learning_rate": NaN'), "file", id="NaN"),
        pytest.param(WITH_WEIGHTS.replace("5.0", "Infinity"), "file", id="Infinity"),
        pytest.param(WITH_WEIGHTS.replace("5.0", "-Infinity"), "file", id="-Infinity"),
        pytest.param(WITH_WEIGHTS.replace("5.0", "1e400"), "weights", id="overflowing literal"),
        pytest.param(_text(doc(format="keras")), "format", id="wrong format"),
        pytest.param(_text(doc(format=DROP)), "format", id="no format"),
        pytest.param(_text(doc(version=2)), "version", id="wrong version"),
        pytest.param(_text(doc(version="1")), "version", id="version as text"),
        pytest.param(_text(doc(version=DROP)), "version", id="no version"),
        pytest.param(_text(doc(optimizer="adam")), "file", id="unknown key"),
        pytest.param(_text(doc(loss=DROP)), "loss", id="missing spec field"),
        pytest.param(_text(doc(activations=["sigmoid", "swish"])), "activations", id="unknown activation"),
        pytest.param(_text(doc(activations="sigmoid")), "layers", id="activations not a list"),
        pytest.param(_text(doc(layers="2,2,1")), "layers", id="layers not a list"),
        pytest.param(_text(doc(layers=[2, 0, 1])), "layers", id="zero neurons"),
        pytest.param(_text(doc(layers=[2, 2.5, 1])), "layers", id="fractional neurons"),
        pytest.param(_text(doc(loss="hinge")), "loss", id="unknown loss"),
        pytest.param(_text(doc(seed=-3)), "seed", id="negative seed"),
        pytest.param(_text(doc(learning_rate=0)), "learning_rate", id="zero rate"),
        pytest.param(
            _text(doc()).replace('"learning_rate": 0.5', '"learning_rate": 1' + "0" * 400),
            "learning_rate",
            id="rate beyond float range",
        ),
        pytest.param(_text(doc(weights=XOR_W)), "weights", id="weights without biases"),
        pytest.param(_text(doc(biases=XOR_B)), "weights", id="biases without weights"),
        pytest.param(_text(doc(weights=None, biases=None)), "weights", id="null weights"),
        pytest.param(_text(doc(weights=XOR_W[:1], biases=XOR_B)), "weights", id="too few matrices"),
        pytest.param(_text(doc(weights=XOR_W, biases=XOR_B[:1])), "biases", id="too few bias vectors"),
        pytest.param(_text(doc(weights=[XOR_W[0], [[5.0], [6.0]]], biases=XOR_B)), "weights", id="transposed"),
        pytest.param(_text(doc(weights=[XOR_W[0], [[5.0, 6.0, 7.0]]], biases=XOR_B)), "weights", id="wrong shape"),
        pytest.param(_text(doc(weights=[XOR_W[0], [[5.0, [6.0]]]], biases=XOR_B)), "weights", id="ragged"),
        pytest.param(_text(doc(weights=[XOR_W[0], [[5.0, "x"]]], biases=XOR_B)), "weights", id="text entry"),
        pytest.param(_text(doc(weights=[XOR_W[0], [[5.0, None]]], biases=XOR_B)), "weights", id="null entry"),
        pytest.param(_text(doc(weights=XOR_W, biases=[[0.0, 0.0], [0.0, 1.0]])), "biases", id="bias shape"),
        pytest.param(
            _text(doc(bias="none", weights=XOR_W, biases=[[0.0, 0.0], [1.0]])),
            "biases",
            id="bias values with bias mode none",
        ),
    ],
)
def test_malformed_files_are_bpviz_errors(text, field):
    with pytest.raises(BpvizError) as err:
        netfile.loads(text)
    assert err.value.field == field, str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    "text, why",
    [
        ("", "the file is empty"),
        (" \n", "the file is empty"),
        ('{"format": "bpviz-network" "version": 1}', "line 1, column 28: expected a comma"),
        ('{\n "seed": }', "line 2, column 10: expected a value"),
        ('{"seed" 0}', "line 1, column 9: expected a colon"),
        ('{"seed": 0,}', "line 1, column 12: expected a key in double quotes"),
        ('{"loss": "mse', "line 1, column 10: a text in quotes is not closed"),
        ("{} {}", "line 1, column 4: more text after the JSON value"),
        ("[" * 100_000 + "]" * 100_000, "lists or objects nested too deeply"),
    ],
)
def test_broken_json_is_explained_in_our_words_with_its_line_and_column(text, why):
    """The reason is bpviz's, from the parser's line and column, not CPython's message."""
    with pytest.raises(BpvizError) as err:
        netfile.loads(text)
    assert str(err.value) == f"file: not valid JSON ({why})"


def test_a_valid_hand_written_file_loads():
    net = netfile.loads(_text(doc(weights=XOR_W, biases=[[0.5, -0.5], [1]])))
    assert net.W[1].tolist() == [[5.0, 6.0]] and net.b[0].tolist() == [0.5, -0.5]
    assert net.W[0].dtype == np.float64


def test_an_oversized_file_is_refused_before_parsing():
    with pytest.raises(BpvizError, match="larger than"):
        netfile.loads(" " * (netfile.MAX_FILE_BYTES + 1))


def test_the_largest_network_allowed_round_trips_through_its_file():
    spec = NetworkSpec((2, 1000, 996, 1), ("tanh", "tanh", "sigmoid"))
    assert spec.n_params > 995_000
    net = Network.initialise(spec)
    text = netfile.dumps(net)
    assert len(text) <= netfile.MAX_FILE_BYTES
    back = netfile.loads(text)
    assert all(np.array_equal(p, q) for p, q in zip((*back.W, *back.b), (*net.W, *net.b)))


# ---------------------------------------------------------------- what travels besides the network

TRAINED = TrainSettings(250, 8, Optimiser("adam", beta2=0.99), Penalty("l2", 0.001))
CIRCLES = DataSettings("circles", n=240, noise=0.1, test_fraction=0.25)


def test_training_and_data_settings_round_trip_and_old_files_have_none():
    net = random_net()
    doc = netfile.read(netfile.dumps(net, train=TRAINED, data=CIRCLES))
    assert (doc.train, doc.data) == (TRAINED, CIRCLES) and bits(doc.net) == bits(net)
    assert json.loads(netfile.dumps(net, train=TRAINED))["training"]["optimiser"]["name"] == "adam"
    old = netfile.read(netfile.dumps(net))
    assert (old.train, old.data) == (None, None)
    assert "data" not in json.loads(netfile.dumps(net, data=DataSettings("csv")))  # a CSV cannot travel


def _with(**parts) -> str:
    d = netfile.to_dict(random_net(), train=TRAINED, data=CIRCLES)
    for key, value in parts.items():
        section, _, name = key.partition("__")
        if name:
            d[section] = {**d[section], name: value}
        else:
            d[section] = value
    return json.dumps(d)


@pytest.mark.parametrize(
    "text, field, words",
    [
        (_with(training=[1, 2]), "training", "must be a JSON object"),
        (_with(training__epochs="ten"), "epochs", "'ten'; choose a whole number from 1 to 100,000"),
        (_with(training__epochs=True), "epochs", "True; choose a whole number"),
        (_with(training__schedule="cosine"), "training", "unknown key(s): schedule"),
        (_with(training__optimiser={"name": "lbfgs"}), "optimiser", "unknown optimiser 'lbfgs'"),
        (_with(training__optimiser={"name": "adam", "beta3": 0.9}), "training.optimiser", "unknown key(s): beta3"),
        (_with(training__optimiser="adam"), "training", "optimiser must be a JSON object"),
        (_with(training__penalty={"kind": "l2", "rate": -1}), "regularisation rate", "choose λ from 0 to 10"),
        (_with(data={"name": "csv"}), "data", "an uploaded CSV cannot travel in a network file"),
        (_with(data__n=-5), "n", ""),
        (_with(data__colour="red"), "data", "unknown key(s): colour"),
    ],
)
def test_bad_training_or_data_settings_are_named(text, field, words):
    with pytest.raises(BpvizError) as err:
        netfile.read(text)
    assert err.value.field == field and words in err.value.message, str(err.value)
