"""The verdict on a finished or stopped run, on a case that produces each kind: learned, stalled, rose and no
better than chance (three causes, three suggestions), as the Train page shows it."""

import pytest
from conftest import open_app

from bpviz import get_preset, split
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
    (("circles", 30, 300, None), "rose", "Try a learning rate a third as large (η = 10)"),
    (("digits", 100, 20, None), "chance", "a rate as high as η = 100 pushes the units into saturation"),
    (("spiral", 3, 200, None), "chance", "The loss went up on the way: the rate is too high"),
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


def test_no_verdict_while_running_or_after_a_divergence():
    run = trained("circles", 0.5, 10, None)
    run.go(1000)
    assert verdict(run) is None  # running again
    diverged = trained("circles", 1e6, 50, None)
    assert diverged.divergence is not None and verdict(diverged) is None  # its own message says what happened


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
