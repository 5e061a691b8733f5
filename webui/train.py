"""What the Train page's buttons and settings do: widget callbacks and the per-tick step.

A training run (``bpviz.runs.run.Run``) and a comparison of learning rates or optimisers
(``bpviz.runs.comparison.Comparison``) live in ``state.Train``. ``tick`` trains the run for about
``TICK_SECONDS`` and is called by the page's status fragment on every rerun, so in a browser the run advances
several times a second and in AppTest (which has no timers) every script run is one tick. On a server with a
training pool (``webui.pool``, one worker process per core by default) a tick trains nothing itself: the job
waits in the server's first-in, first-out line, trains on a worker once admitted, and each tick takes the latest
copy the worker handed back, so training never holds the server's own threads. Networks go back
to the shared state through ``state.share_from_train``: the trained one when a run stops, ends or diverges,
the starting one on Reset. Every action that changes the run, the comparison or the shared network holds the
session's training lock; runs measure time with the session's ``state.Train.clock``.
"""

import functools
from dataclasses import replace

import plotly.graph_objects as go

from bpviz import Dataset
from bpviz.engine.errors import BpvizError
from bpviz.engine.optimisers import HYPERS
from bpviz.engine.training import MAX_EPOCHS  # noqa: F401  (the Epochs field's bound, the engine's)
from bpviz.io.text import parse_optimisers, parse_rates
from bpviz.lesson.presets import FAST
from bpviz.runs import memory
from bpviz.runs.comparison import Comparison, optimiser_variants, rate_variants
from bpviz.runs.pool import SLICE_SECONDS
from bpviz.runs.run import PACE, TICK_SECONDS, Pace, Run, with_rate
from bpviz.runs.tracked import MAX_TRACKED, pick_samples
from bpviz.runs.workcap import cap_epochs
from webui import live_chart, pool, state
from webui.pool import shared_pool

# Widget keys (browser tests find them as .st-key-<key>).
EPOCHS = "train_epochs_input"
BATCH = "train_batch_input"
OPTIMISER = "train_optimiser_input"
HYPER_KEYS = {name: f"train_{name}_input" for name in HYPERS}  # μ, β₁, β₂, ρ, ε
PENALTY = "train_penalty_input"
PENALTY_RATE = "train_penalty_rate_input"
LR = "train_lr_input"
SPLIT = "train_split_input"  # the test fraction, in percent
NOISE = "train_noise_input"  # generated data's noise and its Regenerate button
REGENERATE = "train_regenerate"
TRACKED = "train_tracked_input"
LOG = "train_log_input"
COMPARE_LOG = "train_compare_log_input"
RATES = "train_rates_input"
COMPARE_WHAT = "train_compare_what_input"
OPTIMISERS = "train_optimisers_input"
START = "train_start"
STOP = "train_stop"
RESUME = "train_resume"
RESET = "train_reset"
FAST_BUTTON = "train_fast"
COMPARE = "train_compare"
COMPARE_STOP = "train_compare_stop"
DOWNLOAD = "train_download"
LOSS_CHART = "train_loss_chart"
ACCURACY_CHART = "train_accuracy_chart"
DATA_CHART = "train_data_chart"
COMPARE_CHART = "train_compare_chart"
GRADIENT_CHART = "train_gradient_chart"  # each layer's gradient size, under the panes
PANES = "panes_train"  # the curves beside the diagram (panes stack in a narrow window: setup.LAYOUT_CSS)
FILL = "fill_train"  # the panes' container: in presentation mode, measured to fill the rest of the window
SHOW_TEST = "train_show_test"  # the data picture's toggles
DISCRETE = "train_discrete"
MAP_PANES = "panes_train_maps"  # the chosen neuron's map beside the decision boundary


def locked(action):
    """Run ``action`` holding this session's training lock (``state.Train.lock``): with fast reruns a click
    starts a new script thread while the previous one may still be inside a training tick, and the lock makes
    the click wait for that tick (a fraction of a second) instead of racing it."""

    @functools.wraps(action)
    def run_locked(*args):
        with state.train().lock:
            return action(*args)

    return run_locked


def _say(kind: str | None = None, text: str | None = None) -> None:
    """The notice beside the Start/Stop buttons (None clears it)."""
    state.train().notice = state.Notice(kind, text) if kind else None


def learning_rate() -> float:
    return state.net().spec.learning_rate


def current_run() -> Run | None:
    return state.train().run


def live_net():
    """The network the live figures draw: the run's as it trains, else the shared one."""
    run = current_run()
    return run.net if run is not None else state.net()


def current_comparison() -> Comparison | None:
    return state.train().comparison


def training() -> bool:
    """A run is in progress (its ticks are due)."""
    return current_run() is not None and current_run().running


def comparing() -> bool:
    """A comparison is in progress."""
    return current_comparison() is not None and current_comparison().running


def live_figure(figure: go.Figure, key: str) -> go.Figure:
    """What to give ``st.plotly_chart`` for the Train page's chart with widget key ``key``: while a run or a
    comparison trains, the chart keeps its figure and the browser draws ``figure`` into it (``webui.live_chart``)."""
    return live_chart.held(figure, key, training() or comparing(), state.train().held)


def tracked_rows(train_set: Dataset) -> list[int]:
    """The rows chosen to watch, or an automatic pick when none are chosen (or they no longer exist)."""
    rows = [i for i in state.train().tracked if 0 <= i < len(train_set)]
    return rows[:MAX_TRACKED] or pick_samples(train_set)


# -- settings --------------------------------------------------------------------------------------
def set_train_setting(name: str, widget_key: str) -> None:
    """Store one TrainSettings field (epochs, batch_size) from its widget."""
    state.set_train_settings(**{name: state.widget(widget_key)})


def set_train_part(part: str, name: str, widget_key: str) -> None:
    """Store one field of the run settings' ``part`` ("optimiser": its rule or a hyper-parameter; "penalty": its
    kind or rate λ) from its widget; a run uses it from its next tick. A refused value is said, not stored."""
    settings = state.train_settings()
    try:
        state.set_train_settings(**{part: replace(getattr(settings, part), **{name: state.widget(widget_key)})})
    except BpvizError as err:
        _say("error", str(err))


@locked
def set_learning_rate() -> None:
    """The rate lives in the shared network's spec, so the Step page's update uses it too."""
    try:
        state.share_from_train(with_rate(state.net(), float(state.widget(LR))))
    except BpvizError as err:
        _say("error", str(err))


@locked
def set_split() -> None:
    """A new test fraction changes the data, so any comparison made on the old split goes."""
    try:
        state.set_data_settings(test_fraction=state.widget(SPLIT) / 100)
    except BpvizError as err:
        _say("error", str(err))
        return
    t = state.train()
    t.comparison, t.made_at = None, state.version()


@locked
def set_noise() -> None:
    """Draw the data again with the noise of the slider (the same draw number)."""
    _new_data(noise=state.widget(NOISE))


@locked
def regenerate() -> None:
    """A fresh sample of the same dataset with the same settings: the next draw number (``DataSettings.draw``)."""
    _new_data(draw=state.data_settings().draw + 1)


def _new_data(**changes) -> None:
    """New data settings that keep the network: a running run first hands its weights to the shared network, as
    Stop does; then the run and the comparison, made on the old data, go, and the notice says what happened."""
    before = state.data_settings()
    try:
        after = replace(before, **changes)
    except BpvizError as err:
        _say("error", str(err))
        return
    if after == before:
        return
    had_run = current_run() is not None
    stop()
    state.set_data(after)
    state.drop_stale_runs()  # now, so the page does not clear them again with its general words
    noise = f", noise {after.noise:g}" if after.noise != before.noise else ""
    then = "the run starts again from them — press Start" if had_run else "press Start to train them on it"
    _say("info", f"New data drawn (draw {after.draw}{noise}): the network keeps its weights; {then}.")


def set_tracked() -> None:
    state.train().tracked = tuple(state.widget(TRACKED))


@locked
def use_fast_settings() -> None:
    """Epochs, batch size, rate and optimiser known to train this dataset quickly (``bpviz.lesson.presets.FAST``)."""
    recipe = FAST[state.data_settings().name]
    state.set_train_settings(epochs=recipe.epochs, batch_size=recipe.batch_size, optimiser=recipe.optimiser)
    state.share_from_train(with_rate(state.net(), recipe.learning_rate))
    _say(
        "success",
        f"Fast settings: {recipe.epochs} epochs, batch size {recipe.batch_size}, "
        f"learning rate {recipe.learning_rate:g}, {recipe.optimiser.describe()}.",
    )


# -- the run ----------------------------------------------------------------------------------------
def _allowed(epochs: int, train_set: Dataset) -> int | None:
    """Epochs the work cap allows for this request (the notice explains a cap), or None when none do."""
    try:
        allowed, why = cap_epochs(epochs, len(train_set), state.net().spec.n_params)
    except BpvizError as err:
        _say("error", str(err))
        return None
    _say("warning" if why else None, why)
    return allowed


def _csv_text() -> bytes | None:
    upload = state.csv_file()
    return upload[1] if upload is not None and state.data_settings().name == "csv" else None


def _too_big(batch_size: int) -> bool:
    """True (and the notice says why) when a run of the shared network at ``batch_size`` would not fit the
    memory cap (``bpviz.runs.memory``)."""
    load = memory.load_of(state.net().spec.layers, state.data_settings(), batch_size, csv=_csv_text())
    why = memory.refusal(load)
    if why:
        _say("error", f"Not started: {why}.")
    return why is not None


@locked
def start(train_set: Dataset, test_set: Dataset | None) -> None:
    """A new run from the shared network with the current settings."""
    settings, t = state.train_settings(), state.train()
    if _too_big(settings.batch_size):
        return
    epochs = _allowed(settings.epochs, train_set)
    if epochs is None:
        return
    try:
        run = Run(
            state.net(),
            train_set,
            test_set,
            settings.batch_size,
            learning_rate(),
            settings.optimiser,
            settings.penalty,
            tracked_rows(train_set),
            clock=t.clock,
        )
    except BpvizError as err:
        _say("error", str(err))
        return
    run.go(epochs)
    t.run = run


@locked
def stop() -> None:
    run = current_run()
    if run is not None and run.running:
        _release()  # first: the pool no longer sends this job, so stopping it changes nothing a worker reads
        run.stop()
        share_result(run)


@locked
def resume(train_set: Dataset) -> None:
    """Go on with the current settings: up to the epochs setting, or that many more once it is reached."""
    run, settings = current_run(), state.train_settings()
    wanted = settings.epochs - run.epoch if run.epoch < settings.epochs else settings.epochs
    epochs = _allowed(wanted, train_set)
    if epochs is None:
        return
    try:
        run.configure(settings.batch_size, learning_rate(), settings.optimiser, settings.penalty)
    except BpvizError as err:
        _say("error", str(err))
        return
    run.go(run.epoch + epochs)


@locked
def reset() -> None:
    """Forget the run and give the shared state back the network it started from."""
    run = current_run()
    _release()
    if run is not None:
        run.stop()
        state.share_from_train(with_rate(run.start_net, learning_rate()))
    state.train().run = None
    _say()


def share_result(run: Run) -> None:
    """The trained network (after a divergence, the last finite one) becomes the shared network."""
    if run.epoch > 0:
        state.share_from_train(with_rate(run.net, learning_rate()))


@locked
def tick() -> bool:
    """Train the running run for about TICK_SECONDS (with a pool: take the latest copy its worker handed back);
    True when it stopped in this tick (done, diverged or failed)."""
    t, settings = state.train(), state.train_settings()
    if t.run is None or not t.run.running:
        return False
    wanted = (settings.batch_size, learning_rate(), settings.optimiser, settings.penalty)  # plain values: a pool's
    failure = _advance("run", lambda run: run.configure(*wanted))  # thread applies them, outside this session
    if failure is not None:
        t.run.stop()
        _release()
        _say("error", failure)
        share_result(t.run)
        return True
    if t.run.running:
        return False
    share_result(t.run)
    return True


def pace() -> Pace:
    """How often the live parts redraw (``PACE``); with a training pool the numbers every other slice a worker
    hands back (polling faster would mostly redraw the same numbers), as often as the curves."""
    return PACE if shared_pool() is None else replace(PACE, tick=max(PACE.tick, 2 * SLICE_SECONDS))


def queue_words() -> str | None:
    """ "Waiting for a free worker: …" while this session's run or comparison waits in the server's line."""
    pool = shared_pool()
    place = None if pool is None else pool.place(state.train().ticket)
    if place is None or place.admitted:
        return None
    ahead = f"{place.ahead} run{'s' * (place.ahead != 1)} ahead of yours" if place.ahead else "yours is next"
    return f"Waiting for a free worker: {ahead}; {place.training} training now on this server"


def _advance(job: str, change=None) -> str | None:
    """Advance ``state.train()``'s ``job`` ("run" or "comparison") with its settings applied by ``change`` (which
    may raise BpvizError): in the script thread for TICK_SECONDS when the server has no pool; else hand it to the
    pool, or take the latest copy its worker handed back. Returns why it failed (None when it did not)."""
    t, pool = state.train(), shared_pool()
    current = getattr(t, job)
    if pool is None:
        try:
            if change is not None:
                change(current)
        except BpvizError as err:
            return str(err)
        current.step(TICK_SECONDS)
        return None
    news = pool.poll(t.ticket, change)
    if news is None:  # a new run, Resume, or a ticket that fell silent while the page was away
        t.ticket = pool.join(current, change)
        return None
    lane, _ = news
    setattr(t, job, lane.job)
    if lane.error is None and lane.job.running:
        return None
    _release()
    return lane.error


def _release() -> None:
    """The job gives up its place in the server's line and its slice out (a worker finishes it for nobody)."""
    t = state.train()
    pool.leave(t.ticket)
    t.ticket = None


# -- the comparison ---------------------------------------------------------------------------------
@locked
def compare(train_set: Dataset, test_set: Dataset | None) -> None:
    """Train one starting network once per learning rate in ``state.Train.rates`` (with the optimiser of the run
    settings) or once per optimiser in ``state.Train.optimisers``, as ``state.Train.compare_what`` says, with the
    epochs, batch size and penalty of the run settings: the run's starting network when there is a run, else the
    shared one."""
    settings, run, t = state.train_settings(), current_run(), state.train()
    net = run.start_net if run is not None else state.net()
    try:
        if t.compare_what == "optimisers":
            variants = optimiser_variants(parse_optimisers(t.optimisers, settings.optimiser, learning_rate()))
        else:
            variants = rate_variants(parse_rates(t.rates), settings.optimiser)
        memory.check(memory.load_of(net.spec.layers, state.data_settings(), settings.batch_size, len(variants),
                                    csv=_csv_text()))  # fmt: skip
        epochs, why = cap_epochs(settings.epochs, len(train_set), net.spec.n_params, runs=len(variants))
        comparison = Comparison(
            net, train_set, test_set, variants, epochs, settings.batch_size, settings.penalty, t.clock, t.compare_what
        )
    except BpvizError as err:
        t.compare_notice = state.Notice("error", str(err))
        return
    t.compare_notice = state.Notice("warning", why) if why else None
    t.comparison = comparison


@locked
def stop_comparison() -> None:
    comparison = current_comparison()
    _release()
    if comparison is not None:
        comparison.stop()


@locked
def compare_tick() -> bool:
    """Advance a running comparison by about TICK_SECONDS; True when it finished in this tick."""
    t = state.train()
    if t.comparison is None or not t.comparison.running:
        return False
    failure = _advance("comparison")
    if failure is not None:
        t.comparison.stop()
        t.compare_notice = state.Notice("error", failure)
        return True
    return not t.comparison.running
