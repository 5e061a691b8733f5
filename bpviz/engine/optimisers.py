"""Update rules (optimisers) and weight penalties (L1, L2): how a step turns gradients into new parameters.

Every rule works on one flat vector θ of the trainable parameters and its gradient g (the same length),
in place, with its state: buffers of θ's length and the step count t (t = 1 at the first step). η is the
learning rate. The rules, with the defaults ``Optimiser`` names (PyTorch's, but for Adagrad's ε):

    sgd        θ ← θ − η·g
    momentum   v ← μ·v − η·g;  θ ← θ + v                                      μ = 0.9
    nesterov   v ← μ·v − η·g;  θ ← θ + μ·v − η·g   (the look-ahead form)        μ = 0.9
    adagrad    G ← G + g²;  θ ← θ − η·g / (√G + ε)                              ε = 1e-8
    rmsprop    s ← ρ·s + (1 − ρ)·g²;  θ ← θ − η·g / (√s + ε)                   ρ = 0.99, ε = 1e-8
    adam       m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²
               m̂ = m / (1 − β₁ᵗ);  v̂ = v / (1 − β₂ᵗ);  θ ← θ − η·m̂ / (√v̂ + ε)   β₁ = 0.9, β₂ = 0.999, ε = 1e-8

Every buffer starts at 0. These are ``torch.optim``'s SGD (momentum μ, dampening 0, with and without
nesterov), Adagrad, RMSprop and Adam to rounding (tests/test_torch_oracle.py checks several steps to 1e-9);
momentum there keeps b = μ·b + g and steps θ ← θ − η·b, which is v = −η·b here.

A penalty adds to the data loss of every batch a term in the weights only (biases are never penalised):

    L2: Ω = (λ/2)·Σ w²,  ∂Ω/∂w = λ·w          L1: Ω = λ·Σ |w|,  ∂Ω/∂w = λ·sign(w)   (sign(0) = 0)

so the gradient the rule receives is ∂L/∂w = δ·a (the data part, from backprop) + ∂Ω/∂w.
"""

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass, fields

import numpy as np

from .errors import BpvizError
from .network import QUIET, Network, packed


@dataclass(frozen=True)
class Hyper:
    """One hyper-parameter: its field label, symbol, allowed range [low, high], what it does and the step of
    its field's +/− buttons."""

    label: str
    symbol: str
    low: float
    high: float
    meaning: str
    step: float = 0.01


HYPERS: dict[str, Hyper] = {
    "momentum": Hyper("Momentum μ", "μ", 0.0, 0.99, "how much of the last step's velocity each step keeps", 0.05),
    "beta1": Hyper("Decay β₁", "β₁", 0.0, 0.9999, "decay of the running mean of the gradient, m"),
    "beta2": Hyper("Decay β₂", "β₂", 0.0, 0.999999, "decay of the running mean of the squared gradient, v", 0.001),
    "rho": Hyper("Decay ρ", "ρ", 0.0, 0.9999, "decay of the running mean of the squared gradient, s"),
    "eps": Hyper("Epsilon ε", "ε", 1e-12, 1.0, "added to the root in the denominator, so it is never 0", 1e-8),
}


@dataclass(frozen=True)
class Rule:
    """An update rule: menu ``label``, the ``hypers`` it reads, the ``buffers`` it keeps (each as long as θ),
    its ``update(theta, g, buffers, t, lr, opt)`` in place, its equations as LaTeX lines and in one line of
    plain text (``summary``, for a stage's label)."""

    name: str
    label: str
    hypers: tuple[str, ...]
    buffers: tuple[str, ...]
    update: Callable
    latex: tuple[str, ...]
    summary: str


def _sgd(theta, g, buf, t, lr, opt) -> None:
    theta -= lr * g


def _momentum(theta, g, buf, t, lr, opt) -> None:
    v = buf["v"]
    v *= opt.momentum
    v -= lr * g
    theta += v


def _nesterov(theta, g, buf, t, lr, opt) -> None:
    v = buf["v"]
    v *= opt.momentum
    v -= lr * g
    theta += opt.momentum * v - lr * g


def _adagrad(theta, g, buf, t, lr, opt) -> None:
    G = buf["G"]
    G += g * g
    theta -= lr * g / (np.sqrt(G) + opt.eps)


def _rmsprop(theta, g, buf, t, lr, opt) -> None:
    s = buf["s"]
    s *= opt.rho
    s += (1 - opt.rho) * g * g
    theta -= lr * g / (np.sqrt(s) + opt.eps)


def _adam(theta, g, buf, t, lr, opt) -> None:
    m, v = buf["m"], buf["v"]
    m *= opt.beta1
    m += (1 - opt.beta1) * g
    v *= opt.beta2
    v += (1 - opt.beta2) * g * g
    m_hat = m / (1 - opt.beta1**t)
    v_hat = v / (1 - opt.beta2**t)
    theta -= lr * m_hat / (np.sqrt(v_hat) + opt.eps)


RULES: dict[str, Rule] = {
    r.name: r
    for r in (
        Rule("sgd", "SGD", (), (), _sgd, (r"\theta \leftarrow \theta - \eta\, g",), "w⁺ = w − η·g"),
        Rule("momentum", "SGD with momentum", ("momentum",), ("v",), _momentum,
             (r"v \leftarrow \mu v - \eta\, g", r"\theta \leftarrow \theta + v"), "v ← μv − η·g, w⁺ = w + v"),
        Rule("nesterov", "Nesterov momentum", ("momentum",), ("v",), _nesterov,
             (r"v \leftarrow \mu v - \eta\, g", r"\theta \leftarrow \theta + \mu v - \eta\, g"),
             "v ← μv − η·g, w⁺ = w + μv − η·g"),
        Rule("rmsprop", "RMSProp", ("rho", "eps"), ("s",), _rmsprop,
             (r"s \leftarrow \rho s + (1-\rho)\, g^2", r"\theta \leftarrow \theta - \eta\, g / (\sqrt{s} + \epsilon)"),
             "s ← ρs + (1 − ρ)g², w⁺ = w − η·g/(√s + ε)"),
        Rule("adam", "Adam", ("beta1", "beta2", "eps"), ("m", "v"), _adam,
             (r"m \leftarrow \beta_1 m + (1-\beta_1)\, g", r"v \leftarrow \beta_2 v + (1-\beta_2)\, g^2",
              r"\hat m = m / (1-\beta_1^t),\quad \hat v = v / (1-\beta_2^t)",
              r"\theta \leftarrow \theta - \eta\, \hat m / (\sqrt{\hat v} + \epsilon)"),
             "m, v ← running means of g and g², w⁺ = w − η·m̂/(√v̂ + ε)"),
        Rule("adagrad", "Adagrad", ("eps",), ("G",), _adagrad,
             (r"G \leftarrow G + g^2", r"\theta \leftarrow \theta - \eta\, g / (\sqrt{G} + \epsilon)"),
             "G ← G + g², w⁺ = w − η·g/(√G + ε)"),
    )
}  # fmt: skip


@dataclass(frozen=True)
class Optimiser:
    """The chosen rule and every hyper-parameter (a rule reads only its own; see ``RULES[name].hypers``)."""

    name: str = "sgd"
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    rho: float = 0.99
    eps: float = 1e-8

    def __post_init__(self):
        if self.name not in RULES:
            raise BpvizError("optimiser", f"unknown optimiser {self.name!r}; choose one of {', '.join(RULES)}")
        for f in fields(self)[1:]:
            _check_range(f.name, getattr(self, f.name), HYPERS[f.name])

    @property
    def rule(self) -> Rule:
        return RULES[self.name]

    def describe(self) -> str:
        """The rule's label with its own hyper-parameters: "Adam (β₁ = 0.9, β₂ = 0.999, ε = 1e-08)"."""
        values = ", ".join(f"{HYPERS[h].symbol} = {getattr(self, h):g}" for h in self.rule.hypers)
        return f"{self.rule.label} ({values})" if values else self.rule.label


PENALTIES = {"none": "none", "l1": "L1 (λ·Σ|w|)", "l2": "L2 ((λ/2)·Σw²)"}
MAX_PENALTY_RATE = 10.0


@dataclass(frozen=True)
class Penalty:
    """A weight penalty: ``kind`` "none", "l1" or "l2" and its rate λ ≥ 0 (biases are never penalised)."""

    kind: str = "none"
    rate: float = 0.0

    def __post_init__(self):
        if self.kind not in PENALTIES:
            raise BpvizError("regularisation", f"unknown kind {self.kind!r}; choose one of {', '.join(PENALTIES)}")
        _check_range("regularisation rate", self.rate, Hyper("Rate λ", "λ", 0.0, MAX_PENALTY_RATE, ""))

    @property
    def active(self) -> bool:
        return self.kind != "none" and self.rate > 0

    def value(self, weights) -> float:
        """Ω over the weight matrices (or one flat vector) ``weights``."""
        if not self.active:
            return 0.0
        if self.kind == "l2":
            return 0.5 * self.rate * float(sum(np.vdot(w, w) for w in weights))
        return self.rate * float(sum(np.abs(w).sum() for w in weights))

    def add_gradient(self, w: np.ndarray, grad: np.ndarray) -> None:
        """grad += ∂Ω/∂w, in place, for one weight array ``w`` and its gradient (same shape)."""
        if self.active:
            grad += self.gradient(w)

    def gradient(self, w: np.ndarray) -> np.ndarray:
        """∂Ω/∂w for the weight array ``w``: λ·w (L2), λ·sign(w) (L1), zeros without a penalty."""
        if not self.active:
            return np.zeros_like(w)
        return self.rate * (w if self.kind == "l2" else np.sign(w))

    def describe(self) -> str:
        return "no regularisation" if not self.active else f"{self.kind.upper()}, λ = {self.rate:g}"


def _check_range(name: str, value, h: Hyper) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise BpvizError(name, f"{value!r} is not a finite number")
    if not h.low <= value <= h.high:
        raise BpvizError(name, f"{value!r}; choose {h.symbol} from {h.low:g} to {h.high:g}")


SGD = Optimiser()  # the defaults of every way in: plain SGD, no penalty
NO_PENALTY = Penalty()


@dataclass
class State:
    """An optimiser's memory between steps: ``t`` steps taken and one buffer per name of its rule."""

    t: int
    buffers: dict[str, np.ndarray]

    @classmethod
    def fresh(cls, opt: Optimiser, size: int) -> "State":
        return cls(0, {name: np.zeros(size) for name in opt.rule.buffers})

    def copy(self) -> "State":
        return State(self.t, {k: v.copy() for k, v in self.buffers.items()})


def apply(opt: Optimiser, theta: np.ndarray, g: np.ndarray, state: State, lr: float) -> None:
    """One step of ``opt`` on the flat parameters ``theta`` with gradient ``g``, both (n,), in place;
    ``state`` (made by ``State.fresh(opt, n)``) moves on one step."""
    state.t += 1
    opt.rule.update(theta, g, state.buffers, state.t, lr, opt)


def step(
    net: Network,
    grad_W: list[np.ndarray],
    grad_b: list[np.ndarray],
    learning_rate: float | None = None,
    optimiser: Optimiser = SGD,
    state: State | None = None,
    penalty: Penalty = NO_PENALTY,
) -> tuple[Network, State]:
    """(the network after one step, the optimiser's state after it) from the data gradients of ``net``'s
    weights before the step (grad_W, grad_b: the parameters' shapes). ∂Ω/∂w of ``penalty`` is added to the
    weights' gradients; each trainable parameter is updated exactly once; biases change only in bias mode
    'learned'. ``state`` (None: a fresh one) is not changed: the state after the step is a new one, so the
    one before can be kept (Undo)."""
    lr = net.spec.learning_rate if learning_rate is None else learning_rate
    n, n_w = net.n_trainable(), net.n_weights()
    theta = net.flat()
    g = np.concatenate([np.ravel(x) for x in (*grad_W, *grad_b)]).astype(float)
    after = State.fresh(optimiser, n) if state is None else state.copy()
    with np.errstate(**QUIET):
        penalty.add_gradient(theta[:n_w], g[:n_w])
        apply(optimiser, theta[:n], g[:n], after, lr)
    W, b = packed(net.spec, theta)
    return Network(net.spec, W, b), after
