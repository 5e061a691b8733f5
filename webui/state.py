"""The one owner of every session-state key, with its default.

Per-user data lives in ``st.session_state`` only. Shared keys hold the current
network and data settings that every page uses; page-only keys carry the page's
prefix (``design_``, ``step_``, ``train_``) and are listed in that page's section.
"""

import threading
from dataclasses import replace

import streamlit as st

from bpviz import Dataset, Network, split
from bpviz.data.catalog import DataSettings, make_dataset
from bpviz.data.csvfile import read_csv
from bpviz.engine.errors import BpvizError
from bpviz.engine.training import TrainSettings
from bpviz.io.sharelink import Lesson
from bpviz.lesson.presets import get_preset

DEFAULT_PRESET = "xor"

# --- shared by every page -------------------------------------------------
NET = "net"  # bpviz.Network: the network every page shows and trains
DATA = "data"  # bpviz.presets.DataSettings: dataset name, n, noise, classes, test fraction
CSV = "csv"  # (file name, bytes) of an uploaded CSV, used when DATA.name == "csv"
TRAIN = "train_settings"  # bpviz.presets.TrainSettings: epochs, batch size, momentum
PRESET = "preset"  # key of the preset last loaded
NET_VERSION = "net_version"  # bumped on every change of NET, so pages can drop stale views
FLASH = "flash"  # (kind, text) shown once at the top of the next page run
LINK_READ = "link_read"  # True once the session has read the share link it was opened with (its first run)
PRESENT = "present"  # bool: presentation mode (big type; Step and Chain rule show only the lesson)

# --- Home page and shared sidebar ------------------------------------------
SIDEBAR_PRESET = "sidebar_preset"  # widget: the sidebar's "load a preset" menu (reset to empty after loading)
HOME_OWN_NETWORK = "home_own_network"  # button: open Design with the current network
SIDEBAR_PRESENT = "sidebar_present"  # widget: the sidebar's presentation-mode toggle (shows PRESENT)
PRESENT_EXIT = "present_exit"  # button: "Exit presentation", on top of every page in presentation mode


def home_preset_key(preset: str) -> str:
    """Key of the Home page's button that loads ``preset`` and opens the page it suits."""
    return f"home_preset_{preset}"


# --- Design page ----------------------------------------------------------
DESIGN_PANES = "panes_design"  # container of the controls and the diagram (see setup.LAYOUT_CSS)
DESIGN_SHOW_BIAS = "design_show_bias"  # bool: draw biases as constant-1 nodes (the bias trick); Step reuses it
DESIGN_SYNCED = "design_synced"  # (NET_VERSION, DATA) the Design widgets were last filled from
DESIGN_ERROR = "design_error"  # (field, message, widget key the user changed) of a refused edit, or None
DESIGN_NOTICE = "design_notice"  # (NET_VERSION, kind, text): result of the last import, shown until NET changes
DESIGN_IMPORTED = "design_imported"  # file_id of the last network file imported (each upload once)
DESIGN_SELECTED = "design_selected"  # ("node", l, i) | ("edge", k, i, j) | ("bias", k, i) clicked on the diagram
DESIGN_DEFAULTS = {
    DESIGN_SHOW_BIAS: False,
    DESIGN_SYNCED: None,
    DESIGN_ERROR: None,
    DESIGN_NOTICE: None,
    DESIGN_IMPORTED: None,
    DESIGN_SELECTED: None,
}
# Design widgets: filled from NET and DATA whenever those change (see webui/design_form.py).
DESIGN_DATASET = "design_dataset"
DESIGN_N = "design_n"
DESIGN_NOISE = "design_noise"
DESIGN_CLASSES = "design_classes"
DESIGN_TEST_FRACTION = "design_test_fraction"
DESIGN_CSV_UPLOAD = "design_csv_upload"
DESIGN_N_OUT = "design_n_out"
DESIGN_OUT_ACTIVATION = "design_out_activation"
DESIGN_LOSS = "design_loss"
DESIGN_REDUCTION = "design_reduction"
DESIGN_LR = "design_learning_rate"
DESIGN_BIAS = "design_bias"
DESIGN_INIT = "design_init"
DESIGN_SEED = "design_seed"
DESIGN_ADD_LAYER = "design_add_layer"
DESIGN_REINIT = "design_reinit"
DESIGN_SHOW_BIAS_TOGGLE = "design_show_bias_toggle"
DESIGN_NET_UPLOAD = "design_net_upload"
DESIGN_DOWNLOAD = "design_download"
DESIGN_DIAGRAM = "design_diagram"  # the clickable network diagram (its selection event)
DESIGN_PICKED_VALUE = "design_picked_value"  # widget: the value of the clicked weight or bias


def design_layer_key(field: str, layer: int) -> str:
    """Widget key of hidden layer ``layer`` (1..L-1): field "units", "act" or "remove"."""
    return f"design_{field}_{layer}"


def design_weights_key(k: int, version: int) -> str:
    """Key of the weight table of W[k] at NET_VERSION ``version``: a changed network gets a fresh table."""
    return f"design_weights_{k}_v{version}"


# --- Step page ------------------------------------------------------------
STEP_STAGE = "step_stage"  # index of the current stage in bpviz.stages.stages(spec)
STEP_SELECTED = "step_selected"  # the user's ("node", l, i), ("edge", k, i, j) or ("bias", k, i); None: follow stage
STEP_SOURCE = "step_source"  # "dataset" (a row by number) or "manual" (x and y typed by hand)
STEP_SAMPLE = "step_sample"  # row number of the dataset sample
STEP_X_TEXT = "step_x_text"  # the x the user typed, as text
STEP_Y_TEXT = "step_y_text"  # the y the user typed, as text
STEP_MANUAL = "step_manual"  # (x, y) tuples of the last typed sample that parsed, or None
STEP_DECIMALS = "step_decimals"  # decimals printed on the diagram, equations and tables
STEP_WALK = "step_walk"  # (key, bpviz.stages.Walk) for key = (NET_VERSION, x, y): computed once per sample
STEP_CHECK = "step_check"  # (key, bpviz.gradcheck.GradCheck) for the walk with the same key, or None
STEP_UNDO = "step_undo"  # tuple of the networks before each "Apply update", newest last (see step_undo_depth)
STEP_UNDO_VERSION = "step_undo_version"  # NET_VERSION right after the last apply/undo: STEP_UNDO is valid at it
STEP_UNDO_DEPTH = 20
STEP_UNDO_PARAMETERS = 4_000_000  # parameters of all the networks kept for Undo: 32 MB a session at most
# Step widgets (seeded from the keys above on every run, see step_widget; the stage menu only sends jumps).
STEP_W_SOURCE = "step_w_source"
STEP_W_SAMPLE = "step_w_sample"
STEP_W_X = "step_w_x"
STEP_W_Y = "step_w_y"
STEP_W_STAGE = "step_w_stage"
STEP_W_DECIMALS = "step_w_decimals"
STEP_W_BIAS = "step_w_bias"  # shows DESIGN_SHOW_BIAS: one bias-drawing preference for both diagrams
STEP_W_NEURON = "step_w_neuron"
STEP_W_ELEMENT = "step_w_element"
STEP_NEXT = "step_next"
STEP_BACK = "step_back"
STEP_CLICKER_NEXT = "step_clicker_next"
STEP_CLICKER_BACK = "step_clicker_back"
STEP_CLICKER = "step_clicker"  # container of the two clicker buttons, hidden by CSS
STEP_APPLY = "step_apply"
STEP_UNDO_BUTTON = "step_undo_button"
STEP_FOLLOW = "step_follow"
STEP_EXPORT = "step_export"
STEP_RUN_CHECK = "step_run_check"
STEP_PANES = "panes_step"  # container of the diagram and equation panes (see setup.LAYOUT_CSS)
STEP_CHART = "step_diagram"
STEP_TABS = "step_tabs"

STEP_DEFAULTS = {
    STEP_STAGE: 0,
    STEP_SELECTED: None,
    STEP_SOURCE: "dataset",
    STEP_SAMPLE: 0,
    STEP_X_TEXT: "",
    STEP_Y_TEXT: "",
    STEP_MANUAL: None,
    STEP_DECIMALS: 4,
    STEP_WALK: None,
    STEP_CHECK: None,
    STEP_UNDO: (),
    STEP_UNDO_VERSION: None,
}


def step_memo(state_key: str, key, compute):
    """The value cached under ``state_key`` for ``key``, computed by ``compute()`` when the key changed."""
    cached = st.session_state[state_key]
    if cached is None or cached[0] != key:
        cached = (key, compute())
        st.session_state[state_key] = cached
    return cached[1]


def step_widget(widget_key: str, canonical_key: str) -> dict:
    """Keyword arguments for a widget showing ``canonical_key``, which survives page switches:
    the widget is seeded from the canonical key on every run and copies its changes back."""
    st.session_state[widget_key] = st.session_state[canonical_key]
    return {"key": widget_key, "on_change": _copy_widget, "args": (widget_key, canonical_key)}


def _copy_widget(widget_key: str, canonical_key: str) -> None:
    st.session_state[canonical_key] = st.session_state[widget_key]


def step_apply(new: Network) -> None:
    """Make ``new`` the shared network, remembering the current one for ``step_undo``."""
    stack = st.session_state[STEP_UNDO] if step_can_undo() else ()
    st.session_state[STEP_UNDO] = (*stack, net())[-step_undo_depth(net().spec.n_params) :]
    set_net(new)
    st.session_state[STEP_UNDO_VERSION] = st.session_state[NET_VERSION]


def step_undo_depth(n_params: int) -> int:
    """Updates Undo can take back for a network of ``n_params`` parameters: STEP_UNDO_DEPTH, fewer for a
    network so big that they would hold more than STEP_UNDO_PARAMETERS on a shared server (at least 1)."""
    return max(1, min(STEP_UNDO_DEPTH, STEP_UNDO_PARAMETERS // n_params))


def step_can_undo() -> bool:
    """True when the network is still the one the last apply or undo left (not edited elsewhere since)."""
    return bool(st.session_state[STEP_UNDO]) and st.session_state[STEP_UNDO_VERSION] == st.session_state[NET_VERSION]


def step_undo() -> bool:
    """Restore the network before the last applied update; False (and a cleared stack) when it is stale."""
    if not step_can_undo():
        st.session_state[STEP_UNDO] = ()
        return False
    *rest, previous = st.session_state[STEP_UNDO]
    st.session_state[STEP_UNDO] = tuple(rest)
    set_net(previous)
    st.session_state[STEP_UNDO_VERSION] = st.session_state[NET_VERSION]
    return True


# --- Train page -----------------------------------------------------------
TRAIN_RUN = "train_run"  # bpviz.runs.Run being trained or last trained, or None
TRAIN_COMPARISON = "train_comparison"  # bpviz.runs.Comparison of learning rates, or None
TRAIN_SOURCE = "train_source"  # train_source() the run and comparison belong to; they are dropped when it changes
TRAIN_NOTICE = "train_notice"  # (kind, text) beside the Start/Stop buttons (a cap, a reset, an error), or None
TRAIN_COMPARE_NOTICE = "train_compare_notice"  # (kind, text) beside the Compare button, or None
TRAIN_TRACKED = "train_tracked"  # training-set rows whose prediction is tracked by epoch; () = pick automatically
TRAIN_LOG = "train_log"  # bool: the loss axes of the live curves on a log scale
TRAIN_COMPARE_LOG = "train_compare_log"  # bool: the comparison's loss axis on a log scale
TRAIN_RATES = "train_rates"  # text of the learning rates to compare
TRAIN_LOCK = "train_lock"  # this session's threading.RLock around its run and comparison (see train_lock)
TRAIN_DEFAULTS = {
    TRAIN_RUN: None,
    TRAIN_COMPARISON: None,
    TRAIN_SOURCE: None,
    TRAIN_NOTICE: None,
    TRAIN_COMPARE_NOTICE: None,
    TRAIN_TRACKED: (),
    TRAIN_LOG: False,
    TRAIN_COMPARE_LOG: True,
    TRAIN_RATES: "0.01, 0.1, 0.5, 2",
    TRAIN_LOCK: None,
}
# Train widgets, seeded on every run by train_widget() from the value they show.
TRAIN_EPOCHS_INPUT = "train_epochs_input"  # TRAIN.epochs
TRAIN_BATCH_INPUT = "train_batch_input"  # TRAIN.batch_size
TRAIN_MOMENTUM_INPUT = "train_momentum_input"  # TRAIN.momentum
TRAIN_LR_INPUT = "train_lr_input"  # NET's spec.learning_rate
TRAIN_SPLIT_INPUT = "train_split_input"  # DATA.test_fraction, in percent
TRAIN_TRACKED_INPUT = "train_tracked_input"  # TRAIN_TRACKED
TRAIN_LOG_INPUT = "train_log_input"  # TRAIN_LOG
TRAIN_COMPARE_LOG_INPUT = "train_compare_log_input"  # TRAIN_COMPARE_LOG
TRAIN_RATES_INPUT = "train_rates_input"  # TRAIN_RATES
# Train buttons and charts (keys only, so tests and the browser can find them).
TRAIN_START = "train_start"
TRAIN_STOP = "train_stop"
TRAIN_RESUME = "train_resume"
TRAIN_RESET = "train_reset"
TRAIN_FAST = "train_fast"
TRAIN_COMPARE = "train_compare"
TRAIN_COMPARE_STOP = "train_compare_stop"
TRAIN_DOWNLOAD = "train_download"
TRAIN_LOSS_CHART = "train_loss_chart"
TRAIN_ACCURACY_CHART = "train_accuracy_chart"
TRAIN_DATA_CHART = "train_data_chart"
TRAIN_COMPARE_CHART = "train_compare_chart"


def train_widget(widget_key: str, value, on_change, *args) -> dict:
    """Keyword arguments for a Train widget showing ``value`` (kept elsewhere, so it survives page switches):
    the widget is seeded with it on every run and ``on_change(*args)`` stores the user's change."""
    st.session_state[widget_key] = value
    return {"key": widget_key, "on_change": on_change, "args": args}


def train_lock() -> threading.RLock:
    """The lock every change of this session's run or comparison holds. With fast reruns a click starts a
    new script thread while the previous one may still be inside a training tick; the lock makes the
    click wait for that tick (a fraction of a second) instead of racing it."""
    if st.session_state[TRAIN_LOCK] is None:
        st.session_state[TRAIN_LOCK] = threading.RLock()
    return st.session_state[TRAIN_LOCK]


def train_source() -> tuple:
    """What a training run is made from: (NET_VERSION, DATA, name of the uploaded CSV)."""
    csv = st.session_state[CSV]
    return st.session_state[NET_VERSION], st.session_state[DATA], csv[0] if csv else None


def train_share(new: Network) -> None:
    """Make ``new`` the shared network from the Train page itself, keeping its run and comparison."""
    set_net(new)
    st.session_state[TRAIN_SOURCE] = train_source()


def train_drop_if_stale() -> bool:
    """Drop the run and comparison when the network or data changed elsewhere; True when something was dropped."""
    source = train_source()
    if st.session_state[TRAIN_SOURCE] == source:
        return False
    st.session_state[TRAIN_SOURCE] = source
    stale = st.session_state[TRAIN_RUN] is not None or st.session_state[TRAIN_COMPARISON] is not None
    st.session_state[TRAIN_RUN] = None
    st.session_state[TRAIN_COMPARISON] = None
    st.session_state[TRAIN_TRACKED] = ()
    return stale


# --- Chain rule page ------------------------------------------------------
CHAIN_COMPOSE = "compose"  # the CHAIN_EXPR of the user's own expression (bpviz.chainrule.compose)
CHAIN_EXPR = "chain_expr"  # key of bpviz.chainrule.LIBRARY, or CHAIN_COMPOSE
CHAIN_STAGE = "chain_stage"  # index into bpviz.chainrule.stages(graph) of the expression shown
CHAIN_INPUTS = "chain_inputs"  # {expression: {input name: value}} the user set, or None (a new dict per change)
CHAIN_STEPS = "chain_steps"  # the composer's chain: tuple of (operation, exponent or None)
CHAIN_DEFAULTS = {
    CHAIN_EXPR: "sum_times",
    CHAIN_STAGE: 0,
    CHAIN_INPUTS: None,
    CHAIN_STEPS: (("mul", None), ("add", None), ("tanh", None)),
}
# Chain widgets (seeded on every run by chain_widget from the keys above) and buttons.
CHAIN_W_EXPR = "chain_w_expr"
CHAIN_W_STAGE = "chain_w_stage"  # the "jump to stage" slider, 1-based
CHAIN_NEXT = "chain_next"
CHAIN_BACK = "chain_back"
CHAIN_RESET = "chain_reset"
CHAIN_CLICKER_NEXT = "chain_clicker_next"
CHAIN_CLICKER_BACK = "chain_clicker_back"
CHAIN_DEFAULT_INPUTS = "chain_default_inputs"
CHAIN_CHART = "chain_chart"


def chain_input_key(expr: str, name: str) -> str:
    """Widget key of input ``name`` of expression ``expr``."""
    return f"chain_w_in_{expr}_{name}"


def chain_step_key(field: str, i: int) -> str:
    """Widget key of composer step i (0-based): field "op" or "p" (a power's exponent)."""
    return f"chain_w_{field}_{i}"


def chain_widget(widget_key: str, value, on_change, *args) -> dict:
    """Keyword arguments for a Chain rule widget showing ``value`` (kept in a key above, so it survives page
    switches): the widget is seeded with it on every run and ``on_change(*args)`` stores the user's change."""
    st.session_state[widget_key] = value
    return {"key": widget_key, "on_change": on_change, "args": args}


def chain_expr() -> str:
    return st.session_state[CHAIN_EXPR]


def chain_set_expr() -> None:
    """The expression picked in CHAIN_W_EXPR, from its first stage."""
    st.session_state[CHAIN_EXPR] = st.session_state[CHAIN_W_EXPR]
    st.session_state[CHAIN_STAGE] = 0


def chain_stage(n_stages: int) -> int:
    """The current stage, kept within the ``n_stages`` stages of the expression shown."""
    st.session_state[CHAIN_STAGE] = min(max(st.session_state[CHAIN_STAGE], 0), n_stages - 1)
    return st.session_state[CHAIN_STAGE]


def chain_move(step: int, n_stages: int) -> None:
    """Next (+1), Back (-1) or Reset (-n_stages)."""
    st.session_state[CHAIN_STAGE] = min(max(st.session_state[CHAIN_STAGE] + step, 0), n_stages - 1)


def chain_jump() -> None:
    st.session_state[CHAIN_STAGE] = st.session_state[CHAIN_W_STAGE] - 1


def chain_inputs(expr: str) -> dict[str, float]:
    """The input values the user set for ``expr`` (the expression's defaults fill the rest)."""
    return dict((st.session_state[CHAIN_INPUTS] or {}).get(expr, {}))


def chain_set_input(expr: str, name: str) -> None:
    old = st.session_state[CHAIN_INPUTS] or {}
    value = float(st.session_state[chain_input_key(expr, name)])
    st.session_state[CHAIN_INPUTS] = {**old, expr: {**old.get(expr, {}), name: value}}


def chain_default_inputs(expr: str) -> None:
    """Forget the values the user set for ``expr``."""
    old = st.session_state[CHAIN_INPUTS] or {}
    st.session_state[CHAIN_INPUTS] = {k: v for k, v in old.items() if k != expr}


def chain_steps() -> tuple:
    return st.session_state[CHAIN_STEPS]


def chain_set_step(i: int) -> None:
    """Step i of the composer from its widgets: an operation replaces it (or is appended), "none" ends the chain."""
    op = st.session_state[chain_step_key("op", i)]
    steps = st.session_state[CHAIN_STEPS]
    if op == "none":
        steps = steps[:i]
    else:
        p = st.session_state.get(chain_step_key("p", i), 2.0) if op == "power" else None
        steps = (*steps[:i], (op, p), *steps[i + 1 :])
    st.session_state[CHAIN_STEPS] = steps
    st.session_state[CHAIN_STAGE] = 0


def _defaults() -> dict:
    preset = get_preset(DEFAULT_PRESET)
    return {
        NET: preset.network(),
        DATA: preset.data,
        CSV: None,
        TRAIN: preset.train,
        PRESET: preset.key,
        NET_VERSION: 0,
        FLASH: None,
        LINK_READ: False,
        PRESENT: False,
    }


def init_state() -> None:
    """Put every missing key's default into the session (every page calls this first)."""
    for key, value in {**_defaults(), **DESIGN_DEFAULTS, **STEP_DEFAULTS, **TRAIN_DEFAULTS, **CHAIN_DEFAULTS}.items():
        if key not in st.session_state:
            st.session_state[key] = value


def net() -> Network:
    return st.session_state[NET]


def set_net(new: Network) -> None:
    """Replace the shared network; pages that keep derived views compare NET_VERSION."""
    st.session_state[NET] = new
    st.session_state[NET_VERSION] += 1


def load_preset(key: str) -> None:
    """Network, data and training settings of a preset."""
    preset = get_preset(key)
    st.session_state[DATA] = preset.data
    st.session_state[TRAIN] = preset.train
    st.session_state[PRESET] = key
    set_net(preset.network())


def presenting() -> bool:
    return st.session_state[PRESENT]


def set_presenting(on: bool) -> None:
    st.session_state[PRESENT] = on


def default_lesson() -> Lesson:
    """What a new session shows: the default preset, from the first stage of its first sample."""
    preset = get_preset(DEFAULT_PRESET)
    return Lesson(preset.network(), preset.data)


def lesson() -> Lesson | None:
    """What a share link carries now: the network, the data settings, the Step page's sample and stage;
    None with an uploaded CSV (it cannot travel in a link)."""
    data = data_settings()
    if data.name == "csv":
        return None
    sample = min(st.session_state[STEP_SAMPLE], data.n - 1)  # the Step page clamps it the same way
    return Lesson(net(), data, sample, st.session_state[STEP_STAGE])


def load_lesson(new: Lesson) -> None:
    """Make a share link's lesson the session's: its network, data settings, and Step sample and stage."""
    st.session_state[DATA] = new.data
    st.session_state[STEP_SOURCE] = "dataset"
    st.session_state[STEP_SAMPLE] = new.sample
    st.session_state[STEP_STAGE] = new.stage
    set_net(new.net)


def flash(kind: str, text: str) -> None:
    """A message ('success', 'info', 'warning' or 'error') shown once on the next run."""
    st.session_state[FLASH] = (kind, text)


def data_settings() -> DataSettings:
    return st.session_state[DATA]


def set_data_settings(**changes) -> None:
    st.session_state[DATA] = replace(st.session_state[DATA], **changes)


@st.cache_data(max_entries=64, show_spinner=False)
def _generated(name: str, n: int, noise: float, seed: int, classes: int) -> Dataset:
    return make_dataset(name, n=n, noise=noise, seed=seed, classes=classes)


@st.cache_data(max_entries=16, show_spinner=False)
def _uploaded(name: str, data: bytes) -> Dataset:
    return read_csv(data, name)


def dataset(settings: DataSettings | None = None, seed: int | None = None) -> Dataset:
    """The whole current dataset, or the one ``settings`` and ``seed`` would give (the Design page tries
    settings before applying them); raises BpvizError for a bad or missing CSV."""
    d = settings or data_settings()
    if d.name == "csv":
        if st.session_state[CSV] is None:
            raise BpvizError("dataset", "no CSV file uploaded yet")
        return _uploaded(*st.session_state[CSV])
    return _generated(d.name, d.n, d.noise, net().spec.seed if seed is None else seed, d.classes)


def train_test() -> tuple[Dataset, Dataset | None]:
    """The current dataset split by the data settings' test fraction and the network's seed,
    with targets encoded for the network's output size."""
    ds = dataset().for_outputs(net().spec.layers[-1])
    return split(ds, data_settings().test_fraction, net().spec.seed)


def train_settings() -> TrainSettings:
    return st.session_state[TRAIN]
