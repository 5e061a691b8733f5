"""pandas tables of every quantity known at a stage, per layer, named as in the equations.

Column names use the equations' notation in plain text: z⁽²⁾ is z^{(2)}, δ⁽²⁾ is δ^{(2)},
b⁽²⁾⁺ is b^{(2)+} (after the update); with a source's own names (``Names``) they are its words (net, out,
target). A neuron table has one row per neuron of the layer (named as on the diagram: x1, h1_2, ŷ1, or h1);
a weight table W⁽ˡ⁾ has one row per neuron of layer l and one column per neuron of layer l-1, so cell (i, j)
is w^{(l)}_{i,j}. Quantities not computed yet at the stage are left out. In a batch step the neuron tables hold
the shown sample's values, and ``batch_tables`` lists every sample's δ and its share δ[s]·a[s] of each gradient
beside the batch's combined gradient.
"""

import re

import numpy as np
import pandas as pd

from bpviz.engine.gradcheck import GradCheck
from bpviz.engine.spec import NetworkSpec
from bpviz.lesson.names import Names, sup

from .published import Row
from .stages import Walk, reduction_words

_CHECK_NAME = re.compile(r"^([Wb])(\d+)\[(\d+)(?:,(\d+))?\]$")


def name(letter: str, layer: int, after: bool = False) -> str:
    """A quantity's table name: name("z", 2) == "z⁽²⁾", name("b", 1, after=True) == "b⁽¹⁾⁺"."""
    return f"{letter}⁽{sup(layer)}⁾{'⁺' if after else ''}"


def _column(names: Names, letter: str, layer: int, after: bool = False) -> str:
    """A quantity's column: bpviz's ``name(letter, layer)``, or the source's word for z, a and y."""
    if names.textbook and letter in ("z", "a", "y"):
        return {"z": names.naming.z, "a": names.naming.a, "y": names.naming.target}[letter]
    return "y" if letter == "y" else name(letter, layer, after)


def neuron_table(w: Walk, index: int, layer: int, names: Names | None = None) -> pd.DataFrame:
    """One row per neuron of ``layer``: every per-neuron quantity known at stage ``index``."""
    spec, t, l, s = w.net.spec, w.trace, layer, w.sample
    names = names or Names(spec)
    columns: dict[str, np.ndarray] = {}
    if l == 0:
        columns["input" if names.textbook else f"{name('a', 0)} = x"] = t.x[s]
    else:
        k, biased = l - 1, spec.bias != "none"
        if biased:
            columns[name("b", l)] = w.net.b[k]
        if w.known(index, "z", l):
            columns[_column(names, "z", l)] = t.z[k][s]
        if w.known(index, "a", l):
            columns[_column(names, "a", l)] = t.a[l][s]
        if l == spec.depth and w.known(index, "loss", l):
            columns[_column(names, "y", l)] = t.y[s]
        if w.known(index, "delta", l):
            columns[name("δ", l)] = w.delta(l)[s]
        if biased and w.known(index, "grad", l):
            columns[f"∂L/∂{name('b', l)}"] = t.grad_b[k]
        if biased and w.known(index, "update", l):
            columns[name("b", l, after=True)] = w.updated.b[k]
    return pd.DataFrame(columns, index=pd.Index(names.nodes(l), name="neuron"))


MAX_TABLE_SIDE = 64  # a Next click on a near-limit net would otherwise send millions of cells


def weight_tables(w: Walk, index: int, layer: int, names: Names | None = None) -> dict[str, pd.DataFrame]:
    """W⁽ˡ⁾, and ∂L/∂W⁽ˡ⁾ and W⁽ˡ⁾⁺ once known, as (n_l, n_{l-1}) tables; ``layer`` is 1..L; for a batch step
    then ``batch_tables`` (every sample's δ and its share of each gradient).

    Tables keep at most MAX_TABLE_SIDE rows and columns (the first ones); the title then says
    which part is shown."""
    spec, k = w.net.spec, layer - 1
    names = names or Names(spec)
    matrices = {name("W", layer): w.net.W[k]}
    if w.known(index, "grad", layer):
        matrices[f"∂L/∂{name('W', layer)}"] = w.grad_W[k]
    if w.known(index, "update", layer):
        matrices[name("W", layer, after=True)] = w.updated.W[k]
    r, c = min(spec.layers[layer], MAX_TABLE_SIDE), min(spec.layers[layer - 1], MAX_TABLE_SIDE)
    rows = pd.Index(names.nodes(layer)[:r], name="to \\ from")
    cols = names.nodes(layer - 1)[:c]
    part = "" if spec.shapes[k] == (r, c) else f" (first {r} × {c} of {spec.shapes[k][0]} × {spec.shapes[k][1]})"
    tables = {title + part: pd.DataFrame(m[:r, :c], index=rows, columns=cols) for title, m in matrices.items()}
    return tables | batch_tables(w, index, layer, names)


def batch_tables(w: Walk, index: int, layer: int, names: Names | None = None) -> dict[str, pd.DataFrame]:
    """For a batch step, once known at stage ``index``: "δ⁽ˡ⁾ of each sample" (one row per neuron of ``layer``, one
    column per sample) and "∂L/∂w⁽ˡ⁾ by sample" (one row per weight, and bias when learned, of ``layer``: each
    sample's share δ[s]·a[s], then the batch's gradient, the reduction of the shares plus any penalty term);
    the first MAX_UPDATE_ROWS parameters. Empty for one sample or before the stages that compute them."""
    if w.batch == 1:
        return {}
    spec, k, l = w.net.spec, w.batch, layer
    names = names or Names(spec)
    samples = [f"sample {s + 1}" for s in range(k)]
    out = {}
    if w.known(index, "delta", l):
        frame = pd.DataFrame(w.delta(l), index=samples, columns=names.nodes(l)).T
        out[f"{name('δ', l)} of each sample"] = frame.rename_axis("neuron")
    if w.known(index, "grad", l):
        shares, rows = w.contributions(l), []
        for i, j in np.ndindex(shares.shape[1:]):
            rows.append((names.weight(l - 1, i, j), *shares[:, i, j], w.grad_W[l - 1][i, j]))
        if spec.bias != "none":
            deltas, grad_b = w.delta(l), w.trace.grad_b[l - 1]
            rows += [(names.bias(l - 1, i), *deltas[:, i], grad_b[i]) for i in range(deltas.shape[1])]
        combined = f"∂L/∂θ ({reduction_words(spec.reduction, k)})"
        frame = pd.DataFrame(rows[:MAX_UPDATE_ROWS], columns=["parameter", *samples, combined])
        out[f"∂L/∂θ of layer {l} by sample: δ[s]·a[s] (δ[s] for a bias)"] = frame.set_index("parameter")
    return out


def loss_table(w: Walk) -> pd.DataFrame:
    """The loss of the sample before and after the update (one row each)."""
    return pd.DataFrame(
        {"L": [w.trace.loss, w.loss_after]}, index=pd.Index(["before the update", "after the update"], name="")
    )


def parameter_label(spec: NetworkSpec, check_name: str, names: Names | None = None) -> tuple[str, str]:
    """(equation name, where) of a gradient-check row: 'W2[1,0]' -> ('w⁽²⁾₂,₁', 'h1_1 → ŷ2'),
    'b1[0]' -> ('b⁽¹⁾₁', 'bias of h1_1'). Indices are shown 1-based as in the equations."""
    match = _CHECK_NAME.match(check_name)
    if match is None:
        raise ValueError(f"not a gradient-check parameter name: {check_name!r}")
    names = names or Names(spec)
    letter, layer, i, j = match.group(1), int(match.group(2)), int(match.group(3)), match.group(4)
    if letter == "W":
        return names.weight(layer - 1, i, int(j)), names.edge(layer - 1, i, int(j))
    return names.bias(layer - 1, i), f"bias of {names.node(layer, i)}"


def gradcheck_table(spec: NetworkSpec, check: GradCheck, names: Names | None = None) -> pd.DataFrame:
    """One row per checked parameter, worst relative error first."""
    labels = [parameter_label(spec, n, names) for n in check.names]
    frame = pd.DataFrame(
        {
            "parameter": [p for p, _ in labels],
            "where": [where for _, where in labels],
            "backprop": check.backprop,
            "finite differences": check.numeric,
            "relative error": check.relative_error,
        }
    )
    return frame.sort_values("relative error", ascending=False, kind="stable").reset_index(drop=True)


MAX_UPDATE_ROWS = 64


def update_table(w: Walk, names: Names | None = None, most: int = MAX_UPDATE_ROWS) -> pd.DataFrame:
    """Every parameter the update of ``w`` trains (weights, and biases in bias mode 'learned'): its name,
    where it sits, its value before, ∂L/∂θ, its value after and the change; the first ``most`` rows."""
    spec, names = w.net.spec, names or Names(w.net.spec)
    rows = []
    for k, (old, grad, new) in enumerate(zip(w.net.W, w.trace.grad_W, w.updated.W)):
        for i, j in np.ndindex(old.shape):
            rows.append((names.weight(k, i, j), names.edge(k, i, j), old[i, j], grad[i, j], new[i, j]))
            if len(rows) >= most:
                break
    if spec.bias == "learned":
        for k, (old, grad, new) in enumerate(zip(w.net.b, w.trace.grad_b, w.updated.b)):
            rows += [(names.bias(k, i), f"bias of {names.node(k + 1, i)}", old[i], grad[i], new[i])
                     for i in range(len(old))]  # fmt: skip
    frame = pd.DataFrame(rows[:most], columns=["parameter", "where", "before", "∂L/∂θ", "after"])
    frame["change"] = frame["after"] - frame["before"]
    return frame.set_index("parameter")


VERDICT_MARKS = {"matches": "✓ matches", "corrected": "✓ corrected: the source is off", "differs": "✗ differs"}


def published_table(rows: list[Row]) -> pd.DataFrame:
    """One row per printed number (``published.compare``): its name in the source, as printed, bpviz's at the
    same decimals, and the verdict (with its note for a full-precision number that matches within float64 rounding)."""
    return pd.DataFrame(
        {
            "in the source": [r.label for r in rows],
            "printed": [r.printed for r in rows],
            "bpviz": [r.bpviz for r in rows],
            "": [VERDICT_MARKS[r.verdict] + (f" {r.note}" if r.verdict == "matches" and r.note else "") for r in rows],
        }
    )
