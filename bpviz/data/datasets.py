"""Datasets: the ``Dataset`` record, the generators of the built-in ones, and the train/test split.

Every dataset is a ``Dataset`` with inputs X of shape (N, n_in) and targets Y of
shape (N, n_out). Classification sets also carry integer ``labels`` (N,): with
two classes Y is one column of 0/1 (a single sigmoid output), with k > 2 it is
one-hot; ``for_outputs`` re-encodes labels for the output size a network has.

A network fits a dataset when n_in = X.shape[1] and ``Dataset.for_outputs(n_out)`` accepts n_out: the
dataset's own Y.shape[1], or for two classes either 1 (a 0/1 target) or 2 (one-hot, e.g. for softmax).
"""

import numpy as np

from bpviz.engine.activations import ACTIVATIONS
from bpviz.engine.dataset import Dataset, encode_labels
from bpviz.engine.errors import BpvizError

MAX_SAMPLES = 20_000
MAX_TEST_FRACTION = 0.9  # at least a tenth of the data trains; the Design and Train inputs stop here too

GATES = {"xor": (0, 1, 1, 0), "and": (0, 0, 0, 1), "or": (0, 1, 1, 1)}
CORNERS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)


def classification(name, X, labels, class_names=None) -> Dataset:
    labels = np.asarray(labels, dtype=int)
    k = int(labels.max()) + 1
    names = tuple(class_names or (str(i) for i in range(k)))
    n_out = 1 if k == 2 else k
    feats = tuple(f"x{i + 1}" for i in range(X.shape[1]))
    return Dataset(name, np.asarray(X, dtype=float), encode_labels(labels, k, n_out), labels, feats, names)


def is_truth_table(n: int, noise: float) -> bool:
    """True when a gate with these settings is exactly its truth table (no seed draws anything)."""
    return n == 4 and noise == 0


def gate(name: str, n: int, noise: float, seed: int) -> Dataset:
    """A logic gate's truth table over the corners of the unit square; with n = 4 and noise 0 exactly
    its four rows, else n corners drawn at random with Gaussian noise."""
    rng = np.random.default_rng(seed)
    truth = np.array(GATES[name])
    idx = np.arange(4) if is_truth_table(n, noise) else rng.integers(0, 4, n)
    X = CORNERS[idx] + noise * rng.standard_normal((len(idx), 2))
    return classification(name, X, truth[idx])


def circles(n: int, noise: float, seed: int) -> Dataset:
    X, y = _sklearn_datasets().make_circles(n, noise=noise, factor=0.5, random_state=seed)
    return classification("circles", X, y)


def moons(n: int, noise: float, seed: int) -> Dataset:
    X, y = _sklearn_datasets().make_moons(n, noise=noise, random_state=seed)
    return classification("moons", X, y)


def spiral(n: int, noise: float, seed: int, classes: int) -> Dataset:
    """``classes`` interleaved arms of n // classes points each, radius 0.05..1, angle noise ``noise``."""
    rng = np.random.default_rng(seed)
    per = max(n // classes, 1)
    r = np.tile(np.linspace(0.05, 1.0, per), classes)
    labels = np.repeat(np.arange(classes), per)
    t = labels * 2 * np.pi / classes + r * 4.0 + noise * rng.standard_normal(len(r))
    return classification("spiral", np.c_[r * np.sin(t), r * np.cos(t)], labels)


def gaussians(n: int, noise: float, seed: int, classes: int) -> Dataset:
    X, y = _sklearn_datasets().make_blobs(n, centers=classes, cluster_std=1.0 + 5 * noise, random_state=seed)
    return classification("gaussians", X / 5.0, y)


def sine(n: int, noise: float, seed: int) -> Dataset:
    """y = sin x + noise for n sorted x in [−π, π] (regression)."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-np.pi, np.pi, n))
    y = np.sin(x) + noise * rng.standard_normal(n)
    return Dataset("sine", x[:, None], y[:, None], None, ("x",))


def digits() -> Dataset:
    """scikit-learn's 1,797 8×8 handwritten digits, pixels scaled to [0, 1]."""
    d = _sklearn_datasets().load_digits()
    return classification("digits", d.data / 16.0, d.target, [str(i) for i in range(10)])


def _sklearn_datasets():
    from sklearn import datasets  # loaded on first use, so `python -m bpviz step` starts fast

    return datasets


def worked_example() -> Dataset:
    """The one sample of the 2-2-2 worked example: x = (0.05, 0.10), y = (0.01, 0.99)."""
    return Dataset("worked", np.array([[0.05, 0.10]]), np.array([[0.01, 0.99]]), None, ("x1", "x2"))


def textbook_example() -> Dataset:
    """The one sample of the 3-2-1 textbook example: x = (1, 0, 1), class label 1 as the target y = (1,)."""
    return Dataset("textbook", np.array([[1.0, 0.0, 1.0]]), np.array([[1.0]]), None, ("x1", "x2", "x3"))


def batch_example() -> Dataset:
    """The two samples of the 2-2-2 batch example: x = (3, 1) with y = (1, 0), and x = (−1, 4) with y = (0, 1)."""
    return Dataset(
        "twobatch", np.array([[3.0, 1.0], [-1.0, 4.0]]), np.array([[1.0, 0.0], [0.0, 1.0]]), None, ("x1", "x2")
    )


def output_choices(ds: Dataset) -> tuple[int, ...]:
    """Output sizes ``ds`` can train: (1, 2) for two classes, else (Y.shape[1],)."""
    if ds.is_classification and ds.n_classes == 2:
        return (1, 2)
    return (ds.Y.shape[1],)


def choose_outputs(ds: Dataset, wanted: int | None, output_activation: str) -> int:
    """2 for a two-class set under an activation that needs 2 outputs (softmax); else ``wanted`` if ``ds``
    allows it, else the first choice."""
    choices = output_choices(ds)
    act = ACTIVATIONS.get(output_activation)  # an unknown name is the spec's to refuse
    if act is not None and act.min_outputs > 1 and 2 in choices:
        return 2
    return wanted if wanted in choices else choices[0]


def fits(layers: tuple[int, ...], ds: Dataset) -> bool:
    """True when a network with these layer sizes can train on ``ds``."""
    return layers[0] == ds.X.shape[1] and layers[-1] in output_choices(ds)


def describe_dataset(ds: Dataset) -> str:
    """One line about ``ds`` for the page: samples, features and what the targets are."""
    if ds.is_classification:
        what = f"{ds.n_classes} classes"
    else:
        what = _count(ds.Y.shape[1], "regression target")
    return f"{_count(len(ds), 'sample')} · {_count(ds.X.shape[1], 'feature')} · {what}"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def check_test_fraction(test_fraction) -> None:
    if not (isinstance(test_fraction, (int, float)) and 0 <= test_fraction <= MAX_TEST_FRACTION):
        raise BpvizError("test_fraction", f"{test_fraction!r}; choose from 0 to {MAX_TEST_FRACTION:g}")


def split(ds: Dataset, test_fraction: float, seed: int) -> tuple[Dataset, Dataset | None]:
    """(train, test) with the test fraction drawn by ``seed``; stratified where every class allows it."""
    check_test_fraction(test_fraction)
    n_test = int(round(test_fraction * len(ds)))
    if n_test == 0 or n_test == len(ds):
        return ds, None
    idx = np.arange(len(ds))
    stratify = None
    if ds.is_classification:
        counts = np.bincount(ds.labels)
        if counts.min() >= 2 and n_test >= ds.n_classes and len(ds) - n_test >= ds.n_classes:
            stratify = ds.labels
    from sklearn.model_selection import train_test_split

    train_idx, test_idx = train_test_split(idx, test_size=n_test, random_state=seed, stratify=stratify)
    return ds.subset(np.sort(train_idx)), ds.subset(np.sort(test_idx))
