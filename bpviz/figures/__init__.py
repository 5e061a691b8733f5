"""Figure builders: each returns a ``plotly.graph_objects.Figure`` and never imports Streamlit."""

from bpviz.figures.diagram import (
    bias_symbol,
    drawn_indices,
    edge_name,
    format_value,
    is_valid_selection,
    layer_names,
    layer_title,
    network_figure,
    node_name,
    node_names,
    selection_from_event,
)

__all__ = [
    "bias_symbol",
    "drawn_indices",
    "edge_name",
    "format_value",
    "is_valid_selection",
    "layer_names",
    "layer_title",
    "network_figure",
    "node_name",
    "node_names",
    "selection_from_event",
]
