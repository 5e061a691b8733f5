"""What everything in a network is called: layers, neurons, weights, biases and the loss, as plain text (the
diagram, tables, menus) and as LaTeX (the equations).

bpviz's own names number everything: inputs x1.., hidden neurons h{layer}_{i}, outputs ŷ1..; the weight
W[k][i, j] from neuron j of layer k to neuron i of layer l = k+1 is w⁽ˡ⁾ᵢ,ⱼ (LaTeX w^{(l)}_{i,j}), and z, a,
δ carry the layer and neuron the same way. A worked example can bring its source's names instead (a
``Naming``: the 2-2-2 tutorial's i1, h1, o1, w1..w8, b1, b2, net_h1, out_h1, E_total); ``Names`` uses them
for exactly the architecture they were written for and bpviz's own otherwise. Inputs that are features of 2-D
data (``bpviz.data.features``: x1², x1·x2, sin x1, …) are called by their features, in the diagram as in the
equations (x_{1}^{2}).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from bpviz.data.features import FEATURES
from bpviz.engine.network import Network
from bpviz.engine.spec import NetworkSpec

_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def sup(n: int) -> str:
    """``n`` in superscript digits: sup(12) == '¹²'."""
    return str(n).translate(_SUP)


def sub(n: int) -> str:
    """``n`` in subscript digits: sub(12) == '₁₂'."""
    return str(n).translate(_SUB)


@dataclass(frozen=True)
class Naming:
    """A source's names for one architecture ``layers``: every neuron per layer, every weight W[k][i, j] and
    bias b[k][i] (plain text, e.g. "h1", "w5", "b1"), the loss, and the words it writes z, a and the target
    with (z of h1 is net_{h1}). ``source`` says whose names they are, for the switch that turns them off."""

    source: str
    layers: tuple[int, ...]
    neurons: tuple[tuple[str, ...], ...]
    weights: tuple[tuple[tuple[str, ...], ...], ...]
    biases: tuple[tuple[str, ...], ...]
    loss: str = "E_total"
    z: str = "net"
    a: str = "out"
    target: str = "target"


def _tex(name: str) -> str:
    """A plain name as LaTeX: the letters, then the rest as a subscript ("w5" -> w_{5}, "E_total" -> E_{total})."""
    head, _, tail = name.partition("_")
    if tail:
        return rf"{head}_{{\mathrm{{{tail}}}}}" if tail.isalpha() else rf"{head}_{{{tail}}}"
    letters = head.rstrip("0123456789")
    return rf"{letters}_{{{head[len(letters):]}}}" if letters != head else head


class Names:
    """Every name of one network's lesson: ``Names(spec)`` for bpviz's own, ``Names(spec, naming)`` for a
    source's (used when ``naming.layers`` is the network's; ``textbook`` says which); ``features``, the keys
    of the input features its inputs are (used when there is one per input and no source's names)."""

    def __init__(self, spec: NetworkSpec | Network, naming: Naming | None = None, features: Sequence[str] = ()):
        self.spec = spec.spec if isinstance(spec, Network) else spec
        self.naming = naming if naming is not None and naming.layers == self.spec.layers else None
        fit = self.naming is None and len(features) == self.spec.layers[0]
        self.features = tuple(FEATURES[k] for k in features) if fit else ()

    @property
    def textbook(self) -> bool:
        return self.naming is not None

    @property
    def depth(self) -> int:
        return self.spec.depth

    # -- plain text ----------------------------------------------------------------------------------------
    def node(self, layer: int, i: int) -> str:
        """Name of neuron i (0-based) of ``layer``; ValueError outside the network."""
        layers = self.spec.layers
        if not 0 <= layer < len(layers):
            raise ValueError(f"layer {layer} is not in 0..{len(layers) - 1}")
        if not 0 <= i < layers[layer]:
            raise ValueError(f"neuron {i} is not in 0..{layers[layer] - 1} of layer {layer}")
        if self.naming:
            return self.naming.neurons[layer][i]
        if layer == 0 and self.features:
            return self.features[i].label
        return neuron_name(layer, i, self.depth)

    def nodes(self, layer: int) -> list[str]:
        return [self.node(layer, i) for i in range(self.spec.layers[layer])]

    def edge(self, k: int, i: int, j: int) -> str:
        """ "h1_2 → ŷ1" for W[k][i, j]: from neuron j of layer k to neuron i of layer k+1."""
        return f"{self.node(k, j)} → {self.node(k + 1, i)}"

    def weight(self, k: int, i: int, j: int) -> str:
        """The weight W[k][i, j] by name: "w⁽²⁾₁,₂" (bpviz's own, 1-based) or the source's "w6"."""
        if self.naming:
            return self.naming.weights[k][i][j]
        return f"w⁽{sup(k + 1)}⁾{sub(i + 1)},{sub(j + 1)}"

    def bias(self, k: int, i: int) -> str:
        """The bias b[k][i] by name: "b⁽¹⁾₂" or the source's "b1"."""
        if self.naming:
            return self.naming.biases[k][i]
        return f"b⁽{sup(k + 1)}⁾{sub(i + 1)}"

    @property
    def loss(self) -> str:
        return self.naming.loss if self.naming else "L"

    # -- LaTeX -----------------------------------------------------------------------------------------------
    def _of(self, word: str, letter: str, layer: int, i: int, mark: str) -> str:
        if self.naming:
            base = rf"{word}_{{{self.node(layer, i)}}}"
            return f"{base}^{{{mark}}}" if mark else base
        return rf"{letter}^{{({layer}){mark}}}_{{{i + 1}}}"

    def z_tex(self, layer: int, i: int) -> str:
        return self._of(rf"\mathrm{{{self.naming.z}}}" if self.naming else "", "z", layer, i, "")

    def a_tex(self, layer: int, i: int) -> str:
        if self.naming and layer == 0:
            return _tex(self.node(0, i))
        return self._of(rf"\mathrm{{{self.naming.a}}}" if self.naming else "", "a", layer, i, "")

    def input_tex(self, i: int) -> str:
        """What input i is, as LaTeX: x_{i+1}, or its feature's (x_{1}^{2})."""
        return self.features[i].tex if self.features else f"x_{{{i + 1}}}"

    def delta_tex(self, layer: int, i: int) -> str:
        return self._of(r"\delta", r"\delta", layer, i, "")

    def target_tex(self, i: int) -> str:
        if self.naming:
            return rf"\mathrm{{{self.naming.target}}}_{{{self.node(self.depth, i)}}}"
        return f"y_{{{i + 1}}}"

    def w_tex(self, k: int, i: int, j: int, mark: str = "") -> str:
        """w^{(k+1)}_{i+1,j+1} (``mark`` "+": after the update), or the source's name as LaTeX (w_{5}^{+})."""
        if self.naming:
            base = _tex(self.weight(k, i, j))
            return f"{base}^{{{mark}}}" if mark else base
        return rf"w^{{({k + 1}){mark}}}_{{{i + 1},{j + 1}}}"

    def b_tex(self, k: int, i: int, mark: str = "") -> str:
        if self.naming:
            base = _tex(self.bias(k, i))
            return f"{base}^{{{mark}}}" if mark else base
        return rf"b^{{({k + 1}){mark}}}_{{{i + 1}}}"

    @property
    def loss_tex(self) -> str:
        return _tex(self.naming.loss) if self.naming else "L"


def neuron_name(layer: int, i: int, L: int) -> str:
    """bpviz's own name of neuron i (0-based) of ``layer`` in a network of depth L: x1.., h{layer}_{i+1}, ŷ1.."""
    if layer == 0:
        return f"x{i + 1}"
    if layer == L:
        return f"ŷ{i + 1}"
    return f"h{layer}_{i + 1}"


def layer_names(net: Network | NetworkSpec) -> list[str]:
    """Plain names of the L+1 layers: ["input", "hidden 1", ..., "output"]."""
    spec = net.spec if isinstance(net, Network) else net
    return layer_words(spec.depth)


def layer_words(depth: int) -> list[str]:
    """The names of the layers of a network of ``depth`` L: ["input", "hidden 1", ..., "output"]."""
    return ["input", *(f"hidden {l}" for l in range(1, depth)), "output"]


def weight_layer_names(spec: NetworkSpec) -> list[str]:
    """The L layers that own a weight matrix, each with it: ["hidden 1 (W⁽¹⁾)", ..., "output (W⁽ᴸ⁾)"]."""
    return [f"{name} (W⁽{sup(l)}⁾)" for l, name in enumerate(layer_words(spec.depth)[1:], start=1)]


def layer_title(net: Network | NetworkSpec, layer: int) -> str:
    """Layer name with its activation, e.g. "hidden 1 · sigmoid" (the input has none)."""
    spec = net.spec if isinstance(net, Network) else net
    name = layer_names(spec)[layer]
    return name if layer == 0 else f"{name} · {spec.activations[layer - 1]}"


def node_name(net: Network | NetworkSpec, layer: int, i: int) -> str:
    """bpviz's own name of neuron i (0-based) of ``layer`` (see ``Names.node``)."""
    return Names(net).node(layer, i)


def node_names(net: Network | NetworkSpec, layer: int) -> list[str]:
    return Names(net).nodes(layer)


def edge_name(net: Network | NetworkSpec, k: int, i: int, j: int) -> str:
    """ "h1_2 → ŷ1" for W[k][i, j] (see ``Names.edge``)."""
    return Names(net).edge(k, i, j)


def bias_symbol(edge_symbol: str) -> str:
    """The bias counterpart of an edge symbol: "w" -> "b", "∂L/∂w" -> "∂L/∂b"; others unchanged."""
    return edge_symbol.replace("w", "b") if "w" in edge_symbol else edge_symbol
