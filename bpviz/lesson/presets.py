"""Starting points from the classic backprop tutorials.

Each preset is a network (spec, and hand-set weights where the tutorial fixes
them) plus the data and training settings it is meant for.
"""

from dataclasses import dataclass, field

import numpy as np

from bpviz.data.catalog import DATA_DEFAULTS, DataSettings
from bpviz.engine.errors import BpvizError
from bpviz.engine.network import Network
from bpviz.engine.spec import NetworkSpec
from bpviz.engine.training import TrainSettings

from .names import Naming

# The 2-2-2 worked example's own names: inputs i1, i2, hidden h1, h2, outputs o1, o2; W⁽¹⁾ = [[w1, w2], [w3, w4]]
# (w1: i1 → h1, w2: i2 → h1), W⁽²⁾ = [[w5, w6], [w7, w8]]; one shared bias a layer, b1 and b2; net, out, E_total.
TUTORIAL_NAMES = Naming(
    source="the tutorial",
    layers=(2, 2, 2),
    neurons=(("i1", "i2"), ("h1", "h2"), ("o1", "o2")),
    weights=((("w1", "w2"), ("w3", "w4")), (("w5", "w6"), ("w7", "w8"))),
    biases=(("b1", "b1"), ("b2", "b2")),
)


@dataclass(frozen=True)
class Preset:
    """A starting point: its menu ``key``, ``title`` and ``blurb``, the network (``spec`` and, where the source
    fixes them, ``weights`` and ``biases``), the data and training settings it is meant for, and the names its
    source uses (``naming``, or None for bpviz's own)."""

    key: str
    title: str
    blurb: str
    spec: NetworkSpec
    data: DataSettings
    train: TrainSettings = field(default_factory=TrainSettings)
    weights: tuple | None = None
    biases: tuple | None = None
    naming: Naming | None = None

    def network(self) -> Network:
        if self.weights is None:
            return Network.initialise(self.spec)
        return Network.from_arrays(self.spec, self.weights, self.biases)


PRESETS: dict[str, Preset] = {
    p.key: p
    for p in (
        Preset(
            "xor",
            "XOR 2-2-1",
            "The classic from-scratch tutorial net: two sigmoid hidden units learn XOR by per-sample SGD.",
            NetworkSpec((2, 2, 1), ("sigmoid", "sigmoid"), "half_sse", "sum", "learned", "normal_scaled", 0, 0.5),
            DATA_DEFAULTS["xor"],
            TrainSettings(epochs=5000, batch_size=1),
        ),
        Preset(
            "mazur",
            "The 2-2-2 worked example",
            "The step-by-step example lecturers paste into slides: inputs 0.05, 0.10, targets 0.01, 0.99, "
            "w1..w8 = 0.15..0.55, shared frozen biases 0.35 and 0.60.",
            NetworkSpec((2, 2, 2), ("sigmoid", "sigmoid"), "half_sse", "sum", "frozen", "uniform", 0, 0.5),
            DATA_DEFAULTS["mazur"],
            TrainSettings(epochs=1000, batch_size=1),
            weights=(((0.15, 0.20), (0.25, 0.30)), ((0.40, 0.45), (0.50, 0.55))),
            biases=((0.35, 0.35), (0.60, 0.60)),
            naming=TUTORIAL_NAMES,
        ),
        Preset(
            "circles",
            "Circles 2-8-1",
            "One ring inside another: a tanh hidden layer bends the boundary into a circle.",
            NetworkSpec((2, 8, 1), ("tanh", "sigmoid"), "binary_cross_entropy", "mean", "learned", "xavier", 0, 0.5),
            DATA_DEFAULTS["circles"],
            TrainSettings(epochs=300, batch_size=16, momentum=0.9),
        ),
        Preset(
            "spiral",
            "Spiral 2-16-16-3",
            "Three interleaved arms: two ReLU layers and a softmax output.",
            NetworkSpec((2, 16, 16, 3), ("relu", "relu", "softmax"), "cross_entropy", "mean", "learned", "he", 0, 0.1),
            DATA_DEFAULTS["spiral"],
            TrainSettings(epochs=500, batch_size=16, momentum=0.9),
        ),
        Preset(
            "digits",
            "Digits 64-32-16-10",
            "scikit-learn's 8x8 handwritten digits, as in the classic tutorial: about 98% test accuracy.",
            NetworkSpec(
                (64, 32, 16, 10),
                ("sigmoid", "sigmoid", "sigmoid"),
                "half_sse",
                "mean",
                "learned",
                "normal_scaled",
                0,
                0.1,
            ),
            DATA_DEFAULTS["digits"],
            TrainSettings(epochs=100, batch_size=1),
        ),
    )
}


def preset_of(net: Network) -> str | None:
    """The key of the preset whose network ``net`` is, spec and every number (a share link to the worked
    example opens the worked example, names and all), or None."""
    for key, preset in PRESETS.items():
        if preset.spec == net.spec:
            ref = preset.network()
            if all(np.array_equal(p, q) for p, q in zip((*ref.W, *ref.b), (*net.W, *net.b))):
                return key
    return None


def get_preset(key: str) -> Preset:
    if key not in PRESETS:
        raise BpvizError("preset", f"unknown preset {key!r}; choose one of {', '.join(PRESETS)}")
    return PRESETS[key]


@dataclass(frozen=True)
class Recipe:
    """Training settings known to work well for a dataset (with its preset network)."""

    epochs: int
    batch_size: int
    learning_rate: float
    momentum: float


# Digits 64-32-16-10 (sigmoid, ½SSE mean): 97% test accuracy after about 15 epochs, a fraction of a second.
FAST = {"digits": Recipe(epochs=40, batch_size=8, learning_rate=0.5, momentum=0.9)}
