"""Architecture edits of the Design page (pure): the form's values to a spec, and a spec to the next network.

Weights are kept when only activations, loss, batch reduction, learning rate or bias mode change (the
biases become 0 when the mode becomes "none"). A change of layer sizes, initialisation or seed draws
new weights from ``init`` and ``seed`` (``Network.initialise``), exactly as a fresh network would get.
"""

from collections.abc import Sequence

import numpy as np

from bpviz import Dataset, Network, NetworkSpec
from bpviz.data.datasets import choose_outputs
from bpviz.engine.activations import ACTIVATIONS
from bpviz.engine.spec import MAX_HIDDEN_LAYERS

NEW_LAYER_UNITS = 4


def form_spec(
    ds: Dataset,
    hidden: Sequence[int],
    activations: Sequence[str],
    n_out: int | None,
    **fields,
) -> NetworkSpec:
    """The spec the form describes: input and output sizes follow ``ds`` (n_in = X.shape[1]; n_out as
    ``choose_outputs`` allows), ``hidden`` lists the hidden sizes, ``activations`` has one name per
    non-input layer, and ``fields`` are the other NetworkSpec fields. Raises BpvizError when refused."""
    n_out = choose_outputs(ds, n_out, activations[-1])
    return NetworkSpec((ds.X.shape[1], *hidden, n_out), tuple(activations), **fields)


def redraws(old: NetworkSpec, new: NetworkSpec) -> bool:
    """True when going from ``old`` to ``new`` needs new weights (layer sizes, init or seed changed)."""
    return (old.layers, old.init, old.seed) != (new.layers, new.init, new.seed)


def next_network(net: Network, spec: NetworkSpec) -> Network:
    """``net`` under ``spec``: the same weights where ``redraws`` allows, else freshly initialised."""
    if redraws(net.spec, spec):
        return Network.initialise(spec)
    if spec.bias == "none":
        return Network.from_arrays(spec, net.W, [np.zeros_like(b) for b in net.b])
    return net.with_spec(spec)


def can_add_layer(spec: NetworkSpec) -> bool:
    return spec.depth - 1 < MAX_HIDDEN_LAYERS


def add_hidden_layer(spec: NetworkSpec) -> NetworkSpec:
    """``spec`` with one more hidden layer just before the output: a copy of the last hidden layer, or
    NEW_LAYER_UNITS neurons with the output's activation (sigmoid if that is output-only or linear)."""
    if spec.depth > 1:
        units, act = spec.layers[-2], spec.activations[-2]
    else:
        out = spec.activations[-1]
        units, act = NEW_LAYER_UNITS, "sigmoid" if ACTIVATIONS[out].output_only or out == "linear" else out
    return spec.replace(
        layers=(*spec.layers[:-1], units, spec.layers[-1]),
        activations=(*spec.activations[:-1], act, spec.activations[-1]),
    )


def remove_hidden_layer(spec: NetworkSpec, layer: int) -> NetworkSpec:
    """``spec`` without hidden layer ``layer`` (1..L-1)."""
    if not 1 <= layer < spec.depth:
        raise ValueError(f"layer {layer} is not a hidden layer of a {spec.depth}-layer network")
    return spec.replace(
        layers=spec.layers[:layer] + spec.layers[layer + 1 :],
        activations=spec.activations[: layer - 1] + spec.activations[layer:],
    )


def is_initial(net: Network) -> bool:
    """True when ``net`` holds exactly the weights and biases ``Network.initialise`` gives its spec."""
    fresh = Network.initialise(net.spec)
    return all(np.array_equal(p, q) for p, q in zip((*net.W, *net.b), (*fresh.W, *fresh.b)))
