"""The Step page in AppTest: stepping, Back, the equation panel, apply/undo, the gradient check, the classic numbers."""

import json

import numpy as np
import pytest
from conftest import ROOT, StepClock, arrow_elements, component_data, open_app, step_diagram
from streamlit.testing.v1 import AppTest

from bpviz import Network, NetworkSpec, backprop, get_preset, sgd_step
from bpviz.data.catalog import DataSettings
from bpviz.lesson.numbers import factor, number
from bpviz.lesson.scripts import SCRIPTS
from webui import autoplay, setup, state, step_sample
from webui import step as step_ui
from webui.stepper import KEYS

PAGE = str(ROOT / "pages" / "2_Step.py")


def open_page(net: Network, data: DataSettings, **extra) -> AppTest:
    return open_app(PAGE, net=net, data=data, **extra)


def net_232() -> Network:
    spec = NetworkSpec((2, 3, 2), ("tanh", "sigmoid"), "half_sse", "mean", "learned", "uniform", 5, 0.5)
    return Network.initialise(spec)


MOONS = DataSettings("moons", n=40, noise=0.1, test_fraction=0.0)


def worked() -> AppTest:
    preset = get_preset("worked")
    return open_page(preset.network(), preset.data, step=state.Step(decimals=9))


def stage(at) -> int:
    return at.session_state[state.STEP].stage


def page_text(at) -> list:
    """Everything the page shows except the sidebar: texts, equations and the diagram's figure."""
    main = at.main
    return (
        [m.value for m in main.markdown]
        + [x.value for x in main.latex]
        + [step_diagram(at)]
        + [p.proto.text for p in main.get("progress")]
    )


def latex(at) -> str:
    return "\n".join(x.value for x in at.main.latex)


def test_steps_through_every_stage_of_a_232_net_and_back_to_the_exact_previous_page():
    at = open_page(net_232(), MOONS)
    walk_once = at.session_state[state.STEP].walk
    seen = [page_text(at)]
    while not at.button(key=step_ui.NEXT).disabled:
        at.button(key=step_ui.NEXT).click().run()
        assert not at.exception, at.exception
        assert at.session_state[state.STEP].walk is walk_once  # a click re-slices, it never recomputes
        seen.append(page_text(at))
    assert stage(at) == 10 and len(seen) == 11
    assert len({json.dumps(s, default=str) for s in seen}) == 11  # every stage draws something new
    for index in range(9, -1, -1):
        at.button(key=step_ui.BACK).click().run()
        assert stage(at) == index
        assert page_text(at) == seen[index]
    assert at.button(key=step_ui.BACK).disabled


def test_digits_net_every_stage_no_exception():
    preset = get_preset("digits")
    at = open_page(preset.network(), preset.data, step=state.Step(sample=17))
    for _ in range(14):
        at.button(key=step_ui.NEXT).click().run()
        assert not at.exception, at.exception
        if stage(at) == 1:  # z of layer 1: the panel follows h1_1, whose sum has 64 terms, 8 shown
            assert r"\text{(56 more)}" in latex(at)
    assert stage(at) == 14 and "Update" in at.main.get("progress")[0].proto.text
    assert [type(e).__name__ for e in at.sidebar].count("Image") == 1  # the digit being stepped, as a picture


def test_the_stage_menu_jumps_and_the_clicker_buttons_step():
    at = open_page(net_232(), MOONS)
    at.selectbox(key=step_ui.JUMP).select(7).run()
    assert stage(at) == 7
    at.button(key=step_ui.CLICKER_NEXT).click().run()
    assert stage(at) == 8 and at.selectbox(key=step_ui.JUMP).value is None  # the menu only sends jumps
    at.button(key=step_ui.CLICKER_BACK).click().run()
    assert stage(at) == 7


def test_a_chosen_node_shows_its_equations_with_the_engines_numbers():
    net = net_232()
    at = open_page(net, MOONS, step=state.Step(sample=3))
    x, y = at.session_state[state.STEP].walk.value.x, at.session_state[state.STEP].walk.value.y
    t = backprop(net, x, y)
    at.selectbox(key=step_ui.NEURON).select((1, 2)).run()
    assert at.session_state[state.STEP].selected == ("node", 1, 2)
    assert "not computed yet at this stage" in " ".join(m.value for m in at.main.markdown)
    at.selectbox(key=step_ui.JUMP).select(2).run()  # a of layer 1
    text = latex(at)
    assert number(t.z[0][0, 2], 4) in text and number(t.a[1][0, 2], 4) in text
    assert number(t.delta[0][0, 2], 4) not in text
    at.selectbox(key=step_ui.JUMP).select(8).run()  # δ of layer 1: f'(z) times the weighted sum
    back = net.W[1][:, 2] @ t.delta[1][0]
    assert number(back, 4) in latex(at) and number(t.delta[0][0, 2], 4) in latex(at)
    at.selectbox(key=step_ui.ELEMENT).select(("edge", 0, 2, 1)).run()
    assert at.session_state[state.STEP].selected == ("edge", 0, 2, 1)
    at.selectbox(key=step_ui.JUMP).select(9).run()  # gradients of layer 1
    assert number(t.grad_W[0][2, 1], 4) in latex(at)
    assert rf"{factor(t.delta[0][0, 2], 4)} \cdot {factor(x[1], 4)}" in latex(at)


def test_apply_and_undo():
    net = net_232()
    at = open_page(net, MOONS)
    w = at.session_state[state.STEP].walk.value
    before = at.session_state[state.SHARED].version
    at.button(key=step_ui.APPLY).click().run()
    applied = at.session_state[state.SHARED].net
    expected = sgd_step(net, w.trace.grad_W, w.trace.grad_b)
    for got, want in zip(applied.W + applied.b, expected.W + expected.b):
        np.testing.assert_array_equal(got, want)
    assert at.session_state[state.SHARED].version == before + 1
    assert "Update applied" in at.success[0].value and number(w.loss_after, 4) in at.success[0].value
    assert at.session_state[state.STEP].walk.value.trace.loss == pytest.approx(w.loss_after)  # recomputed once
    at.button(key=step_ui.APPLY).click().run()
    at.button(key=step_ui.UNDO).click().run()
    at.button(key=step_ui.UNDO).click().run()
    restored = at.session_state[state.SHARED].net
    for got, want in zip(restored.W + restored.b, net.W + net.b):
        np.testing.assert_array_equal(got, want)
    assert at.button(key=step_ui.UNDO).disabled
    assert not at.exception


def test_undo_keeps_fewer_networks_of_a_big_network():
    """Undo's stack is bounded in parameters, not only in steps, so a shared server holds 32 MB a session at most."""
    assert state.undo_depth(2_746) == state.UNDO_DEPTH == 20  # the digits net: 20 steps back
    assert state.undo_depth(1_000_000) == 4
    assert state.undo_depth(10**7) == 1  # always the last update


def test_undo_is_refused_once_the_network_changed_elsewhere():
    at = open_page(net_232(), MOONS)
    at.button(key=step_ui.APPLY).click().run()
    assert not at.button(key=step_ui.UNDO).disabled
    at.session_state[state.SHARED].net = net_232()  # as the Design page would: a new network, a new version
    at.session_state[state.SHARED].version += 1
    at.run()
    assert at.button(key=step_ui.UNDO).disabled


def test_gradient_check_verdict():
    at = open_page(net_232(), MOONS, **{step_ui.MORE: True, step_ui.TABS: "Gradient check"})
    at.button(key=step_ui.RUN_CHECK).click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Backprop is right")
    frame = at.main.dataframe[0].value
    assert len(frame) == 2 * 3 + 3 * 2 + 3 + 2 and frame["relative error"].max() < 1e-6


def test_worked_numbers_at_their_stages():
    at = worked()
    at.selectbox(key=step_ui.JUMP).select(5).run()  # the loss
    at.selectbox(key=step_ui.NEURON).select((2, 0)).run()
    assert "0.298371109" in latex(at)
    at.selectbox(key=step_ui.JUMP).select(4).run()  # one stage earlier the loss is not known
    assert "0.298371109" not in latex(at)
    at.selectbox(key=step_ui.JUMP).select(7).run()  # gradients of the output layer
    at.selectbox(key=step_ui.ELEMENT).select(("edge", 1, 0, 0)).run()  # w5: h1 → o1
    assert "0.082167041" in latex(at) and "0.358916480" not in latex(at)
    at.selectbox(key=step_ui.JUMP).select(10).run()  # the update
    assert "0.358916480" in latex(at)
    assert [m.value for m in at.main.metric][:2] == ["0.298371109", "0.291027774"]
    at.selectbox(key=step_ui.NEURON).select((1, 0)).run()
    at.selectbox(key=step_ui.ELEMENT).select(("edge", 0, 0, 0)).run()  # w1
    assert "0.149780716" in latex(at)


def test_typed_sample_and_a_typo_keep_the_last_good_one():
    at = worked()
    at.segmented_control(key=step_sample.SOURCE).set_value("manual").run()
    assert at.text_input(key=step_sample.X).value == "0.05, 0.1"
    at.text_input(key=step_sample.X).input("0.5, 1").run()
    assert at.session_state[state.STEP].walk.value.x.tolist() == [0.5, 1.0]
    at.text_input(key=step_sample.X).input("0.5, oops").run()
    assert "'oops' is not a number" in at.error[0].value
    assert at.session_state[state.STEP].walk.value.x.tolist() == [0.5, 1.0]
    assert not at.exception


def test_a_dataset_that_does_not_fit_switches_to_typed_input():
    spec = NetworkSpec((3, 2, 1), ("sigmoid", "sigmoid"), init="uniform")
    at = open_page(Network.initialise(spec), get_preset("xor").data)  # xor has 2 inputs, the net 3
    assert "has 2 input(s) but this network has 3" in at.warning[0].value
    assert at.session_state[state.STEP].source == "manual"
    assert at.text_input(key=step_sample.X).value == "0, 0, 0"
    at.button(key=step_ui.NEXT).click().run()
    assert stage(at) == 1 and not at.exception


def test_worked_on_the_diagram_at_four_decimals():
    preset = get_preset("worked")
    at = open_page(preset.network(), preset.data)

    def diagram_at(index: int) -> str:
        at.selectbox(key=step_ui.JUMP).select(index).run()
        return step_diagram(at)

    assert "0.0822" not in diagram_at(6)  # the output delta: no weight gradient yet
    grads = diagram_at(7)
    assert "0.0822" in grads and "0.1385" in grads  # ∂E/∂w5 on its edge, δ of o1 on its node
    update = diagram_at(10)
    assert "0.3589" in update and "0.1498" in update  # w5⁺ and w1⁺


def test_the_panel_follows_the_stage_until_the_user_chooses():
    at = open_page(net_232(), MOONS)

    def title() -> str:
        return next(m.value for m in at.main.markdown if m.value.startswith("#### "))

    assert title().startswith("#### x1")
    at.selectbox(key=step_ui.JUMP).select(3).run()  # z of layer 2
    assert title().startswith("#### ŷ1")
    at.selectbox(key=step_ui.JUMP).select(7).run()  # gradients of layer 2
    assert title() == "#### Weight h1_1 → ŷ1"
    at.selectbox(key=step_ui.NEURON).select((1, 1)).run()
    at.button(key=step_ui.NEXT).click().run()
    assert title().startswith("#### h1_2") and at.session_state[state.STEP].selected == ("node", 1, 1)
    at.button(key=step_ui.FOLLOW).click().run()
    assert at.session_state[state.STEP].selected is None and title().startswith("#### h1_1")  # δ of layer 1


def test_after_apply_the_page_stays_on_the_update_it_applied_until_next():
    """The flash, the metrics and the diagram all speak of the update just applied (issue: the page had
    moved on to the next step's numbers); Next then starts the new step from the new weights."""
    preset = get_preset("worked")
    at = open_page(preset.network(), preset.data, step=state.Step(stage=4))
    before = at.session_state[state.STEP].walk.value
    at.button(key=step_ui.APPLY).click().run()
    record = at.session_state[state.STEP]
    assert record.applied is before and record.stage == 10
    banner = at.success[0].value
    assert "0.2984 to 0.2910" in banner and "Next starts a new step" in banner
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Loss on this sample before the update"] == "0.2984" and metrics["after the update"] == "0.2910"
    fig = json.loads(step_diagram(at))
    assert any(s["name"] == "changed edges" for s in fig["layout"]["shapes"])  # the edges the update moved are marked
    hover = next(t for t in fig["data"] if t.get("meta") == ["edge_hover"])["hovertext"]
    assert "w: h1_1 → ŷ1 = 0.4000 → 0.3589" in " ".join(hover)  # w5 before and after, not the next update
    labels = [a["text"] for a in fig["layout"]["annotations"] if a.get("name") == "edge label"]
    assert labels and all("→" in text for text in labels)
    table = at.dataframe[0].value
    assert table.loc["w⁽²⁾₁,₁", "before"] == 0.4 and table.loc["w⁽²⁾₁,₁", "after"] == pytest.approx(0.35891648)
    assert at.button(key=step_ui.NEXT).label.startswith("New step")
    at.button(key=step_ui.NEXT).click().run()
    record = at.session_state[state.STEP]
    assert record.applied is None and record.stage == 0
    assert record.walk.value.net.W[1][0, 0] == pytest.approx(0.35891648)
    assert not at.exception


def test_the_worked_example_speaks_its_tutorials_names_and_can_switch_them_off():
    at = open_app("app.py", home_first=False)
    at.selectbox(key=setup.PRESET_MENU).select("worked").run()
    at.switch_page("pages/2_Step.py").run()
    at.session_state[state.STEP].stage = 7
    at.run()
    text = latex(at)
    assert r"\frac{\partial E_{\mathrm{total}}}{\partial w_{5}}" in text and r"\mathrm{out}_{h1}" in text
    assert any("Weight w5: h1 → o1" in m.value for m in at.main.markdown)
    at.toggle(key=step_ui.TEXTBOOK).set_value(False).run()
    text = latex(at)
    assert "w_{5}" not in text and r"w^{(2)}_{1,1}" in text and "E_{" not in text
    assert not at.exception


def test_a_first_time_learner_can_open_the_guide_and_a_lecture_does_not_see_it():
    at = worked()
    guide = [m.value for m in at.main.markdown if "Not yet, or zero?" in m.value]
    assert len(guide) == 1 and "δ = ∂L/∂z" in guide[0] and "hollow circle" in guide[0]
    presenting = open_page(get_preset("worked").network(), get_preset("worked").data, query={"present": "1"})
    assert not [m for m in presenting.main.markdown if "Not yet, or zero?" in m.value]


def test_auto_play_advances_one_stage_a_pace_and_stops_at_the_last():
    at = worked()
    record = at.session_state[state.STEP]
    record.clock = StepClock(0.0)  # time stands still: nothing moves
    at.toggle(key=autoplay.PLAYING).set_value(True).run()
    assert record.playing and record.stage == 0
    record.clock = StepClock(record.pace)  # each reading a pace later: every run moves a stage
    at.run()
    n_stages = len(record.walk.value.stages)
    assert record.stage == n_stages - 1 and not record.playing  # played to the end, then stopped
    assert not at.toggle(key=autoplay.PLAYING).value
    assert not at.exception


def recorded_downloads(monkeypatch) -> dict:
    """{file id: (data callable, mime type, file name)} of every deferred download the page offers from now on,
    recorded as Streamlit registers them (AppTest runs no browser that could fetch them)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    made, register = {}, MediaFileManager.add_deferred

    def recording(self, data, mimetype, coordinates, file_name=None, **kwargs):
        file_id = register(self, data, mimetype, coordinates, file_name, **kwargs)
        made[file_id] = (data, mimetype, file_name)
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", recording)
    return made


def test_export_offers_the_step_as_markdown_and_as_a_numpy_and_a_pytorch_script(monkeypatch):
    made = recorded_downloads(monkeypatch)
    at = worked()
    at.button(key=step_ui.NEXT).click().run()  # the scripts hold the whole step whatever the stage
    shown = at.session_state[state.STEP].walk.value
    buttons = {b.key: b.proto for b in at.get("download_button")}
    assert buttons[step_ui.EXPORT].label == "Markdown with LaTeX (.md)"
    for library, title in (("numpy", "NumPy"), ("torch", "PyTorch")):
        proto = buttons[step_ui.EXPORT_SCRIPT[library]]
        data, mime, file_name = made[proto.deferred_file_id]
        assert proto.label == f"{title} script (.py)" and not proto.disabled
        assert data() == SCRIPTS[library](shown) and f"as a {title} script" in data()
        assert (mime, file_name) == ("text/x-python", f"bpviz-step-2-2-2-{library}.py")


def test_a_network_whose_activation_has_no_script_code_offers_no_script(softplus):
    spec = NetworkSpec((2, 3, 1), ("softplus", "sigmoid"), "half_sse", "mean", "learned", "uniform", 5, 0.5)
    at = open_page(Network.initialise(spec), get_preset("xor").data)
    buttons = {b.key: b.proto for b in at.get("download_button")}
    assert not buttons[step_ui.EXPORT].disabled
    for key in step_ui.EXPORT_SCRIPT.values():
        assert buttons[key].disabled and buttons[key].help == "No script code for softplus."


def test_the_chart_keeps_its_figure_while_the_browser_is_sent_the_stages_around_the_one_shown():
    at = open_page(net_232(), MOONS)
    spec = at.main.get("plotly_chart")[0].proto.spec
    assert set(component_data(at, KEYS)["frames"]) == {"0", "1", "2"}  # one behind (none), two ahead
    for index in (1, 2, 3):
        at.button(key=step_ui.NEXT).click().run()
        data = component_data(at, KEYS)
        assert data["stage"] == index and set(data["frames"]) == {str(i) for i in range(index - 1, index + 3)}
        assert json.loads(data["frames"][str(index)])["layout"]["datarevision"] == f"{data['set']}:{index}"
        assert at.main.get("plotly_chart")[0].proto.spec == spec  # Streamlit leaves the chart as it is
    at.selectbox(key=step_ui.NEURON).select((1, 1)).run()  # a new selection: a new set, drawn at stage 3
    data = component_data(at, KEYS)
    chart = json.loads(at.main.get("plotly_chart")[0].proto.spec)
    assert chart["layout"]["datarevision"] == f"{data['set']}:3" and data["frames"]["3"] == step_diagram(at)


def test_with_predict_then_reveal_no_stage_is_sent_ahead():
    at = open_page(net_232(), MOONS, **{state.REVEAL: state.Reveal(on=True)})
    at.button(key=step_ui.NEXT).click().run()
    assert component_data(at, KEYS)["frames"] == {}  # the value to predict is nowhere in the page
    chart = json.loads(at.main.get("plotly_chart")[0].proto.spec)
    assert chart["layout"]["datarevision"].endswith(":1")  # the chart is the stage's own figure


def test_the_step_page_loads_no_arrow_until_its_tables_are_opened():
    """Nothing the Step page shows at first makes the browser load Arrow, after which the diagram redraws more
    slowly (``webui.page_script``): its page scripts are v1 components and its tables wait in a closed
    section."""
    at = worked()
    at.button(key=step_ui.NEXT).click().run()
    assert arrow_elements(at) == [] and at.main.get("component_instance")
    at.session_state[step_ui.MORE] = True
    at.run()
    assert "dataframe" in arrow_elements(at)
