"""Losses: one ``Loss`` record each, with its value, its derivative dL/da and every way it is written.

Per sample, with target y and output a (both length n_out):

- ``half_sse``: ½ Σ_j (y_j − a_j)²      dL/da = a − y
- ``sse``:      Σ_j (y_j − a_j)²        dL/da = 2(a − y)
- ``mse``:      (1/n_out) Σ_j (y_j − a_j)²   dL/da = 2(a − y)/n_out
- ``cross_entropy`` (softmax output only): −Σ_j y_j log a_j
- ``binary_cross_entropy`` (sigmoid output only): −Σ_j [y_j log a_j + (1 − y_j) log(1 − a_j)]

The last two are ``Fused`` with their output activation: the output delta dL/dz is
a·s(y) − y, the numerically stable form every textbook derives, with s(y) = Σ_j y_j for
cross-entropy (= 1 for one-hot targets, so a − y) and s(y) = 1 for binary cross-entropy.

``LOSSES`` maps each name to its record, ``REDUCTIONS`` each batch reduction to its label;
menus list their keys and every reader looks a name up when it runs.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray
EPS = 1e-15

REDUCTIONS: dict[str, str] = {"mean": "mean over the batch", "sum": "sum over the batch"}


def _one(y: Array) -> Array:
    """s(y) = 1 for every sample: shape (B, 1)."""
    return np.ones((*y.shape[:-1], 1))


@dataclass(frozen=True)
class Fused:
    """How a loss is fused with its output ``activation``: δ = a·s(y) − y, where ``scale(y)`` is s(y),
    (B, n) -> (B, 1). ``scale_latex`` writes s(y) and ``scale_note`` says why it is not 1; the equations
    show both only for a sample whose s(y) is not 1."""

    activation: str
    scale: Callable[[Array], Array] = _one
    scale_latex: str = "1"
    scale_note: str = ""


@dataclass(frozen=True)
class Loss:
    """One loss of one sample.

    - ``name``: the file and CLI name; ``label``: menu text.
    - ``latex``: the loss in a_j and y_j; ``term(a, y)``: LaTeX of one output's term with a symbol or number
      for a and y; ``written(terms, n)``: the terms' sum wrapped as the loss writes it (n outputs);
      ``slope(a, y, n)``: LaTeX of dL/da_i, None for a fused loss.
    - ``value(a, y)`` -> (B,) per-sample losses; ``grad(a, y)`` -> (B, n) dL/da per sample, None when
      ``fused`` (the output delta then comes from ``fused`` and never from dL/da).
    """

    name: str
    label: str
    latex: str
    term: Callable[[str, str], str]
    written: Callable[[str, int], str]
    slope: Callable[[str, str, str], str] | None
    value: Callable[[Array, Array], Array]
    grad: Callable[[Array, Array], Array] | None
    fused: Fused | None = None

    def __post_init__(self):
        if not (self.fused is None) == (self.grad is not None) == (self.slope is not None):
            raise ValueError(f"{self.name}: a loss is fused (no grad, no slope) or has both grad and slope")

    def output_delta(self, activation, z: Array, a: Array, y: Array) -> Array:
        """Per-sample dL/dz of the output layer, shape (B, n_out)."""
        if self.fused is None:
            return activation.backward(z, a, self.grad(a, y))
        return a * self.fused.scale(y) - y


def _bce(a: Array, y: Array) -> Array:
    a = np.clip(a, EPS, 1.0 - EPS)
    return -np.sum(y * np.log(a) + (1.0 - y) * np.log(1.0 - a), axis=-1)


def _squared(a: str, y: str) -> str:
    return rf"({y} - {a})^2"


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss(
            "half_sse",
            "½ sum of squared errors",
            latex=r"\tfrac12\sum_j (y_j - a_j)^2",
            term=_squared,
            written=lambda terms, n: rf"\tfrac12\big[{terms}\big]",
            slope=lambda a, y, n: rf"{a} - {y}",
            value=lambda a, y: 0.5 * np.sum((y - a) ** 2, axis=-1),
            grad=lambda a, y: a - y,
        ),
        Loss(
            "sse",
            "sum of squared errors",
            latex=r"\sum_j (y_j - a_j)^2",
            term=_squared,
            written=lambda terms, n: terms,
            slope=lambda a, y, n: rf"2\,({a} - {y})",
            value=lambda a, y: np.sum((y - a) ** 2, axis=-1),
            grad=lambda a, y: 2.0 * (a - y),
        ),
        Loss(
            "mse",
            "mean squared error",
            latex=r"\tfrac{1}{n}\sum_j (y_j - a_j)^2",
            term=_squared,
            written=lambda terms, n: rf"\tfrac{{1}}{{{n}}}\big[{terms}\big]",
            slope=lambda a, y, n: rf"\tfrac{{2}}{{{n}}}\,({a} - {y})",
            value=lambda a, y: np.mean((y - a) ** 2, axis=-1),
            grad=lambda a, y: 2.0 * (a - y) / a.shape[-1],
        ),
        Loss(
            "cross_entropy",
            "cross-entropy (softmax output)",
            latex=r"-\sum_j y_j \log a_j",
            term=lambda a, y: rf"{y} \log {a}",
            written=lambda terms, n: rf"-\big[{terms}\big]",
            slope=None,
            value=lambda a, y: -np.sum(y * np.log(np.clip(a, EPS, 1.0)), axis=-1),
            grad=None,
            fused=Fused(
                "softmax",
                scale=lambda y: np.sum(y, axis=-1, keepdims=True),
                scale_latex=r"\textstyle\sum_j y_j",
                scale_note="the targets do not sum to 1",
            ),
        ),
        Loss(
            "binary_cross_entropy",
            "binary cross-entropy (sigmoid output)",
            latex=r"-\sum_j \left[y_j \log a_j + (1-y_j)\log(1-a_j)\right]",
            term=lambda a, y: rf"{y} \log {a} + (1 - {y}) \log(1 - {a})",
            written=lambda terms, n: rf"-\big[{terms}\big]",
            slope=None,
            value=_bce,
            grad=None,
            fused=Fused("sigmoid"),
        ),
    )
}
