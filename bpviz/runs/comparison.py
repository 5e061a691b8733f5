"""The same starting network trained once per learning rate, with the same batches in the same order."""

import time
from collections.abc import Callable, Sequence

from bpviz.engine.dataset import Dataset
from bpviz.engine.network import Network

from .run import Run


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
        clock: Callable[[], float] = time.perf_counter,
    ):
        self.epochs = epochs
        self.runs = {r: Run(net, train_set, test_set, batch_size, r, momentum, clock=clock) for r in rates}
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
