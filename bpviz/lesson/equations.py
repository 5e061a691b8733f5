"""The equations of one node, edge or bias at one stage, with the live numbers plugged in (LaTeX).

Notation (layer l = 1..L, neurons and inputs numbered from 1 as on the diagram):

    z^{(l)}_i = Σ_j w^{(l)}_{i,j} a^{(l-1)}_j + b^{(l)}_i      a^{(l)}_i = f(z^{(l)}_i)      a^{(0)} = x
    δ^{(l)}_i = ∂L/∂z^{(l)}_i = f'(z^{(l)}_i) · Σ_k w^{(l+1)}_{k,i} δ^{(l+1)}_k          (hidden layers)
    ∂L/∂w^{(l)}_{i,j} = δ^{(l)}_i a^{(l-1)}_j     ∂L/∂b^{(l)}_i = δ^{(l)}_i     w⁺ = w − η ∂L/∂w

``w^{(l)}_{i,j}`` is ``W[l-1][i-1, j-1]``: from neuron j of layer l-1 to neuron i of layer l.
Every result comes from the engine (the ``Walk``'s trace and updated network); the
terms of a sum are the engine's numbers written out, capped at ``MAX_TERMS`` terms
("… (n more)") while the result stays exact. A quantity not computed yet at the
stage has ``latex=None``.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bpviz.engine.activations import ACTIVATIONS, Activation
from bpviz.engine.losses import LOSSES, Fused
from bpviz.engine.spec import NetworkSpec
from bpviz.lesson.numbers import factor, number

from .selection import element_label
from .stages import Stage, Walk

MAX_TERMS = 8
LINE_BREAK = r" \\ &\qquad"  # continues a long sum on the next line of an aligned block



@dataclass(frozen=True)
class Equation:
    """One quantity of the selected element: ``latex`` (an aligned block: formula, numbers,
    result) or None when not computed yet at the stage; ``value`` is the engine's result;
    ``current`` marks the quantity the current stage computes."""

    quantity: str
    title: str
    latex: str | None
    value: float | None
    current: bool = False


@dataclass(frozen=True)
class Explanation:
    """A heading for the selected element and its equations in the order they are computed."""

    title: str
    equations: tuple[Equation, ...]


# ----------------------------------------------------------------------------- formatting


def capped_sum(count: int, term: Callable[[int], str], per_line: int = 0) -> str:
    """term(0) + term(1) + … for the first ``MAX_TERMS`` of ``count`` terms, then "… (n more)".

    With ``per_line`` > 0 a new aligned line starts after every ``per_line`` terms, so a
    long sum stays inside a narrow panel (use it only inside an ``aligned`` block).
    """
    shown = [term(j) for j in range(min(count, MAX_TERMS))]
    if count > MAX_TERMS:
        shown.append(rf"\dots\ \text{{({count - MAX_TERMS} more)}}")
    out = shown[0] if shown else "0"
    for n, t in enumerate(shown[1:], start=1):
        out += (LINE_BREAK if per_line and n % per_line == 0 else "") + " + " + t
    return out


def terms_per_line(decimals: int) -> int:
    """How many products fit on one line of the equation panel at ``decimals`` decimals."""
    return 2 if decimals <= 5 else 1


def sym(letter: str, layer: int, *index: int, mark: str = "") -> str:
    """``letter^{(layer)mark}_{i,j}`` with 0-based indices shown 1-based: sym("w", 2, 0, 1) -> w^{(2)}_{1,2},
    sym("w", 2, 0, 1, mark="+") -> w^{(2)+}_{1,2} (the value after the update)."""
    return rf"{letter}^{{({layer}){mark}}}_{{{','.join(str(i + 1) for i in index)}}}"


def aligned(*lines: str) -> str:
    r"""Lines joined as ``\begin{aligned} … \end{aligned}``; each line holds one ``&=``."""
    return r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}"


DL = r"\frac{\partial L}{\partial "  # followed by the symbol and a closing brace
DELTA = r"\delta"


# ----------------------------------------------------------------------------- the stage's general equation


def stage_latex(spec: NetworkSpec, stage: Stage) -> str:
    """The equation the stage evaluates for a whole layer, without numbers."""
    L, l = spec.depth, stage.layer
    if stage.kind == "start":
        return r"a^{(0)} = x"
    if stage.kind == "z":
        bias = rf" + b^{{({l})}}" if spec.bias != "none" else ""
        return rf"z^{{({l})}} = W^{{({l})}} a^{{({l - 1})}}{bias}"
    if stage.kind == "a":
        act = ACTIVATIONS[spec.activations[l - 1]]
        return rf"a^{{({l})}} = f(z^{{({l})}}), \quad f(z) = {act.latex}"
    if stage.kind == "loss":
        return rf"L = {LOSSES[spec.loss].latex}, \quad a = a^{{({L})}}"
    if stage.kind == "delta":
        return _output_delta_rule(spec) if l == L else _hidden_delta_rule(l)
    if stage.kind == "grad":
        bias = rf", \quad {DL}b^{{({l})}}}} = \delta^{{({l})}}" if spec.bias != "none" else ""
        return rf"{DL}W^{{({l})}}}} = \delta^{{({l})}} \left(a^{{({l - 1})}}\right)^{{\!\top}}{bias}"
    lr = rf"\eta = {spec.learning_rate:g}"
    if spec.bias == "learned":
        return rf"W^{{+}} = W - \eta\,{DL}W}}, \quad b^{{+}} = b - \eta\,{DL}b}}, \quad {lr}"
    kept = r"\ \text{(biases frozen)}" if spec.bias == "frozen" else ""
    return rf"W^{{+}} = W - \eta\,{DL}W}}, \quad {lr}{kept}"


def _hidden_delta_rule(l: int) -> str:
    return rf"\delta^{{({l})}} = \left((W^{{({l + 1})}})^{{\!\top}} \delta^{{({l + 1})}}\right) \odot f'(z^{{({l})}})"


def _output_delta_rule(spec: NetworkSpec) -> str:
    L, act, mean = spec.depth, ACTIVATIONS[spec.activations[-1]], _mean_factor(spec)
    if LOSSES[spec.loss].fused is not None:
        return rf"\delta^{{({L})}} = {mean}\left(a^{{({L})}} - y\right)"
    if act.slope is None:
        return rf"\delta^{{({L})}} = {mean}a \odot \left(g - (g^{{\!\top}} a)\right), \quad g = {DL}a}}"
    return rf"\delta^{{({L})}} = {mean}{DL}a^{{({L})}}}} \odot f'(z^{{({L})}})"


# ----------------------------------------------------------------------------- one element


def explain(w: Walk, index: int, selected: Sequence | None, decimals: int = 4) -> Explanation:
    """The equations of the selected ("node", l, i), ("edge", k, i, j) or ("bias", k, i) at stage ``index``."""
    if selected is None:
        return Explanation("Nothing selected", ())
    kind = selected[0]
    if kind == "node":
        return _node(w, index, selected[1], selected[2], decimals)
    if kind == "edge":
        return _edge(w, index, selected[1], selected[2], selected[3], decimals)
    if kind == "bias":
        return _bias(w, index, selected[1], selected[2], decimals)
    raise ValueError(f"unknown selection {selected!r}")


def _equation(w: Walk, index: int, quantity: str, layer: int, title: str, build: Callable[[], tuple[str, float]]):
    """An Equation that is built only when (quantity, layer) is known at stage ``index``."""
    stage = w.stages[index]
    current = (quantity, layer) in stage.reveals
    if not w.known(index, quantity, layer):
        return Equation(quantity, title, None, None, False)
    latex, value = build()
    return Equation(quantity, title, latex, float(value), current)


def _node(w: Walk, index: int, l: int, i: int, d: int) -> Explanation:
    spec, t = w.net.spec, w.trace
    title = element_label(spec, ("node", l, i))
    if l == 0:
        x = t.x[0, i]
        eq = _equation(w, index, "a", 0, "Input", lambda: (rf"{sym('a', 0, i)} = x_{{{i + 1}}} = {number(x, d)}", x))
        return Explanation(title, (eq,))
    eqs = [
        _equation(w, index, "z", l, "Weighted input z", lambda: _z_latex(w, l, i, d)),
        _equation(w, index, "a", l, "Activation a", lambda: _a_latex(w, l, i, d)),
    ]
    if l == spec.depth:
        eqs.append(_equation(w, index, "loss", l, "Loss of this sample", lambda: _loss_latex(w, d)))
        eqs.append(_equation(w, index, "delta", l, "Output delta δ = ∂L/∂z", lambda: _output_delta_latex(w, i, d)))
    else:
        eqs.append(_equation(w, index, "delta", l, "Delta δ = ∂L/∂z", lambda: _hidden_delta_latex(w, l, i, d)))
    return Explanation(title, tuple(eqs))


def _z_latex(w: Walk, l: int, i: int, d: int) -> tuple[str, float]:
    W, b, a_prev = w.net.W[l - 1], w.net.b[l - 1], w.trace.a[l - 1][0]
    has_bias = w.net.spec.bias != "none"
    z = w.trace.z[l - 1][0, i]
    general = rf"\sum_j w^{{({l})}}_{{{i + 1},j}}\, a^{{({l - 1})}}_j"
    terms = capped_sum(len(a_prev), lambda j: rf"{factor(W[i, j], d)} \cdot {factor(a_prev[j], d)}", terms_per_line(d))
    if has_bias:
        general += f" + {sym('b', l, i)}"
        terms += f" + {factor(b[i], d)}"
    return aligned(rf"{sym('z', l, i)} &= {general}", f"&= {terms}", f"&= {number(z, d)}"), z


def _a_latex(w: Walk, l: int, i: int, d: int) -> tuple[str, float]:
    apply = ACTIVATIONS[w.net.spec.activations[l - 1]].apply
    z, a = w.trace.z[l - 1][0], w.trace.a[l][0, i]
    lhs = sym("a", l, i)
    if apply is None:  # softmax: its component written out
        general = rf"\frac{{e^{{{sym('z', l, i)}}}}}{{\sum_k e^{{z^{{({l})}}_k}}}}"
        denominator = capped_sum(len(z), lambda k: f"e^{{{number(z[k], d)}}}")
        numbers = rf"\frac{{e^{{{number(z[i], d)}}}}}{{{denominator}}}"
        return aligned(f"{lhs} &= {general}", f"&= {numbers}", f"&= {number(a, d)}"), a
    return aligned(rf"{lhs} &= {apply(sym('z', l, i))} = {apply(number(z[i], d))}", f"&= {number(a, d)}"), a


def _loss_latex(w: Walk, d: int) -> tuple[str, float]:
    spec, L = w.net.spec, w.net.spec.depth
    a, y = w.trace.a[L][0], w.y
    loss, n = LOSSES[spec.loss], len(a)
    numbers = loss.written(capped_sum(n, lambda j: loss.term(factor(a[j], d), factor(y[j], d)), 2), n)
    lines = [f"L &= {_loss_general(spec)}", f"&= {numbers}", f"&= {number(w.trace.loss, d)}"]
    return aligned(*lines), w.trace.loss


def _loss_general(spec: NetworkSpec) -> str:
    return LOSSES[spec.loss].latex.replace("a_j", rf"a^{{({spec.depth})}}_j")


def _mean_factor(spec: NetworkSpec) -> str:
    """The 1/B of reduction 'mean' in front of an output delta; "" for 'sum'."""
    return r"\tfrac{1}{B}\," if spec.reduction == "mean" else ""


def _mean_note(spec: NetworkSpec) -> str:
    """The 1/B factor of reduction 'mean' (B = 1: one sample), written so the reader sees it."""
    return r"\quad \left(\tfrac{1}{B} = 1 \text{ for } B = 1 \text{ sample}\right)" if spec.reduction == "mean" else ""


def _output_terms(spec: NetworkSpec, i: int) -> tuple[str, str, str, str]:
    """(the 1/B factor of 'mean' or "", δ_i, a_i and y_i of the output layer) in LaTeX."""
    L = spec.depth
    return _mean_factor(spec), sym(DELTA, L, i), sym("a", L, i), f"y_{{{i + 1}}}"


def _output_delta_latex(w: Walk, i: int, d: int) -> tuple[str, float]:
    spec, t = w.net.spec, w.trace
    loss = LOSSES[spec.loss]
    if loss.fused is not None:
        return _fused_delta_latex(w, loss.fused, i, d)
    L = spec.depth
    z, a, y = t.z[L - 1], t.a[L], t.y
    delta = t.delta[L - 1][0, i]
    mean, lhs, a_i, y_i = _output_terms(spec, i)
    n = str(a.shape[1])
    g = loss.grad(a, y)[0]
    slope = loss.slope
    g_line = rf"{DL}{a_i}}} &= {slope(a_i, y_i, n)} = {slope(factor(a[0, i], d), factor(y[0, i], d), n)}"
    g_line += f" = {number(g[i], d)}"
    act = ACTIVATIONS[spec.activations[-1]]
    if act.slope is None:  # softmax: the Jacobian-vector product
        ga = float(np.sum(g * a[0]))
        ga_terms = capped_sum(len(g), lambda k: rf"{factor(g[k], d)} \cdot {factor(a[0, k], d)}", terms_per_line(d))
        lines = [
            rf"{lhs} &= {mean}{a_i}\left(g_{{{i + 1}}} - \sum_k g_k a^{{({L})}}_k\right), \quad g = {DL}a}}"
            + _mean_note(spec),
            g_line,
            rf"\sum_k g_k a^{{({L})}}_k &= {ga_terms} = {number(ga, d)}",
            rf"{lhs} &= {factor(a[0, i], d)} \cdot \left({factor(g[i], d)} - {factor(ga, d)}\right)",
            f"&= {number(delta, d)}",
        ]
        return aligned(*lines), delta
    slope_value = act.df(z, a)[0, i]
    z_i = sym("z", L, i)
    lines = [
        rf"{lhs} &= {mean}{DL}{a_i}}} \cdot f'({z_i}){_mean_note(spec)}",
        g_line,
        _slope_line(act, z_i, a_i, z[0, i], a[0, i], slope_value, d),
        rf"{lhs} &= {factor(g[i], d)} \cdot {factor(slope_value, d)} = {number(delta, d)}",
    ]
    return aligned(*lines), delta


def _fused_delta_latex(w: Walk, fused: Fused, i: int, d: int) -> tuple[str, float]:
    """δ_i = a_i·s(y) − y_i of a loss fused with its output activation: a_i − y_i, or the general form the
    engine uses when this sample's s(y) is not 1."""
    spec, t = w.net.spec, w.trace
    L = spec.depth
    a, y, delta = t.a[L], t.y, t.delta[L - 1][0, i]
    mean, lhs, a_i, y_i = _output_terms(spec, i)
    scale = float(fused.scale(y)[0, 0])
    if abs(scale - 1.0) > 1e-12:
        lines = [
            rf"{lhs} &= {mean}\left({a_i} {fused.scale_latex} - {y_i}\right){_mean_note(spec)}",
            rf"&= {factor(a[0, i], d)} \cdot {factor(scale, d)} - {factor(y[0, i], d)}",
            rf"&= {number(delta, d)} \quad \text{{({fused.scale_note})}}",
        ]
        return aligned(*lines), delta
    lines = [
        rf"{lhs} &= {mean}\left({a_i} - {y_i}\right){_mean_note(spec)}",
        rf"&= {number(a[0, i], d)} - {factor(y[0, i], d)}",
        f"&= {number(delta, d)}",
    ]
    return aligned(*lines), delta


def _hidden_delta_latex(w: Walk, l: int, i: int, d: int) -> tuple[str, float]:
    spec, t = w.net.spec, w.trace
    W_next, delta_next = w.net.W[l], t.delta[l][0]
    z, a = t.z[l - 1], t.a[l]
    act = ACTIVATIONS[spec.activations[l - 1]]
    back = float(W_next[:, i] @ delta_next)
    slope_value = act.df(z, a)[0, i]
    delta = t.delta[l - 1][0, i]
    lhs, z_i, a_i = sym(DELTA, l, i), sym("z", l, i), sym("a", l, i)
    terms = capped_sum(
        len(delta_next), lambda k: rf"{factor(W_next[k, i], d)} \cdot {factor(delta_next[k], d)}", terms_per_line(d)
    )
    general_sum = rf"\sum_k w^{{({l + 1})}}_{{k,{i + 1}}} \delta^{{({l + 1})}}_k"
    lines = [
        rf"{lhs} &= f'({z_i}) \cdot {general_sum}",
        _slope_line(act, z_i, a_i, z[0, i], a[0, i], slope_value, d),
        rf"{general_sum} &= {terms} = {number(back, d)}",
        rf"{lhs} &= {factor(slope_value, d)} \cdot {factor(back, d)} = {number(delta, d)}",
    ]
    return aligned(*lines), delta


def _slope_line(act: Activation, z_sym: str, a_sym: str, z: float, a: float, slope: float, d: int) -> str:
    """f'(z) in symbols, then with the numbers z and a, then its value: one line of an aligned block."""
    return rf"f'({z_sym}) &= {act.slope(z_sym, a_sym)} = {act.slope(factor(z, d), factor(a, d))} = {number(slope, d)}"


def _heading(text: str) -> str:
    return text[:1].upper() + text[1:]


def _update_line(old: float, lr: float, grad: float, new: float, d: int) -> str:
    return rf"&= {number(old, d)} - {lr:g} \cdot {factor(grad, d)} = {number(new, d)}"


def _edge(w: Walk, index: int, k: int, i: int, j: int, d: int) -> Explanation:
    spec, t, l = w.net.spec, w.trace, k + 1
    w_sym, old = sym("w", l, i, j), w.net.W[k][i, j]
    grad, new = t.grad_W[k][i, j], w.updated.W[k][i, j]

    def gradient() -> tuple[str, float]:
        rule = rf"{DL}{w_sym}}} &= {sym(DELTA, l, i)} \cdot {sym('a', k, j)}"
        values = rf"&= {factor(t.delta[k][0, i], d)} \cdot {factor(t.a[k][0, j], d)} = {number(grad, d)}"
        return aligned(rule, values), grad

    def update() -> tuple[str, float]:
        rule = rf"{sym('w', l, i, j, mark='+')} &= {w_sym} - \eta\,{DL}{w_sym}}}"
        return aligned(rule, _update_line(old, spec.learning_rate, grad, new, d)), new

    eqs = (
        Equation("value", "Weight before the step", rf"{w_sym} = {number(old, d)}", float(old)),
        _equation(w, index, "grad", l, "Gradient ∂L/∂w", gradient),
        _equation(w, index, "update", l, "Update w⁺ = w − η·∂L/∂w", update),
    )
    return Explanation(_heading(element_label(spec, ("edge", k, i, j))), eqs)


def _bias(w: Walk, index: int, k: int, i: int, d: int) -> Explanation:
    spec, t, l = w.net.spec, w.trace, k + 1
    b_sym, b_plus, old = sym("b", l, i), sym("b", l, i, mark="+"), w.net.b[k][i]
    grad, new = t.grad_b[k][i], w.updated.b[k][i]
    frozen = spec.bias == "frozen"

    def gradient() -> tuple[str, float]:
        return rf"{DL}{b_sym}}} = {sym(DELTA, l, i)} = {number(grad, d)}", grad

    def update() -> tuple[str, float]:
        if frozen:
            kept = r"\quad \text{(frozen: the gradient is not applied)}"
            return rf"{b_plus} = {b_sym} = {number(new, d)} {kept}", new
        rule = rf"{b_plus} &= {b_sym} - \eta\,{DL}{b_sym}}}"
        return aligned(rule, _update_line(old, spec.learning_rate, grad, new, d)), new

    eqs = (
        Equation("value", "Bias before the step", rf"{b_sym} = {number(old, d)}", float(old)),
        _equation(w, index, "grad", l, "Gradient ∂L/∂b", gradient),
        _equation(w, index, "update", l, "Update b⁺ = b − η·∂L/∂b", update),
    )
    return Explanation(_heading(element_label(spec, ("bias", k, i))) + (" (frozen)" if frozen else ""), eqs)
