"""Gradient flow (bpviz.runs.gradflow): each layer's RMS of dL/dW^l against backprop, central differences
and PyTorch; deep sigmoid nets show it vanish toward the input and ReLU nets do not; a Run records one size
per layer at every report, aligned with its history."""

import numpy as np
import pytest
from conftest import require

from bpviz import Network, NetworkSpec, backprop, batch_loss, get_preset
from bpviz.data.catalog import make_dataset
from bpviz.engine.optimisers import SGD
from bpviz.runs.comparison import Comparison, rate_variants
from bpviz.runs.gradflow import MAX_ROWS, gradient_rows, layer_gradient_sizes, training_gradient_sizes
from bpviz.runs.run import Run


def rms(a: np.ndarray) -> float:
    return float(np.sqrt(np.mean(a**2)))


def deep(hidden: str, init: str, seed: int = 0, reduction: str = "mean") -> Network:
    """2-8-8-8-8-8-1 with ``hidden`` activations and a sigmoid output under binary cross-entropy."""
    spec = NetworkSpec((2, 8, 8, 8, 8, 8, 1), (hidden,) * 5 + ("sigmoid",), loss="binary_cross_entropy",
                       reduction=reduction, init=init, seed=seed)  # fmt: skip
    return Network.initialise(spec)


def circles():
    return make_dataset("circles").for_outputs(1)


def test_the_sizes_are_the_rms_of_backprops_weight_gradients():
    net, ds = deep("tanh", "xavier", seed=3), circles()
    trace = backprop(net, ds.X[:50], ds.Y[:50])
    sizes = layer_gradient_sizes(net, ds.X[:50], ds.Y[:50])
    assert sizes.shape == (6,)
    np.testing.assert_allclose(sizes, [rms(g) for g in trace.grad_W], rtol=1e-12)


def test_the_sizes_match_central_differences_of_the_loss():
    spec = NetworkSpec((2, 3, 2), ("tanh", "sigmoid"), loss="half_sse", reduction="sum", seed=5)
    net = Network.initialise(spec)
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(5, 2)), rng.uniform(size=(5, 2))
    eps, numeric = 1e-6, []
    for k, W in enumerate(net.W):
        grad = np.zeros_like(W)
        for idx in np.ndindex(W.shape):
            up, down = net.copy(), net.copy()
            up.W[k][idx] += eps
            down.W[k][idx] -= eps
            grad[idx] = (batch_loss(up, x, y) - batch_loss(down, x, y)) / (2 * eps)
        numeric.append(rms(grad))
    np.testing.assert_allclose(layer_gradient_sizes(net, x, y), numeric, rtol=1e-7)


def test_the_sizes_match_pytorch_float64_autograd():
    torch = __import__("torch") if require("BPVIZ_REQUIRE_TORCH") else pytest.importorskip("torch")
    net, ds = deep("sigmoid", "xavier", seed=2), circles()
    W = [torch.tensor(w, requires_grad=True) for w in net.W]
    a = torch.tensor(ds.X)
    for w, b in zip(W, net.b):
        a = torch.sigmoid(a @ w.T + torch.tensor(b))
    torch.nn.functional.binary_cross_entropy(a, torch.tensor(ds.Y)).backward()
    oracle = [float(torch.sqrt(torch.mean(w.grad**2))) for w in W]
    np.testing.assert_allclose(layer_gradient_sizes(net, ds.X, ds.Y), oracle, rtol=1e-9)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_deep_sigmoid_net_starts_with_vanishing_gradients_and_relu_does_not(seed):
    ds = circles()
    sigmoid = training_gradient_sizes(deep("sigmoid", "xavier", seed), ds)
    relu = training_gradient_sizes(deep("relu", "he", seed), ds)
    assert sigmoid[0] < sigmoid[-1] / 10, sigmoid
    assert np.all(np.diff(sigmoid) > 0), sigmoid  # smaller at every layer further from the output
    assert relu[0] > relu[-1] / 10, relu


def test_a_big_set_is_measured_on_a_fixed_seeded_subsample_scaled_for_a_summed_loss():
    ds = make_dataset("spiral", n=3000, noise=0.2, classes=3).for_outputs(3)
    rows = gradient_rows(len(ds), 7)
    assert len(rows) == len(set(rows)) == MAX_ROWS and np.all(np.diff(rows) > 0)
    assert np.array_equal(rows, gradient_rows(len(ds), 7)) and not np.array_equal(rows, gradient_rows(len(ds), 8))
    assert np.array_equal(gradient_rows(300, 7), np.arange(300))  # a small set: every row
    mean_net = get_preset("spiral").network()
    mean_net = mean_net.with_spec(mean_net.spec.replace(seed=7, reduction="mean"))
    sum_net = mean_net.with_spec(mean_net.spec.replace(reduction="sum"))
    np.testing.assert_allclose(training_gradient_sizes(mean_net, ds), layer_gradient_sizes(mean_net, ds.X[rows],
                               ds.Y[rows]), rtol=1e-12)  # fmt: skip
    np.testing.assert_allclose(training_gradient_sizes(sum_net, ds), training_gradient_sizes(mean_net, ds) * len(ds),
                               rtol=1e-12)  # fmt: skip
    full = layer_gradient_sizes(sum_net, ds.X, ds.Y)
    np.testing.assert_allclose(training_gradient_sizes(sum_net, ds), full, rtol=0.25)  # an estimate of the whole set's


def finish(run: Run) -> None:
    steps = 0
    while run.running:
        run.step(0.01)
        steps += 1
        assert steps < 10_000


def test_a_run_records_one_size_per_layer_at_every_report():
    ds = circles()
    run = Run(deep("sigmoid", "xavier"), ds, None, 10, 0.5)
    assert len(run.grad_sizes) == 1
    np.testing.assert_array_equal(run.grad_sizes[0], training_gradient_sizes(run.start_net, run.train_set))
    run.go(30)
    run.step(0.0)  # one tick: one report interval
    assert len(run.grad_sizes) == len(run.history) == 2
    finish(run)
    assert len(run.grad_sizes) == len(run.history) == 31
    np.testing.assert_array_equal(run.grad_sizes[-1], training_gradient_sizes(run.net, run.train_set))
    assert all(s.shape == (6,) for s in run.grad_sizes)


def test_a_diverged_report_records_no_size_and_a_resumed_run_stays_aligned():
    net = get_preset("spiral").network()
    ds = make_dataset("spiral", n=150, noise=0.2, classes=3).for_outputs(3)
    run = Run(net, ds, None, 8, 1e6)
    run.go(50)
    finish(run)
    assert run.divergence is not None
    assert len(run.grad_sizes) == len(run.history)
    np.testing.assert_array_equal(run.grad_sizes[-1], training_gradient_sizes(run.net, run.train_set))
    run.configure(8, 0.05)
    run.go(run.epoch + 5)
    finish(run)
    assert run.divergence is None and len(run.grad_sizes) == len(run.history)
    assert all(np.all(np.isfinite(s)) for s in run.grad_sizes)


def test_a_comparisons_runs_skip_the_measure_they_never_draw():
    ds = make_dataset("circles", n=60, noise=0.1, seed=0).for_outputs(1)
    comparison = Comparison(deep("sigmoid", "xavier"), ds, None, rate_variants((0.1, 0.5), SGD), 3, 10)
    while comparison.running:
        comparison.step(1.0)
    assert all(run.grad_sizes == [] and len(run.history) == 4 for run in comparison.runs.values())
