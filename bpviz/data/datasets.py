"""Datasets: toy 2-D generators, logic gates, a sine, scikit-learn's 8×8 digits, and CSV files.

Every dataset is a ``Dataset`` with inputs X of shape (N, n_in) and targets Y of
shape (N, n_out). Classification sets also carry integer ``labels`` (N,): with
two classes Y is one column of 0/1 (a single sigmoid output), with k > 2 it is
one-hot; ``for_outputs`` re-encodes labels for the output size a network has.
"""

import io
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from bpviz.engine.errors import BpvizError

if TYPE_CHECKING:  # pandas and scikit-learn load on first use, so `python -m bpviz step` starts fast
    import pandas as pd

MAX_ROWS = 100_000
MAX_COLUMNS = 1_000
MAX_SAMPLES = 20_000
MAX_TEST_FRACTION = 0.9  # at least a tenth of the data trains; the Design and Train inputs stop here too

GATES = {"xor": (0, 1, 1, 0), "and": (0, 0, 0, 1), "or": (0, 1, 1, 1)}
CORNERS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)


@dataclass(frozen=True)
class Dataset:
    """X (N, n_in), Y (N, n_out), labels (N,) or None for regression, and names for display."""

    name: str
    X: np.ndarray
    Y: np.ndarray
    labels: np.ndarray | None
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...] = ()

    @property
    def is_classification(self) -> bool:
        return self.labels is not None

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    def __len__(self) -> int:
        return len(self.X)

    def for_outputs(self, n_out: int) -> "Dataset":
        """The same data with targets encoded for ``n_out`` output neurons."""
        if n_out == self.Y.shape[1]:
            return self
        if self.is_classification and n_out in (1, self.n_classes) and (n_out > 1 or self.n_classes == 2):
            return replace(self, Y=encode_labels(self.labels, self.n_classes, n_out))
        raise BpvizError("layers", f"dataset {self.name!r} needs {self.Y.shape[1]} output neuron(s), not {n_out}")

    def subset(self, idx: np.ndarray) -> "Dataset":
        labels = None if self.labels is None else self.labels[idx]
        return replace(self, X=self.X[idx], Y=self.Y[idx], labels=labels)


def encode_labels(labels: np.ndarray, n_classes: int, n_out: int) -> np.ndarray:
    """Labels as a 0/1 column (two classes, one output) or one-hot rows (N, n_classes)."""
    if n_out == 1:
        return labels.astype(float)[:, None]
    return np.eye(n_classes)[labels]


def _classification(name, X, labels, class_names=None) -> Dataset:
    labels = np.asarray(labels, dtype=int)
    k = int(labels.max()) + 1
    names = tuple(class_names or (str(i) for i in range(k)))
    n_out = 1 if k == 2 else k
    feats = tuple(f"x{i + 1}" for i in range(X.shape[1]))
    return Dataset(name, np.asarray(X, dtype=float), encode_labels(labels, k, n_out), labels, feats, names)


def _gate(name: str, n: int, noise: float, rng: np.random.Generator) -> Dataset:
    truth = np.array(GATES[name])
    if n == 4 and noise == 0:
        idx = np.arange(4)
    else:
        idx = rng.integers(0, 4, n)
    X = CORNERS[idx] + noise * rng.standard_normal((len(idx), 2))
    return _classification(name, X, truth[idx])


def _spiral(n: int, noise: float, classes: int, rng: np.random.Generator) -> Dataset:
    per = max(n // classes, 1)
    r = np.tile(np.linspace(0.05, 1.0, per), classes)
    labels = np.repeat(np.arange(classes), per)
    t = labels * 2 * np.pi / classes + r * 4.0 + noise * rng.standard_normal(len(r))
    return _classification("spiral", np.c_[r * np.sin(t), r * np.cos(t)], labels)


def _sine(n: int, noise: float, rng: np.random.Generator) -> Dataset:
    x = np.sort(rng.uniform(-np.pi, np.pi, n))
    y = np.sin(x) + noise * rng.standard_normal(n)
    return Dataset("sine", x[:, None], y[:, None], None, ("x",))


def _digits() -> Dataset:
    d = _sklearn_datasets().load_digits()
    return _classification("digits", d.data / 16.0, d.target, [str(i) for i in range(10)])


def _sklearn_datasets():
    from sklearn import datasets

    return datasets


def _worked_example() -> Dataset:
    return Dataset("mazur", np.array([[0.05, 0.10]]), np.array([[0.01, 0.99]]), None, ("x1", "x2"))


DATASETS = ("xor", "and", "or", "circles", "moons", "spiral", "gaussians", "sine", "digits", "mazur")
DEFAULTS = {"n": 200, "noise": 0.1, "classes": 3}


def _is_int(x) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


def check_settings(name: str, n, noise, classes, test_fraction=0.0, allowed=DATASETS) -> None:
    """Raise BpvizError naming the first bad dataset setting."""
    if name not in allowed:
        raise BpvizError("dataset", f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)} or a CSV file")
    if not (_is_int(n) and 1 <= n <= MAX_SAMPLES):
        raise BpvizError("n", f"{n!r} samples; choose 1 to {MAX_SAMPLES}")
    if not (isinstance(noise, (int, float)) and np.isfinite(noise) and 0 <= noise <= 10):
        raise BpvizError("noise", f"{noise!r}; choose a noise level from 0 to 10")
    if not (_is_int(classes) and 2 <= classes <= 10):
        raise BpvizError("classes", f"{classes!r}; choose 2 to 10 classes")
    check_test_fraction(test_fraction)


def check_test_fraction(test_fraction) -> None:
    if not (isinstance(test_fraction, (int, float)) and 0 <= test_fraction <= MAX_TEST_FRACTION):
        raise BpvizError("test_fraction", f"{test_fraction!r}; choose from 0 to {MAX_TEST_FRACTION:g}")


def make_dataset(name: str, n: int = 200, noise: float = 0.1, seed: int = 0, classes: int = 3) -> Dataset:
    """A named dataset; ``n``, ``noise``, ``seed`` and ``classes`` apply where they make sense.

    Gates with n=4 and noise=0 are exactly the 4 points of the truth table; the
    digits and the 1-sample ``mazur`` worked example are fixed.
    """
    check_settings(name, n, noise, classes)
    noise = noise + 0.0  # a typed "-0" is -0.0, which NumPy refuses as a scale ("scale < 0")
    rng = np.random.default_rng(seed)
    if name in GATES:
        return _gate(name, n, noise, rng)
    if name == "circles":
        X, y = _sklearn_datasets().make_circles(n, noise=noise, factor=0.5, random_state=seed)
        return _classification(name, X, y)
    if name == "moons":
        X, y = _sklearn_datasets().make_moons(n, noise=noise, random_state=seed)
        return _classification(name, X, y)
    if name == "spiral":
        return _spiral(n, noise, classes, rng)
    if name == "gaussians":
        X, y = _sklearn_datasets().make_blobs(n, centers=classes, cluster_std=1.0 + 5 * noise, random_state=seed)
        return _classification(name, X / 5.0, y)
    if name == "sine":
        return _sine(n, noise, rng)
    if name == "digits":
        return _digits()
    return _worked_example()


def read_csv(data: bytes | str, name: str = "upload.csv") -> Dataset:
    """A dataset from CSV text: a ``label`` column (classification) or ``target*`` column(s)
    (regression); every other column is a numeric feature.
    """
    import pandas as pd

    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise BpvizError("csv", "the file is not UTF-8 text") from None
    if not data.strip():
        raise BpvizError("csv", "the file is empty")
    if data.count("\n") > MAX_ROWS + 1:
        raise BpvizError("csv", f"more than {MAX_ROWS:,} rows")
    widest = max(line.count(",") for line in data.splitlines()) + 1  # before pandas, which is slow on wide lines
    if widest > MAX_COLUMNS:
        raise BpvizError("csv", f"a line with {widest:,} columns; at most {MAX_COLUMNS:,} are allowed")
    try:
        df = pd.read_csv(io.StringIO(data), nrows=MAX_ROWS + 1)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as err:
        raise BpvizError("csv", f"could not read the file as CSV ({str(err).splitlines()[0]})") from None
    if len(df) > MAX_ROWS:
        raise BpvizError("csv", f"more than {MAX_ROWS:,} rows")
    if df.shape[1] > MAX_COLUMNS:
        raise BpvizError("csv", f"{df.shape[1]} columns; at most {MAX_COLUMNS:,} are allowed")
    if len(df) == 0:
        raise BpvizError("csv", "the file has a header but no rows")
    df.columns = [str(c).strip() for c in df.columns]
    targets = [c for c in df.columns if c == "target" or c.startswith("target")]
    if "label" in df.columns and targets:
        raise BpvizError("csv", "has both a 'label' and a 'target' column; keep one")
    if "label" not in df.columns and not targets:
        raise BpvizError("csv", "needs a 'label' column (classification) or 'target' column(s) (regression)")
    outputs = ["label"] if "label" in df.columns else targets
    features = [c for c in df.columns if c not in outputs]
    if not features:
        raise BpvizError("csv", "has no feature columns besides the label/target")
    X = _numeric(df[features], "feature")
    if "label" in df.columns:
        raw = df["label"]
        if raw.isna().any():
            raise BpvizError("csv", f"the label column is empty in row {int(np.argmax(raw.isna())) + 2}")
        classes, labels = np.unique(raw.astype(str), return_inverse=True)
        if len(classes) < 2:
            raise BpvizError("csv", "the label column has a single class; need at least 2")
        if len(classes) > 100:
            raise BpvizError("csv", f"{len(classes)} classes; at most 100 are allowed")
        ds = _classification(name, X, labels, list(classes))
        return replace(ds, feature_names=tuple(features))
    return Dataset(name, X, _numeric(df[targets], "target"), None, tuple(features))


def _numeric(frame: "pd.DataFrame", what: str) -> np.ndarray:
    import pandas as pd

    values = frame.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        row, col = map(int, np.argwhere(bad)[0])
        cell = frame.iat[row, col]
        shown = "an empty cell" if pd.isna(cell) else _clip(repr(cell.item() if isinstance(cell, np.generic) else cell))
        raise BpvizError(
            "csv", f"{what} column {_clip(repr(frame.columns[col]))}, row {row + 2}: {shown} is not a finite number"
        )
    return values


def _clip(text: str, most: int = 40) -> str:
    """``text`` cut to ``most`` characters (a cell of a few megabytes would fill the page)."""
    return text if len(text) <= most else f"{text[: most - 1]}…"


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
