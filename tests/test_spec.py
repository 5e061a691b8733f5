"""Network spec validation: what the engine accepts, and a BpvizError naming the field for everything else."""

import itertools
import json
import math

import numpy as np
import pytest

from bpviz import BpvizError, NetworkSpec
from bpviz.engine.activations import ACTIVATIONS
from bpviz.engine.inits import INITS
from bpviz.engine.losses import LOSSES
from bpviz.engine.spec import (
    BIAS_MODES,
    MAX_HIDDEN_LAYERS,
    MAX_LEARNING_RATE,
    MAX_NEURONS,
    MAX_SEED,
    MIN_LEARNING_RATE,
)

HIDDEN = [name for name, act in ACTIVATIONS.items() if not act.output_only]

GOOD = {
    "layers": (3, 4, 2),
    "activations": ("tanh", "softmax"),
    "loss": "cross_entropy",
    "reduction": "mean",
    "bias": "learned",
    "init": "xavier",
    "seed": 7,
    "learning_rate": 0.1,
}


def spec(**changes) -> NetworkSpec:
    return NetworkSpec(**{**GOOD, **changes})


def test_a_good_spec_keeps_its_fields():
    s = spec()
    assert s.layers == (3, 4, 2) and s.activations == ("tanh", "softmax")
    assert (s.loss, s.reduction, s.bias, s.init, s.seed, s.learning_rate) == (
        "cross_entropy",
        "mean",
        "learned",
        "xavier",
        7,
        0.1,
    )
    assert s.depth == 2
    assert s.shapes == [(4, 3), (2, 4)]
    assert s.n_params == 4 * 3 + 2 * 4 + 4 + 2


def test_lists_become_tuples_and_the_spec_is_hashable():
    s = spec(layers=[3, 4, 2], activations=["tanh", "softmax"])
    assert s == spec()
    assert hash(s) == hash(spec())


def test_no_bias_params_are_not_counted():
    assert spec(bias="none").n_params == 4 * 3 + 2 * 4


def test_replace_validates():
    assert spec().replace(seed=3).seed == 3
    with pytest.raises(BpvizError) as err:
        spec().replace(loss="sse", activations=("tanh", "tanh"), layers=(3, 0, 2))
    assert err.value.field == "layers"


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"layers": (3,)}, "layers"),
        ({"layers": ()}, "layers"),
        ({"layers": (3, 0, 2)}, "layers"),
        ({"layers": (3, -1, 2)}, "layers"),
        ({"layers": (3, 2.5, 2)}, "layers"),
        ({"layers": (3, 4.0, 2)}, "layers"),
        ({"layers": (3, "4", 2)}, "layers"),
        ({"layers": (3, True, 2)}, "layers"),
        ({"layers": (3, None, 2)}, "layers"),
        ({"layers": (3, MAX_NEURONS + 1, 2)}, "layers"),
        (
            {
                "layers": (3,) + (2,) * (MAX_HIDDEN_LAYERS + 1) + (2,),
                "activations": ("tanh",) * (MAX_HIDDEN_LAYERS + 1) + ("softmax",),
            },
            "layers",
        ),
        ({"activations": ("tanh",)}, "activations"),
        ({"activations": ("tanh", "softmax", "tanh")}, "activations"),
        ({"activations": ("swish", "softmax")}, "activations"),
        ({"activations": ("Sigmoid", "softmax")}, "activations"),
        ({"activations": ("softmax", "softmax")}, "activations"),
        ({"layers": (3, 4, 1)}, "activations"),
        ({"loss": "hinge"}, "loss"),
        ({"loss": ""}, "loss"),
        ({"activations": ("tanh", "sigmoid")}, "loss"),
        ({"activations": ("tanh", "linear")}, "loss"),
        ({"loss": "binary_cross_entropy"}, "loss"),
        ({"loss": "binary_cross_entropy", "activations": ("tanh", "tanh")}, "loss"),
        ({"reduction": "median"}, "reduction"),
        ({"reduction": None}, "reduction"),
        ({"bias": "shared"}, "bias"),
        ({"init": "zeros"}, "init"),
        ({"seed": -1}, "seed"),
        ({"seed": MAX_SEED + 1}, "seed"),
        ({"seed": 1.0}, "seed"),
        ({"seed": "1"}, "seed"),
        ({"seed": True}, "seed"),
        ({"seed": None}, "seed"),
        ({"learning_rate": 0}, "learning_rate"),
        ({"learning_rate": -0.1}, "learning_rate"),
        ({"learning_rate": math.nan}, "learning_rate"),
        ({"learning_rate": math.inf}, "learning_rate"),
        ({"learning_rate": "0.1"}, "learning_rate"),
        ({"learning_rate": True}, "learning_rate"),
        ({"learning_rate": None}, "learning_rate"),
        ({"learning_rate": MIN_LEARNING_RATE / 2}, "learning_rate"),
        ({"learning_rate": MAX_LEARNING_RATE * 2}, "learning_rate"),
    ],
)
def test_each_invalid_spec_names_its_field(changes, field):
    with pytest.raises(BpvizError) as err:
        spec(**changes)
    assert err.value.field == field, str(err.value)
    assert str(err.value).startswith(f"{field}: ")


def test_the_limits_themselves_are_accepted():
    spec(layers=(3,) + (2,) * MAX_HIDDEN_LAYERS + (2,), activations=("relu",) * MAX_HIDDEN_LAYERS + ("softmax",))
    spec(layers=(MAX_NEURONS, 1, 2))
    spec(seed=0)
    spec(seed=MAX_SEED)
    spec(learning_rate=MIN_LEARNING_RATE)
    spec(learning_rate=3)
    spec(learning_rate=MAX_LEARNING_RATE)


@pytest.mark.parametrize("bias", BIAS_MODES)
@pytest.mark.parametrize("init", INITS)
def test_every_bias_mode_and_init_is_accepted(bias, init):
    assert spec(bias=bias, init=init).bias == bias


@pytest.mark.parametrize("output, loss", list(itertools.product(ACTIVATIONS, LOSSES)))
def test_output_activation_and_loss_pairs(output, loss):
    """Squared-error losses go with any output; cross-entropy needs softmax, binary cross-entropy sigmoid."""
    needs = {"cross_entropy": "softmax", "binary_cross_entropy": "sigmoid"}.get(loss)
    make = lambda: spec(activations=("tanh", output), loss=loss)  # noqa: E731
    if needs is None or needs == output:
        assert make().loss == loss
    else:
        with pytest.raises(BpvizError) as err:
            make()
        assert err.value.field == "loss"


@pytest.mark.parametrize("hidden", list(ACTIVATIONS))
def test_only_softmax_is_output_only(hidden):
    make = lambda: spec(layers=(3, 4, 4, 2), activations=("tanh", hidden, "softmax"))  # noqa: E731
    if hidden == "softmax":
        with pytest.raises(BpvizError) as err:
            make()
        assert err.value.field == "activations"
    else:
        assert make().activations[1] == hidden
    assert set(HIDDEN) == {"sigmoid", "tanh", "relu", "leaky_relu", "linear"}


def test_the_spec_is_immutable():
    s = spec()
    with pytest.raises(AttributeError):
        s.seed = 3


def test_numpy_integers_are_plain_ints_in_the_spec():
    """Sizes from a NumPy array or a table widget are accepted and stored as Python ints (JSON-ready)."""
    s = spec(layers=np.array([3, 4, 2]), seed=np.uint32(9))
    assert s.layers == (3, 4, 2) and s.seed == 9
    assert all(type(n) is int for n in (*s.layers, s.seed))
    json.dumps(list(s.layers) + [s.seed])
