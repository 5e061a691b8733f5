"""Predict, then reveal: the check at the page's decimals, the session's quiz, what each stage asks and hides."""

import json
import re

import numpy as np
import pytest

from bpviz import chainrule as cr
from bpviz.chainrule.predict import chain_question, hidden_explanation
from bpviz.chainrule.predict import write as chain_write
from bpviz.figures.diagram import network_figure
from bpviz.figures.graph import graph_figure
from bpviz.lesson.equations import explain
from bpviz.lesson.names import Names
from bpviz.lesson.numbers import format_value
from bpviz.lesson.predict import MAX_ANSWERS, Question, Quiz, Score, hide, same_shown, shown_text, step_question
from bpviz.lesson.presets import get_preset
from bpviz.lesson.shown import stage_view
from bpviz.lesson.stages import walk


def fixed(decimals: int):
    return lambda v: f"{v:.{decimals}f}"


def four(v: float) -> str:
    return format_value(v, 4)


# ----------------------------------------------------------------------------- the check


@pytest.mark.parametrize(
    "guess, value, write, right",
    [
        (0.3775, 0.37754, four, True),
        (0.37749, 0.3775, four, True),  # both 0.3775
        (0.3774, 0.3775, four, False),
        (0.38, 0.3775, fixed(2), True),
        (-0.0001, 0.0, fixed(3), True),  # "-0.000" is "0.000"
        (0.0, -0.0004, fixed(3), True),
        (-0.0, 0.0, four, True),
        (-0.0006, 0.0, fixed(3), False),  # "-0.001"
        (1.2345e300, 1.2349e300, four, True),  # past BIG both read "1.23e+300"
        (1.24e300, 1.2349e300, four, False),
        (float("inf"), 1e308, four, False),  # a guess typed past float range (1e999) is inf
        (float("inf"), float("inf"), four, False),
        (float("nan"), float("nan"), four, False),
        (-12, -12.0, chain_write, True),  # the Chain rule page: "−12"
        (0.01799, 0.017986, chain_write, True),  # "0.018"
        (1e-5, 1.00004e-5, chain_write, True),  # "1e-05"
    ],
)
def test_right_when_both_are_written_alike_at_the_pages_decimals(guess, value, write, right):
    assert same_shown(guess, value, write) is right


def test_negative_zero_is_written_as_zero_and_other_negatives_keep_their_sign():
    assert shown_text(-0.0001, fixed(3)) == "0.000"
    assert shown_text(-1e-5, four) == "-1.00e-05"
    assert shown_text(-0.5, fixed(3)) == "-0.500"
    assert shown_text(float("-inf"), four) is None


# ----------------------------------------------------------------------------- the quiz


def question(key, value=1.5) -> Question:
    return Question(key, "q", "q = ?", "q = 1.5", value, "q", "value")


def test_answers_count_once_and_a_question_left_behind_counts_as_skipped():
    where = ("page", 1)
    quiz = Quiz().shown(question("a"), where, 1)
    assert quiz.hides(question("a"))
    quiz = quiz.answer(question("a"), 1.5, four)
    assert quiz.score == Score(right=1) and not quiz.hides(question("a"))
    assert quiz.answer(question("a"), 9.0, four).score == Score(right=1)  # the first answer stays
    quiz = quiz.shown(question("b"), where, 2).shown(question("c"), where, 3)  # Next without a prediction
    assert quiz.score == Score(right=1, skipped=1) and quiz.answer_of(question("b")).verdict == "skipped"
    quiz = quiz.shown(question("b"), where, 2)  # Back: answered (skipped), nothing more counted
    assert quiz.score.asked == 2 and quiz.pending is None
    quiz = quiz.shown(question("d"), where, 4).answer(question("d"), 0.0, four)
    assert quiz.score == Score(right=1, wrong=1, skipped=1)
    assert quiz.score.text() == "Score: 1 of 3 right (1 skipped)" and Score().text() == "No predictions yet"


def test_nothing_is_skipped_by_going_back_changing_the_lesson_or_rerunning():
    quiz = Quiz().shown(question("b"), ("page", 1), 2)
    assert quiz.shown(question("a"), ("page", 1), 1).score.asked == 0  # Back
    assert quiz.shown(question("b"), ("page", 1), 2).score.asked == 0  # a rerun of the same stage
    assert quiz.shown(question("x"), ("page", 2), 5).score.asked == 0  # another sample or expression
    assert quiz.shown(None, ("page", 1), 3).score.skipped == 1  # moved on to a stage that asks nothing


def test_the_session_keeps_a_bounded_number_of_answers():
    quiz = Quiz()
    for n in range(MAX_ANSWERS + 20):
        quiz = quiz.answer(question(n), 1.5, four)
    assert len(quiz.answers) == MAX_ANSWERS and quiz.score.right == MAX_ANSWERS + 20 and 0 not in quiz.answers


# ----------------------------------------------------------------------------- the Step page


@pytest.fixture(scope="module")
def worked():
    p = get_preset("worked")
    return walk(p.network(), list(p.published.x), list(p.published.y))


def test_each_stage_asks_the_value_it_computes_and_its_equation_yields_it(worked):
    names = Names(worked.net.spec)
    asked = [step_question(worked, i, ("node", 0, 0), 4, names) for i in range(len(worked.stages))]
    assert asked[0] is None  # the start computes nothing
    kinds = [q.quantity for q in asked[1:]]
    assert kinds == ["z", "a", "z", "a", "loss", "delta", "grad", "delta", "grad", "update"]
    assert asked[1].value == pytest.approx(0.3775) and asked[1].asks == "z of h1_1"  # net_h1 of the blog post
    assert asked[7].asks == "∂L/∂w of the weight h1_1 → ŷ1" and asked[10].asks == "the new w⁺ of the weight h1_1 → ŷ1"
    source = Names(worked.net.spec, get_preset("worked").naming)  # the tutorial's words, as its equations
    said = [step_question(worked, i, ("node", 0, 0), 4, source).asks for i in (1, 2, 5, 7, 10)]
    assert said == ["net_h1 (z of h1)", "out_h1 (a of h1)", "the loss E_total of this sample",
                    "∂E_total/∂w5 of the weight h1 → o1", "the new w5⁺ of the weight h1 → o1"]  # fmt: skip
    assert step_question(worked, 10, ("bias", 1, 0), 4, names).asks == "the new b⁺ of the bias of ŷ1"
    for i, q in enumerate(asked[1:], 1):
        assert q.formula.endswith(r"&= ?\end{aligned}") and format_value(q.value, 4) not in q.formula
        assert q.working.endswith(format_value(q.value, 4) + r"\end{aligned}"), (i, q.working)


def test_a_source_that_numbers_its_units_is_asked_in_its_own_words():
    p = get_preset("textbook")
    w = walk(p.network(), list(p.published.x), list(p.published.y))
    names = Names(w.net.spec, p.naming)
    asked = ((1, ("node", 1, 0)), (2, ("node", 1, 0)), (5, ("node", 2, 0)), (7, ("edge", 1, 0, 0)),
             (10, ("bias", 0, 1)))  # fmt: skip
    said = [step_question(w, i, shown, 4, names).asks for i, shown in asked]
    assert said == ["I_4 (z of unit 4)", "O_4 (a of unit 4)", "the loss E of this sample",
                    "∂E/∂w46 of the weight 4 → 6", "the new w05⁺ of the bias of 5"]  # fmt: skip


def test_the_selected_element_is_asked_when_the_stage_computes_it(worked):
    names = Names(worked.net.spec)
    grad = worked.stage_of("grad", 1)
    q = step_question(worked, grad, ("edge", 0, 1, 0), 4, names)
    assert q.element == ("edge", 0, 1, 0) and q.value == pytest.approx(worked.grad_W[0][1, 0])
    bias = step_question(worked, worked.stage_of("z", 2), ("bias", 1, 0), 4, names)  # a z stage: not the bias's
    assert bias.element == ("node", 2, 0) and bias.quantity == "z"
    eqs = explain(worked, grad, ("edge", 0, 1, 0), 4, names).equations
    assert [e.value for e in eqs if e.current] == [q.value]


def _node_text(fig) -> str:
    data = fig.to_plotly_json()["data"]
    return json.dumps([list(t.get("text")) for t in data if t.get("name") == "node text"], ensure_ascii=False)


def test_the_diagram_prints_a_question_mark_for_the_hidden_value_and_the_value_once_revealed(worked):
    names = Names(worked.net.spec)
    i = worked.stage_of("a", 1)
    q = step_question(worked, i, ("node", 1, 1), 4, names)
    view = hide(stage_view(worked, i), q)
    assert view.nodes[1][0].hidden.tolist() == [False, True] and view.nodes[0][0].hidden is None
    value = format_value(q.value, 4)
    shown = network_figure(worked.net, view=stage_view(worked, i), decimals=4, width=900)
    hidden = network_figure(worked.net, view=view, decimals=4, width=900)
    assert value in _node_text(shown) and value not in _node_text(hidden) and "?" in _node_text(hidden)
    everything = json.dumps(hidden.to_plotly_json(), default=lambda a: np.asarray(a).tolist(), ensure_ascii=False)
    assert value not in everything  # nor in a hover text or the description
    assert "to predict (?)" in hidden.layout.meta["legend"]


def test_a_hidden_gradient_edge_is_drawn_as_not_computed_and_labelled_with_a_question_mark(worked):
    names = Names(worked.net.spec)
    i = worked.stage_of("grad", 2)
    q = step_question(worked, i, ("edge", 1, 0, 1), 4, names)
    fig = network_figure(worked.net, view=hide(stage_view(worked, i), q), decimals=4, width=900)
    labels = [a["text"] for a in fig.to_plotly_json()["layout"]["annotations"] if a.get("name") == "edge label"]
    assert "∂L/∂w ?" in labels and format_value(q.value, 4) not in json.dumps(labels, ensure_ascii=False)
    assert any(s.name == "edges none" for s in fig.layout.shapes)  # dotted, as a value not computed yet
    assert "to predict (dotted, ?)" in fig.layout.meta["legend"]
    assert not any("NaN" in t for t in fig.layout.meta["legend"])


def test_an_update_hides_the_new_value_and_keeps_the_old_one(worked):
    names = Names(worked.net.spec)
    i = worked.stage_of("update", None)
    q = step_question(worked, i, ("edge", 1, 0, 0), 4, names)
    view = hide(stage_view(worked, i), q)
    w = view.edges[1][0]
    assert w.symbol == "w" and w.at((0, 0)) is None and w.at((0, 1)) == pytest.approx(worked.updated.W[1][0, 1])
    assert q.value == pytest.approx(0.35891648)  # the blog post's new w5


def test_the_loss_is_asked_but_not_on_the_diagram(worked):
    i = worked.stage_of("loss", 2)
    q = step_question(worked, i, ("node", 2, 0), 4, Names(worked.net.spec))
    view = stage_view(worked, i)
    assert q.quantity == "loss" and hide(view, q) is view


# ----------------------------------------------------------------------------- the Chain rule page


@pytest.mark.parametrize("key", list(cr.LIBRARY))
def test_every_forward_and_backward_stage_asks_its_value_and_hides_it(key):
    g = cr.LIBRARY[key]
    r = cr.evaluate(g)
    for index, stage in enumerate(cr.stages(g)):
        q = chain_question(g, r, index)
        if stage.phase not in ("forward", "backward") or stage.node == g.output and stage.phase == "backward":
            assert q is None
            continue
        want = r.values[stage.node] if stage.phase == "forward" else r.grads[stage.node]
        assert q.value == want and q.element == stage.node and q.formula.endswith(" = ?")
        assert q.working == cr.explain(g, r, stage).latex
        hidden = hidden_explanation(g, r, stage)
        assert hidden.headline.endswith("= ? (your prediction first)") and hidden.latex == q.formula
        label = f"{stage.node} = ?" if stage.phase == "forward" else f"∂{g.output}/∂{stage.node} = ?"
        said = rf"(?<![\w/]){re.escape(label)}"  # "den = ?", not "invden = ?"
        assert re.search(said, graph_figure(g, r, index, hide=True).layout.meta["alt"])
        assert not re.search(said, graph_figure(g, r, index).layout.meta["alt"])


def test_the_chain_check_uses_the_pages_own_writing():
    g = cr.LIBRARY["staged"]
    r = cr.evaluate(g)
    q = chain_question(g, r, 1)  # sigy = σ(−4) = 0.017986…
    assert q.asks == "the value of sigy" and chain_write(q.value) == "0.018"
    quiz = Quiz().answer(q, 0.018, chain_write)
    assert quiz.score == Score(right=1)
    assert Quiz().answer(q, 0.0179, chain_write).score == Score(wrong=1)
    assert np.isclose(q.value, 1 / (1 + np.exp(4)))
