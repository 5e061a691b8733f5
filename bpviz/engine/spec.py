"""The network spec: everything that defines a network except its numbers.

``layers`` lists the neurons per layer, input first: (2, 2, 1) is the 2-2-1
XOR net. ``activations`` has one name per non-input layer. ``validate`` is the
one place that decides what the engine accepts; it raises ``BpvizError``
naming the bad field.
"""

import math
import numbers
from dataclasses import dataclass

from .activations import ACTIVATIONS
from .errors import BpvizError
from .inits import INITS
from .losses import LOSSES, REDUCTIONS

# How biases behave, each with its menu label.
BIAS_MODES: dict[str, str] = {
    "learned": "learned",
    "frozen": "frozen (kept at their values)",
    "none": "none (no biases)",
}

MAX_HIDDEN_LAYERS = 8
MAX_NEURONS = 4096
MAX_WEIGHTS = 1_000_000  # keeps every copy (trainer, undo, comparison) small on a shared server
MAX_SEED = 2**32 - 1
# The one range of the learning rate, on every way in: Design, Train, the comparison, a link, a file, the CLI.
MIN_LEARNING_RATE = 1e-6
MAX_LEARNING_RATE = 1e6


@dataclass(frozen=True)
class NetworkSpec:
    """Sizes, activations, loss, batch reduction, bias mode, init, seed and learning rate."""

    layers: tuple[int, ...]
    activations: tuple[str, ...]
    loss: str = "half_sse"
    reduction: str = "mean"
    bias: str = "learned"
    init: str = "xavier"
    seed: int = 0
    learning_rate: float = 0.5

    def __post_init__(self):
        object.__setattr__(self, "layers", tuple(_plain_int(n) for n in self.layers))
        object.__setattr__(self, "activations", tuple(self.activations))
        object.__setattr__(self, "seed", _plain_int(self.seed))
        validate(self)

    @property
    def depth(self) -> int:
        """L, the number of non-input layers (weight matrices)."""
        return len(self.layers) - 1

    @property
    def shapes(self) -> list[tuple[int, int]]:
        """Shape of W[l] for l = 0..L-1: (neurons of layer l+1, neurons of layer l)."""
        return [(self.layers[i + 1], self.layers[i]) for i in range(self.depth)]

    @property
    def n_params(self) -> int:
        """Weights plus biases (biases counted unless the mode is 'none')."""
        n = sum(r * c for r, c in self.shapes)
        return n + (sum(self.layers[1:]) if self.bias != "none" else 0)

    def replace(self, **changes) -> "NetworkSpec":
        """A validated copy with some fields changed."""
        values = {k: getattr(self, k) for k in SPEC_FIELDS}
        values.update(changes)
        return NetworkSpec(**values)


SPEC_FIELDS = ("layers", "activations", "loss", "reduction", "bias", "init", "seed", "learning_rate")


def _plain_int(x):
    """NumPy integers (from a table or an array) as Python ints, so the spec stays JSON-ready."""
    return int(x) if isinstance(x, numbers.Integral) and not isinstance(x, bool) else x


def _is_int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _choice(field_name: str, value, options) -> None:
    if value not in options:
        raise BpvizError(field_name, f"unknown value {value!r}; choose one of {', '.join(options)}")


def validate(spec: NetworkSpec) -> None:
    """Raise BpvizError naming the first bad field of ``spec``."""
    layers = spec.layers
    if len(layers) < 2:
        raise BpvizError("layers", "need at least an input and an output layer")
    if len(layers) - 2 > MAX_HIDDEN_LAYERS:
        raise BpvizError("layers", f"{len(layers) - 2} hidden layers; at most {MAX_HIDDEN_LAYERS} are allowed")
    for i, n in enumerate(layers):
        if not _is_int(n) or n < 1:
            raise BpvizError("layers", f"layer {i} has {n!r} neurons; every layer needs a whole number ≥ 1")
        if n > MAX_NEURONS:
            raise BpvizError("layers", f"layer {i} has {n} neurons; at most {MAX_NEURONS} are allowed")
    weights = sum(m * n for m, n in zip(layers, layers[1:]))
    if weights > MAX_WEIGHTS:
        raise BpvizError(
            "layers", f"{weights:,} weights; at most {MAX_WEIGHTS:,} are allowed (digits 64-32-16-10 has 2,688)"
        )
    if len(spec.activations) != len(layers) - 1:
        raise BpvizError(
            "activations", f"need one activation per non-input layer ({len(layers) - 1}), got {len(spec.activations)}"
        )
    for i, name in enumerate(spec.activations):
        _choice("activations", name, tuple(ACTIVATIONS))
        if ACTIVATIONS[name].output_only and i != len(spec.activations) - 1:
            raise BpvizError("activations", f"{name} is only allowed on the output layer (found on layer {i + 1})")
    _choice("loss", spec.loss, tuple(LOSSES))
    fused = LOSSES[spec.loss].fused
    if fused and spec.activations[-1] != fused.activation:
        raise BpvizError("loss", f"{spec.loss} needs a {fused.activation} output layer, not {spec.activations[-1]}")
    output = ACTIVATIONS[spec.activations[-1]]
    if layers[-1] < output.min_outputs:
        raise BpvizError("activations", f"{output.name} needs at least {output.min_outputs} output neurons")
    _choice("reduction", spec.reduction, REDUCTIONS)
    _choice("bias", spec.bias, BIAS_MODES)
    _choice("init", spec.init, INITS)
    if not _is_int(spec.seed) or not 0 <= spec.seed <= MAX_SEED:
        raise BpvizError("seed", f"{spec.seed!r} is not a whole number from 0 to {MAX_SEED}")
    check_learning_rate(spec.learning_rate)


def check_learning_rate(lr, field: str = "learning_rate") -> None:
    """Raise BpvizError naming ``field`` unless ``lr`` is a number from MIN_LEARNING_RATE to MAX_LEARNING_RATE."""
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not _finite(lr) or lr <= 0:
        raise BpvizError(field, f"{lr!r} is not a positive finite number")
    if not MIN_LEARNING_RATE <= lr <= MAX_LEARNING_RATE:
        allowed = f"{MIN_LEARNING_RATE:g} to {MAX_LEARNING_RATE:g}"
        raise BpvizError(field, f"{lr!r} is outside the learning rates allowed, {allowed}")


def _finite(x: int | float) -> bool:
    try:
        return math.isfinite(x)
    except OverflowError:  # an int beyond float range
        return False
