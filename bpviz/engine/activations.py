"""Activation functions: one ``Activation`` record each, holding everything every other module needs.

Every activation maps z (shape (B, n)) to a = f(z) (same shape). ``backward``
turns an upstream gradient g = dL/da into dL/dz: g * f'(z) for the elementwise
ones, and the Jacobian-vector product a * (g - sum(g * a)) for softmax.

``ACTIVATIONS`` maps each name to its record; menus list its keys, and every reader
(the spec, the equations, the summary, the share link) looks a name up at call time,
so adding an activation is adding one record (``register`` adds one for a while).
"""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

Array = np.ndarray

LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    """One activation.

    - ``name``: the file and CLI name; ``code``: its short name in a share link (no "."); ``label``: menu text.
    - ``symbol``: the LaTeX name of f applied to z (r"\\sigma"; "" for the identity, written as z itself);
      ``formula``: f(z) written out in z; ``defined_as``: the left side of that definition when it is not
      symbol(z) (softmax: its j-th component); ``stage_names_it``: the stage equation writes f(z) =
      symbol(z) = formula, for a symbol the formula does not spell (σ), instead of f(z) = formula.
    - ``apply(v)``: LaTeX of f applied to a symbol or number v; ``slope(z, a)``: LaTeX of f'(z) written with
      z and a = f(z). Both None when f is not elementwise (softmax: the equations write its component out).
    - ``f(z)``: a = f(z), (B, n) -> (B, n); ``df(z, a)``: f'(z) elementwise, None for softmax (``backward``
      then takes the Jacobian-vector product).
    - ``output_only``: allowed on the output layer only; ``min_outputs``: output neurons it needs there.
    - ``kink``: the z where f' jumps (0 for ReLU), None for a smooth f: finite differences across it measure
      neither side's slope, and the gradient check says so.
    """

    name: str
    code: str
    label: str
    symbol: str
    formula: str
    apply: Callable[[str], str] | None
    slope: Callable[[str, str], str] | None
    f: Callable[[Array], Array]
    df: Callable[[Array, Array], Array] | None
    output_only: bool = False
    min_outputs: int = 1
    defined_as: str = ""
    stage_names_it: bool = False
    kink: float | None = None

    def __post_init__(self):
        if not re.fullmatch(r"[a-z0-9_]+", self.code):
            raise ValueError(f"{self.name}: link code {self.code!r} is not lowercase letters, digits and _")
        if not (self.apply is None) == (self.slope is None) == (self.df is None):
            raise ValueError(f"{self.name}: apply, slope and df are all given (elementwise) or all None")

    @property
    def lhs(self) -> str:
        """The left side of the definition: symbol(z), or ``defined_as``."""
        return self.defined_as or rf"{self.symbol}(z)"

    @property
    def definition(self) -> str | None:
        """LaTeX "lhs = formula", or None when the name says it all (tanh) or there is none (the identity)."""
        return f"{self.lhs} = {self.formula}" if self.symbol and self.lhs != self.formula else None

    @property
    def latex(self) -> str:
        """f(z) as the stage equation "f(z) = …" writes it."""
        return f"{self.lhs} = {self.formula}" if self.stage_names_it else self.formula

    def backward(self, z: Array, a: Array, g: Array) -> Array:
        """dL/dz from g = dL/da; shapes (B, n). ``g`` is a fresh array the result may overwrite."""
        if self.df is not None:
            g *= self.df(z, a)
            return g
        return a * (g - np.sum(g * a, axis=-1, keepdims=True))


def sigmoid(z: Array) -> Array:
    """1 / (1 + e^(−z)), computed as 1 / (1 + e^(−|z|)) for z ≥ 0 and e^(−|z|) / (1 + e^(−|z|)) below, so no
    exponential ever overflows (σ(−1000) is 0.0, σ(1000) is 1.0, and NumPy has nothing to warn about)."""
    e = np.abs(z)
    np.negative(e, out=e)
    np.exp(e, out=e)  # e^(−|z|), in (0, 1]
    out = np.where(z >= 0, 1.0, e)
    e += 1.0
    return np.divide(out, e, out=out)


def _softmax(z: Array) -> Array:
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


ACTIVATIONS: dict[str, Activation] = {
    act.name: act
    for act in (
        Activation(
            "sigmoid",
            "sig",
            "sigmoid σ",
            symbol=r"\sigma",
            formula=r"\frac{1}{1+e^{-z}}",
            apply=lambda v: rf"\sigma({v})",
            slope=lambda z, a: rf"{a}\,(1 - {a})",
            f=sigmoid,
            df=lambda z, a: a * (1.0 - a),
            stage_names_it=True,
        ),
        Activation(
            "tanh",
            "tanh",
            "tanh",
            symbol=r"\tanh",
            formula=r"\tanh(z)",
            apply=lambda v: rf"\tanh({v})",
            slope=lambda z, a: rf"1 - {a}^2",
            f=np.tanh,
            df=lambda z, a: 1.0 - a * a,
        ),
        Activation(
            "relu",
            "relu",
            "ReLU",
            symbol=r"\operatorname{ReLU}",
            formula=r"\max(0, z)",
            apply=lambda v: rf"\max(0,\ {v})",
            slope=lambda z, a: rf"[\,{z} > 0\,]",
            f=lambda z: np.maximum(z, 0.0),
            df=lambda z, a: (z > 0).astype(z.dtype),
            kink=0.0,
        ),
        Activation(
            "leaky_relu",
            "lrelu",
            "leaky ReLU",
            symbol=r"\operatorname{LReLU}",
            formula=rf"\max({LEAKY_SLOPE}z, z)",
            apply=lambda v: rf"\max({LEAKY_SLOPE}\,{v},\ {v})",
            slope=lambda z, a: rf"1 \text{{ if }} {z} > 0 \text{{ else }} {LEAKY_SLOPE}",
            f=lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
            df=lambda z, a: np.where(z > 0, 1.0, LEAKY_SLOPE),
            kink=0.0,
        ),
        Activation(
            "linear",
            "lin",
            "linear (identity)",
            symbol="",
            formula="z",
            apply=lambda v: v,
            slope=lambda z, a: "1",
            f=lambda z: z.copy(),
            df=lambda z, a: np.ones_like(z),
        ),
        Activation(
            "softmax",
            "smax",
            "softmax",
            symbol=r"\operatorname{softmax}",
            formula=r"\frac{e^{z_j}}{\sum_k e^{z_k}}",
            apply=None,
            slope=None,
            f=_softmax,
            df=None,
            output_only=True,
            min_outputs=2,
            defined_as=r"\operatorname{softmax}(z)_j",
        ),
    )
}


@contextmanager
def register(activation: Activation) -> Iterator[Activation]:
    """``activation`` in ACTIVATIONS for the duration of the with-block, then gone again: meanwhile the spec
    accepts it and the menus, equations and share links show it. Refuses a name or link code already taken."""
    for other in ACTIVATIONS.values():
        if activation.name == other.name or activation.code == other.code:
            raise ValueError(f"{activation.name} ({activation.code}): {other.name} ({other.code}) is registered")
    ACTIVATIONS[activation.name] = activation
    try:
        yield activation
    finally:
        del ACTIVATIONS[activation.name]
