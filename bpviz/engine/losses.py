"""Losses as a registry: the per-sample value and its derivative dL/da.

Per sample, with target y and output a (both length n_out):

- ``half_sse``: ½ Σ_j (y_j − a_j)²      dL/da = a − y
- ``sse``:      Σ_j (y_j − a_j)²        dL/da = 2(a − y)
- ``mse``:      (1/n_out) Σ_j (y_j − a_j)²   dL/da = 2(a − y)/n_out
- ``cross_entropy`` (softmax output only): −Σ_j y_j log a_j
- ``binary_cross_entropy`` (sigmoid output only): −Σ_j [y_j log a_j + (1 − y_j) log(1 − a_j)]

For the last two the output delta dL/dz is fused with the activation: a − y, the
numerically stable form every textbook derives (for cross-entropy that needs targets
summing to 1, as one-hot labels do; in general it is a·Σ_j y_j − y, which is what is used).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray
EPS = 1e-15


@dataclass(frozen=True)
class Loss:
    """value(a, y) -> (B,) per-sample losses; grad(a, y) -> (B, n) dL/da per sample."""

    name: str
    latex: str
    value: Callable[[Array, Array], Array]
    grad: Callable[[Array, Array], Array] | None
    requires_output: str | None = None

    def output_delta(self, activation, z: Array, a: Array, y: Array) -> Array:
        """Per-sample dL/dz of the output layer, shape (B, n_out)."""
        if self.grad is not None:
            return activation.backward(z, a, self.grad(a, y))
        if self.name == "cross_entropy":
            return a * np.sum(y, axis=-1, keepdims=True) - y  # = a − y when the targets sum to 1
        return a - y


def _bce(a: Array, y: Array) -> Array:
    a = np.clip(a, EPS, 1.0 - EPS)
    return -np.sum(y * np.log(a) + (1.0 - y) * np.log(1.0 - a), axis=-1)


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss(
            "half_sse",
            r"\tfrac12\sum_j (y_j - a_j)^2",
            lambda a, y: 0.5 * np.sum((y - a) ** 2, axis=-1),
            lambda a, y: a - y,
        ),
        Loss("sse", r"\sum_j (y_j - a_j)^2", lambda a, y: np.sum((y - a) ** 2, axis=-1), lambda a, y: 2.0 * (a - y)),
        Loss(
            "mse",
            r"\tfrac{1}{n}\sum_j (y_j - a_j)^2",
            lambda a, y: np.mean((y - a) ** 2, axis=-1),
            lambda a, y: 2.0 * (a - y) / a.shape[-1],
        ),
        Loss(
            "cross_entropy",
            r"-\sum_j y_j \log a_j",
            lambda a, y: -np.sum(y * np.log(np.clip(a, EPS, 1.0)), axis=-1),
            None,
            requires_output="softmax",
        ),
        Loss(
            "binary_cross_entropy",
            r"-\sum_j \left[y_j \log a_j + (1-y_j)\log(1-a_j)\right]",
            _bce,
            None,
            requires_output="sigmoid",
        ),
    )
}

REDUCTIONS = ("mean", "sum")
