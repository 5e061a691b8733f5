"""The numbers a worked example's source prints, beside bpviz's own for the same step.

A ``Publication`` cites its source and lists every number it prints for one step of one sample (``Printed``:
the source's name for it, the text as printed, and which quantity of the walk it is). ``compare`` rounds
bpviz's float64 value to the printed number of decimals: a printed number matches when the two texts are
equal. Where the source itself is wrong, its ``Printed`` carries the corrected value (bpviz's, at the printed
digits) and why; such a row reads "corrected", and a test holds bpviz to the correction.

Quantities (``Printed.what`` and ``at``): "z", "a", "delta" of (layer, neuron), layer 1 the first hidden one;
"loss" and "loss_after" (the sample's loss before and after the update); "grad_w" and "w_after" of a weight
(k, i, j), W[k][i, j] from neuron j of layer k to neuron i of layer k+1; "b_after" of a bias (k, i); for a
computational graph (``bpviz.chainrule.published``, compared with its ``Result`` in place of the walk)
"value" and "grad" (∂f/∂node) of a node by name. A source that prints the negative of bpviz's quantity (an
error term Err_j = −∂E/∂net_j where bpviz's δ is +∂L/∂z) says so with ``sign=-1``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .stages import Walk

QUANTITIES: dict[str, Callable[..., float]] = {
    "z": lambda w, layer, i: w.trace.z[layer - 1][0, i],
    "a": lambda w, layer, i: w.trace.a[layer][0, i],
    "delta": lambda w, layer, i: w.trace.delta[layer - 1][0, i],
    "loss": lambda w: w.trace.loss,
    "loss_after": lambda w: w.loss_after,
    "grad_w": lambda w, k, i, j: w.trace.grad_W[k][i, j],
    "w_after": lambda w, k, i, j: w.updated.W[k][i, j],
    "b_after": lambda w, k, i: w.updated.b[k][i],
    "value": lambda result, node: result.values[node],
    "grad": lambda result, node: result.grads[node],
}


@dataclass(frozen=True)
class Printed:
    """One printed number: ``label`` (the source's name), ``printed`` (its text), the walk's quantity ``what``
    at ``at``, ``sign`` (−1: the source prints the negative), and for a number the source gets wrong, the
    ``corrected`` text and ``why``."""

    label: str
    printed: str
    what: str
    at: tuple[int, ...] = ()
    sign: int = 1
    corrected: str | None = None
    why: str = ""

    @property
    def decimals(self) -> int:
        return len(self.printed.partition(".")[2])

    def value(self, w: Walk) -> float:
        """bpviz's number for it, in the source's sign."""
        return self.sign * float(QUANTITIES[self.what](w, *self.at))

    def shown(self, w: Walk) -> str:
        """bpviz's number at the printed decimals ("-0.000" as "0.000")."""
        text = f"{self.value(w):.{self.decimals}f}"
        return text[1:] if text.startswith("-") and float(text) == 0 else text


@dataclass(frozen=True)
class Publication:
    """A source's worked step: ``title`` and ``where`` (the citation), the sample it steps (``x``, ``y``) and
    every number it prints, in its order."""

    title: str
    where: str
    x: tuple[float, ...]
    y: tuple[float, ...]
    numbers: tuple[Printed, ...]


@dataclass(frozen=True)
class Row:
    """One line of the comparison: the source's name and printed text, bpviz's at the same decimals, and
    "matches", "corrected" (the source is wrong and bpviz has the corrected value) or "differs"."""

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
        if ours == p.printed:
            verdict = "matches"
        elif p.corrected is not None and ours == p.corrected:
            verdict = "corrected"
        else:
            verdict = "differs"
        rows.append(Row(p.label, p.printed, ours, verdict, p.why if verdict == "corrected" else ""))
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
