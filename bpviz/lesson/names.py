"""What everything in a network is called: layers, neurons, edges, in the diagram, equations and tables.

Layers are numbered 0..L from the input; neurons from 1 on the page (0-based in code). Inputs are
x1.., hidden neurons h{layer}_{i}, outputs ŷ1..; edge (k, i, j) is ``W[k][i, j]``, from neuron j of
layer k to neuron i of layer k+1.
"""

from bpviz.engine.network import Network
from bpviz.engine.spec import NetworkSpec


def _layers(net: Network | NetworkSpec) -> tuple[int, ...]:
    spec = net.spec if isinstance(net, Network) else net
    return spec.layers


def layer_names(net: Network | NetworkSpec) -> list[str]:
    """Plain names of the L+1 layers: ["input", "hidden 1", ..., "output"]."""
    L = len(_layers(net)) - 1
    return ["input", *(f"hidden {l}" for l in range(1, L)), "output"]


def layer_title(net: Network | NetworkSpec, layer: int) -> str:
    """Layer name with its activation, e.g. "hidden 1 · sigmoid" (the input has none)."""
    spec = net.spec if isinstance(net, Network) else net
    name = layer_names(spec)[layer]
    return name if layer == 0 else f"{name} · {spec.activations[layer - 1]}"


def node_name(net: Network | NetworkSpec, layer: int, i: int) -> str:
    """Name of neuron i (0-based) of ``layer``: inputs x1.., hidden h{layer}_{i+1}, outputs ŷ1.."""
    layers = _layers(net)
    if not 0 <= layer < len(layers):
        raise ValueError(f"layer {layer} is not in 0..{len(layers) - 1}")
    if not 0 <= i < layers[layer]:
        raise ValueError(f"neuron {i} is not in 0..{layers[layer] - 1} of layer {layer}")
    return neuron_name(layer, i, len(layers) - 1)


def node_names(net: Network | NetworkSpec, layer: int) -> list[str]:
    """Names of every neuron of ``layer`` (see ``node_name``)."""
    layers = _layers(net)
    return [neuron_name(layer, i, len(layers) - 1) for i in range(layers[layer])]


def neuron_name(layer: int, i: int, L: int) -> str:
    """Name of neuron i (0-based) of ``layer`` in a network of depth L (see ``node_name``)."""
    if layer == 0:
        return f"x{i + 1}"
    if layer == L:
        return f"ŷ{i + 1}"
    return f"h{layer}_{i + 1}"


def edge_name(net: Network | NetworkSpec, k: int, i: int, j: int) -> str:
    """ "h1_2 → ŷ1" for W[k][i, j]: from neuron j of layer k to neuron i of layer k+1."""
    return f"{node_name(net, k, j)} → {node_name(net, k + 1, i)}"


def bias_symbol(edge_symbol: str) -> str:
    """The bias counterpart of an edge symbol: "w" -> "b", "∂L/∂w" -> "∂L/∂b"; others unchanged."""
    return edge_symbol.replace("w", "b") if "w" in edge_symbol else edge_symbol
