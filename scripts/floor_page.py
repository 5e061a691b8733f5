"""Streamlit's own floor for a click: one button and one small Plotly chart whose data changes on each click.

``python scripts/bench.py latency`` serves this page beside the app and times a click on it in the browser,
from the click to the chart's data changing, the same way it times a Next click on the Step page: the Step
page's figure is that floor's ratio to it. Nothing of bpviz is imported, so the page costs what Streamlit and
plotly.js cost and no more.
"""

import plotly.graph_objects as go
import streamlit as st

BUTTON = "floor_next"  # widget keys: the browser finds them as .st-key-<key>
CHART = "floor_chart"


def _next() -> None:
    st.session_state.clicks = st.session_state.get("clicks", 0) + 1


clicks = st.session_state.get("clicks", 0)
st.button("Next", key=BUTTON, on_click=_next)
st.plotly_chart(go.Figure(go.Scatter(x=[0, 1, 2], y=[clicks % 3, 1, (clicks + 1) % 3])), key=CHART)
st.caption(f"Clicks: {clicks}")
