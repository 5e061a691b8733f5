"""Design: the layers, data and conventions of the network; its diagram and equations; hand-set weights;
import and export. Every edit goes through webui.design_form, which keeps the last valid network."""

from functools import partial

import numpy  # noqa: F401  (imported up front: a lazy first import raced a quick second click)
import pandas as pd
import plotly  # noqa: F401
import streamlit as st

from bpviz import BpvizError
from bpviz.data.catalog import MAX_NOISE, NOISE_STEP, SOURCES
from bpviz.data.datasets import MAX_SAMPLES, MAX_TEST_FRACTION, describe_dataset, output_choices
from bpviz.data.features import FEATURES
from bpviz.design.edits import can_add_layer, is_initial
from bpviz.design.weights import BIAS_COLUMN, MAX_EDITABLE, apply_table, differs, editable, weight_table
from bpviz.engine.activations import ACTIVATIONS
from bpviz.engine.inits import INITS
from bpviz.engine.losses import LOSSES, REDUCTIONS
from bpviz.engine.spec import BIAS_MODES, MAX_HIDDEN_LAYERS, MAX_NEURONS, MAX_SEED
from bpviz.figures.boundary import data_figure
from bpviz.figures.chart_layout import alt_text
from bpviz.io import netfile
from bpviz.lesson.names import layer_title
from bpviz.lesson.numbers import printf_format
from bpviz.lesson.summary import (
    activation_definitions,
    architecture,
    forward_equations,
    loss_equation,
    parameter_count,
    shape_rows,
)
from webui import design as form
from webui import notices, state, viewport
from webui.diagram_view import show_diagram
from webui.notices import md, show
from webui.setup import DESIGN_PANES, figure_scale, setup_page

setup_page("Design")
form.sync()
net = state.net()
spec = net.spec
names = state.names()
try:
    data = state.dataset()
except BpvizError as err:  # only a tampered session gets here: say so and keep the page usable
    data = None
    notices.say("error", f"The current dataset cannot be loaded ({err}); pick another one.")

FILE_BYTES_PER_PARAMETER = 26  # a weight in the network file: up to 17 significant digits, a comma, a line

st.title("Design")
st.caption(
    "Shape the network and its data; the diagram and the equations follow every edit. "
    "Changing layer sizes, the initialisation or the seed draws new weights from the seed; "
    "activations, loss, reduction, bias mode and learning rate keep the weights you have."
)


def data_controls() -> None:
    st.subheader("Data")
    st.selectbox(
        "Dataset",
        list(SOURCES),
        format_func=lambda name: SOURCES[name].label,
        key=form.DATASET,
        on_change=form.on_dataset,
    )
    form.explain(form.DATASET)
    name = state.widget(form.DATASET)
    knobs = [*SOURCES[name].knobs, *(["test_fraction"] if SOURCES[name].splittable else [])]
    widgets = {
        "n": lambda: st.number_input("Samples", 1, MAX_SAMPLES, step=10, **form.edit(form.N)),
        "noise": lambda: st.number_input(
            "Noise", 0.0, MAX_NOISE, step=NOISE_STEP, format="%.2f", **form.edit(form.NOISE)
        ),
        "classes": lambda: st.number_input("Classes", 2, 10, step=1, **form.edit(form.CLASSES)),
        "test_fraction": lambda: st.number_input(
            "Test fraction", 0.0, MAX_TEST_FRACTION, step=0.05, format="%.2f", **form.edit(form.TEST_FRACTION)
        ),
    }
    for column, knob in zip(st.columns(4), knobs):
        with column:
            widgets[knob]()
            form.explain(form.FIELD_WIDGET[knob])
    if SOURCES[name].plane:
        feature_controls()
    if name == "csv":
        st.file_uploader(
            "CSV file: a **label** column (classification) or **target…** columns (regression); "
            "every other column is a numeric feature",
            type=["csv"],
            key=form.CSV_UPLOAD,
            on_change=form.on_csv_upload,
        )
        form.explain(form.CSV_UPLOAD)
    if data is not None:
        in_use = state.data_settings().name
        source = state.csv_file()[0] if in_use == "csv" else SOURCES[in_use].label
        note = (
            " (4 samples, noise 0: exactly the truth table)"
            if in_use in ("xor", "and", "or") and len(data) == 4
            else ""
        )
        notices.caption(md("In use: **{}** · {}{}", source, describe_dataset(data), note))
        data_preview()


def feature_controls() -> None:
    """TensorFlow Playground's input features of the 2-D points: each chosen one is an input neuron."""
    st.multiselect(
        "Input features",
        list(FEATURES),
        format_func=lambda key: FEATURES[key].label,
        help="What the network gets of each point (x1, x2): x1 and x2 themselves, or their squares, product or "
        "sines. With x1² and x2² a circle is a straight line, so no hidden layer is needed to separate circles.",
        **form.edit(form.FEATURES),
    )
    form.explain(form.FEATURES)
    notices.caption("One input neuron per feature: a change resizes the input layer and draws new weights from "
                    "the seed.")  # fmt: skip


def data_preview() -> None:
    """The data (train and test) under what the network predicts now, for 1-D and 2-D inputs."""
    train, test = state.train_test()
    figure = data_figure(net, train, test)
    if figure is not None:
        with st.expander("Look at the data, and what the network makes of it now"):
            st.plotly_chart(figure, width="stretch", config={"displayModeBar": False}, alt=alt_text(figure))


def layer_controls() -> None:
    st.subheader("Layers")
    widths = [2.2, 2, 3.2, 1]
    for column, head in zip(st.columns(widths), ("Layer", "Neurons", "Activation", "")):
        notices.caption(head, column)
    row = st.columns(widths, vertical_alignment="center")
    row[0].markdown("**Input** x")
    notices.write(md("{}", spec.layers[0]), row[1])
    inputs = names.nodes(0) if spec.layers[0] <= 8 else []
    notices.caption(md("one neuron per feature of the data{}", f": {', '.join(inputs)}" if inputs else ""), row[2])
    for l in range(1, spec.depth):
        units, act = form.layer_key("units", l), form.layer_key("act", l)
        row = st.columns(widths, vertical_alignment="center")
        notices.write(md("**Hidden {}** h{}", l, l), row[0])
        row[1].number_input(
            f"Neurons in hidden layer {l}", 1, MAX_NEURONS, label_visibility="collapsed", **form.edit(units)
        )
        row[2].selectbox(
            f"Activation of hidden layer {l}",
            list(ACTIVATIONS),
            format_func=lambda name: ACTIVATIONS[name].label,
            label_visibility="collapsed",
            **form.edit(act),
        )
        row[3].button(
            "",
            icon=":material/delete:",
            key=form.layer_key("remove", l),
            on_click=form.remove_layer,
            args=(l,),
            help=f"Remove hidden layer {l}",
        )
        form.explain(units, act, form.layer_key("remove", l))
    row = st.columns(widths, vertical_alignment="center")
    row[0].markdown("**Output** ŷ")
    two_classes = data is not None and len(output_choices(data)) > 1
    if two_classes:
        row[1].selectbox(
            "Output neurons", output_choices(data), label_visibility="collapsed", **form.edit(form.N_OUT)
        )
    else:
        notices.write(md("{}", spec.layers[-1]), row[1])
    row[2].selectbox(
        "Output activation",
        list(ACTIVATIONS),
        format_func=lambda name: ACTIVATIONS[name].label,
        label_visibility="collapsed",
        **form.edit(form.OUT_ACTIVATION),
    )
    if two_classes:
        st.caption("Two classes: 1 output with a 0/1 target, or 2 outputs with one-hot targets (softmax needs 2).")
    form.explain(form.N_OUT, form.OUT_ACTIVATION)
    st.button(
        "Add a hidden layer",
        icon=":material/add:",
        key=form.ADD_LAYER,
        on_click=form.add_layer,
        disabled=not can_add_layer(spec),
        help=f"Up to {MAX_HIDDEN_LAYERS} hidden layers; the new one copies the last hidden layer.",
    )
    if not can_add_layer(spec):
        st.caption(f"{MAX_HIDDEN_LAYERS} hidden layers is the most a network can have here.")
    form.explain(form.ADD_LAYER)


def training_controls() -> None:
    st.subheader("Loss and learning rate")
    st.selectbox("Loss", list(LOSSES), format_func=lambda name: LOSSES[name].label, **form.edit(form.LOSS))
    form.explain(form.LOSS)
    left, right = st.columns(2)
    with left:
        st.radio(
            "Over a batch",
            list(REDUCTIONS),
            format_func=REDUCTIONS.get,
            horizontal=False,
            **form.edit(form.REDUCTION),
        )
    with right:
        st.number_input("Learning rate η", step=0.01, format="%g", **form.edit(form.LR))
        form.explain(form.LR)


def init_controls() -> None:
    st.subheader("Initial weights")
    left, right = st.columns(2)
    with left:
        st.selectbox(
            "Initialisation", list(INITS), format_func=lambda name: INITS[name].label, **form.edit(form.INIT)
        )
        st.selectbox("Biases", list(BIAS_MODES), format_func=BIAS_MODES.get, **form.edit(form.BIAS))
        form.explain(form.INIT, form.BIAS)
    with right:
        st.number_input("Seed", 0, MAX_SEED, step=1, **form.edit(form.SEED))
        form.explain(form.SEED)
    st.button(
        "Re-initialise from seed",
        icon=":material/casino:",
        key=form.REINIT,
        on_click=form.reinitialise,
        help="Draw the weights again from the initialisation and the seed (biases start at 0).",
    )
    if is_initial(net):
        notices.caption(f"The weights are the ones {INITS[spec.init].label} draws with seed {spec.seed}.")
    else:
        st.caption("The weights were set by hand, imported or trained since they were drawn.")


def diagram() -> None:
    st.toggle(
        "Draw biases as constant-1 nodes (the bias trick)",
        key=form.SHOW_BIAS,
        on_change=form.on_show_bias,
        disabled=spec.bias == "none",
    )
    picked = state.design().selected
    show_diagram(
        net,
        picked,
        form.DIAGRAM,
        state.design(),
        names=names,
        show_bias=state.show_bias(),
        scale=figure_scale(),
        width=viewport.pane_width(7 / 12),
        max_height=max(360.0, state.viewport().height - 150.0),
    )
    if picked is None or picked[0] == "node":
        st.caption("Click an edge to set its weight here; with the bias trick on, click a bias edge to set the bias.")
        return
    if picked[0] == "edge":
        _, k, i, j = picked
        own = f"{names.weight(k, i, j)} · " if names.textbook else ""
        label = f"Weight {own}{names.edge(k, i, j)} · W{k + 1} row {i + 1}, column {j + 1}"
    else:
        _, k, i = picked
        label = f"Bias of {names.node(k + 1, i)} · b{k + 1} entry {i + 1}"
    value_format = printf_format([state.widget(form.PICKED_VALUE, 0.0)], 4)
    st.number_input(label, step=0.01, format=value_format, key=form.PICKED_VALUE, on_change=form.set_picked)
    form.explain(form.PICKED_VALUE)


def summary() -> None:
    st.subheader("Summary")
    count = parameter_count(spec)
    cols = st.columns(3)
    cols[0].metric("Weights", f"{count.weights:,}")
    cols[1].metric("Biases", f"{count.biases:,}", help="Bias mode " + BIAS_MODES[spec.bias] + ".")
    cols[2].metric("Trained parameters", f"{count.trainable:,}", help="Frozen biases keep their values in training.")
    st.latex(forward_equations(spec))
    definitions = activation_definitions(spec)
    if definitions:
        st.latex(r"\qquad ".join(definitions))
    st.latex(loss_equation(spec))
    st.dataframe(pd.DataFrame(shape_rows(spec)), hide_index=True, width="stretch")
    st.caption(
        "W⁽ˡ⁾ has a row per neuron of layer l and a column per neuron of layer l − 1, so z⁽ˡ⁾ = W⁽ˡ⁾ a⁽ˡ⁻¹⁾ + b⁽ˡ⁾."
    )


def weight_tables() -> None:
    st.subheader("Weights and biases")
    bias_note = {
        "learned": md("the last column, **{}**, is b", BIAS_COLUMN),
        "frozen": md("the last column, **{}**, is b (frozen: training keeps these values)", BIAS_COLUMN),
        "none": md("this network has no biases"),
    }[spec.bias]
    notices.caption(
        md(
            "Type a number into any cell and press Enter. Rows are the receiving neurons, columns the sending "
            "ones; {}.",
            bias_note,
        )
    )
    tabs = st.tabs([f"{layer_title(net, k + 1)} · W{k + 1} {w.shape[0]}×{w.shape[1]}" for k, w in enumerate(net.W)])
    for k, tab in enumerate(tabs):
        with tab:
            if editable(net, k):
                weight_editor(k)
            else:
                rows, cols = net.W[k].shape
                notices.say(
                    "info",
                    f"W{k + 1} is {rows} × {cols}: tables are editable up to {MAX_EDITABLE} × {MAX_EDITABLE}. "
                    "Download the network below, edit the file and import it.",
                )


def weight_editor(k: int) -> None:
    table = weight_table(net, k, names)
    edited = st.data_editor(
        table,
        key=form.weights_key(k, state.version()),
        column_config={c: st.column_config.NumberColumn(c, format=printf_format(table[c], 4)) for c in table.columns},
        width="stretch",
    )
    if differs(net, k, edited):
        try:
            new = apply_table(net, k, edited, names)
        except BpvizError as err:
            notices.say(
                "error", f"Not applied: {err.message}. The network keeps its last valid weights.", icon=form.WARNING
            )
            return
        state.set_net(new)
        st.rerun()


def files() -> None:
    st.subheader("Save and load")
    left, right = st.columns(2, gap="large")
    with left:
        st.download_button(
            "Download the network (JSON)",
            partial(netfile.dumps, net, train=state.train_settings(), data=state.data_settings()),  # on click
            file_name=f"bpviz-{architecture(spec)}.json",
            mime="application/json",
            key=form.DOWNLOAD,
            on_click="ignore",
            icon=":material/download:",
        )
        st.caption(
            "Sizes, activations, loss, conventions, seed and every weight and bias, exactly, with the dataset "
            "and the Train page's settings (a big network's file takes seconds to write)."
        )
    with right:
        st.file_uploader(
            "Import a network file", type=["json"], key=form.NET_UPLOAD, on_change=form.import_network
        )
        limit = st.get_option("server.maxUploadSize")
        if spec.n_params * FILE_BYTES_PER_PARAMETER > limit * 2**20:
            notices.caption(
                md(
                    "This network's file is over the {} MB this server accepts for imports (about {:,} weights and "
                    "biases). Use it with `python -m bpviz`, or raise `server.maxUploadSize` on a server of your own.",
                    limit,
                    limit * 2**20 // FILE_BYTES_PER_PARAMETER,
                )
            )
        show(form.import_notice())


controls, picture = st.container(key=DESIGN_PANES).columns([5, 7], gap="large")
with controls:
    data_controls()
    layer_controls()
    training_controls()
    init_controls()
with picture:
    diagram()
    summary()
st.divider()
weight_tables()
st.divider()
files()
