"""The Design page's form: widgets filled from the shared network and data, and the callbacks that apply edits.

The truth is ``state.NET`` and ``state.DATA``. ``sync`` writes their values into the widget keys whenever
either changed (a preset, an import, another page) or a page switch dropped the keys, so a widget never
shows a stale value. Every edit runs ``apply_form``: the whole form becomes a draft spec and data settings;
a draft the engine accepts replaces the network (``design_edit.next_network``), one it refuses leaves the
network alone and puts the engine's message in ``DESIGN_ERROR`` for the page to show beside the control.
"""

import streamlit as st

from bpviz import BpvizError, Network
from bpviz.data.catalog import DATA_DEFAULTS, SOURCES, DataSettings
from bpviz.design.edits import add_hidden_layer, form_spec, next_network, redraws, remove_hidden_layer
from bpviz.design.imports import data_for
from bpviz.design.weights import set_parameter
from bpviz.engine.inits import INITS
from bpviz.engine.spec import NetworkSpec
from bpviz.io import netfile
from bpviz.lesson.selection import is_valid_selection
from bpviz.lesson.summary import architecture
from webui import state

# The widget each engine field is edited with (a refused edit is explained beside it).
FIELD_WIDGET = {
    "dataset": state.DESIGN_DATASET,
    "csv": state.DESIGN_CSV_UPLOAD,
    "n": state.DESIGN_N,
    "noise": state.DESIGN_NOISE,
    "classes": state.DESIGN_CLASSES,
    "test_fraction": state.DESIGN_TEST_FRACTION,
    "loss": state.DESIGN_LOSS,
    "reduction": state.DESIGN_REDUCTION,
    "bias": state.DESIGN_BIAS,
    "init": state.DESIGN_INIT,
    "seed": state.DESIGN_SEED,
    "learning_rate": state.DESIGN_LR,
}


def data_values(data: DataSettings) -> dict:
    """Widget key -> value that shows ``data``."""
    return {
        state.DESIGN_DATASET: data.name,
        state.DESIGN_N: int(data.n),
        state.DESIGN_NOISE: float(data.noise),
        state.DESIGN_CLASSES: int(data.classes),
        state.DESIGN_TEST_FRACTION: float(data.test_fraction),
    }


def form_values(spec: NetworkSpec, data: DataSettings) -> dict:
    """Widget key -> value that shows ``spec`` and ``data``."""
    values = data_values(data) | {
        state.DESIGN_N_OUT: spec.layers[-1],
        state.DESIGN_OUT_ACTIVATION: spec.activations[-1],
        state.DESIGN_LOSS: spec.loss,
        state.DESIGN_REDUCTION: spec.reduction,
        state.DESIGN_LR: float(spec.learning_rate),
        state.DESIGN_BIAS: spec.bias,
        state.DESIGN_INIT: spec.init,
        state.DESIGN_SEED: int(spec.seed),
    }
    for l in range(1, spec.depth):
        values[state.design_layer_key("units", l)] = spec.layers[l]
        values[state.design_layer_key("act", l)] = spec.activations[l - 1]
    return values


def sync() -> None:
    """Fill every form widget from NET and DATA if they changed since the last fill or a key is missing (a
    refill also drops a pending refused edit); show the bias toggle and the clicked parameter as they are.
    Call before the widgets are drawn."""
    ss = st.session_state
    values = form_values(state.net().spec, state.data_settings())
    marker = (ss[state.NET_VERSION], state.data_settings())
    if ss[state.DESIGN_SYNCED] != marker or any(k not in ss for k in values):
        ss.update(values)
        ss[state.DESIGN_SYNCED] = marker
        ss[state.DESIGN_ERROR] = None
    ss[state.DESIGN_SHOW_BIAS_TOGGLE] = ss[state.DESIGN_SHOW_BIAS]
    net = state.net()
    picked = ss[state.DESIGN_SELECTED]
    if picked is not None and not is_valid_selection(net.spec, picked):
        picked = ss[state.DESIGN_SELECTED] = None  # it went with a removed layer or neuron
    if picked is None:
        return
    if picked[0] == "edge":
        ss[state.DESIGN_PICKED_VALUE] = float(net.W[picked[1]][picked[2], picked[3]])
    elif picked[0] == "bias":
        ss[state.DESIGN_PICKED_VALUE] = float(net.b[picked[1]][picked[2]])


def _drawn_toast(spec: NetworkSpec) -> None:
    st.toast(f"New weights drawn from the seed: {INITS[spec.init].label}, seed {spec.seed}.", icon=":material/casino:")


def _replace_net(new: Network) -> None:
    """Make ``new`` the shared network and say in a toast when its weights were drawn anew."""
    old = state.net()
    state.set_net(new)
    if redraws(old.spec, new.spec):
        _drawn_toast(new.spec)
    elif new.spec.bias == "none" and old.spec.bias != "none":
        st.toast("Bias mode 'none': every bias is now 0.", icon=":material/info:")


def apply_form(changed: str) -> None:
    """Build the draft from every form widget (``changed`` is the one the user touched) and apply it,
    or record why the engine refuses it."""
    ss = st.session_state
    net, current = state.net(), state.data_settings()
    v = {k: ss.get(k, value) for k, value in form_values(net.spec, current).items()}
    hidden = range(1, net.spec.depth)
    if v[state.DESIGN_DATASET] == "csv" and ss[state.CSV] is None:
        ss[state.DESIGN_ERROR] = None  # nothing to apply until a file is uploaded
        return
    try:
        data = DataSettings(
            v[state.DESIGN_DATASET],
            n=v[state.DESIGN_N],
            noise=v[state.DESIGN_NOISE],
            classes=v[state.DESIGN_CLASSES],
            test_fraction=v[state.DESIGN_TEST_FRACTION],
        )
        spec = form_spec(
            state.dataset(data, v[state.DESIGN_SEED]),
            [v[state.design_layer_key("units", l)] for l in hidden],
            [*(v[state.design_layer_key("act", l)] for l in hidden), v[state.DESIGN_OUT_ACTIVATION]],
            v[state.DESIGN_N_OUT],
            loss=v[state.DESIGN_LOSS],
            reduction=v[state.DESIGN_REDUCTION],
            bias=v[state.DESIGN_BIAS],
            init=v[state.DESIGN_INIT],
            seed=v[state.DESIGN_SEED],
            learning_rate=v[state.DESIGN_LR],
        )
    except BpvizError as err:
        ss[state.DESIGN_ERROR] = (err.field, err.message, changed)
        return
    ss[state.DESIGN_ERROR] = None
    if data != current:
        ss[state.DATA] = data
    if spec != net.spec:
        _replace_net(next_network(net, spec))


def on_dataset() -> None:
    """A dataset picked from the menu starts with its own settings (the gates: their 4-row truth table)."""
    ss = st.session_state
    ss.update(data_values(DATA_DEFAULTS[ss[state.DESIGN_DATASET]]))
    apply_form(state.DESIGN_DATASET)


def on_csv_upload() -> None:
    """Use the uploaded CSV as the dataset; a file the engine refuses leaves the previous one in place."""
    ss = st.session_state
    upload = ss[state.DESIGN_CSV_UPLOAD]
    if upload is None:
        return
    previous = ss[state.CSV]
    ss[state.CSV] = (upload.name, upload.getvalue())
    ss[state.DESIGN_DATASET] = "csv"
    apply_form(state.DESIGN_CSV_UPLOAD)
    if ss[state.DESIGN_ERROR] is not None:
        ss[state.CSV] = previous


def _restructure(build, changed: str) -> None:
    """New weights for the spec ``build`` makes from the current one, or the engine's refusal beside ``changed``."""
    try:
        spec = build(state.net().spec)
    except BpvizError as err:
        st.session_state[state.DESIGN_ERROR] = (err.field, err.message, changed)
        return
    _replace_net(Network.initialise(spec))


def add_layer() -> None:
    _restructure(add_hidden_layer, state.DESIGN_ADD_LAYER)


def remove_layer(layer: int) -> None:
    _restructure(lambda spec: remove_hidden_layer(spec, layer), state.design_layer_key("remove", layer))


def reinitialise() -> None:
    spec = state.net().spec
    state.set_net(Network.initialise(spec))
    _drawn_toast(spec)


def set_picked() -> None:
    """The clicked weight or bias takes the value typed beside the diagram."""
    ss = st.session_state
    try:
        new = set_parameter(state.net(), ss[state.DESIGN_SELECTED], ss[state.DESIGN_PICKED_VALUE])
    except BpvizError as err:  # an infinite value
        ss[state.DESIGN_ERROR] = (err.field, err.message, state.DESIGN_PICKED_VALUE)
        return
    state.set_net(new)


def on_show_bias() -> None:
    st.session_state[state.DESIGN_SHOW_BIAS] = st.session_state[state.DESIGN_SHOW_BIAS_TOGGLE]


def import_network() -> None:
    """Import the uploaded network file once per upload; on any problem the network stays as it was.
    The result goes to DESIGN_NOTICE for ``show_notice`` beside the uploader."""
    ss = st.session_state
    upload = ss[state.DESIGN_NET_UPLOAD]
    if upload is None or upload.file_id == ss[state.DESIGN_IMPORTED]:
        return
    ss[state.DESIGN_IMPORTED] = upload.file_id
    current = state.data_settings()
    try:
        new = netfile.loads(upload.getvalue())
        data = data_for(new, current, lambda d: state.dataset(d, new.spec.seed))
    except BpvizError as err:
        _notice("error", f"Could not import {upload.name}: {err}. Your network is unchanged.")
        return
    ss[state.DATA] = data
    state.set_net(new)
    text = f"Imported {upload.name}: a {architecture(new.spec)} network with its weights."
    if data != current:
        text += f" The dataset is now {SOURCES[data.name].label}, which fits its inputs and outputs."
    _notice("success", text)


def _notice(kind: str, text: str) -> None:
    st.session_state[state.DESIGN_NOTICE] = (st.session_state[state.NET_VERSION], kind, text)


def show_notice() -> None:
    """The last import's result, until the network changes again."""
    notice = st.session_state[state.DESIGN_NOTICE]
    if notice is not None and notice[0] == st.session_state[state.NET_VERSION]:
        getattr(st, notice[1])(notice[2])


def explain(*keys: str) -> None:
    """Show the refused edit's message here if it belongs beside one of the widgets ``keys``."""
    err = st.session_state[state.DESIGN_ERROR]
    if err is None:
        return
    field, message, changed = err
    if changed in keys or FIELD_WIDGET.get(field) in keys:
        st.error(f"Not applied: {message}. The network keeps its last valid settings.", icon=":material/warning:")
