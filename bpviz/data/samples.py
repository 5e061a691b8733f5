"""The one sample a Step walks through: a row of a dataset, or numbers typed by hand."""

import re

import numpy as np

from bpviz.engine.errors import BpvizError

from .datasets import Dataset

_SEPARATORS = re.compile(r"[,;\s]+")


def parse_vector(text: str, n: int, field: str) -> np.ndarray:
    """``n`` finite numbers typed as "0.05, 0.10" (commas, semicolons or spaces); shape (n,).

    Raises BpvizError naming ``field`` for anything else.
    """
    parts = [p for p in _SEPARATORS.split(text.strip().strip("()[]")) if p]
    if len(parts) != n:
        raise BpvizError(field, f"expected {n} number{'s' if n != 1 else ''}, got {len(parts)}")
    values = []
    for p in parts:
        try:
            values.append(float(p))
        except ValueError:
            raise BpvizError(field, f"{p!r} is not a number") from None
    arr = np.array(values)
    if not np.all(np.isfinite(arr)):
        raise BpvizError(field, "every value must be a finite number")
    return arr


def format_vector(values) -> str:
    """Numbers in the form ``parse_vector`` reads back exactly: "0.05, 0.1"."""
    return ", ".join(repr(float(v)).removesuffix(".0") for v in values)


def dataset_sample(ds: Dataset, index: int) -> tuple[np.ndarray, np.ndarray, str]:
    """(x, y, its class) of row ``index`` of ``ds``: x (n_in,), y (n_out,), "class 3" ("" for regression)."""
    if not 0 <= index < len(ds):
        raise BpvizError("sample", f"{index} is not a sample number from 0 to {len(ds) - 1}")
    what = f"class {ds.class_names[ds.labels[index]]}" if ds.is_classification else ""
    return ds.X[index], ds.Y[index], what


DIGIT_SIDE = 8
DIGIT_PIXEL = 12  # screen pixels per digit pixel


def digit_image(x) -> np.ndarray:
    """An 8×8 digit's 64 inputs (0 = blank, 1 = ink) as a greyscale picture, dark ink on white,
    DIGIT_PIXEL times larger with sharp pixels: shape (96, 96), values in [0, 1]."""
    ink = np.clip(np.asarray(x, dtype=float), 0.0, 1.0).reshape(DIGIT_SIDE, DIGIT_SIDE)
    return np.kron(1.0 - ink, np.ones((DIGIT_PIXEL, DIGIT_PIXEL)))
