"""The operations of a computational graph: each carries its forward rule, its local derivatives
∂out/∂arg, and templates to write both as text and as LaTeX; ``fmt`` and ``wrap`` write numbers for them.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass


def fmt(v: float, latex: bool = False) -> str:
    """A number as shown on the page: at most 4 decimals, no trailing zeros, "−" for minus in text."""
    if v == 0:
        return "0"
    s = f"{v:.4g}" if abs(v) < 1e-4 or abs(v) >= 1e6 else f"{v:.4f}".rstrip("0").rstrip(".")
    return s if latex else s.replace("-", "−")


def _top_level_sum(s: str) -> bool:
    """True if ``s`` adds or subtracts outside any brackets, as in "1 − t²" (not "σ(a + b)")."""
    depth = 0
    for i, ch in enumerate(s):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and ch in "+−-" and s[i - 1 : i] == " ":
            return True
    return False


def wrap(s: str) -> str:
    """Parentheses around a negative number or a sum, so it can be multiplied."""
    return f"({s})" if s[:1] in "−-" or _top_level_sum(s) else s


def _sigmoid(a: float) -> float:
    return 1 / (1 + math.exp(-a)) if a >= 0 else math.exp(a) / (1 + math.exp(a))


def _power(a: float, p: float) -> float:
    """a^p for real a and p; a negative base needs an integer exponent, 0 a non-negative one."""
    if a < 0 and not float(p).is_integer():
        raise ValueError(f"a negative base ({fmt(a)}) has no real power {fmt(p)}: use an integer exponent")
    if a == 0 and p < 0:
        raise ValueError(f"0 to the power {fmt(p)} divides by zero")
    return a**p


def _div(a: float, b: float) -> float:
    if b == 0:
        raise ValueError("division by zero")
    return a / b


def _log(a: float) -> float:
    if a <= 0:
        raise ValueError(f"log needs a positive argument, not {fmt(a)}")
    return math.log(a)


def _power_local(a: float, p: float) -> float:
    """d(a^p)/da = p·a^(p−1), with its two special cases p = 0 and p = 1 kept exact."""
    if p in (0, 1):
        return float(p)
    if a == 0 and p < 1:
        raise ValueError(f"the derivative of a^{fmt(p)} is infinite at a = 0")
    return p * _power(a, p - 1)


@dataclass(frozen=True)
class Op:
    """One operation: its forward rule ``f(args, p)``, its local derivatives ``df(args, out, p)``
    (one ∂out/∂arg per argument) and templates to write them; ``{0}``/``{1}`` are the arguments,
    ``{out}`` the node itself, ``{p}`` the exponent and ``{q}`` the exponent minus one."""

    name: str
    symbol: str
    arity: int
    f: Callable[[Sequence[float], float | None], float]
    df: Callable[[Sequence[float], float, float | None], tuple[float, ...]]
    text: str
    latex: str
    local_text: tuple[str, ...]
    local_latex: tuple[str, ...]
    rule: str


OPS: dict[str, Op] = {
    op.name: op
    for op in (
        Op("add", "+", 2, lambda a, p: a[0] + a[1], lambda a, o, p: (1.0, 1.0),
           "{0} + {1}", "{0} + {1}", ("1", "1"), ("1", "1"),
           "an add node passes the upstream gradient to both inputs unchanged (local gradient 1)"),
        Op("mul", "×", 2, lambda a, p: a[0] * a[1], lambda a, o, p: (a[1], a[0]),
           "{0}·{1}", r"{0} \cdot {1}", ("{1}", "{0}"), ("{1}", "{0}"),
           "a multiply node sends each input the upstream gradient times the other input"),
        Op("max", "max", 2, lambda a, p: max(a[0], a[1]),
           lambda a, o, p: (1.0, 0.0) if a[0] >= a[1] else (0.0, 1.0),
           "max({0}, {1})", r"\max({0}, {1})", ("[{0} ≥ {1}]", "[{1} > {0}]"),
           (r"[{0} \geq {1}]", "[{1} > {0}]"),
           "max routes the whole upstream gradient to its larger input and 0 to the other; "
           "on a tie, all of it to the first ([a ≥ b] is 1 if true, else 0)"),
        Op("sigmoid", "σ", 1, lambda a, p: _sigmoid(a[0]), lambda a, o, p: (o * (1 - o),),
           "σ({0})", r"\sigma({0})", ("{out}·(1 − {out})",), (r"{out}\,(1 - {out})",),
           "σ′(a) = σ(a)·(1 − σ(a)): the local gradient comes from the node's own value"),
        Op("tanh", "tanh", 1, lambda a, p: math.tanh(a[0]), lambda a, o, p: (1 - o * o,),
           "tanh({0})", r"\tanh({0})", ("1 − {out}²",), ("1 - {out}^2",),
           "tanh′(a) = 1 − tanh(a)²: the local gradient comes from the node's own value"),
        Op("exp", "exp", 1, lambda a, p: math.exp(a[0]), lambda a, o, p: (o,),
           "exp({0})", "e^{{{0}}}", ("{out}",), ("{out}",),
           "exp is its own derivative: the local gradient is the node's value"),
        Op("power", "^", 1, lambda a, p: _power(a[0], p), lambda a, o, p: (_power_local(a[0], p),),
           "{0}^{p}", "{0}^{{{p}}}", ("{p}·{0}^{q}",), (r"{p}\,{0}^{{{q}}}",),
           "power rule: d(aᵖ)/da = p·aᵖ⁻¹"),
        Op("sub", "−", 2, lambda a, p: a[0] - a[1], lambda a, o, p: (1.0, -1.0),
           "{0} − {1}", "{0} - {1}", ("1", "−1"), ("1", "-1"),
           "a subtract node passes the upstream gradient to its first input and its negative to the second"),
        Op("div", "÷", 2, lambda a, p: _div(a[0], a[1]), lambda a, o, p: (1 / a[1], -a[0] / a[1] / a[1]),
           "{0}/{1}", r"\frac{{{0}}}{{{1}}}", ("1/{1}", "−{0}/{1}²"), (r"\frac{{1}}{{{1}}}", r"-\frac{{{0}}}{{{1}^2}}"),
           "a divide node sends the numerator the upstream gradient over the denominator, and the denominator "
           "minus the numerator over its square"),
        Op("neg", "−", 1, lambda a, p: -a[0], lambda a, o, p: (-1.0,),
           "−{0}", "-{0}", ("−1",), ("-1",),
           "a negate node sends the upstream gradient back with its sign flipped"),
        Op("log", "log", 1, lambda a, p: _log(a[0]), lambda a, o, p: (1 / a[0],),
           "log({0})", r"\log({0})", ("1/{0}",), (r"\frac{{1}}{{{0}}}",),
           "log′(a) = 1/a"),
        Op("relu", "relu", 1, lambda a, p: max(a[0], 0.0), lambda a, o, p: (1.0 if a[0] > 0 else 0.0,),
           "relu({0})", r"\operatorname{{relu}}({0})", ("[{0} > 0]",), ("[{0} > 0]",),
           "relu passes the upstream gradient where its input is positive and 0 elsewhere ([a > 0] is 1 if "
           "true, else 0)"),
    )
}  # fmt: skip
MENU = tuple(OPS)


def menu_label(op: str) -> str:
    """A menu entry, e.g. "mul: a·b", "power: a^p"."""
    return f"{op}: {OPS[op].text.format('a', 'b', p='p')}"
