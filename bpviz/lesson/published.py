"""The numbers a worked example's source prints, beside bpviz's own for the same step.

A ``Publication`` cites its source and lists every number it prints for one step of one sample (``Printed``:
the source's name for it, the text as printed, and which quantity of the walk it is). ``compare`` rounds
bpviz's float64 value to the printed number of decimals: a printed number matches when the two texts are
equal. Where the source itself is wrong, its ``Printed`` carries the corrected value (bpviz's, at the printed
digits) and why; such a row reads "corrected", and a test holds bpviz to the correction.

Quantities (``Printed.what`` and ``at``), of the sample ``Printed.sample`` (row s of a batch, 0 for one sample)
where they are a sample's: "z", "a", "delta" (∂L_s/∂z, of the sample's own loss), "error" (a − y, the output
layer's), "grad_a" (∂L_s/∂a: the loss's derivative at the output, (Wᵀδ) of the layer above at a hidden one) and
"a_after" (a of the network after the update) of (layer, neuron), layer 1 the first hidden one; "loss_s" and
"loss_s_after" (the sample's own loss before and after the update); "share_w" (the sample's δ·a of a weight (k, i,
j)). The batch's own: "loss" and "loss_after" (the reduced loss before and after the update); "grad_w" and "w_after"
of a weight (k, i, j), W[k][i, j] from neuron j of layer k to neuron i of layer k+1; "b_after" of a bias (k, i); for
a computational graph (``bpviz.chainrule.published``, compared with its ``Result`` in place of the walk) "value" and
"grad" (∂f/∂node) of a node by name. A source that prints the negative of bpviz's quantity (an error term Err_j =
−∂E/∂net_j where bpviz's δ is +∂L/∂z) says so with ``sign=-1``. A number printed in scientific notation
(-5.34381483665323e-08) is compared at its printed digits of mantissa. A number printed to full double precision
(more than ``FLOAT64_DIGITS`` significant digits, as Python prints a float64) matches within a relative
``FULL_PRECISION`` (1 part in 10¹⁴): its last one or two digits depend on the order of the float64 operations (σ
written as 1/(1 + e^(−z)) or, as bpviz does for z < 0 so that nothing overflows, e^z/(1 + e^z)), not on the
mathematics.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bpviz.engine.backprop import forward_trace
from bpviz.engine.losses import LOSSES

from .stages import Walk


def _grad_a(w: Walk, s: int, layer: int, i: int) -> float:
    """∂L_s/∂a⁽ˡ⁾_i of sample s: the loss's derivative at the output layer, Σ_k w_{k,i} δ_k of the layer above
    at a hidden one."""
    if layer == w.net.spec.depth:
        return LOSSES[w.net.spec.loss].grad(w.trace.a[layer][s : s + 1], w.trace.y[s : s + 1])[0, i]
    return float(w.net.W[layer][:, i] @ w.delta(layer + 1)[s])


def _after(w: Walk) -> tuple[np.ndarray, np.ndarray]:
    """(the output a⁽ᴸ⁾, each sample's own loss) of the batch through the updated network."""
    z, a = forward_trace(w.updated, w.trace.x)
    return a[-1], LOSSES[w.net.spec.loss].value(a[-1], w.trace.y, z[-1])


QUANTITIES: dict[str, Callable[..., float]] = {
    "z": lambda w, s, layer, i: w.trace.z[layer - 1][s, i],
    "a": lambda w, s, layer, i: w.trace.a[layer][s, i],
    "delta": lambda w, s, layer, i: w.delta(layer)[s, i],
    "error": lambda w, s, i: w.trace.a[-1][s, i] - w.trace.y[s, i],
    "grad_a": _grad_a,
    "share_w": lambda w, s, k, i, j: w.contributions(k + 1)[s, i, j],
    "loss_s": lambda w, s: w.trace.sample_losses[s],
    "a_after": lambda w, s, i: _after(w)[0][s, i],
    "loss_s_after": lambda w, s: _after(w)[1][s],
    "loss": lambda w, s: w.trace.loss,
    "loss_after": lambda w, s: w.loss_after,
    "grad_w": lambda w, s, k, i, j: w.trace.grad_W[k][i, j],
    "w_after": lambda w, s, k, i, j: w.updated.W[k][i, j],
    "b_after": lambda w, s, k, i: w.updated.b[k][i],
    "value": lambda result, s, node: result.values[node],
    "grad": lambda result, s, node: result.grads[node],
}


FLOAT64_DIGITS = 15  # significant decimal digits every float64 holds exactly through a few operations
FULL_PRECISION = 1e-14  # the relative difference two orders of the same few float64 operations stay within


@dataclass(frozen=True)
class Printed:
    """One printed number: ``label`` (the source's name), ``printed`` (its text), the walk's quantity ``what``
    at ``at``, ``sign`` (−1: the source prints the negative), and for a number the source gets wrong, the
    ``corrected`` text and ``why``."""

    label: str
    printed: str
    what: str
    at: tuple[int, ...] = ()
    sample: int = 0
    sign: int = 1
    corrected: str | None = None
    why: str = ""

    @property
    def decimals(self) -> int:
        """The printed decimals (of the mantissa, for a number printed as 1.25e-08)."""
        return len(self.printed.lower().partition("e")[0].partition(".")[2])

    def value(self, w: Walk) -> float:
        """bpviz's number for it, in the source's sign."""
        return self.sign * float(QUANTITIES[self.what](w, self.sample, *self.at))

    @property
    def full_precision(self) -> bool:
        """True for a number printed to more than FLOAT64_DIGITS significant digits (a float64 printed whole)."""
        digits = self.printed.lower().partition("e")[0].lstrip("-").replace(".", "").lstrip("0")
        return len(digits) > FLOAT64_DIGITS

    def agrees(self, text: str) -> bool:
        """True when bpviz's ``text`` (``shown``) is the printed number: the same text, or for a number printed to
        full double precision the same within a relative FULL_PRECISION."""
        if not self.full_precision:
            return text == self.printed
        return abs(float(text) - float(self.printed)) <= FULL_PRECISION * abs(float(self.printed))

    def shown(self, w: Walk) -> str:
        """bpviz's number at the printed decimals ("-0.000" as "0.000"), in scientific notation when printed so."""
        kind = "e" if "e" in self.printed.lower() else "f"
        text = f"{self.value(w):.{self.decimals}{kind}}"
        return text[1:] if text.startswith("-") and float(text) == 0 else text


@dataclass(frozen=True)
class Publication:
    """A source's worked step: ``title`` and ``where`` (the citation), the sample it steps (``x``, ``y``: one
    sample's values, or one tuple per sample of a batch) and every number it prints, in its order."""

    title: str
    where: str
    x: tuple
    y: tuple
    numbers: tuple[Printed, ...]


@dataclass(frozen=True)
class Row:
    """One line of the comparison: the source's name and printed text, bpviz's at the same decimals, and
        "matches", "corrected" (the source is wrong and bpviz has the corrected value) or "differs"; ``note``, why
        a correction is one, or "within 1 part in 10¹⁴ (float64 rounding)" for a full-precision number whose last
    digits differ."""

    label: str
    printed: str
    bpviz: str
    verdict: str
    note: str


def compare(w: Walk, publication: Publication) -> list[Row]:
    """Every printed number of ``publication`` beside bpviz's for the walk ``w`` (of its network and sample)."""
    rows = []
    for p in publication.numbers:
        ours = p.shown(w)
        if p.agrees(ours):
            verdict = "matches"
        elif p.corrected is not None and ours == p.corrected:
            verdict = "corrected"
        else:
            verdict = "differs"
        note = p.why if verdict == "corrected" else ""
        if verdict == "matches" and ours != p.printed:
            note = "within 1 part in 10¹⁴ (float64 rounding)"
        rows.append(Row(p.label, p.printed, ours, verdict, note))
    return rows


def published_summary(rows: list[Row]) -> str:
    """The comparison in one bold line: "**19 of the 20 numbers the source prints match bpviz's; 1 is off in
    the source (corrected below)**" (Markdown of fixed words and counts)."""
    count = {v: sum(r.verdict == v for r in rows) for v in ("matches", "corrected", "differs")}
    text = f"{count['matches']} of the {len(rows)} numbers the source prints match bpviz's"
    if count["corrected"]:
        verb = "is" if count["corrected"] == 1 else "are"
        text += f"; {count['corrected']} {verb} off in the source (corrected below)"
    if count["differs"]:
        text += f"; {count['differs']} differ{'s' if count['differs'] == 1 else ''}"
    return f"**{text}**"
