"""A training run advanced in short ticks, so a page can draw between them and stop at any time.

A ``Run`` wraps one ``bpviz.Trainer``. ``step(seconds)`` trains whole report intervals until about
``seconds`` have passed or the target epoch is reached, and appends each ``Progress`` report to
``history`` (the untrained network, epoch 0, comes first). At every report it also records the
outputs a^L of a few chosen training samples, so ``sample_history`` can show how their prediction
and loss evolve, and the size of each layer's weight gradient on the training set (``grad_sizes``,
``bpviz.runs.gradflow``), so the page can show gradients vanishing. A run that diverges keeps its last
finite network (the Trainer restores it) and records the diverged report in ``divergence``, never in
``history``.

Time comes from the ``clock`` a Run is given (``time.perf_counter`` by default; tests pass their own),
for the length of a tick and the elapsed time it reports.
"""

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bpviz.engine.dataset import Dataset
from bpviz.engine.errors import BpvizError
from bpviz.engine.network import Network
from bpviz.engine.optimisers import NO_PENALTY, SGD, Optimiser, Penalty, State
from bpviz.engine.training import Progress, Trainer

from .gradflow import training_gradient_sizes
from .tracked import MAX_TRACKED, SampleHistory, sample_history

MAX_POINTS = 500  # reports per run at most: the curves stay light enough to redraw several times a second
TICK_SECONDS = 0.15  # training per tick a live page asks ``Run.step`` for: it redraws between ticks


@dataclass(frozen=True)
class Pace:
    """Seconds between redraws of a live page's parts while a run trains: the tick (training, the progress
    and the numbers), the curves, and the figures that cost a browser most to draw (the network diagram with
    its tiles, the chosen neuron's map, the decision boundary). With everything redrawn every tick, four
    sessions training on a 2-core server took 1.7 to 6.2 s to answer a Stop click even before the diagram
    existed; drawing the figures once a second keeps the page live at no more cost than that. The curves twice
    a second rather than four times took the server's share of four pages training the digits from 0.39 to
    0.28 of a core (with the numbers polled twice a second too, ``webui.train.pace``)."""

    tick: float = 0.1
    curves: float = 0.5
    figures: float = 1.0


PACE = Pace()
MAX_GAP = 1.0  # seconds between ticks that count as elapsed at most: a run left alone does not run up the clock


def with_rate(net: Network, learning_rate: float) -> Network:
    """``net`` with ``learning_rate`` in its spec (the same object when it already has it)."""
    if net.spec.learning_rate == learning_rate:
        return net
    return net.with_spec(net.spec.replace(learning_rate=learning_rate))


class Run:
    """One training run of ``net`` that a page advances tick by tick; see the module docstring."""

    def __init__(
        self,
        net: Network,
        train_set: Dataset,
        test_set: Dataset | None,
        batch_size: int,
        learning_rate: float,
        optimiser: Optimiser = SGD,
        penalty: Penalty = NO_PENALTY,
        tracked: Sequence[int] = (),
        clock: Callable[[], float] = time.perf_counter,
        gradient_sizes: bool = True,
    ):
        self.start_net = net
        self.measures_gradients = gradient_sizes  # a comparison's runs draw only their loss: they skip it
        self.clock = clock
        self.trainer = Trainer(net, train_set, test_set, batch_size, learning_rate, optimiser, penalty)
        self.tracked = np.asarray(sorted(set(tracked)), dtype=int)
        if len(self.tracked) and not (0 <= self.tracked[0] and self.tracked[-1] < len(train_set)):
            raise BpvizError("samples", f"tracked rows must lie in 0..{len(train_set) - 1}")
        if len(self.tracked) > MAX_TRACKED:
            raise BpvizError("samples", f"track at most {MAX_TRACKED} samples")
        self.history: list[Progress] = []
        self.outputs: list[np.ndarray] = []  # a^L of the tracked samples, one (k, n_out) array per report
        self.logits: list[np.ndarray] = []  # z^L of the same (a fused loss is computed from it)
        self.grad_sizes: list[np.ndarray] = []  # RMS of dL/dW^l per layer, one (L,) array per report (gradflow)
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
        return self._elapsed + (min(self.clock() - self._mark, MAX_GAP) if self.running else 0.0)

    def _clock(self, cap: float = math.inf) -> None:
        """Add the time since the last mark (at most ``cap``) to the elapsed time."""
        now = self.clock()
        self._elapsed += min(now - self._mark, cap)
        self._mark = now

    # -- driving -----------------------------------------------------------------------------
    def configure(
        self, batch_size: int, learning_rate: float, optimiser: Optimiser = SGD, penalty: Penalty = NO_PENALTY
    ) -> None:
        """Use these settings from the next epoch on. A new update rule starts with a fresh state (its buffers
        at 0); new hyper-parameters of the same rule keep its state. A run that diverged goes on from its last
        finite network with a fresh state, the same epoch count and batch order."""
        t = self.trainer
        wanted = (min(batch_size, len(t.train_set)), learning_rate, optimiser, penalty)
        if wanted == (t.batch_size, t.learning_rate, t.optimiser, t.penalty) and not t.diverged:
            return
        fresh = Trainer(t.net, t.train_set, t.test_set, batch_size, learning_rate, optimiser, penalty)  # validates
        if t.diverged:
            fresh.epoch, fresh.rng = t.epoch, t.rng
            self.trainer = fresh
            self.divergence = None
            return
        if optimiser.name != t.optimiser.name:
            t.state = State.fresh(optimiser, t.net.n_trainable())
        t.batch_size, t.learning_rate, t.optimiser, t.penalty = wanted

    def go(self, target: int) -> None:
        """Run until epoch ``target`` (reports at most about MAX_POINTS times over the whole run)."""
        self.target = int(target)
        self.report_every = max(1, math.ceil(self.target / MAX_POINTS))
        self.divergence = None
        if not self.running:
            self.running, self._mark = True, self.clock()

    def stop(self) -> None:
        if self.running:
            self._clock(MAX_GAP)
            self.running = False

    def step(self, seconds: float) -> list[Progress]:
        """Train for about ``seconds`` (whole report intervals, at least one) and return the new reports."""
        if not self.running:
            return []
        if self.trainer.diverged:
            t = self.trainer
            self.configure(t.batch_size, t.learning_rate, t.optimiser, t.penalty)
        self._clock(MAX_GAP)
        deadline = self.clock() + seconds
        new = []
        for progress in self.trainer.run(self.target - self.epoch, self.report_every):
            if progress.diverged:
                self.divergence = progress
                break
            self._record(progress)
            new.append(progress)
            if self.clock() >= deadline:
                break
        self._clock()
        if self.finished or self.divergence is not None:
            self.running = False
        return new

    def _record(self, progress: Progress) -> None:
        self.history.append(progress)
        if self.measures_gradients:
            self.grad_sizes.append(training_gradient_sizes(self.net, self.train_set))
        if len(self.tracked):
            z, a = self.net.outputs(self.train_set.X[self.tracked])
            self.outputs.append(a)
            self.logits.append(z)

    # -- tracked samples -----------------------------------------------------------------------
    def sample_history(self) -> SampleHistory | None:
        """Prediction and loss of each tracked sample at every report (None when none are tracked)."""
        return sample_history(self.net, self.train_set, self.tracked, self.history, self.outputs, self.logits)
