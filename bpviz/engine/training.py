"""Mini-batch SGD as a resumable loop that reports progress every few epochs.

``Trainer`` holds everything a run needs between chunks (the network, the
momentum buffers, the shuffling generator, the epoch count), so a UI can run a
few epochs, draw, and go on later; ``Trainer.run`` is the generator that yields
``Progress`` records.
"""

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from bpviz.engine.dataset import Dataset

from .backprop import backward, forward_trace, reduce_losses, step_in_place
from .errors import BpvizError
from .finite import check_outputs
from .losses import LOSSES
from .network import QUIET, Network
from .spec import check_learning_rate

EXPLODED_LOSS = 1e12
EXPLODED_WEIGHT = 1e4
# The ranges of the training settings on every way in (the Train page, the CLI); the learning rate's is the spec's.
MAX_EPOCHS = 100_000  # epochs of one Start or Resume
MAX_MOMENTUM = 0.99


@dataclass(frozen=True)
class Progress:
    """One report: losses use the spec's batch reduction over the whole set; accuracy is None for
    regression; ``diverged`` says why the run stopped when it blew up."""

    epoch: int
    train_loss: float
    test_loss: float | None
    train_accuracy: float | None
    test_accuracy: float | None
    diverged: str | None = None


@dataclass(frozen=True)
class TrainSettings:
    """How a run trains besides its network and data: epochs, mini-batch size and momentum μ."""

    epochs: int = 100
    batch_size: int = 1
    momentum: float = 0.0


def evaluate(net: Network, ds: Dataset) -> tuple[float, float | None]:
    """(loss, accuracy) of ``net`` on ``ds``; accuracy thresholds one output at 0.5, else argmax."""
    z, out = net.outputs(ds.X)
    with np.errstate(**QUIET):
        loss = reduce_losses(LOSSES[net.spec.loss].value(out, ds.Y, z), net.spec.reduction)
    if not ds.is_classification:
        return loss, None
    return loss, float(np.mean(predict_labels(out) == ds.labels))


def predict_labels(out: np.ndarray) -> np.ndarray:
    """Class labels from network outputs (B, n_out)."""
    return (out[:, 0] > 0.5).astype(int) if out.shape[1] == 1 else np.argmax(out, axis=1)


class Trainer:
    """A resumable SGD run of ``net`` on ``train_set`` (targets already match the output size)."""

    def __init__(
        self,
        net: Network,
        train_set: Dataset,
        test_set: Dataset | None = None,
        batch_size: int = 1,
        learning_rate: float | None = None,
        momentum: float = 0.0,
        seed: int | None = None,
    ):
        if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise BpvizError("batch_size", f"{batch_size!r}; choose a whole number ≥ 1")
        if isinstance(momentum, bool) or not (0 <= momentum <= MAX_MOMENTUM):
            raise BpvizError("momentum", f"{momentum!r}; choose from 0 to {MAX_MOMENTUM:g}")
        lr = net.spec.learning_rate if learning_rate is None else learning_rate
        check_learning_rate(lr)
        self.net = net
        self.train_set = train_set.for_outputs(net.spec.layers[-1])
        self.test_set = test_set.for_outputs(net.spec.layers[-1]) if test_set is not None else None
        for which, ds in (("training", self.train_set), ("test", self.test_set)):
            if ds is not None:
                _startable(net, ds, which)
        self.batch_size = min(int(batch_size), len(self.train_set))
        self.learning_rate = lr
        self.momentum = momentum
        self._velocity = np.zeros(sum(p.size for p in (*net.W, *net.b)))  # momentum, laid out W1..WL, b1..bL
        self.rng = np.random.default_rng(net.spec.seed if seed is None else seed)
        self.epoch = 0
        self.diverged = False

    def run_epoch(self) -> None:
        """One pass over the training set in a fresh random order, one ``step_in_place`` per mini-batch.

        To keep the loop lean, the steps update one flat copy of every parameter in
        place (W and b are views into it), so a network handed out earlier never changes.
        """
        spec, bs = self.net.spec, self.batch_size
        order = self.rng.permutation(len(self.train_set.X))
        X, Y = self.train_set.X[order], self.train_set.Y[order]  # batches are then slices, not fancy indexing
        flat = np.concatenate([p.ravel() for p in (*self.net.W, *self.net.b)])
        net = Network(spec, *packed(spec, flat))
        grads = np.empty_like(flat)
        out = packed(spec, grads)
        n = flat.size if spec.bias == "learned" else sum(r * c for r, c in spec.shapes)
        params, grads, velocity = [flat[:n]], [grads[:n]], [self._velocity[:n]]
        with np.errstate(over="ignore", invalid="ignore"):
            for start in range(0, len(order), bs):
                z, a = forward_trace(net, X[start : start + bs])
                backward(net, z, a, Y[start : start + bs], out)
                step_in_place(params, grads, self.learning_rate, self.momentum, velocity)
        self.net = net
        self.epoch += 1

    def report(self) -> Progress:
        train_loss, train_acc = evaluate(self.net, self.train_set)
        test_loss, test_acc = evaluate(self.net, self.test_set) if self.test_set is not None else (None, None)
        return Progress(self.epoch, train_loss, test_loss, train_acc, test_acc)

    def run(self, epochs: int, report_every: int = 1) -> Iterator[Progress]:
        """Generator: train ``epochs`` more epochs, yielding progress every ``report_every`` and after the last.

        When a parameter stops being finite or exceeds 1e4 in size, or the reported
        loss is not finite or exceeds 1e12, the network goes back to the last
        reported one (and its epoch count), a Progress whose ``diverged`` says why,
        at the epoch where it was seen, is yielded, and the run ends; later calls
        yield nothing.
        """
        good_net, good_epoch = self.net.copy(), self.epoch
        end = self.epoch + epochs
        while self.epoch < end and not self.diverged:
            self.run_epoch()
            reason = _blown_weights(self.net)
            if reason is None and (self.epoch % report_every == 0 or self.epoch == end):
                progress = self.report()
                reason = _blown_losses(progress)
                if reason is None:
                    good_net, good_epoch = self.net.copy(), self.epoch
                    yield progress
                    continue
            if reason is None:
                continue
            bad_epoch = self.epoch
            self.net, self.epoch, self.diverged = good_net, good_epoch, True
            yield Progress(bad_epoch, float("nan"), None, None, None, diverged=reason)


def packed(spec, buffer: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """(W, b) of ``spec``'s shapes as views into one flat buffer laid out W1..WL, b1..bL."""
    W, b, i = [], [], 0
    for r, c in spec.shapes:
        W.append(buffer[i : i + r * c].reshape(r, c))
        i += r * c
    for r, _ in spec.shapes:
        b.append(buffer[i : i + r])
        i += r
    return W, b


def _startable(net: Network, ds: Dataset, which: str) -> None:
    """Raise BpvizError when the starting network's loss on ``ds`` is not finite: its weights or the data are
    too large (no learning rate is to blame), said with the first quantity that overflowed and on which sample."""
    try:
        check_outputs(net, ds.X, ds.Y, f"{which} sample")
    except BpvizError as err:
        raise BpvizError(
            "network", f"cannot train from these weights: on {err.message}. Use smaller weights or inputs"
        ) from None


def _blown_losses(progress: Progress) -> str | None:
    """Why a report's losses count as diverged (the training loss not finite or beyond EXPLODED_LOSS, the test
    loss not finite), or None."""
    if not (np.isfinite(progress.train_loss) and progress.train_loss <= EXPLODED_LOSS):
        return f"the training loss became {progress.train_loss:.3g}"
    if progress.test_loss is not None and not np.isfinite(progress.test_loss):
        return f"the test loss became {progress.test_loss:.3g}"
    return None


def _blown_weights(net: Network) -> str | None:
    """Why the parameters count as diverged, or None."""
    if not net.is_finite():
        return "a weight became NaN or infinite"
    biggest = max(float(np.max(np.abs(p))) for p in (*net.W, *net.b))
    if biggest > EXPLODED_WEIGHT:
        return f"a weight grew to {biggest:.3g} (beyond ±{EXPLODED_WEIGHT:g})"
    return None
