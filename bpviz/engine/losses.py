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
Their values are computed from z, never from a rounded a: log a_j = z_j − log Σ_k e^{z_k}
(log-softmax) and log a_j = −log(1 + e^{−z_j}), log(1 − a_j) = −log(1 + e^{z_j}) (log-sigmoid), so a
saturated output (z = ±1000, where a rounds to exactly 0 or 1) has its true, finite loss and no clipping.

``LOSSES`` maps each name to its record, ``REDUCTIONS`` each batch reduction to its label;
menus list their keys and every reader looks a name up when it runs.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray

REDUCTIONS: dict[str, str] = {"mean": "mean over the batch", "sum": "sum over the batch"}


def _one(y: Array) -> Array:
    """s(y) = 1 for every sample: shape (B, 1)."""
    return np.ones((*y.shape[:-1], 1))


def log_softmax(z: Array) -> Array:
    """log softmax(z) along the last axis, z_j − log Σ_k e^{z_k}, finite for every finite z."""
    shifted = z - np.max(z, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def log_sigmoid(z: Array) -> Array:
    """log σ(z) = −log(1 + e^{−z}), finite for every finite z (log(1 − σ(z)) is log_sigmoid(−z))."""
    return -np.logaddexp(0.0, -z)


@dataclass(frozen=True)
class Fused:
    """How a loss is fused with its output ``activation``: δ = a·s(y) − y, where ``scale(y)`` is s(y),
    (B, n) -> (B, 1). ``scale_latex`` writes s(y) and ``scale_note`` says why it is not 1; the equations
    show both only for a sample whose s(y) is not 1.

    ``logs(z)`` gives the logarithms the loss is made of, computed from z ((log a,) or (log a, log(1 − a)),
    each (B, n)); ``logs_latex`` says how (LaTeX in z_j), and ``term_logs(y, *logs)`` writes one output's
    term with numbers for y and those logarithms."""

    activation: str
    logs: Callable[[Array], tuple[Array, ...]]
    logs_latex: str
    term_logs: Callable[..., str]
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
    - ``value(a, y, z)`` -> (B,) per-sample losses from the output a, the target y and the output layer's z
      (a fused loss reads only z and y); ``grad(a, y)`` -> (B, n) dL/da per sample, None when ``fused`` (the
      output delta then comes from ``fused`` and never from dL/da).
    """

    name: str
    label: str
    latex: str
    term: Callable[[str, str], str]
    written: Callable[[str, int], str]
    slope: Callable[[str, str, str], str] | None
    value: Callable[[Array, Array, Array], Array]
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


def _ce(a: Array, y: Array, z: Array) -> Array:
    """−Σ_j y_j log a_j with log a from log-softmax of z."""
    return -np.sum(y * log_softmax(z), axis=-1)


def _bce(a: Array, y: Array, z: Array) -> Array:
    """−Σ_j [y_j log a_j + (1 − y_j) log(1 − a_j)] with both logarithms from log-sigmoid of z."""
    return -np.sum(y * log_sigmoid(z) + (1.0 - y) * log_sigmoid(-z), axis=-1)


def _ce_logs(z: Array) -> tuple[Array]:
    return (log_softmax(z),)


def _bce_logs(z: Array) -> tuple[Array, Array]:
    return log_sigmoid(z), log_sigmoid(-z)


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
            value=lambda a, y, z: 0.5 * np.sum((y - a) ** 2, axis=-1),
            grad=lambda a, y: a - y,
        ),
        Loss(
            "sse",
            "sum of squared errors",
            latex=r"\sum_j (y_j - a_j)^2",
            term=_squared,
            written=lambda terms, n: terms,
            slope=lambda a, y, n: rf"2\,({a} - {y})",
            value=lambda a, y, z: np.sum((y - a) ** 2, axis=-1),
            grad=lambda a, y: 2.0 * (a - y),
        ),
        Loss(
            "mse",
            "mean squared error",
            latex=r"\tfrac{1}{n}\sum_j (y_j - a_j)^2",
            term=_squared,
            written=lambda terms, n: rf"\tfrac{{1}}{{{n}}}\big[{terms}\big]",
            slope=lambda a, y, n: rf"\tfrac{{2}}{{{n}}}\,({a} - {y})",
            value=lambda a, y, z: np.mean((y - a) ** 2, axis=-1),
            grad=lambda a, y: 2.0 * (a - y) / a.shape[-1],
        ),
        Loss(
            "cross_entropy",
            "cross-entropy (softmax output)",
            latex=r"-\sum_j y_j \log a_j",
            term=lambda a, y: rf"{y} \log {a}",
            written=lambda terms, n: rf"-\big[{terms}\big]",
            slope=None,
            value=_ce,
            grad=None,
            fused=Fused(
                "softmax",
                logs=_ce_logs,
                logs_latex=r"\log a_j = z_j - \log\textstyle\sum_k e^{z_k}",
                term_logs=lambda y, log_a: rf"{y} \cdot {log_a}",
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
            fused=Fused(
                "sigmoid",
                logs=_bce_logs,
                logs_latex=r"\log a_j = -\log(1 + e^{-z_j}),\ \log(1 - a_j) = -\log(1 + e^{z_j})",
                term_logs=lambda y, log_a, log_1ma: rf"{y} \cdot {log_a} + (1 - {y}) \cdot {log_1ma}",
            ),
        ),
    )
}
