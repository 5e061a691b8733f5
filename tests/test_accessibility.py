"""Accessibility: every chart has a text alternative with its key numbers, figures use only the palette's
colour-blind-safe colours (anything else is grey), and a sign never shows by colour alone."""

import ast
import re

import numpy as np
import pytest
from conftest import ROOT, open_app

from bpviz import Progress, get_preset, split
from bpviz import chainrule as cr
from bpviz.data.catalog import make_dataset
from bpviz.figures.boundary import data_figure
from bpviz.figures.chart_layout import alt_text
from bpviz.figures.confusion import confusion_figure
from bpviz.figures.diagram import network_figure
from bpviz.figures.graph import graph_figure
from bpviz.figures.training import accuracy_figure, comparison_figure, loss_figure, sample_figure
from bpviz.lesson.shown import stage_view
from bpviz.lesson.stages import walk
from bpviz.runs.run import Run
from webui import state
from webui.setup import pages

APP_SOURCES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "webui").glob("*.py"))]
HISTORY = [Progress(e, 1.0 / (e + 1), 1.2 / (e + 1), e / 10, e / 12) for e in range(11)]


def test_every_plotly_chart_call_passes_alt():
    calls = [
        (path.name, node.lineno, {k.arg for k in node.keywords})
        for path in APP_SOURCES
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "plotly_chart"
    ]
    assert len(calls) >= 4
    assert [(name, line) for name, line, keywords in calls if "alt" not in keywords] == []


# Charts each page draws for a fresh session (the default preset, Step at stage 4): Home has none; Design the
# data's decision boundary and the diagram; Train, before a run, its live diagram, the chosen neuron's map and
# the data.
CHARTS = {"Home": 0, "Chain rule": 1, "Design": 2, "Step": 1, "Train": 3}


@pytest.mark.parametrize(("page", "label"), [(path, label) for path, label, _ in pages()])
def test_every_chart_on_a_page_has_its_text_alternative(page, label):
    at = open_app(page, step=state.Step(stage=3))
    charts = at.get("plotly_chart")
    assert len(charts) == CHARTS[label]
    assert all(len(c.proto.alt) > 40 for c in charts), [c.proto.alt for c in charts]


def test_the_diagram_says_its_layers_and_the_stages_numbers():
    net = get_preset("worked").network()
    w = walk(net, [0.05, 0.1], [0.01, 0.99])
    text = alt_text(network_figure(net, stage_view(w, 10)))
    assert "2-2-2 network" in text and "hidden 1 · sigmoid (2)" in text
    assert "h1_1 = 0.0088" in text and "w from 0.1498 to 0.5614" in text  # δ and the updated weights
    forward = alt_text(network_figure(net, stage_view(w, 1)))
    assert "output not computed yet" in forward and "Highlighted: the hidden 1 layer" in forward


def test_curves_say_where_they_start_and_end():
    loss = alt_text(loss_figure(HISTORY, "half_sse", "mean"))
    assert "train 1 at epoch 0 → 0.09091 at epoch 10" in loss and "test 1.2 at epoch 0" in loss
    assert "train 0.0% at epoch 0 → 100.0% at epoch 10" in alt_text(accuracy_figure(HISTORY))
    rates = alt_text(comparison_figure({"η = 0.1": HISTORY, "η = 5": HISTORY[:3]}, {"η = 5": 3}, "mse", "mean"))
    assert "2 learning rates" in rates and "η = 5: 1 at epoch 0 → 0.333 at epoch 2, diverged at epoch 3" in rates
    assert "no values yet" in alt_text(loss_figure([], "mse", "mean"))


def test_tracked_samples_confusion_and_data_figures_name_their_numbers():
    ds = make_dataset("xor", n=4, noise=0.0).for_outputs(1)
    run = Run(get_preset("xor").network(), ds, None, 1, 0.5, tracked=[0, 3])
    run.go(5)
    while run.running:
        run.step(0.01)
    assert "2 tracked samples" in alt_text(sample_figure(run.sample_history()))
    counts = np.array([[50, 2, 0], [7, 40, 1], [0, 0, 60]])
    text = alt_text(confusion_figure(counts, ["a", "b", "c"], "Confusion matrix (test set, 160 samples)"))
    assert "150 of 160 samples on the diagonal" in text and "true b predicted as a (7 samples)" in text
    train, test = split(make_dataset("moons", n=50, noise=0.1), 0.2, 0)
    assert "40 training and 10 test points (2 classes" in alt_text(data_figure(run.net, train, test))


def test_the_chain_rule_graph_reads_out_each_node():
    graph = cr.LIBRARY["sum_times"]
    result = cr.evaluate(graph, graph.defaults)
    text = alt_text(graph_figure(graph, result, len(cr.stages(graph)) - 1))
    assert "x = −2, ∂f/∂x = −4" in text and "f = −12" in text


HEX = re.compile(r"#[0-9A-Fa-f]{6}\b")


@pytest.mark.parametrize("path", sorted((ROOT / "bpviz" / "figures").glob("*.py")), ids=lambda p: p.name)
def test_figures_colour_only_from_the_palette(path):
    """Hex colours outside palette.py are greys; colour scales and categories come from palette.py."""
    if path.name == "palette.py":
        return
    source = path.read_text()
    not_grey = [c for c in HEX.findall(source) if len({c[1:3], c[3:5], c[5:7]}) > 1]
    assert not_grey == []
    assert not re.search(r"colorscale=\"|colorscale='|color=\"(red|green|blue|orange)", source)


def test_sign_and_series_never_by_colour_alone():
    from bpviz.figures import palette as P

    assert P.contrast_ratio(P.POSITIVE_TEXT, "#FFFFFF") >= 4.5 and P.contrast_ratio(P.NEGATIVE_TEXT, "#FFFFFF") >= 4.5
    rates = comparison_figure({f"η = {r}": HISTORY for r in (0.01, 0.1, 1.0, 10.0)}, {}, "mse", "mean")
    assert len({t.line.dash for t in rates.data}) == 4  # each rate its own dash, and named in the legend
    confusion = confusion_figure(np.eye(3, dtype=int) * 5, ["a", "b", "c"], "Confusion")
    assert confusion.data[0].texttemplate == "%{z}"  # counts printed, not only shaded
    loss = loss_figure(HISTORY, "mse", "mean")
    assert [t.line.dash for t in loss.data] == ["solid", "dash"]  # train solid, test dashed
