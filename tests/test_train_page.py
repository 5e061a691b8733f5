"""The Train page in AppTest: Start, Stop, Resume, Reset, divergence, the cap, the optimiser, the penalty, the
comparisons of rates and optimisers, settings in a share link.

AppTest has no timers, so the live fragment's ``run_every`` never fires; but every script run executes
the fragment body, whose first act is one training tick (``webui.train_actions.tick``). ``drive`` reruns
the page until the run stops, exactly the path a browser's timer takes.
"""

import json

import numpy as np
import pytest
from conftest import ROOT, StepClock, arrow_elements, chart_spec, open_app, shown_chart
from streamlit.testing.v1 import AppTest

from bpviz import Network, NetworkSpec, get_preset
from bpviz.data.catalog import DataSettings
from bpviz.engine.optimisers import Optimiser, Penalty
from bpviz.engine.training import TrainSettings
from bpviz.lesson.presets import MOMENTUM
from webui import live_chart, setup, state, viewport
from webui import train as train_ui
from webui import train_diagram as view

TICK_CLOCK = 0.001  # seconds the runs' clock moves a reading: a tick of 0.15 s trains about 150 report intervals


def open_train(preset: str | None = None, clock_step: float = TICK_CLOCK) -> AppTest:
    """The app opened on Home (so page links resolve), a preset loaded from the sidebar, then the Train page.
    Its runs read a clock that moves ``clock_step`` a reading, so a tick trains as far on any machine."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state[state.TRAIN] = state.Train(clock=StepClock(clock_step))
    at.run()
    if preset is not None:
        at.selectbox(key=setup.PRESET_MENU).select(preset).run()
    at.switch_page("pages/3_Train.py").run()
    assert not at.exception
    return at


def run_of(at):
    return at.session_state[state.TRAIN].run


def drive(at: AppTest, max_runs: int = 300) -> int:
    """Rerun the page (one tick each) until the run stops; returns the number of reruns."""
    n = 0
    while run_of(at) is not None and run_of(at).running:
        at.run()
        n += 1
        assert n < max_runs, "the run never stopped"
    assert not at.exception
    return n


def click(at: AppTest, key: str) -> AppTest:
    return at.button(key=key).click().run()


def same_weights(a, b) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a.W + a.b, b.W + b.b))


def progress_text(at: AppTest) -> str:
    return at.get("progress")[0].proto.text


def test_xor_start_stop_resume_reset_and_the_tutorial_result():
    at = open_train("xor")
    start_net = at.session_state[state.SHARED].net
    assert at.button(key=train_ui.STOP).disabled and at.button(key=train_ui.RESUME).disabled
    click(at, train_ui.START)
    run = run_of(at)
    assert run.running and run.epoch > 0  # the run after the click already trained one tick
    assert at.button(key=train_ui.START).disabled and not at.button(key=train_ui.STOP).disabled

    click(at, train_ui.STOP)
    stopped_at, version = run.epoch, at.session_state[state.SHARED].version
    assert not run.running and "Stopped" in progress_text(at)
    assert same_weights(at.session_state[state.SHARED].net, run.net)  # the trained net is shared with Design and Step
    at.run()
    assert run.epoch == stopped_at and at.session_state[state.SHARED].version == version
    assert run_of(at) is run  # the page's own share did not count as "changed elsewhere"

    click(at, train_ui.RESUME)
    assert run.running and run.epoch > stopped_at
    drive(at)
    assert run.epoch == 5000 and "Finished" in progress_text(at)
    last = run.history[-1]
    assert last.train_loss < 0.01  # ½ SSE summed over the four corners (the preset's reduction is "sum")
    assert last.train_accuracy == 1.0
    loss = shown_chart(at, train_ui.LOSS_CHART)
    assert loss["data"][0]["x"] == [p.epoch for p in run.history]  # one point per reported epoch
    assert loss["data"][0]["y"] == [p.train_loss for p in run.history]
    assert len(shown_chart(at, train_ui.ACCURACY_CHART)["data"][0]["x"]) == len(run.history)
    assert shown_chart(at, train_ui.DATA_CHART)["data"][0]["type"] == "heatmap"
    assert {m.label: m.value for m in at.metric}["Train loss"] == f"{last.train_loss:.4g}"
    assert same_weights(at.session_state[state.SHARED].net, run.net)

    click(at, train_ui.RESET)
    assert run_of(at) is None
    assert same_weights(at.session_state[state.SHARED].net, start_net)
    assert same_weights(at.session_state[state.SHARED].net, get_preset("xor").network())
    assert not at.exception


def test_digits_fast_settings_reach_96_percent_with_stop_and_resume():
    at = open_train("digits", clock_step=0.05)  # a tick trains about 3 epochs: Stop comes in mid-run
    click(at, train_ui.FAST_BUTTON)
    settings = at.session_state[state.SHARED].train
    assert (settings.batch_size, settings.optimiser) == (8, Optimiser("momentum", momentum=0.9))
    assert at.session_state[state.SHARED].net.spec.learning_rate == 0.5
    assert at.number_input(key=train_ui.LR).value == 0.5
    click(at, train_ui.START)
    run = run_of(at)
    click(at, train_ui.STOP)
    stopped_at = run.epoch
    assert 0 < stopped_at < 40 and at.get("download_button")
    click(at, train_ui.RESUME)
    drive(at)
    assert run.epoch == 40
    assert run.history[-1].test_accuracy >= 0.96
    assert len(shown_chart(at, train_ui.LOSS_CHART)["data"][0]["x"]) == 41
    report = at.dataframe[0].value
    assert list(report.index) == [str(d) for d in range(10)] + ["macro avg", "weighted avg"]
    assert report.loc["weighted avg", "support"] == len(run.test_set)
    assert {m.label: m.value for m in at.metric}["Test accuracy"] == f"{run.history[-1].test_accuracy:.1%}"

    click(at, train_ui.RESET)
    assert same_weights(at.session_state[state.SHARED].net, get_preset("digits").network())
    assert not at.exception


def test_a_diverging_rate_ends_with_a_clear_message_and_the_previous_network():
    at = open_train("xor")
    at.number_input(key=train_ui.LR).set_value(1e6).run()
    assert at.session_state[state.SHARED].net.spec.learning_rate == 1e6
    before = at.session_state[state.SHARED].net
    click(at, train_ui.START)
    drive(at)
    run = run_of(at)
    assert run.divergence is not None
    message = " ".join(e.value for e in at.error)
    assert f"Training diverged at epoch {run.divergence.epoch}" in message
    assert "η = 1e+06 is far above the rates that train networks like this with SGD (0.001 to 1)" in message
    assert "Diverged" in progress_text(at)
    shared = at.session_state[state.SHARED].net
    assert shared.is_finite() and same_weights(shared, run.net)
    if run.epoch == 0:
        assert same_weights(shared, before)
    spec = shown_chart(at, train_ui.LOSS_CHART)
    assert all(np.isfinite(spec["data"][0]["y"]))

    at.number_input(key=train_ui.LR).set_value(0.5).run()
    click(at, train_ui.RESUME)  # on from the last finite network with the lower rate
    assert run.divergence is None and run.running
    click(at, train_ui.STOP)
    assert not at.exception


def compared(at: AppTest, max_runs: int = 200) -> tuple:
    """Rerun the page (one tick each) until the comparison ends: (the comparison, its chart, the chart's
    curves in the legend)."""
    n = 0
    while at.session_state[state.TRAIN].comparison.running:
        at.run()
        n += 1
        assert n < max_runs, "the comparison never ended"
    spec = shown_chart(at, train_ui.COMPARE_CHART)
    return at.session_state[state.TRAIN].comparison, spec, [t for t in spec["data"] if t.get("showlegend") is not False]


def test_the_learning_rate_comparison_draws_one_curve_per_rate():
    at = open_train("xor")
    at.number_input(key=train_ui.EPOCHS).set_value(1000).run()
    at.text_input(key=train_ui.RATES).input("0.01, 0.1, 0.5, 2").run()
    click(at, train_ui.COMPARE)
    assert at.button(key=train_ui.START).disabled  # one job at a time
    comparison, spec, curves = compared(at)
    assert [t["name"].split(" ·")[0] for t in curves] == ["η = 0.01", "η = 0.1", "η = 0.5", "η = 2"]
    assert spec["layout"]["title"]["text"].startswith("Training loss by learning rate")
    for trace, run in zip(curves, comparison.runs.values()):
        assert trace["x"] == [p.epoch for p in run.history] and run.epoch == 1000
    final = [run.history[-1].train_loss for run in comparison.runs.values()]
    assert final[3] < final[2] < min(final[:2])  # on XOR's plateau a higher rate escapes sooner
    assert spec["layout"]["yaxis"]["type"] == "log"
    assert not at.exception


def test_the_optimiser_and_penalty_chosen_are_what_the_run_trains_with_and_what_the_loss_curve_shows():
    at = open_train("circles")
    at.selectbox(key=train_ui.OPTIMISER).select("adam").run()
    assert at.number_input(key=train_ui.HYPER_KEYS["beta1"]).value == 0.9  # Adam's own fields appear
    assert not [w for w in at.number_input if w.key == train_ui.HYPER_KEYS["momentum"]]
    at.number_input(key=train_ui.HYPER_KEYS["beta2"]).set_value(0.99).run()
    at.selectbox(key=train_ui.PENALTY).select("l2").run()
    at.number_input(key=train_ui.PENALTY_RATE).set_value(0.01).run()
    at.number_input(key=train_ui.LR).set_value(0.01).run()
    at.switch_page("app.py").run()
    at.switch_page("pages/3_Train.py").run()
    assert at.selectbox(key=train_ui.OPTIMISER).value == "adam"
    assert at.number_input(key=train_ui.HYPER_KEYS["beta2"]).value == 0.99
    said = "Update: Adam (β₁ = 0.9, β₂ = 0.99, ε = 1e-08), penalty: L2, λ = 0.01."
    assert said in " ".join(c.value for c in at.caption)
    at.number_input(key=train_ui.EPOCHS).set_value(20).run()
    click(at, train_ui.START)
    drive(at)
    run = run_of(at)
    assert run.trainer.optimiser == Optimiser("adam", beta2=0.99) and run.trainer.penalty == Penalty("l2", 0.01)
    assert run.trainer.state.t == 20 * -(-len(run.train_set) // run.trainer.batch_size)
    curves = [t["name"].split(" ·")[0] for t in shown_chart(at, train_ui.LOSS_CHART)["data"]]
    assert curves == ["train", "test", "train + penalty"]
    assert not at.exception


def test_the_optimiser_comparison_draws_one_curve_per_optimiser():
    at = open_train("circles")
    at.number_input(key=train_ui.EPOCHS).set_value(30).run()
    at.segmented_control(key=train_ui.COMPARE_WHAT).set_value("optimisers").run()
    at.text_input(key=train_ui.OPTIMISERS).input("sgd, momentum, nesterov, rmsprop, adam, adagrad").run()
    click(at, train_ui.COMPARE)
    comparison, spec, curves = compared(at)
    assert [t["name"].split(" ·")[0] for t in curves] == [
        "SGD, η = 0.5", "SGD with momentum, η = 0.5", "Nesterov momentum, η = 0.5",
        "RMSProp, η = 0.01", "Adam, η = 0.01", "Adagrad, η = 0.1",
    ]  # fmt: skip
    assert spec["layout"]["title"]["text"].startswith("Training loss by optimiser")
    starts = {run.history[0].train_loss for run in comparison.runs.values()}
    assert len(starts) == 1 and all(run.epoch == 30 for run in comparison.runs.values())  # the same start
    assert not at.exception


def test_bad_rates_are_refused_with_a_message_and_nothing_lost():
    at = open_train("xor")
    at.text_input(key=train_ui.RATES).input("0.1, fast").run()
    click(at, train_ui.COMPARE)
    assert "'fast' is not a number" in " ".join(e.value for e in at.error)
    assert at.session_state[state.TRAIN].comparison is None
    assert at.text_input(key=train_ui.RATES).value == "0.1, fast"


def test_the_work_cap_is_explained_when_hit():
    at = open_train("digits", clock_step=0.05)  # a tick of a few epochs: the test needs the run's target only
    at.number_input(key=train_ui.EPOCHS).set_value(100_000).run()
    click(at, train_ui.START)
    run = run_of(at)
    assert run.target == 267  # 10⁹ // (1,348 samples × 2,778 parameters)
    warning = " ".join(w.value for w in at.warning)
    assert "Capped at 267 of the 100,000 epochs" in warning and "Resume" in warning
    click(at, train_ui.RESET)
    assert not at.exception


def test_a_network_changed_elsewhere_clears_the_run():
    at = open_train("xor")
    click(at, train_ui.START)
    click(at, train_ui.STOP)
    at.selectbox(key=setup.PRESET_MENU).select("circles").run()
    assert run_of(at) is None
    assert "previous training run was cleared" in " ".join(i.value for i in at.info)
    assert not at.exception


@pytest.mark.parametrize(
    "key, value, stored",
    [
        (train_ui.EPOCHS, 123, lambda at: at.session_state[state.SHARED].train.epochs),
        (train_ui.BATCH, 3, lambda at: at.session_state[state.SHARED].train.batch_size),
    ],
)
def test_settings_survive_a_page_switch(key, value, stored):
    at = open_train("xor")
    at.number_input(key=key).set_value(value).run()
    assert stored(at) == value
    at.switch_page("app.py").run()
    at.switch_page("pages/3_Train.py").run()
    assert at.number_input(key=key).value == value


def test_regression_on_one_input_draws_the_fitted_curve_and_no_accuracy():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    spec = NetworkSpec((1, 8, 1), ("tanh", "linear"), "mse", "mean", seed=0, learning_rate=0.1)
    at.session_state[state.SHARED].net = Network.initialise(spec)
    at.session_state[state.SHARED].data = DataSettings("sine", n=80, noise=0.05, test_fraction=0.25)
    at.session_state[state.SHARED].train = TrainSettings(epochs=150, batch_size=8, optimiser=MOMENTUM)
    at.switch_page("pages/3_Train.py").run()
    click(at, train_ui.START)
    drive(at)
    run = run_of(at)
    assert run.history[-1].train_loss < 0.1 * run.history[0].train_loss
    fit = shown_chart(at, train_ui.DATA_CHART)
    assert [t["name"] for t in fit["data"]] == ["train", "test", "network ŷ(x)"]
    assert not [c for c in at.get("plotly_chart") if c.proto.id.endswith(train_ui.ACCURACY_CHART)]
    assert [m.label for m in at.metric] == ["Epoch", "Train loss", "Test loss"]
    assert len(at.dataframe) == 0  # no per-class report for regression
    assert not at.exception


def test_the_gradient_size_of_each_layer_is_drawn_as_it_trains():
    circles = get_preset("circles")
    spec = circles.network().spec.replace(layers=(2, 8, 8, 8, 8, 8, 1), activations=("sigmoid",) * 6)
    at = open_app("pages/3_Train.py", home_first=True, net=Network.initialise(spec), data=circles.data,
                  train=TrainSettings(epochs=40, batch_size=16))  # fmt: skip
    at.session_state[state.TRAIN] = state.Train(clock=StepClock(TICK_CLOCK))
    at.run()
    assert not [c for c in at.get("plotly_chart") if c.proto.id.endswith(train_ui.GRADIENT_CHART)]  # no run yet
    click(at, train_ui.START)
    drive(at)
    run = run_of(at)
    lines = shown_chart(at, train_ui.GRADIENT_CHART)["data"]
    assert [t["name"].split(" ·")[0] for t in lines] == [*(f"hidden {l} (W⁽{'¹²³⁴⁵'[l - 1]}⁾)" for l in range(1, 6)),
                                                         "output (W⁽⁶⁾)"]  # fmt: skip
    assert all(t["x"] == [p.epoch for p in run.history] for t in lines)
    assert [t["y"][0] for t in lines] == list(run.grad_sizes[0])
    assert lines[0]["y"][0] < lines[-1]["y"][0] / 10  # the deep sigmoid net's first layer hardly learns
    assert any("vanishing gradients" in c.value for c in at.caption)
    assert not at.exception


# -- the live diagram and the chosen neuron's map ----------------------------------------------------
def tiles(spec: dict) -> dict[str, str]:
    """The diagram's tile pictures by name ("tile l,i" -> its PNG data URI)."""
    return {image["name"]: image["source"] for image in spec["layout"].get("images", [])}


def test_the_diagram_is_drawn_before_a_run_and_follows_the_weights_after_each_tick():
    at = open_train("circles")
    before = shown_chart(at, view.DIAGRAM)
    assert before["layout"]["meta"]["figure"] == "network" and before["layout"]["meta"]["tiles"] == 24
    assert sorted(tiles(before)) == sorted(f"tile {k},{i}" for k, n in enumerate((2, 8, 1)) for i in range(n))
    click(at, train_ui.START)  # the run after the click trains one tick and draws what it made
    first = shown_chart(at, view.DIAGRAM)
    at.run()  # one more tick
    second = shown_chart(at, view.DIAGRAM)
    assert run_of(at).epoch > 0
    for earlier, later in ((before, first), (first, second)):
        changed = [name for name in tiles(later) if tiles(later)[name] != tiles(earlier)[name]]
        assert any(name.startswith("tile 1,") for name in changed) and "tile 2,0" in changed
        assert tiles(later)["tile 0,0"] == tiles(earlier)["tile 0,0"]  # x1 over the plane does not train
        assert edge_widths(later) != edge_widths(earlier)
    assert "Each tile" in " ".join(c.value for c in at.caption)
    assert not at.exception


LIVE_CHARTS = (train_ui.LOSS_CHART, train_ui.ACCURACY_CHART, train_ui.GRADIENT_CHART, train_ui.DATA_CHART,
               view.NEURON_CHART, view.DIAGRAM)  # fmt: skip


def own_specs(at: AppTest) -> dict[str, str]:
    """Each live chart's own figure, as Streamlit has it."""
    return {key: chart_spec(at, key) for key in LIVE_CHARTS}


def test_while_a_run_trains_the_charts_keep_their_figures_and_the_browser_is_handed_the_newest():
    """Every live chart is one element for the whole run (a new figure would be a new element, thrown away and
    drawn anew by the browser): its newest figure goes to its live-chart component instead, and the page
    draws the figure itself again once the run stops."""
    at = open_train("circles", clock_step=0.01)  # a tick trains about 15 of its 300 epochs
    click(at, train_ui.START)
    held = own_specs(at)
    at.run()
    assert own_specs(at) == held
    assert arrow_elements(at) == []  # the live charts' drawers load no Arrow (webui.page_script)
    assert all(json.loads(spec)["layout"]["datarevision"] == live_chart.HELD for spec in held.values())
    loss = shown_chart(at, train_ui.LOSS_CHART)
    assert loss["data"][0]["x"] == [p.epoch for p in run_of(at).history]  # the newest, not the held one
    assert len(loss["data"][0]["x"]) > len(json.loads(held[train_ui.LOSS_CHART])["data"][0]["x"])
    revisions = {key: shown_chart(at, key)["layout"]["datarevision"] for key in LIVE_CHARTS}
    at.run()
    assert all(shown_chart(at, key)["layout"]["datarevision"] != revisions[key] for key in LIVE_CHARTS)
    click(at, train_ui.STOP)
    assert not [c for c in at.get("component_instance") if f"-{live_chart.DRAWER}" in c.proto.id]
    stopped = shown_chart(at, train_ui.LOSS_CHART)
    assert stopped["data"][0]["x"] == [p.epoch for p in run_of(at).history] and "datarevision" not in stopped["layout"]
    assert not at.session_state[state.TRAIN].held
    assert not at.exception


def edge_widths(spec: dict) -> list:
    """(name, width, number of segments) of every edge line shape: which edges fall in which bin."""
    return [(s["name"], s["line"]["width"], s["path"].count("M"))
            for s in spec["layout"].get("shapes", []) if s["name"].startswith("edges")]  # fmt: skip


def test_the_chosen_neurons_map_is_drawn_large_from_the_menu_or_a_click():
    at = open_train("spiral")
    big = shown_chart(at, view.NEURON_CHART)
    assert big["layout"]["meta"]["neuron"] == [1, 0]  # the first hidden neuron until one is chosen
    assert at.selectbox(key=view.NEURON).value == (1, 0)
    at.selectbox(key=view.NEURON).select((2, 5)).run()
    assert shown_chart(at, view.NEURON_CHART)["layout"]["meta"]["neuron"] == [2, 5]
    assert shown_chart(at, view.NEURON_CHART)["layout"]["title"]["text"] == "h2_6 · hidden 2 · relu"
    ring = [t for t in shown_chart(at, view.DIAGRAM)["data"] if t.get("meta") == ["selected"]]
    assert len(ring) == 1 and ring[0]["marker"]["symbol"] == "square-open"
    at.session_state[state.TRAIN].selected = ("edge", 2, 1, 7)  # what a click on an edge into ŷ2 stores
    at.run()
    assert shown_chart(at, view.NEURON_CHART)["layout"]["meta"]["neuron"] == [3, 1]
    assert at.selectbox(key=view.NEURON).value == (3, 1)
    click(at, train_ui.START)
    at.run()
    assert shown_chart(at, view.NEURON_CHART)["layout"]["meta"]["neuron"] == [3, 1]  # kept while it trains
    assert not at.exception


def test_digits_get_the_live_diagram_without_maps():
    at = open_train("digits")
    click(at, train_ui.START)
    spec = shown_chart(at, view.DIAGRAM)
    assert not tiles(spec) and spec["layout"]["meta"]["drawn"][0][-1] == 63  # capped: the last input is drawn
    assert not [s for s in at.selectbox if s.key == view.NEURON]
    assert "Each tile" not in " ".join(c.value for c in at.caption)
    assert not at.exception


def test_presentation_puts_the_curves_and_the_diagram_in_the_window():
    circles = get_preset("circles")
    at = open_app("pages/3_Train.py", {"present": "1"}, net=circles.network(), data=circles.data, train=circles.train)
    at.session_state[state.TRAIN] = state.Train(clock=StepClock(TICK_CLOCK))  # ("train" names the settings above)
    at.run()  # the new record takes the current version, so the run Start makes is not dropped as stale
    click(at, train_ui.START)
    charts = [c.proto.id.rsplit("-", 1)[-1] for c in at.main.get("plotly_chart")]
    assert charts[:3] == [train_ui.LOSS_CHART, train_ui.ACCURACY_CHART, view.DIAGRAM]
    room = state.Viewport().height - view.PRESENTING_TOP - viewport.SPARE - view.PRESENTING_BOTTOM
    heights = {key: shown_chart(at, key)["layout"]["height"] for key in charts[:3]}
    assert heights == {train_ui.LOSS_CHART: (room - view.GAP) // 2, train_ui.ACCURACY_CHART: (room - view.GAP) // 2,
                       view.DIAGRAM: room}  # fmt: skip
    assert not at.title and not at.metric  # no page title, no metrics row: the window is for the lesson
    assert at.number_input(key=train_ui.EPOCHS)  # the settings are still there, under the fold
    normal = open_train("circles")
    assert normal.title and shown_chart(normal, view.DIAGRAM)["layout"]["height"] > 600
    assert not at.exception


def test_the_output_toggles_hide_the_test_points_and_flatten_the_regions():
    at = open_train("circles")
    assert any("(test)" in t["name"] for t in shown_chart(at, train_ui.DATA_CHART)["data"] if t["type"] == "scatter")
    at.toggle(key=train_ui.SHOW_TEST).set_value(False).run()
    shown = shown_chart(at, train_ui.DATA_CHART)["data"]
    assert not any("(test)" in t["name"] for t in shown if t["type"] == "scatter")
    at.toggle(key=train_ui.DISCRETE).set_value(True).run()
    heat = next(t for t in shown_chart(at, train_ui.DATA_CHART)["data"] if t["type"] == "heatmap")
    assert len({c for _, c in heat["colorscale"]}) == 2
    assert at.session_state[state.TRAIN].show_test is False and at.session_state[state.TRAIN].discrete is True
    assert not at.exception


def test_a_share_link_opened_fresh_restores_the_training_settings_and_starts_the_same_run():
    """Two new sessions open one link (then the Train page): its settings are in the fields, and Start
    trains the same run in both (every report equal), with the link's optimiser and penalty."""
    source = open_train("circles")
    source.selectbox(key=train_ui.OPTIMISER).select("nesterov").run()
    source.number_input(key=train_ui.HYPER_KEYS["momentum"]).set_value(0.8).run()
    source.selectbox(key=train_ui.PENALTY).select("l1").run()
    source.number_input(key=train_ui.PENALTY_RATE).set_value(0.002).run()
    source.number_input(key=train_ui.EPOCHS).set_value(12).run()
    params = dict(source.query_params)
    assert (params["opt"], params["mu"], params["reg"], params["lam"], params["ep"]) == (
        "nesterov", "0.8", "l1", "0.002", "12"
    )  # fmt: skip
    runs = []
    for _ in range(2):
        train_record = {state.TRAIN: state.Train(clock=StepClock(TICK_CLOCK))}
        at = open_app("pages/3_Train.py", params, home_first=True, **train_record)  # page links resolve
        assert at.selectbox(key=train_ui.OPTIMISER).value == "nesterov"
        assert at.number_input(key=train_ui.HYPER_KEYS["momentum"]).value == 0.8
        assert at.number_input(key=train_ui.PENALTY_RATE).value == 0.002
        click(at, train_ui.START)
        drive(at)
        runs.append(run_of(at))
    assert runs[0].trainer.optimiser == Optimiser("nesterov", momentum=0.8)
    assert runs[0].trainer.penalty == Penalty("l1", 0.002) and runs[0].epoch == 12
    assert runs[0].history == runs[1].history
