"""Dataset rules of the Design page (pure): names, which settings each dataset takes and how many output
neurons it allows (what each starts with is ``bpviz.presets.DATA_DEFAULTS``).

A network fits a dataset when n_in = X.shape[1] and ``Dataset.for_outputs(n_out)`` accepts n_out: the
dataset's own Y.shape[1], or for two classes either 1 (a 0/1 target) or 2 (one-hot, e.g. for softmax).
"""

from bpviz import Dataset

DATASET_LABELS = {
    "xor": "XOR (4 corners)",
    "and": "AND (4 corners)",
    "or": "OR (4 corners)",
    "circles": "circles",
    "moons": "moons",
    "spiral": "spiral",
    "gaussians": "Gaussian blobs",
    "sine": "sine curve (regression)",
    "digits": "8×8 handwritten digits",
    "mazur": "2-2-2 worked example (1 sample)",
    "csv": "my CSV file…",
}

# The settings each dataset takes besides the test fraction (the worked example takes none at all).
KNOBS: dict[str, tuple[str, ...]] = {
    "xor": ("n", "noise"),
    "and": ("n", "noise"),
    "or": ("n", "noise"),
    "circles": ("n", "noise"),
    "moons": ("n", "noise"),
    "spiral": ("n", "noise", "classes"),
    "gaussians": ("n", "noise", "classes"),
    "sine": ("n", "noise"),
    "digits": (),
    "mazur": (),
    "csv": (),
}
SPLITTABLE = tuple(name for name in DATASET_LABELS if name != "mazur")


def output_choices(ds: Dataset) -> tuple[int, ...]:
    """Output sizes ``ds`` can train: (1, 2) for two classes, else (Y.shape[1],)."""
    if ds.is_classification and ds.n_classes == 2:
        return (1, 2)
    return (ds.Y.shape[1],)


def choose_outputs(ds: Dataset, wanted: int | None, output_activation: str) -> int:
    """2 for a two-class set under softmax (which needs 2 outputs); else ``wanted`` if ``ds`` allows it,
    else the first choice."""
    choices = output_choices(ds)
    if output_activation == "softmax" and 2 in choices:
        return 2
    return wanted if wanted in choices else choices[0]


def fits(layers: tuple[int, ...], ds: Dataset) -> bool:
    """True when a network with these layer sizes can train on ``ds``."""
    return layers[0] == ds.X.shape[1] and layers[-1] in output_choices(ds)


def describe(ds: Dataset) -> str:
    """One line about ``ds`` for the page: samples, features and what the targets are."""
    if ds.is_classification:
        what = f"{ds.n_classes} classes"
    else:
        what = _count(ds.Y.shape[1], "regression target")
    return f"{_count(len(ds), 'sample')} · {_count(ds.X.shape[1], 'feature')} · {what}"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
