"""The maps on the diagram's tiles: each drawn neuron's activation over the input plane, painted on its node.

A 2-input network's nodes become squares of side ``columns.diameter`` (``plan(tiles=True)``), and each square
shows its neuron's map (``bpviz.lesson.maps.NeuronMaps``), as TensorFlow Playground draws its neurons. Each
map is a small G × G picture, one pixel a grid cell, placed on its square as a layout image (a PNG in a
``data:`` URI, stretched to the square, so the browser smooths it): far cheaper for the browser to draw several
times a second than a heatmap, which plotly paints pixel by pixel and encodes as a picture itself. Row 0 of
the picture is the map's highest x2, so every tile reads like the input plane (x1 across, x2 up).

Colours are those of the node fills: blue > 0, vermillion < 0, near-white 0, on the fixed range [−1, 1]
TensorFlow Playground uses, so tiles compare at a glance; a larger value (a ReLU's, an input's) takes the full
colour (the large map of one neuron shows its whole range). A value that is not finite is grey. The images lie
under the traces, so the edges (which stop at the squares' sides) and each node's outline and click target are
drawn on top.
"""

import numpy as np

from bpviz.lesson.maps import NeuronMaps

from .. import palette as P
from ..png import data_uri, png_rgb
from .plan import Plan

RANGE = 1.0  # the tiles' colours run from −RANGE to RANGE
COLORS = P.scale_colors(P.diverging_scale())  # (256, 3): level 0 is −RANGE, 255 is RANGE
NOT_FINITE = np.array(P.hex_to_rgb(P.FAINT), dtype=np.uint8)


def levels(values: np.ndarray) -> np.ndarray:
    """The colour level 0..255 of each value: round(255 · (v + RANGE) / 2·RANGE), clipped to the range."""
    clipped = np.clip(np.nan_to_num(values, nan=0.0), -RANGE, RANGE)
    return np.rint(255 * (clipped + RANGE) / (2 * RANGE)).astype(np.uint8)


def tile_rgb(values: np.ndarray) -> np.ndarray:
    """The picture of one map of shape (G, G) (row r is x2[r]): (G, G, 3) uint8, the highest x2 on top."""
    rgb = COLORS[levels(values[::-1])]
    rgb[~np.isfinite(values[::-1])] = NOT_FINITE
    return rgb


def tile_images(plan: Plan, maps: NeuronMaps) -> list[dict]:
    """One layout image per drawn neuron, its map's picture stretched over its square (see the module
    docstring), named "tile l,i"."""
    cols, side = plan.columns, plan.columns.diameter
    out = []
    for k, drawn in enumerate(cols.drawn):
        for r, i in enumerate(drawn.tolist()):
            out.append(dict(source=data_uri(png_rgb(tile_rgb(maps.values[k][i]))), name=f"tile {k},{i}", xref="x",
                            yref="y", x=cols.x[k] - side / 2, y=float(cols.y[k][r]) - side / 2, sizex=side,
                            sizey=side, sizing="stretch", xanchor="left", yanchor="top",
                            layer="below"))  # fmt: skip
    return out


def check_maps(maps: NeuronMaps, layers) -> None:
    """ValueError unless ``maps`` holds one (n_l, G, G) array per layer of a net with ``layers``."""
    shapes = [v.shape for v in maps.values]
    G = maps.grid
    if shapes != [(n, G, G) for n in layers] or len(maps.x2) != G:
        raise ValueError(f"maps of shapes {shapes} do not fit a {'-'.join(map(str, layers))} network")
