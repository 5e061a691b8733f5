"""The Design page's form: widgets filled from the shared network and data, and the callbacks that apply edits.

The truth is the shared network and data settings (``state.Shared``). ``sync`` writes their values into the
widgets whenever their version changed (a preset, an import, another page) or a page switch dropped the
widgets, so a widget never shows a stale value. Every edit runs ``apply_form``: the whole form becomes a
draft spec and data settings; a draft the engine accepts replaces the network
(``bpviz.design.edits.next_network``), one it refuses leaves the network alone and keeps the engine's
message in ``state.Design.error`` for the page to show beside the control.
"""


from bpviz import BpvizError, Network
from bpviz.data.catalog import DATA_DEFAULTS, SOURCES, DataSettings
from bpviz.data.features import FEATURES as INPUT_FEATURES
from bpviz.design.edits import add_hidden_layer, form_spec, next_network, redraws, remove_hidden_layer
from bpviz.design.imports import data_for
from bpviz.design.weights import set_parameter
from bpviz.engine.inits import INITS
from bpviz.engine.spec import NetworkSpec
from bpviz.io import netfile
from bpviz.lesson.selection import is_valid_selection
from bpviz.lesson.summary import architecture, training_summary
from bpviz.runs import memory
from webui import notices, state

# Widget keys (browser tests find them as .st-key-<key>): filled from the network and data by ``sync``.
DATASET = "design_dataset"
N = "design_n"
NOISE = "design_noise"
CLASSES = "design_classes"
TEST_FRACTION = "design_test_fraction"
FEATURES = "design_features"
CSV_UPLOAD = "design_csv_upload"
N_OUT = "design_n_out"
OUT_ACTIVATION = "design_out_activation"
LOSS = "design_loss"
REDUCTION = "design_reduction"
LR = "design_learning_rate"
BIAS = "design_bias"
INIT = "design_init"
SEED = "design_seed"
ADD_LAYER = "design_add_layer"
REINIT = "design_reinit"
SHOW_BIAS = "design_show_bias_toggle"
NET_UPLOAD = "design_net_upload"
DOWNLOAD = "design_download"
DIAGRAM = "design_diagram"  # the clickable network diagram (its selection event)
PICKED_VALUE = "design_picked_value"  # the value of the clicked weight or bias


WARNING = ":material/warning:"  # the icon of a refused edit


def layer_key(field: str, layer: int) -> str:
    """Widget key of hidden layer ``layer`` (1..L-1): field "units", "act" or "remove"."""
    return f"design_{field}_{layer}"


def weights_key(k: int, version: int) -> str:
    """Key of the weight table of W[k] at ``version``: a changed network gets a fresh table."""
    return f"design_weights_{k}_v{version}"


# The widget each engine field is edited with (a refused edit is explained beside it).
FIELD_WIDGET = {
    "dataset": DATASET,
    "csv": CSV_UPLOAD,
    "n": N,
    "noise": NOISE,
    "classes": CLASSES,
    "test_fraction": TEST_FRACTION,
    "features": FEATURES,
    "loss": LOSS,
    "reduction": REDUCTION,
    "bias": BIAS,
    "init": INIT,
    "seed": SEED,
    "learning_rate": LR,
}


def data_values(data: DataSettings) -> dict:
    """Widget key -> value that shows ``data``."""
    return {
        DATASET: data.name,
        N: int(data.n),
        NOISE: float(data.noise),
        CLASSES: int(data.classes),
        TEST_FRACTION: float(data.test_fraction),
        FEATURES: list(data.features),
    }


def form_values(spec: NetworkSpec, data: DataSettings) -> dict:
    """Widget key -> value that shows ``spec`` and ``data``."""
    values = data_values(data) | {
        N_OUT: spec.layers[-1],
        OUT_ACTIVATION: spec.activations[-1],
        LOSS: spec.loss,
        REDUCTION: spec.reduction,
        LR: float(spec.learning_rate),
        BIAS: spec.bias,
        INIT: spec.init,
        SEED: int(spec.seed),
    }
    for l in range(1, spec.depth):
        values[layer_key("units", l)] = spec.layers[l]
        values[layer_key("act", l)] = spec.activations[l - 1]
    return values


def sync() -> None:
    """Fill every form widget from the network and data if their version changed since the last fill or a
    page switch dropped a widget (a refill also drops a pending refused edit); show the bias toggle and the
    clicked parameter as they are. Call before the widgets are drawn."""
    d, net = state.design(), state.net()
    values = form_values(net.spec, state.data_settings())
    if not state.is_current(d.synced) or not state.has_widgets(values):
        state.set_widgets(values)
        d.synced, d.error = state.version(), None
    state.set_widgets({SHOW_BIAS: state.show_bias()})
    if d.selected is not None and not is_valid_selection(net.spec, d.selected):
        d.selected = None  # it went with a removed layer or neuron
    if d.selected is not None and d.selected[0] != "node":
        state.set_widgets({PICKED_VALUE: parameter(net, d.selected)})


def parameter(net: Network, selected: tuple) -> float:
    """The value of ("edge", k, i, j), W[k][i, j], or ("bias", k, i), b[k][i]."""
    if selected[0] == "edge":
        return float(net.W[selected[1]][selected[2], selected[3]])
    return float(net.b[selected[1]][selected[2]])


def _refuse(err: BpvizError, changed: str) -> None:
    """Keep the engine's refusal, to show beside the widget ``changed``."""
    state.design().error = (err.field, err.message, changed)


def _drawn_toast(spec: NetworkSpec) -> None:
    notices.toast(f"New weights drawn from the seed: {INITS[spec.init].label}, seed {spec.seed}.", ":material/casino:")


def _replace_net(new: Network) -> None:
    """Make ``new`` the shared network and say in a toast when its weights were drawn anew."""
    old = state.net()
    state.set_net(new)
    if redraws(old.spec, new.spec):
        _drawn_toast(new.spec)
    elif new.spec.bias == "none" and old.spec.bias != "none":
        notices.toast("Bias mode 'none': every bias is now 0.", ":material/info:")


def _draft(changed: str, csv: tuple[str, bytes] | None) -> tuple[DataSettings, NetworkSpec] | None:
    """The data settings and spec every form widget describes, or None (with the refusal kept) when the
    engine refuses them; ``csv`` is the CSV file the draft would use."""
    net, current = state.net(), state.data_settings()
    v = {k: state.widget(k, value) for k, value in form_values(net.spec, current).items()}
    hidden = range(1, net.spec.depth)
    try:
        features = tuple(k for k in INPUT_FEATURES if k in v[FEATURES])  # in the registry's order
        draw = current.draw if v[DATASET] == current.name else 0  # a regenerated sample stays while it is edited
        data = DataSettings(v[DATASET], v[N], v[NOISE], v[CLASSES], v[TEST_FRACTION], features, draw)
        if csv is not None:
            memory.check_file(len(csv[1]))  # before pandas reads it
        spec = form_spec(
            state.dataset(data, v[SEED], csv),
            [v[layer_key("units", l)] for l in hidden],
            [*(v[layer_key("act", l)] for l in hidden), v[OUT_ACTIVATION]],
            v[N_OUT],
            loss=v[LOSS],
            reduction=v[REDUCTION],
            bias=v[BIAS],
            init=v[INIT],
            seed=v[SEED],
            learning_rate=v[LR],
        )
        _check_memory(spec, data, csv)
    except BpvizError as err:
        _refuse(err, changed)
        return None
    state.design().error = None
    return data, spec


def _check_memory(spec: NetworkSpec, data: DataSettings, csv: tuple[str, bytes] | None = None) -> None:
    """Raise BpvizError (field "memory") when a session of ``spec`` on ``data`` would not fit the memory cap."""
    csv = csv or (state.csv_file() if data.name == "csv" else None)
    text = csv[1] if csv is not None and data.name == "csv" else None
    memory.check(memory.load_of(spec.layers, data, state.train_settings().batch_size, csv=text))


def apply_form(changed: str, csv: tuple[str, bytes] | None = None) -> bool:
    """Build the draft from every form widget (``changed`` is the one the user touched) and apply it, with
    ``csv`` as the uploaded file when given; False (the refusal kept) when the engine refuses it."""
    if state.widget(DATASET) == "csv" and (csv or state.csv_file()) is None:
        state.design().error = None  # nothing to apply until a file is uploaded
        return True
    draft = _draft(changed, csv)
    if draft is None:
        return False
    data, spec = draft
    state.set_data(data, csv)
    if spec != state.net().spec:
        _replace_net(next_network(state.net(), spec))
    return True


def on_dataset() -> None:
    """A dataset picked from the menu starts with its own settings (the gates: their 4-row truth table)."""
    state.set_widgets(data_values(DATA_DEFAULTS[state.widget(DATASET)]))
    apply_form(DATASET)


def on_csv_upload() -> None:
    """Use the uploaded CSV as the dataset; a file the engine refuses leaves the previous one in place."""
    upload = state.widget(CSV_UPLOAD)
    if upload is None:
        return
    state.set_widgets({DATASET: "csv"})
    apply_form(CSV_UPLOAD, (upload.name, upload.getvalue()))


def _restructure(build, changed: str) -> None:
    """New weights for the spec ``build`` makes from the current one, or the engine's refusal beside ``changed``."""
    try:
        spec = build(state.net().spec)
        _check_memory(spec, state.data_settings())
    except BpvizError as err:
        _refuse(err, changed)
        return
    _replace_net(Network.initialise(spec))


def add_layer() -> None:
    _restructure(add_hidden_layer, ADD_LAYER)


def remove_layer(layer: int) -> None:
    _restructure(lambda spec: remove_hidden_layer(spec, layer), layer_key("remove", layer))


def reinitialise() -> None:
    spec = state.net().spec
    state.set_net(Network.initialise(spec))
    _drawn_toast(spec)


def set_picked() -> None:
    """The clicked weight or bias takes the value typed beside the diagram."""
    try:
        new = set_parameter(state.net(), state.design().selected, state.widget(PICKED_VALUE))
    except BpvizError as err:  # an infinite value
        _refuse(err, PICKED_VALUE)
        return
    state.set_net(new)


def on_show_bias() -> None:
    state.set_show_bias(state.widget(SHOW_BIAS))


def import_network() -> None:
    """Import the uploaded network file once per upload; on any problem the network stays as it was.
    The result is kept in ``state.Design.notice`` for ``import_notice`` beside the uploader."""
    d, upload = state.design(), state.widget(NET_UPLOAD)
    if upload is None or upload.file_id == d.imported:
        return
    d.imported = upload.file_id
    current = state.data_settings()
    try:
        memory.check_file(upload.size)  # before the text is parsed
        doc = netfile.read(upload.getvalue())
        new = doc.net
        data = data_for(new, current, lambda ds: state.dataset(ds, new.spec.seed), doc.data)
        memory.check(memory.load_of(new.spec.layers, data, (doc.train or state.train_settings()).batch_size))
    except BpvizError as err:
        _notice("error", f"Could not import {upload.name}: {err}. Your network is unchanged.")
        return
    state.set_data(data)
    state.set_net(new)
    text = f"Imported {upload.name}: a {architecture(new.spec)} network with its weights."
    if data == doc.data and data != current:
        text += f" The dataset is now the one it was saved with, {SOURCES[data.name].label}."
    elif data != current:
        text += f" The dataset is now {SOURCES[data.name].label}, which fits its inputs and outputs."
    if doc.train is not None:
        state.set_train_settings(**vars(doc.train))
        text += f" Training settings: {training_summary(doc.train)}."
    _notice("success", text)


def _notice(kind: str, text: str) -> None:
    d = state.design()
    d.notice, d.notice_at = state.Notice(kind, text), state.version()


def import_notice() -> state.Notice | None:
    """The last import's result, until the network changes again."""
    d = state.design()
    return d.notice if state.is_current(d.notice_at) else None


def refusal(*keys: str) -> state.Notice | None:
    """The refused edit's message, if it belongs beside one of the widgets ``keys``."""
    err = state.design().error
    if err is None:
        return None
    field, message, changed = err
    if changed in keys or FIELD_WIDGET.get(field) in keys:
        return state.Notice("error", f"Not applied: {message}. The network keeps its last valid settings.", WARNING)
    return None


def explain(*keys: str) -> None:
    """Show the refused edit's message here if it belongs beside one of the widgets ``keys``."""
    notices.show(refusal(*keys))


def edit(key: str) -> dict:
    """Keyword arguments of a form widget: its key and the callback that applies the whole form."""
    return {"key": key, "on_change": apply_form, "args": (key,)}
