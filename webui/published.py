"""The Chain rule page's "matches the published numbers" panel for a circuit of the CS231n notes."""

import streamlit as st

from bpviz import chainrule as cr
from bpviz.chainrule.published import publication_of
from bpviz.lesson.published import compare, published_summary
from bpviz.lesson.tables import published_table
from webui import notices

PANEL = "chain_published"  # the expander (browser tests find it as .st-key-chain_published)


def chain_panel(expr: str, inputs: dict[str, float], result: cr.Result) -> None:
    """Every number the notes print for the circuit ``expr`` beside bpviz's, when its inputs are the notes'."""
    publication = publication_of(expr, inputs)
    if publication is None:
        return
    rows = compare(result, publication)
    with st.expander("Matches the published numbers (CS231n notes)", icon=":material/fact_check:", key=PANEL):
        notices.write(published_summary(rows))
        notices.caption(f"Source: {publication.title}; {publication.where}. bpviz computes in float64 and rounds "
                        "to the digits printed. Change an input and the numbers are no longer the notes'.")  # fmt: skip
        st.dataframe(published_table(rows), hide_index=True, height="content")
