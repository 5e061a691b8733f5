"""The clickable network diagram: ``network_figure`` in ``st.plotly_chart`` with the selection kept in a record.

Streamlit resets a chart's own selection whenever the figure changes (every stage), so the user's choice
lives in the ``selected`` field of the page's record (``state.Design`` or ``state.Step``): a click stores it
there through ``bpviz.lesson.selection.after_click``, and the figure draws the highlight of the element the
page shows itself.
"""

from functools import partial

import plotly.graph_objects as go
import streamlit as st

from bpviz import Network
from bpviz.figures.chart_layout import alt_text
from bpviz.figures.diagram import network_figure
from bpviz.lesson.selection import after_click
from webui import state

# No mode bar, no zoom or pan: a click only selects.
CHART_CONFIG = {"displayModeBar": False, "scrollZoom": False, "doubleClick": False, "responsive": True}


def show_diagram(net: Network, selected: tuple | None, chart_key: str, record, **figure_args) -> None:
    """Draw ``network_figure(net, selected=selected, **figure_args)``; a click stores the clicked element in
    ``record.selected``."""
    show_figure(network_figure(net, selected=selected, **figure_args), chart_key, record)


def show_figure(fig: go.Figure, chart_key: str, record) -> None:
    """Draw the diagram ``fig`` as it is (no Streamlit theme: the Step page's browser side draws its stages with
    Plotly alone, ``webui.stepper``); a click stores the clicked element in ``record.selected``."""
    st.plotly_chart(
        fig,
        key=chart_key,
        theme=None,
        on_select=partial(_on_select, chart_key, record),
        selection_mode="points",
        config=CHART_CONFIG,
        width="stretch",
        alt=alt_text(fig),
    )


def _on_select(chart_key: str, record) -> None:
    record.selected = after_click(state.widget(chart_key), record.selected, state.net().spec)
