"""Figure builders: each returns a ``plotly.graph_objects.Figure`` and never imports Streamlit."""

from .diagram import drawn_indices, network_figure

__all__ = ["drawn_indices", "network_figure"]
