"""The equations of one node, edge or bias at one stage, with the live numbers plugged in (LaTeX).

Notation (layer l = 1..L, neurons and inputs numbered from 1 as on the diagram):

    z^{(l)}_i = Σ_j w^{(l)}_{i,j} a^{(l-1)}_j + b^{(l)}_i      a^{(l)}_i = f(z^{(l)}_i)      a^{(0)} = x
    δ^{(l)}_i = ∂L/∂z^{(l)}_i = f'(z^{(l)}_i) · Σ_k w^{(l+1)}_{k,i} δ^{(l+1)}_k          (hidden layers)
    ∂L/∂w^{(l)}_{i,j} = δ^{(l)}_i a^{(l-1)}_j     ∂L/∂b^{(l)}_i = δ^{(l)}_i     w⁺ = w − η ∂L/∂w

``w^{(l)}_{i,j}`` is ``W[l-1][i-1, j-1]``: from neuron j of layer l-1 to neuron i of layer l; with a worked
example's own names (``Names``) the symbols are its source's (net_{h1}, out_{h1}, w_5, E_{total}). Every
result comes from the engine (the ``Walk``'s trace and updated network); the terms of a sum are the engine's
numbers written out, capped at ``MAX_TERMS`` terms ("… (n more)") while the result stays exact. Each "=" of a
chain starts a line of its own (the symbols, then the numbers, then the result), so an equation stays as
narrow as its widest step. A quantity not computed yet at the stage has ``latex=None``.

A step of a batch of k samples writes the shown sample's (``Walk.sample``, s = 1..k) z, a, loss and δ, the δ
being of that sample's own loss, and writes the batch's loss and gradients as the reduction of the samples'
terms with their numbers, c = 1/k for 'mean' or 1 for 'sum' (see ``bpviz.lesson.stages``):

    L = c (L[1] + … + L[k])     ∂L/∂w^{(l)}_{i,j} = c (δ^{(l)}_i[1] a^{(l-1)}_j[1] + … + δ^{(l)}_i[k] a^{(l-1)}_j[k])
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bpviz.engine.activations import ACTIVATIONS, Activation
from bpviz.engine.losses import LOSSES, Fused
from bpviz.engine.network import flat_index
from bpviz.engine.optimisers import NO_PENALTY, SGD, Optimiser, Penalty
from bpviz.engine.spec import NetworkSpec
from bpviz.lesson.numbers import factor, number, setting

from . import updates
from .names import Names
from .selection import element_label
from .stages import Stage, Walk, reduction_words

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


def aligned(*lines: str) -> str:
    r"""Lines joined as ``\begin{aligned} … \end{aligned}``; each line holds one ``&=``."""
    return r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}"


DL = r"\frac{\partial L}{\partial "  # followed by the symbol and a closing brace (the layer-wide rules)


# ----------------------------------------------------------------------------- the stage's general equation


def stage_latex(
    spec: NetworkSpec,
    stage: Stage,
    names: Names | None = None,
    optimiser: Optimiser = SGD,
    penalty: Penalty = NO_PENALTY,
    batch: int = 1,
) -> str:
    """The equation the stage evaluates for a whole layer, without numbers (the loss named as ``names`` do;
    the gradient with ``penalty``'s term, the update by ``optimiser``'s rule; a batch of ``batch`` > 1 samples
    sums each sample's loss and δ aᵀ with its reduction's factor)."""
    L, l = spec.depth, stage.layer
    if batch > 1 and stage.kind in ("loss", "grad", "delta"):
        return _batch_rule(spec, stage, batch, penalty)
    loss = (names or Names(spec)).loss_tex
    if stage.kind == "start":
        return r"a^{(0)} = x"
    if stage.kind == "z":
        bias = rf" + b^{{({l})}}" if spec.bias != "none" else ""
        return rf"z^{{({l})}} = W^{{({l})}} a^{{({l - 1})}}{bias}"
    if stage.kind == "a":
        act = ACTIVATIONS[spec.activations[l - 1]]
        return rf"a^{{({l})}} = f(z^{{({l})}}), \quad f(z) = {act.latex}"
    if stage.kind == "loss":
        return rf"{loss} = {LOSSES[spec.loss].latex}, \quad a = a^{{({L})}}"
    if stage.kind == "delta":
        return _output_delta_rule(spec) if l == L else _hidden_delta_rule(l)
    if stage.kind == "grad":
        bias = rf", \quad {DL}b^{{({l})}}}} = \delta^{{({l})}}" if spec.bias != "none" else ""
        term = _penalty_term(penalty, rf"W^{{({l})}}")
        rate = rf", \quad \lambda = {setting(penalty.rate)}" if penalty.active else ""
        return rf"{DL}W^{{({l})}}}} = \delta^{{({l})}} \left(a^{{({l - 1})}}\right)^{{\!\top}}{term}{bias}{rate}"
    lr = rf"\eta = {setting(spec.learning_rate)}"
    if optimiser.name != "sgd":
        kept = r"\ \text{(biases frozen)}" if spec.bias == "frozen" else ""
        hypers = "".join(rf", \ {HYPER_TEX[h]} = {setting(getattr(optimiser, h))}" for h in optimiser.rule.hypers)
        return rule_latex(optimiser, rf"g = {DL}\theta}}, \quad {lr}{hypers}{kept}")
    if spec.bias == "learned":
        return rf"W^{{+}} = W - \eta\,{DL}W}}, \quad b^{{+}} = b - \eta\,{DL}b}}, \quad {lr}"
    kept = r"\ \text{(biases frozen)}" if spec.bias == "frozen" else ""
    return rf"W^{{+}} = W - \eta\,{DL}W}}, \quad {lr}{kept}"


def _batch_rule(spec: NetworkSpec, stage: Stage, k: int, penalty: Penalty) -> str:
    """The loss, δ and gradient rules of a batch step: each sample's own δ, then c Σ_s over the k samples."""
    L, l, c = spec.depth, stage.layer, _batch_factor(spec, k)
    if stage.kind == "loss":
        return rf"L = {c}\sum_{{s=1}}^{{{k}}} L[s], \quad L[s] = {LOSSES[spec.loss].latex}"
    if stage.kind == "delta":
        rule = _output_delta_rule(spec, batch=k) if l == L else _hidden_delta_rule(l)
        return rf"{rule} \quad \text{{for each sample s}}"
    bias = rf", \quad {DL}b^{{({l})}}}} = {c}\sum_s \delta^{{({l})}}[s]" if spec.bias != "none" else ""
    term = _penalty_term(penalty, rf"W^{{({l})}}")
    each = rf"\delta^{{({l})}}[s] \left(a^{{({l - 1})}}[s]\right)^{{\!\top}}"
    return rf"{DL}W^{{({l})}}}} = {c}\sum_{{s=1}}^{{{k}}} {each}{term}{bias}"


def _batch_factor(spec: NetworkSpec, k: int) -> str:
    """c of the reduction in front of a batch's sum: "\tfrac{1}{3}" for 'mean' over 3 samples, "" for 'sum'."""
    return rf"\tfrac{{1}}{{{k}}}" if spec.reduction == "mean" else ""


def rule_latex(optimiser: Optimiser, last: str) -> str:
    """The optimiser's update equations two to a row (Adam's four in one row run past a pane of a 1280 px
    window), then the row ``last`` (what g is, the settings)."""
    rules = optimiser.rule.latex
    rows = [r",\quad ".join(rules[i : i + 2]) for i in range(0, len(rules), 2)]
    return r"\begin{gathered}" + r" \\ ".join([*rows, last]) + r"\end{gathered}"


HYPER_TEX = {"momentum": r"\mu", "beta1": r"\beta_1", "beta2": r"\beta_2", "rho": r"\rho", "eps": r"\epsilon"}


def _penalty_term(penalty: Penalty, w: str) -> str:
    """ " + λ w" (L2) or " + λ sign(w)" (L1) for the weight symbol ``w``; "" without a penalty."""
    if not penalty.active:
        return ""
    return rf" + \lambda {w}" if penalty.kind == "l2" else rf" + \lambda\,\operatorname{{sign}}({w})"


def _hidden_delta_rule(l: int) -> str:
    return rf"\delta^{{({l})}} = \left((W^{{({l + 1})}})^{{\!\top}} \delta^{{({l + 1})}}\right) \odot f'(z^{{({l})}})"


def _output_delta_rule(spec: NetworkSpec, batch: int = 1) -> str:
    L, act, mean = spec.depth, ACTIVATIONS[spec.activations[-1]], _mean_factor(spec, batch)
    if LOSSES[spec.loss].fused is not None:
        return rf"\delta^{{({L})}} = {mean}\left(a^{{({L})}} - y\right)"
    if act.slope is None:
        return rf"\delta^{{({L})}} = {mean}a \odot \left(g - (g^{{\!\top}} a)\right), \quad g = {DL}a}}"
    return rf"\delta^{{({L})}} = {mean}{DL}a^{{({L})}}}} \odot f'(z^{{({L})}})"


# ----------------------------------------------------------------------------- one element


@dataclass(frozen=True)
class _Scope:
    """What every equation of one element needs: the walk, the names and the decimals ``d``."""

    w: Walk
    names: Names
    d: int

    @property
    def spec(self) -> NetworkSpec:
        return self.w.net.spec

    def dl(self, symbol: str) -> str:
        """∂L/∂symbol, with the loss named as the lesson names it (L, E_{total})."""
        return rf"\frac{{\partial {self.names.loss_tex}}}{{\partial {symbol}}}"

    @property
    def s(self) -> int:
        """The shown sample's row of the batch."""
        return self.w.sample

    @property
    def of_sample(self) -> str:
        """ " · sample 2 of 3" in a batch step, "" for one sample."""
        return f" · sample {self.s + 1} of {self.w.batch}" if self.w.batch > 1 else ""

    @property
    def of_batch(self) -> str:
        """ " of the batch (mean over the 3 samples)" in a batch step, "" for one sample."""
        return f" of the batch ({self.reduced})" if self.w.batch > 1 else ""

    @property
    def reduced(self) -> str:
        """ "mean over the 3 samples" or "sum over the 2 samples"."""
        return reduction_words(self.spec.reduction, self.w.batch)

    def each(self, symbol: str, s: int) -> str:
        """``symbol`` of sample s (0-based) of a batch step, "δ_{1}[2]"; the plain symbol for one sample."""
        return f"{symbol}{{[{s + 1}]}}" if self.w.batch > 1 else symbol


def explain(
    w: Walk, index: int, selected: Sequence | None, decimals: int = 4, names: Names | None = None
) -> Explanation:
    """The equations of the selected ("node", l, i), ("edge", k, i, j) or ("bias", k, i) at stage ``index``."""
    if selected is None:
        return Explanation("Nothing selected", ())
    s = _Scope(w, names or Names(w.net.spec), decimals)
    kind = selected[0]
    if kind == "node":
        return _node(s, index, selected[1], selected[2])
    if kind == "edge":
        return _edge(s, index, selected[1], selected[2], selected[3])
    if kind == "bias":
        return _bias(s, index, selected[1], selected[2])
    raise ValueError(f"unknown selection {selected!r}")


def _equation(w: Walk, index: int, quantity: str, layer: int, title: str, build: Callable[[], tuple[str, float]]):
    """An Equation that is built only when (quantity, layer) is known at stage ``index``."""
    stage = w.stages[index]
    current = (quantity, layer) in stage.reveals
    if not w.known(index, quantity, layer):
        return Equation(quantity, title, None, None, False)
    latex, value = build()
    return Equation(quantity, title, latex, float(value), current)


def chain(lhs: str, *steps: str) -> list[str]:
    """``lhs &= step`` then ``&= step`` for each further step: one "=" a line, a repeated step left out."""
    kept = [t for n, t in enumerate(steps) if n == 0 or t != steps[n - 1]]
    return [f"{lhs} &= {kept[0]}", *(f"&= {t}" for t in kept[1:])]


def _node(s: _Scope, index: int, l: int, i: int) -> Explanation:
    w, t, names = s.w, s.w.trace, s.names
    title = element_label(s.spec, ("node", l, i), names) + s.of_sample
    if l == 0:
        x = t.x[w.sample, i]
        lhs = names.a_tex(0, i)
        rhs = f"{names.input_tex(i)} = {number(x, s.d)}" if not names.textbook else number(x, s.d)
        eq = _equation(w, index, "a", 0, "Input", lambda: (f"{lhs} = {rhs}", x))
        return Explanation(title, (eq,))
    eqs = [
        _equation(w, index, "z", l, "Weighted input z", lambda: _z_latex(s, l, i)),
        _equation(w, index, "a", l, "Activation a", lambda: _a_latex(s, l, i)),
    ]
    if l == s.spec.depth:
        eqs.append(_equation(w, index, "loss", l, "Loss of this sample", lambda: _loss_latex(s)))
        if w.batch > 1:
            eqs.append(_equation(w, index, "loss", l, f"Loss of the batch ({s.reduced})", lambda: _batch_loss(s)))
        eqs.append(_equation(w, index, "delta", l, "Output delta δ = ∂L/∂z", lambda: _output_delta_latex(s, i)))
    else:
        eqs.append(_equation(w, index, "delta", l, "Delta δ = ∂L/∂z", lambda: _hidden_delta_latex(s, l, i)))
    return Explanation(title, tuple(eqs))


def _z_latex(s: _Scope, l: int, i: int) -> tuple[str, float]:
    w, n, d = s.w, s.names, s.d
    W, b, a_prev = w.net.W[l - 1], w.net.b[l - 1], w.trace.a[l - 1][s.s]
    z = w.trace.z[l - 1][s.s, i]
    if n.textbook:
        general = " + ".join(rf"{n.w_tex(l - 1, i, j)}\, {n.a_tex(l - 1, j)}" for j in range(len(a_prev)))
    else:
        general = rf"\sum_j w^{{({l})}}_{{{i + 1},j}}\, a^{{({l - 1})}}_j"
    terms = capped_sum(len(a_prev), lambda j: rf"{factor(W[i, j], d)} \cdot {factor(a_prev[j], d)}", terms_per_line(d))
    if s.spec.bias != "none":
        general += f" + {n.b_tex(l - 1, i)}"
        terms += f" + {factor(b[i], d)}"
    return aligned(*chain(n.z_tex(l, i), general, terms, number(z, d))), z


def _a_latex(s: _Scope, l: int, i: int) -> tuple[str, float]:
    w, n, d = s.w, s.names, s.d
    apply = ACTIVATIONS[s.spec.activations[l - 1]].apply
    z, a = w.trace.z[l - 1][s.s], w.trace.a[l][s.s, i]
    lhs = n.a_tex(l, i)
    if apply is None:  # softmax: its component written out
        general = rf"\frac{{e^{{{n.z_tex(l, i)}}}}}{{\sum_k e^{{z^{{({l})}}_k}}}}"
        denominator = capped_sum(len(z), lambda k: f"e^{{{number(z[k], d)}}}")
        numbers = rf"\frac{{e^{{{number(z[i], d)}}}}}{{{denominator}}}"
        return aligned(*chain(lhs, general, numbers, number(a, d))), a
    return aligned(*chain(lhs, apply(n.z_tex(l, i)), apply(number(z[i], d)), number(a, d))), a


def _loss_latex(s: _Scope) -> tuple[str, float]:
    """The loss with its terms' numbers; a loss fused with its output activation writes log a_j (and
    log(1 − a_j)) as the numbers computed from z, so a saturated output shows its true terms, never log 0."""
    w, d, L = s.w, s.d, s.spec.depth
    a, y = w.trace.a[L][s.s], w.y
    loss, n = LOSSES[s.spec.loss], len(a)
    per_line = terms_per_line(d)
    if loss.fused is None:
        numbers = loss.written(capped_sum(n, lambda j: loss.term(factor(a[j], d), factor(y[j], d)), per_line), n)
    else:
        logs = [v[0] for v in loss.fused.logs(w.trace.z[L - 1][s.s : s.s + 1])]
        term = lambda j: loss.fused.term_logs(factor(y[j], d), *(factor(v[j], d) for v in logs))  # noqa: E731
        numbers = loss.written(capped_sum(n, term, per_line), n)
    if s.names.textbook:
        general = loss.written(" + ".join(loss.term(s.names.a_tex(L, j), s.names.target_tex(j)) for j in range(n)), n)
    else:
        general = _loss_general(s.spec)
    if loss.fused is not None:
        general += rf", \quad {loss.fused.logs_latex}"
    lhs = s.each(s.names.loss_tex, s.s)
    return aligned(*chain(lhs, general, numbers, number(w.sample_loss, d))), w.sample_loss


def _batch_loss(s: _Scope) -> tuple[str, float]:
    """The batch's loss: c (L[1] + … + L[k]) with each sample's loss, then its value."""
    w, d, lhs = s.w, s.d, s.names.loss_tex
    c = _batch_factor(s.spec, w.batch)
    losses = w.trace.sample_losses
    general = rf"{c}\left({s.each(lhs, 0)} + \dots + {s.each(lhs, w.batch - 1)}\right)"
    numbers = rf"{c}\bigl({capped_sum(w.batch, lambda n: factor(losses[n], d), terms_per_line(d) * 2)}\bigr)"
    return aligned(*chain(lhs, general, numbers, number(w.trace.loss, d))), w.trace.loss


def _loss_general(spec: NetworkSpec) -> str:
    return LOSSES[spec.loss].latex.replace("a_j", rf"a^{{({spec.depth})}}_j")


def _mean_factor(spec: NetworkSpec, batch: int = 1) -> str:
    """The 1/B of reduction 'mean' in front of a one-sample step's output delta; "" for 'sum' and in a batch
    step, whose δ is each sample's own (the batch's 1/k is written in its loss and gradients)."""
    return r"\tfrac{1}{B}\," if spec.reduction == "mean" and batch == 1 else ""


def _mean_note(spec: NetworkSpec, batch: int = 1) -> str:
    """The 1/B factor of reduction 'mean' (B = 1: one sample), written so the reader sees it."""
    if spec.reduction != "mean" or batch > 1:
        return ""
    return r"\quad \left(\tfrac{1}{B} = 1 \text{ for } B = 1 \text{ sample}\right)"


def _output_terms(s: _Scope, i: int) -> tuple[str, str, str, str]:
    """(the 1/B factor of 'mean' or "", δ_i, a_i and y_i of the output layer) in LaTeX."""
    L = s.spec.depth
    return _mean_factor(s.spec, s.w.batch), s.names.delta_tex(L, i), s.names.a_tex(L, i), s.names.target_tex(i)


def _output_delta_latex(s: _Scope, i: int) -> tuple[str, float]:
    spec, t, d = s.spec, s.w.trace, s.d
    loss = LOSSES[spec.loss]
    if loss.fused is not None:
        return _fused_delta_latex(s, loss.fused, i)
    L, r = spec.depth, s.s
    z, a, y = t.z[L - 1][r : r + 1], t.a[L][r : r + 1], t.y[r : r + 1]
    delta = s.w.delta(L)[r, i]
    mean, lhs, a_i, y_i = _output_terms(s, i)
    n = str(a.shape[1])
    g = loss.grad(a, y)[0]
    slope = loss.slope
    g_lines = chain(s.dl(a_i), slope(a_i, y_i, n), slope(factor(a[0, i], d), factor(y[0, i], d), n), number(g[i], d))
    act = ACTIVATIONS[spec.activations[-1]]
    if act.slope is None:  # softmax: the Jacobian-vector product
        ga = float(np.sum(g * a[0]))
        ga_terms = capped_sum(len(g), lambda k: rf"{factor(g[k], d)} \cdot {factor(a[0, k], d)}", terms_per_line(d))
        general = rf"{mean}{a_i}\left(g_{{{i + 1}}} - \sum_k g_k a^{{({L})}}_k\right), \quad g = {s.dl('a')}"
        lines = [
            f"{lhs} &= {general}{_mean_note(spec, s.w.batch)}",
            *g_lines,
            *chain(rf"\sum_k g_k a^{{({L})}}_k", ga_terms, number(ga, d)),
            *chain(
                lhs, rf"{factor(a[0, i], d)} \cdot \left({factor(g[i], d)} - {factor(ga, d)}\right)", number(delta, d)
            ),  # fmt: skip
        ]
        return aligned(*lines), delta
    slope_value = act.df(z, a)[0, i]
    z_i = s.names.z_tex(L, i)
    lines = [
        rf"{lhs} &= {mean}{s.dl(a_i)} \cdot f'({z_i}){_mean_note(spec, s.w.batch)}",
        *g_lines,
        *_slope_lines(act, z_i, a_i, z[0, i], a[0, i], slope_value, d),
        *chain(lhs, rf"{factor(g[i], d)} \cdot {factor(slope_value, d)}", number(delta, d)),
    ]
    return aligned(*lines), delta


def _fused_delta_latex(s: _Scope, fused: Fused, i: int) -> tuple[str, float]:
    """δ_i = a_i·s(y) − y_i of a loss fused with its output activation: a_i − y_i, or the general form the
    engine uses when this sample's s(y) is not 1."""
    spec, t, d = s.spec, s.w.trace, s.d
    L, r = spec.depth, s.s
    a, y, delta = t.a[L][r : r + 1], t.y[r : r + 1], s.w.delta(L)[r, i]
    mean, lhs, a_i, y_i = _output_terms(s, i)
    scale = float(fused.scale(y)[0, 0])
    if abs(scale - 1.0) > 1e-12:
        lines = [
            rf"{lhs} &= {mean}\left({a_i} {fused.scale_latex} - {y_i}\right){_mean_note(spec, s.w.batch)}",
            rf"&= {factor(a[0, i], d)} \cdot {factor(scale, d)} - {factor(y[0, i], d)}",
            rf"&= {number(delta, d)} \quad \text{{({fused.scale_note})}}",
        ]
        return aligned(*lines), delta
    lines = [
        rf"{lhs} &= {mean}\left({a_i} - {y_i}\right){_mean_note(spec, s.w.batch)}",
        rf"&= {number(a[0, i], d)} - {factor(y[0, i], d)}",
        f"&= {number(delta, d)}",
    ]
    return aligned(*lines), delta


def _hidden_delta_latex(s: _Scope, l: int, i: int) -> tuple[str, float]:
    spec, t, n, d = s.spec, s.w.trace, s.names, s.d
    r = s.s
    W_next, delta_next = s.w.net.W[l], s.w.delta(l + 1)[r]
    z, a = t.z[l - 1][r : r + 1], t.a[l][r : r + 1]
    act = ACTIVATIONS[spec.activations[l - 1]]
    back = float(W_next[:, i] @ delta_next)
    slope_value = act.df(z, a)[0, i]
    delta = s.w.delta(l)[r, i]
    lhs, z_i, a_i = n.delta_tex(l, i), n.z_tex(l, i), n.a_tex(l, i)
    terms = capped_sum(
        len(delta_next), lambda k: rf"{factor(W_next[k, i], d)} \cdot {factor(delta_next[k], d)}", terms_per_line(d)
    )
    if n.textbook:
        general_sum = " + ".join(rf"{n.w_tex(l, k, i)}\, {n.delta_tex(l + 1, k)}" for k in range(len(delta_next)))
        sum_name = rf"\left({general_sum}\right)"
    else:
        general_sum = rf"\sum_k w^{{({l + 1})}}_{{k,{i + 1}}} \delta^{{({l + 1})}}_k"
        sum_name = general_sum
    lines = [
        rf"{lhs} &= f'({z_i}) \cdot {sum_name}",
        *_slope_lines(act, z_i, a_i, z[0, i], a[0, i], slope_value, d),
        *chain(general_sum, terms, number(back, d)),
        *chain(lhs, rf"{factor(slope_value, d)} \cdot {factor(back, d)}", number(delta, d)),
    ]
    return aligned(*lines), delta


def _slope_lines(act: Activation, z_sym: str, a_sym: str, z: float, a: float, slope: float, d: int) -> list[str]:
    """f'(z) in symbols, then with the numbers z and a, then its value: lines of an aligned block."""
    return chain(f"f'({z_sym})", act.slope(z_sym, a_sym), act.slope(factor(z, d), factor(a, d)), number(slope, d))


def _heading(text: str) -> str:
    return text[:1].upper() + text[1:]


def _update_lines(new_sym: str, old_sym: str, s: _Scope, old: float, grad: float, new: float, at: int) -> list[str]:
    """The update of the parameter ``old_sym`` (entry ``at`` of ``Network.flat()``) by the walk's optimiser."""
    w = s.w
    before = w.state_before.buffers if w.state_before is not None else {}
    entry = updates.Entry(old_sym, new_sym, s.dl(old_sym), old, grad, new, s.spec.learning_rate, s.d,
                          {k: float(before[k][at]) if k in before else 0.0 for k in w.state_after.buffers},
                          {k: float(v[at]) for k, v in w.state_after.buffers.items()}, w.state_after.t)  # fmt: skip
    return updates.lines(w.optimiser, entry)


def _update_title(w: Walk, p: str) -> str:
    """ "Update w⁺ = w − η·∂L/∂w" for SGD; the rule's own words otherwise ("Update · Adam: …, g = ∂L/∂b")."""
    if w.optimiser.name == "sgd":
        return f"Update {p}⁺ = {p} − η·∂L/∂{p}"
    return f"Update · {w.optimiser.rule.label}: {w.optimiser.rule.summary.replace('w', p)}, g = ∂L/∂{p}"


def _gradient_lines(s: _Scope, w_sym: str, data: str, numbers: str, weight: float, grad: float) -> list[str]:
    """∂L/∂w = ``data`` (δ·a in symbols, then ``numbers``) plus the penalty's term, then the total ``grad``."""
    p, d = s.w.penalty, s.d
    term = _penalty_term(p, w_sym)
    if not p.active:
        return chain(s.dl(w_sym), data, numbers, number(grad, d))
    value = factor(weight, d) if p.kind == "l2" else rf"\operatorname{{sign}}({factor(weight, d)})"
    return chain(s.dl(w_sym), data + term, rf"{numbers} + {setting(p.rate)} \cdot {value}", number(grad, d))


def _batch_terms(s: _Scope, symbols: Callable[[int], str], numbers: Callable[[int], str]) -> tuple[str, str]:
    """(the symbols, the numbers) of a gradient over the batch: one sample's term as it is; for k samples
    c (term[1] + term[2] + …), the sum capped at ``MAX_TERMS`` terms with its numbers a few to a line."""
    if s.w.batch == 1:
        return symbols(0), numbers(0)
    c, k = _batch_factor(s.spec, s.w.batch), s.w.batch
    dots = r" + \dots" if k > 2 else ""
    general = rf"{c}\left({symbols(0)}{dots} + {symbols(k - 1)}\right)"
    return general, rf"{c}\bigl({capped_sum(k, numbers, terms_per_line(s.d))}\bigr)"  # \left( cannot break a line


def _edge(s: _Scope, index: int, k: int, i: int, j: int) -> Explanation:
    w, t, n, d, l = s.w, s.w.trace, s.names, s.d, k + 1
    w_sym, old = n.w_tex(k, i, j), w.net.W[k][i, j]
    grad, new = w.grad_W[k][i, j], w.updated.W[k][i, j]

    def gradient() -> tuple[str, float]:
        deltas, acts = w.delta(l)[:, i], t.a[k][:, j]
        data, numbers = _batch_terms(s, lambda r: rf"{s.each(n.delta_tex(l, i), r)} \cdot {s.each(n.a_tex(k, j), r)}",
                                     lambda r: rf"{factor(deltas[r], d)} \cdot {factor(acts[r], d)}")  # fmt: skip
        return aligned(*_gradient_lines(s, w_sym, data, numbers, old, grad)), grad

    def update() -> tuple[str, float]:
        at = flat_index(s.spec, "W", k, i, j)
        return aligned(*_update_lines(n.w_tex(k, i, j, mark="+"), w_sym, s, old, grad, new, at)), new

    eqs = (
        Equation("value", "Weight before the step", rf"{w_sym} = {number(old, d)}", float(old)),
        _equation(w, index, "grad", l, "Gradient ∂L/∂w" + s.of_batch, gradient),
        _equation(w, index, "update", l, _update_title(w, "w"), update),
    )
    return Explanation(_heading(element_label(s.spec, ("edge", k, i, j), n)), eqs)


def _bias(s: _Scope, index: int, k: int, i: int) -> Explanation:
    w, t, n, d, l = s.w, s.w.trace, s.names, s.d, k + 1
    b_sym, b_plus, old = n.b_tex(k, i), n.b_tex(k, i, mark="+"), w.net.b[k][i]
    grad, new = t.grad_b[k][i], w.updated.b[k][i]
    frozen = s.spec.bias == "frozen"

    def gradient() -> tuple[str, float]:
        deltas = w.delta(l)[:, i]
        data, numbers = _batch_terms(s, lambda r: s.each(n.delta_tex(l, i), r), lambda r: factor(deltas[r], d))
        return aligned(*chain(s.dl(b_sym), data, numbers, number(grad, d))), grad

    def update() -> tuple[str, float]:
        if frozen:
            kept = r"\quad \text{(frozen: the gradient is not applied)}"
            return rf"{b_plus} = {b_sym} = {number(new, d)} {kept}", new
        return aligned(*_update_lines(b_plus, b_sym, s, old, grad, new, flat_index(s.spec, "b", k, i))), new

    eqs = (
        Equation("value", "Bias before the step", rf"{b_sym} = {number(old, d)}", float(old)),
        _equation(w, index, "grad", l, "Gradient ∂L/∂b" + s.of_batch, gradient),
        _equation(w, index, "update", l, _update_title(w, "b"), update),
    )
    title = _heading(element_label(s.spec, ("bias", k, i), n)) + (" (frozen)" if frozen else "")
    return Explanation(title, eqs)
