"""Every named quantity of the engine against PyTorch float64 autograd, to 1e-9.

z, a, the per-sample and reduced loss, delta = dL/dz of the reduced batch loss (``retain_grad`` on z),
grad_W, grad_b, and the parameters after several steps of every optimiser, with and without a weight penalty
(``bpviz.engine.optimisers.step`` against ``torch.optim``: SGD with and without momentum and Nesterov, RMSprop,
Adam, Adagrad) for every activation/loss pair the spec accepts, both reductions and every
bias mode. Skipped without torch, unless BPVIZ_REQUIRE_TORCH=1, when a missing torch fails.
"""

import numpy as np
import pytest
from conftest import accepted_output_losses, require

from bpviz import Network, NetworkSpec, backprop, get_preset
from bpviz.engine import optimisers
from bpviz.engine.activations import ACTIVATIONS, LEAKY_SLOPE
from bpviz.engine.losses import REDUCTIONS
from bpviz.engine.optimisers import NO_PENALTY, PENALTIES, RULES, SGD, Optimiser, Penalty
from bpviz.engine.spec import BIAS_MODES

if require("BPVIZ_REQUIRE_TORCH"):
    import torch  # CI demands the oracle: a missing torch is an error, not a skip
else:
    torch = pytest.importorskip("torch")

RTOL = 1e-9
ATOL = 1e-12
HIDDEN = [name for name, act in ACTIVATIONS.items() if not act.output_only]


PAIRS = accepted_output_losses()


def agree(quantity: str, layer: int | None, engine, oracle) -> None:
    """Engine vs torch within RTOL (ATOL near 0); on failure name the quantity and layer and show both."""
    engine = np.asarray(engine, dtype=float)
    oracle = oracle.detach().numpy() if isinstance(oracle, torch.Tensor) else np.asarray(oracle, dtype=float)
    where = quantity if layer is None else f"{quantity}[layer {layer}]"
    assert engine.shape == oracle.shape, f"{where}: engine shape {engine.shape}, torch shape {oracle.shape}"
    if not np.allclose(engine, oracle, rtol=RTOL, atol=ATOL):
        excess = np.abs(engine - oracle) - RTOL * np.abs(oracle)
        worst = tuple(int(i) for i in np.unravel_index(np.argmax(excess), engine.shape))
        full = {"precision": 17, "floatmode": "maxprec"}
        raise AssertionError(
            f"{where} differs (worst at {list(worst)}: engine {float(engine[worst])!r}, "
            f"torch {float(oracle[worst])!r})\n"
            f"engine:\n{np.array2string(engine, **full)}\ntorch:\n{np.array2string(oracle, **full)}"
        )


# ---------------------------------------------------------------- the network in torch


# The torch counterpart of each activation of the engine's registry, by name (a test that registers one more
# activation adds its counterpart here for its own duration).
TORCH_ACTIVATIONS = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda t: torch.nn.functional.leaky_relu(t, LEAKY_SLOPE),
    "linear": lambda t: t,
    "softmax": lambda t: torch.softmax(t, dim=1),
}


def torch_sample_losses(name: str, a, y):
    return {
        "half_sse": lambda: 0.5 * ((y - a) ** 2).sum(dim=1),
        "sse": lambda: ((y - a) ** 2).sum(dim=1),
        "mse": lambda: ((y - a) ** 2).mean(dim=1),
        "cross_entropy": lambda: -(y * torch.log(a)).sum(dim=1),
        "binary_cross_entropy": lambda: -(y * torch.log(a) + (1 - y) * torch.log(1 - a)).sum(dim=1),
    }[name]()


def torch_params(net: Network) -> list:
    """W1..WL, b1..bL as float64 leaf tensors that collect gradients."""
    return [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in (*net.W, *net.b)]


def torch_forward(spec: NetworkSpec, params: list, x, y):
    """(z, a, per-sample losses, reduced loss) in torch; every z keeps its gradient (delta)."""
    W, b = params[: spec.depth], params[spec.depth :]
    a = [torch.tensor(np.atleast_2d(np.asarray(x, dtype=float)), dtype=torch.float64)]
    z = []
    for k, name in enumerate(spec.activations):
        z.append(a[-1] @ W[k].T + b[k])
        z[-1].retain_grad()
        a.append(TORCH_ACTIVATIONS[name](z[-1]))
    per_sample = torch_sample_losses(spec.loss, a[-1], torch.tensor(np.atleast_2d(np.asarray(y, dtype=float))))
    return z, a, per_sample, per_sample.mean() if spec.reduction == "mean" else per_sample.sum()


def compare_trace(net: Network, x, y) -> None:
    t = backprop(net, x, y)
    params = torch_params(net)
    z, a, per_sample, loss = torch_forward(net.spec, params, x, y)
    loss.backward()
    L = net.spec.depth
    agree("loss", None, t.loss, loss)
    agree("sample_losses", None, t.sample_losses, per_sample)
    for k in range(L):
        agree("z", k + 1, t.z[k], z[k])
        agree("delta", k + 1, t.delta[k], z[k].grad)
        agree("grad_W", k + 1, t.grad_W[k], params[k].grad)
        agree("grad_b", k + 1, t.grad_b[k], params[L + k].grad)
    for k in range(L + 1):
        agree("a", k, t.a[k], a[k])


def torch_optimiser(opt: Optimiser, groups: list, lr: float):
    """The ``torch.optim`` counterpart of ``opt`` over parameter ``groups`` (dicts with "params")."""
    return {
        "sgd": lambda: torch.optim.SGD(groups, lr),
        "momentum": lambda: torch.optim.SGD(groups, lr, momentum=opt.momentum),
        "nesterov": lambda: torch.optim.SGD(groups, lr, momentum=opt.momentum, nesterov=True),
        "rmsprop": lambda: torch.optim.RMSprop(groups, lr, alpha=opt.rho, eps=opt.eps),
        "adam": lambda: torch.optim.Adam(groups, lr, betas=(opt.beta1, opt.beta2), eps=opt.eps),
        "adagrad": lambda: torch.optim.Adagrad(groups, lr, eps=opt.eps),
    }[opt.name]()


def compare_steps(net: Network, x, y, optimiser: Optimiser, steps: int, penalty: Penalty = NO_PENALTY) -> None:
    """``steps`` steps on one batch: the engine's ``optimisers.step`` (its state carried from step to step) vs
    ``torch.optim``, parameters after each. A penalty goes to torch as an explicit term of the loss (L1), or as
    the optimiser's weight decay on the weights' group (L2: torch adds λ·w to the gradient, as the engine does).

    Only learned biases go to the optimiser; frozen and absent ones must stay where they are in both.
    """
    spec = net.spec
    params = torch_params(net)
    weights, biases = params[: spec.depth], params[spec.depth :]
    decay = penalty.rate if penalty.kind == "l2" else 0.0
    groups = [{"params": weights, "weight_decay": decay}]
    if spec.bias == "learned":
        groups.append({"params": biases, "weight_decay": 0.0})
    opt = torch_optimiser(optimiser, groups, spec.learning_rate)
    state = None
    for step in range(1, steps + 1):
        t = backprop(net, x, y)
        net, state = optimisers.step(net, t.grad_W, t.grad_b, optimiser=optimiser, state=state, penalty=penalty)
        opt.zero_grad()
        loss = torch_forward(spec, params, x, y)[-1]
        if penalty.kind == "l1":
            loss = loss + penalty.rate * sum(w.abs().sum() for w in weights)
        loss.backward()
        opt.step()
        for k in range(spec.depth):
            agree(f"W after {optimiser.name} step {step}", k + 1, net.W[k], params[k])
            agree(f"b after {optimiser.name} step {step}", k + 1, net.b[k], params[spec.depth + k])


def test_the_penalty_of_the_loss_is_the_engines():
    """Ω itself against torch: (λ/2)·Σw² and λ·Σ|w| over the weights only."""
    net, _, _ = case(3, "sigmoid", "sse", "mean", "learned")
    weights = torch_params(net)[: net.spec.depth]
    agree("L2 penalty", None, Penalty("l2", 0.3).value(net.W), 0.15 * sum((w**2).sum() for w in weights))
    agree("L1 penalty", None, Penalty("l1", 0.3).value(net.W), 0.3 * sum(w.abs().sum() for w in weights))


# ---------------------------------------------------------------- cases


def case(seed: int, output: str, loss: str, reduction: str, bias: str, learning_rate: float = 0.1, hidden=None):
    """A 3-4-3-3 net with two ``hidden`` activations (by default two different random ones), random parameters
    and a batch of 4."""
    rng = np.random.default_rng(seed)
    n_out = 3
    if hidden is None:
        hidden = rng.choice(HIDDEN, 2, replace=False)
    spec = NetworkSpec((3, 4, 3, n_out), (*hidden, output), loss, reduction, bias, "xavier", seed, learning_rate)
    W = [rng.normal(0.0, 0.8, s) for s in spec.shapes]
    b = [rng.normal(0.0, 0.5, r) if bias != "none" else np.zeros(r) for r, _ in spec.shapes]
    x = rng.normal(0.0, 1.0, (4, 3))
    if loss == "cross_entropy":
        y = np.eye(n_out)[rng.integers(0, n_out, 4)]
    elif loss == "binary_cross_entropy":
        y = rng.random((4, n_out))
    else:
        y = rng.normal(0.0, 1.0, (4, n_out))
    return Network.from_arrays(spec, W, b), x, y


@pytest.mark.parametrize("bias", BIAS_MODES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("output, loss", PAIRS)
def test_trace_matches_torch(output, loss, reduction, bias):
    for i in range(2):
        compare_trace(*case(100 * PAIRS.index((output, loss)) + i, output, loss, reduction, bias))


@pytest.mark.parametrize("momentum", [0.0, 0.9])
@pytest.mark.parametrize("bias", BIAS_MODES)
@pytest.mark.parametrize("output, loss", PAIRS)
def test_sgd_steps_match_torch_optim(output, loss, bias, momentum):
    optimiser = Optimiser("momentum", momentum=momentum) if momentum else SGD
    compare_steps(*case(PAIRS.index((output, loss)), output, loss, "mean", bias), optimiser, steps=3)


def random_optimiser(name: str, rng: np.random.Generator) -> Optimiser:
    """``name`` with hyper-parameters drawn away from their defaults (a rule that read another's would show)."""
    return Optimiser(
        name,
        momentum=float(rng.uniform(0.5, 0.95)),
        beta1=float(rng.uniform(0.6, 0.95)),
        beta2=float(rng.uniform(0.9, 0.999)),
        rho=float(rng.uniform(0.8, 0.99)),
        eps=float(10 ** rng.uniform(-8, -3)),
    )


@pytest.mark.parametrize("kind", PENALTIES)
@pytest.mark.parametrize("bias", BIAS_MODES)
@pytest.mark.parametrize("name", RULES)
def test_every_optimiser_and_penalty_matches_torch_optim(name, bias, kind):
    """Five steps of every rule, with every bias mode and penalty, on random nets and random hyper-parameters."""
    for i in range(2):
        seed = 1000 + 10 * list(RULES).index(name) + i
        rng = np.random.default_rng(seed)
        output, loss = PAIRS[seed % len(PAIRS)]
        penalty = Penalty(kind, float(rng.uniform(0.01, 0.2)) if kind != "none" else 0.0)
        compare_steps(*case(seed, output, loss, "mean", bias), random_optimiser(name, rng), steps=5, penalty=penalty)


def test_the_step_oracle_can_fail():
    """Adam read with another β₂ than torch's drifts past the tolerance within five steps."""
    net, x, y = case(5, "sigmoid", "sse", "mean", "learned")
    with pytest.raises(AssertionError, match="after adam step"):
        params = torch_params(net)
        opt = torch_optimiser(Optimiser("adam", beta2=0.99), [{"params": params}], net.spec.learning_rate)
        state = None
        for _ in range(5):
            t = backprop(net, x, y)
            net, state = optimisers.step(net, t.grad_W, t.grad_b, optimiser=Optimiser("adam"), state=state)
            opt.zero_grad()
            torch_forward(net.spec, params, x, y)[-1].backward()
            opt.step()
            agree("W after adam step", 1, net.W[0], params[0])


@pytest.mark.parametrize("hidden", HIDDEN)
def test_each_hidden_activation_in_a_deep_net(hidden):
    rng = np.random.default_rng(HIDDEN.index(hidden))
    spec = NetworkSpec((2, 5, 5, 5, 2), (hidden, hidden, hidden, "softmax"), "cross_entropy", "sum", "learned")
    net = Network.from_arrays(
        spec, [rng.normal(0, 0.9, s) for s in spec.shapes], [rng.normal(0, 0.5, r) for r, _ in spec.shapes]
    )
    compare_trace(net, rng.normal(size=(6, 2)), np.eye(2)[rng.integers(0, 2, 6)])


def test_every_activation_has_its_torch_counterpart():
    assert set(TORCH_ACTIVATIONS) == set(ACTIVATIONS)


def test_a_registered_activation_matches_torch(softplus, monkeypatch):
    """softplus, one entry in the registry (conftest.py), against torch's: in every layer and before softmax."""
    monkeypatch.setitem(TORCH_ACTIVATIONS, "softplus", torch.nn.functional.softplus)
    for seed, (hidden, output, loss) in enumerate(
        [
            (("softplus", "softplus"), "softplus", "sse"),
            (("softplus", "tanh"), "softmax", "cross_entropy"),
            (("relu", "softplus"), "sigmoid", "binary_cross_entropy"),
        ]
    ):
        for reduction in REDUCTIONS:
            compare_trace(*case(seed, output, loss, reduction, "learned", hidden=hidden))
        compare_steps(*case(seed, output, loss, "mean", "frozen", hidden=hidden), Optimiser("momentum"), steps=3)


def test_one_sample_as_a_vector():
    net = get_preset("worked").network()
    compare_trace(net, [0.05, 0.10], [[0.01, 0.99]])


def test_cross_entropy_targets_that_are_not_one_hot():
    """Soft targets, and targets that do not even sum to 1 (typed by hand on the Step page)."""
    net, x, _ = case(7, "softmax", "cross_entropy", "mean", "learned")
    compare_trace(net, x, [[0.2, 0.3, 0.5], [1.0, 1.0, 0.0], [0.0, 0.0, 0.0], [0.5, 0.0, 2.0]])


def test_the_oracle_can_fail():
    """A slip in one entry of one quantity is caught and named with both values."""
    net, x, y = case(1, "tanh", "sse", "sum", "learned")
    t = backprop(net, x, y)
    z, _, _, loss = torch_forward(net.spec, torch_params(net), x, y)
    loss.backward()
    slipped = t.delta[1].copy()
    slipped[2, 1] *= 1 + 1e-8
    with pytest.raises(AssertionError, match=r"delta\[layer 2\] differs \(worst at \[2, 1\]: engine .*, torch "):
        agree("delta", 2, slipped, z[1].grad)
