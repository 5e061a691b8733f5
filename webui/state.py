"""The one owner of session state: five typed records under five keys, and the functions that change them.

    SHARED  Shared   the network every page shows and trains, its data, the training settings,
                     presentation mode and the one-time message of the next run
    DESIGN  Design   what the Design page keeps between runs (the clicked element, a refused edit, …)
    STEP    Step     the Step page's stage, sample, selection, the walk computed once, Undo
    TRAIN   Train    the Train page's run and comparison, their notices, the session's lock and clock
    CHAIN   Chain    the Chain rule page's expression, stage, inputs and composer
    REVEAL  Reveal   predict-then-reveal on Step and Chain rule: whether it is on, the session's answers and score

Nothing else in the app reads or writes ``st.session_state``: pages and the other webui modules call the
functions below, and widgets bind through ``bind`` (seeded from a record on every run, their changes
stored back by a callback) or read their own value with ``widget``.

Staleness is tracked one way: ``Shared.version`` goes up on every change of the network or its data, and
everything derived from them (the Design widgets, the Step walk and its Undo stack, the Train run, an
import's notice) records the version it was made at and is current while ``is_current(version)``.
"""

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import streamlit as st

from bpviz import BpvizError, Dataset, Network, split
from bpviz import chainrule as cr
from bpviz.data.catalog import DataSettings, make_dataset
from bpviz.data.csvfile import read_csv
from bpviz.engine.optimisers import State as OptimiserState
from bpviz.engine.training import TrainSettings
from bpviz.io.sharelink import Lesson
from bpviz.lesson.names import Names, Naming
from bpviz.lesson.predict import Quiz
from bpviz.lesson.presets import PRESETS, get_preset, preset_of
from bpviz.lesson.stages import Walk
from bpviz.runs.comparison import Comparison
from bpviz.runs.memory import UNDO_DEPTH, UNDO_PARAMETERS  # the memory estimate counts Undo by them too
from bpviz.runs.run import Run
from webui import pool
from webui.live_chart import Held

DEFAULT_PRESET = "xor"
SHARED, DESIGN, STEP, TRAIN, CHAIN = "shared", "design", "step", "train", "chain"
REVEAL = "reveal"
NOTICE_KINDS = ("success", "info", "warning", "error")


@dataclass(frozen=True)
class Notice:
    """A message for the page: ``kind`` is success, info, warning or error, ``icon`` a Material icon or None for
    the kind's own (``webui.notices.show`` draws it)."""

    kind: str
    text: str
    icon: str | None = None

    def __post_init__(self):
        if self.kind not in NOTICE_KINDS:
            raise ValueError(f"a notice is one of {', '.join(NOTICE_KINDS)}, not {self.kind!r}")


@dataclass(frozen=True)
class Viewport:
    """The browser window's width and height, the main column's width, and the top of the page's fill element
    (0: none), in CSS px (``webui.viewport`` measures them; this default is a 1600 × 1000 window with the
    sidebar open)."""

    width: int = 1600
    height: int = 1000
    main: int = 1220
    top: int = 0


@dataclass(frozen=True)
class Memo:
    """A value computed once for ``key`` (which includes the version it was computed at)."""

    key: tuple
    value: object


@dataclass
class Shared:
    """What every page uses: the network and its data (``csv`` is the uploaded file's name and bytes when
    ``data.name`` is "csv"), the training settings, the preset last loaded, ``version`` (see the module
    docstring), presentation mode, whether the share link was read, the next run's one-time ``flash``, the
    bias-drawing preference of both diagrams and the count of script runs (browser tests wait on it)."""

    net: Network
    data: DataSettings
    train: TrainSettings = field(default_factory=TrainSettings)
    preset: str | None = None
    csv: tuple[str, bytes] | None = None
    version: int = 0
    present: bool = False
    link_read: bool = False
    flash: Notice | None = None
    flashed: Notice | None = None  # the one-time message the last run showed, shown again by a layout rerun
    show_bias: bool = False
    textbook: bool = True
    runs: int = 0
    viewport: "Viewport | None" = None  # the browser window's size as last reported (webui.viewport)

    @classmethod
    def start(cls, preset_key: str = DEFAULT_PRESET) -> "Shared":
        """A session that starts from a preset."""
        preset = get_preset(preset_key)
        return cls(preset.network(), preset.data, preset.train, preset.key)


@dataclass
class Design:
    """``synced``: the version the form widgets were filled at; ``error``: a refused edit as (field, message,
    widget the user changed); ``notice``: an import's result, shown while ``notice_at`` is current;
    ``imported``: the file_id of the last network file imported (each upload once); ``selected``: the
    clicked ("node", l, i), ("edge", k, i, j) or ("bias", k, i)."""

    synced: int | None = None
    error: tuple[str, str, str] | None = None
    notice: Notice | None = None
    notice_at: int | None = None
    imported: str | None = None
    selected: tuple | None = None


@dataclass(frozen=True)
class Carried:
    """An optimiser's state between applied updates: the rule it belongs to, the state, and the version of the
    network it belongs to (a network changed elsewhere, or another rule, starts afresh)."""

    rule: str
    state: OptimiserState
    at: int


@dataclass
class Step:
    """The stage index; the user's selection (None: follow the stage); the sample ("dataset": row ``sample``, and
    with ``batch`` = k > 1 the k − 1 rows after it; "manual": the typed ``x_text``, ``y_text``, and ``manual``, the
    last typed (x, y) that parsed, one sample a line); ``viewed``, the sample of the batch the diagram shows;
    decimals;
    the walk and gradient check (computed once per key); the networks before each applied update, each with the
    optimiser state it had (``Carried``), newest last, valid while ``undo_at`` is current; ``carried``, the
    optimiser state the last applied update (or Undo) left, which the next step's update starts from;
    ``applied``, the walk whose update was just applied, shown until Next passes its last stage; auto-play
    (``playing``, one stage every ``pace`` s, the last step at ``played_at`` of ``clock``); the stepper's last
    report (``pressed``) and the diagram's drawings of the stages around the one shown (``frames``)."""

    stage: int = 0
    selected: tuple | None = None
    source: str = "dataset"
    sample: int = 0
    batch: int = 1
    viewed: int = 0
    x_text: str = ""
    y_text: str = ""
    manual: tuple | None = None
    decimals: int = 4
    walk: Memo | None = None
    check: Memo | None = None
    undo: tuple[tuple[Network, "Carried | None"], ...] = ()
    undo_at: int | None = None
    carried: "Carried | None" = None
    applied: Walk | None = None
    playing: bool = False
    pace: float = 3.0
    played_at: float = 0.0
    clock: Callable[[], float] = field(default=time.monotonic, repr=False, compare=False)
    pressed: tuple[str, int] = ("", 0)  # the stepper's last report: (its mount, its total), see webui/stepper.py
    frames: Memo | None = None  # the diagram drawn for the stages around the one shown, see webui/step_frames.py
    frame_sets: int = 0  # how many sets of them this session has started

    def move(self, by: int, n_stages: int) -> None:
        """Next (+1) or Back (−1), kept within the ``n_stages`` stages."""
        self.stage = min(max(self.stage + by, 0), n_stages - 1)


@dataclass
class Train:
    """The run being trained or last trained and the comparison, made at version ``made_at``; the notices
    beside the buttons; the tracked training rows (() = pick automatically); the log-scale choices; what the
    comparison compares, and the rates or optimisers it compares; what was clicked or picked on the diagram
    (("node", l, i), an edge or a bias: its neuron's map is drawn large); the data picture's output toggles;
    the session's lock (a click's script thread waits for a training tick of an overlapping one), the clock
    runs measure time with, and, when a pool of worker processes trains (``webui.pool``), the job's ticket in
    its line."""

    run: Run | None = None
    comparison: Comparison | None = None
    made_at: int | None = None
    notice: Notice | None = None
    compare_notice: Notice | None = None
    tracked: tuple[int, ...] = ()
    log: bool = False
    compare_log: bool = True
    rates: str = "0.01, 0.1, 0.5, 2"
    compare_what: str = "learning rates"  # or "optimisers"
    optimisers: str = "sgd, momentum, nesterov, rmsprop, adam, adagrad"
    selected: tuple | None = None
    show_test: bool = True
    discrete: bool = False
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)
    clock: Callable[[], float] = time.perf_counter
    ticket: int | None = None  # the run's or comparison's place in the server's training pool (webui.pool)
    held: dict[str, Held] = field(default_factory=dict)  # the live charts' own figures (webui.live_chart)


@dataclass
class Chain:
    """The expression (a key of ``bpviz.chainrule.LIBRARY``, COMPOSE or TYPED), its stage, the inputs the
    user set per expression, the composer's chain of (operation, exponent or None) and the typed text."""

    expr: str = "sum_times"
    stage: int = 0
    inputs: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    steps: tuple = (("mul", None), ("add", None), ("tanh", None))
    typed: str = cr.TYPED_EXAMPLES["one line"]

    def move(self, by: int, n_stages: int) -> None:
        """Next (+1), Back (−1) or Reset (−n_stages), kept within the stages."""
        self.stage = min(max(self.stage + by, 0), n_stages - 1)


@dataclass
class Reveal:
    """Predict, then reveal (``bpviz.lesson.predict``): ``on`` for the Step and Chain rule pages (the sidebar's
    toggle, or a share link's ``reveal=1``), and the session's ``quiz``: answers, score and the question
    waiting."""

    on: bool = False
    quiz: Quiz = field(default_factory=Quiz)


RECORDS = {SHARED: Shared.start, DESIGN: Design, STEP: Step, TRAIN: Train, CHAIN: Chain, REVEAL: Reveal}


def init_state() -> None:
    """Put every missing record into the session and count the run (every page calls this first)."""
    for key, make in RECORDS.items():
        if key not in st.session_state:
            st.session_state[key] = make()
    shared().runs += 1


def shared() -> Shared:
    return st.session_state[SHARED]


def design() -> Design:
    return st.session_state[DESIGN]


def step() -> Step:
    return st.session_state[STEP]


def train() -> Train:
    return st.session_state[TRAIN]


def chain() -> Chain:
    return st.session_state[CHAIN]


def reveal() -> Reveal:
    return st.session_state[REVEAL]


# --- widgets ----------------------------------------------------------------------------------------------
def bind(key: str, value, on_change: Callable | None = None, *args) -> dict:
    """Keyword arguments for a widget showing ``value``, which lives in a record (so it survives page
    switches, which drop widget keys): the widget is seeded with it on every run, and ``on_change(*args)``
    stores the user's change (reading it with ``widget(key)``)."""
    st.session_state[key] = value
    return {"key": key, "on_change": on_change, "args": args}


def bind_field(key: str, record, name: str) -> dict:
    """``bind`` for a widget that shows ``record.<name>`` and stores the user's change there as it is."""
    return bind(key, getattr(record, name), _store_field, key, record, name)


def _store_field(key: str, record, name: str) -> None:
    setattr(record, name, widget(key))


def widget(key: str, default=None):
    """The value the widget ``key`` holds now (``default`` when it has not been drawn this session)."""
    return st.session_state.get(key, default)


def set_widgets(values: Mapping[str, object]) -> None:
    """Fill widgets before they are drawn (the Design form after its network changed; a menu that empties
    itself after a choice)."""
    st.session_state.update(values)


def has_widgets(keys) -> bool:
    """True when every widget of ``keys`` still holds a value (a page switch drops them)."""
    return all(k in st.session_state for k in keys)


# --- the shared network and data ----------------------------------------------------------------------------
def net() -> Network:
    return shared().net


def version() -> int:
    return shared().version


def is_current(made_at: int | None) -> bool:
    """True when something made at version ``made_at`` still belongs to the network and data of now."""
    return made_at == shared().version


def set_net(new: Network) -> None:
    """Replace the shared network (a new version)."""
    s = shared()
    s.net = new
    s.version += 1


def data_settings() -> DataSettings:
    return shared().data


def set_data(data: DataSettings, csv: tuple[str, bytes] | None = None) -> None:
    """Replace the data settings (and the uploaded CSV when given); a new version when anything changed."""
    s = shared()
    new_csv = csv if csv is not None else s.csv
    if (data, new_csv) != (s.data, s.csv):
        s.data, s.csv = data, new_csv
        s.version += 1


def set_data_settings(**changes) -> None:
    set_data(replace(data_settings(), **changes))


def csv_file() -> tuple[str, bytes] | None:
    return shared().csv


def set_csv(upload: tuple[str, bytes] | None) -> None:
    """The uploaded CSV's (name, bytes), or None to forget it (a refused file puts the previous one back)."""
    s = shared()
    if upload != s.csv:
        s.csv = upload
        s.version += 1


def train_settings() -> TrainSettings:
    return shared().train


def set_train_settings(**changes) -> None:
    s = shared()
    s.train = replace(s.train, **changes)


def load_preset(key: str) -> None:
    """Network, data and training settings of a preset."""
    preset = get_preset(key)
    s = shared()
    s.train, s.preset = preset.train, key
    step().sample, step().batch, step().viewed = 0, preset.batch, 0  # a worked example's own step
    set_data(preset.data)
    set_net(preset.network())


def presenting() -> bool:
    return shared().present


def set_presenting(on: bool) -> None:
    shared().present = on


def viewport() -> "Viewport":
    """The browser window's size as last reported (``webui.viewport``), or the default before any report."""
    return shared().viewport or Viewport()


def set_viewport(size: "Viewport") -> None:
    shared().viewport = size


def source_naming() -> Naming | None:
    """The names the loaded preset's source uses, when they fit the network (else None)."""
    preset = PRESETS.get(shared().preset)
    naming = preset.naming if preset is not None else None
    return naming if naming is not None and naming.layers == net().spec.layers else None


def names() -> Names:
    """The names of this lesson: the source's where it has them and ``Shared.textbook`` is on, else bpviz's,
    its inputs called by the data's input features."""
    return Names(net().spec, source_naming() if shared().textbook else None, data_settings().features)


def show_bias() -> bool:
    return shared().show_bias


def set_show_bias(on: bool) -> None:
    shared().show_bias = on


def flash(kind: str, text: str) -> None:
    """A message shown once, at the top of the next run."""
    shared().flash = Notice(kind, text)


def take_flash() -> Notice | None:
    """The one-time message, which is then gone."""
    s = shared()
    notice, s.flash = s.flash, None
    s.flashed = notice
    return notice


def keep_flash() -> None:
    """Show the last run's one-time message again in the next run: a rerun that only lays the page out for
    the window's new size (``webui.viewport``) must not take away what the user has not had time to read."""
    s = shared()
    s.flash = s.flash or s.flashed


def read_link_once() -> bool:
    """True on the session's first run, the one that reads the share link it was opened with."""
    s = shared()
    first, s.link_read = not s.link_read, True
    return first


@st.cache_data(max_entries=64, show_spinner=False)
def _generated(name: str, n: int, noise: float, seed: int, classes: int, features: tuple[str, ...]) -> Dataset:
    return make_dataset(name, n=n, noise=noise, seed=seed, classes=classes, features=features)


@st.cache_data(max_entries=16, show_spinner=False)
def _uploaded(name: str, data: bytes) -> Dataset:
    return read_csv(data, name)


def dataset(settings: DataSettings | None = None, seed: int | None = None, csv=None) -> Dataset:
    """The whole current dataset, or the one ``settings``, ``seed`` (a network's) and ``csv`` would give (Design
    tries settings before applying them); raises BpvizError for a bad or missing CSV."""
    d = settings or data_settings()
    if d.name == "csv":
        upload = csv or shared().csv
        if upload is None:
            raise BpvizError("dataset", "no CSV file uploaded yet")
        return _uploaded(*upload)
    data_seed = d.seed_for(net().spec.seed if seed is None else seed)
    return _generated(d.name, d.n, d.noise, data_seed, d.classes, d.features)


def train_test() -> tuple[Dataset, Dataset | None]:
    """The current dataset split by the data settings' test fraction, drawn from the same seed as the data
    (the network's, mixed with the draw), with targets encoded for the network's output size."""
    d = data_settings()
    ds = dataset().for_outputs(net().spec.layers[-1])
    return split(ds, d.test_fraction, d.seed_for(net().spec.seed))


# --- share links ------------------------------------------------------------------------------------------
def default_lesson() -> Lesson:
    """What a new session shows: the default preset, from the first stage of its first sample."""
    preset = get_preset(DEFAULT_PRESET)
    return Lesson(preset.network(), preset.data)


def lesson() -> Lesson | None:
    """What a share link carries now: the network, the data settings, the Step page's sample and stage, the
    training settings; None with an uploaded CSV (it cannot travel in a link)."""
    data = data_settings()
    if data.name == "csv":
        return None
    sample = min(step().sample, data.n - 1)  # the Step page clamps it the same way
    batch = min(step().batch, data.n) if step().source == "dataset" else 1
    return Lesson(net(), data, sample, step().stage, train_settings(), batch, reveal().on)


def load_lesson(new: Lesson) -> None:
    """Make a share link's lesson the session's: its network, data settings, Step sample and stage, training
    settings and predict-then-reveal."""
    reveal().on = new.reveal
    s = step()
    s.source, s.sample, s.stage, s.batch, s.viewed = "dataset", new.sample, new.stage, new.batch, 0
    shared().train = new.train
    set_data(new.data)
    set_net(new.net)
    shared().preset = preset_of(new.net)


# --- computed once ----------------------------------------------------------------------------------------
def memo(record, name: str, key: tuple, compute: Callable[[], object]):
    """``record.<name>``'s value when it was computed for ``key``, else ``compute()``, kept there for ``key``."""
    kept = getattr(record, name)
    if kept is None or kept.key != key:
        kept = Memo(key, compute())
        setattr(record, name, kept)
    return kept.value


def current_walk() -> tuple[tuple, Walk] | None:
    """(key, walk) of the Step page's last walk, or None."""
    kept = step().walk
    return None if kept is None else (kept.key, kept.value)


# --- Step: applying an update and taking it back ----------------------------------------------------------
def undo_depth(n_params: int) -> int:
    """Updates Undo can take back for a network of ``n_params`` parameters: UNDO_DEPTH, fewer for a network so
    big that they would hold more than UNDO_PARAMETERS on a shared server (at least 1)."""
    return max(1, min(UNDO_DEPTH, UNDO_PARAMETERS // n_params))


def can_undo() -> bool:
    """True when the network is still the one the last apply or undo left (not edited elsewhere since)."""
    s = step()
    return bool(s.undo) and is_current(s.undo_at)


def carried_state(rule: str) -> OptimiserState | None:
    """The state of optimiser ``rule`` the Step page's next update starts from: the one the last applied update
    left, while the network is still the one it left and the rule the same; else None (a fresh state)."""
    c = step().carried
    return c.state if c is not None and c.rule == rule and is_current(c.at) else None


def apply_update(new: Network, rule: str, state_after: OptimiserState) -> None:
    """Make ``new`` the shared network and ``state_after`` (of optimiser ``rule``) the carried optimiser state,
    remembering the current network and state for ``undo``."""
    s = step()
    stack = s.undo if can_undo() else ()
    s.undo = (*stack, (net(), s.carried))[-undo_depth(net().spec.n_params) :]
    set_net(new)
    s.undo_at = version()
    s.carried = Carried(rule, state_after, version())


def undo() -> bool:
    """Restore the network before the last applied update; False (and a cleared stack) when it is stale."""
    s = step()
    if not can_undo():
        s.undo = ()
        return False
    *rest, (previous, carried) = s.undo
    s.undo = tuple(rest)
    set_net(previous)
    s.undo_at = version()
    s.carried = None if carried is None else replace(carried, at=version())
    return True


# --- Train: the run belongs to the network and data it was made from ---------------------------------------
def share_from_train(new: Network) -> None:
    """Make ``new`` the shared network from the Train page itself, keeping its run and comparison."""
    set_net(new)
    train().made_at = version()


def drop_stale_runs() -> bool:
    """Drop the run and comparison when the network or data changed elsewhere; True when something went."""
    t = train()
    if is_current(t.made_at):
        return False
    stale = t.run is not None or t.comparison is not None
    pool.leave(t.ticket)
    t.made_at, t.run, t.comparison, t.tracked, t.ticket = version(), None, None, (), None
    return stale
