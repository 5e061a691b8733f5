"""bpviz.runs: tick-driven runs, the work cap, rate comparisons, tracked samples, reports."""


import re

import numpy as np
import pytest
from sklearn.metrics import classification_report

from bpviz import BpvizError, Network, Trainer, get_preset, split
from bpviz.data.catalog import make_dataset
from bpviz.engine.losses import LOSSES
from bpviz.engine.optimisers import SGD, Optimiser, Penalty
from bpviz.io.text import parse_optimisers, parse_rates
from bpviz.lesson.presets import MOMENTUM
from bpviz.runs.comparison import Comparison, optimiser_variants, rate_variants
from bpviz.runs.evaluation import class_report, confusion
from bpviz.runs.run import MAX_GAP, MAX_POINTS, Run, with_rate
from bpviz.runs.tracked import pick_samples, sample_name
from bpviz.runs.verdict import verdict
from bpviz.runs.workcap import MAX_WORK, cap_epochs, work


def xor():
    net = get_preset("xor").network()
    return net, make_dataset("xor", n=4, noise=0.0).for_outputs(1)


def spiral():
    net = get_preset("spiral").network()
    train, test = split(make_dataset("spiral", n=150, noise=0.2, classes=3).for_outputs(3), 0.2, 0)
    return net, train, test


def finish(run: Run, seconds: float = 0.01) -> int:
    """Step until the run stops; returns the number of steps."""
    steps = 0
    while run.running:
        run.step(seconds)
        steps += 1
        assert steps < 10_000
    return steps


# -- the work cap -----------------------------------------------------------------------------------
def test_work_is_epochs_times_samples_times_parameters():
    assert work(10, 100, 9) == 9_000
    assert work(10, 100, 9, runs=4) == 36_000


def test_cap_keeps_a_request_that_fits():
    assert cap_epochs(5000, 4, 9) == (5000, None)


def test_cap_lowers_epochs_and_explains():
    allowed, why = cap_epochs(10_000, 1348, 2778)
    assert allowed == MAX_WORK // (1348 * 2778)
    assert work(allowed, 1348, 2778) <= MAX_WORK < work(allowed + 1, 1348, 2778)
    assert f"Capped at {allowed:,} of the 10,000 epochs" in why
    assert "1,348 samples × 2,778 parameters" in why and "Resume" in why


def test_cap_counts_every_rate_of_a_comparison():
    one, _ = cap_epochs(10_000, 1348, 2778)
    four, why = cap_epochs(10_000, 1348, 2778, runs=4)
    assert four == MAX_WORK // (4 * 1348 * 2778) < one
    assert "× 4 rates" in why


def test_cap_refuses_when_one_epoch_is_too_much():
    with pytest.raises(BpvizError, match="one epoch is .* fewer samples or a smaller network"):
        cap_epochs(1, 20_000, 109_386)


# -- rates ------------------------------------------------------------------------------------------
def test_parse_rates_accepts_commas_spaces_and_drops_duplicates():
    assert parse_rates(" 0.01, 0.1;0.5  2 0.1") == (0.01, 0.1, 0.5, 2.0)
    assert parse_rates("1e6") == (1e6,)


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "at least one"),
        ("0.1, fast", "'fast' is not a number"),
        ("0.1, -1", "-1 is not a positive"),
        ("nan", "nan is not a positive"),
        ("1 2 3 4 5 6 7", "at most 6"),
    ],
)
def test_parse_rates_rejects_bad_text(text, message):
    with pytest.raises(BpvizError, match=message):
        parse_rates(text)


def test_with_rate_changes_only_the_rate():
    net, _ = xor()
    assert with_rate(net, net.spec.learning_rate) is net
    other = with_rate(net, 2.0)
    assert other.spec == net.spec.replace(learning_rate=2.0)
    assert all(np.array_equal(a, b) for a, b in zip(other.W + other.b, net.W + net.b))


# -- runs -------------------------------------------------------------------------------------------
def test_history_starts_at_epoch_zero_and_holds_one_point_per_epoch():
    net, ds = xor()
    run = Run(net, ds, None, 1, 0.5)
    assert [p.epoch for p in run.history] == [0] and not run.running
    run.go(40)
    finish(run)
    assert [p.epoch for p in run.history] == list(range(41))
    assert run.finished and run.epoch == 40 and not run.running


def test_long_runs_report_at_most_max_points_times():
    net, ds = xor()
    run = Run(net, ds, None, 1, 0.5)
    run.go(5000)
    finish(run, 0.05)
    epochs = [p.epoch for p in run.history]
    assert len(epochs) <= MAX_POINTS + 1 and epochs[-1] == 5000
    assert set(np.diff(epochs)) == {5000 // MAX_POINTS}


def test_stepping_in_ticks_with_a_stop_and_resume_trains_exactly_like_one_trainer():
    net, train, test = spiral()
    run = Run(net, train, test, 16, 0.1, MOMENTUM)
    run.go(30)
    run.step(0.0)  # one report interval
    run.stop()
    assert not run.running and run.epoch == 1
    assert run.step(1.0) == [] and run.epoch == 1  # a stopped run does not train
    run.go(30)
    finish(run, 0.0)
    reference = Trainer(net, train, test, 16, 0.1, MOMENTUM)
    expected = list(reference.run(30))
    assert run.history[1:] == expected
    assert all(np.array_equal(a, b) for a, b in zip(run.net.W, reference.net.W))


def test_configure_changes_the_rate_from_the_next_epoch_and_keeps_the_order_of_batches():
    net, train, test = spiral()
    run = Run(net, train, test, 16, 0.1, MOMENTUM)
    run.go(2)
    finish(run, 0.0)
    run.configure(16, 0.05, MOMENTUM)
    run.go(4)
    finish(run, 0.0)
    reference = Trainer(net, train, test, 16, 0.1, MOMENTUM)
    list(reference.run(2))
    reference.learning_rate = 0.05
    list(reference.run(2))
    assert all(np.array_equal(a, b) for a, b in zip(run.net.W, reference.net.W))


def test_elapsed_is_wall_time_but_a_long_gap_between_ticks_counts_as_max_gap():
    clock = [0.0]
    net, ds = xor()
    run = Run(net, ds, None, 1, 0.5, clock=lambda: clock[0])
    run.go(100)
    clock[0] = 0.1
    run.step(0.0)
    assert run.elapsed == pytest.approx(0.1)
    clock[0] = 60.1  # the page was not shown for a minute
    assert run.elapsed == pytest.approx(0.1 + MAX_GAP)
    run.step(0.0)
    clock[0] = 60.3
    run.stop()
    assert run.elapsed == pytest.approx(0.3 + MAX_GAP)
    clock[0] = 99.0
    assert run.elapsed == pytest.approx(0.3 + MAX_GAP)  # stopped: the clock stands still


def test_a_diverging_rate_stops_with_a_message_and_keeps_the_last_finite_network():
    net, train, test = spiral()
    run = Run(net, train, test, 8, 1e6)
    run.go(50)
    finish(run)
    assert run.divergence is not None and not run.running
    assert all(np.isfinite(p.train_loss) for p in run.history)
    assert run.epoch == run.history[-1].epoch < run.divergence.epoch
    assert run.net.is_finite()
    if run.epoch == 0:
        assert all(np.array_equal(a, b) for a, b in zip(run.net.W, net.W))
    text = verdict(run).text
    assert f"diverged at epoch {run.divergence.epoch}" in text
    assert "η = 1e+06 is far above the rates that train networks like this with SGD (0.001 to 1)" in text


def test_resume_after_divergence_with_a_lower_rate_trains_on():
    net, train, test = spiral()
    run = Run(net, train, test, 8, 1e6)
    run.go(10)
    finish(run)
    kept = run.epoch
    run.configure(8, 0.05)
    assert run.divergence is None
    run.go(kept + 5)
    finish(run)
    assert run.epoch == kept + 5 and run.divergence is None


# -- tracked samples --------------------------------------------------------------------------------
def test_pick_samples_takes_every_xor_corner_and_one_of_each_class_first():
    _, ds = xor()
    assert pick_samples(ds) == [0, 1, 2, 3]
    digits = make_dataset("digits")
    picked = pick_samples(digits, 4)
    assert sorted(digits.labels[picked]) == [0, 1, 2, 3]
    sine = make_dataset("sine", n=50)
    picked = pick_samples(sine, 3)
    xs = np.sort(sine.X[:, 0])
    assert sorted(sine.X[picked, 0]) == [xs[0], xs[24], xs[49]]


def test_sample_names_show_inputs_and_class():
    _, ds = xor()
    assert sample_name(ds, 1) == "#1 x=(0, 1) · class 1"
    assert sample_name(make_dataset("digits"), 5) == "#5 · class 5"


def test_sample_history_records_the_true_class_output_and_the_loss_at_every_report():
    net, train, test = spiral()
    run = Run(net, train, test, 16, 0.1, MOMENTUM, tracked=[0, 7, 60])
    run.go(5)
    finish(run, 0.0)
    h = run.sample_history()
    assert list(h.epochs) == [p.epoch for p in run.history]
    z, out = run.net.outputs(train.X[[0, 7, 60]])
    truth = train.labels[[0, 7, 60]]
    assert np.allclose(h.prediction[-1], out[np.arange(3), truth])
    assert np.array_equal(h.targets, np.ones(3))
    assert np.allclose(h.error[-1], LOSSES[net.spec.loss].value(out, train.Y[[0, 7, 60]], z))
    assert h.prediction.shape == h.error.shape == (6, 3)
    assert h.prediction_title == "output for the true class"


def test_sample_history_of_several_regression_outputs_watches_each():
    spec = get_preset("worked").spec
    net = get_preset("worked").network()
    ds = make_dataset("worked")
    run = Run(net, ds, None, 1, spec.learning_rate, tracked=[0])
    run.go(3)
    finish(run, 0.0)
    h = run.sample_history()
    assert h.output_names == ("#0 x=(0.05, 0.1) · ŷ1", "#0 x=(0.05, 0.1) · ŷ2")
    assert list(h.output_sample) == [0, 0] and np.allclose(h.targets, [0.01, 0.99])
    assert h.prediction.shape == (4, 2) and h.error.shape == (4, 1)


def test_no_tracked_samples_means_no_history_and_bad_rows_are_refused():
    net, ds = xor()
    assert Run(net, ds, None, 1, 0.5).sample_history() is None
    with pytest.raises(BpvizError, match="0..3"):
        Run(net, ds, None, 1, 0.5, tracked=[4])


# -- comparison -------------------------------------------------------------------------------------
def test_comparison_trains_the_same_start_once_per_rate_as_a_lone_run_would():
    net, train, test = spiral()
    comparison = Comparison(net, train, test, rate_variants((0.01, 0.1, 1e6), SGD), 5, 16)
    assert list(comparison.runs) == ["η = 0.01", "η = 0.1", "η = 1e+06"]
    steps = 0
    while comparison.running:
        comparison.step(0.02)
        steps += 1
    assert steps >= 1
    lone = Run(net, train, test, 16, 0.1)
    lone.go(5)
    finish(lone, 0.0)
    assert comparison.runs["η = 0.1"].history == lone.history
    assert comparison.runs["η = 0.01"].history[0] == comparison.runs["η = 0.1"].history[0]  # the same start
    assert comparison.runs["η = 1e+06"].divergence is not None
    assert comparison.runs["η = 0.1"].history[-1].train_loss < comparison.runs["η = 0.01"].history[-1].train_loss


def test_optimiser_comparison_trains_each_rule_as_a_lone_run_would_with_the_same_penalty():
    net, train, test = spiral()
    chosen = parse_optimisers("sgd, momentum 0.05, adam", MOMENTUM, 0.1)
    penalty = Penalty("l2", 0.001)
    comparison = Comparison(net, train, test, optimiser_variants(chosen), 4, 16, penalty, what="optimisers")
    assert list(comparison.runs) == ["SGD, η = 0.1", "SGD with momentum, η = 0.05", "Adam, η = 0.01"]
    while comparison.running:
        comparison.step(0.05)
    lone = Run(net, train, test, 16, 0.01, Optimiser("adam"), penalty)
    lone.go(4)
    finish(lone, 0.0)
    assert comparison.runs["Adam, η = 0.01"].history == lone.history
    finals = {label: run.history[-1].total_loss for label, run in comparison.runs.items()}
    assert len(set(finals.values())) == 3 and all(run.history[-1].penalty > 0 for run in comparison.runs.values())


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "enter at least one optimiser"),
        ("adamw", "'adamw' is not an optimiser; use sgd, momentum, nesterov, rmsprop, adam, adagrad"),
        ("adam 0.01 0.1", "write a name and at most one rate"),
        ("adam fast", "'fast' is not a number"),
        ("sgd 2e6", "outside the learning rates allowed"),
        ("sgd 1, sgd 2, sgd 3, sgd 4, sgd 5, sgd 6, sgd 7", "7 optimisers; compare at most 6"),
    ],
)
def test_a_bad_list_of_optimisers_says_what_is_wrong(text, words):
    with pytest.raises(BpvizError, match=re.escape(words)):
        parse_optimisers(text, SGD, 0.1)


# -- evaluation -------------------------------------------------------------------------------------
def test_confusion_and_report_agree_with_the_reported_accuracy():
    net, train, test = spiral()
    run = Run(net, train, test, 16, 0.1, MOMENTUM)
    run.go(20)
    finish(run, 0.0)
    counts = confusion(run.net, test)
    assert counts.shape == (3, 3) and counts.sum() == len(test)
    assert np.trace(counts) / len(test) == pytest.approx(run.history[-1].test_accuracy)
    assert list(counts.sum(axis=1)) == list(np.bincount(test.labels, minlength=3))
    table = class_report(run.net, test)
    assert list(table.index) == ["0", "1", "2", "macro avg", "weighted avg"]
    assert list(table.columns) == ["precision", "recall", "f1-score", "support"]
    predicted = np.argmax(run.net.forward(test.X), axis=1)
    expected = classification_report(test.labels, predicted, output_dict=True, zero_division=0)
    assert table.loc["1", "recall"] == pytest.approx(expected["1"]["recall"])
    assert table.loc["weighted avg", "f1-score"] == pytest.approx(expected["weighted avg"]["f1-score"])


def test_evaluation_refuses_regression_data():
    net = Network.initialise(get_preset("worked").spec)
    with pytest.raises(BpvizError, match="no class labels"):
        confusion(net, make_dataset("worked"))
