"""Gradient check: backprop's dL/dθ against central differences, parameter by parameter.

numeric = (L(θ + ε) − L(θ − ε)) / 2ε; relative error = |backprop − numeric| / max(|backprop| + |numeric|, 1e-12).
Only parameters that train are checked: every weight, and the biases in bias mode 'learned'.

Each checked parameter costs two forward passes, so the work grows with the square of the network's
size. Up to ``MAX_CHECK_WORK`` (checked parameters × parameters × samples) every parameter is checked;
above it, an even spread over every weight matrix and bias vector (at least one entry of each), so one
check of even the largest network allowed takes a second or two of a shared server.
"""

from dataclasses import dataclass

import numpy as np

from .backprop import backprop, batch_loss
from .network import Network

EPSILON = 1e-5
GOOD = 1e-6
SUSPECT = 1e-3
MAX_CHECK_WORK = 50_000_000
MIN_CHECKED = 20


@dataclass(frozen=True)
class GradCheck:
    """One row per checked parameter: ``names`` like 'W2[1,0]' (layer 2, row 1, column 0) or 'b1[0]'."""

    names: list[str]
    backprop: np.ndarray
    numeric: np.ndarray
    relative_error: np.ndarray
    total: int | None = None  # trainable parameters; more than len(names) when only a spread was checked

    @property
    def coverage(self) -> str:
        """How many parameters were checked, in words."""
        n, total = len(self.names), self.total or len(self.names)
        if n == total:
            return f"all {n:,} trained parameters checked"
        return (
            f"{n:,} of the {total:,} trained parameters checked, spread over every layer: each costs two forward "
            "passes, so a network this big gets a sample"
        )

    @property
    def max_error(self) -> float:
        return float(np.max(self.relative_error)) if len(self.names) else 0.0

    @property
    def verdict(self) -> str:
        """A plain-words judgement of the largest relative error."""
        worst = self.max_error
        if worst < GOOD:
            return f"Backprop is right: the largest relative error is {worst:.1e}, far below {GOOD:.0e}."
        if worst < SUSPECT:
            return (
                f"Probably right: the largest relative error is {worst:.1e} (kinks such as ReLU at 0 can cause this)."
            )
        return f"Backprop and finite differences disagree: the largest relative error is {worst:.1e}."


def gradient_check(net: Network, x, y, epsilon: float = EPSILON, max_work: int = MAX_CHECK_WORK) -> GradCheck:
    """Compare backprop with central differences for the batch (x, y); ``net`` is left unchanged.
    Every trained parameter, or an even spread of them when that would exceed ``max_work``."""
    trace = backprop(net, x, y)
    probe = net.copy()
    groups = [("W", probe.W, trace.grad_W)]
    if net.spec.bias == "learned":
        groups.append(("b", probe.b, trace.grad_b))
    total = sum(p.size for _, params, _ in groups for p in params)
    budget = max(MIN_CHECKED, max_work // (net.spec.n_params * len(trace.x)))
    names, analytic, numeric = [], [], []
    for symbol, params, grads in groups:
        for k, (p, g) in enumerate(zip(params, grads)):
            for flat in _spread(p.size, budget * p.size / total):
                index = np.unravel_index(flat, p.shape)
                keep = p[index]
                p[index] = keep + epsilon
                up = batch_loss(probe, x, y)
                p[index] = keep - epsilon
                down = batch_loss(probe, x, y)
                p[index] = keep
                names.append(f"{symbol}{k + 1}[{','.join(str(int(i)) for i in index)}]")
                analytic.append(g[index])
                numeric.append((up - down) / (2 * epsilon))
    analytic, numeric = np.array(analytic), np.array(numeric)
    rel = np.abs(analytic - numeric) / np.maximum(np.abs(analytic) + np.abs(numeric), 1e-12)
    return GradCheck(names, analytic, numeric, rel, total)


def _spread(size: int, share: float) -> np.ndarray:
    """Flat indices of an array of ``size`` entries to check: all of them when ``share`` ≥ size, else about
    ``share`` of them (at least one) evenly spaced."""
    if share >= size:
        return np.arange(size)
    return np.unique(np.linspace(0, size - 1, max(1, round(share))).round().astype(int))
