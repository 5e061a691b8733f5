"""The maps on the diagram's tiles: each drawn neuron's activation over the input plane, painted on its node.

A 2-input network's nodes become squares of side ``columns.diameter`` (``plan(tiles=True)``), and each square
shows its neuron's map (``bpviz.lesson.maps.NeuronMaps``), as TensorFlow Playground draws its neurons. One
heatmap per layer paints all of that layer's tiles: its cells are bricks in the figure's px, the x edges
across the column's squares and, down the column, each square's G + 1 edges in turn, with one empty brick between
two squares. A square's top row is the map's highest x2, so every tile reads like the input plane (x1
across, x2 up). Colours are those of the node fills: blue > 0, vermillion < 0, near-white 0, on the fixed
range [−1, 1] TensorFlow Playground uses, so tiles compare at a glance; a larger value (a ReLU's, an input's)
takes the full colour (the large map of one neuron shows its whole range).

The figure is redrawn several times a second, so a value travels as one byte: its code

    code(v) = 1 + round(254 · (v + m) / 2m)      v ≤ −m → 1, 0 → 128, v ≥ m → 255     (m = RANGE)

and code 0, which the colour scale makes transparent, fills the bricks between squares (and any value that
is not finite). Plotly draws heatmaps under the lines and markers, so the edges stop at the squares' sides
and each node's outline and click target lie on top.
"""

import numpy as np

from bpviz.lesson.maps import NeuronMaps

from .. import palette as P
from .plan import Plan

LEVELS = 254  # codes 1..255 carry values, 0 is "nothing here"
RANGE = 1.0  # the tiles' colours run from −RANGE to RANGE


def codes(values: np.ndarray, m: float) -> np.ndarray:
    """The byte codes of ``values`` on the range [−m, m] (see the module docstring); 0 where not finite."""
    scaled = np.rint(LEVELS * (np.clip(values, -m, m) + m) / (2 * m)) + 1
    return np.where(np.isfinite(values), scaled, 0).astype(np.uint8)


def decoded(code: np.ndarray, m: float) -> np.ndarray:
    """The values codes stand for (to within m / 254), NaN for code 0."""
    value = (np.asarray(code, dtype=float) - 1) * 2 * m / LEVELS - m
    return np.where(np.asarray(code) > 0, value, np.nan)


def code_scale() -> list:
    """The colour scale over codes 0..255: transparent at 0, then ``palette.diverging_scale`` from 1 to 255."""
    ramp = [[(1 + LEVELS * p) / 255, color] for p, color in P.diverging_scale()]
    return [[0.0, "rgba(255,255,255,0)"], *ramp]


def tile_traces(plan: Plan, maps: NeuronMaps) -> list[dict]:
    """One heatmap per layer painting the maps of its drawn neurons on their squares (see the module
    docstring): z holds uint8 codes, shape (n·(G + 1) − 1, G) for n drawn neurons; x has G + 1 brick edges
    and y n·(G + 1); ``meta`` names the layer."""
    cols, G = plan.columns, maps.grid
    steps = np.linspace(-cols.diameter / 2, cols.diameter / 2, G + 1)
    out = []
    for k, drawn in enumerate(cols.drawn):
        n = len(drawn)
        z = np.zeros((n, G + 1, G), dtype=np.uint8)
        z[:, :G, :] = codes(maps.values[k][drawn][:, ::-1, :], RANGE)  # each square's top row: the highest x2
        y = (np.asarray(cols.y[k], dtype=float)[:, None] + steps[None, :]).ravel()
        out.append(dict(type="heatmap", name=f"maps of layer {k}", x=(cols.x[k] + steps).astype(np.float32),
                        y=y.astype(np.float32), z=z.reshape(n * (G + 1), G)[:-1], zmin=0, zmax=255,
                        colorscale=code_scale(), showscale=False, hoverinfo="skip", zsmooth=False,
                        meta=["tiles", k]))  # fmt: skip
    return out


def check_maps(maps: NeuronMaps, layers) -> None:
    """ValueError unless ``maps`` holds one (n_l, G, G) array per layer of a net with ``layers``."""
    shapes = [v.shape for v in maps.values]
    G = maps.grid
    if layers[0] != 2 or shapes != [(n, G, G) for n in layers] or len(maps.x2) != G:
        raise ValueError(f"maps of shapes {shapes} do not fit a {'-'.join(map(str, layers))} network")
