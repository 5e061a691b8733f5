"""What the engine trains on: inputs X of shape (N, n_in) and targets Y of shape (N, n_out).

Classification sets also carry integer ``labels`` (N,): with two classes Y is one column of 0/1 (a
single sigmoid output), with k > 2 it is one-hot; ``for_outputs`` re-encodes labels for the output
size a network has.
"""

from dataclasses import dataclass, replace

import numpy as np

from .errors import BpvizError


@dataclass(frozen=True)
class Dataset:
    """X (N, n_in), Y (N, n_out), labels (N,) or None for regression, and names for display. ``points`` (N, 2)
    are the points of the plane X was computed from when X holds input features of them (``features`` their
    keys, see ``bpviz.data.features``); None (and ()) when X is the data as drawn."""

    name: str
    X: np.ndarray
    Y: np.ndarray
    labels: np.ndarray | None
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...] = ()
    points: np.ndarray | None = None
    features: tuple[str, ...] = ()

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
        points = None if self.points is None else self.points[idx]
        return replace(self, X=self.X[idx], Y=self.Y[idx], labels=labels, points=points)


def encode_labels(labels: np.ndarray, n_classes: int, n_out: int) -> np.ndarray:
    """Labels as a 0/1 column (two classes, one output) or one-hot rows (N, n_classes)."""
    if n_out == 1:
        return labels.astype(float)[:, None]
    return np.eye(n_classes)[labels]
