"""The datasets bpviz offers: one ``Source`` record each (menu label, the settings it takes, what it starts
with, its generator), and ``DataSettings``, the validated choice of one of them and how it is drawn.

``DATA_DEFAULTS[name]`` is what a dataset starts with: on Design when it is picked from the menu, in the CLI
for a setting left out, and in the presets (the gates: exactly their truth table, all of it for training).

A generated dataset and its train/test split are drawn from the network's seed mixed with the settings' draw
number (``DataSettings.seed_for``): draw 0 is the seed itself, so data from before draws existed is unchanged;
the Train page's Regenerate counts the draw up, so the data is new while the seed, and so the network's
starting weights, stay.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from bpviz.engine.dataset import Dataset
from bpviz.engine.errors import BpvizError

from . import datasets as D
from .datasets import GATES, MAX_SAMPLES, check_test_fraction, is_truth_table
from .features import DEFAULT_FEATURES, check_features, with_features

KNOB_FIELDS = ("n", "noise", "classes")
MAX_NOISE = 10.0  # the noise inputs of the Design and Train pages stop here too
NOISE_STEP = 0.05  # their step
MAX_DRAW = 2**31


@dataclass(frozen=True)
class Source:
    """A dataset the app can draw: ``knobs`` are the settings it takes besides the test fraction, ``start``
    overrides DataSettings' defaults, ``make(n, noise, seed, classes)`` draws it (None for an uploaded CSV);
    ``plane``: its points lie in the (x1, x2) plane, so its inputs may be features of them (``features.py``)."""

    name: str
    label: str
    knobs: tuple[str, ...]
    make: Callable[[int, float, int, int], Dataset] | None
    start: Mapping = field(default_factory=dict)
    splittable: bool = True
    plane: bool = False


def _gate(name: str) -> Callable[[int, float, int, int], Dataset]:
    return lambda n, noise, seed, classes: D.gate(name, n, noise, seed)


def _one_sample(name: str, label: str, make: Callable[[], Dataset], n: int = 1) -> Source:
    """A worked example's ``n`` fixed samples (one by default): no settings, all of them for training."""
    return Source(name, label, (), lambda n, e, s, k: make(), {"n": n, "noise": 0.0, "test_fraction": 0.0}, False)


TRUTH_TABLE = MappingProxyType({"n": 4, "noise": 0.0, "test_fraction": 0.0})
SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source("xor", "XOR (4 corners)", ("n", "noise"), _gate("xor"), TRUTH_TABLE, plane=True),
        Source("and", "AND (4 corners)", ("n", "noise"), _gate("and"), TRUTH_TABLE, plane=True),
        Source("or", "OR (4 corners)", ("n", "noise"), _gate("or"), TRUTH_TABLE, plane=True),
        Source(
            "circles",
            "circles",
            ("n", "noise"),
            lambda n, e, s, k: D.circles(n, e, s),
            {"n": 300, "noise": 0.08},
            plane=True,
        ),
        Source("moons", "moons", ("n", "noise"), lambda n, e, s, k: D.moons(n, e, s), plane=True),
        Source("spiral", "spiral", ("n", "noise", "classes"), D.spiral, {"n": 300, "noise": 0.2}, plane=True),
        Source("gaussians", "Gaussian blobs", ("n", "noise", "classes"), D.gaussians, plane=True),
        Source("sine", "sine curve (regression)", ("n", "noise"), lambda n, e, s, k: D.sine(n, e, s), {"n": 100}),
        Source(
            "digits",
            "8×8 handwritten digits",
            (),
            lambda n, e, s, k: D.digits(),
            {"n": 1797, "noise": 0.0, "test_fraction": 0.25},
        ),
        _one_sample("worked", "2-2-2 worked example (1 sample)", D.worked_example),
        _one_sample("textbook", "3-2-1 textbook example (1 sample)", D.textbook_example),
        _one_sample("twobatch", "2-2-2 batch example (2 samples)", D.batch_example, n=2),
        Source("csv", "my CSV file…", (), None),
    )
}
DATASETS = tuple(name for name, s in SOURCES.items() if s.make is not None)  # the built-in ones, by name


def _is_int(x) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


def check_settings(
    name: str, n, noise, classes, test_fraction=0.0, allowed=DATASETS, features=DEFAULT_FEATURES
) -> None:
    """Raise BpvizError naming the first bad dataset setting."""
    if name not in allowed:
        raise BpvizError("dataset", f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)} or a CSV file")
    if not (_is_int(n) and 1 <= n <= MAX_SAMPLES):
        raise BpvizError("n", f"{n!r} samples; choose 1 to {MAX_SAMPLES}")
    if not (isinstance(noise, (int, float)) and np.isfinite(noise) and 0 <= noise <= MAX_NOISE):
        raise BpvizError("noise", f"{noise!r}; choose a noise level from 0 to {MAX_NOISE:g}")
    if not (_is_int(classes) and 2 <= classes <= 10):
        raise BpvizError("classes", f"{classes!r}; choose 2 to 10 classes")
    check_test_fraction(test_fraction)
    check_features(features)
    if features != DEFAULT_FEATURES and not SOURCES[name].plane:
        raise BpvizError("features", f"input features are for 2-D points; {SOURCES[name].label} keeps its own inputs")


# Names earlier versions wrote in share links and network files, and the names they have now: an old link or
# file opens the same data.
RENAMED = MappingProxyType({"mazur": "worked"})


def current_name(name: str) -> str:
    """``name``, or the name a dataset once called so has now (``RENAMED``)."""
    return RENAMED.get(name, name)


@dataclass(frozen=True)
class DataSettings:
    """Which dataset and how it is drawn (validated): see ``make_dataset`` and ``datasets.split``.
    ``name`` is a key of SOURCES ("csv" for the uploaded file); ``features``, the input features its points
    go into the network as (``bpviz.data.features``: other than the raw (x1, x2) only for a ``plane`` source);
    ``draw``, which sample of the dataset with these settings (0 to MAX_DRAW; see ``seed_for``)."""

    name: str
    n: int = 200
    noise: float = 0.1
    classes: int = 3
    test_fraction: float = 0.2
    features: tuple[str, ...] = DEFAULT_FEATURES
    draw: int = 0

    def __post_init__(self):
        object.__setattr__(self, "name", current_name(self.name))  # an old link's or file's name
        check_settings(self.name, self.n, self.noise, self.classes, self.test_fraction, tuple(SOURCES), self.features)
        if not (_is_int(self.draw) and 0 <= self.draw <= MAX_DRAW):
            raise BpvizError("draw", f"{self.draw!r} is not a whole number from 0 to {MAX_DRAW}")

    def seed_for(self, seed: int) -> int:
        """The seed the data and its split are drawn from, for a network of seed ``seed``: ``seed`` itself at
        draw 0; for draw d > 0, 32 bits of NumPy's SeedSequence of (seed, d), so every draw is its own sample
        (and one seed's draws do not step into the next seed's data, as seed + d would)."""
        if self.draw == 0:
            return seed
        return int(np.random.SeedSequence((seed, self.draw)).generate_state(1)[0])


def draws_anew(d: DataSettings) -> bool:
    """True when another draw of ``d`` gives other points: a dataset drawn with noise, except a gate at exactly
    its truth table (4 rows, noise 0)."""
    return "noise" in SOURCES[d.name].knobs and not (d.name in GATES and is_truth_table(d.n, d.noise))


DATA_DEFAULTS: dict[str, DataSettings] = {name: DataSettings(name, **s.start) for name, s in SOURCES.items()}


def make_dataset(
    name: str, n: int = 200, noise: float = 0.1, seed: int = 0, classes: int = 3, features=DEFAULT_FEATURES
) -> Dataset:
    """A built-in dataset; ``n``, ``noise``, ``seed`` and ``classes`` apply where its Source takes them, and its
    inputs are the ``features`` of its points (``features.with_features``; the raw points by default).

    Gates with n=4 and noise=0 are exactly the 4 points of the truth table; the
    digits and the worked examples' samples (``worked``, ``textbook``, ``twobatch``) are fixed.
    """
    check_settings(name, n, noise, classes, features=features)
    noise = noise + 0.0  # a typed "-0" is -0.0, which NumPy refuses as a scale ("scale < 0")
    return with_features(SOURCES[name].make(n, noise, seed, classes), features)
