"""Benchmarks of the Train page: the cost of its live figures per training tick, and Start to 97 % on digits.

    python scripts/bench.py train-chart train-97    # as sections of the benchmark script
    python scripts/bench_train.py                   # both, on their own

The page's live panel trains a tick of ``TICK_SECONDS`` and then draws the figures whose pace has come round, which
Streamlit turns into JSON (``Figure.to_dict`` and ``plotly.io.to_json``, as ``st.plotly_chart`` does).
``train-chart`` trains a fixed number of epochs five ways, interleaved so that load from other processes hits all
alike: the engine alone (``Trainer.run`` with the run's report interval), the page's ticks drawing nothing, the
ticks drawing what the page drew before the diagram (loss, accuracy, decision boundary) every tick, the ticks
drawing those and the network diagram with its maps and the chosen neuron's map every tick, and today's page, which
redraws the curves and the figures at their pace (``bpviz.runs.run.PACE``: the curves every 0.25 s, the figures
every second). A ticked run also records each layer's gradient size at every report (``Run.grad_sizes``) and the
curves include its chart, so both count in the overhead. The overhead of a variant is its time over the engine's,
less 1; the goal for the whole page is at most 25 %, in wall time and in this process's CPU time (which other
processes disturb less). Fastest of the repeats; on a loaded machine both grow, since every tick trains for a fixed
wall time and a drawing then takes longer. Where a set is big enough for OpenBLAS to spread its products over
threads (the digits' evaluation after every epoch), a loaded machine makes the times swing by a factor of two or
three; ``OPENBLAS_NUM_THREADS=1`` steadies them.
"""

import functools
import math
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import plotly.io
import plotly.tools

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bpviz import Trainer, get_preset, split  # noqa: E402
from bpviz.data.catalog import make_dataset  # noqa: E402
from bpviz.figures.boundary import data_figure, data_maps, has_plane  # noqa: E402
from bpviz.figures.diagram import network_figure  # noqa: E402
from bpviz.figures.neuron_map import neuron_map_figure  # noqa: E402
from bpviz.figures.training import accuracy_figure, gradient_flow_figure, loss_figure  # noqa: E402
from bpviz.lesson.names import weight_layer_names  # noqa: E402
from bpviz.lesson.presets import FAST, Recipe  # noqa: E402
from bpviz.lesson.shown import train_view  # noqa: E402
from bpviz.runs.run import PACE, TICK_SECONDS, Run  # noqa: E402

GOAL = 0.25  # the page's live overhead over training alone, at most
DIAGRAM_WIDTH, DIAGRAM_TALLEST = 570, 856  # px the page plans the diagram for in a 1600 × 1000 window
CASES = {  # dataset: (epochs trained per variant, repeats); the presets' own settings otherwise
    "circles": (8000, 5),
    "spiral": (5000, 5),
    "digits": (60, 5),
}


def sent(fig) -> int:
    """Bytes of ``fig`` as ``st.plotly_chart`` sends it."""
    figure = plotly.tools.return_figure_from_figure_or_data(fig, validate_figure=True)
    return len(plotly.io.to_json(figure, validate=False))


def curves(run: Run, train_set, test_set) -> list:
    """The loss curve, for classification the accuracy curve, and each layer's gradient size."""
    spec = run.net.spec
    out = [loss_figure(run.history, spec.loss, spec.reduction, x_max=run.target)]
    if train_set.is_classification:
        out.append(accuracy_figure(run.history, x_max=run.target))
    epochs = [p.epoch for p in run.history]
    return [*out, gradient_flow_figure(epochs, run.grad_sizes, weight_layer_names(spec), x_max=run.target)]


def boundary(run: Run, train_set, test_set) -> list:
    """The decision boundary or fitted curve, where the data has one."""
    data = data_figure(run.net, train_set, test_set)
    return [] if data is None else [data]


def diagram(run: Run, train_set, test_set) -> list:
    """The diagram of the run's network (with its maps for 2 inputs) and, for 2 inputs, the chosen neuron's map."""
    net = run.net
    if not has_plane(net, train_set):
        return [network_figure(net, train_view(net), width=DIAGRAM_WIDTH, max_height=DIAGRAM_TALLEST)]
    maps = data_maps(net, train_set, test_set)
    fig = network_figure(net, train_view(net), maps=maps, selected=("node", 1, 0), width=DIAGRAM_WIDTH,
                         max_height=DIAGRAM_TALLEST)  # fmt: skip
    return [fig, neuron_map_figure(net, 1, 0, train_set, test_set)]


def figures(run: Run, train_set, test_set) -> list:
    """What the page draws at the figures' pace: the decision boundary, the diagram and the neuron's map."""
    return boundary(run, train_set, test_set) + diagram(run, train_set, test_set)


# What a tick draws: (seconds between redraws, figures of the run); 0 s: after every tick.
Drawings = tuple[tuple[float, Callable], ...]
BEFORE: Drawings = ((0.0, curves), (0.0, boundary))  # the page before the diagram
EVERY_TICK: Drawings = ((0.0, curves), (0.0, figures))  # the diagram and maps redrawn after every tick
PACED: Drawings = ((PACE.curves, curves), (PACE.figures, figures))  # the page now (bpviz.runs.run.PACE)


def case(name: str):
    """(network, training set, test set, recipe) of a preset: its own training settings, its split."""
    preset = get_preset(name)
    net, d = preset.network(), preset.data
    data = make_dataset(d.name, n=d.n, noise=d.noise, seed=d.seed_for(net.spec.seed), classes=d.classes)
    train_set, test_set = split(data.for_outputs(net.spec.layers[-1]), d.test_fraction, d.seed_for(net.spec.seed))
    t = preset.train
    recipe = FAST.get(name) or Recipe(t.epochs, t.batch_size, net.spec.learning_rate, t.optimiser)
    return net, train_set, test_set, recipe


def ticked_run(net, train_set, test_set, recipe: Recipe, epochs: int, draws: Drawings = (),
               until_accuracy: float | None = None) -> tuple[float, int, Run]:  # fmt: skip
    """A page-style run: ticks of TICK_SECONDS of training, each followed by the figures of each of ``draws``
    whose pace has come round, serialised as the page does. Returns (seconds, ticks, run); with
    ``until_accuracy`` it stops after the tick whose reports first reach that test accuracy."""
    start = time.perf_counter()
    run = Run(net, train_set, test_set, recipe.batch_size, recipe.learning_rate, recipe.optimiser)
    run.go(epochs)
    ticks, drawn = 0, [-math.inf] * len(draws)
    while run.running:
        new = run.step(TICK_SECONDS)
        for i, (every, draw) in enumerate(draws):
            if time.perf_counter() - drawn[i] >= every:
                drawn[i] = time.perf_counter()
                for fig in draw(run, train_set, test_set):
                    sent(fig)
        ticks += 1
        if until_accuracy is not None and any(p.test_accuracy >= until_accuracy for p in new):
            run.stop()
    return time.perf_counter() - start, ticks, run


def wall_and_cpu(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of one call of ``fn``."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def fastest(variants: dict[str, Callable[[], object]], repeats: int) -> dict[str, tuple[float, float]]:
    """The fastest (wall, CPU) seconds of each variant over ``repeats`` interleaved rounds, after a warm-up."""
    for fn in variants.values():
        fn()
    times = {name: [] for name in variants}
    for _ in range(repeats):
        for name, fn in variants.items():
            times[name].append(wall_and_cpu(fn))
    return {name: (min(w for w, _ in t), min(c for _, c in t)) for name, t in times.items()}


def per_redraw(figures: Callable[[], list], repeats: int = 21) -> tuple[float, int]:
    """(median ms to build and serialise ``figures()``, bytes sent)."""
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        size = sum(sent(fig) for fig in figures())
        seconds.append(time.perf_counter() - start)
    return 1e3 * statistics.median(seconds), size


def bench_train_chart() -> None:
    """The Train page's live overhead per dataset (see the module docstring), and what one redraw costs."""
    print(f"tick: {TICK_SECONDS:g} s of training, then the figures; goal: the whole page <= {GOAL:.0%} over the engine")
    for name, (epochs, repeats) in CASES.items():
        overheads(name, epochs, repeats)


def overheads(name: str, epochs: int, repeats: int) -> None:
    """The four variants of the module docstring for one dataset, then the cost of one redraw."""
    net, train_set, test_set, recipe = case(name)

    def engine():
        trainer = Trainer(net, train_set, test_set, recipe.batch_size, recipe.learning_rate, recipe.optimiser)
        return list(trainer.run(epochs, max(1, math.ceil(epochs / 500))))  # the run's report interval

    def ticks(draw):
        return functools.partial(ticked_run, net, train_set, test_set, recipe, epochs, draw)

    best = fastest({"engine alone": engine, "ticks, no figures": ticks(()), "+ curves (before)": ticks(BEFORE),
                    "+ diagram, every tick": ticks(EVERY_TICK), "+ diagram, paced (now)": ticks(PACED)},
                   repeats)  # fmt: skip
    print(f"{name} {'-'.join(map(str, net.spec.layers))}: {epochs} epochs, batch {recipe.batch_size}, lr "
          f"{recipe.learning_rate:g}, {recipe.optimiser.describe()} (fastest of {repeats})")  # fmt: skip
    engine_times = best.pop("engine alone")
    print(f"  {'engine alone':<26} wall {engine_times[0]:6.2f} s   cpu {engine_times[1]:6.2f} s")
    for variant, (wall, cpu) in best.items():
        over = [100 * (t / e - 1) for t, e in zip((wall, cpu), engine_times)]
        print(f"  {variant:<26} wall {wall:6.2f} s   cpu {cpu:6.2f} s   overhead wall {over[0]:+4.0f} %  "
              f"cpu {over[1]:+4.0f} %")  # fmt: skip
    seconds, n_ticks, run = ticked_run(net, train_set, test_set, recipe, epochs, PACED)
    for label, drawn in (("curves", curves), ("boundary", boundary), ("diagram and maps", diagram)):
        ms, size = per_redraw(functools.partial(drawn, run, train_set, test_set))
        print(f"  per redraw, {label:<17} build + JSON {ms:5.1f} ms   {size / 1024:5.0f} KiB")
    print(f"  {n_ticks} ticks of {TICK_SECONDS:g} s in {seconds:.1f} s, paced: curves every {PACE.curves:g} s, "
          f"figures every {PACE.figures:g} s")


def bench_train_97(repeats: int = 5) -> None:
    """Wall time from Start (a new Run, its epoch-0 report included) to the first report with >= 97 % test
    accuracy on digits, with the page's fast settings, ticks and live curves."""
    net, train_set, test_set, recipe = case("digits")
    ticked_run(net, train_set, test_set, recipe, 2, PACED)  # warm-up
    results = [ticked_run(net, train_set, test_set, recipe, recipe.epochs, PACED, until_accuracy=0.97)
               for _ in range(repeats)]  # fmt: skip
    reached = [r for r in results if any(p.test_accuracy >= 0.97 for p in r[2].history)]
    seconds = statistics.median(r[0] for r in results)
    print(
        f"digits, fast settings: {recipe.epochs} epochs max, batch {recipe.batch_size}, lr {recipe.learning_rate:g},"
        f" {recipe.optimiser.describe()}"
    )
    first = next(p for p in results[0][2].history if p.test_accuracy >= 0.97)
    print(
        f"  reached 97 % test accuracy in {len(reached)} of {repeats} runs, first at epoch {first.epoch} "
        f"({first.test_accuracy:.1%}); stopped after epoch {results[0][2].epoch}"
    )
    print(f"  Start to 97 %: median {seconds:.2f} s, slowest {max(r[0] for r in results):.2f} s  (goal: <= 2 s)")


if __name__ == "__main__":
    bench_train_chart()
    bench_train_97()
