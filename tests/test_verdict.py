"""The verdict on a finished, stopped or diverged run, on a case that produces each kind: diverged (a rate far
too high, huge inputs, high momentum), learned, stalled, rose and no better than chance (its causes and
suggestions), as the Train page shows it."""

from dataclasses import replace

import pytest
from conftest import open_app

from bpviz import Network, NetworkSpec, get_preset, split
from bpviz.data.catalog import make_dataset
from bpviz.engine.optimisers import SGD, Optimiser
from bpviz.runs.run import Run, with_rate
from bpviz.runs.verdict import verdict
from webui import state
from webui import train as train_ui

# (preset, learning rate, epochs, optimiser or None for the preset's): the kind and words of its verdict.
CASES = [
    (("circles", 0.5, 300, None), "learned", "It learned: the training loss fell from 0.7209 to"),
    (("xor", 0.5, 20, None), "stalled", "it may sit on a plateau"),
    (("circles", 3, 300, None), "rose", "each update overshot. Try η = 1, a third of it."),
    (("circles", 30, 300, None), "rose", "η = 30 is far above the rates that train networks like this with SGD with "
                                         "momentum (0.001 to 1): start from η = 0.1."),
    (("digits", 100, 20, None), "chance", "a rate as high as η = 100 pushes the units into saturation"),
    (("spiral", 3, 200, None), "chance", "The loss went up on the way: the rate is too high"),
    (("circles", 1e6, 50, None), "diverged", "Kept the starting network, the last one before it blew up. η = 1e+06 "
                                             "is far above the rates that train networks like this with SGD with "
                                             "momentum (0.001 to 1): start from η = 0.1."),
    (("spiral", 1000, 50, Optimiser("adam")), "chance", "The loss went up on the way: the rate is too high for this "
                                                         "network. η = 1000 is far above the rates that train networks "
                                                         "like this with Adam (0.0001 to 0.1): start from η = 0.01."),
    (("circles", 0.0001, 100, SGD), "chance", "η = 0.0001 is too small to move the weights in 100 epochs"),
]


def trained(name: str, rate: float, epochs: int, optimiser: Optimiser | None) -> Run:
    """A preset's network at ``rate`` trained ``epochs`` on its own data and split, as the Train page does."""
    p = get_preset(name)
    net, d = with_rate(p.network(), rate), p.data
    data = make_dataset(d.name, n=d.n, noise=d.noise, seed=net.spec.seed, classes=d.classes)
    train_set, test_set = split(data.for_outputs(net.spec.layers[-1]), d.test_fraction, net.spec.seed)
    run = Run(net, train_set, test_set, p.train.batch_size, rate, optimiser or p.train.optimiser)
    run.go(epochs)
    while run.running:
        run.step(60.0)
    return run


@pytest.mark.parametrize(("case", "kind", "words"), CASES, ids=[f"{c[0]}-{c[1]:g}-{k}" for c, k, _ in CASES])
def test_each_verdict_on_a_run_that_earns_it(case, kind, words):
    said = verdict(trained(*case))
    assert said.kind == kind and words in said.text, said.text


def test_chance_names_the_class_it_always_answers_and_the_chance_level():
    said = verdict(trained("digits", 100, 20, None))
    assert said.text.startswith(
        "No better than chance: 10.0% of the test samples right, where always answering the commonest class "
        "scores 10.2%. The network answers “5” for 100% of them."
    )


def test_no_verdict_while_running():
    run = trained("circles", 0.5, 10, None)
    run.go(1000)
    assert verdict(run) is None  # running again


def test_a_divergence_from_huge_inputs_says_to_scale_them_not_to_blame_the_rate():
    """The spiral's points times 300 (a CSV's raw columns can be that large): η = 0.1 blows up at once."""
    p = get_preset("spiral")
    d = p.data
    data = make_dataset(d.name, n=d.n, noise=d.noise, seed=0, classes=d.classes)
    train_set, test_set = split(replace(data, X=300 * data.X), d.test_fraction, 0)
    run = Run(p.network(), train_set, test_set, 16, 0.1)
    run.go(50)
    while run.running:
        run.step(60.0)
    said = verdict(run)
    assert said.kind == "diverged" and said.text.startswith(f"Training diverged at epoch {run.divergence.epoch}: ")
    assert "The inputs reach |x| = 299, so even a modest rate takes huge steps: scale each feature" in said.text


def test_a_divergence_under_high_momentum_names_the_momentum():
    """A 1-16-1 regression of the sine with μ = 0.99: the steps pile up."""
    train_set, test_set = split(make_dataset("sine", n=100, noise=0.05, seed=0), 0.2, 0)
    net = Network.initialise(NetworkSpec((1, 16, 1), ("tanh", "linear"), "mse", "mean", learning_rate=0.1))
    run = Run(net, train_set, test_set, 8, 0.1, Optimiser("momentum", momentum=0.99))
    run.go(200)
    while run.running:
        run.step(60.0)
    said = verdict(run)
    assert said.kind == "diverged"
    assert "Momentum μ = 0.99 keeps nearly every past step, so the steps pile up: try μ = 0.9, or η = 0.01." in (
        said.text
    )


def test_the_train_page_shows_a_divergence_as_its_verdict():
    p = get_preset("circles")
    at = open_app("pages/3_Train.py", home_first=True, net=with_rate(p.network(), 1e6), data=p.data, train=p.train)
    at.button(key=train_ui.START).click().run()
    while at.session_state[state.TRAIN].run.running:
        at.run()
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "start from η = 0.1" in errors[0] and "Training diverged at epoch 1" in errors[0]
    assert at.main.get("progress")[0].proto.text.startswith("**Diverged**")


def test_the_train_page_warns_when_a_run_ends_no_better_than_chance():
    p = get_preset("digits")
    net = with_rate(p.network(), 100)
    at = open_app("pages/3_Train.py", home_first=True, net=net, data=p.data, train=p.train)  # its links resolve
    at.number_input(key=train_ui.EPOCHS).set_value(20).run()
    at.button(key=train_ui.START).click().run()
    while at.session_state[state.TRAIN].run.running:
        at.run()
    assert not at.exception
    assert any("No better than chance" in w.value and "“5”" in w.value for w in at.warning)
    assert not at.success  # and no green verdict beside it
