"""Home page: what bpviz is, presets to start from, and how to use each page."""

import numpy  # noqa: F401  (imported up front: a lazy first import raced a quick second click)
import pandas  # noqa: F401
import plotly  # noqa: F401
import streamlit as st

from bpviz.data.catalog import SOURCES
from bpviz.lesson.presets import PRESETS
from bpviz.lesson.summary import architecture
from webui import home, notices, state
from webui.notices import md
from webui.setup import PAGE_ICONS, load_preset, setup_page

CHAIN, DESIGN, STEP, TRAIN = "pages/0_Chain_rule.py", "pages/1_Design.py", "pages/2_Step.py", "pages/3_Train.py"
# Where each preset is best met first: a published worked example is for stepping through, the rest for looking at.
OPENS = {key: (STEP, "Step through it →") for key, p in PRESETS.items() if p.published is not None}
OPENS_DEFAULT = (DESIGN, "Open in Design →")
CARDS_PER_ROW = 3
HOW_TO = {  # in teaching order
    CHAIN: (
        "Chain rule",
        "Start here: the chain rule on a graph of a few operations. Next computes each node's value going "
        "forward, then its gradient going backward, the upstream gradient times the local one: the rule "
        "backprop applies to a whole network.",
    ),
    DESIGN: (
        "Design",
        "Add or remove hidden layers, set neurons and activations, and pick the data, loss and initialisation. "
        "The diagram and the forward-pass equations follow every edit. Type any weight or bias into its "
        "table, and save or load the whole network as a file.",
    ),
    STEP: (
        "Step",
        "Pick a sample and press Next: the forward pass layer by layer, the loss, the output δ, the backward pass "
        "and the gradients, every number on the diagram. Click a node or an edge for its equation with the "
        "numbers filled in, check the gradients against finite differences, then apply the update.",
    ),
    TRAIN: (
        "Train",
        "Choose epochs, batch size and learning rate, press Start and watch the training and test loss fall, "
        "the accuracy rise and, for 2-D data, the decision boundary take shape.",
    ),
}

setup_page("Home")

st.title("bpviz — the Backprop Playground")
st.markdown(
    "Build a small neural network and see every number it computes. "
    "Walk one sample through it forward and backward with every z, a, δ and gradient on the diagram, "
    "checked against finite differences. Then train it and watch the loss fall: one engine does all of it, "
    "so what you step through is exactly what training does."
)

st.header("Start from a preset")


def card(title: str, text: str, facts: str, button: str, key: str) -> bool:
    """A bordered card (title, text, small facts) with its button at the bottom; True when clicked."""
    with st.container(border=True, height="stretch", vertical_alignment="distribute"):
        with st.container():
            st.subheader(title)
            notices.write(text)
            notices.caption(facts)
        return st.button(button, key=key, type="primary", width="stretch")


presets = list(PRESETS.values())
slots = [*presets, None]  # the last card keeps the current network
for start in range(0, len(slots), CARDS_PER_ROW):
    for column, preset in zip(st.columns(CARDS_PER_ROW), slots[start : start + CARDS_PER_ROW]):
        with column:
            if preset is None:
                current = state.net().spec
                if card(
                    "Your own network",
                    "Keep the network you have and shape it layer by layer, or import a network file someone "
                    "shared with you.",
                    md("now: {:code} · {}", architecture(current), " → ".join(current.activations)),
                    "Open in Design →",
                    home.OWN_NETWORK,
                ):
                    st.switch_page(DESIGN)
                continue
            page, label = OPENS.get(preset.key, OPENS_DEFAULT)
            spec = preset.spec
            data_label = SOURCES[preset.data.name].label
            facts = md("{:code} · {} · {}", architecture(spec), " → ".join(spec.activations), data_label)
            if card(preset.title, preset.blurb, facts, label, home.preset_key(preset.key)):
                load_preset(preset.key)
                st.switch_page(page)

st.header("How to use it")
for column, (page, (name, text)) in zip(st.columns(len(HOW_TO)), HOW_TO.items()):
    with column:
        st.page_link(page, label=f"**{name}**", icon=PAGE_ICONS[name])
        notices.write(text)
st.caption("Your network and data stay as you leave them when you move between pages; the sidebar shows both.")
st.caption(
    "Lecturing? Presentation mode in the sidebar (or ?present=1 in the address) shows only the lesson in big type, "
    "and a clicker's PageDown and PageUp step through it. “Copy share link” in the sidebar gives a link that opens "
    "exactly the network, sample and stage on your screen."
)
