"""One neuron's map drawn large: its activation over the input plane of 2-D data, the data on top.

The plane and the points are those of the decision boundary (``boundary.data_maps``, ``points_traces``), so
the two pictures line up. The colours are the diagram's tiles' (blue > 0, vermillion < 0, near-white 0), on
a range that holds all of the neuron's values (``NeuronMaps.color_range``) and lighter, so the points read on
top; a dashed line marks z = 0, where the neuron
switches (a sigmoid's a = 0.5, a tanh's a = 0, the edge of a ReLU's active side). A softmax neuron's output
depends on every z of its layer, so it has no such line.
"""

import numpy as np
import plotly.graph_objects as go

from bpviz.data.features import plane
from bpviz.engine.dataset import Dataset
from bpviz.engine.network import Network
from bpviz.lesson.names import Names, layer_title
from bpviz.lesson.numbers import format_value

from . import palette as P
from .boundary import GRID, HOVER_XY, data_maps, plane_layout, points_traces, points_words
from .chart_layout import live_figure

STRENGTH = 0.7  # how far toward the full sign colours the map goes (lighter than the tiles: points on top)


def neuron_map_figure(
    net: Network,
    layer: int,
    i: int,
    train_set: Dataset,
    test_set: Dataset | None = None,
    *,
    names: Names | None = None,
    height: int = 600,
) -> go.Figure:
    """Neuron ``i`` of layer ``layer`` (0 = the inputs) of ``net`` (one per feature) over the plane of the data, on a
    GRID × GRID grid, with the z = 0 line (hidden and non-softmax output neurons) and the data points."""
    names = names or Names(net.spec)
    maps = data_maps(net, train_set, test_set, GRID, keep={layer: range(i, i + 1)})  # this neuron's map only
    extent = maps.extent
    values, m = maps.values[layer][0], maps.color_range(layer, 0)
    name, symbol = names.node(layer, i), "x" if layer == 0 else "a"
    heat = dict(type="heatmap", x=maps.x1, y=maps.x2, z=values.astype(np.float32), zmin=-m, zmax=m,
                colorscale=P.diverging_scale(STRENGTH), name=f"{symbol} of {name}",
                colorbar={"title": {"text": symbol}, "len": 0.8, "thickness": 16},
                hovertemplate=f"{HOVER_XY}<br>{name}: {symbol} %{{z:.3f}}<extra></extra>")  # fmt: skip
    traces = [heat]
    switches = layer > 0 and net.spec.activations[layer - 1] != "softmax"
    if switches:
        traces.append(dict(type="contour", x=maps.x1, y=maps.x2, z=maps.z[layer - 1][0].astype(np.float32),
                           contours={"start": 0, "end": 0, "size": 1, "coloring": "none"}, showscale=False,
                           line={"color": P.INK, "width": 3, "dash": "dash"}, hoverinfo="skip",
                           name="z = 0"))  # fmt: skip
    points, hidden = points_traces(train_set, test_set)
    title = f"{name} · {layer_title(net.spec, layer)}"
    subtitle = f"{symbol} over the input plane" + (" · dashed: z = 0" if switches else "")
    subtitle += f" · {hidden:,} points not drawn" if hidden else ""
    low, high = format_value(float(values.min()), 3), format_value(float(values.max()), 3)
    alt = (f"{title}, {subtitle}: {symbol} of neuron {name} from {low} to {high} over the plane of "
           f"{' and '.join(plane(train_set).axes)}, {points_words(train_set, test_set)}.")  # fmt: skip
    layout = plane_layout(title, train_set, extent, alt, height, subtitle)
    layout["meta"].update(figure="neuron map", neuron=[layer, i])
    return live_figure(traces + points, layout)
