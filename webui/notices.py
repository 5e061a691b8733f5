"""The one place a message reaches the page: a ``state.Notice`` drawn as success, info, warning or error."""

import streamlit as st

from webui.state import Notice


def show(notice: Notice | None, where=st) -> None:
    """Draw ``notice`` (nothing for None) in ``where``: ``st`` itself, a column or a container."""
    if notice is not None:
        getattr(where, notice.kind)(notice.text, icon=notice.icon)
