"""Backprop against central differences: every activation/loss pair the spec accepts, both reductions,
every bias mode, on random architectures and batches (float64, 1e-6 relative).

Three independent checks: ``gradient_check`` (dL/dW, dL/db by perturbing parameters), our own central
differences of the reduced loss in z (delta = dL/dz, per sample, batch factor included), and the loss
itself against a reference written here from the formulas in the docs. Points closer than
``KINK_MARGIN`` to a ReLU kink are avoided, since a difference across a kink measures no derivative.
"""

import numpy as np
import pytest
from conftest import accepted_output_losses
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bpviz import Network, NetworkSpec, backprop, batch_loss, gradient_check
from bpviz.engine.activations import ACTIVATIONS, LEAKY_SLOPE
from bpviz.engine.gradcheck import KINK, MAX_CHECK_WORK, MIN_CHECKED, SUSPECT
from bpviz.engine.inits import INITS
from bpviz.engine.losses import LOSSES, REDUCTIONS
from bpviz.engine.spec import BIAS_MODES

HIDDEN = [name for name, act in ACTIVATIONS.items() if not act.output_only]
KINKED = {"relu", "leaky_relu"}
KINK_MARGIN = 1e-3
RTOL = 1e-6
# Central differences in float64 carry roundoff ~1e-16·|L|/ε and truncation ~ε²·|L'''|; both stay far
# below this floor, which only matters for gradients that are (almost) zero.
ATOL = 1e-9


PAIRS = accepted_output_losses()


def test_the_accepted_pairs_are_the_documented_ones():
    squared = {(o, loss) for o in ACTIVATIONS for loss in ("half_sse", "sse", "mse")}
    assert set(PAIRS) == squared | {("softmax", "cross_entropy"), ("sigmoid", "binary_cross_entropy")}


# ---------------------------------------------------------------- random cases


def random_targets(rng: np.random.Generator, loss: str, batch: int, n_out: int) -> np.ndarray:
    if loss == "cross_entropy":  # probability rows; one-hot rows are a special case
        p = rng.random((batch, n_out)) ** 3
        return p / p.sum(axis=1, keepdims=True)
    if loss == "binary_cross_entropy":
        return rng.random((batch, n_out))
    return rng.normal(0.0, 1.0, (batch, n_out))


def random_case(rng, output, loss, reduction, bias, hidden_sizes, n_in, n_out, batch):
    """A network with random weights (and biases unless 'none'), inputs and targets."""
    if output == "softmax":
        n_out = max(n_out, 2)
    hidden = [str(rng.choice(HIDDEN)) for _ in hidden_sizes]
    spec = NetworkSpec(
        (n_in, *hidden_sizes, n_out),
        (*hidden, output),
        loss,
        reduction,
        bias,
        str(rng.choice(list(INITS))),
        int(rng.integers(0, 2**32)),
        0.1,
    )
    W = [rng.normal(0.0, 0.8, shape) for shape in spec.shapes]
    b = [rng.normal(0.0, 0.5, r) if bias != "none" else np.zeros(r) for r, _ in spec.shapes]
    net = Network.from_arrays(spec, W, b)
    x = rng.normal(0.0, 1.0, (batch, n_in))
    return net, x, random_targets(rng, loss, batch, n_out)


def near_kink(net: Network, x) -> bool:
    t = backprop(net, x, np.zeros((len(x), net.spec.layers[-1])))
    return any(name in KINKED and np.min(np.abs(z)) < KINK_MARGIN for name, z in zip(net.spec.activations, t.z))


def kink_free_case(seed: int, *args):
    """``random_case`` drawn again until no ReLU input sits near its kink."""
    rng = np.random.default_rng(seed)
    for _ in range(100):
        case = random_case(rng, *args)
        if not near_kink(*case[:2]):
            return case
    raise AssertionError("no kink-free draw in 100 tries")


# ---------------------------------------------------------------- our own differences and reference


def differences_in_z(net: Network, x, y, eps: float = 1e-5) -> list[np.ndarray]:
    """dL/dz^l per sample by central differences of the reduced batch loss in each z entry."""
    t = backprop(net, x, y)
    spec = net.spec

    def loss_from(k: int, zk: np.ndarray) -> float:
        z, a = zk, ACTIVATIONS[spec.activations[k]].f(zk)
        for W, b, name in zip(net.W[k + 1 :], net.b[k + 1 :], spec.activations[k + 1 :]):
            z = a @ W.T + b
            a = ACTIVATIONS[name].f(z)
        per_sample = LOSSES[spec.loss].value(a, t.y, z)
        return float(np.mean(per_sample) if spec.reduction == "mean" else np.sum(per_sample))

    out = []
    for k, z in enumerate(t.z):
        d = np.zeros_like(z)
        for index in np.ndindex(z.shape):
            up, down = z.copy(), z.copy()
            up[index] += eps
            down[index] -= eps
            d[index] = (loss_from(k, up) - loss_from(k, down)) / (2 * eps)
        out.append(d)
    return out


def reference_loss(net: Network, x, y) -> float:
    """The batch loss from the textbook formulas, written independently of the engine's registries."""
    f = {
        "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
        "tanh": np.tanh,
        "relu": lambda z: np.where(z > 0, z, 0.0),
        "leaky_relu": lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
        "linear": lambda z: z,
        "softmax": lambda z: np.exp(z) / np.exp(z).sum(axis=1, keepdims=True),
    }
    a = np.asarray(x, dtype=float)
    for W, b, name in zip(net.W, net.b, net.spec.activations):
        a = f[name](np.einsum("ij,bj->bi", W, a) + b)
    y = np.asarray(y, dtype=float)
    per_sample = {
        "half_sse": lambda: 0.5 * ((y - a) ** 2).sum(axis=1),
        "sse": lambda: ((y - a) ** 2).sum(axis=1),
        "mse": lambda: ((y - a) ** 2).mean(axis=1),
        "cross_entropy": lambda: -(y * np.log(a)).sum(axis=1),
        "binary_cross_entropy": lambda: -(y * np.log(a) + (1 - y) * np.log(1 - a)).sum(axis=1),
    }[net.spec.loss]()
    return float(per_sample.mean() if net.spec.reduction == "mean" else per_sample.sum())


def assert_close(name: str, analytic, numeric, scale: float = 1.0) -> None:
    """|analytic − numeric| ≤ RTOL·max(|analytic|, |numeric|) + ATOL·scale, entry by entry, naming the worst."""
    analytic, numeric = np.asarray(analytic, dtype=float), np.asarray(numeric, dtype=float)
    err = np.abs(analytic - numeric)
    allowed = RTOL * np.maximum(np.abs(analytic), np.abs(numeric)) + ATOL * scale
    if np.all(err <= allowed):
        return
    i = np.unravel_index(np.argmax(err - allowed), err.shape)
    raise AssertionError(
        f"{name}{list(i)}: backprop {analytic[i]!r} vs central difference {numeric[i]!r} "
        f"(|diff| {err[i]:.2e}, allowed {allowed[i]:.2e})"
    )


def check_case(net: Network, x, y) -> None:
    """All three checks on one case; the loss scale widens the absolute floor for big losses."""
    t = backprop(net, x, y)
    scale = max(1.0, abs(t.loss))
    assert t.loss == pytest.approx(reference_loss(net, x, y), rel=1e-12, abs=1e-14)
    assert batch_loss(net, x, y) == t.loss
    check = gradient_check(net, x, y)
    expected = sum(w.size for w in net.W) + (sum(v.size for v in net.b) if net.spec.bias == "learned" else 0)
    assert len(check.names) == expected
    for name, got, want in zip(check.names, check.backprop, check.numeric):
        assert_close(name, got, want, scale)
    for k, (delta, numeric) in enumerate(zip(t.delta, differences_in_z(net, x, y))):
        assert_close(f"delta{k + 1}", delta, numeric, scale)


# ---------------------------------------------------------------- the checks


@pytest.mark.parametrize("bias", BIAS_MODES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("output, loss", PAIRS)
def test_every_pair_reduction_and_bias_mode(output, loss, reduction, bias):
    """Three architectures per combination: no hidden layer, one, and two."""
    seed = PAIRS.index((output, loss)) * 100 + list(REDUCTIONS).index(reduction) * 10 + list(BIAS_MODES).index(bias)
    for i, (hidden, n_in, n_out, batch) in enumerate([((), 3, 3, 1), ((4,), 2, 3, 3), ((3, 5), 4, 2, 5)]):
        check_case(*kink_free_case(seed * 7 + i, output, loss, reduction, bias, hidden, n_in, n_out, batch))


@pytest.mark.parametrize("hidden", HIDDEN)
def test_every_hidden_activation_in_a_deep_net(hidden):
    rng = np.random.default_rng(HIDDEN.index(hidden))
    for _ in range(100):
        spec = NetworkSpec((3, 4, 4, 4, 2), (hidden, hidden, hidden, "sigmoid"), "half_sse", "mean", "learned")
        net = Network.from_arrays(
            spec, [rng.normal(0, 0.9, s) for s in spec.shapes], [rng.normal(0, 0.5, r) for r, _ in spec.shapes]
        )
        x, y = rng.normal(size=(3, 3)), rng.random((3, 2))
        if not near_kink(net, x):
            break
    check_case(net, x, y)


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    pair=st.sampled_from(PAIRS),
    reduction=st.sampled_from(list(REDUCTIONS)),
    bias=st.sampled_from(list(BIAS_MODES)),
    hidden=st.lists(st.integers(1, 5), max_size=3),
    n_in=st.integers(1, 4),
    n_out=st.integers(1, 4),
    batch=st.integers(1, 6),
    seed=st.integers(0, 2**32 - 1),
)
def test_random_shapes_and_batches(pair, reduction, bias, hidden, n_in, n_out, batch, seed):
    rng = np.random.default_rng(seed)
    net, x, y = random_case(rng, *pair, reduction, bias, hidden, n_in, n_out, batch)
    assume(not near_kink(net, x))
    check_case(net, x, y)


def test_the_mean_is_the_sum_over_the_batch_size():
    net, x, y = kink_free_case(5, "tanh", "sse", "sum", "learned", (4,), 3, 2, 4)
    summed = backprop(net, x, y)
    mean = backprop(net.with_spec(net.spec.replace(reduction="mean")), x, y)
    assert mean.loss == pytest.approx(summed.loss / 4, rel=1e-14)
    for k in range(net.spec.depth):
        np.testing.assert_allclose(mean.grad_W[k], summed.grad_W[k] / 4, rtol=1e-13, atol=1e-16)
        np.testing.assert_allclose(mean.delta[k], summed.delta[k] / 4, rtol=1e-13, atol=1e-16)


def test_a_batch_gradient_is_the_sum_of_sample_gradients():
    net, x, y = kink_free_case(6, "sigmoid", "binary_cross_entropy", "sum", "learned", (3,), 2, 2, 5)
    whole = backprop(net, x, y)
    for k in range(net.spec.depth):
        per_sample = sum(backprop(net, x[i], y[i]).grad_W[k] for i in range(len(x)))
        np.testing.assert_allclose(whole.grad_W[k], per_sample, rtol=1e-12, atol=1e-15)


def test_cross_entropy_targets_that_do_not_sum_to_one():
    """delta is the derivative of the loss even for targets that are not a distribution (e.g. typed by hand)."""
    spec = NetworkSpec((2, 3), ("softmax",), "cross_entropy", "sum", "learned")
    net = Network.initialise(spec)
    check_case(net, [[0.3, -0.2]], [[1.0, 1.0, 0.0]])
    check_case(net, [[0.3, -0.2], [0.1, 0.4]], [[0.0, 0.0, 0.0], [0.5, 0.0, 2.0]])


def test_a_wrong_gradient_fails_the_check():
    """The comparison can fail: a relative slip of 1e-5 in one entry is caught and named."""
    net, x, y = kink_free_case(3, "tanh", "mse", "mean", "learned", (3,), 2, 2, 2)
    check = gradient_check(net, x, y)
    worst = int(np.argmax(np.abs(check.backprop)))
    with pytest.raises(AssertionError, match=check.names[worst].replace("[", r"\[")):
        for i, (name, got, want) in enumerate(zip(check.names, check.backprop, check.numeric)):
            assert_close(name, got * (1 + 1e-5) if i == worst else got, want)


def test_gradient_check_reports_a_kink_and_leaves_the_network_alone():
    """At a ReLU's kink the central difference mixes both slopes (here 0.5 against backprop's 0): that row is
    left out of the verdict with the reason, so a correct backprop is never called wrong."""
    spec = NetworkSpec((1, 1, 1), ("relu", "linear"), "half_sse", "sum", "learned")
    net = Network.from_arrays(spec, [[[1.0]], [[1.0]]], [[0.0], [0.0]])
    before = [p.copy() for p in (*net.W, *net.b)]
    check = gradient_check(net, [[0.0]], [[1.0]])  # z1 = 0 exactly: the kink
    kinked = check.names.index("b1[0]")
    assert check.relative_error[kinked] > 0.5 and check.doubt[kinked] == KINK
    assert check.max_error < 1e-6 and "Left out: 1 parameter(s)" in check.verdict and KINK in check.verdict
    assert all(np.array_equal(p, q) for p, q in zip(before, (*net.W, *net.b)))
    good = gradient_check(net, [[0.7]], [[1.0]])
    assert good.max_error < 1e-6 and good.verdict.startswith("Backprop is right")


def test_a_big_network_gets_an_even_spread_of_checks_over_every_layer():
    """The check costs two forward passes per parameter: above the work cap it checks a spread (at least one
    entry of every W and b), says so, and stays right; below it, every trained parameter."""
    spec = NetworkSpec((2, 300, 300, 2), ("tanh", "tanh", "linear"), "half_sse", "sum", "learned")
    net = Network.initialise(spec)
    check = gradient_check(net, [[0.3, -0.2]], [[1.0, 0.0]])
    assert check.total == spec.n_params == 91_802
    assert MIN_CHECKED <= len(check.names) <= MAX_CHECK_WORK // spec.n_params + 6
    assert {name.split("[")[0] for name in check.names} == {"W1", "W2", "W3", "b1", "b2", "b3"}
    assert len(set(check.names)) == len(check.names)
    assert check.max_error < SUSPECT  # tiny gradients of a big tanh net: finite differences' noise, not a kink
    assert check.coverage.startswith(f"{len(check.names):,} of the 91,802 trained parameters checked")
    small = gradient_check(Network.initialise(spec.replace(layers=(2, 30, 30, 2))), [[0.3, -0.2]], [[1.0, 0.0]])
    assert len(small.names) == small.total == 1_082 and small.coverage == "all 1,082 trained parameters checked"
