"""Weight tables of the Design page (pure): W^(l) and b^(l) as one labelled table, and back.

Table l (0-based k = l - 1) has a row per receiving neuron of layer l (h1_1, ..., ŷ1) and a column per
sending neuron of layer l-1 (x1, ...), the same orientation as ``W[k]`` (n_l, n_{l-1}), plus a last
column ``bias`` holding ``b[k]`` (left out when the bias mode is "none").
"""

import numpy as np
import pandas as pd

from bpviz import BpvizError, Network
from bpviz.lesson.names import Names

BIAS_COLUMN = "bias"
MAX_EDITABLE = 64  # tables are editable up to 64 × 64 weights


def editable(net: Network, k: int) -> bool:
    """True when W[k] is small enough (≤ MAX_EDITABLE rows and columns) for an editable table."""
    rows, cols = net.W[k].shape
    return rows <= MAX_EDITABLE and cols <= MAX_EDITABLE


def weight_table(net: Network, k: int, names: Names | None = None) -> pd.DataFrame:
    """W[k] with rows named for layer k+1 and columns for layer k, and b[k] as the last column."""
    # Copies: with pandas 2 (no copy-on-write) a frame over net.W[k] would let an edit change the network.
    names = names or Names(net.spec)
    table = pd.DataFrame(net.W[k].copy(), index=names.nodes(k + 1), columns=names.nodes(k))
    if net.spec.bias != "none":
        table[BIAS_COLUMN] = net.b[k].copy()
    table.index.name = "neuron"
    return table


def apply_table(net: Network, k: int, table: pd.DataFrame, names: Names | None = None) -> Network:
    """A copy of ``net`` with W[k] (and b[k]) read from ``table`` (as made by ``weight_table``).
    An empty or non-finite cell raises BpvizError naming it; ``net`` is never changed."""
    expected = weight_table(net, k, names)
    if list(table.columns) != list(expected.columns) or list(table.index) != list(expected.index):
        raise BpvizError("weights", f"the table of layer {k + 1} no longer matches the network; reload the page")
    values = table.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    bad = np.argwhere(~np.isfinite(values))
    if len(bad):
        row, col = bad[0]
        raise BpvizError(
            "weights", f"layer {k + 1}, row {table.index[row]}, column {table.columns[col]}: enter a finite number"
        )
    W, b = list(net.W), list(net.b)
    n_in = net.W[k].shape[1]
    W[k] = values[:, :n_in]
    if net.spec.bias != "none":
        b[k] = values[:, n_in]
    return Network.from_arrays(net.spec, W, b)


def differs(net: Network, k: int, table: pd.DataFrame) -> bool:
    """True when ``table`` holds other values than W[k] and b[k] (an empty cell counts as different)."""
    values = table.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    return not np.array_equal(values, weight_table(net, k).to_numpy(dtype=float))


def set_parameter(net: Network, selected: tuple, value: float) -> Network:
    """A copy of ``net`` with one parameter set: ("edge", k, i, j) is W[k][i, j], ("bias", k, i) is b[k][i].
    A non-finite value raises BpvizError; ``net`` is never changed."""
    W, b = [w.copy() for w in net.W], [v.copy() for v in net.b]
    if selected[0] == "edge":
        _, k, i, j = selected
        W[k][i, j] = value
    elif selected[0] == "bias":
        _, k, i = selected
        b[k][i] = value
    else:
        raise ValueError(f"{selected[0]!r} is not a parameter")
    return Network.from_arrays(net.spec, W, b)
