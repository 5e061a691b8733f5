"""The update rules and weight penalties without PyTorch: each rule's first steps written out by hand, the
penalty's gradient against central differences of the penalised loss, the state a step hands back, the
settings' ranges, and training quality through the Train page's own path (``Run``). The same steps against
``torch.optim`` are in tests/test_torch_oracle.py."""

import numpy as np
import pytest

from bpviz import BpvizError, Network, NetworkSpec, backprop, batch_loss, get_preset, make_dataset, split
from bpviz.engine import optimisers
from bpviz.engine.network import packed
from bpviz.engine.optimisers import NO_PENALTY, RULES, SGD, Optimiser, Penalty, State
from bpviz.runs.run import Run


def small_net(bias: str = "learned") -> Network:
    rng = np.random.default_rng(4)
    spec = NetworkSpec((3, 4, 2), ("tanh", "sigmoid"), "half_sse", "mean", bias, "xavier", 0, 0.3)
    b = [rng.normal(0, 0.5, r) if bias != "none" else np.zeros(r) for r, _ in spec.shapes]
    return Network.from_arrays(spec, [rng.normal(0, 0.7, s) for s in spec.shapes], b)


X = np.array([[0.5, -1.0, 0.25], [1.5, 0.5, -0.75]])
Y = np.array([[0.0, 1.0], [1.0, 0.0]])


def first_step(opt: Optimiser, g: np.ndarray, lr: float) -> np.ndarray:
    """The change of θ at the first step of ``opt``, every buffer at 0, written out from the textbook formulas."""
    return {
        "sgd": -lr * g,
        "momentum": -lr * g,
        "nesterov": -(1 + opt.momentum) * lr * g,
        "adagrad": -lr * g / (np.abs(g) + opt.eps),
        "rmsprop": -lr * g / (np.sqrt(1 - opt.rho) * np.abs(g) + opt.eps),
        "adam": -lr * g / (np.abs(g) + opt.eps),
    }[opt.name]


@pytest.mark.parametrize("name", RULES)
def test_the_first_step_of_every_rule_is_its_textbook_formula(name):
    net = small_net()
    opt = Optimiser(name, momentum=0.7, rho=0.9, eps=1e-6)
    t = backprop(net, X, Y)
    after, state = optimisers.step(net, t.grad_W, t.grad_b, optimiser=opt)
    g = np.concatenate([np.ravel(v) for v in (*t.grad_W, *t.grad_b)])
    np.testing.assert_allclose(after.flat() - net.flat(), first_step(opt, g, 0.3), rtol=1e-12, atol=1e-15)
    assert state.t == 1 and set(state.buffers) == set(RULES[name].buffers)


def test_momentum_remembers_and_nesterov_looks_ahead():
    """Second steps on a fixed gradient g: momentum moves −η(1 + μ)g, Nesterov −η(1 + μ + μ²)g."""
    theta, g = np.zeros(3), np.array([1.0, -2.0, 0.5])
    for name, second in (("momentum", 1 + 0.5), ("nesterov", 1 + 0.5 + 0.25)):
        opt, state, x = Optimiser(name, momentum=0.5), State.fresh(Optimiser(name), 3), theta.copy()
        optimisers.apply(opt, x, g, state, 0.1)
        before = x.copy()
        optimisers.apply(opt, x, g, state, 0.1)
        np.testing.assert_allclose(x - before, -0.1 * second * g, rtol=1e-14)


def test_adam_corrects_its_bias_so_a_steady_gradient_steps_about_eta():
    """With a constant gradient, m̂ = g and v̂ = g² at every step: each step is η·sign(g), early and late."""
    x, g, opt = np.zeros(2), np.array([3.0, -0.02]), Optimiser("adam", eps=1e-12)
    state = State.fresh(opt, 2)
    for _ in range(50):
        before = x.copy()
        optimisers.apply(opt, x, g, state, 0.01)
        np.testing.assert_allclose(x - before, -0.01 * np.sign(g), rtol=1e-9)


@pytest.mark.parametrize("kind", ["l1", "l2"])
@pytest.mark.parametrize("bias", ["learned", "frozen"])
def test_the_penalty_gradient_is_the_slope_of_the_penalised_loss(kind, bias):
    """(L(w + h) − L(w − h)) / 2h of L = data loss + Ω, entry by entry, against δ·a + ∂Ω/∂w as a step uses it
    (read back from a plain SGD step: θ⁺ = θ − η·g); biases feel no penalty."""
    net, penalty, h = small_net(bias), Penalty(kind, 0.2), 1e-6
    t = backprop(net, X, Y)
    after, _ = optimisers.step(net, t.grad_W, t.grad_b, 1.0, SGD, None, penalty)
    used = net.flat() - after.flat()
    theta = net.flat()

    def total(values):
        W, b = packed(net.spec, values)
        other = Network(net.spec, W, b)
        return batch_loss(other, X, Y) + penalty.value(other.W)

    numeric = np.array([total(theta + h * e) - total(theta - h * e) for e in np.eye(theta.size)]) / (2 * h)
    n = net.n_trainable()
    np.testing.assert_allclose(used[:n], numeric[:n], rtol=1e-6, atol=1e-8)
    weights_only = np.concatenate([np.ravel(v) for v in (*t.grad_W, *t.grad_b)])[net.n_weights() : n]
    np.testing.assert_allclose(used[net.n_weights() : n], weights_only, rtol=1e-12)  # no λ·b term


def test_a_step_leaves_the_state_it_was_given_for_undo():
    net, opt = small_net(), Optimiser("adam")
    t = backprop(net, X, Y)
    _, first = optimisers.step(net, t.grad_W, t.grad_b, optimiser=opt)
    kept = first.copy()
    optimisers.step(net, t.grad_W, t.grad_b, optimiser=opt, state=first)
    assert first.t == kept.t == 1
    assert all(np.array_equal(first.buffers[k], kept.buffers[k]) for k in kept.buffers)


@pytest.mark.parametrize(
    "make, field, words",
    [
        (lambda: Optimiser("lbfgs"), "optimiser", "unknown optimiser 'lbfgs'; choose one of sgd, momentum"),
        (lambda: Optimiser("momentum", momentum=1.0), "momentum", "choose μ from 0 to 0.99"),
        (lambda: Optimiser("adam", beta2=float("nan")), "beta2", "is not a finite number"),
        (lambda: Optimiser("adam", eps=0.0), "eps", "choose ε from 1e-12 to 1"),
        (lambda: Optimiser("rmsprop", rho=True), "rho", "is not a finite number"),
        (lambda: Penalty("l3", 0.1), "regularisation", "unknown kind 'l3'"),
        (lambda: Penalty("l2", -0.1), "regularisation rate", "choose λ from 0 to 10"),
    ],
)
def test_bad_settings_name_their_field(make, field, words):
    with pytest.raises(BpvizError) as err:
        make()
    assert err.value.field == field and words in err.value.message


def test_a_penalty_at_rate_zero_or_none_changes_nothing():
    net = small_net()
    assert Penalty("l2", 0.0).value(net.W) == NO_PENALTY.value(net.W) == 0.0
    assert Optimiser("adam").describe() == "Adam (β₁ = 0.9, β₂ = 0.999, ε = 1e-08)"
    assert Penalty("l1", 0.01).describe() == "L1, λ = 0.01" and NO_PENALTY.describe() == "no regularisation"


# ---------------------------------------------------------------- a run (the Train page's path)


def preset_sets(key: str):
    preset = get_preset(key)
    d = preset.data
    ds = make_dataset(d.name, n=d.n, noise=d.noise, seed=preset.spec.seed, classes=d.classes)
    return preset, *split(ds, d.test_fraction, preset.spec.seed)


def trained(run: Run, epochs: int) -> Run:
    run.go(epochs)
    while run.running:
        run.step(10.0)
    return run


def test_a_run_keeps_the_state_for_new_hyper_parameters_and_starts_afresh_for_a_new_rule():
    preset, train, test = preset_sets("circles")
    run = trained(Run(preset.network(), train, test, 16, 0.01, Optimiser("adam")), 3)
    t = run.trainer.state.t
    run.configure(16, 0.01, Optimiser("adam", beta1=0.8))
    assert run.trainer.state.t == t and run.trainer.optimiser.beta1 == 0.8
    run.configure(16, 0.01, Optimiser("rmsprop"))
    assert run.trainer.state.t == 0 and set(run.trainer.state.buffers) == {"s"}


def test_the_penalty_is_reported_beside_the_data_loss():
    preset, train, test = preset_sets("circles")
    run = trained(Run(preset.network(), train, test, 16, 0.5, preset.train.optimiser, Penalty("l2", 0.01)), 5)
    last = run.history[-1]
    assert last.penalty == pytest.approx(0.005 * sum(float(np.sum(w * w)) for w in run.net.W), rel=1e-12)
    assert last.total_loss == last.train_loss + last.penalty and last.penalty > 0


def test_l2_keeps_the_weights_smaller():
    preset, train, test = preset_sets("circles")
    plain = trained(Run(preset.network(), train, test, 16, 0.5, preset.train.optimiser), 60)
    decayed = trained(Run(preset.network(), train, test, 16, 0.5, preset.train.optimiser, Penalty("l2", 0.01)), 60)
    size = lambda run: sum(float(np.sum(w * w)) for w in run.net.W)  # noqa: E731
    assert size(decayed) < 0.8 * size(plain)


@pytest.mark.slow
def test_spiral_reaches_95_percent_with_adam():
    """The spiral preset 2-16-16-3 with Adam at η = 0.01 (mini-batches of 16), trained as the page trains."""
    preset, train, test = preset_sets("spiral")
    run = trained(Run(preset.network(), train, test, 16, 0.01, Optimiser("adam")), 300)
    assert run.history[-1].test_accuracy >= 0.95, run.history[-1]
