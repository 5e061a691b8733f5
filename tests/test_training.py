"""The training loop: reporting, seeded sample order, every optimiser and penalty step by step, divergence, bias
modes, batch clamping, and the presets reaching their targets (XOR ½SSE < 0.01 on most seeds, digits ≥ 96 % test
accuracy)."""

import numpy as np
import pytest

from bpviz import BpvizError, Network, NetworkSpec, Trainer, backprop, batch_loss, get_preset, sgd_step, split
from bpviz.data.catalog import make_dataset
from bpviz.engine import optimisers
from bpviz.engine import training as training_module
from bpviz.engine.optimisers import NO_PENALTY, RULES, Optimiser, Penalty


def params(net: Network) -> list[np.ndarray]:
    return [*net.W, *net.b]


def bitwise_equal(a: Network, b: Network) -> bool:
    return all(p.shape == q.shape and p.tobytes() == q.tobytes() for p, q in zip(params(a), params(b)))


@pytest.fixture
def blobs():
    return make_dataset("gaussians", n=60, noise=0.1, classes=3, seed=2)


def blob_net(bias: str = "learned", seed: int = 0, lr: float = 0.2) -> Network:
    spec = NetworkSpec((2, 6, 3), ("tanh", "softmax"), "cross_entropy", "mean", bias, "xavier", seed, lr)
    net = Network.initialise(spec)
    if bias == "frozen":
        net = Network.from_arrays(spec, net.W, [np.full(r, 0.25) for r, _ in spec.shapes])
    return net


# ---------------------------------------------------------------- reports


def test_reports_every_k_epochs_and_after_the_last(blobs):
    trainer = Trainer(blob_net(), blobs, batch_size=8)
    reports = list(trainer.run(10, report_every=3))
    assert [p.epoch for p in reports] == [3, 6, 9, 10]
    assert trainer.epoch == 10
    assert all(p.diverged is None for p in reports)
    assert [p.epoch for p in trainer.run(4, report_every=2)] == [12, 14]


def test_a_report_measures_the_whole_sets(blobs):
    train, test = split(blobs, 0.25, 0)
    trainer = Trainer(blob_net(), train, test, batch_size=4)
    (last,) = trainer.run(5, report_every=5)
    assert last.train_loss == pytest.approx(batch_loss(trainer.net, train.X, train.for_outputs(3).Y), rel=1e-12)
    assert last.test_loss == pytest.approx(batch_loss(trainer.net, test.X, test.for_outputs(3).Y), rel=1e-12)
    predicted = np.argmax(trainer.net.forward(test.X), axis=1)
    assert last.test_accuracy == pytest.approx(np.mean(predicted == test.labels))


def test_regression_has_no_accuracy():
    ds = make_dataset("sine", n=40, noise=0.0, seed=1)
    net = Network.initialise(NetworkSpec((1, 8, 1), ("tanh", "linear"), "mse", "mean", seed=1, learning_rate=0.05))
    (last,) = Trainer(net, ds, batch_size=4).run(3, report_every=3)
    assert last.train_accuracy is None and last.test_loss is None and last.test_accuracy is None


def test_training_lowers_the_loss(blobs):
    trainer = Trainer(blob_net(), blobs, batch_size=4)
    start = trainer.report().train_loss
    *_, last = trainer.run(20, report_every=5)
    assert last.train_loss < 0.5 * start


# ---------------------------------------------------------------- order and reproducibility


def test_the_seed_fixes_the_sample_order(blobs):
    runs = []
    for _ in range(2):
        trainer = Trainer(blob_net(), blobs, batch_size=1, optimiser=Optimiser("momentum", momentum=0.5))
        list(trainer.run(3))
        runs.append(trainer.net)
    assert bitwise_equal(*runs)
    other = Trainer(blob_net(), blobs, batch_size=1, optimiser=Optimiser("momentum", momentum=0.5), seed=99)
    list(other.run(3))
    assert not bitwise_equal(runs[0], other.net)


def test_chunks_resume_where_they_stopped(blobs):
    whole = Trainer(blob_net(), blobs, batch_size=5, optimiser=Optimiser("adam"))
    list(whole.run(6))
    chunked = Trainer(blob_net(), blobs, batch_size=5, optimiser=Optimiser("adam"))
    for _ in range(3):
        list(chunked.run(2))
    assert chunked.epoch == whole.epoch == 6
    assert bitwise_equal(whole.net, chunked.net)


def test_every_sample_once_per_epoch_in_a_fresh_order(blobs, monkeypatch):
    seen = []
    real = training_module.forward_trace

    def spy(net, x):
        seen.append(np.array(x))
        return real(net, x)

    monkeypatch.setattr(training_module, "forward_trace", spy)
    trainer = Trainer(blob_net(), blobs, batch_size=7)
    trainer.run_epoch()
    trainer.run_epoch()
    per_epoch = -(-len(blobs) // 7)
    assert len(seen) == 2 * per_epoch
    assert [len(x) for x in seen[:per_epoch]] == [7] * (per_epoch - 1) + [len(blobs) - 7 * (per_epoch - 1)]
    epochs = [np.concatenate(seen[:per_epoch]), np.concatenate(seen[per_epoch:])]
    key = lambda rows: sorted(map(tuple, rows))  # noqa: E731
    assert key(epochs[0]) == key(epochs[1]) == key(blobs.X)
    assert not np.array_equal(epochs[0], epochs[1])


@pytest.mark.parametrize("bias", ["learned", "frozen"])
@pytest.mark.parametrize("penalty", [NO_PENALTY, Penalty("l2", 0.01), Penalty("l1", 0.003)])
@pytest.mark.parametrize("name", RULES)
def test_an_epoch_is_the_optimiser_steps_of_its_batches(blobs, name, penalty, bias):
    """run_epoch is exactly ``optimisers.step`` over the batches of a seeded permutation, the state carried from
    batch to batch (the Step page's update): every rule, with and without a penalty, learned and frozen biases."""
    optimiser = Optimiser(name, momentum=0.8)
    trainer = Trainer(blob_net(bias), blobs, batch_size=8, optimiser=optimiser, penalty=penalty, seed=5)
    start = trainer.net
    trainer.run_epoch()
    trainer.run_epoch()
    net, state = start, None
    rng = np.random.default_rng(5)
    Y = blobs.for_outputs(3).Y
    for _ in range(2):
        order = rng.permutation(len(blobs))
        for i in range(0, len(order), 8):
            t = backprop(net, blobs.X[order[i : i + 8]], Y[order[i : i + 8]])
            net, state = optimisers.step(net, t.grad_W, t.grad_b, None, optimiser, state, penalty)
    assert trainer.state.t == state.t == 2 * -(-len(blobs) // 8)
    for p, q in zip(params(net), params(trainer.net)):
        np.testing.assert_allclose(p, q, rtol=1e-13, atol=1e-15)  # the same operations, up to summation order


def test_training_never_changes_a_network_it_was_given_or_handed_out(blobs):
    net = blob_net()
    before = net.copy()
    trainer = Trainer(net, blobs, batch_size=4)
    list(trainer.run(1))
    handed_out, snapshot = trainer.net, trainer.net.copy()
    list(trainer.run(2))
    assert bitwise_equal(net, before)
    assert bitwise_equal(handed_out, snapshot)
    assert not bitwise_equal(trainer.net, snapshot)


# ---------------------------------------------------------------- divergence


def test_divergence_restores_the_last_finite_network():
    preset = get_preset("xor")
    ds = make_dataset("xor", n=4, noise=0.0)
    trainer = Trainer(preset.network(), ds, batch_size=1)
    good = list(trainer.run(3))
    kept = trainer.net.copy()
    trainer.learning_rate = 1e6
    reports = list(trainer.run(5))
    assert len(reports) == 1
    (bad,) = reports
    assert bad.diverged and isinstance(bad.diverged, str)
    assert bad.epoch == 4 and np.isnan(bad.train_loss)
    assert trainer.diverged and trainer.epoch == good[-1].epoch == 3
    assert bitwise_equal(trainer.net, kept) and trainer.net.is_finite()
    assert list(trainer.run(5)) == []


def test_divergence_from_the_start_goes_back_to_the_initial_network():
    spec = NetworkSpec((1, 4, 1), ("linear", "linear"), "sse", "sum", "learned", "xavier", 3, 1e6)
    trainer = Trainer(Network.initialise(spec), make_dataset("sine", n=30, noise=0.0), batch_size=1)
    (bad,) = trainer.run(10, report_every=5)
    assert bad.diverged and bad.epoch == 1
    assert bitwise_equal(trainer.net, Network.initialise(spec)) and trainer.epoch == 0


# ---------------------------------------------------------------- biases


@pytest.mark.parametrize("name", RULES)
def test_frozen_biases_are_untouched(blobs, name):
    trainer = Trainer(blob_net("frozen"), blobs, batch_size=3, optimiser=Optimiser(name), penalty=Penalty("l2", 0.1))
    list(trainer.run(4))
    assert [b.tolist() for b in trainer.net.b] == [[0.25] * 6, [0.25] * 3]
    assert not bitwise_equal(trainer.net, blob_net("frozen"))  # the weights did learn


@pytest.mark.parametrize("name", RULES)
def test_absent_biases_stay_zero_and_learned_ones_learn(blobs, name):
    trainer = Trainer(blob_net("none"), blobs, batch_size=3, optimiser=Optimiser(name))
    list(trainer.run(4))
    assert all(np.all(b == 0) for b in trainer.net.b)
    learned = Trainer(blob_net("learned"), blobs, batch_size=3, optimiser=Optimiser(name))
    list(learned.run(4))
    assert all(np.any(b != 0) for b in learned.net.b)


# ---------------------------------------------------------------- settings


def test_batch_size_beyond_the_dataset_is_one_full_batch():
    ds = make_dataset("xor", n=4, noise=0.0)
    net = get_preset("xor").network()
    trainer = Trainer(net, ds, batch_size=1000)
    assert trainer.batch_size == 4
    trainer.run_epoch()
    t = backprop(net, ds.X, ds.Y)
    expected = sgd_step(net, t.grad_W, t.grad_b)
    for p, q in zip(params(trainer.net), params(expected)):
        np.testing.assert_allclose(p, q, rtol=1e-13, atol=1e-15)  # the batch's rows come in shuffled order


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"batch_size": 0}, "batch_size"),
        ({"batch_size": 2.5}, "batch_size"),
        ({"batch_size": "8"}, "batch_size"),
        ({"optimiser": "adam"}, "optimiser"),
        ({"penalty": 0.1}, "optimiser"),
        ({"learning_rate": 0.0}, "learning_rate"),
        ({"learning_rate": -1.0}, "learning_rate"),
        ({"learning_rate": float("nan")}, "learning_rate"),
        ({"learning_rate": float("inf")}, "learning_rate"),
    ],
)
def test_bad_settings_name_their_field(blobs, kwargs, field):
    with pytest.raises(BpvizError) as err:
        Trainer(blob_net(), blobs, **kwargs)
    assert err.value.field == field


def test_targets_that_do_not_fit_the_output_layer(blobs):
    net = Network.initialise(NetworkSpec((2, 4, 2), ("tanh", "softmax"), "cross_entropy"))
    with pytest.raises(BpvizError) as err:
        Trainer(net, blobs)
    assert err.value.field == "layers"


# ---------------------------------------------------------------- the presets reach their targets


def preset_data(key: str):
    preset = get_preset(key)
    d = preset.data
    ds = make_dataset(d.name, n=d.n, noise=d.noise, seed=preset.spec.seed, classes=d.classes)
    return preset, *split(ds, d.test_fraction, preset.spec.seed)


@pytest.mark.slow
def test_xor_preset_learns_on_most_seeds():
    """Per-sample SGD from the preset's start, for seeds 0..9: ½SSE (summed) below 0.01 on at least 8.

    Measured when written: 9 of 10 (one seed settles in the usual XOR local minimum at ½SSE ≈ 0.25).
    """
    preset, train, test = preset_data("xor")
    assert test is None and len(train) == 4
    losses = []
    for seed in range(10):
        net = Network.initialise(preset.spec.replace(seed=seed))
        trainer = Trainer(net, train, batch_size=preset.train.batch_size)
        *_, last = trainer.run(preset.train.epochs, report_every=preset.train.epochs)
        assert last.train_loss == batch_loss(trainer.net, train.X, train.Y)
        losses.append(last.train_loss)
    assert sum(loss < 0.01 for loss in losses) >= 8, losses


@pytest.mark.slow
def test_digits_preset_with_its_own_settings():
    """The preset as shipped: per-sample SGD, 100 epochs, 25 % test split seeded by the spec (~8 s)."""
    preset, train, test = preset_data("digits")
    assert len(test) == round(0.25 * (len(train) + len(test)))
    trainer = Trainer(preset.network(), train, test, preset.train.batch_size, optimiser=preset.train.optimiser)
    *_, last = trainer.run(preset.train.epochs, report_every=preset.train.epochs)
    assert last.test_accuracy >= 0.96, last


def test_digits_reaches_96_percent_with_mini_batches_and_momentum():
    """The same net and split, batch 32 with momentum 0.9 at rate 0.5: the fast route (under a second)."""
    preset, train, test = preset_data("digits")
    trainer = Trainer(preset.network(), train, test, batch_size=32, learning_rate=0.5, optimiser=Optimiser("momentum"))
    *_, last = trainer.run(100, report_every=100)
    assert last.test_accuracy >= 0.96, last
