"""Activation functions as a registry of (function, derivative) pairs.

Every activation maps z (shape (B, n)) to a = f(z) (same shape). ``backward``
turns an upstream gradient g = dL/da into dL/dz: g * f'(z) for the elementwise
ones, and the Jacobian-vector product a * (g - sum(g * a)) for softmax.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray

LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    """One activation: f(z), and f'(z) written with z and a = f(z) (None for softmax)."""

    name: str
    latex: str
    f: Callable[[Array], Array]
    df: Callable[[Array, Array], Array] | None
    output_only: bool = False

    def backward(self, z: Array, a: Array, g: Array) -> Array:
        """dL/dz from g = dL/da; shapes (B, n). ``g`` is a fresh array the result may overwrite."""
        if self.df is not None:
            g *= self.df(z, a)
            return g
        return a * (g - np.sum(g * a, axis=-1, keepdims=True))


def _sigmoid(z: Array) -> Array:
    """1 / (1 + e^(−z)) computed in place. For z < −709, e^(−z) overflows to inf (NumPy warns
    unless the caller silences it, as training does) and the result is exactly 0."""
    out = np.negative(z)
    np.exp(out, out=out)
    out += 1.0
    return np.reciprocal(out, out=out)


def _softmax(z: Array) -> Array:
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


ACTIVATIONS: dict[str, Activation] = {
    act.name: act
    for act in (
        Activation("sigmoid", r"\sigma(z) = \frac{1}{1+e^{-z}}", _sigmoid, lambda z, a: a * (1.0 - a)),
        Activation("tanh", r"\tanh(z)", np.tanh, lambda z, a: 1.0 - a * a),
        Activation("relu", r"\max(0, z)", lambda z: np.maximum(z, 0.0), lambda z, a: (z > 0).astype(z.dtype)),
        Activation(
            "leaky_relu",
            rf"\max({LEAKY_SLOPE}z, z)",
            lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
            lambda z, a: np.where(z > 0, 1.0, LEAKY_SLOPE),
        ),
        Activation("linear", "z", lambda z: z.copy(), lambda z, a: np.ones_like(z)),
        Activation("softmax", r"\frac{e^{z_j}}{\sum_k e^{z_k}}", _softmax, None, output_only=True),
    )
}
