"""Presentation mode in AppTest: ``present=1`` or the sidebar toggle; the Step and Chain rule pages keep only
the lesson (diagram or graph, stage, equations, Back/Next and the clicker keys) drawn larger; a visible way
out on every page; the URL keeps ``present=1`` so a lecturer can bookmark it."""

import json

import pytest
from conftest import open_app
from streamlit.testing.v1 import AppTest

from bpviz.lesson.presets import PRESETS
from webui import chain as chain_ui
from webui import setup, state
from webui import step as step_ui
from webui.setup import pages

PAGE_FILES = [path for path, _, _ in pages()]
WORKED_222 = {"net": PRESETS["worked"].network(), "data": PRESETS["worked"].data}


def main_widgets(at: AppTest) -> set[str]:
    """Keys of the buttons and input widgets in the main area (the sidebar is collapsed)."""
    kinds = ("button", "selectbox", "slider", "number_input", "text_input", "toggle", "download_button")
    return {w.key for kind in kinds for w in at.main.get(kind)}


def font_size(at: AppTest) -> float:
    return json.loads(at.main.get("plotly_chart")[0].proto.spec)["layout"]["font"]["size"]


@pytest.mark.parametrize("page", PAGE_FILES)
def test_every_page_opens_in_presentation_mode_with_a_way_out(page):
    at = open_app(page, {"present": "1"})
    assert at.session_state[state.SHARED].present
    assert at.main.button(key=setup.PRESENT_EXIT).label == "Exit presentation"
    assert at.query_params["present"] == "1"


def test_step_shows_only_the_lesson_larger_and_steps_by_clicker():
    normal = open_app("pages/2_Step.py", **WORKED_222)
    at = open_app("pages/2_Step.py", {"present": "1"}, **WORKED_222)
    assert main_widgets(at) == {
        setup.PRESENT_EXIT,
        step_ui.BACK,
        step_ui.NEXT,
        step_ui.CLICKER_NEXT,
        step_ui.CLICKER_BACK,
    }
    assert normal.main.get("expander") and step_ui.APPLY in main_widgets(normal)  # the tables' section
    assert not at.main.get("expander") and not at.main.get("tab") and not at.main.get("metric")
    stage_line = at.main.markdown[0].value  # the navigation row says the stage: no progress bar, no heading
    assert stage_line.startswith("**Stage 1 of 11**") and not at.main.get("progress")
    assert at.main.latex and len(at.main.get("plotly_chart")) == 1
    assert font_size(at) >= 1.5 * font_size(normal)
    for _ in range(10):
        at.button(key=step_ui.CLICKER_NEXT).click().run()  # PageDown on a clicker
    assert at.session_state[state.STEP].stage == 10 and at.query_params["stage"] == "10"
    assert not at.main.get("metric")  # the update stage too: diagram, stage line and equations only
    panel = " ".join(m.value for m in at.main.markdown)
    assert "**Update w⁺ = w − η·∂L/∂w**" in panel and "computed in this stage" not in panel  # the box marks it
    assert "Gradient" not in panel  # one computation a slide: the earlier stages showed the gradient
    at.button(key=step_ui.BACK).click().run()  # Left
    assert at.session_state[state.STEP].stage == 9


def test_chain_rule_shows_only_the_graph_the_stage_and_back_next():
    at = open_app("pages/0_Chain_rule.py", {"present": "1"})
    assert main_widgets(at) == {
        setup.PRESENT_EXIT,
        chain_ui.BACK,
        chain_ui.NEXT,
        chain_ui.CLICKER_NEXT,
        chain_ui.CLICKER_BACK,
    }
    assert not at.main.get("table") and len(at.main.get("plotly_chart")) == 1
    at.button(key=chain_ui.CLICKER_NEXT).click().run()
    assert at.session_state[state.CHAIN].stage == 1
    assert at.main.markdown[0].value.startswith("**Stage 2 of")  # in the navigation row, not a heading


def test_the_toggle_and_the_exit_button_switch_it_and_the_url_follows():
    at = open_app("pages/2_Step.py", **WORKED_222)
    assert not at.session_state[state.SHARED].present and "present" not in at.query_params
    assert at.main.button(key=step_ui.APPLY)
    at.sidebar.toggle(key=setup.PRESENT_TOGGLE).set_value(True).run()
    assert at.query_params["present"] == "1" and step_ui.APPLY not in main_widgets(at)
    at.main.button(key=setup.PRESENT_EXIT).click().run()
    assert not at.session_state[state.SHARED].present and "present" not in at.query_params
    assert at.main.button(key=step_ui.APPLY) and not at.sidebar.toggle(key=setup.PRESENT_TOGGLE).value


def test_an_equation_is_sized_to_the_panes_width_as_well_as_its_height():
    """A line of six terms fits 1,000 px of height at the largest size, but 600 px of width only smaller."""
    wide = r"\begin{aligned}x &= " + " + ".join(["0.1234"] * 6) + r"\end{aligned}"
    assert step_ui.equation_size(wide, 1000) == step_ui.EQUATION_SIZES[-1]
    size = step_ui.equation_size(wide, 1000, 600)
    assert size < step_ui.EQUATION_SIZES[-1] and size * step_ui._line_ems(wide) <= 600
    assert step_ui._line_ems(r"\begin{aligned}x &= 1\end{aligned}") == pytest.approx(0.6 * 3)  # x, =, 1


def test_a_fraction_is_as_wide_as_its_wider_part_and_scripts_are_smaller():
    """A mini-batch gradient's stacked fractions and indices must not shrink its equation to the smallest size."""
    assert step_ui._line_ems(r"\frac{ab}{abcd}") == pytest.approx(0.6 * 4)
    assert step_ui._line_ems(r"x_{12}") == pytest.approx(0.6 * (1 + 0.7 * 2))
    assert step_ui._line_ems(r"\frac{\partial L}{\partial w^{(1)}_{1,1}}") == pytest.approx(0.6 * (2 + 0.7 * 6))
