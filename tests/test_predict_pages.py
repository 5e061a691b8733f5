"""Predict, then reveal on the Chain rule and Step pages through Streamlit's AppTest: turned on by a share link
or the sidebar, a right and a wrong prediction, Next without one, the score."""

from conftest import StepClock, open_app

from bpviz.io.sharelink import Lesson, encode
from bpviz.lesson.presets import get_preset
from webui import autoplay, reveal, state
from webui import chain as chain_ui
from webui import step as step_ui

WORKED_222 = get_preset("worked")


def predict(at, guess: float):
    """Type ``guess`` into the prediction field and press Check."""
    at.number_input(key=reveal.GUESS).set_value(guess)
    at.button(key=reveal.CHECK).click().run()
    assert not at.exception
    return at


def click(at, key: str):
    at.button(key=key).click().run()
    assert not at.exception
    return at


def latex(at) -> list[str]:
    return [element.value for element in at.latex]


def score(at) -> str:
    return next(c.value for c in at.caption if c.value.startswith(("Score", "No predictions")))


def test_chain_rule_link_turns_it_on_and_a_right_then_a_wrong_prediction_are_scored():
    at = open_app("pages/0_Chain_rule.py", {"reveal": "1"})
    assert at.toggle(key=reveal.TOGGLE).value is True and at.query_params["reveal"] == "1"
    assert not at.get("form")  # the start asks nothing
    click(at, chain_ui.NEXT)
    headline = "#### Stage 2 of 9 · Forward · node q: q = x + y = ? (your prediction first)"
    assert headline in [m.value for m in at.markdown]
    assert "$$\nq = x + y = ?\n$$" in latex(at) and at.table[0].value.loc["q", "value"] == "?"
    assert score(at) == "No predictions yet"
    predict(at, 3)
    assert [s.value for s in at.success] == ["Right: the value of q = 3."] and score(at) == "Score: 1 of 1 right"
    assert "$$\nq = x + y = (-2) + 5 = 3\n$$" in latex(at) and at.table[0].value.loc["q", "value"] == "3"
    click(at, chain_ui.NEXT)  # f = q·z
    predict(at, 12)
    assert [e.value for e in at.error] == ["Not quite: you said 12, and the value of f = −12. The working is in the "
                                          "equation."]  # fmt: skip
    assert "$$\nf = q \\cdot z = 3 \\cdot (-4) = -12\n$$" in latex(at) and score(at) == "Score: 1 of 2 right"
    click(at, chain_ui.NEXT)  # ∂f/∂f = 1 asks nothing
    click(at, chain_ui.NEXT)  # ∂f/∂q, then Next without a prediction
    click(at, chain_ui.NEXT)
    assert score(at) == "Score: 1 of 3 right (1 skipped)"
    click(at, chain_ui.BACK)
    assert [i.value for i in at.info] == ["Skipped: ∂f/∂q = −4."] and score(at) == "Score: 1 of 3 right (1 skipped)"


def test_chain_rule_is_as_it_was_with_the_mode_off():
    at = open_app("pages/0_Chain_rule.py")
    assert at.toggle(key=reveal.TOGGLE).value is False and "reveal" not in at.query_params
    click(at, chain_ui.NEXT)
    assert "$$\nq = x + y = (-2) + 5 = 3\n$$" in latex(at) and not at.get("form")


def test_step_with_reveal_from_a_share_link_hides_the_value_in_the_panel_and_tables():
    link = encode(Lesson(WORKED_222.network(), WORKED_222.data, reveal=True))
    at = open_app("pages/2_Step.py", link, **{step_ui.MORE: True})  # the tables open
    assert at.toggle(key=reveal.TOGGLE).value is True
    click(at, step_ui.NEXT)  # net_h1 = 0.3775 in the blog post, whose names the preset speaks
    panel = [t for t in latex(at) if r"\mathrm{net}_{h1}" in t]
    assert panel == ["$$\n\\begin{aligned}\\mathrm{net}_{h1} &= w_{1}\\, i_{1} + w_{2}\\, i_{2} + b_{1} \\\\ &= ?"
                     "\\end{aligned}\n$$"]  # fmt: skip
    assert any(m.value == "**Predict** net_h1 (z of h1)" for m in at.markdown)
    assert "0.3775" not in at.dataframe[0].value.to_string()  # the tables show the stage before
    predict(at, 0.37749)  # 0.3775 at 4 decimals
    assert [s.value for s in at.success] == ["Right: net_h1 (z of h1) = 0.3775."]
    assert any(t.endswith("&= 0.3775\\end{aligned}\n$$") for t in latex(at))
    click(at, step_ui.NEXT)  # out_h1 = 0.5933
    predict(at, 0.6)
    assert [e.value for e in at.error] == ["Not quite: you said 0.6000, and out_h1 (a of h1) = 0.5933. The working "
                                          "is in the equation."]  # fmt: skip
    assert score(at) == "Score: 1 of 2 right"


def test_step_toggle_from_the_sidebar_and_a_prediction_for_a_chosen_edge():
    at = open_app("pages/2_Step.py", encode(Lesson(WORKED_222.network(), WORKED_222.data, stage=6)))  # the output δ
    at.toggle(key=reveal.TOGGLE).set_value(True).run()
    assert at.query_params["reveal"] == "1"
    at.selectbox(key=step_ui.NEURON).select((2, 0)).run()
    at.selectbox(key=step_ui.ELEMENT).select(("edge", 1, 0, 0)).run()  # w5 of the blog post
    click(at, step_ui.NEXT)  # ∂L/∂W of the output layer; the output δ asked before was skipped
    assert any(m.value == "**Predict** ∂E_total/∂w5 of the weight h1 → o1" for m in at.markdown)
    predict(at, 0.0822)
    assert [s.value for s in at.success] == ["Right: ∂E_total/∂w5 of the weight h1 → o1 = 0.0822."]
    assert score(at) == "Score: 1 of 2 right (1 skipped)"


def test_step_gradient_check_waits_until_the_last_gradient_is_revealed():
    lesson = Lesson(WORKED_222.network(), WORKED_222.data, reveal=True, stage=9)  # stage 10: ∂L/∂W of hidden 1
    at = open_app("pages/2_Step.py", encode(lesson), **{step_ui.MORE: True, step_ui.TABS: "Gradient check"})
    waits = (
        "With Predict, then reveal on, the check waits until the last gradient is revealed (stage 10): it shows "
        "them all."
    )
    assert [c.value for c in at.caption if c.value.startswith("With Predict")] == [waits]
    assert step_ui.RUN_CHECK not in [b.key for b in at.button]
    predict(at, 0.0)  # wrong, but revealed: nothing is left to give away
    click(at, step_ui.RUN_CHECK)
    assert at.success[-1].value.startswith("Backprop is right") and len(at.main.dataframe) == 1
    click(at, step_ui.BACK)  # δ of hidden 1, before the last gradient: the result waits again
    assert [c.value for c in at.caption if c.value.startswith("With Predict")] == [waits]
    assert not at.main.dataframe and step_ui.RUN_CHECK not in [b.key for b in at.button]


def test_step_auto_play_waits_for_each_prediction_and_counts_no_skip():
    at = open_app("pages/2_Step.py", encode(Lesson(WORKED_222.network(), WORKED_222.data, reveal=True)))
    record = at.session_state[state.STEP]
    record.clock = StepClock(0.0)
    at.toggle(key=autoplay.PLAYING).set_value(True).run()
    record.clock = StepClock(record.pace)  # each reading a pace later: a run moves a stage unless it waits
    at.run()
    assert record.stage == 1 and record.playing  # z of h1 is asked: the play waits there
    at.run()
    assert record.stage == 1 and any(m.value == "**Predict** net_h1 (z of h1)" for m in at.markdown)
    predict(at, 0.3775)  # answered: the play goes on, to the next question
    assert record.stage == 2 and record.playing and score(at) == "Score: 1 of 1 right"
