"""One sample of a dataset for the Step page, or a batch of them: its rows, and a digit drawn as a picture."""

import numpy as np

from bpviz.engine.dataset import Dataset
from bpviz.engine.errors import BpvizError


def dataset_sample(ds: Dataset, index: int) -> tuple[np.ndarray, np.ndarray, str]:
    """(x, y, its class) of row ``index`` of ``ds``: x (n_in,), y (n_out,), "class 3" ("" for regression)."""
    if not 0 <= index < len(ds):
        raise BpvizError("sample", f"{index} is not a sample number from 0 to {len(ds) - 1}")
    what = f"class {ds.class_names[ds.labels[index]]}" if ds.is_classification else ""
    return ds.X[index], ds.Y[index], what


MAX_BATCH = 8  # samples one step of the Step page may take


def batch_rows(n: int, start: int, k: int) -> list[int]:
    """The rows of a batch of ``k`` samples of a dataset of ``n`` rows: ``start`` and the k − 1 after it, going
    round to row 0 past the last (batch_rows(5, 3, 3) == [3, 4, 0]). Raises BpvizError for a k outside 1 to
    min(MAX_BATCH, n)."""
    if not 1 <= k <= min(MAX_BATCH, n):
        raise BpvizError("batch", f"{k} samples; a step takes 1 to {min(MAX_BATCH, n)} of these {n}")
    return [(start + r) % n for r in range(k)]


DIGIT_SIDE = 8
DIGIT_PIXEL = 12  # screen pixels per digit pixel


def digit_image(x) -> np.ndarray:
    """An 8×8 digit's 64 inputs (0 = blank, 1 = ink) as a greyscale picture, dark ink on white,
    DIGIT_PIXEL times larger with sharp pixels: shape (96, 96), values in [0, 1]."""
    ink = np.clip(np.asarray(x, dtype=float), 0.0, 1.0).reshape(DIGIT_SIDE, DIGIT_SIDE)
    return np.kron(1.0 - ink, np.ones((DIGIT_PIXEL, DIGIT_PIXEL)))
