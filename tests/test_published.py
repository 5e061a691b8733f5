"""The worked examples' published numbers: every number each source prints for its step, to its printed
digits, beside bpviz's; the source's own slips held as corrections; and the Step page's tab that shows them."""

import math

import numpy as np
import pytest
from conftest import ROOT, open_app

from bpviz import Network
from bpviz import chainrule as cr
from bpviz.chainrule.published import PUBLISHED
from bpviz.chainrule.published import publication_of as circuit_publication
from bpviz.lesson.presets import PRESETS, get_preset, publication_of
from bpviz.lesson.published import compare
from bpviz.lesson.stages import walk
from webui import state
from webui import step as step_ui

WORKED = [key for key, p in PRESETS.items() if p.published is not None]
# (preset, label): the numbers a source prints wrong, each explained in its Printed.why.
CORRECTIONS = {
    ("worked", "E_total after the update"),
    ("textbook", "Err6"),
    ("twobatch", "instance 1: ∂L/∂V22 (“increases … by a factor of 0.0004”)"),
    *(("twobatch", f"V{n} after the step") for n in ("11", "12", "21", "22")),
}


def source_walk(key: str):
    p = get_preset(key)
    return walk(p.network(), list(p.published.x), list(p.published.y))


def test_the_library_holds_both_worked_examples():
    assert set(WORKED) == {"worked", "textbook", "twobatch"}


@pytest.mark.parametrize("key", WORKED)
def test_every_printed_number_matches_to_its_digits_or_is_a_named_correction(key):
    rows = compare(source_walk(key), get_preset(key).published)
    for row in rows:
        expected = "corrected" if (key, row.label) in CORRECTIONS else "matches"
        assert row.verdict == expected, (row.label, row.printed, row.bpviz)
        if expected == "corrected":
            assert row.bpviz != row.printed and row.note
    assert len(rows) == len({r.label for r in rows}) >= 19  # every number once


def test_the_textbook_numbers_one_by_one():
    """The textbook's tables as printed (net inputs, outputs, errors, new weights and biases)."""
    shown = {r.label: r.bpviz for r in compare(source_walk("textbook"), get_preset("textbook").published)}
    assert [shown[k] for k in ("I4", "O4", "I5", "O5", "I6", "O6")] == ["-0.7", "0.332", "0.1", "0.525", "-0.105",
                                                                       "0.474"]  # fmt: skip
    assert [shown[k] for k in ("Err6", "Err5", "Err4")] == ["0.1312", "-0.0065", "-0.0087"]
    new = ("w46", "w56", "w14", "w15", "w24", "w25", "w34", "w35", "w06", "w05", "w04")
    assert [shown[f"{k} (new)"] for k in new] == ["-0.261", "-0.138", "0.192", "-0.306", "0.4", "0.1", "-0.508",
                                                 "0.194", "0.218", "0.194", "-0.408"]  # fmt: skip


def test_the_batch_example_numbers_one_by_one():
    """The blog post's batch of two: instance 1's values to full double precision (the last digits within float64
    rounding), its shares of the gradient and, after one step of the summed gradient, both instances' outputs."""
    w = source_walk("twobatch")
    assert w.batch == 2 and w.net.spec.reduction == "sum" and w.net.spec.bias == "none"
    rows = {r.label: r for r in compare(w, get_preset("twobatch").published)}
    assert rows["instance 1: h1_out"].bpviz == "0.9999998874648379"
    assert rows["instance 1: grad_w11"].bpviz == "-5.34381483665323e-08"  # printed in scientific notation
    assert rows["instance 1: grad_v11"].bpviz == "-0.10518769048825163"
    last_digits = rows["instance 1: grad_w22"]  # printed ...027136, float64 rounding gives ...027134 here
    assert last_digits.verdict == "matches" and last_digits.bpviz != last_digits.printed and "10¹⁴" in last_digits.note
    assert rows["instance 2: ∂L/∂V22 (“a loss decrease by a factor of -0.025”)"].bpviz == "-0.025"
    assert [rows[f"instance {n}: new loss"].bpviz for n in (1, 2)] == ["0.08153138", "0.29280989"]
    # the summed gradient: V22 after = 2 − 0.5·(share₁ + share₂), not the 2.01595986 printed
    shares = w.contributions(2)[:, 1, 1]
    assert rows["V22 after the step"].bpviz == f"{2 - 0.5 * shares.sum():.8f}" == "2.01227682"
    assert rows["instance 1: ∂L/∂V22 (“increases … by a factor of 0.0004”)"].bpviz == "0.0005"


def test_the_printed_v_is_off_because_it_does_not_give_the_printed_outputs():
    """The correction's reason, checked: the V the post prints gives other outputs than it prints next."""
    p = get_preset("twobatch")
    w = source_walk("twobatch")
    printed_V = np.array([[1.06837185, -2.01725687], [0.07134767, 2.01595986]])  # rows: hidden units
    theirs = Network.from_arrays(p.spec, [w.updated.W[0], printed_V.T], w.updated.b)
    assert np.round(theirs.outputs(np.array([[3.0, 1.0]]))[1][0], 4).tolist() == [0.7445, 0.1212]
    assert np.round(w.updated.outputs(np.array([[3.0, 1.0]]))[1][0], 8).tolist() == [0.74165987, 0.12162137]


def test_a_full_precision_number_is_held_within_float64_rounding_only():
    p = get_preset("twobatch").published
    printed = next(n for n in p.numbers if n.label == "instance 1: grad_w22")
    assert printed.full_precision and printed.agrees("0.0004733812240027134")
    assert not printed.agrees("0.0004733812240027")  # 16 digits: off by 3·10⁻¹⁴ relative


def test_the_comparison_can_fail():
    p = get_preset("textbook")
    net = p.network()
    W = [w.copy() for w in net.W]
    W[1][0, 0] += 0.01  # w46 a little off
    off = walk(Network.from_arrays(net.spec, W, net.b), list(p.published.x), list(p.published.y))
    verdicts = {r.label: r.verdict for r in compare(off, p.published)}
    assert verdicts["O6"] == "differs" and verdicts["O4"] == "matches"


def test_the_numbers_apply_only_to_the_sources_own_step():
    p = get_preset("textbook")
    net = p.network()
    assert publication_of(net, [1, 0, 1], [1]) is p.published
    assert publication_of(net, [1, 1, 1], [1]) is None  # another sample
    w = walk(net, [1, 0, 1], [1])
    assert publication_of(w.updated, [1, 0, 1], [1]) is None  # after the update
    assert publication_of(get_preset("xor").network(), [0, 0], [0]) is None  # a preset without a source
    batch = get_preset("twobatch")
    assert publication_of(batch.network(), [[3, 1], [-1, 4]], [[1, 0], [0, 1]]) is batch.published
    assert publication_of(batch.network(), [3, 1], [1, 0]) is None  # one of its samples alone


def test_the_step_page_shows_the_published_numbers_tab():
    p = get_preset("textbook")
    at = open_app(str(ROOT / "pages" / "2_Step.py"), net=p.network(), data=p.data,
                  **{step_ui.MORE: True, step_ui.TABS: step_ui.PUBLISHED_TAB})  # fmt: skip
    at.session_state[state.SHARED].preset = "textbook"  # loaded from the menu: its names, too
    at.run()
    assert not at.exception
    frame = at.main.dataframe[0].value
    assert len(frame) == len(p.published.numbers)
    assert (frame["printed"] == [n.printed for n in p.published.numbers]).all()
    assert np.count_nonzero(frame[""].str.startswith("✗")) == 0
    text = " ".join(m.value for m in at.main.markdown)
    n = len(frame)
    assert f"{n - 1} of the {n} numbers the source prints match bpviz's; 1 is off in the source" in text
    assert "Err6: printed 0.1311, correct 0.1312" in at.info[0].value
    assert at.toggle(key=step_ui.TEXTBOOK).label == "Names as in the textbook"
    at.selectbox(key=step_ui.JUMP).select(1).run()  # z of the hidden layer: the book's net inputs I4, I5
    assert r"\mathrm{I}_{4}" in " ".join(x.value for x in at.main.latex)


def test_other_networks_have_no_such_tab():
    p = get_preset("xor")
    at = open_app(str(ROOT / "pages" / "2_Step.py"), net=p.network(), data=p.data, **{step_ui.MORE: True})
    assert [t.label for t in at.tabs] == ["Tables", "Gradient check"]


# ----------------------------------------------------------------------------- the CS231n circuits (Chain rule page)


def circuit_rows(key: str, **inputs):
    graph = cr.LIBRARY[key]
    return compare(cr.evaluate(graph, {**graph.defaults, **inputs}), PUBLISHED[key])


def printed(key: str) -> dict[str, str]:
    """{label: bpviz's number at the printed digits} of a circuit, every row checked to match."""
    rows = circuit_rows(key)
    for r in rows:
        assert r.verdict == "matches", (key, r.label, r.printed, r.bpviz)
    assert len(rows) == len({r.label for r in rows})
    return {r.label: r.bpviz for r in rows}


def test_sum_times_circuit_prints_the_notes_numbers():
    """x = -2, y = 5, z = -4: the code's comments and the circuit figure of (x + y)·z."""
    shown = printed("sum_times")
    assert [shown[k] for k in ("q ('q becomes 3')", "f ('f becomes -12')")] == ["3", "-12"]
    comments = ("df/dz ('gradient on z becomes 3')", "df/dq ('gradient on q becomes -4')")
    assert [shown[k] for k in comments] == ["3", "-4"]
    assert [shown[f"gradient on {v} (figure)"] for v in "xyf"] == ["-4", "-4", "1"]


def test_sigmoid_neuron_circuit_prints_the_notes_figure_at_two_decimals():
    """w = [2, -3, -3], x = [-1, -2]: every gate of the figure (σ spelled out as ·(−1), exp, +1, 1/x)."""
    shown = printed("neuron_spelled")
    gradients = [shown[f"{v} (gradient)"] for v in ("w0", "x0", "w1", "x1", "w2")]
    assert gradients == ["-0.20", "0.39", "-0.39", "-0.59", "0.20"]
    gates = ("w0·x0", "w1·x1", "w0·x0 + w1·x1", "+ w2", "·(−1) gate", "exp gate", "+1 gate", "1/x gate")
    assert [shown[f"{g} (value)"] for g in gates] == ["-2.00", "6.00", "4.00", "1.00", "-1.00", "0.37", "1.37", "0.73"]
    assert [shown[f"{g} (gradient)"] for g in gates] == ["0.20", "0.20", "0.20", "0.20", "-0.20", "-0.53", "-0.53",
                                                         "1.00"]  # fmt: skip
    assert [shown[k] for k in ("the sigmoid gate's input", "the sigmoid gate's output")] == ["1.0", "0.73"]
    assert shown["its local gradient (1 − 0.73)·0.73 ≈"] == "0.2"


def test_sigmoid_neuron_with_one_sigma_gate_prints_the_same_numbers():
    shown = printed("neuron")
    assert shown["σ gate (the figure's 1/x) (value)"] == "0.73" and shown["x1 (gradient)"] == "-0.59"


def test_max_circuit_prints_the_notes_numbers():
    """x = 3, y = -4, z = 2, w = -1: 2·(x·y + max(z, w)), the figure of "Patterns in backward flow"."""
    shown = printed("max")
    assert [shown[f"{v} (gradient)"] for v in "xyzw"] == ["-8.00", "6.00", "2.00", "0.00"]  # max routes to z
    gates = ("x·y gate", "max gate", "+ gate", "·2 gate")
    assert [shown[f"{g} (value)"] for g in gates] == ["-12.00", "2.00", "-10.00", "-20.00"]
    assert [shown[f"{g} (gradient)"] for g in gates] == ["2.00", "2.00", "2.00", "1.00"]


def test_staged_circuit_is_the_notes_code_line_for_line():
    """The notes print the inputs x = 3, y = -4 and the code of both passes (no computed value): the graph's
    nodes are its variables in its order, and bpviz's gradients agree with the backward code it prints."""
    assert printed("staged") == {"x = 3": "3", "y = -4": "-4"}
    g = cr.LIBRARY["staged"]
    ops = [n.name for n in g.nodes if n.is_op]
    assert [n for n in ops if n != "k1"] == ["sigy", "num", "sigx", "xpy", "xpysqr", "den", "invden", "f"]
    x, y = 3.0, -4.0  # the notes' backward pass, as printed
    sigy, sigx = 1 / (1 + math.exp(-y)), 1 / (1 + math.exp(-x))
    num, xpy = x + sigy, x + y
    den = sigx + xpy**2
    invden = 1 / den
    dnum, dinvden = invden, num
    dden = (-1.0 / den**2) * dinvden
    dxpy = (2 * xpy) * dden
    dx = dxpy + ((1 - sigx) * sigx) * dden + dnum
    dy = dxpy + ((1 - sigy) * sigy) * dnum
    r = cr.evaluate(g)
    assert r.values["f"] == pytest.approx(num * invden, rel=1e-15)
    assert (r.grads["x"], r.grads["y"]) == pytest.approx((dx, dy), rel=1e-14)


def test_the_circuit_numbers_apply_only_to_the_notes_inputs_and_can_fail():
    assert circuit_publication("max", {"x": 3.0, "y": -4.0, "z": 2.0, "w": -1.0}) is PUBLISHED["max"]
    assert circuit_publication("max", {"x": 3.0, "y": -4.0, "z": 2.0, "w": 5.0}) is None
    assert circuit_publication("fork", {"x": 2.0, "y": 3.0}) is None  # bpviz's own circuit
    verdicts = {r.label: r.verdict for r in circuit_rows("max", w=5.0)}
    assert verdicts["w (gradient)"] == "differs" and verdicts["x (value)"] == "matches"


def test_the_chain_rule_page_shows_the_published_panel_and_cites_the_source():
    at = open_app("pages/0_Chain_rule.py")
    assert [e.label for e in at.expander] == ["Matches the published numbers (CS231n notes)"]
    frame = at.dataframe[0].value
    assert list(frame["printed"]) == [p.printed for p in PUBLISHED["sum_times"].numbers]
    assert (frame[""] == "✓ matches").all()
    assert any("cs231n.github.io/optimization-2/" in c.value for c in at.caption)
    at.selectbox(key="chain_w_expr").select("fork").run()
    assert not at.expander  # bpviz's own circuit: no source, no panel
