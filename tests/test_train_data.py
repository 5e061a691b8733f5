"""The Train page's data controls in AppTest, as TensorFlow Playground has them: a Noise slider and a
Regenerate button for generated data. Either draws new data and keeps the network's weights (never its start,
never fresh ones); a run made on the old data is cleared and the notice says the run starts again from them."""

import numpy as np
from conftest import StepClock, open_app
from test_train_page import TICK_CLOCK, click, drive, open_train, run_of, same_weights

from bpviz.data.catalog import MAX_NOISE, NOISE_STEP
from webui import state
from webui import train as train_ui

CLEARED = "previous training run was cleared"  # the general words for a network or data changed elsewhere


def shared(at):
    return at.session_state[state.SHARED]


def notice(at) -> str:
    """The notice beside the Start button."""
    said = at.session_state[state.TRAIN].notice
    assert said is not None and said.text in [i.value for i in at.info], "the notice is not on the page"
    return said.text


def test_the_noise_slider_draws_new_data_and_keeps_the_network():
    at = open_train("circles")
    net, data = shared(at).net, shared(at).data
    slider = at.slider(key=train_ui.NOISE)
    assert (slider.value, slider.min, slider.max, slider.step) == (data.noise, 0.0, MAX_NOISE, NOISE_STEP)
    slider.set_value(0.3).run()
    assert not at.exception
    assert shared(at).data.noise == 0.3 and shared(at).data.draw == data.draw
    assert shared(at).net is net
    assert notice(at) == "New data drawn (draw 0, noise 0.3): the network keeps its weights; press Start to train " \
                         "them on it."  # fmt: skip
    click(at, train_ui.START)
    assert np.abs(run_of(at).trainer.train_set.X).max() > 1.2  # circles of radius 1 scattered by 0.3, not 0.08
    at.switch_page("pages/1_Design.py").run()
    assert at.number_input(key="design_noise").value == 0.3  # the Design page shows the same data


def test_regenerate_after_a_run_draws_a_fresh_sample_keeps_the_trained_network_and_clears_the_run():
    at = open_train("circles")
    start_net, noise = shared(at).net, shared(at).data.noise
    click(at, train_ui.START)
    drive(at)
    first = run_of(at)
    trained = shared(at).net
    assert same_weights(trained, first.net) and not same_weights(trained, start_net)
    click(at, train_ui.REGENERATE)
    assert not at.exception
    assert shared(at).data.draw == 1 and shared(at).data.noise == noise
    assert run_of(at) is None and at.session_state[state.TRAIN].comparison is None
    assert shared(at).net is trained  # not the run's start, not weights drawn anew
    assert notice(at) == "New data drawn (draw 1): the network keeps its weights; the run starts again from them " \
                         "— press Start."  # fmt: skip
    assert CLEARED not in " ".join(i.value for i in at.info)  # said once, in the user's terms
    assert any("draw 1" in c.value for c in at.caption)
    click(at, train_ui.START)
    second = run_of(at)
    assert same_weights(second.start_net, trained)
    assert second.trainer.train_set.X.shape == first.trainer.train_set.X.shape
    assert not np.array_equal(second.trainer.train_set.X, first.trainer.train_set.X)
    click(at, train_ui.REGENERATE)
    assert shared(at).data.draw == 2 and dict(at.query_params)["draw"] == "2"


def test_regenerate_while_training_keeps_the_weights_reached_so_far():
    at = open_train("circles")
    start_net = shared(at).net
    at.number_input(key=train_ui.EPOCHS).set_value(50_000).run()
    click(at, train_ui.START)  # its first tick
    run = run_of(at)
    assert run.running and run.epoch > 0
    reached = run.net
    click(at, train_ui.REGENERATE)
    assert run_of(at) is None and not run.running
    assert same_weights(shared(at).net, reached) and not same_weights(shared(at).net, start_net)
    assert "the run starts again from them" in notice(at)


def test_a_truth_table_cannot_be_regenerated_until_it_has_noise_and_fixed_data_has_no_controls():
    at = open_train("xor")  # exactly the 4 rows of the truth table
    assert at.button(key=train_ui.REGENERATE).disabled
    at.slider(key=train_ui.NOISE).set_value(0.1).run()
    assert not at.button(key=train_ui.REGENERATE).disabled
    click(at, train_ui.REGENERATE)
    assert shared(at).data.draw == 1 and not at.exception
    for preset in ("digits", "worked"):
        at = open_train(preset)
        assert not at.get("slider") or all(s.key != train_ui.NOISE for s in at.slider)
        assert all(b.key != train_ui.REGENERATE for b in at.button)


def test_a_link_with_a_draw_opens_that_draw():
    source = open_train("circles")
    click(source, train_ui.REGENERATE)
    click(source, train_ui.REGENERATE)
    params = dict(source.query_params)
    assert params["draw"] == "2"
    train_record = {state.TRAIN: state.Train(clock=StepClock(TICK_CLOCK))}
    at = open_app("pages/3_Train.py", params, home_first=True, **train_record)
    assert shared(at).data == shared(source).data
    click(at, train_ui.START)
    click(source, train_ui.START)
    assert np.array_equal(run_of(at).trainer.train_set.X, run_of(source).trainer.train_set.X)
