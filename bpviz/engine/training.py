"""Mini-batch training as a resumable loop that reports progress every few epochs.

``Trainer`` holds everything a run needs between chunks (the network, the
optimiser and its state, the penalty, the shuffling generator, the epoch count),
so a UI can run a few epochs, draw, and go on later; ``Trainer.run`` is the
generator that yields ``Progress`` records. Each mini-batch is one
``bpviz.engine.optimisers`` step: the data gradient from backprop, plus the
penalty's, handed to the update rule.
"""

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from bpviz.engine.dataset import Dataset

from .backprop import backward, forward_trace, reduce_losses
from .errors import BpvizError
from .finite import check_outputs
from .losses import LOSSES
from .network import QUIET, Network, packed
from .optimisers import NO_PENALTY, SGD, Optimiser, Penalty, State, apply
from .spec import check_learning_rate

EXPLODED_LOSS = 1e12
EXPLODED_WEIGHT = 1e4
# The ranges of the training settings on every way in (the Train page, the CLI); the learning rate's is the spec's.
MAX_EPOCHS = 100_000  # epochs of one Start or Resume
MAX_BATCH = 20_000  # the most samples a dataset has (bpviz.data.datasets.MAX_SAMPLES): one batch, the whole set


@dataclass(frozen=True)
class Progress:
    """One report: losses are the data loss with the spec's batch reduction over the whole set; ``penalty``
    is the weight penalty Ω at the same weights (0 without one), so the loss training minimises is
    ``train_loss + penalty``; accuracy is None for regression; ``diverged`` says why the run stopped when
    it blew up."""

    epoch: int
    train_loss: float
    test_loss: float | None
    train_accuracy: float | None
    test_accuracy: float | None
    diverged: str | None = None
    penalty: float = 0.0

    @property
    def total_loss(self) -> float:
        """The training loss with the penalty: what the updates descend."""
        return self.train_loss + self.penalty


@dataclass(frozen=True)
class TrainSettings:
    """How a run trains besides its network and data: epochs, mini-batch size, the update rule with its
    hyper-parameters, and the weight penalty."""

    epochs: int = 100
    batch_size: int = 1
    optimiser: Optimiser = SGD
    penalty: Penalty = NO_PENALTY

    def __post_init__(self):
        for name, high in (("epochs", MAX_EPOCHS), ("batch_size", MAX_BATCH)):
            value = getattr(self, name)
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or not 1 <= value <= high:
                raise BpvizError(name, f"{value!r}; choose a whole number from 1 to {high:,}")
        _check_update(self.optimiser, self.penalty)


def _check_update(optimiser, penalty) -> None:
    """Raise BpvizError unless ``optimiser`` is an Optimiser and ``penalty`` a Penalty (their values check
    themselves when made)."""
    if not isinstance(optimiser, Optimiser) or not isinstance(penalty, Penalty):
        raise BpvizError("optimiser", "expected an Optimiser and a Penalty")


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
    """A resumable run of ``net`` on ``train_set`` (targets already match the output size) with ``optimiser``
    (plain SGD by default) and ``penalty`` (none by default)."""

    def __init__(
        self,
        net: Network,
        train_set: Dataset,
        test_set: Dataset | None = None,
        batch_size: int = 1,
        learning_rate: float | None = None,
        optimiser: Optimiser = SGD,
        penalty: Penalty = NO_PENALTY,
        seed: int | None = None,
    ):
        if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise BpvizError("batch_size", f"{batch_size!r}; choose a whole number ≥ 1")
        _check_update(optimiser, penalty)
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
        self.optimiser = optimiser
        self.penalty = penalty
        self.state = State.fresh(optimiser, net.n_trainable())  # laid out as Network.flat(), trainable part
        self.rng = np.random.default_rng(net.spec.seed if seed is None else seed)
        self.epoch = 0
        self.diverged = False

    def run_epoch(self) -> None:
        """One pass over the training set in a fresh random order, one optimiser step per mini-batch (what
        ``bpviz.engine.optimisers.step`` does, the Step page's update).

        To keep the loop lean, the steps update one flat copy of every parameter in
        place (W and b are views into it), so a network handed out earlier never changes.
        """
        spec, bs, opt, penalty = self.net.spec, self.batch_size, self.optimiser, self.penalty
        order = self.rng.permutation(len(self.train_set.X))
        X, Y = self.train_set.X[order], self.train_set.Y[order]  # batches are then slices, not fancy indexing
        flat = self.net.flat()
        net = Network(spec, *packed(spec, flat))
        grads = np.empty_like(flat)
        out = packed(spec, grads)
        n, n_w = net.n_trainable(), net.n_weights()
        theta, g, weights, grad_w = flat[:n], grads[:n], flat[:n_w], grads[:n_w]
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for start in range(0, len(order), bs):
                z, a = forward_trace(net, X[start : start + bs])
                backward(net, z, a, Y[start : start + bs], out)
                penalty.add_gradient(weights, grad_w)
                apply(opt, theta, g, self.state, self.learning_rate)
        self.net = net
        self.epoch += 1

    def report(self) -> Progress:
        train_loss, train_acc = evaluate(self.net, self.train_set)
        test_loss, test_acc = evaluate(self.net, self.test_set) if self.test_set is not None else (None, None)
        return Progress(self.epoch, train_loss, test_loss, train_acc, test_acc, penalty=self.penalty.value(self.net.W))

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
