"""The Step page's update with the Train page's optimiser and weight penalty: the walk's numbers are the
engine's step, the equations write out each rule's buffers with this parameter's entries, the gradient check
checks the penalised loss, and Apply update carries the optimiser's state forward while Undo takes it back."""

import numpy as np
import pytest
from conftest import open_app

from bpviz import Network, NetworkSpec, backprop
from bpviz.data.catalog import DataSettings
from bpviz.engine import optimisers
from bpviz.engine.gradcheck import gradient_check
from bpviz.engine.network import flat_index
from bpviz.engine.optimisers import NO_PENALTY, RULES, Optimiser, Penalty
from bpviz.engine.training import TrainSettings
from bpviz.lesson.equations import explain, stage_latex
from bpviz.lesson.numbers import factor, number
from bpviz.lesson.stages import walk
from webui import state
from webui import step as step_ui

X, Y = [0.3, -0.8], [1.0, 0.0]
MOONS = DataSettings("moons", n=40, noise=0.1, test_fraction=0.0)


def net_232(bias: str = "learned") -> Network:
    return Network.initialise(NetworkSpec((2, 3, 2), ("tanh", "sigmoid"), "half_sse", "mean", bias, "uniform", 5, 0.5))


def equation(w, selected, quantity: str, decimals: int = 6) -> str:
    last = len(w.stages) - 1
    return next(e for e in explain(w, last, selected, decimals).equations if e.quantity == quantity).latex


@pytest.mark.parametrize("name", RULES)
def test_a_walk_takes_the_engines_step_and_its_update_equation_writes_out_the_rule(name):
    """Two walks, the second from the state the first left: W⁺ is ``optimisers.step``'s, and the edge's update
    shows its buffers' entries before and after and its new value, at the walk's decimals."""
    net, opt, penalty = net_232(), Optimiser(name, momentum=0.8), Penalty("l2", 0.01)
    first = walk(net, X, Y, opt, penalty)
    second = walk(first.updated, X, Y, opt, penalty, first.state_after)
    t = backprop(first.updated, X, Y)
    expected, state = optimisers.step(first.updated, t.grad_W, t.grad_b, None, opt, first.state_after, penalty)
    assert all(np.array_equal(a, b) for a, b in zip(second.updated.W, expected.W)) and state.t == second.state_after.t
    latex = equation(second, ("edge", 1, 0, 2), "update")
    assert number(second.updated.W[1][0, 2], 6) in latex
    at = flat_index(net.spec, "W", 1, 0, 2)
    lines = latex.removeprefix(r"\begin{aligned}").removesuffix(r"\end{aligned}").split(r" \\ ")
    for buffer, values in second.state_after.buffers.items():  # v_{w…} &= μ · v_before − η · g, then &= v_after
        row = next(i for i, line in enumerate(lines) if line.startswith(f"{buffer}_{{"))
        assert factor(first.state_after.buffers[buffer][at], 6) in lines[row]
        assert lines[row + 1].strip() == f"&= {number(values[at], 6)}"
    assert lines[-1] == f"&= {number(second.updated.W[1][0, 2], 6)}"
    if name == "adam":
        assert r"\hat m" in latex and "^{2}" in latex  # the bias correction at t = 2
    assert second.stages[-1].label.startswith("Update" if name == "sgd" else f"Update · {RULES[name].label}")


def test_the_gradient_with_a_penalty_is_data_plus_its_term_on_weights_only():
    net = net_232()
    for penalty, term in ((Penalty("l2", 0.1), r"+ \lambda"), (Penalty("l1", 0.1), r"\operatorname{sign}")):
        w = walk(net, X, Y, penalty=penalty)
        gW = w.trace.grad_W[0] + penalty.gradient(net.W[0])
        np.testing.assert_array_equal(w.grad_W[0], gW)
        latex = equation(w, ("edge", 0, 1, 0), "grad")
        assert term in latex and "+ 0.1 \\cdot" in latex and number(gW[1, 0], 6) in latex
        assert r"\lambda" not in equation(w, ("bias", 0, 1), "grad")  # biases are not penalised
        grad_stage = next(s for s in w.stages if s.kind == "grad")
        assert r"\lambda" in stage_latex(net.spec, grad_stage, None, w.optimiser, penalty)
        assert ("+ λW" if penalty.kind == "l2" else "+ λ·sign(W)") in grad_stage.label


@pytest.mark.parametrize("penalty", [Penalty("l2", 0.05), Penalty("l1", 0.05)])
def test_the_gradient_check_checks_the_penalised_loss(penalty):
    net = net_232()
    plain, checked = gradient_check(net, X, Y), gradient_check(net, X, Y, penalty=penalty)
    assert checked.max_error < 1e-6 and checked.verdict.startswith("Backprop is right")
    assert not np.allclose(plain.backprop, checked.backprop)  # the penalty's term is in what was checked
    wrong = gradient_check(net, X, Y, penalty=Penalty(penalty.kind, 2 * penalty.rate))
    assert not np.allclose(wrong.backprop, checked.backprop)


def test_apply_carries_the_optimisers_state_and_undo_takes_it_back():
    adam = TrainSettings(optimiser=Optimiser("adam"), penalty=Penalty("l2", 0.01))
    at = open_app("pages/2_Step.py", net=net_232(), data=MOONS, train=adam)
    first = at.session_state[state.STEP].walk.value
    assert first.state_before is None and first.optimiser == adam.optimiser
    at.button(key=step_ui.APPLY).click().run()
    assert "one Adam step, its state now at t = 1" in at.success[0].value
    at.button(key=step_ui.NEXT).click().run()  # a new step from the new weights and the carried state
    second = at.session_state[state.STEP].walk.value
    assert second.state_before.t == 1 and second.net is at.session_state[state.SHARED].net
    np.testing.assert_array_equal(second.state_before.buffers["m"], first.state_after.buffers["m"])
    at.button(key=step_ui.APPLY).click().run()
    assert at.session_state[state.STEP].carried.state.t == 2
    at.button(key=step_ui.UNDO).click().run()
    assert at.session_state[state.STEP].carried.state.t == 1
    assert all(np.array_equal(a, b) for a, b in zip(at.session_state[state.SHARED].net.W, first.updated.W))
    assert at.session_state[state.STEP].walk.value.state_before.t == 1  # the step shown again starts from it
    at.button(key=step_ui.UNDO).click().run()
    assert at.session_state[state.STEP].carried is None
    assert at.session_state[state.STEP].walk.value.state_before is None
    assert not at.exception


def test_another_rule_or_a_network_changed_elsewhere_starts_a_fresh_state():
    at = open_app("pages/2_Step.py", net=net_232(), data=MOONS, train=TrainSettings(optimiser=Optimiser("rmsprop")))
    at.button(key=step_ui.APPLY).click().run()
    at.session_state[state.SHARED].train = TrainSettings(optimiser=Optimiser("adagrad"))
    at.run()
    assert at.session_state[state.STEP].walk.value.state_before is None  # the RMSProp state is not Adagrad's
    at.session_state[state.SHARED].train = TrainSettings(optimiser=Optimiser("rmsprop"))
    at.run()
    assert at.session_state[state.STEP].walk.value.state_before.t == 1
    at.session_state[state.SHARED].net = net_232("frozen")  # as the Design page would: a new network
    at.session_state[state.SHARED].version += 1
    at.run()
    assert at.session_state[state.STEP].walk.value.state_before is None
    assert not at.exception


def test_plain_sgd_walks_stay_as_they_were():
    w = walk(net_232(), X, Y)
    assert (w.optimiser.name, w.penalty, w.state_after.t) == ("sgd", NO_PENALTY, 1)
    assert w.stages[-1].label == "Update: w⁺ = w − η·∂L/∂w"
