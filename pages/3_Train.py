"""Train: set epochs, batch size, learning rate, the optimiser, the weight penalty and the split; Start, Stop,
Resume, Reset; watch the loss, accuracy, decision boundary and each layer's gradient size as the network
learns; compare learning rates or optimisers.

The run lives in session state; the live panel is a fragment that trains a short chunk per tick
(``webui.train_actions.tick``) and redraws, so the rest of the page stays usable while it trains.
"""

from functools import partial

import numpy  # noqa: F401  (imported up front: a lazy first import raced a quick second click)
import pandas  # noqa: F401
import plotly  # noqa: F401
import streamlit as st

from bpviz import Dataset
from bpviz.data.catalog import MAX_NOISE, NOISE_STEP, SOURCES, draws_anew
from bpviz.data.datasets import MAX_TEST_FRACTION
from bpviz.engine.errors import BpvizError
from bpviz.engine.optimisers import HYPERS, MAX_PENALTY_RATE, PENALTIES, RULES
from bpviz.engine.spec import MAX_LEARNING_RATE, MIN_LEARNING_RATE
from bpviz.figures.boundary import data_figure
from bpviz.figures.chart_layout import alt_text
from bpviz.figures.confusion import confusion_figure
from bpviz.figures.training import (
    accuracy_figure,
    comparison_figure,
    gradient_flow_figure,
    loss_figure,
    loss_label,
    sample_figure,
)
from bpviz.io import netfile
from bpviz.lesson.equations import rule_latex
from bpviz.lesson.names import weight_layer_names
from bpviz.lesson.presets import FAST
from bpviz.runs.evaluation import class_report, confusion
from bpviz.runs.gradflow import MAX_ROWS
from bpviz.runs.run import Run, with_rate
from bpviz.runs.tracked import MAX_TRACKED, sample_name
from bpviz.runs.verdict import Verdict, verdict
from webui import notices, state, viewport
from webui import train as act
from webui import train_diagram as view
from webui.notices import md, show
from webui.setup import setup_page

VERDICT_NOTICE = {"learned": "success", "stalled": "info", "rose": "warning", "chance": "warning", "diverged": "error"}
CHART = {"theme": None, "width": "stretch", "config": {"displaylogo": False}}

setup_page("Train")


def chart(where, figure, key: str | None = None) -> None:
    """``figure`` in ``where`` (a column, or ``st``) with its text alternative; one with a ``key`` is redrawn in
    place while a run or a comparison trains (``act.live_figure``)."""
    if key is not None:
        figure = act.live_figure(figure, key)
    where.plotly_chart(figure, key=key, alt=alt_text(figure), **CHART)


def header(train_set: Dataset, test_set: Dataset | None) -> None:
    spec = state.net().spec
    st.title("Train")
    n_test = 0 if test_set is None else len(test_set)
    notices.caption(
        f"Network {'-'.join(map(str, spec.layers))} ({spec.n_params:,} parameters) · "
        f"{SOURCES[state.data_settings().name].label}: {len(train_set):,} training samples, "
        f"{f'{n_test:,} test samples' if n_test else 'no test set'} · "
        f"loss: {loss_label(spec.loss, spec.reduction)}"
    )


def settings_panel(train_set: Dataset, run: Run | None) -> None:
    s, n = state.train_settings(), len(train_set)
    cols = st.columns(5)
    cols[0].number_input(
        "Epochs",
        min_value=1,
        max_value=act.MAX_EPOCHS,
        help="Passes over the training set for Start; Resume adds this many once they are done.",
        **state.bind(act.EPOCHS, min(s.epochs, act.MAX_EPOCHS), act.set_train_setting, "epochs", act.EPOCHS),
    )
    cols[1].number_input(
        "Batch size",
        min_value=1,
        max_value=n,
        help=f"Samples per weight update: 1 is classic per-sample SGD, {n:,} is full batch (one update an epoch).",
        **state.bind(act.BATCH, min(s.batch_size, n), act.set_train_setting, "batch_size", act.BATCH),
    )
    cols[2].number_input(
        "Learning rate η",
        min_value=MIN_LEARNING_RATE,
        max_value=MAX_LEARNING_RATE,
        step=0.01,
        format="%g",
        help="Step size of each update θ ← θ − η·dL/dθ. Stored with the network, so the Step page uses it too.",
        **state.bind(act.LR, float(act.learning_rate()), act.set_learning_rate),
    )
    opt = s.optimiser
    cols[3].selectbox(
        "Optimiser",
        options=tuple(RULES),
        format_func=lambda name: RULES[name].label,
        help="How each step turns the gradient into new weights; its hyper-parameters are in the row below.",
        **state.bind(act.OPTIMISER, opt.name, act.set_train_part, "optimiser", "name", act.OPTIMISER),
    )
    cols[4].slider(
        "Test set (%)",
        min_value=0,
        max_value=round(100 * MAX_TEST_FRACTION),
        step=5,
        disabled=run is not None or len(state.dataset()) < 2,
        help="Share of the data held out to measure generalisation. Press Reset to change it after training.",
        **state.bind(act.SPLIT, round(100 * state.data_settings().test_fraction), act.set_split),
    )
    optimiser_row(s)
    data_row()
    with st.expander("Samples to watch by epoch", expanded=False):
        st.multiselect(
            f"Training samples whose prediction and error are plotted after training (up to {MAX_TRACKED})",
            options=range(n),
            format_func=lambda i: sample_name(train_set, i),
            max_selections=MAX_TRACKED,
            disabled=run is not None,
            help="Fixed for a run: press Reset to choose others.",
            **state.bind(act.TRACKED, act.tracked_rows(train_set), act.set_tracked),
        )


def optimiser_row(s) -> None:
    """The chosen optimiser's hyper-parameters and its update, then the weight penalty and its rate λ."""
    opt, penalty = s.optimiser, s.penalty
    cols = st.columns(5)
    for col, name in zip(cols, opt.rule.hypers):
        h = HYPERS[name]
        col.number_input(
            h.label,
            min_value=h.low,
            max_value=h.high,
            step=h.step,
            format="%g",
            help=f"{h.symbol}: {h.meaning}.",
            **state.bind(act.HYPER_KEYS[name], float(getattr(opt, name)), act.set_train_part, "optimiser", name,
                         act.HYPER_KEYS[name]),
        )  # fmt: skip
    cols[3].selectbox(
        "Regularisation",
        options=tuple(PENALTIES),
        format_func=lambda kind: PENALTIES[kind].split(" (")[0],  # "L2": with its formula it is cut at 1280 px
        help=f"A penalty on the weights (never the biases), {PENALTIES['l2']} or {PENALTIES['l1']}, added to the "
        "loss of every batch: its gradient λ·w (L2) or λ·sign(w) (L1) joins δ·a in every weight's gradient. The "
        "curves show the data loss and, dotted, the loss with the penalty.",
        **state.bind(act.PENALTY, penalty.kind, act.set_train_part, "penalty", "kind", act.PENALTY),
    )
    cols[4].number_input(
        "Rate λ",
        min_value=0.0,
        max_value=MAX_PENALTY_RATE,
        step=0.001,
        format="%g",
        disabled=penalty.kind == "none",
        help="How strongly the penalty pulls the weights towards 0.",
        **state.bind(act.PENALTY_RATE, float(penalty.rate), act.set_train_part, "penalty", "rate", act.PENALTY_RATE),
    )
    notices.caption(f"Update: {opt.describe()}, penalty: {penalty.describe()}.")
    st.latex(rule_latex(opt, r"g = \frac{\partial L}{\partial \theta}"))


def data_row() -> None:
    """For generated data, TensorFlow Playground's noise slider and Regenerate (a fresh sample with the same
    settings: the next draw); either keeps the network, and a run starts again from it."""
    data = state.data_settings()
    if "noise" not in SOURCES[data.name].knobs:
        return
    row = st.container(horizontal=True, vertical_alignment="bottom")
    row.slider(
        "Noise",
        min_value=0.0,
        max_value=MAX_NOISE,
        step=NOISE_STEP,
        format="%.2f",
        width=320,
        help="How far the points scatter. A new noise draws the data again; the network keeps its weights.",
        **state.bind(act.NOISE, float(data.noise), act.set_noise),
    )
    fixed = not draws_anew(data)
    row.button(
        "Regenerate",
        key=act.REGENERATE,
        icon=":material/casino:",
        on_click=act.regenerate,
        disabled=fixed,
        help="4 samples with noise 0 are exactly the truth table: raise the noise for points drawn at random."
        if fixed
        else "A fresh sample of this dataset with the same settings, and a fresh train/test split; the network "
        "keeps its weights.",
    )
    notices.caption(f"{SOURCES[data.name].label}, draw {data.draw}", row)


def buttons(train_set: Dataset, test_set: Dataset | None, run: Run | None) -> None:
    running, comparing = act.training(), act.comparing()
    row = st.container(horizontal=True, vertical_alignment="center")  # buttons as wide as their words
    row.button(
        "Start",
        key=act.START,
        icon=":material/play_arrow:",
        type="primary",
        disabled=run is not None or comparing,
        on_click=act.start,
        args=(train_set, test_set),
    )
    row.button("Stop", key=act.STOP, icon=":material/stop:", disabled=not running, on_click=act.stop)
    row.button(
        "Resume",
        key=act.RESUME,
        icon=":material/resume:",
        disabled=run is None or running or comparing,
        on_click=act.resume,
        args=(train_set,),
    )
    row.button(
        "Reset",
        key=act.RESET,
        icon=":material/restart_alt:",
        disabled=run is None,
        on_click=act.reset,
        help="Forget this run and go back to the network it started from.",
    )
    name = state.data_settings().name
    if name in FAST:
        r = FAST[name]
        row.button(
            f"Fast settings for {name}",
            key=act.FAST_BUTTON,
            icon=":material/bolt:",
            disabled=running,
            on_click=act.use_fast_settings,
            help=f"{r.epochs} epochs, batch size {r.batch_size}, η = {r.learning_rate:g}, {r.optimiser.describe()}: "
            "about 97% test accuracy in well under a second.",
        )


def metrics(run: Run) -> None:
    """The latest report, each with its change since epoch 0 (once there is one)."""
    first, last = run.history[0], run.history[-1]
    trained = last.epoch > first.epoch
    cells = [("Epoch", f"{last.epoch:,}", None, "normal")]
    for label, field in (("Train loss", "train_loss"), ("Test loss", "test_loss")):
        value, start = getattr(last, field), getattr(first, field)
        if value is not None:
            delta = f"{value - start:+.3g} since start" if trained else None
            cells.append((label, f"{value:.4g}", delta, "inverse"))
    for label, field in (("Train accuracy", "train_accuracy"), ("Test accuracy", "test_accuracy")):
        value, start = getattr(last, field), getattr(first, field)
        if value is not None:
            delta = f"{100 * (value - start):+.1f} points since start" if trained else None
            cells.append((label, f"{value:.1%}", delta, "normal"))
    row = st.container(horizontal=True, gap="medium")  # as wide as their numbers; a second row when narrow
    for label, value, delta, color in cells:
        row.metric(label, value, delta, delta_color=color, width="content")


def progress(run: Run, said: Verdict | None = None) -> None:
    """The progress bar, its line ending with the verdict's headline when ``said`` (presentation mode)."""
    waiting = act.queue_words() if run.running else None
    if waiting is not None:
        status = waiting
    elif run.running:
        status = "Training"
    elif run.divergence is not None:
        status = "Diverged"
    else:
        status = "Finished" if run.finished else "Stopped"
    fraction = min(run.epoch / run.target, 1.0) if run.target else 0.0
    verdict_words = f" · **{said.headline}**" if said is not None and said.kind != "diverged" else ""  # said already
    st.progress(fraction, text=f"**{status}** · epoch {run.epoch:,} of {run.target:,} · {run.elapsed:.1f} s"
                               f"{verdict_words}")  # fmt: skip


def verdict_notice(said: Verdict | None) -> None:
    if said is not None:
        notices.say(VERDICT_NOTICE[said.kind], said.text)


def log_toggle(widget_key: str, name: str) -> bool:
    return st.toggle("Log-scale loss axis", **state.bind_field(widget_key, state.train(), name))


def curves(run: Run, train_set: Dataset, height: int, presenting: bool) -> None:
    """The loss curve and, for classification, the accuracy under it, each ``height`` px tall (compact, with
    no log-scale switch, in presentation mode)."""
    spec = run.net.spec
    log_y = state.train().log if presenting else log_toggle(act.LOG, "log")
    loss = loss_figure(run.history, spec.loss, spec.reduction, log_y=log_y, x_max=run.target, height=height,
                       compact=presenting)  # fmt: skip
    chart(st, loss, act.LOSS_CHART)
    if train_set.is_classification:
        chart(st, accuracy_figure(run.history, x_max=run.target, height=height, compact=presenting), act.ACCURACY_CHART)


def live(panel, every: float, *args, active: bool | None = None) -> None:
    """``panel(*args)``, holding the training lock so a tick from an overlapping script thread never changes
    what it draws; while ``active`` (by default: while a run trains) as a fragment that reruns alone every
    ``every`` s. Idle, it is part of the page, so a widget in it (the neuron menu, a click on the diagram)
    redraws every part that shows the choice."""

    def locked_panel(*args) -> None:
        with state.train().lock:
            panel(*args)

    if active is None:
        active = act.training()
    if active:
        st.fragment(locked_panel, run_every=every)(*args)
    else:
        locked_panel(*args)


def status_panel(said: Verdict | None) -> None:
    """One tick of training, then the progress, the verdict ``said`` (None while a run trains) and the metrics
    (in presentation mode only the progress line, with the verdict's headline)."""
    if act.tick():
        st.rerun()  # the run ended in this tick: the page's next run has its verdict
    run = act.current_run()
    if run is not None:
        if state.presenting():  # the headline in the progress line; the whole verdict under the panes
            progress(run, said)
        else:
            progress(run)
            verdict_notice(said)
            metrics(run)


def curves_panel(train_set: Dataset, height: int) -> None:
    run = act.current_run()
    if run is None:
        st.info("Press **Start** to train the current network. The curves appear here and grow as it learns; "
                "the diagram beside them follows its weights.")  # fmt: skip
    else:
        curves(run, train_set, height, state.presenting())


def diagram_panel(train_set: Dataset, test_set: Dataset | None, size: view.Sizes) -> None:
    net = act.live_net()
    view.diagram(net, train_set, test_set, size.width, size.height, size.tallest)
    if not state.presenting():
        notices.caption(view.legend_words(net, train_set))


def data_panel(train_set: Dataset, test_set: Dataset | None, size: view.Sizes) -> None:
    """The chosen neuron's map beside the decision boundary or the fitted curve (for 2-D data), with
    TensorFlow Playground's output toggles: the test points shown or not, the regions flat or shaded."""
    net, t = act.live_net(), state.train()
    data = data_figure(net, train_set, test_set, show_test=t.show_test, discrete=t.discrete)
    if data is None:
        return
    where = st
    if view.has_maps(net, train_set):
        left, where = st.container(key=act.MAP_PANES).columns(2, gap="medium")
        with left:
            view.neuron_panel(net, train_set, test_set, size.map)
    row = where.container(horizontal=True)
    row.toggle("Show test data", disabled=test_set is None, **state.bind_field(act.SHOW_TEST, t, "show_test"))
    if train_set.is_classification:
        row.toggle("Discretize output", help="Each point of the plane the colour of the class it is given, "
                   "however sure; off: stronger colour where surer.", **state.bind_field(act.DISCRETE, t, "discrete"))
    chart(where, data, act.DATA_CHART)


GRADIENT_WORDS = (
    "Each line is one layer's gradient size: the root-mean-square of the entries of ∂L/∂W⁽ˡ⁾ over the training "
    f"set (a fixed sample of {MAX_ROWS} rows of a bigger one), at each report. Look for the first layers' lines far "
    "below the output's, falling layer by layer toward the input: vanishing gradients, so the layers near the "
    "input hardly learn (a deep sigmoid net starts so; ReLU with He initialisation keeps the lines together). "
    "A layer whose size reads 0 gets no gradient at all: its ReLUs are dead."
)


def gradient_panel() -> None:
    """Each layer's gradient size by epoch (``Run.grad_sizes``), with what to look for; nothing before a run."""
    run = act.current_run()
    if run is None:
        return
    figure = gradient_flow_figure([p.epoch for p in run.history], run.grad_sizes, weight_layer_names(run.net.spec),
                                  x_max=run.target)  # fmt: skip
    chart(st, figure, act.GRADIENT_CHART)
    notices.caption(GRADIENT_WORDS)


def live_view(train_set: Dataset, test_set: Dataset | None, said: Verdict | None) -> None:
    """The progress and metrics, then the curves beside the diagram (in presentation mode both fill the
    window), then the chosen neuron's map beside the decision boundary, then each layer's gradient size. Each
    part is its own fragment, paced by what it costs the browser to draw: the numbers every tick, the curves
    twice a second, the diagram with its tiles, the maps and the gradient sizes about once a second
    (act.pace())."""
    pace = act.pace()
    live(status_panel, pace.tick, said)
    size = view.sizes(state.presenting(), two_curves=train_set.is_classification)
    left, right = viewport.fill(act.FILL).container(key=act.PANES).columns(2, gap="medium")
    with left:
        live(curves_panel, pace.curves, train_set, size.curve)
    with right:
        live(diagram_panel, pace.figures, train_set, test_set, size)
    live(data_panel, pace.figures, train_set, test_set, size)
    live(gradient_panel, pace.figures)


def results(run: Run, train_set: Dataset, test_set: Dataset | None) -> None:
    """After a run stops: classification report, tracked samples, download."""
    st.subheader(f"Results after {run.epoch:,} epochs")
    if train_set.is_classification:
        eval_set, which = (test_set, "test") if test_set is not None else (train_set, "training")
        left, right = st.columns(2)
        title = f"Confusion matrix ({which} set, {len(eval_set):,} samples)"
        chart(left, confusion_figure(confusion(run.net, eval_set), eval_set.class_names, title))
        notices.write(md("**Precision, recall and F1 per class ({} set)**", which), right)
        number = st.column_config.NumberColumn(format="%.3f")
        right.dataframe(
            class_report(run.net, eval_set),
            column_config={
                "_index": st.column_config.Column(width="medium"),
                "precision": number,
                "recall": number,
                "f1-score": number,
            },
            width="stretch",
            height="content",
        )
    history = run.sample_history()
    if history is not None:
        chart(st, sample_figure(history, log_error=state.train().log))
    layers = "-".join(map(str, run.net.spec.layers))
    left, right = st.columns(2)
    left.download_button(
        "Download the trained network",
        data=partial(  # written on click: a big network's file takes seconds
            netfile.dumps, with_rate(run.net, act.learning_rate()), train=state.train_settings(),
            data=state.data_settings(),
        ),
        file_name=f"bpviz-{layers}-epoch{run.epoch}.json",
        mime="application/json",
        key=act.DOWNLOAD,
        icon=":material/download:",
    )
    right.page_link("pages/2_Step.py", label="Step through the trained network", icon=":material/footprint:")


def comparison_section(train_set: Dataset, test_set: Dataset | None, run: Run | None) -> None:
    comparing, t = act.comparing(), state.train()
    st.divider()
    st.subheader("Comparison")
    start = "the run's starting network" if run is not None else "the current network"
    row = st.container(horizontal=True, vertical_alignment="bottom")
    row.segmented_control(  # required: a click on the chosen option would otherwise choose nothing
        "Compare",
        options=("learning rates", "optimisers"),
        required=True,
        **state.bind_field(act.COMPARE_WHAT, t, "compare_what"),
    )
    if t.compare_what == "optimisers":
        notices.caption(
            f"Trains {start} once per optimiser, with the same weights and the same batches in the same order, "
            "using the epochs, batch size, hyper-parameters and penalty above. Write a rate after a name "
            f"(adam 0.003) or leave it out: SGD, momentum and Nesterov then take η = {act.learning_rate():g} from "
            "above, the adaptive rules (RMSProp, Adam, Adagrad) a rate that suits them, since their steps are "
            "about η long whatever the size of the gradient."
        )
        label, key, name = "Optimisers to compare, each with an optional rate", act.OPTIMISERS, "optimisers"
    else:
        notices.caption(
            f"Trains {start} once per rate, with the same weights and the same batches in the same order, using "
            "the epochs, batch size, optimiser and penalty above. A higher rate falls faster, until it is too high: "
            "then the loss overshoots, oscillates or diverges."
        )
        label, key, name = "Learning rates η to compare (commas between them)", act.RATES, "rates"
    row = st.container(horizontal=True, vertical_alignment="bottom")
    row.text_input(label, **state.bind_field(key, t, name))
    row.button(
        "Compare",
        key=act.COMPARE,
        icon=":material/compare_arrows:",
        type="primary",
        disabled=act.training() or comparing,
        on_click=act.compare,
        args=(train_set, test_set),
    )
    row.button(
        "Stop",
        key=act.COMPARE_STOP,
        icon=":material/stop:",
        disabled=not comparing,
        on_click=act.stop_comparison,
    )
    show(t.compare_notice)
    live(compare_panel, act.pace().tick, active=comparing)


def compare_panel() -> None:
    """One tick of the comparison, then its curves."""
    if act.compare_tick():
        st.rerun()
    comparison = act.current_comparison()
    if comparison is None:
        return
    runs = comparison.runs
    if comparison.running:
        done = sum(r.epoch for r in runs.values()) / (comparison.epochs * len(runs))
        status = act.queue_words() or "Comparing"
        st.progress(
            min(done, 1.0), text=f"**{status}** · {len(runs)} {comparison.what} · {comparison.epochs:,} epochs each"
        )
    spec = next(iter(runs.values())).net.spec
    log_y = log_toggle(act.COMPARE_LOG, "compare_log")
    figure = comparison_figure(
        {label: r.history for label, r in runs.items()},
        {label: (r.divergence.epoch if r.divergence else None) for label, r in runs.items()},
        spec.loss,
        spec.reduction,
        comparison.what,
        log_y=log_y,
        x_max=comparison.epochs,
    )
    chart(st, figure, act.COMPARE_CHART)


def main() -> None:
    dropped = state.drop_stale_runs()
    try:
        train_set, test_set = state.train_test()
    except BpvizError as err:
        st.title("Train")
        notices.say("error", f"This network can't train on the current data: {err}")
        st.page_link("pages/1_Design.py", label="Fix it on the Design page", icon=":material/build:")
        return
    presenting = state.presenting()  # the buttons, then the curves and the diagram fill the window
    if not presenting:
        header(train_set, test_set)
    if dropped:
        st.info("The network or data changed, so the previous training run was cleared.")
    run = act.current_run()
    if not presenting:
        settings_panel(train_set, run)
    buttons(train_set, test_set, run)
    show(state.train().notice)
    said = verdict(run) if run is not None else None  # once a page run: a forward pass over the judged set
    live_view(train_set, test_set, said)
    run = act.current_run()
    if presenting:
        verdict_notice(said)
        st.divider()
        settings_panel(train_set, run)
    if run is not None and not run.running and run.epoch > 0:
        results(run, train_set, test_set)
    comparison_section(train_set, test_set, run)


main()
