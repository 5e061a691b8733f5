"""What every neuron computes over the input plane of 2-D data: one forward pass of a grid.

The plane (x1, x2) is sampled on a G × G grid over ``extent``; the grid's G² points go into the network as the
input features it was built for (``bpviz.data.features.expand``: x1 and x2 themselves by default, or e.g. x1²
and x2², so n_0 = the number of features) and through it as one batch
(``bpviz.engine.backprop.forward_trace``), and every layer's activations are kept as maps:

    values[l][i, r, c] = a⁽ˡ⁾_i at the point (x1[c], x2[r])      l = 0..L, shape (n_l, G, G)
    z[l - 1][i, r, c]  = z⁽ˡ⁾_i at that point                       l = 1..L

so ``values[0]`` holds the input features themselves and ``values[L]`` the output ŷ; where z⁽ˡ⁾_i = 0 the
neuron switches (a straight line in the features for the first hidden layer, bent by the layers after it).

The points go through in blocks of ``block_rows`` rows: OpenBLAS spreads a matrix product over its threads
once m·n·k passes 4·65536, and for products this small the threads mostly wait on each other; on a shared
2-core machine a 60 × 60 grid through a 16-16 layer took three times longer that way than in blocks.

Row r grows with x2 and column c with x1 (a picture of a map puts its last row on top). The Train page's
diagram paints each neuron's map on its node, and draws the chosen one large.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from bpviz.data.features import DEFAULT_FEATURES, expand
from bpviz.engine.backprop import forward_trace
from bpviz.engine.network import Network

TILE_GRID = 24  # cells per side of the maps painted on the diagram's nodes
PAD = 0.15  # margin around the data, as a share of its range
BLAS_WORK = 200_000  # m·n·k of the largest product of one block (OpenBLAS stays on one thread below 262,144)


@dataclass(frozen=True)
class NeuronMaps:
    """Every neuron's activation on a grid of the input plane (see the module docstring): ``x1`` and ``x2``,
    shape (G,), the grid's coordinates; ``values[l]``, shape (n_l, G, G), layer l's activations; ``z[l - 1]``
    layer l's weighted inputs."""

    x1: np.ndarray
    x2: np.ndarray
    values: tuple[np.ndarray, ...]
    z: tuple[np.ndarray, ...]

    @property
    def grid(self) -> int:
        return len(self.x1)

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """(x1 low, x1 high, x2 low, x2 high) of the grid."""
        return float(self.x1[0]), float(self.x1[-1]), float(self.x2[0]), float(self.x2[-1])

    def color_range(self, layer: int, i: int) -> float:
        """The half-width m of a symmetric colour range [−m, m] that holds every finite value of neuron i of
        ``layer``: 1 for a sigmoid, tanh or softmax neuron (values within ±1), its largest |a| when larger."""
        values = self.values[layer][i]
        biggest = np.abs(values[np.isfinite(values)])
        return max(1.0, float(biggest.max()) if biggest.size else 1.0)


def span(values: np.ndarray, pad: float = PAD) -> tuple[float, float]:
    """(low, high) of ``values`` widened by ``pad`` of their range on each side (1 when they are all equal)."""
    lo, hi = float(np.min(values)), float(np.max(values))
    with np.errstate(over="ignore"):
        width = (hi - lo) or 1.0
        out = lo - pad * width, hi + pad * width
    return out if np.all(np.isfinite([width, *out])) else (lo, hi)  # data near ±1.8e308 keeps its own range


def plane_extent(X: np.ndarray) -> tuple[float, float, float, float]:
    """(x1 low, x1 high, x2 low, x2 high): the plane around 2-feature inputs ``X`` of shape (B, 2), with a
    margin (``span``)."""
    return (*span(X[:, 0]), *span(X[:, 1]))


def block_rows(layers) -> int:
    """Rows of a block whose largest product, (rows × n_{l−1}) · (n_{l−1} × n_l), stays under BLAS_WORK."""
    widest = max(a * b for a, b in zip(layers, layers[1:]))
    return max(64, BLAS_WORK // widest)


def neuron_maps(
    net: Network,
    extent: tuple[float, float, float, float],
    grid: int = TILE_GRID,
    features=DEFAULT_FEATURES,
    keep: Mapping[int, range] | None = None,
) -> NeuronMaps:
    """The activations of every layer of ``net`` (one input per feature of ``features``) on a ``grid`` × ``grid``
    grid over ``extent`` = (x1 low, x1 high, x2 low, x2 high), in one forward pass of its grid² points.

    ``keep`` (layer l -> the neurons of l kept, a range) keeps only those maps: ``values[l]`` is then
    (len(keep[l]), G, G), empty for a layer it leaves out (a picture of the output or of one neuron needs
    G²·n bytes for them alone, not G²·Σ n_l: 250 MB for a 4096-wide layer at G = 60). The maps are filled
    block by block, so the pass holds the kept maps and one block's trace at most."""
    if net.spec.layers[0] != len(features):
        raise ValueError(f"maps over the input plane need {len(features)} inputs, not {net.spec.layers[0]}")
    if grid < 2:
        raise ValueError("a map needs a grid of at least 2 × 2")
    x1 = np.linspace(extent[0], extent[1], grid)
    x2 = np.linspace(extent[2], extent[3], grid)
    g1, g2 = np.meshgrid(x1, x2)  # (G, G): row r is x2[r], column c is x1[c]
    points, rows = expand(np.c_[g1.ravel(), g2.ravel()], features), block_rows(net.spec.layers)
    kept = [range(n) if keep is None else keep.get(l, range(0)) for l, n in enumerate(net.spec.layers)]
    values = [np.empty((len(k), grid * grid)) for k in kept]
    z = [np.empty((len(k), grid * grid)) for k in kept[1:]]
    for start in range(0, len(points), rows):
        block_z, block_a = forward_trace(net, points[start : start + rows])
        for out, part, ks in ((values, block_a, kept), (z, block_z, kept[1:])):
            for o, p, k in zip(out, part, ks):
                o[:, start : start + len(p)] = p[:, k.start : k.stop].T
    return NeuronMaps(x1, x2, *(tuple(m.reshape(-1, grid, grid) for m in part) for part in (values, z)))
