"""The update of one parameter by each optimiser, with its numbers: the lines of an aligned LaTeX block.

SGD is one chain, w⁺ = w − η·∂L/∂w = numbers = result. The others first update their buffers' entries for
this parameter (before → after, from the walk's optimiser state), then the parameter:

    momentum   v_w = μ·v − η·g;  w⁺ = w + v_w
    nesterov   v_w = μ·v − η·g;  w⁺ = w + μ·v_w − η·g
    rmsprop    s_w = ρ·s + (1 − ρ)·g²;  w⁺ = w − η·g / (√s_w + ε)
    adagrad    G_w = G + g²;  w⁺ = w − η·g / (√G_w + ε)
    adam       m_w = β₁·m + (1 − β₁)·g;  v_w = β₂·v + (1 − β₂)·g²;  m̂ = m_w/(1 − β₁ᵗ);  v̂ = v_w/(1 − β₂ᵗ);
               w⁺ = w − η·m̂ / (√v̂ + ε)

Every result (the buffers after, m̂ and v̂ from them, w⁺) is the engine's; the lines only write them out.
"""

from dataclasses import dataclass

from bpviz.engine.optimisers import Optimiser
from bpviz.lesson.numbers import factor, number


@dataclass(frozen=True)
class Entry:
    """One parameter's step: its symbols before and after (``old_sym``, ``new_sym``), ∂L/∂ of it in LaTeX
    (``dl``), its value ``old``, gradient ``grad`` and value ``new``; the rate η, the decimals ``d``; its entry
    of each buffer ``before`` and ``after`` the step, and the step count ``t`` after it."""

    old_sym: str
    new_sym: str
    dl: str
    old: float
    grad: float
    new: float
    lr: float
    d: int
    before: dict
    after: dict
    t: int

    def n(self, value: float) -> str:
        return factor(value, self.d)

    def buffer(self, name: str) -> str:
        """A buffer's entry for this parameter, v_{w_5}."""
        return rf"{name}_{{{self.old_sym}}}"

    def chain(self, lhs: str, *steps: str) -> list[str]:
        """``lhs &= step`` then ``&= step``: one "=" a line."""
        return [f"{lhs} &= {steps[0]}", *(f"&= {s}" for s in steps[1:])]

    def result(self, rule: str, step: str) -> list[str]:
        """w⁺ = the rule in symbols = old ``step`` = new."""
        return self.chain(self.new_sym, rule, rf"{number(self.old, self.d)} {step}", number(self.new, self.d))


def _sgd(e: Entry, o: Optimiser) -> list[str]:
    return e.result(rf"{e.old_sym} - \eta\,{e.dl}", rf"- {e.lr:g} \cdot {e.n(e.grad)}")


def _velocity(e: Entry, o: Optimiser) -> list[str]:
    v, g = e.after["v"], e.n(e.grad)
    lines = e.chain(e.buffer("v"), rf"{o.momentum:g} \cdot {e.n(e.before['v'])} - {e.lr:g} \cdot {g}", number(v, e.d))
    if o.name == "momentum":
        return lines + e.result(rf"{e.old_sym} + {e.buffer('v')}", rf"+ {e.n(v)}")
    look = rf"+ {o.momentum:g} \cdot {e.n(v)} - {e.lr:g} \cdot {g}"
    return lines + e.result(rf"{e.old_sym} + \mu\,{e.buffer('v')} - \eta\, g", look)


def _squares(e: Entry, o: Optimiser) -> list[str]:
    """RMSProp's running mean s or Adagrad's running sum G of g², which divides the step."""
    name, g = ("s" if o.name == "rmsprop" else "G"), e.n(e.grad)
    mixed = (rf"{o.rho:g} \cdot {e.n(e.before['s'])} + {1 - o.rho:.4g} \cdot {g}^2" if name == "s"
             else rf"{e.n(e.before['G'])} + {g}^2")  # fmt: skip
    lines = e.chain(e.buffer(name), mixed, number(e.after[name], e.d))
    rule = rf"{e.old_sym} - \eta\, g / (\sqrt{{{e.buffer(name)}}} + \epsilon)"
    return lines + e.result(rule, rf"- {e.lr:g} \cdot {g} / (\sqrt{{{e.n(e.after[name])}}} + {o.eps:g})")


def _adam(e: Entry, o: Optimiser) -> list[str]:
    m, v, g, t = e.after["m"], e.after["v"], e.n(e.grad), e.t
    m_hat, v_hat = m / (1 - o.beta1**t), v / (1 - o.beta2**t)
    lines = e.chain(e.buffer("m"), rf"{o.beta1:g} \cdot {e.n(e.before['m'])} + {1 - o.beta1:.4g} \cdot {g}",
                    number(m, e.d))  # fmt: skip
    lines += e.chain(e.buffer("v"), rf"{o.beta2:g} \cdot {e.n(e.before['v'])} + {1 - o.beta2:.4g} \cdot {g}^2",
                     number(v, e.d))  # fmt: skip
    lines += e.chain(r"\hat m", rf"{e.n(m)} / (1 - {o.beta1:g}^{{{t}}})", number(m_hat, e.d))
    lines += e.chain(r"\hat v", rf"{e.n(v)} / (1 - {o.beta2:g}^{{{t}}})", number(v_hat, e.d))
    rule = rf"{e.old_sym} - \eta\, \hat m / (\sqrt{{\hat v}} + \epsilon)"
    return lines + e.result(rule, rf"- {e.lr:g} \cdot {e.n(m_hat)} / (\sqrt{{{e.n(v_hat)}}} + {o.eps:g})")


LINES = {"sgd": _sgd, "momentum": _velocity, "nesterov": _velocity, "rmsprop": _squares, "adagrad": _squares,
         "adam": _adam}  # fmt: skip


def lines(optimiser: Optimiser, entry: Entry) -> list[str]:
    """The aligned lines of ``entry``'s step by ``optimiser``."""
    return LINES[optimiser.name](entry, optimiser)
