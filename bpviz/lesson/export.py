"""The whole step of one sample as a Markdown document with LaTeX, ready for lecture notes.

One section per stage (see ``stages``): the stage's equation for the whole layer, then
the equations of its elements with the numbers plugged in (``explain``), at most
``MAX_ELEMENTS`` per stage, and the layer's table of values (``tables``). Display
maths is written ``$$ … $$``, which GitHub, Jupyter, Pandoc and most note tools render.
"""

import pandas as pd

from bpviz.engine.activations import ACTIVATIONS
from bpviz.engine.losses import LOSSES, REDUCTIONS
from bpviz.engine.spec import BIAS_MODES
from bpviz.lesson.names import Names
from bpviz.lesson.numbers import format_value
from bpviz.lesson.selection import element_label

from .equations import explain, stage_latex
from .stages import Stage, Walk
from .tables import loss_table, neuron_table, weight_tables

MAX_ELEMENTS = 16
MAX_TABLE_CELLS = 400


def markdown_table(frame: pd.DataFrame, decimals: int) -> str:
    """A pipe table of ``frame`` with its index as the first column and numbers at ``decimals``."""
    head = [str(frame.index.name or ""), *map(str, frame.columns)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label, row in frame.iterrows():
        cells = [format_value(v, decimals) for v in row.to_numpy(dtype=float)]
        lines.append("| " + " | ".join([str(label), *cells]) + " |")
    return "\n".join(lines)


def _math(latex: str) -> str:
    return f"$$\n{latex}\n$$"


def _elements(w: Walk, stage: Stage, names: Names) -> list[tuple[str, tuple, str]]:
    """(heading, selection, quantity) of the elements whose equation the stage shows."""
    spec, l = w.net.spec, stage.layer
    if stage.kind in ("start", "z", "a", "delta"):
        quantity = "a" if stage.kind == "start" else stage.kind
        return [(names.node(l, i), ("node", l, i), quantity) for i in range(spec.layers[l])]
    if stage.kind == "loss":
        return [("", ("node", l, 0), "loss")]
    layers = [l] if stage.kind == "grad" else range(1, spec.depth + 1)
    out = []
    for layer in layers:
        n_out, n_in = spec.shapes[layer - 1]
        out += [
            (element_label(spec, ("edge", layer - 1, i, j), names), ("edge", layer - 1, i, j), stage.kind)
            for i in range(n_out)
            for j in range(n_in)
        ]
        if spec.bias != "none":
            out += [(element_label(spec, ("bias", layer - 1, i), names), ("bias", layer - 1, i), stage.kind)
                    for i in range(n_out)]  # fmt: skip
    return out


def _section(w: Walk, index: int, decimals: int, names: Names) -> str:
    stage = w.stages[index]
    spec = w.net.spec
    parts = [f"## {index + 1}. {stage.label}", _math(stage_latex(spec, stage, names, w.optimiser, w.penalty))]
    elements = _elements(w, stage, names)
    for heading, selected, quantity in elements[:MAX_ELEMENTS]:
        eq = next(e for e in explain(w, index, selected, decimals, names).equations if e.quantity == quantity)
        parts.append(f"**{heading}**\n\n{_math(eq.latex)}" if heading else _math(eq.latex))
    if len(elements) > MAX_ELEMENTS:
        parts.append(f"… and {len(elements) - MAX_ELEMENTS} more of the same form.")
    layers = range(1, spec.depth + 1) if stage.kind == "update" else [stage.layer]
    for layer in layers:
        if stage.kind in ("start", "z", "a", "delta", "loss"):
            parts.append(markdown_table(neuron_table(w, index, layer, names), decimals))
        if stage.kind in ("grad", "update"):
            tables = weight_tables(w, index, layer, names)
            title = list(tables)[1 if stage.kind == "grad" else 2]
            frame = tables[title]
            if frame.size <= MAX_TABLE_CELLS:
                parts.append(f"*{title}*\n\n{markdown_table(frame, decimals)}")
            else:
                size = f"{frame.shape[0]}×{frame.shape[1]}"
                parts.append(f"*{title}*: a {size} matrix, too large to print here (see the Step page's tables).")
    if stage.kind == "update":
        parts.append(markdown_table(loss_table(w), decimals))
    return "\n\n".join(parts)


def _naming(names: Names) -> str:
    """How the document names things: its source's way, or bpviz's numbering."""
    if names.textbook:
        return f"Everything is named as in {names.naming.source}."
    return (
        "Layers are numbered from the input (layer 0), neurons from 1; "
        r"$w^{(l)}_{i,j}$ connects neuron $j$ of layer $l-1$ to neuron $i$ of layer $l$."
    )


def worked_example(
    w: Walk, decimals: int = 4, title: str = "One step of backpropagation", names: Names | None = None
) -> str:
    """The Markdown document of every stage of the step ``w``, numbers at ``decimals`` decimals, everything
    named as ``names`` name it (bpviz's own names by default)."""
    spec = w.net.spec
    names = names or Names(spec)
    vector = ", ".join
    header = [
        f"# {title}",
        f"Network {'-'.join(map(str, spec.layers))} ({', '.join(ACTIVATIONS[a].label for a in spec.activations)}); "
        f"loss: {LOSSES[spec.loss].label} ({REDUCTIONS[spec.reduction]}); biases: {BIAS_MODES[spec.bias]}; "
        f"learning rate η = {spec.learning_rate:g}.",
        f"Sample: x = ({vector(format_value(v, decimals) for v in w.x)}), "
        f"y = ({vector(format_value(v, decimals) for v in w.y)}).",
        f"Numbers are rounded to {decimals} decimals; every one was computed by bpviz in float64. " + _naming(names),
    ]
    sections = [_section(w, index, decimals, names) for index in range(len(w.stages))]
    return "\n\n".join(header + sections) + "\n"
