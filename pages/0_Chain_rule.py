"""Chain rule: backpropagation on a tiny computational graph, one node at a time, forward then backward."""

import numpy  # noqa: F401  (imported up front: a lazy first import raced a quick second click)
import pandas as pd
import plotly  # noqa: F401
import streamlit as st

from bpviz import chainrule as cr
from bpviz.engine.errors import BpvizError
from bpviz.figures.chart_layout import alt_text
from bpviz.figures.graph import graph_figure
from webui import chain as act
from webui import notices, reveal, state, viewport
from webui.notices import md
from webui.published import chain_panel
from webui.setup import NAV, setup_page

setup_page("Chain rule", icon="🔗")
with st.sidebar:
    reveal.toggle()
presenting = state.presenting()  # only the stage, its equation, the graph and Back/Next
if not presenting:
    st.markdown("## The chain rule on a computational graph")

# --- expression and inputs --------------------------------------------------------------------
record = state.chain()
expr = record.expr
choices = [*cr.LIBRARY, act.COMPOSE, act.TYPED]
titles = {**{k: g.title for k, g in cr.LIBRARY.items()}, act.COMPOSE: "compose your own (up to 4 operations)",
          act.TYPED: "type your own expression"}  # fmt: skip
try:
    graph, problem = act.graph(), None
except BpvizError as e:  # typed text that cannot be read: say where, keep the text as it is
    graph, problem = None, e
inputs = act.inputs(graph) if graph else {}
if not presenting:
    typed = expr == act.TYPED  # any number of inputs: they get rows of their own
    top = st.columns([3, *[1] * len(inputs)] if not typed else [1], vertical_alignment="bottom")
    top[0].selectbox("Expression", choices, format_func=titles.get,
                     **state.bind(act.EXPR, expr, act.set_expr))  # fmt: skip
    if typed:
        st.text_area("f in x, y, z and any other names, or a chain of assignments", height=act.text_height(),
                     help=act.TYPING_HELP, **state.bind(act.TEXT, record.typed, act.set_text))  # fmt: skip
        examples = st.container(horizontal=True, vertical_alignment="center")
        examples.caption("Ctrl+Enter reads it. Start from an example:")
        for i, (name, text) in enumerate(cr.TYPED_EXAMPLES.items()):
            examples.button(name, key=f"{act.EXAMPLE}_{i}", on_click=act.set_text, args=(text,))
    k = act.INPUTS_PER_ROW
    rows = [cell for i in range(0, len(inputs), k) for cell in st.columns(k)[: len(inputs) - i]]
    for col, name in zip(top[1:] if not typed else rows, inputs):
        seeded = state.bind(act.input_key(expr, name), inputs[name], act.set_input, expr, name)
        col.number_input(name, step=0.5, format="%g", **seeded)
if problem is not None:
    notices.say("error", f"The expression cannot be read: {problem.message}", icon="✏️")  # it quotes the text
    st.stop()


def _op_label(op: str) -> str:
    return cr.menu_label(op) if op in cr.OPS else "none (end here)"


if expr == act.COMPOSE and not presenting:
    steps = record.steps
    st.caption("f = op₄(op₃(op₂(op₁(x, y), z), w)): a two-argument step takes the result so far and the next input.")
    slots = st.columns(cr.MAX_STEPS)
    for i, slot in enumerate(slots[: len(steps) + 1]):
        op, p = steps[i] if i < len(steps) else ("none", None)
        options = [*cr.MENU] if i == 0 else ["none", *cr.MENU]
        slot.selectbox(f"Operation {i + 1}", options, format_func=_op_label,
                       **state.bind(act.step_key("op", i), op, act.set_step, i))  # fmt: skip
        if op == "power":
            seeded = state.bind(act.step_key("p", i), p, act.set_step, i)
            slot.number_input("exponent p", step=0.5, format="%g", **seeded)
    st.latex(f"f = {graph.expression(latex=True)}")

try:
    result = cr.evaluate(graph, inputs)
except BpvizError as e:
    result = None
    notices.say("error", f"Node {e.field} cannot be computed: {e.message}")

# --- navigation (same keys as the Step page; a presentation clicker sends PageDown / PageUp) ---
stages = cr.stages(graph)
n = len(stages)
index = act.stage_index(n)
nav = st.container(horizontal=True, vertical_alignment="center", key=NAV)  # buttons as wide as their words
nav.button("◀ Back", key=act.BACK, shortcut="Left", on_click=act.move, args=(-1, n),
           disabled=index == 0, help="Previous stage (← or PageUp)")  # fmt: skip
nav.button("Next ▶", key=act.NEXT, shortcut="Right", on_click=act.move, args=(1, n),
           type="primary", disabled=index == n - 1, help="Next stage (→ or PageDown)")  # fmt: skip
if not presenting:
    nav.button("Reset", key=act.RESET, shortcut="Home", on_click=act.move, args=(-n, n),
               help="Back to the start (Home)")  # fmt: skip
    nav.button("Example inputs", key=act.DEFAULT_INPUTS, on_click=act.default_inputs, args=(expr,),
               help="Put back the inputs this expression starts with")  # fmt: skip
    nav.slider("Jump to stage", 1, n, **state.bind(act.STAGE, index + 1, act.jump))
with st.container(key=act.CLICKER):
    st.button("Next", key=act.CLICKER_NEXT, shortcut="PageDown", on_click=act.move, args=(1, n))
    st.button("Back", key=act.CLICKER_BACK, shortcut="PageUp", on_click=act.move, args=(-1, n))
st.html(f"<style>.st-key-{act.CLICKER} {{display: none;}}</style>")


# --- the stage: headline, equation, graph, table ----------------------------------------------
def show_graph(values: cr.Result | None, hide: bool = False) -> None:
    fig = graph_figure(graph, values, index, height=act.graph_height(presenting), width=act.graph_width(), hide=hide)
    with viewport.fill(act.FILL):
        st.plotly_chart(fig, key=act.CHART, width="stretch", config={"displayModeBar": False}, alt=alt_text(fig))


if result is None:
    show_graph(None)
    st.stop()
asking = reveal.for_chain(graph, result, inputs, index)  # predict, then reveal: "?" until the learner answers
explanation = reveal.chain_explanation(asking, graph, result, stages[index])
if presenting:  # the stage in the navigation row, its equation, the graph: one screen
    notices.write(md("**Stage {} of {}** · {}", index + 1, n, explanation.headline), nav)
else:
    notices.write(md("#### Stage {} of {} · {}", index + 1, n, explanation.headline))
st.latex(explanation.latex)
asking.ask()
show_graph(result, asking.hidden)
if presenting:
    st.stop()
left, right = st.columns([3, 2], gap="medium")
with left:
    st.caption(
        "Above each operation its value, below it ∂f/∂node; inputs show both on their left. On a backward "
        "stage the arrows into the current node carry the local gradient that multiplies the upstream one."
    )
    for line in explanation.words:
        notices.write(line)
right.table(pd.DataFrame(cr.table(graph, result, asking.settled(index))).set_index("node"))
if graph.source:
    notices.caption(f"Source: {graph.source}.")
chain_panel(expr, inputs, result)
