"""Gradient check: backprop's dL/dθ against central differences, parameter by parameter.

With a weight penalty Ω the loss checked is the total, data loss + Ω, and backprop's side is δ·a + ∂Ω/∂w:
the gradient an update uses.

numeric = (L(θ + ε) − L(θ − ε)) / 2ε; relative error = |backprop − numeric| / max(|backprop| + |numeric|, 1e-12).
Only parameters that train are checked: every weight, and the biases in bias mode 'learned'.

Finite differences are themselves unreliable in three cases, and a parameter whose relative error is
above GOOD for one of them is left out of the verdict, with the reason (``doubt``):

- a kink: an input of a ReLU-like activation crosses its kink (0) between θ − ε and θ + ε, so the difference
  mixes the slopes of both sides;
- rounding: the loss is so large next to the slope that float64 rounding of L(θ ± ε), about
  ROUNDING · 2.2e-16 · |L| / ε, is at least a tenth of the disagreement;
- overflow: L(θ ± ε) is not a finite number;
- an L1 penalty's kink: the weight lies within ε of 0, where |w| turns.

Each checked parameter costs two forward passes, so the work grows with the square of the network's
size. Up to ``MAX_CHECK_WORK`` (checked parameters × parameters × samples) every parameter is checked;
above it, an even spread over every weight matrix and bias vector (at least one entry of each), so one
check of even the largest network allowed takes a second or two of a shared server.
"""

from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS
from .backprop import as_batch, backprop, forward_trace, reduce_losses
from .losses import LOSSES
from .network import QUIET, Network
from .optimisers import NO_PENALTY, Penalty

EPSILON = 1e-5
GOOD = 1e-6
SUSPECT = 1e-3
MAX_CHECK_WORK = 50_000_000
MIN_CHECKED = 20
ROUNDING = 8  # ulps of rounding in a computed loss, for the estimate of the differences' own error
KINK = "an input of a ReLU crosses its kink at 0 within ±ε"
OVERFLOW = "the loss at θ ± ε is not a finite number"
L1_KINK = "the L1 penalty's kink at w = 0 lies within ±ε"


@dataclass(frozen=True)
class GradCheck:
    """One row per checked parameter: ``names`` like 'W2[1,0]' (layer 2, row 1, column 0) or 'b1[0]'."""

    names: list[str]
    backprop: np.ndarray
    numeric: np.ndarray
    relative_error: np.ndarray
    total: int | None = None  # trainable parameters; more than len(names) when only a spread was checked
    doubt: tuple[str, ...] = ()  # per row: why finite differences cannot judge it ("" when they can)

    @property
    def judged(self) -> np.ndarray:
        """True for the rows finite differences can judge."""
        return np.array([not d for d in self.doubt], dtype=bool) if self.doubt else np.ones(len(self.names), bool)

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
        """The largest relative error among the rows finite differences can judge."""
        judged = self.relative_error[self.judged]
        return float(np.max(judged)) if judged.size else 0.0

    @property
    def verdict(self) -> str:
        """A plain-words judgement of the largest relative error, and of the rows left out."""
        worst, doubts = self.max_error, [d for d in self.doubt if d]
        if doubts and len(doubts) == len(self.names):
            return f"Finite differences cannot check these gradients here: {_reasons(doubts)}."
        if worst < GOOD:
            text = f"Backprop is right: the largest relative error is {worst:.1e}, far below {GOOD:.0e}."
        elif worst < SUSPECT:
            text = f"Probably right: the largest relative error is {worst:.1e}."
        else:
            text = f"Backprop and finite differences disagree: the largest relative error is {worst:.1e}."
        if doubts:
            text += (f" Left out: {len(doubts):,} parameter(s) whose slope finite differences cannot measure here "
                     f"({_reasons(doubts)}).")  # fmt: skip
        return text


def _reasons(doubts: list[str]) -> str:
    return "; ".join(dict.fromkeys(doubts))


def gradient_check(
    net: Network, x, y, epsilon: float = EPSILON, max_work: int = MAX_CHECK_WORK, penalty: Penalty = NO_PENALTY
) -> GradCheck:
    """Compare backprop with central differences for the batch (x, y) and the loss with ``penalty``; ``net`` is
    left unchanged. Every trained parameter, or an even spread of them when that would exceed ``max_work``."""
    trace = backprop(net, x, y)
    probe = net.copy()
    groups = [("W", probe.W, [g + penalty.gradient(w) for g, w in zip(trace.grad_W, net.W)])]
    if net.spec.bias == "learned":
        groups.append(("b", probe.b, trace.grad_b))
    total = sum(p.size for _, params, _ in groups for p in params)
    budget = max(MIN_CHECKED, max_work // (net.spec.n_params * len(trace.x)))
    kinks = _kinks(net, trace.z)
    names, rows = [], []
    for symbol, params, grads in groups:
        for k, (p, g) in enumerate(zip(params, grads)):
            for flat in _spread(p.size, budget * p.size / total):
                index = np.unravel_index(flat, p.shape)
                keep = p[index]
                l1_kink = symbol == "W" and penalty.kind == "l1" and penalty.active and abs(keep) < epsilon
                p[index] = keep + epsilon
                up = _loss(probe, trace, kinks, penalty)
                p[index] = keep - epsilon
                down = _loss(probe, trace, kinks, penalty)
                p[index] = keep
                names.append(f"{symbol}{k + 1}[{','.join(str(int(i)) for i in index)}]")
                rows.append((g[index], up, down, l1_kink))
    analytic = np.array([r[0] for r in rows], dtype=float)
    with np.errstate(**QUIET):
        numeric = np.array([(up[0] - down[0]) / (2 * epsilon) for _, up, down, _ in rows], dtype=float)
        rel = np.abs(analytic - numeric) / np.maximum(np.abs(analytic) + np.abs(numeric), 1e-12)
    doubt = tuple(L1_KINK if kink and e >= GOOD else _doubt(b, n, e, up, down, trace.loss, epsilon)
                  for b, n, e, (_, up, down, kink) in zip(analytic, numeric, rel, rows))  # fmt: skip
    return GradCheck(names, analytic, numeric, np.nan_to_num(rel, nan=1.0), total, doubt)


def _kinks(net: Network, z: list[np.ndarray]) -> list[tuple[int, float, np.ndarray]]:
    """(layer index k, kink, which z⁽ᵏ⁺¹⁾ entries lie above it) for every layer with a kinked activation."""
    out = []
    for k, name in enumerate(net.spec.activations):
        kink = ACTIVATIONS[name].kink
        if kink is not None:
            out.append((k, kink, z[k] > kink))
    return out


def _loss(net: Network, trace, kinks, penalty: Penalty) -> tuple[float, bool]:
    """(the batch loss of ``net`` on the trace's batch with ``penalty``, whether some kinked z lies on the other
    side of its kink than in ``trace``)."""
    with np.errstate(**QUIET):
        z, a = forward_trace(net, trace.x)
        y = as_batch(trace.y, net.spec.layers[-1], "y")
        loss = reduce_losses(LOSSES[net.spec.loss].value(a[-1], y, z[-1]), net.spec.reduction) + penalty.value(net.W)
    crossed = any(np.any((z[k] > kink) != above) for k, kink, above in kinks)
    return loss, crossed


def _doubt(b: float, n: float, rel: float, up: tuple, down: tuple, loss: float, epsilon: float) -> str:
    """Why finite differences cannot judge this row ("" when they can, or when it agrees anyway)."""
    if not (np.isfinite(up[0]) and np.isfinite(down[0])):
        return OVERFLOW
    if rel < GOOD:
        return ""
    if up[1] or down[1]:
        return KINK
    noise = ROUNDING * np.finfo(float).eps * max(abs(up[0]), abs(down[0]), abs(loss)) / epsilon
    if noise >= 0.1 * abs(b - n):
        return f"rounding: the loss, {loss:.3g}, is too large next to this slope for ε = {epsilon:g}"
    return ""


def _spread(size: int, share: float) -> np.ndarray:
    """Flat indices of an array of ``size`` entries to check: all of them when ``share`` ≥ size, else about
    ``share`` of them (at least one) evenly spaced."""
    if share >= size:
        return np.arange(size)
    return np.unique(np.linspace(0, size - 1, max(1, round(share))).round().astype(int))
