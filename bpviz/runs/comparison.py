"""The same starting network trained once per variant (a learning rate, an optimiser), with the same batches
in the same order: every run shuffles with the network's seed, so only the variant differs."""

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from bpviz.engine.dataset import Dataset
from bpviz.engine.network import Network
from bpviz.engine.optimisers import NO_PENALTY, Optimiser, Penalty

from .run import Run


@dataclass(frozen=True)
class Variant:
    """One curve of a comparison: its legend ``label``, learning rate and optimiser."""

    label: str
    learning_rate: float
    optimiser: Optimiser


def rate_variants(rates: Iterable[float], optimiser: Optimiser) -> list[Variant]:
    """One variant per learning rate, all with ``optimiser``: "η = 0.1"."""
    return [Variant(f"η = {rate:g}", rate, optimiser) for rate in rates]


def optimiser_variants(choices: Iterable[tuple[Optimiser, float]]) -> list[Variant]:
    """One variant per (optimiser, learning rate): "Adam, η = 0.01"."""
    return [Variant(f"{opt.rule.label}, η = {rate:g}", rate, opt) for opt, rate in choices]


# A learning rate each rule starts from in the optimiser comparison: the adaptive ones divide by the root of
# the squared gradients, so their steps are about η in size whatever the gradient's scale, and want a small η.
STARTING_RATES = {"adam": 0.01, "rmsprop": 0.01, "adagrad": 0.1}


class Comparison:
    """The same starting network trained once per variant, same batches in the same order."""

    def __init__(
        self,
        net: Network,
        train_set: Dataset,
        test_set: Dataset | None,
        variants: Sequence[Variant],
        epochs: int,
        batch_size: int,
        penalty: Penalty = NO_PENALTY,
        clock: Callable[[], float] = time.perf_counter,
        what: str = "learning rates",
    ):
        self.epochs = epochs
        self.what = what
        self.runs = {
            v.label: Run(net, train_set, test_set, batch_size, v.learning_rate, v.optimiser, penalty, clock=clock,
                         gradient_sizes=False)  # fmt: skip
            for v in variants
        }
        for run in self.runs.values():
            run.go(epochs)

    @property
    def running(self) -> bool:
        return any(run.running for run in self.runs.values())

    def step(self, seconds: float) -> None:
        """Share about ``seconds`` among the variants still training."""
        active = [run for run in self.runs.values() if run.running]
        for run in active:
            run.step(seconds / len(active))

    def stop(self) -> None:
        for run in self.runs.values():
            run.stop()
