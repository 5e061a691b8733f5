"""What a stopped or finished run did, in words: diverged, learned, stalled, loss rose, or no better than chance.

``verdict(run)`` reads the run's reports (epoch 0 first) and, for classification, the trained network's
predictions on the set it is judged on (the test set when there is one). The kinds, first match wins:

- "chance": accuracy at most the chance level + 2 points, where chance is the share of the commonest class
  (what always answering that class scores; 1/k for k balanced classes). It names the class the network
  predicts for most samples, and the suggestion depends on how the loss moved: up or jumping about
  (the rate is too high), hardly at all (the starting weights or the rate are too small to move it), down
  and then flat (saturated by a high rate, or a plateau), or still down (more epochs).
- "rose": the last training loss is above the first.
- "stalled": the second half of the run moved the loss by less than 1 % (and it is still above 5 % of its
  start: a loss near 0 that no longer moves has learned).
- "learned": anything else; the loss fell, and by how much.

A run that diverged is "diverged", whatever else: where, why, which network was kept, and what to change,
by cause: a rate far above the ones that train such a network (a rate that suits the optimiser, not a tenth
of the one that blew up), inputs so large that any step is huge (scale them), a momentum that keeps nearly
every past step, else a tenth of the rate.
"""

from dataclasses import dataclass

import numpy as np

from bpviz.engine.spec import MIN_LEARNING_RATE
from bpviz.engine.training import predict_labels

from .comparison import STARTING_RATES
from .run import Run

CHANCE_MARGIN = 0.02  # accuracy within this of the chance level counts as chance
STALL = 0.01  # the second half of a run fell by less than this share of the first loss: stalled
FLAT = 0.01  # the whole run moved the loss by less than this share: it hardly moved
JUMPY = 1.05  # a report above the first loss by this factor: the loss went up on the way
NEAR_ZERO = 0.05  # a loss below this share of its start has learned, however flat its end
LOW_RATE = 0.01  # below this, a loss that hardly moved is the rate's doing
HIGH_RATE = 1.0  # a rate at least this high can saturate sigmoid and tanh units in its first updates
USUAL_RATES = (0.001, 1.0)  # the rates that train the networks here with SGD and momentum
USUAL_ADAPTIVE_RATES = (0.0001, 0.1)  # the same with the adaptive rules (their steps are about η long)
LARGE_INPUT = 10.0  # inputs beyond this in size make any update large: scale them
HIGH_MOMENTUM = 0.95  # a momentum at least this high keeps nearly every past step


HEADLINES = {"learned": "it learned", "stalled": "stalled", "rose": "the loss rose", "chance": "no better than chance",
             "diverged": "diverged"}  # fmt: skip


@dataclass(frozen=True)
class Verdict:
    """``kind`` ("diverged", "learned", "stalled", "rose", "chance") and the sentence the page shows (plain
    text)."""

    kind: str
    text: str

    @property
    def headline(self) -> str:
        """A few words for a progress line: "it learned", "no better than chance"."""
        return HEADLINES[self.kind]


def verdict(run: Run) -> Verdict | None:
    """The verdict on ``run`` once it has diverged, or stopped or finished after at least one epoch, else None."""
    if run.divergence is not None:
        return _diverged(run)
    if run.running or run.epoch == 0:
        return None
    losses = [p.train_loss for p in run.history]
    first, last = losses[0], losses[-1]
    judged = run.test_set if run.test_set is not None else run.train_set
    if judged.is_classification:
        chance = _chance(run, judged, losses)
        if chance is not None:
            return chance
    if last > first:
        return Verdict("rose", f"The training loss rose from {first:.4g} to {last:.4g}: each update overshot. "
                               f"{_smaller_rate(run, 3, 'a third')}")  # fmt: skip
    if _flat_late(losses) and last > NEAR_ZERO * first:
        return Verdict("stalled", f"The loss barely changed over the second half of the run "
                                  f"({losses[len(losses) // 2]:.4g} → {last:.4g}): it may sit on a plateau. Train on "
                                  "(Resume) to see whether it escapes, or try momentum or a higher rate.")  # fmt: skip
    return Verdict("learned", f"It learned: the training loss fell from {first:.4g} to {last:.4g}"
                              f"{_accuracy_words(run)}.")  # fmt: skip


def _diverged(run: Run) -> Verdict:
    """Where and why ``run`` blew up, the network it kept, and what to change (see the module docstring)."""
    d, lr, opt = run.divergence, run.learning_rate, run.trainer.optimiser
    kept = "the starting network" if run.epoch == 0 else f"the network of epoch {run.epoch:,}"
    text = f"Training diverged at epoch {d.epoch:,}: {d.diverged}. Kept {kept}, the last one before it blew up. "
    biggest = float(np.max(np.abs(run.train_set.X))) if len(run.train_set) else 0.0
    if _far_above(run):
        text += _smaller_rate(run)
    elif biggest > LARGE_INPUT:
        text += (f"The inputs reach |x| = {biggest:.3g}, so even a modest rate takes huge steps: scale each feature "
                 f"to about −1 to 1 (or try η = {lr / 10:.3g}).")  # fmt: skip
    elif opt.name in ("momentum", "nesterov") and opt.momentum >= HIGH_MOMENTUM:
        text += (f"Momentum μ = {opt.momentum:g} keeps nearly every past step, so the steps pile up: try μ = 0.9, "
                 f"or η = {lr / 10:.3g}.")  # fmt: skip
    elif lr / 10 >= MIN_LEARNING_RATE:
        text += _smaller_rate(run)
    else:
        text += f"η = {lr:g} is about the lowest rate allowed: look at the weights and the data instead."
    return Verdict("diverged", text)


def _far_above(run: Run) -> bool:
    """The rate is more than ten times the highest that usually trains such a network with its optimiser."""
    high = (USUAL_ADAPTIVE_RATES if run.trainer.optimiser.name in STARTING_RATES else USUAL_RATES)[1]
    return run.learning_rate > 10 * high


def _smaller_rate(run: Run, factor: float = 10, share: str = "a tenth") -> str:
    """ "Try η = 0.05, a tenth of it." — or, for a rate far above the ones that train such a network with its
    optimiser, the rate to start from instead (a tenth of η = 1e6 would be no better)."""
    lr, opt = run.learning_rate, run.trainer.optimiser
    if _far_above(run):
        low, high = USUAL_ADAPTIVE_RATES if opt.name in STARTING_RATES else USUAL_RATES
        return (f"η = {lr:g} is far above the rates that train networks like this with {opt.rule.label} "
                f"({low:g} to {high:g}): start from η = {STARTING_RATES.get(opt.name, 0.1):g}.")  # fmt: skip
    return f"Try η = {lr / factor:.3g}, {share} of it."


def _flat_late(losses: list[float]) -> bool:
    """True when the second half of the reports moved the loss by less than STALL of the halfway loss."""
    half = losses[len(losses) // 2]
    return abs(half - losses[-1]) < STALL * half


def _chance(run: Run, judged, losses: list[float]) -> Verdict | None:
    """The "chance" verdict when the judged accuracy is within CHANCE_MARGIN of the chance level, else None."""
    last = run.history[-1]
    accuracy = last.test_accuracy if run.test_set is not None else last.train_accuracy
    labels = np.asarray(judged.labels)
    counts = np.bincount(labels, minlength=judged.n_classes)
    level = counts.max() / counts.sum()
    if accuracy > level + CHANCE_MARGIN:
        return None
    predicted = predict_labels(run.net.forward(judged.X))
    common = np.bincount(predicted, minlength=judged.n_classes)
    top = int(common.argmax())
    which = "test" if run.test_set is not None else "training"
    text = (f"No better than chance: {accuracy:.1%} of the {which} samples right, where always answering the "
            f"commonest class scores {level:.1%}. The network answers “{judged.class_names[top]}” for "
            f"{common[top] / common.sum():.0%} of them. ")  # fmt: skip
    first = losses[0]
    if max(losses) > JUMPY * first or losses[-1] > first:
        text += f"The loss went up on the way: the rate is too high for this network. {_smaller_rate(run)}"
    elif abs(first - losses[-1]) < FLAT * first and run.learning_rate < LOW_RATE:
        text += (f"The loss hardly moved from its start: η = {run.learning_rate:g} is too small to move the "
                 f"weights in {run.epoch:,} epochs. Try η = {min(100 * run.learning_rate, 0.1):.3g}.")
    elif abs(first - losses[-1]) < FLAT * first:
        text += ("The loss hardly moved from its start: the gradients reaching the weights are tiny, which points "
                 "at the starting weights (saturated or vanishing units). Try another initialisation (Xavier for "
                 "tanh and sigmoid, He for ReLU) or ReLU units.")
    elif _flat_late(losses) and run.learning_rate >= HIGH_RATE:
        text += (f"The loss fell at first and has been flat since: a rate as high as η = {run.learning_rate:g} "
                 "pushes the units into saturation in the first updates (their outputs pinned near 0 or 1, "
                 f"where no gradient gets through). {_smaller_rate(run)}")
    elif _flat_late(losses):
        text += ("The loss fell at first and has been flat since: it may sit on a plateau. Train on (Resume), or "
                 "try momentum or a higher rate.")
    else:
        text += "The loss is still falling: train for more epochs (Resume), or with momentum."
    return Verdict("chance", text)


def _accuracy_words(run: Run) -> str:
    last = run.history[-1]
    if last.test_accuracy is not None:
        return f", and {last.test_accuracy:.1%} of the test samples are right"
    if last.train_accuracy is not None:
        return f", and {last.train_accuracy:.1%} of the training samples are right"
    return ""
