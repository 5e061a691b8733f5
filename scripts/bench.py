"""Benchmarks of bpviz, one named section per measurement.

    python scripts/bench.py            # every section
    python scripts/bench.py engine     # only the named section(s)
    python scripts/bench.py latency --clicks 5   # a section's options (see --help)

Each section is a function registered with ``@section("name")`` that prints its own
lines. Times are medians (or, where noted, the fastest) over repeats, measured in this one run.

``engine``: seconds per epoch of mini-batch SGD on the 8x8 digits with a 64-32-16-10
sigmoid net (half SSE, mean over the batch, batch 32, learning rate 0.5), through
``bpviz.Trainer.run_epoch``, next to a bare tutorial-style NumPy loop and PyTorch CPU
float64 (when installed) training the same net from the same weights in the same batch order.
"""

import argparse
import functools
import inspect
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bpviz import Network, NetworkSpec, Trainer, split
from bpviz.data.catalog import make_dataset

SECTIONS: dict[str, Callable[[], None]] = {}


def section(name: str):
    """Register a benchmark section under ``name``."""

    def register(fn):
        SECTIONS[name] = fn
        return fn

    return register


def median_seconds(fn: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``repeats`` calls of ``fn``."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# ---------------------------------------------------------------- engine vs bare NumPy vs PyTorch

DIGITS_LAYERS = (64, 32, 16, 10)
BATCH = 32
LR = 0.5
SEED = 0


def digits_setup():
    """The digits net (spec seed 0) and the preset's 75 % training split."""
    spec = NetworkSpec(DIGITS_LAYERS, ("sigmoid",) * 3, "half_sse", "mean", "learned", "normal_scaled", SEED, LR)
    train_set, _ = split(make_dataset("digits"), 0.25, SEED)
    return Network.initialise(spec), train_set


def tutorial_sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


class BareNumpy:
    """The straightforward tutorial loop: matrices, the tutorial's sigmoid 1/(1+exp(−z)), deltas,
    update; no abstractions."""

    def __init__(self, net: Network, X: np.ndarray, Y: np.ndarray):
        self.W = [w.copy() for w in net.W]
        self.b = [v.copy() for v in net.b]
        self.X, self.Y = X, Y
        self.rng = np.random.default_rng(SEED)

    def run_epoch(self) -> None:
        W, b, X, Y, sigmoid = self.W, self.b, self.X, self.Y, tutorial_sigmoid
        order = self.rng.permutation(len(X))
        for start in range(0, len(order), BATCH):
            idx = order[start : start + BATCH]
            x, y = X[idx], Y[idx]
            a1 = sigmoid(x @ W[0].T + b[0])
            a2 = sigmoid(a1 @ W[1].T + b[1])
            a3 = sigmoid(a2 @ W[2].T + b[2])
            d3 = (a3 - y) * a3 * (1.0 - a3) / len(idx)
            d2 = (d3 @ W[2]) * a2 * (1.0 - a2)
            d1 = (d2 @ W[1]) * a1 * (1.0 - a1)
            for k, (d, a_prev) in enumerate(((d1, x), (d2, a1), (d3, a2))):
                W[k] -= LR * (d.T @ a_prev)
                b[k] -= LR * d.sum(axis=0)


class TorchSGD:
    """The same net in PyTorch float64: autograd backward, then a manual SGD step."""

    def __init__(self, torch, net: Network, X: np.ndarray, Y: np.ndarray):
        self.torch = torch
        self.params = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in (*net.W, *net.b)]
        self.X = torch.tensor(X, dtype=torch.float64)
        self.Y = torch.tensor(Y, dtype=torch.float64)
        self.rng = np.random.default_rng(SEED)

    def run_epoch(self) -> None:
        torch, (W1, W2, W3, b1, b2, b3) = self.torch, self.params
        order = torch.from_numpy(self.rng.permutation(len(self.X)))
        for start in range(0, len(order), BATCH):
            idx = order[start : start + BATCH]
            x, y = self.X[idx], self.Y[idx]
            a1 = torch.sigmoid(x @ W1.T + b1)
            a2 = torch.sigmoid(a1 @ W2.T + b2)
            a3 = torch.sigmoid(a2 @ W3.T + b3)
            loss = 0.5 * ((a3 - y) ** 2).sum() / len(idx)
            for p in self.params:
                p.grad = None
            loss.backward()
            with torch.no_grad():
                for p in self.params:
                    p -= LR * p.grad

    def weights(self) -> list[np.ndarray]:
        return [p.detach().numpy() for p in self.params[:3]]


def _max_difference(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    return max(float(np.max(np.abs(x - y))) for x, y in zip(a, b))


def _interleaved_medians(runners: dict[str, Callable[[], None]], repeats: int) -> dict[str, float]:
    """Median seconds per call of each runner, calling them in turn with the order reversed
    every other round, so load from other processes and each one's cache footprint hit all alike."""
    names = list(runners)
    times = {name: [] for name in names}
    for r in range(repeats):
        for name in names if r % 2 == 0 else names[::-1]:
            start = time.perf_counter()
            runners[name]()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


@section("engine")
def bench_engine(repeats: int = 30) -> None:
    """Engine vs bare NumPy vs PyTorch: seconds per epoch, medians over repeats."""
    net, train_set = digits_setup()
    X, Y = train_set.X, train_set.for_outputs(DIGITS_LAYERS[-1]).Y
    trainer = Trainer(net, train_set, batch_size=BATCH, learning_rate=LR, seed=SEED)
    bare = BareNumpy(net, X, Y)
    try:
        import torch
    except ImportError:
        torch = None

    # One epoch each from the same start, then check they trained the same net.
    trainer.run_epoch()
    bare.run_epoch()
    print(
        f"digits {'-'.join(map(str, DIGITS_LAYERS))} sigmoid, half_sse mean, batch {BATCH}, lr {LR}: "
        f"{len(X)} samples, {-(-len(X) // BATCH)} steps per epoch"
    )
    print(f"  after 1 epoch, max |W engine - W bare|  = {_max_difference(trainer.net.W, bare.W):.1e}")
    if torch is not None:
        oracle = TorchSGD(torch, net, X, Y)
        oracle.run_epoch()
        print(f"  after 1 epoch, max |W engine - W torch| = {_max_difference(trainer.net.W, oracle.weights()):.1e}")

    numpy_runners = {"engine": trainer.run_epoch, "bare": bare.run_epoch}
    med = _interleaved_medians(numpy_runners, repeats)
    if torch is not None:
        # PyTorch runs on its own afterwards: it slows whatever runs right after it. Its default
        # thread count and a single thread are both timed; the ratio uses the faster one.
        default_threads = torch.get_num_threads()
        for n in sorted({default_threads, 1}, reverse=True):
            torch.set_num_threads(n)
            oracle.run_epoch()
            med[f"torch{n}"] = median_seconds(oracle.run_epoch, repeats)
        torch.set_num_threads(default_threads)
    print(f"  median of {repeats} epochs each (torchN = PyTorch with N intra-op threads):")
    for name, seconds in med.items():
        print(f"    {name:<10} {seconds * 1e3:8.2f} ms/epoch")
    print(f"  engine/bare  = {med['engine'] / med['bare']:.2f}  (goal: <= 1)")
    if torch is not None:
        best = min((n for n in med if n.startswith("torch")), key=med.get)
        print(f"  torch/engine = {med[best] / med['engine']:.2f}  (goal: >= 5; the faster torch, {best})")
    else:
        print("  torch/engine = n/a (PyTorch is not installed)")


# ---------------------------------------------------------------- Train page: live figures and time to 97 %

from bench_train import bench_train_97, bench_train_chart  # noqa: E402  (scripts/ is on the path as a script)

section("train-chart")(bench_train_chart)
section("train-97")(bench_train_97)


# ---------------------------------------------------------------- Design/Step: the network diagram


@section("diagram")
def bench_diagram(repeats: int = 51) -> None:
    """Build time and JSON size of the network diagram (layout, labels and figure): the digits net on Design
    and at a backward stage of Step (values on every node; in presentation mode at full HD), with and without
    the bias trick, the worked example's update stage, and the largest net the spec allows (capped).
    Goal for digits: build <= 30 ms, JSON <= 250 KiB."""
    from bpviz import get_preset
    from bpviz.figures import network_figure
    from bpviz.lesson.shown import stage_view
    from bpviz.lesson.stages import walk

    digits, example = get_preset("digits").network(), get_preset("worked").network()
    x, y = make_dataset("digits").X[3], np.eye(10)[3]
    step, worked = walk(digits, x, y), walk(example, [0.05, 0.1], [0.01, 0.99])
    largest = Network.initialise(NetworkSpec((4096, *(100,) * 8, 4096), ("sigmoid",) * 9))
    cases = {
        "digits, Design": (digits, {}),
        "digits, bias trick": (digits, {"show_bias": True}),
        "digits, Step stage 10": (digits, {"view": stage_view(step, 9)}),
        "digits, presenting": (digits, {"view": stage_view(step, 9), "width": 1100, "height": 840, "scale": 1.73}),
        "2-2-2 update": (example, {"view": stage_view(worked, 10), "show_bias": True}),
        "4096-100x8-4096": (largest, {}),
    }
    for name, (net, options) in cases.items():
        build = functools.partial(network_figure, net, **options)
        build()  # warm-up
        seconds = median_seconds(build, repeats)
        size = len(network_figure(net, **options).to_json()) / 1024
        print(f"  {name:<22} build {seconds * 1e3:6.1f} ms   JSON {size:6.0f} KiB")
    print("  goal for digits: build <= 30 ms, JSON <= 250 KiB")


# ---------------------------------------------------------------- Step page: one Next click

from bench_step import bench_step_click  # noqa: E402  (scripts/ is on the path when this runs as a script)

section("step-click")(bench_step_click)


# ---------------------------------------------------------------- Step page: a click in the browser, against the floor

from bench_latency import bench_latency  # noqa: E402  (scripts/ is on the path when this runs as a script)

section("latency")(bench_latency)


# ---------------------------------------------------------------- a class on one server: training and stepping at once

from bench_load import bench_load  # noqa: E402  (scripts/ is on the path when this runs as a script)

section("load")(bench_load)


def parse(argv: list[str]) -> argparse.Namespace:
    """The sections to run (none: all) and the options of those that take them."""
    parser = argparse.ArgumentParser(description="Benchmarks of bpviz, one named section per measurement.")
    parser.add_argument("sections", nargs="*", metavar="section", help=f"any of {', '.join(SECTIONS)}")
    parser.add_argument("--clicks", type=int, help="latency, load: clicks timed per case or session (default 15, 20)")
    parser.add_argument("--trainers", type=int, help="latency, load: sessions training digits meanwhile (default 4, 6)")
    parser.add_argument("--steppers", type=int, help="load: sessions clicking Next meanwhile (default 6)")
    parser.add_argument("--after", type=float, help="load: seconds memory is followed after closing (default 180)")
    return parser.parse_args(argv)


def options_for(fn: Callable[..., None], args: argparse.Namespace) -> dict[str, int]:
    """The options given on the command line that the section ``fn`` takes."""
    given = {name: value for name, value in vars(args).items() if name != "sections" and value is not None}
    return {name: value for name, value in given.items() if name in inspect.signature(fn).parameters}


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    unknown = [n for n in args.sections if n not in SECTIONS]
    if unknown:
        print(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}", file=sys.stderr)
        return 2
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    print(f"Python {platform.python_version()}, NumPy {np.__version__}, {os.cpu_count()} CPUs, load average {load}")
    for name in args.sections or list(SECTIONS):
        print(f"== {name}")
        SECTIONS[name](**options_for(SECTIONS[name], args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
