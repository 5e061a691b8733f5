"""Training runs advanced in short ticks, the work cap, learning-rate comparisons and tracked samples.

A ``Run`` wraps one ``bpviz.Trainer``. ``step(seconds)`` trains whole report intervals until about
``seconds`` have passed or the target epoch is reached, and appends each ``Progress`` report to
``history`` (the untrained network, epoch 0, comes first). At every report it also records the
outputs a^L of a few chosen training samples, so ``sample_history`` can show how their prediction
and loss evolve. A run that diverges keeps its last finite network (the Trainer restores it) and
records the diverged report in ``divergence``, never in ``history``.

Work cap: E epochs over N training samples of a network with P parameters cost
W = E × N × P sample-parameter updates (each forward and backward pass touches every parameter a
fixed number of times per sample). One request (a Start, a Resume or a whole comparison) may ask
for at most ``MAX_WORK``; ``cap_epochs`` lowers the epochs to fit and says why.
"""

import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bpviz.data.datasets import Dataset
from bpviz.engine.errors import BpvizError
from bpviz.engine.losses import LOSSES
from bpviz.engine.network import Network
from bpviz.engine.training import Progress, Trainer

MAX_WORK = 1_000_000_000
MAX_POINTS = 500  # reports per run at most: the curves stay light enough to redraw several times a second
MAX_RATES = 6
MAX_TRACKED = 6
TICK_SECONDS = 0.15  # training per tick a live page asks ``Run.step`` for: it redraws between ticks
MAX_GAP = 1.0  # seconds between ticks that count as elapsed at most: a run left alone does not run up the clock


@dataclass(frozen=True)
class Recipe:
    """Training settings known to work well for a dataset (with its preset network)."""

    epochs: int
    batch_size: int
    learning_rate: float
    momentum: float


# Digits 64-32-16-10 (sigmoid, ½SSE mean): 97% test accuracy after about 15 epochs, a fraction of a second.
FAST = {"digits": Recipe(epochs=40, batch_size=8, learning_rate=0.5, momentum=0.9)}


def work(epochs: int, n_samples: int, n_params: int, runs: int = 1) -> int:
    """W = runs × epochs × samples × parameters."""
    return runs * epochs * n_samples * n_params


def cap_epochs(asked: int, n_samples: int, n_params: int, runs: int = 1, max_work: int = MAX_WORK):
    """(epochs allowed, explanation or None): the most epochs ≤ ``asked`` with work ≤ ``max_work``.

    Raises BpvizError when not even one epoch fits.
    """
    per_epoch = work(1, n_samples, n_params, runs)
    allowed = max_work // per_epoch
    each = f"{n_samples:,} samples × {n_params:,} parameters" + (f" × {runs} rates" if runs > 1 else "")
    if allowed < 1:
        raise BpvizError(
            "epochs",
            f"one epoch is {each} = {per_epoch:.3g} updates, above this server's cap of {max_work:.3g}; "
            "use fewer samples or a smaller network",
        )
    if asked <= allowed:
        return asked, None
    return allowed, (
        f"Capped at {allowed:,} of the {asked:,} epochs asked for: one run may do at most {max_work:.3g} "
        f"updates (epochs × {each}), and {asked:,} epochs would be {work(asked, n_samples, n_params, runs):.3g}. "
        "Press Resume afterwards to train on, or use fewer samples or a smaller network."
    )


def with_rate(net: Network, learning_rate: float) -> Network:
    """``net`` with ``learning_rate`` in its spec (the same object when it already has it)."""
    if net.spec.learning_rate == learning_rate:
        return net
    return net.with_spec(net.spec.replace(learning_rate=learning_rate))


def parse_rates(text: str) -> tuple[float, ...]:
    """Learning rates from text such as "0.01, 0.1, 0.5, 2" (commas, semicolons or spaces); duplicates dropped."""
    parts = [p for p in re.split(r"[,;\s]+", text.strip()) if p]
    if not parts:
        raise BpvizError("rates", "enter at least one learning rate, for example 0.01, 0.1, 0.5, 2")
    rates = []
    for p in parts:
        try:
            r = float(p)
        except ValueError:
            raise BpvizError("rates", f"{p!r} is not a number") from None
        if not (math.isfinite(r) and r > 0):
            raise BpvizError("rates", f"{p} is not a positive finite number")
        if r not in rates:
            rates.append(r)
    if len(rates) > MAX_RATES:
        raise BpvizError("rates", f"{len(rates)} rates; compare at most {MAX_RATES}")
    return tuple(rates)


def divergence_message(diverged: Progress, kept_epoch: int, learning_rate: float) -> str:
    """What went wrong, where, what was kept, and what to try."""
    kept = "the starting network" if kept_epoch == 0 else f"the network of epoch {kept_epoch}"
    return (
        f"Training diverged at epoch {diverged.epoch}: {diverged.diverged}. Kept {kept}, the last one before "
        f"it blew up. Try a lower learning rate than {learning_rate:g}, for example {learning_rate / 10:g}."
    )


def pick_samples(ds: Dataset, k: int = 4) -> list[int]:
    """k training-sample indices worth watching: the first of each class in turn, or spread over the inputs."""
    n = len(ds)
    if n <= k:
        return list(range(n))
    if ds.is_classification:
        rank = np.zeros(n, dtype=int)  # position of each row among the rows of its class
        for c in range(ds.n_classes):
            rows = ds.labels == c
            rank[rows] = np.arange(rows.sum())
        return sorted(int(i) for i in np.lexsort((ds.labels, rank))[:k])
    order = np.argsort(ds.X[:, 0], kind="stable")
    return sorted(int(order[i]) for i in np.linspace(0, n - 1, k).round().astype(int))


def sample_name(ds: Dataset, i: int) -> str:
    """ "#3 x=(0, 1) · class 1": the row, its inputs when there are at most two, and its class."""
    name = f"#{i}"
    if ds.X.shape[1] <= 2:
        name += " x=(" + ", ".join(f"{v:.3g}" for v in ds.X[i]) + ")"
    if ds.is_classification:
        name += f" · class {ds.class_names[ds.labels[i]]}"
    return name


@dataclass(frozen=True)
class SampleHistory:
    """Tracked samples by report (R reports at ``epochs``). ``prediction`` (R, m) holds m watched outputs
    with their ``targets`` (m,), names, and the sample each belongs to (``output_sample``, indices into
    the k samples); ``error`` (R, k) holds the loss of each sample, named ``sample_names``."""

    epochs: np.ndarray
    output_names: tuple[str, ...]
    output_sample: np.ndarray
    prediction: np.ndarray
    targets: np.ndarray
    sample_names: tuple[str, ...]
    error: np.ndarray
    prediction_title: str


class Run:
    """One training run of ``net`` that a page advances tick by tick; see the module docstring."""

    def __init__(
        self,
        net: Network,
        train_set: Dataset,
        test_set: Dataset | None,
        batch_size: int,
        learning_rate: float,
        momentum: float,
        tracked: Sequence[int] = (),
    ):
        self.start_net = net
        self.trainer = Trainer(net, train_set, test_set, batch_size, learning_rate, momentum)
        self.tracked = np.asarray(sorted(set(tracked)), dtype=int)
        if len(self.tracked) and not (0 <= self.tracked[0] and self.tracked[-1] < len(train_set)):
            raise BpvizError("samples", f"tracked rows must lie in 0..{len(train_set) - 1}")
        if len(self.tracked) > MAX_TRACKED:
            raise BpvizError("samples", f"track at most {MAX_TRACKED} samples")
        self.history: list[Progress] = []
        self.outputs: list[np.ndarray] = []  # a^L of the tracked samples, one (k, n_out) array per report
        self.divergence: Progress | None = None
        self.target = 0
        self.report_every = 1
        self.running = False
        self._elapsed = 0.0
        self._mark = 0.0  # when the clock was last brought up to date
        self._record(self.trainer.report())

    # -- reading -----------------------------------------------------------------------------
    @property
    def net(self) -> Network:
        """The current network (after a divergence, the last finite one)."""
        return self.trainer.net

    @property
    def epoch(self) -> int:
        return self.trainer.epoch

    @property
    def learning_rate(self) -> float:
        return self.trainer.learning_rate

    @property
    def train_set(self) -> Dataset:
        return self.trainer.train_set

    @property
    def test_set(self) -> Dataset | None:
        return self.trainer.test_set

    @property
    def finished(self) -> bool:
        """The target epoch was reached."""
        return self.epoch >= self.target

    @property
    def elapsed(self) -> float:
        """Wall-clock seconds spent running: training plus the time between ticks (each gap counted up to
        MAX_GAP, so a page that stops ticking while it is not shown does not add its absence)."""
        return self._elapsed + (min(time.perf_counter() - self._mark, MAX_GAP) if self.running else 0.0)

    def _clock(self, cap: float = math.inf) -> None:
        """Add the time since the last mark (at most ``cap``) to the elapsed time."""
        now = time.perf_counter()
        self._elapsed += min(now - self._mark, cap)
        self._mark = now

    def divergence_text(self) -> str | None:
        if self.divergence is None:
            return None
        return divergence_message(self.divergence, self.epoch, self.learning_rate)

    # -- driving -----------------------------------------------------------------------------
    def configure(self, batch_size: int, learning_rate: float, momentum: float) -> None:
        """Use these settings from the next epoch on; a run that diverged goes on from its last finite
        network with a fresh optimiser (momentum buffers at 0), the same epoch count and batch order."""
        t = self.trainer
        wanted = (min(batch_size, len(t.train_set)), learning_rate, momentum)
        if wanted == (t.batch_size, t.learning_rate, t.momentum) and not t.diverged:
            return
        fresh = Trainer(t.net, t.train_set, t.test_set, batch_size, learning_rate, momentum)  # validates
        if t.diverged:
            fresh.epoch, fresh.rng = t.epoch, t.rng
            self.trainer = fresh
            self.divergence = None
        else:
            t.batch_size, t.learning_rate, t.momentum = fresh.batch_size, fresh.learning_rate, fresh.momentum

    def go(self, target: int) -> None:
        """Run until epoch ``target`` (reports at most about MAX_POINTS times over the whole run)."""
        self.target = int(target)
        self.report_every = max(1, math.ceil(self.target / MAX_POINTS))
        self.divergence = None
        if not self.running:
            self.running, self._mark = True, time.perf_counter()

    def stop(self) -> None:
        if self.running:
            self._clock(MAX_GAP)
            self.running = False

    def step(self, seconds: float) -> list[Progress]:
        """Train for about ``seconds`` (whole report intervals, at least one) and return the new reports."""
        if not self.running:
            return []
        if self.trainer.diverged:
            self.configure(self.trainer.batch_size, self.trainer.learning_rate, self.trainer.momentum)
        self._clock(MAX_GAP)
        deadline = time.perf_counter() + seconds
        new = []
        for progress in self.trainer.run(self.target - self.epoch, self.report_every):
            if progress.diverged:
                self.divergence = progress
                break
            self._record(progress)
            new.append(progress)
            if time.perf_counter() >= deadline:
                break
        self._clock()
        if self.finished or self.divergence is not None:
            self.running = False
        return new

    def _record(self, progress: Progress) -> None:
        self.history.append(progress)
        if len(self.tracked):
            self.outputs.append(self.net.forward(self.train_set.X[self.tracked]))

    # -- tracked samples -----------------------------------------------------------------------
    def sample_history(self) -> SampleHistory | None:
        """Prediction and loss of each tracked sample at every report (None when none are tracked).

        Watched outputs: the single output; for one-hot targets the output of the true class; for
        several regression outputs, each of them.
        """
        if not len(self.tracked):
            return None
        ds, idx = self.train_set, self.tracked
        out = np.stack(self.outputs)  # (R, k, n_out)
        Y = ds.Y[idx]
        names = [sample_name(ds, int(i)) for i in idx]
        n_out = Y.shape[1]
        if n_out == 1 or ds.is_classification:
            cols = np.argmax(Y, axis=1) if n_out > 1 else np.zeros(len(idx), dtype=int)
            pairs = list(enumerate(cols))
            title = "output for the true class" if n_out > 1 else "output ŷ"
            out_names = names
        else:
            pairs = [(s, j) for s in range(len(idx)) for j in range(n_out)]
            title = "outputs ŷ"
            out_names = [f"{names[s]} · ŷ{j + 1}" for s, j in pairs]
        rows, cols = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
        error = np.stack([LOSSES[self.net.spec.loss].value(o, Y) for o in out])
        return SampleHistory(
            epochs=np.array([p.epoch for p in self.history]),
            output_names=tuple(out_names),
            output_sample=rows,
            prediction=out[:, rows, cols],
            targets=Y[rows, cols],
            sample_names=tuple(names),
            error=error,
            prediction_title=title,
        )


class Comparison:
    """The same starting network trained once per learning rate, same batches in the same order."""

    def __init__(
        self,
        net: Network,
        train_set: Dataset,
        test_set: Dataset | None,
        rates: Sequence[float],
        epochs: int,
        batch_size: int,
        momentum: float,
    ):
        self.epochs = epochs
        self.runs = {r: Run(net, train_set, test_set, batch_size, r, momentum) for r in rates}
        for run in self.runs.values():
            run.go(epochs)

    @property
    def running(self) -> bool:
        return any(run.running for run in self.runs.values())

    def step(self, seconds: float) -> None:
        """Share about ``seconds`` among the rates still training."""
        active = [run for run in self.runs.values() if run.running]
        for run in active:
            run.step(seconds / len(active))

    def stop(self) -> None:
        for run in self.runs.values():
            run.stop()
