"""The worked examples' published numbers: every number each source prints for its step, to its printed
digits, beside bpviz's; the source's own slips held as corrections; and the Step page's tab that shows them."""

import numpy as np
import pytest
from conftest import ROOT, open_app

from bpviz import Network
from bpviz.lesson.presets import PRESETS, get_preset, publication_of
from bpviz.lesson.published import compare
from bpviz.lesson.stages import walk
from webui import state
from webui import step as step_ui

WORKED = [key for key, p in PRESETS.items() if p.published is not None]
# (preset, label): the numbers a source prints wrong, each explained in its Printed.why.
CORRECTIONS = {("mazur", "E_total after the update"), ("textbook", "Err6")}


def source_walk(key: str):
    p = get_preset(key)
    return walk(p.network(), list(p.published.x), list(p.published.y))


def test_the_library_holds_both_worked_examples():
    assert set(WORKED) == {"mazur", "textbook"}


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


def test_the_step_page_shows_the_published_numbers_tab():
    p = get_preset("textbook")
    at = open_app(str(ROOT / "pages" / "2_Step.py"), net=p.network(), data=p.data,
                  **{step_ui.TABS: step_ui.PUBLISHED_TAB})  # fmt: skip
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
    at = open_app(str(ROOT / "pages" / "2_Step.py"), net=p.network(), data=p.data)
    assert [t.label for t in at.tabs] == ["Tables", "Gradient check"]
