"""Which element of the diagram is selected: pure functions over selections and click events.

A selection is ("node", l, i) (neuron i of layer l = 0..L), ("edge", k, i, j) (``W[k][i, j]``,
from neuron j of layer k to neuron i of layer k+1) or ("bias", k, i) (``b[k][i]``), all
0-based. Every element hangs on one neuron, its *anchor*: a node on itself, an edge and a
bias on the neuron they feed. The selectbox alternative to clicking picks an anchor first,
then one of ``element_choices`` of it. Until the user chooses (selection None), the panel
follows the stage: it shows the first element the current stage computes.
"""

import numpy as np

from bpviz.engine.network import Network
from bpviz.engine.spec import NetworkSpec

from .names import Names, layer_names, layer_title
from .stages import Stage

KINDS = {"node": 2, "edge": 3, "bias": 2}  # kind -> number of integer fields


def _as_index(value) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, np.integer)):
        return int(value) if value >= 0 else None
    if isinstance(value, (float, np.floating)) and float(value).is_integer() and value >= 0:
        return int(value)
    return None


def _parse_customdata(data) -> tuple | None:
    if not isinstance(data, (list, tuple)) or not data or data[0] not in KINDS:
        return None
    count = KINDS[data[0]]
    if len(data) < count + 1:
        return None
    ints = [_as_index(v) for v in data[1 : count + 1]]
    if any(v is None for v in ints):
        return None
    return (data[0], *ints)


def is_valid_selection(net: Network | NetworkSpec, selected) -> bool:
    """True when ``selected`` is ("node", l, i), ("edge", k, i, j) or ("bias", k, i) inside ``net``."""
    spec = net.spec if isinstance(net, Network) else net
    sel = _parse_customdata(list(selected)) if isinstance(selected, (list, tuple)) else None
    if sel is None or len(sel) != len(selected):
        return False
    layers, L = spec.layers, spec.depth
    if sel[0] == "node":
        return sel[1] <= L and sel[2] < layers[sel[1]]
    if sel[0] == "edge":
        return sel[1] < L and sel[2] < layers[sel[1] + 1] and sel[3] < layers[sel[1]]
    return spec.bias != "none" and sel[1] < L and sel[2] < layers[sel[1] + 1]


def selection_from_event(event, net: Network | NetworkSpec | None = None) -> tuple | None:
    """The first selectable point of a Streamlit plotly selection, or None.

    ``event`` is what ``st.plotly_chart(..., on_select=..., selection_mode="points")``
    returns: ``{"selection": {"points": [{"customdata": [...], ...}, ...]}}``.
    Returns ("node", layer, i), ("edge", k, i, j) or ("bias", k, i) with
    non-negative ints; None for an empty, malformed or unknown selection. When
    ``net`` is given the indices must also lie inside it.
    """
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError, IndexError, AttributeError):
        return None
    if not isinstance(points, (list, tuple)):
        return None
    for point in points:
        try:
            sel = _parse_customdata(point["customdata"])
        except (KeyError, TypeError, IndexError):
            continue
        if sel is not None and (net is None or is_valid_selection(net, sel)):
            return sel
    return None


# ----------------------------------------------------------------------------- geometry


def follow_stage(stage: Stage, spec: NetworkSpec) -> tuple:
    """What the panel shows while the user has chosen nothing: the first element the stage computes.

    start: x1; z, a, δ of layer l and the loss: the first neuron of that layer; the gradients
    of layer l: the first weight into it; the update: the first weight of the output layer.
    """
    if stage.kind == "grad":
        return ("edge", stage.layer - 1, 0, 0)
    if stage.kind == "update":
        return ("edge", spec.depth - 1, 0, 0)
    return ("node", stage.layer, 0)


def kept(selected, spec: NetworkSpec) -> tuple | None:
    """``selected`` as a tuple while it exists in a net with ``spec``; None (follow the stage) otherwise."""
    if selected is not None and is_valid_selection(spec, tuple(selected)):
        return tuple(selected)
    return None


def shown(selected, stage: Stage, spec: NetworkSpec) -> tuple:
    """The element the panel and the diagram's highlight show: the user's choice, else ``follow_stage``."""
    return kept(selected, spec) or follow_stage(stage, spec)


def after_click(event, previous, spec: NetworkSpec) -> tuple | None:
    """The user's selection after a chart selection ``event`` (Streamlit's plotly selection state).

    A click on a node, edge or bias selects it. An event that selects nothing usable (a
    double-click that clears the chart, a click on the constant-1 bias node, a figure
    redraw) keeps the previous choice, so the panel never changes by accident.
    """
    clicked = selection_from_event(event, spec)
    return clicked if clicked is not None else kept(previous, spec)


def anchor(selected: tuple) -> tuple[int, int]:
    """(layer, neuron) that the element hangs on."""
    if selected[0] == "node":
        return selected[1], selected[2]
    return selected[1] + 1, selected[2]


def element_choices(spec: NetworkSpec, layer: int, i: int) -> list[tuple]:
    """The neuron itself, then every weight into it (one per neuron of layer − 1), then its bias."""
    choices = [("node", layer, i)]
    if layer > 0:
        choices += [("edge", layer - 1, i, j) for j in range(spec.layers[layer - 1])]
        if spec.bias != "none":
            choices.append(("bias", layer - 1, i))
    return choices


def neuron_choices(spec: NetworkSpec) -> list[tuple[int, int]]:
    """Every (layer, neuron) of the net, input first."""
    return [(l, i) for l, n in enumerate(spec.layers) for i in range(n)]


def neuron_label(spec: NetworkSpec, layer: int, i: int, names: Names | None = None) -> str:
    """A short menu label: 'h1_2 (hidden 1)'."""
    return f"{(names or Names(spec)).node(layer, i)} ({layer_names(spec)[layer]})"


def element_label(spec: NetworkSpec | Network, selected: tuple, names: Names | None = None) -> str:
    """A plain label: 'h1_2 · neuron 2 of hidden 1 · sigmoid', 'weight x1 → h1_2', 'bias of h1_2'; with a
    source's names the weight and bias say theirs: 'weight w5: h1 → o1', 'bias b1 of h1'."""
    n = names or Names(spec)
    kind = selected[0]
    if kind == "node":
        layer, i = selected[1], selected[2]
        return f"{n.node(layer, i)} · neuron {i + 1} of {layer_title(spec, layer)}"
    if kind == "edge":
        own = f"{n.weight(*selected[1:])}: " if n.textbook else ""
        return f"weight {own}{n.edge(*selected[1:])}"
    own = f"{n.bias(selected[1], selected[2])} " if n.textbook else ""
    return f"bias {own}of {n.node(selected[1] + 1, selected[2])}"
