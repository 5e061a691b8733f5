"""The stage model of one backprop step: which quantities are known after each stage.

One step of one sample (x, y), or of a batch of k samples, through a network of depth L runs through 4L + 3
stages:

    start        a⁽⁰⁾ = x
    forward l    z⁽ˡ⁾ = W⁽ˡ⁾ a⁽ˡ⁻¹⁾ + b⁽ˡ⁾, then a⁽ˡ⁾ = f(z⁽ˡ⁾)            for l = 1..L
    loss         L = loss(a⁽ᴸ⁾, y)
    backward l   δ⁽ˡ⁾, then ∂L/∂W⁽ˡ⁾ = δ⁽ˡ⁾ a⁽ˡ⁻¹⁾ᵀ (+ ∂Ω/∂W⁽ˡ⁾ with a weight penalty Ω) and ∂L/∂b⁽ˡ⁾ = δ⁽ˡ⁾
                                                                       for l = L..1
    update       W⁺ = W − η ∂L/∂W, b⁺ = b − η ∂L/∂b (or the Train page's optimiser, from its state), and the
                 loss after

A ``Stage`` reveals quantities named (quantity, layer) with quantity one of
"a", "z", "loss", "delta", "grad", "update" and layer l = 0..L (the layer the
quantity belongs to; "loss" belongs to L). ``Walk`` holds every number of the
step (computed once by ``walk``) and answers ``known(index, quantity, layer)``.

A batch of k samples (rows s = 1..k) has one trace: each sample's z, a and δ, and one gradient for the update,
the batch reduction (mean or sum) of the samples' contributions:

    δ⁽ˡ⁾[s] = ∂L_s/∂z⁽ˡ⁾[s]              the derivative of sample s's own loss L_s
    ∂L/∂W⁽ˡ⁾ = c Σ_s δ⁽ˡ⁾[s] a⁽ˡ⁻¹⁾[s]ᵀ,  L = c Σ_s L_s,   c = 1/k (mean) or 1 (sum)

``Walk.sample`` is the sample its per-sample views (diagram nodes, a node's equations) show; ``viewing(s)``
gives the same walk showing sample s. With k = 1 every number is the one-sample step's.
"""

from dataclasses import dataclass, field, replace

import numpy as np

from bpviz.engine import optimisers
from bpviz.engine.activations import ACTIVATIONS
from bpviz.engine.backprop import Trace, backprop, batch_loss
from bpviz.engine.finite import check_step
from bpviz.engine.losses import LOSSES
from bpviz.engine.network import Network
from bpviz.engine.optimisers import NO_PENALTY, SGD, Optimiser, Penalty, State
from bpviz.engine.spec import NetworkSpec

from .names import sup

FORWARD_KINDS = ("start", "z", "a", "loss")


@dataclass(frozen=True)
class Stage:
    """One stage: its ``kind`` (start, z, a, loss, delta, grad, update), the layer it computes
    (0 for start, L for loss, None for update), a one-line ``label`` for the progress
    indicator, and the (quantity, layer) pairs it ``reveals``."""

    kind: str
    layer: int | None
    label: str
    reveals: tuple[tuple[str, int], ...]

    @property
    def is_forward(self) -> bool:
        """True for the start, forward and loss stages (values flow forward)."""
        return self.kind in FORWARD_KINDS


PENALTY_TERMS = {"l2": " + λW", "l1": " + λ·sign(W)"}


def stages(
    spec: NetworkSpec, optimiser: Optimiser = SGD, penalty: Penalty = NO_PENALTY, batch: int = 1
) -> tuple[Stage, ...]:
    """The 4L + 3 stages of one step of a network with ``spec`` on ``batch`` samples, in order; the loss and
    gradient stages of a batch name its reduction, the gradient stages the penalty's term, the update stage the
    optimiser's rule."""
    L = spec.depth
    over = f", {reduction_words(spec.reduction, batch)}" if batch > 1 else ""
    bias_grad = ", ∂L/∂b = δ" if spec.bias != "none" else ""
    term = PENALTY_TERMS[penalty.kind] if penalty.active else ""
    out = [Stage("start", 0, "Start · the input: a⁽⁰⁾ = x", (("a", 0),))]
    for l in range(1, L + 1):
        where = f"Forward · layer {l} of {L}"
        out.append(Stage("z", l, f"{where}: z = W a + b" if spec.bias != "none" else f"{where}: z = W a", (("z", l),)))
        out.append(Stage("a", l, f"{where}: a = f(z), f = {ACTIVATIONS[spec.activations[l - 1]].label}", (("a", l),)))
    out.append(Stage("loss", L, f"Loss: L = {LOSSES[spec.loss].label} of a⁽{sup(L)}⁾ and y{over}", (("loss", L),)))
    for l in range(L, 0, -1):
        where = f"Backward · layer {l} of {L}"
        rule = "δ = ∂L/∂z (output delta)" if l == L else "δ = (Wᵀδ) ⊙ f′(z)"
        out.append(Stage("delta", l, f"{where}: {rule}", (("delta", l),)))
        out.append(Stage("grad", l, f"{where}: ∂L/∂W = δ aᵀ{term}{bias_grad}{over}", (("grad", l),)))
    rule = "Update: w⁺ = w − η·∂L/∂w" if optimiser.name == "sgd" else f"Update · {optimiser.rule.label}: "
    rule += "" if optimiser.name == "sgd" else optimiser.rule.summary + ", g = ∂L/∂w"
    out.append(Stage("update", None, rule, tuple(("update", l) for l in range(1, L + 1))))
    return tuple(out)


def reduction_words(reduction: str, batch: int) -> str:
    """How a batch's losses and gradients combine, in words: "mean over the 3 samples" or "sum over the 2
    samples"."""
    return f"{'mean' if reduction == 'mean' else 'sum'} over the {batch} samples"


@dataclass(frozen=True)
class Walk:
    """Every number of one step of one sample: the network before, its trace, the network after one step of
    ``optimiser`` with the trace's gradients and ``penalty``'s (from the optimiser's ``state_before``, None for a
    fresh one; ``state_after`` is its state after the step), and the loss on the sample after it."""

    net: Network
    trace: Trace
    updated: Network
    loss_after: float
    stages: tuple[Stage, ...]
    optimiser: Optimiser = SGD
    penalty: Penalty = NO_PENALTY
    state_before: State | None = None
    state_after: State | None = None
    sample: int = 0
    _revealed_at: dict = field(repr=False, compare=False, default_factory=dict)

    def __post_init__(self):
        for index, stage in enumerate(self.stages):
            for item in stage.reveals:
                self._revealed_at[item] = index

    @property
    def grad_W(self) -> list[np.ndarray]:
        """∂L/∂W per layer as the update uses it: the trace's δ aᵀ plus the penalty's ∂Ω/∂W."""
        return [g + self.penalty.gradient(w) for g, w in zip(self.trace.grad_W, self.net.W)]

    @property
    def x(self) -> np.ndarray:
        """The shown sample's input, shape (n_0,)."""
        return self.trace.x[self.sample]

    @property
    def y(self) -> np.ndarray:
        """The shown sample's target, shape (n_L,)."""
        return self.trace.y[self.sample]

    @property
    def batch(self) -> int:
        """k, the number of samples the step takes."""
        return len(self.trace.x)

    @property
    def scale(self) -> float:
        """c of the batch reduction: 1/k for 'mean', 1 for 'sum'."""
        return 1.0 / self.batch if self.net.spec.reduction == "mean" else 1.0

    def delta(self, layer: int) -> np.ndarray:
        """δ⁽ˡ⁾ of every sample, shape (k, n_l): ∂L_s/∂z⁽ˡ⁾[s] of each sample's own loss (the trace's δ is of the
        reduced batch loss, so with 'mean' it carries c = 1/k)."""
        return self.trace.delta[layer - 1] / self.scale

    def contributions(self, layer: int) -> np.ndarray:
        """Each sample's δ⁽ˡ⁾[s] a⁽ˡ⁻¹⁾[s]ᵀ, shape (k, n_l, n_{l-1}); c times their sum is the trace's ∂L/∂W⁽ˡ⁾."""
        return np.einsum("si,sj->sij", self.delta(layer), self.trace.a[layer - 1])

    def viewing(self, sample: int) -> "Walk":
        """This walk showing sample ``sample`` (0-based, kept within the batch)."""
        return replace(self, sample=min(max(int(sample), 0), self.batch - 1))

    @property
    def sample_loss(self) -> float:
        """The shown sample's own loss L_s."""
        return float(self.trace.sample_losses[self.sample])

    def known(self, index: int, quantity: str, layer: int) -> bool:
        """True when (quantity, layer) has been computed at stage ``index`` (stage included)."""
        at = self._revealed_at.get((quantity, layer))
        return at is not None and at <= index

    def stage_of(self, kind: str, layer: int | None) -> int:
        """The index of the stage of this kind and layer."""
        for index, stage in enumerate(self.stages):
            if stage.kind == kind and stage.layer == layer:
                return index
        raise KeyError((kind, layer))


def walk(
    net: Network, x, y, optimiser: Optimiser = SGD, penalty: Penalty = NO_PENALTY, state: State | None = None
) -> Walk:
    """The whole step of the sample (x, y), or of the batch of k samples (x, y of k rows): one backprop, one
    step of ``optimiser`` from ``state`` (None: a fresh one) with ``penalty``, one forward pass. Raises
    BpvizError naming the first quantity that is not a finite number (``bpviz.engine.finite``): nothing of
    such a step is shown."""
    trace = backprop(net, x, y)
    updated, after = optimisers.step(net, trace.grad_W, trace.grad_b, None, optimiser, state, penalty)
    loss_after = batch_loss(updated, trace.x, trace.y)
    check_step(net, trace, updated, loss_after)
    stage_list = stages(net.spec, optimiser, penalty, len(trace.x))
    return Walk(net, trace, updated, loss_after, stage_list, optimiser, penalty, state, after)
