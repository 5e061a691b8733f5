"""Which element is selected: the pure functions behind clicks and the two menus."""

import pytest

from bpviz import NetworkSpec
from bpviz.lesson.selection import (
    after_click,
    anchor,
    element_choices,
    element_label,
    follow_stage,
    kept,
    neuron_choices,
    neuron_label,
    shown,
)
from bpviz.lesson.stages import stages

SPEC = NetworkSpec((2, 3, 2), ("sigmoid", "sigmoid"), init="uniform")
NO_BIAS = SPEC.replace(bias="none")


def event(*customdata):
    """What st.plotly_chart hands the on_select callback for clicked points."""
    points = [{"curve_number": 0, "point_index": n, "x": 0, "y": 0, "customdata": c} for n, c in enumerate(customdata)]
    return {"selection": {"points": points, "point_indices": list(range(len(points))), "box": [], "lasso": []}}


@pytest.mark.parametrize(
    "data, expected",
    [
        (["node", 2, 1], ("node", 2, 1)),
        (["edge", 0, 2, 1], ("edge", 0, 2, 1)),
        (["bias", 1, 0], ("bias", 1, 0)),
        ([" node", 0, 0], ("node", 1, 1)),  # unknown kind: keeps the previous choice
        (["bias_node", 0], ("node", 1, 1)),  # the constant-1 node is not selectable
        (["node", 5, 0], ("node", 1, 1)),  # outside the net
        (["edge", 1, 2, 0], ("node", 1, 1)),  # layer 2 has only 2 neurons
    ],
)
def test_a_click_selects_what_it_hit(data, expected):
    assert after_click(event(data), ("node", 1, 1), SPEC) == expected


def test_the_first_selectable_point_wins():
    assert after_click(event(["bias_node", 0], ["edge", 1, 1, 2]), None, SPEC) == ("edge", 1, 1, 2)


@pytest.mark.parametrize("empty", [{}, None, {"selection": {"points": []}}, {"selection": None}, "junk"])
def test_an_empty_event_keeps_the_selection(empty):
    assert after_click(empty, ("edge", 1, 0, 2), SPEC) == ("edge", 1, 0, 2)


def test_a_stale_choice_is_dropped():
    assert kept(("node", 3, 0), SPEC) is None
    assert kept(["node", 2, 1], SPEC) == ("node", 2, 1)
    assert kept(("bias", 0, 0), NO_BIAS) is None
    assert kept(None, SPEC) is None
    assert after_click({}, ("edge", 0, 9, 9), SPEC) is None
    assert after_click({}, None, SPEC) is None


def test_without_a_choice_the_panel_follows_the_stage():
    followed = [follow_stage(stage, SPEC) for stage in stages(SPEC)]
    assert followed == [
        ("node", 0, 0),  # start: x1
        ("node", 1, 0),  # z of layer 1
        ("node", 1, 0),  # a of layer 1
        ("node", 2, 0),
        ("node", 2, 0),
        ("node", 2, 0),  # the loss
        ("node", 2, 0),  # δ of the output
        ("edge", 1, 0, 0),  # ∂L/∂W of layer 2
        ("node", 1, 0),
        ("edge", 0, 0, 0),
        ("edge", 1, 0, 0),  # the update: the first output weight
    ]
    last = stages(SPEC)[-1]
    assert shown(None, last, SPEC) == ("edge", 1, 0, 0)
    assert shown(("bias", 0, 2), last, SPEC) == ("bias", 0, 2)
    assert shown(("node", 7, 0), last, SPEC) == ("edge", 1, 0, 0)


@pytest.mark.parametrize(
    "selected, expected", [(("node", 0, 1), (0, 1)), (("edge", 1, 1, 2), (2, 1)), (("bias", 0, 2), (1, 2))]
)
def test_anchor_is_the_neuron_an_element_feeds(selected, expected):
    assert anchor(selected) == expected


def test_element_choices_of_a_neuron():
    assert element_choices(SPEC, 2, 1) == [
        ("node", 2, 1),
        ("edge", 1, 1, 0),
        ("edge", 1, 1, 1),
        ("edge", 1, 1, 2),
        ("bias", 1, 1),
    ]
    assert element_choices(NO_BIAS, 1, 0) == [("node", 1, 0), ("edge", 0, 0, 0), ("edge", 0, 0, 1)]
    assert element_choices(SPEC, 0, 1) == [("node", 0, 1)]


def test_every_choice_anchors_back_to_its_neuron():
    for layer, i in neuron_choices(SPEC):
        assert all(anchor(c) == (layer, i) for c in element_choices(SPEC, layer, i))
    assert len(neuron_choices(SPEC)) == 7


def test_labels():
    assert element_label(SPEC, ("node", 1, 2)) == "h1_3 · neuron 3 of hidden 1 · sigmoid"
    assert element_label(SPEC, ("edge", 1, 0, 2)) == "weight h1_3 → ŷ1"
    assert element_label(SPEC, ("bias", 0, 1)) == "bias of h1_2"
    assert neuron_label(SPEC, 0, 1) == "x2 (input)"
