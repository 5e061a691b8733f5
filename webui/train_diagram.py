"""The Train page's network diagram and the chosen neuron's map, both redrawn at the figures' pace while it trains.

``diagram`` draws the network as it is now, its edges coloured and widened by the weights; for 2-input data
each node is a tile painted with its neuron's activation over the input plane (``bpviz.lesson.maps``, a
coarse grid), as TensorFlow Playground draws them. ``neuron_panel`` draws one neuron's map large with the
data on top. A click on a tile (or on an edge or bias: the neuron it feeds) or the menu chooses that neuron;
the choice lives in ``state.Train.selected`` and the diagram rings it.
"""

from dataclasses import dataclass

import streamlit as st

from bpviz import Dataset, Network
from bpviz.engine.spec import NetworkSpec
from bpviz.figures.boundary import data_maps, has_plane
from bpviz.figures.chart_layout import alt_text
from bpviz.figures.diagram import network_figure
from bpviz.figures.neuron_map import neuron_map_figure
from bpviz.figures.training import HEIGHT
from bpviz.lesson.selection import anchor, kept, neuron_choices, neuron_label
from bpviz.lesson.shown import train_view
from webui import state, viewport
from webui import train as act
from webui.diagram_view import show_figure
from webui.setup import figure_scale

# Widget keys (browser tests find them as .st-key-<key>).
DIAGRAM = "train_diagram"
NEURON = "train_neuron_input"
NEURON_CHART = "train_neuron_chart"
CHART = {"theme": None, "width": "stretch", "config": {"displaylogo": False}}


PRESENTING_TOP = 272  # px above the panes in presentation mode before the probe has measured them (1600 × 1000)
PRESENTING_BOTTOM = 12  # px left under them beyond viewport.fill_height's, so the last axis title is not cut
GAP = 16  # px between two charts stacked in a pane


@dataclass(frozen=True)
class Sizes:
    """Px of the live panel's charts: the diagram's width, height (None: its own) and the most it may take,
    each curve's height and the neuron map's."""

    width: float
    height: float | None
    tallest: float
    curve: int
    map: int


def sizes(presenting: bool, two_curves: bool) -> Sizes:
    """The sizes for the window: in presentation mode the curves (stacked, ``two_curves`` of them) and the
    diagram share the height under the buttons and the progress line; else the curves take HEIGHT each and
    the diagram is as tall as their column (or its own height, when shorter)."""
    v, width = state.viewport(), viewport.pane_width(0.5)
    if presenting:
        room = int(max(420.0, viewport.fill_height(PRESENTING_TOP) - PRESENTING_BOTTOM))
        return Sizes(width, room, room, (room - GAP) // 2 if two_curves else room, max(480, v.height - 120))
    column = 2 * HEIGHT + GAP if two_curves else HEIGHT
    return Sizes(width, None, max(column, 480), HEIGHT, 600)


def legend_words(net: Network, train_set: Dataset) -> str:
    """What the diagram shows, in words, under it."""
    text = "Edges: blue solid for a positive weight, vermillion dashed for a negative one, wider when larger."
    if has_maps(net, train_set):
        text += (" Each tile: what its neuron computes over the input plane (x1 across, x2 up), coloured from −1"
                 " to 1; click one to see it large.")
    return text + " Hover for the names and values."


def has_maps(net: Network, train_set: Dataset) -> bool:
    """True when the network's nodes can show maps over the input plane of ``train_set`` (2-D data, one input
    per feature)."""
    return has_plane(net, train_set)


def chosen(spec: NetworkSpec) -> tuple[int, int]:
    """(layer, neuron) whose map is drawn large: the neuron of what was clicked or picked (an edge or a bias:
    the neuron it feeds), else the first neuron of the first hidden layer."""
    selected = kept(state.train().selected, spec)
    return anchor(selected) if selected is not None else (1, 0)


def diagram(net: Network, train_set: Dataset, test_set: Dataset | None, width: float, height: float | None,
            tallest: float) -> None:  # fmt: skip
    """The diagram of ``net`` in ``width`` × ``height`` px (None: its own height, at most ``tallest``), with
    the maps on its tiles for 2-input data and the chosen neuron ringed."""
    maps = data_maps(net, train_set, test_set) if has_maps(net, train_set) else None
    selected = ("node", *chosen(net.spec)) if maps is not None else None
    figure = network_figure(net, selected=selected, view=train_view(net), maps=maps, width=width, height=height,
                            max_height=tallest, scale=figure_scale(), names=state.names())  # fmt: skip
    show_figure(act.live_figure(figure, DIAGRAM), DIAGRAM, state.train())


def neuron_panel(net: Network, train_set: Dataset, test_set: Dataset | None, height: int) -> None:
    """The menu of neurons and the chosen one's map over the input plane, ``height`` px tall, data on top."""
    spec, names = net.spec, state.names()
    st.selectbox("Neuron drawn large (or click its tile)", neuron_choices(spec),
                 format_func=lambda o: neuron_label(spec, *o, names),
                 **state.bind(NEURON, chosen(spec), _pick))  # fmt: skip
    figure = neuron_map_figure(net, *chosen(spec), train_set, test_set, names=names, height=height)
    figure = act.live_figure(figure, NEURON_CHART)
    st.plotly_chart(figure, key=NEURON_CHART, alt=alt_text(figure), **CHART)


def _pick() -> None:
    state.train().selected = ("node", *state.widget(NEURON))
