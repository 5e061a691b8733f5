"""Input features of 2-D data, as TensorFlow Playground offers them: the network's inputs are chosen functions of
the point (x1, x2) instead of the point itself, so a problem can be solved by features instead of depth
(circles with x1² and x2² need no hidden layer: the boundary x1² + x2² = r² is a line in those features).

    key      label    LaTeX               value at (x1, x2)
    x1       x1       x_{1}               x1
    x2       x2       x_{2}               x2
    x1sq     x1²      x_{1}^{2}           x1²
    x2sq     x2²      x_{2}^{2}           x2²
    x1x2     x1·x2    x_{1} x_{2}         x1·x2
    sin_x1   sin x1   \\sin x_{1}          sin x1
    sin_x2   sin x2   \\sin x_{2}          sin x2

A choice is a tuple of keys in the order the inputs take (``check_features``); ``DEFAULT_FEATURES`` =
("x1", "x2") is the raw point, what every dataset had before features existed. ``expand(points, keys)`` maps
points of shape (N, 2) to inputs X of shape (N, k), column j the feature keys[j]; ``with_features`` makes a
2-D dataset's X its features, keeping the points for the pictures of the plane (``Plane``).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from bpviz.engine.dataset import Dataset
from bpviz.engine.errors import BpvizError


@dataclass(frozen=True)
class Feature:
    """One input feature: its ``key`` (links, files, the CLI), ``label`` (plain text: diagram, menus, tables),
    ``tex`` (the equations) and ``value(points)``, (N, 2) -> (N,)."""

    key: str
    label: str
    tex: str
    value: Callable[[np.ndarray], np.ndarray]


FEATURES: dict[str, Feature] = {
    f.key: f
    for f in (
        Feature("x1", "x1", "x_{1}", lambda p: p[:, 0]),
        Feature("x2", "x2", "x_{2}", lambda p: p[:, 1]),
        Feature("x1sq", "x1²", "x_{1}^{2}", lambda p: p[:, 0] ** 2),
        Feature("x2sq", "x2²", "x_{2}^{2}", lambda p: p[:, 1] ** 2),
        Feature("x1x2", "x1·x2", r"x_{1} x_{2}", lambda p: p[:, 0] * p[:, 1]),
        Feature("sin_x1", "sin x1", r"\sin x_{1}", lambda p: np.sin(p[:, 0])),
        Feature("sin_x2", "sin x2", r"\sin x_{2}", lambda p: np.sin(p[:, 1])),
    )
}
DEFAULT_FEATURES = ("x1", "x2")


def check_features(keys) -> None:
    """Raise BpvizError (field "features") unless ``keys`` is a non-empty tuple of distinct keys of FEATURES."""
    if not isinstance(keys, tuple):
        raise BpvizError("features", f"{keys!r} is not a tuple of input feature keys")
    if not keys:
        raise BpvizError("features", f"no input feature chosen; choose at least one of {', '.join(FEATURES)}")
    unknown = [k for k in keys if k not in FEATURES]
    if unknown:
        raise BpvizError("features", f"unknown input feature {str(unknown[0])!r}; choose from {', '.join(FEATURES)}")
    twice = [k for n, k in enumerate(keys) if k in keys[:n]]
    if twice:
        raise BpvizError("features", f"{twice[0]!r} is chosen twice; each input feature is one input")


def labels(keys: Sequence[str]) -> tuple[str, ...]:
    return tuple(FEATURES[k].label for k in keys)


def tex(keys: Sequence[str]) -> tuple[str, ...]:
    return tuple(FEATURES[k].tex for k in keys)


def expand(points: np.ndarray, keys: Sequence[str]) -> np.ndarray:
    """Inputs X (N, k) of the points (N, 2): X[:, j] = FEATURES[keys[j]].value(points)."""
    points = np.asarray(points, dtype=float)
    return np.stack([FEATURES[k].value(points) for k in keys], axis=1)


def with_features(ds: Dataset, keys: tuple[str, ...]) -> Dataset:
    """The 2-D dataset ``ds`` with inputs ``expand(ds.X, keys)`` named by the features' labels, its points kept
    in ``points`` and the keys in ``features``; ``ds`` itself for the default features."""
    check_features(keys)
    if keys == DEFAULT_FEATURES:
        return ds
    return replace(ds, X=expand(ds.X, keys), feature_names=labels(keys), points=ds.X, features=keys)


@dataclass(frozen=True)
class Plane:
    """A dataset seen as points of the input plane: ``points`` (N, 2), the ``features`` its network's inputs
    are of them, and the ``axes``' names."""

    points: np.ndarray
    features: tuple[str, ...]
    axes: tuple[str, str]

    def inputs(self, points: np.ndarray) -> np.ndarray:
        """The network's inputs at ``points`` (M, 2): (M, k)."""
        return expand(points, self.features)


def plane(ds: Dataset) -> Plane | None:
    """``ds`` as points of a plane: the points its features were made from, or its own X when it has 2 columns
    (then the inputs are the points themselves); None for other data (the 64-pixel digits, a 1-D sine)."""
    if ds.points is not None:
        return Plane(ds.points, ds.features, labels(DEFAULT_FEATURES))
    if ds.X.shape[1] == 2:
        return Plane(ds.X, DEFAULT_FEATURES, (ds.feature_names[0], ds.feature_names[1]))
    return None
