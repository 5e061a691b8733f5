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
from bpviz.lesson.numbers import factor, number, setting


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

    def line(self, lhs: str, formula: str, result: float) -> str:
        """``lhs &= formula = result`` on one line (a short one: Adam's bias corrections)."""
        return f"{lhs} &= {formula} = {number(result, self.d)}"

    def update(self, name: str, formula: str) -> list[str]:
        """A buffer's entry: ``formula`` with the numbers, then the result on the next line."""
        return self.chain(self.buffer(name), formula, number(self.after[name], self.d))

    def result(self, rule: str, step: str) -> list[str]:
        """w⁺ = the rule in symbols = old ``step`` = new."""
        return self.chain(self.new_sym, rule, rf"{number(self.old, self.d)} {step}", number(self.new, self.d))


def _sgd(e: Entry, o: Optimiser) -> list[str]:
    return e.result(rf"{e.old_sym} - \eta\,{e.dl}", rf"- {setting(e.lr)} \cdot {e.n(e.grad)}")


def _velocity(e: Entry, o: Optimiser) -> list[str]:
    v, g, mu, lr = e.after["v"], e.n(e.grad), setting(o.momentum), setting(e.lr)
    lines = e.update("v", rf"{mu} \cdot {e.n(e.before['v'])} - {lr} \cdot {g}")
    if o.name == "momentum":
        return lines + e.result(rf"{e.old_sym} + {e.buffer('v')}", rf"+ {e.n(v)}")
    look = rf"+ {mu} \cdot {e.n(v)} - {lr} \cdot {g}"
    return lines + e.result(rf"{e.old_sym} + \mu\,{e.buffer('v')} - \eta\, g", look)


def _squares(e: Entry, o: Optimiser) -> list[str]:
    """RMSProp's running mean s or Adagrad's running sum G of g², which divides the step."""
    name, g = ("s" if o.name == "rmsprop" else "G"), e.n(e.grad)
    mixed = (rf"{setting(o.rho)} \cdot {e.n(e.before['s'])} + {setting(1 - o.rho)} \cdot {g}^2" if name == "s"
             else rf"{e.n(e.before['G'])} + {g}^2")  # fmt: skip
    lines = e.update(name, mixed)
    rule = rf"{e.old_sym} - \eta\, g / (\sqrt{{{e.buffer(name)}}} + \epsilon)"
    step = rf"- {setting(e.lr)} \cdot {g} / (\sqrt{{{e.n(e.after[name])}}} + {setting(o.eps)})"
    return lines + e.result(rule, step)


def _adam(e: Entry, o: Optimiser) -> list[str]:
    m, v, g, t = e.after["m"], e.after["v"], e.n(e.grad), e.t
    m_hat, v_hat = m / (1 - o.beta1**t), v / (1 - o.beta2**t)
    b1, b2 = setting(o.beta1), setting(o.beta2)
    lines = e.update("m", rf"{b1} \cdot {e.n(e.before['m'])} + {setting(1 - o.beta1)} \cdot {g}")
    lines += e.update("v", rf"{b2} \cdot {e.n(e.before['v'])} + {setting(1 - o.beta2)} \cdot {g}^2")
    lines += [e.line(r"\hat m", rf"{e.n(m)} / (1 - {b1}^{{{t}}})", m_hat),
              e.line(r"\hat v", rf"{e.n(v)} / (1 - {b2}^{{{t}}})", v_hat)]  # fmt: skip
    rule = rf"{e.old_sym} - \eta\, \hat m / (\sqrt{{\hat v}} + \epsilon)"
    step = rf"- {setting(e.lr)} \cdot {e.n(m_hat)} / (\sqrt{{{e.n(v_hat)}}} + {setting(o.eps)})"
    return lines + e.result(rule, step)


LINES = {"sgd": _sgd, "momentum": _velocity, "nesterov": _velocity, "rmsprop": _squares, "adagrad": _squares,
         "adam": _adam}  # fmt: skip


def lines(optimiser: Optimiser, entry: Entry) -> list[str]:
    """The aligned lines of ``entry``'s step by ``optimiser``."""
    return LINES[optimiser.name](entry, optimiser)
