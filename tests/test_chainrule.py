"""The chain-rule engine: hand-computed values, central differences, PyTorch, and the words of each stage."""

import math

import pytest
from conftest import require
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bpviz import chainrule as cr
from bpviz.engine.errors import BpvizError
from bpviz.figures import palette
from bpviz.figures.graph import GRAD_TEXT, VALUE_TEXT, graph_figure, positions

LIB = cr.LIBRARY


def grads_of(key, **inputs):
    return cr.evaluate(LIB[key], inputs).grads


# ----------------------------------------------------------------------------- hand-computed values


def test_sum_times_classic_numbers():
    r = cr.evaluate(LIB["sum_times"])  # x = -2, y = 5, z = -4
    assert r.values == {"x": -2, "y": 5, "z": -4, "q": 3, "f": -12}
    assert {k: r.grads[k] for k in "xyzq"} == {"x": -4, "y": -4, "z": 3, "q": -4}


@pytest.mark.parametrize("key", ["neuron", "neuron_spelled"])
def test_sigmoid_neuron_classic_numbers(key):
    # w0=2, x0=-1, w1=-3, x1=-2, w2=-3: z = 1, f = σ(1), ∂f/∂z = σ(1)(1 - σ(1))
    r = cr.evaluate(LIB[key])
    assert r.values["z"] == 1
    assert r.values["f"] == pytest.approx(0.7310585786, abs=1e-10)
    expected = {"w0": -0.19661193, "x0": 0.39322387, "w1": -0.39322387, "x1": -0.5898358, "w2": 0.19661193}
    assert {k: r.grads[k] for k in expected} == pytest.approx(expected, abs=1e-8)


def test_sigmoid_spelled_out_intermediate_gradients():
    r = cr.evaluate(LIB["neuron_spelled"])  # u = -z = -1, v = e^-1, t = 1 + e^-1, f = 1/t
    t = 1 + math.exp(-1)
    assert r.values["t"] == pytest.approx(t)
    assert r.grads["t"] == pytest.approx(-1 / t**2)  # -0.5344
    assert r.grads["u"] == pytest.approx(-math.exp(-1) / t**2)  # -0.1966
    assert r.grads["v"] == pytest.approx(-0.53444665, abs=1e-8)


def test_two_times_sum_with_max():
    # x=3, y=-4, z=2, w=-1: q = xy = -12, m = max(z, w) = 2, s = -10, f = 2s = -20
    r = cr.evaluate(LIB["max"])
    assert [r.values[k] for k in "qmsf"] == [-12, 2, -10, -20]
    # ∂f/∂s = 2, add passes it on, mul swaps: ∂f/∂x = 2y, ∂f/∂y = 2x; max routes all to z
    assert {k: r.grads[k] for k in "xyzwqms"} == {"x": -8, "y": 6, "z": 2, "w": 0, "q": 2, "m": 2, "s": 2}
    r = cr.evaluate(LIB["max"], {"x": 1, "y": 2, "z": -5, "w": 0.5})
    assert (r.values["f"], r.grads["z"], r.grads["w"], r.grads["x"]) == (5, 0, 2, 4)


def test_a_fork_adds_the_gradients_of_both_paths():
    # f = (x + y)·xy = x²y + xy²: ∂f/∂x = 2xy + y² = 21, ∂f/∂y = x² + 2xy = 16 at x=2, y=3
    assert grads_of("fork", x=2, y=3) == pytest.approx({"x": 21, "y": 16, "q": 6, "r": 5, "f": 1})


def test_max_tie_sends_everything_to_the_first_argument_and_says_so():
    g = LIB["max"]
    r = cr.evaluate(g, {"z": 1.5, "w": 1.5})
    assert (r.grads["z"], r.grads["w"]) == (2, 0)
    words = " ".join(cr.explain(g, r, cr.Stage("backward", "w")).words)
    assert "z and w tie at 1.5" in words and "the first, z" in words


def test_composed_chain():
    g = cr.compose([("mul", None), ("add", None), ("tanh", None), ("power", 2)])  # f = tanh(xy + z)^2
    assert g.title == "your expression: f = tanh(x·y + z)^2"
    assert g.inputs == ("x", "y", "z")
    r = cr.evaluate(g, {"x": 0.5, "y": 2, "z": -0.25})  # a = xy + z = 0.75
    t = math.tanh(0.75)
    assert r.values["f"] == pytest.approx(t**2)
    # ∂f/∂x = 2t · (1 - t²) · y
    assert r.grads["x"] == pytest.approx(2 * t * (1 - t**2) * 2)
    assert r.grads["z"] == pytest.approx(2 * t * (1 - t**2))


def test_compose_unary_first_and_defaults():
    g = cr.compose([("exp", None), ("max", None), ("sigmoid", None), ("power", None)])
    assert g.expression() == "σ(max(exp(x), y))^2"
    assert g.expression(latex=True) == r"\sigma(\max(e^{x}, y))^{2}"
    assert g.defaults == {"x": 1.5, "y": -2.0}


# ----------------------------------------------------------------------------- independent checks


def assert_matches_central_differences(graph, inputs):
    analytic = cr.evaluate(graph, inputs).grads
    numeric = cr.numeric_gradient(graph, inputs)
    for x in graph.inputs:
        assert analytic[x] == pytest.approx(numeric[x], rel=1e-5, abs=1e-6), (x, analytic[x], numeric[x])


@pytest.mark.parametrize("key", list(LIB))
def test_library_matches_central_differences_at_defaults(key):
    assert_matches_central_differences(LIB[key], LIB[key].defaults)


@pytest.mark.parametrize("key", list(LIB))
@settings(max_examples=40, deadline=None, derandomize=True)
@given(data=st.data())
def test_library_matches_central_differences_at_random_inputs(key, data):
    g = LIB[key]
    inputs = {x: data.draw(st.floats(-3, 3), label=x) for x in g.inputs}
    assume(key != "max" or abs(inputs["z"] - inputs["w"]) > 1e-3)  # max has a kink at the tie
    assert_matches_central_differences(g, inputs)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    steps=st.lists(st.tuples(st.sampled_from(cr.MENU), st.sampled_from([-1.0, 0.5, 2.0, 3.0])), min_size=1, max_size=4),
    values=st.lists(st.floats(-2, 2), min_size=5, max_size=5),
)
def test_every_composition_matches_central_differences(steps, values):
    g = cr.compose(steps)
    inputs = dict(zip(g.inputs, values))
    try:
        r = cr.evaluate(g, inputs)
    except BpvizError:
        assume(False)  # outside the domain of a power: its own test below
    # stay where central differences are accurate: away from max's kink, the poles of negative powers
    # and towers like exp(exp(1/x)), whose curvature swamps any step h
    assume(all(abs(v) < 100 for v in r.values.values()))
    for n in g.nodes:
        if n.op == "max":
            assume(abs(r.values[n.args[0]] - r.values[n.args[1]]) > 1e-3)
        if n.op == "power":
            assume(abs(r.values[n.args[0]]) > 0.1)
        if n.op == "relu":  # relu's kink at 0
            assume(abs(r.values[n.args[0]]) > 1e-3)
        if n.op in ("div", "log"):  # the pole of 1/b and of log at 0
            assume(abs(r.values[n.args[-1]]) > 0.1)
    assert_matches_central_differences(g, inputs)


def _torch_grads(graph, inputs):
    if not require("BPVIZ_REQUIRE_TORCH"):
        pytest.importorskip("torch")
    import torch

    rules = {
        "add": lambda a, p: a[0] + a[1],
        "mul": lambda a, p: a[0] * a[1],
        "max": lambda a, p: torch.maximum(a[0], a[1]),
        "sigmoid": lambda a, p: torch.sigmoid(a[0]),
        "tanh": lambda a, p: torch.tanh(a[0]),
        "exp": lambda a, p: torch.exp(a[0]),
        "power": lambda a, p: a[0] ** p,
        "sub": lambda a, p: a[0] - a[1],
        "div": lambda a, p: a[0] / a[1],
        "neg": lambda a, p: -a[0],
        "log": lambda a, p: torch.log(a[0]),
        "relu": lambda a, p: torch.relu(a[0]),
    }
    leaves = {x: torch.tensor(float(v), dtype=torch.float64, requires_grad=True) for x, v in inputs.items()}
    t = {}
    for n in graph.nodes:
        if n.op == "input":
            t[n.name] = leaves[n.name]
        elif n.op == "const":
            t[n.name] = torch.tensor(n.value, dtype=torch.float64)
        else:
            t[n.name] = rules[n.op]([t[a] for a in n.args], n.p)
    t[graph.output].backward()
    return {x: leaves[x].grad.item() for x in graph.inputs}


@pytest.mark.parametrize("key", list(LIB))
def test_library_matches_pytorch(key):
    g = LIB[key]
    for inputs in (g.defaults, {x: 0.3 * i - 0.7 for i, x in enumerate(g.inputs)}):  # no max tie in either
        ours = cr.evaluate(g, inputs).grads
        assert {x: ours[x] for x in g.inputs} == pytest.approx(_torch_grads(g, inputs), abs=1e-12)


@pytest.mark.parametrize("op", ["sub", "div", "neg", "log", "relu"])
def test_each_added_rule_matches_pytorch(op):
    g = cr.compose([("mul", None), (op, None), ("add", None)])  # the rule fed by a product, feeding a sum
    inputs = {x: 0.4 * i + 0.3 for i, x in enumerate(g.inputs)}  # every log and divisor stays positive
    ours = cr.evaluate(g, inputs).grads
    assert {x: ours[x] for x in g.inputs} == pytest.approx(_torch_grads(g, inputs), abs=1e-12)


# ----------------------------------------------------------------------------- domains and validation


def test_power_of_a_negative_base_needs_an_integer_exponent():
    g = cr.compose([("power", 0.5)])
    with pytest.raises(BpvizError, match=r"negative base \(−2\) has no real power 0.5") as e:
        cr.evaluate(g, {"x": -2})
    assert e.value.field == "f"
    assert cr.evaluate(cr.compose([("power", 3)]), {"x": -2}).grads["x"] == 12  # 3x² at x = -2
    assert cr.evaluate(cr.compose([("power", 0.5)]), {"x": 4}).grads["x"] == 0.25  # 1/(2√x)


@pytest.mark.parametrize(
    ("steps", "x", "message"),
    [
        ([("power", -1)], 0, "0 to the power −1 divides by zero"),
        ([("power", 0.5)], 0, r"derivative of a\^0.5 is infinite at a = 0"),
        ([("exp", None)], 1000, r"exp\(1000\) is not a finite number"),
        ([("power", 3), ("power", 3)], 1e60, "is not a finite number"),
        ([("power", -1)], 2e-200, "not a finite number: keep the base farther from 0"),  # 1/a² overflows
        ([("neg", None), ("log", None)], 2, "log needs a positive argument, not −2"),
        ([("log", None)], 0, "log needs a positive argument, not 0"),
        ([("add", None), ("div", None)], 0, "division by zero"),  # (x + y)/z with z = 0
        ([("add", None), ("div", None)], 1e-160, r"∂f/∂z is not a finite number"),  # (x+y)/z² overflows
    ],
)
def test_out_of_domain_inputs_say_which_node_and_why(steps, x, message):
    with pytest.raises(BpvizError, match=message):
        g = cr.compose(steps)
        cr.evaluate(g, {g.inputs[-1]: x})  # the newest input: the base, the log's argument or the divisor


def test_power_special_exponents_are_exact_at_zero():
    assert cr.evaluate(cr.compose([("power", 1)]), {"x": 0}).grads["x"] == 1
    assert cr.evaluate(cr.compose([("power", 0)]), {"x": 0}).grads["x"] == 0


@pytest.mark.parametrize(
    ("nodes", "message"),
    [
        ((cr.Node("x"), cr.Node("f", "sqrt", ("x",))), "unknown operation 'sqrt'"),
        ((cr.Node("x"), cr.Node("f", "add", ("x", "y"))), "2 argument"),
        ((cr.Node("x"), cr.Node("f", "exp", ("x", "x"))), "1 argument"),
        ((cr.Node("x"), cr.Node("x", "exp", ("x",))), "repeated"),
        ((cr.Node("x"), cr.Node("f", "power", ("x",))), "finite exponent"),
        ((cr.Node("x"), cr.Node("f", "exp", ("x",)), cr.Node("y")), "must be an operation"),
        ((cr.Node("x y"), cr.Node("f", "exp", ("x y",))), "plain name"),
    ],
)
def test_bad_graphs_are_refused(nodes, message):
    with pytest.raises(BpvizError, match=message):
        cr.Graph("bad", nodes)


@pytest.mark.parametrize(
    ("steps", "message"), [([], "1 to 4"), ([("add", None)] * 5, "1 to 4"), ([("sqrt", None)], "unknown operation")]
)
def test_compose_refuses_what_is_not_on_the_menu(steps, message):
    with pytest.raises(BpvizError, match=message):
        cr.compose(steps)


# ----------------------------------------------------------------------------- stages and words


def test_stages_go_forward_then_backward_skipping_constants():
    s = cr.stages(LIB["max"])
    assert [(x.phase, x.node) for x in s] == [
        ("start", None),
        *[("forward", n) for n in "qmsf"],
        *[("backward", n) for n in ["f", "s", "m", "q", "w", "z", "y", "x"]],
        ("done", None),
    ]
    values, grads = cr.known(LIB["max"], 2)  # after q and m
    assert values == {"x", "y", "z", "w", "two", "q", "m"} and grads == set()
    values, grads = cr.known(LIB["max"], 6)  # after backward f, s
    assert "f" in values and grads == {"f", "s"}


def headlines(key, **inputs):
    g = LIB[key]
    r = cr.evaluate(g, inputs)
    return [cr.explain(g, r, s).headline for s in cr.stages(g)]


def test_headlines_multiply_the_local_and_upstream_gradients_out():
    assert headlines("sum_times") == [
        "Start · the inputs: x = −2, y = 5, z = −4",
        "Forward · node q: q = x + y = (−2) + 5 = 3",
        "Forward · node f: f = q·z = 3·(−4) = −12",
        "Backward · node f: ∂f/∂f = 1",
        "Backward · node q: ∂f/∂q = ∂f/∂f · ∂f/∂q = 1 · z = 1 · (−4) = −4",
        "Backward · node z: ∂f/∂z = ∂f/∂f · ∂f/∂z = 1 · q = 1 · 3 = 3",
        "Backward · node y: ∂f/∂y = ∂f/∂q · ∂q/∂y = (−4) · 1 = −4",
        "Backward · node x: ∂f/∂x = ∂f/∂q · ∂q/∂x = (−4) · 1 = −4",
        "Done · ∂f/∂x = −4, ∂f/∂y = −4, ∂f/∂z = 3",
    ]


def test_headlines_of_the_other_rules():
    assert "Backward · node z: ∂f/∂z = ∂f/∂f · ∂f/∂z = 1 · f·(1 − f) = 1 · 0.1966 = 0.1966" in headlines("neuron")
    spelled = headlines("neuron_spelled")
    assert "Forward · node v: v = exp(u) = exp(−1) = 0.3679" in spelled
    assert "Backward · node t: ∂f/∂t = ∂f/∂f · ∂f/∂t = 1 · (−1)·t^(−2) = 1 · (−0.5344) = −0.5344" in spelled
    assert "Backward · node u: ∂f/∂u = ∂f/∂v · ∂v/∂u = (−0.5344) · v = (−0.5344) · 0.3679 = −0.1966" in spelled
    assert "Backward · node w: ∂f/∂w = ∂f/∂m · ∂m/∂w = 2 · [w > z] = 2 · 0 = 0" in headlines("max")
    fork = headlines("fork")
    assert "Backward · node x: ∂f/∂x = ∂f/∂q · ∂q/∂x + ∂f/∂r · ∂r/∂x = 6 · 1 + 5 · y = 6 · 1 + 5 · 3 = 21" in fork


def test_latex_and_words_of_a_backward_stage():
    g = LIB["sum_times"]
    e = cr.explain(g, cr.evaluate(g), cr.Stage("backward", "x"))
    chain = r"\frac{\partial f}{\partial q}\,\frac{\partial q}{\partial x}"
    assert e.latex == rf"\frac{{\partial f}}{{\partial x}} = {chain} = (-4) \cdot 1 = -4"
    assert e.words == (f"∂q/∂x = 1: {cr.OPS['add'].rule}.",)
    fork = LIB["fork"]
    words = cr.explain(fork, cr.evaluate(fork), cr.Stage("backward", "y")).words
    assert words[-1] == "y feeds 2 operations, so its gradient adds their 2 terms."


def test_latex_names_take_subscripts():
    g = LIB["neuron"]
    assert cr.explain(g, cr.evaluate(g), cr.Stage("start")).latex.startswith(r"w_{0} = 2,\quad x_{0} = -1")
    assert g.expression(latex=True) == r"\sigma(w_{0} \cdot x_{0} + w_{1} \cdot x_{1} + w_{2})"


@pytest.mark.parametrize(
    ("v", "text"), [(0, "0"), (-12.0, "−12"), (0.73105857, "0.7311"), (1.5, "1.5"), (-2e-6, "−2e−06"), (3e7, "3e+07")]
)
def test_numbers_are_short(v, text):
    assert cr.fmt(v) == text


# ----------------------------------------------------------------------------- the graph figure


@pytest.mark.parametrize("key", list(LIB))
def test_layout_runs_left_to_right_without_overlaps(key):
    g = LIB[key]
    pos = positions(g)
    assert [pos[x] for x in g.inputs] == [(0, len(g.inputs) - 1 - i) for i in range(len(g.inputs))]
    for n in g.nodes:
        for a in n.args:
            assert pos[a][0] < pos[n.name][0]
        if n.op == "const":
            (user,) = [u for u in g.nodes if n.name in u.args]
            assert pos[n.name][0] == pos[user.name][0] - 1
    spots = sorted(pos.values())
    for (c1, r1), (c2, r2) in zip(spots, spots[1:]):
        assert c1 != c2 or abs(r1 - r2) >= 1
    assert pos[g.output][0] == max(c for c, _ in pos.values())


def figure_text(fig):
    texts = [t for trace in fig.data for t in trace.text]
    return texts + [a.text for a in fig.layout.annotations if a.text]


def test_figure_reveals_values_forward_then_gradients_backward():
    g = LIB["sum_times"]
    r = cr.evaluate(g)
    start = figure_text(graph_figure(g, r, 0))
    assert "q = ?" in start and "f = ?" in start and not any("∂f/∂" in t for t in start)
    forward = figure_text(graph_figure(g, r, 1))
    assert "q = 3" in forward and "f = ?" in forward
    back = graph_figure(g, r, 4)  # backward at q: its user f sends the gradient back, times z = -4
    text = figure_text(back)
    assert "∂f/∂q = −4" in text and "∂f/∂f = 1" in text and "×−4" in text
    assert any("x = −2" in t and "∂f/∂x = ?" in t for t in text)
    done = figure_text(graph_figure(g, r, len(cr.stages(g)) - 1))
    assert any("∂f/∂x = −4" in t for t in done) and any("∂f/∂z = 3" in t for t in done)


def test_figure_highlights_the_current_node_by_ring_and_fill():
    g = LIB["max"]
    stage = [s.node for s in cr.stages(g)].index("m")
    nodes = graph_figure(g, cr.evaluate(g), stage).data[0]
    m = list(nodes.customdata).index("m")
    assert nodes.marker.line.width[m] == 5 and sorted(nodes.marker.line.width)[-2] == 2
    assert nodes.marker.color[m] == palette.HIGHLIGHT


def test_figure_without_a_result_has_no_numbers():
    g = cr.compose([("power", 0.5)])
    fig = graph_figure(g, None, 2)
    assert list(fig.data[0].text) == ["x", "^0.5"]  # the nodes, then their labels: all empty
    assert [t for trace in fig.data[1:] for t in trace.text if t] == []


@pytest.mark.parametrize("key", list(LIB))
def test_every_stage_draws_with_projector_sized_text(key):
    g = LIB[key]
    r = cr.evaluate(g)
    for i in range(len(cr.stages(g))):
        fig = graph_figure(g, r, i)
        sizes = [t.textfont.size for t in fig.data if t.text is not None]  # curved edges carry no text
        sizes += [a.font.size for a in fig.layout.annotations if a.text]
        assert min(sizes) >= 16


def test_value_and_gradient_text_colours_read_on_white():
    for color in (VALUE_TEXT, GRAD_TEXT):
        assert palette.contrast_ratio(color, "#FFFFFF") >= 4.5


def test_table_rows_fill_in_stage_by_stage():
    g = LIB["max"]
    r = cr.evaluate(g)
    rows = {row["node"]: row for row in cr.table(g, r, 1)}  # after forward q
    assert rows["q"] == {"node": "q", "computes": "x·y", "value": "−12", "∂f/∂node": ""}
    assert rows["two"]["computes"] == "const" and rows["m"]["value"] == "?"
    done = {row["node"]: row["∂f/∂node"] for row in cr.table(g, r, len(cr.stages(g)) - 1)}
    assert done == {"x": "−8", "y": "6", "z": "2", "w": "0", "q": "2", "m": "2", "s": "2", "two": "", "f": "1"}
