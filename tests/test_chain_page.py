"""The Chain rule page through Streamlit's AppTest: every stage, inputs, expressions, the composer."""

import json

import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from bpviz import chainrule as cr
from webui import chain as chain_ui

PAGE = "pages/0_Chain_rule.py"


@pytest.fixture
def at():
    """A fresh session that opens the Chain rule page first (app.py is the entry point, as when served)."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    app.switch_page(PAGE).run()
    assert not app.exception
    return app


def headline(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("#### Stage"))


def table(at) -> dict:
    """{node: (value, gradient)} as the page's table shows them."""
    frame = at.table[0].value
    return {node: (row["value"], row["∂f/∂node"]) for node, row in frame.iterrows()}


def latex(at, i: int) -> str:
    return at.latex[i].value.removeprefix("$$\n").removesuffix("\n$$")


def figure_title(at) -> str:
    return json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["title"]["text"]


def click(at, key: str):
    at.button(key=key).click().run()
    assert not at.exception
    return at


def test_opens_at_the_start_of_the_classic_example(at):
    assert headline(at) == "#### Stage 1 of 9 · Start · the inputs: x = −2, y = 5, z = −4"
    assert figure_title(at) == "f = (x + y)·z"
    assert table(at) == {"x": ("−2", ""), "y": ("5", ""), "z": ("−4", ""), "q": ("?", ""), "f": ("?", "")}
    assert at.button(key=chain_ui.BACK).disabled


def test_next_through_every_stage_and_back(at):
    g = cr.LIBRARY["sum_times"]
    r = cr.evaluate(g)
    stages = cr.stages(g)
    for i, stage in enumerate(stages):
        assert headline(at) == f"#### Stage {i + 1} of {len(stages)} · {cr.explain(g, r, stage).headline}"
        assert latex(at, 0) == cr.explain(g, r, stage).latex
        assert at.slider(key=chain_ui.STAGE).value == i + 1
        if i < len(stages) - 1:
            click(at, chain_ui.NEXT)
    assert at.button(key=chain_ui.NEXT).disabled
    assert table(at) == {"x": ("−2", "−4"), "y": ("5", "−4"), "z": ("−4", "3"), "q": ("3", "−4"), "f": ("−12", "1")}
    for i in reversed(range(len(stages) - 1)):
        click(at, chain_ui.BACK)
        assert headline(at).startswith(f"#### Stage {i + 1} of")
    assert at.button(key=chain_ui.BACK).disabled


def test_the_stage_indicator_multiplies_it_out(at):
    for _ in range(4):
        click(at, chain_ui.CLICKER_NEXT)  # what a presentation clicker's PageDown presses
    assert headline(at) == "#### Stage 5 of 9 · Backward · node q: ∂f/∂q = ∂f/∂f · ∂f/∂q = 1 · z = 1 · (−4) = −4"
    assert any("multiply node sends each input the upstream gradient times the other" in m.value for m in at.markdown)
    click(at, chain_ui.CLICKER_BACK)
    assert headline(at).startswith("#### Stage 4 of 9 · Backward · node f")


def test_jump_and_reset(at):
    at.slider(key=chain_ui.STAGE).set_value(8).run()
    assert headline(at) == "#### Stage 8 of 9 · Backward · node x: ∂f/∂x = ∂f/∂q · ∂q/∂x = (−4) · 1 = −4"
    click(at, chain_ui.RESET)
    assert headline(at).startswith("#### Stage 1 of 9 · Start")
    assert at.slider(key=chain_ui.STAGE).value == 1


def test_changed_inputs_recompute_at_the_same_stage(at):
    at.slider(key=chain_ui.STAGE).set_value(9).run()
    at.number_input(key=chain_ui.input_key("sum_times", "x")).set_value(1.0).run()
    # f = (1 + 5)·(-4) = -24; ∂f/∂x = ∂f/∂y = z = -4, ∂f/∂z = x + y = 6
    assert headline(at) == "#### Stage 9 of 9 · Done · ∂f/∂x = −4, ∂f/∂y = −4, ∂f/∂z = 6"
    assert table(at)["f"] == ("−24", "1")
    at.switch_page("app.py").run()  # the values survive a visit to another page
    at.switch_page(PAGE).run()
    assert at.number_input(key=chain_ui.input_key("sum_times", "x")).value == 1.0
    assert table(at)["f"] == ("−24", "1")
    click(at, chain_ui.DEFAULT_INPUTS)
    assert table(at)["f"] == ("−12", "1")
    assert at.number_input(key=chain_ui.input_key("sum_times", "x")).value == -2.0


def pick(at, expr: str):
    at.selectbox(key=chain_ui.EXPR).select(expr).run()
    assert not at.exception
    return at


def test_sigmoid_neuron_shows_the_classic_gradients(at):
    click(at, chain_ui.NEXT)
    pick(at, "neuron")
    assert headline(at).startswith(
        "#### Stage 1 of 17 · Start · the inputs: w0 = 2, x0 = −1"
    )  # a new expression starts over
    at.slider(key=chain_ui.STAGE).set_value(17).run()
    assert headline(at) == (
        "#### Stage 17 of 17 · Done · "
        "∂f/∂w0 = −0.1966, ∂f/∂x0 = 0.3932, ∂f/∂w1 = −0.3932, ∂f/∂x1 = −0.5898, ∂f/∂w2 = 0.1966"
    )
    assert table(at)["f"] == ("0.7311", "1")


def test_spelled_out_sigmoid_and_max(at):
    pick(at, "neuron_spelled")
    at.slider(key=chain_ui.STAGE).set_value(11).run()  # start, 8 forward, backward f, then t
    t = "∂f/∂t = ∂f/∂f · ∂f/∂t = 1 · (−1)·t^(−2) = 1 · (−0.5344) = −0.5344"
    assert headline(at) == f"#### Stage 11 of 23 · Backward · node t: {t}"
    pick(at, "max")
    at.slider(key=chain_ui.STAGE).set_value(14).run()
    assert table(at) == {
        "x": ("3", "−8"), "y": ("−4", "6"), "z": ("2", "2"), "w": ("−1", "0"),
        "q": ("−12", "2"), "m": ("2", "2"), "s": ("−10", "2"), "two": ("2", ""), "f": ("−20", "1"),
    }  # fmt: skip
    at.number_input(key=chain_ui.input_key("max", "w")).set_value(2.0).run()  # a tie: all to the first, z
    at.slider(key=chain_ui.STAGE).set_value(10).run()
    assert headline(at).endswith("Backward · node w: ∂f/∂w = ∂f/∂m · ∂m/∂w = 2 · [w > z] = 2 · 0 = 0")
    assert any("z and w tie at 2" in m.value for m in at.markdown)


def test_compose_your_own(at):
    pick(at, chain_ui.COMPOSE)
    assert latex(at, 0) == r"f = \tanh(x \cdot y + z)"  # the default chain
    at.selectbox(key=chain_ui.step_key("op", 3)).select("power").run()
    assert latex(at, 0) == r"f = \tanh(x \cdot y + z)^{2}"
    at.number_input(key=chain_ui.step_key("p", 3)).set_value(3.0).run()
    at.selectbox(key=chain_ui.step_key("op", 0)).select("max").run()
    assert latex(at, 0) == r"f = \tanh(\max(x, y) + z)^{3}"
    g = cr.compose([("max", None), ("add", None), ("tanh", None), ("power", 3.0)])
    n = len(cr.stages(g))
    at.slider(key=chain_ui.STAGE).set_value(n).run()
    r = cr.evaluate(g, g.defaults)
    assert headline(at) == f"#### Stage {n} of {n} · {cr.explain(g, r, cr.Stage('done')).headline}"
    at.selectbox(key=chain_ui.step_key("op", 1)).select("none").run()  # the chain ends after step 1
    assert latex(at, 0) == r"f = \max(x, y)"
    assert figure_title(at) == "your expression: f = max(x, y)"
    assert headline(at).startswith("#### Stage 1 of 6 · Start · the inputs: x = 1.5, y = −2")


def test_out_of_domain_inputs_show_an_error_not_a_crash(at):
    pick(at, chain_ui.COMPOSE)
    at.selectbox(key=chain_ui.step_key("op", 0)).select("power").run()
    at.number_input(key=chain_ui.step_key("p", 0)).set_value(0.5).run()
    at.number_input(key=chain_ui.input_key(chain_ui.COMPOSE, "x")).set_value(-2.0).run()
    assert not at.exception
    assert (
        at.error[0].value
        == "Node q1 cannot be computed: x^0.5: a negative base (−2) has no real power 0.5: use an integer exponent"
    )
    at.number_input(key=chain_ui.input_key(chain_ui.COMPOSE, "x")).set_value(4.0).run()
    assert not at.error and not at.exception


def test_a_typed_expression_is_stepped_and_a_typo_is_pointed_at(at):
    pick(at, chain_ui.TYPED)
    assert figure_title(at) == "your expression: f = (x + σ(y)) / (σ(x) + (x + y)^2)"  # the first example
    at.text_area(key=chain_ui.TEXT).input("a = 2\nb = -3\nc = a*b + exp(a)\nf = c**2").run()
    assert not at.exception and not at.error
    g = cr.parse("a = 2\nb = -3\nc = a*b + exp(a)\nf = c**2")
    n = len(cr.stages(g))
    at.slider(key=chain_ui.STAGE).set_value(n).run()
    rows = table(at)
    assert rows["c"][1] == "2.7781"  # ∂f/∂c = 2c, c = −6 + e² = 1.38906
    assert rows["a"] == ("2", "12.1933") and rows["b"] == ("−3", "5.5562")  # 2c·(b + e²) and 2c·a
    at.text_area(key=chain_ui.TEXT).input("f = (x + ) * y").run()
    assert at.error[0].value == "The expression cannot be read: column 10: invalid syntax"
    assert at.text_area(key=chain_ui.TEXT).value == "f = (x + ) * y"  # the text is kept to be fixed
    click(at, f"{chain_ui.EXAMPLE}_1")  # micrograd's README
    assert not at.error and figure_title(at) == "your 13 lines, ending: g += 10.0 / f"


def test_typed_text_quoted_in_a_message_shows_as_typed(at):
    from markdown_check import live_parts, rendered_text

    pick(at, chain_ui.TYPED)
    at.text_area(key=chain_ui.TEXT).input("f = __import__(x)").run()  # quoted back: "__import__() is not …"
    body = at.error[0].proto.body  # as sent to the browser (``value`` is what a reader sees: tests/conftest.py)
    assert live_parts(body) == [] and "__import__() is not an operation" in rendered_text(body)  # not bold
