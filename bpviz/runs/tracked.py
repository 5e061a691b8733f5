"""A few training samples watched while a run trains: which to pick, their names, and their prediction and
loss at every report."""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bpviz.engine.dataset import Dataset
from bpviz.engine.losses import LOSSES
from bpviz.engine.network import Network
from bpviz.engine.training import Progress

MAX_TRACKED = 6


def pick_samples(ds: Dataset, k: int = 4) -> list[int]:
    """k training-sample indices worth watching: the first of each class in turn, or spread over the inputs."""
    n = len(ds)
    if n <= k:
        return list(range(n))
    if ds.is_classification:
        rank = np.zeros(n, dtype=int)  # position of each row among the rows of its class
        for c in range(ds.n_classes):
            rows = ds.labels == c
            rank[rows] = np.arange(rows.sum())
        return sorted(int(i) for i in np.lexsort((ds.labels, rank))[:k])
    order = np.argsort(ds.X[:, 0], kind="stable")
    return sorted(int(order[i]) for i in np.linspace(0, n - 1, k).round().astype(int))


def sample_name(ds: Dataset, i: int) -> str:
    """ "#3 x=(0, 1) · class 1": the row, its inputs when there are at most two, and its class."""
    name = f"#{i}"
    if ds.X.shape[1] <= 2:
        name += " x=(" + ", ".join(f"{v:.3g}" for v in ds.X[i]) + ")"
    if ds.is_classification:
        name += f" · class {ds.class_names[ds.labels[i]]}"
    return name


@dataclass(frozen=True)
class SampleHistory:
    """Tracked samples by report (R reports at ``epochs``). ``prediction`` (R, m) holds m watched outputs
    with their ``targets`` (m,), names, and the sample each belongs to (``output_sample``, indices into
    the k samples); ``error`` (R, k) holds the loss of each sample, named ``sample_names``."""

    epochs: np.ndarray
    output_names: tuple[str, ...]
    output_sample: np.ndarray
    prediction: np.ndarray
    targets: np.ndarray
    sample_names: tuple[str, ...]
    error: np.ndarray
    prediction_title: str


def sample_history(net: Network, train_set: Dataset, tracked: np.ndarray, history: Sequence[Progress],
                   outputs: Sequence[np.ndarray], logits: Sequence[np.ndarray]) -> SampleHistory | None:  # fmt: skip
    """Prediction and loss of each tracked sample at every report (None when none are tracked): ``outputs``
    holds a^L of the ``tracked`` rows at each report of ``history``, ``logits`` their z^L.

    Watched outputs: the single output; for one-hot targets the output of the true class; for
    several regression outputs, each of them.
    """
    if not len(tracked):
        return None
    ds, idx = train_set, tracked
    out = np.stack(outputs)  # (R, k, n_out)
    Y = ds.Y[idx]
    names = [sample_name(ds, int(i)) for i in idx]
    n_out = Y.shape[1]
    if n_out == 1 or ds.is_classification:
        cols = np.argmax(Y, axis=1) if n_out > 1 else np.zeros(len(idx), dtype=int)
        pairs = list(enumerate(cols))
        title = "output for the true class" if n_out > 1 else "output ŷ"
        out_names = names
    else:
        pairs = [(s, j) for s in range(len(idx)) for j in range(n_out)]
        title = "outputs ŷ"
        out_names = [f"{names[s]} · ŷ{j + 1}" for s, j in pairs]
    rows, cols = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
    error = np.stack([LOSSES[net.spec.loss].value(o, Y, z) for o, z in zip(out, logits)])
    return SampleHistory(
        epochs=np.array([p.epoch for p in history]),
        output_names=tuple(out_names),
        output_sample=rows,
        prediction=out[:, rows, cols],
        targets=Y[rows, cols],
        sample_names=tuple(names),
        error=error,
        prediction_title=title,
    )
