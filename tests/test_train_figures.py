"""Figure builders of the Train page: loss and accuracy curves, rate comparison, tracked samples,
decision boundary and fitted curve, confusion matrix. Each is checked against the numbers it draws."""

import json
import math

import numpy as np
import plotly.graph_objects as go
import pytest

from bpviz import Dataset, Network, NetworkSpec, Progress, get_preset, split
from bpviz.data.catalog import make_dataset
from bpviz.figures.boundary import GRID, MAX_POINTS, boundary_figure, data_figure, fit_figure
from bpviz.figures.chart_layout import alt_text
from bpviz.figures.confusion import confusion_figure
from bpviz.figures.neuron_map import neuron_map_figure
from bpviz.figures.training import (
    accuracy_figure,
    comparison_figure,
    gradient_flow_figure,
    loss_figure,
    sample_figure,
)
from bpviz.lesson.maps import neuron_maps
from bpviz.lesson.names import weight_layer_names
from bpviz.runs.evaluation import confusion
from bpviz.runs.run import Run


def history(n=5, test=True, accuracy=True):
    return [
        Progress(
            e,
            1.0 / (e + 1),
            1.2 / (e + 1) if test else None,
            e / n if accuracy else None,
            (e / n) * 0.9 if accuracy and test else None,
        )
        for e in range(n + 1)
    ]


def no_nan_in(fig) -> bool:
    """True when no trace coordinate is NaN/inf and the JSON holds no NaN (what the browser receives)."""
    for trace in fig.data:
        for axis in ("x", "y", "z"):
            values = getattr(trace, axis, None)
            if values is not None and not np.all(np.isfinite(np.asarray(values, dtype=float))):
                return False
    return "NaN" not in fig.to_json()


# -- curves -----------------------------------------------------------------------------------------
def test_loss_figure_draws_one_point_per_report_for_train_and_test():
    h = history(7)
    fig = loss_figure(h, "half_sse", "mean", x_max=100)
    train, test = fig.data
    assert list(train.x) == list(test.x) == [p.epoch for p in h]
    assert list(train.y) == [p.train_loss for p in h] and list(test.y) == [p.test_loss for p in h]
    assert train.line.dash == "solid" and test.line.dash == "dash"
    assert train.name == "train · 0.125" and test.name == "test · 0.15"
    assert fig.layout.xaxis.range == (0, 100) and fig.layout.yaxis.type == "linear"
    assert fig.layout.title.text == "Loss"
    assert fig.layout.title.subtitle.text == "½ sum of squared errors, mean over samples"


def test_loss_figure_log_scale_and_no_test_set():
    fig = loss_figure(history(3, test=False), "cross_entropy", "sum", log_y=True)
    assert [t.name.split(" ·")[0] for t in fig.data] == ["train"]
    assert fig.layout.yaxis.type == "log" and "log scale" in fig.layout.yaxis.title.text
    assert fig.layout.yaxis.dtick is None  # 1 to 0.25: plotly's own ticks
    wide = loss_figure(history(999, test=False), "mse", "mean", log_y=True)  # 1 to 0.001
    assert wide.layout.yaxis.dtick == 1  # three decades: a tick per power of ten


def test_curves_leave_out_values_that_are_not_finite():
    h = history(4)
    h[2] = Progress(2, math.nan, math.inf, None, None)
    for fig in (loss_figure(h, "mse", "mean"), accuracy_figure(h)):
        assert no_nan_in(fig)
        assert list(fig.data[0].x) == [0, 1, 3, 4]


def test_accuracy_figure_is_in_percent_from_0_to_100():
    h = history(4)
    fig = accuracy_figure(h, x_max=10)
    assert list(fig.data[0].y) == [p.train_accuracy for p in h]
    assert fig.layout.yaxis.tickformat == ".0%" and fig.layout.yaxis.range == (0, 1.02)
    assert fig.data[1].name == "test · 90.0%"


def test_compact_curves_drop_the_subtitle_and_take_the_height_given():
    normal, compact = loss_figure(history(4), "mse", "mean"), loss_figure(history(4), "mse", "mean", height=280,
                                                                             compact=True)  # fmt: skip
    assert normal.layout.height == 420 and normal.layout.title.subtitle.text
    assert compact.layout.height == 280 and not compact.layout.title.subtitle.text
    assert compact.layout.margin.t < normal.layout.margin.t
    assert accuracy_figure(history(4), height=300, compact=True).layout.height == 300


def test_long_curves_are_plain_lines_short_ones_show_markers():
    assert loss_figure(history(10), "mse", "mean").data[0].mode == "lines+markers"
    assert loss_figure(history(500), "mse", "mean").data[0].mode == "lines"


def test_gradient_flow_draws_one_line_per_layer_by_epoch_on_a_log_axis():
    net = Network.initialise(NetworkSpec((2, 8, 8, 8, 1), ("sigmoid",) * 4, "binary_cross_entropy"))
    run = Run(net, make_dataset("circles").for_outputs(1), None, 10, 0.5)
    run.go(12)
    while run.running:
        run.step(1.0)
    epochs, names = [p.epoch for p in run.history], weight_layer_names(net.spec)
    fig = gradient_flow_figure(epochs, run.grad_sizes, names, x_max=20)
    assert names == ["hidden 1 (W⁽¹⁾)", "hidden 2 (W⁽²⁾)", "hidden 3 (W⁽³⁾)", "output (W⁽⁴⁾)"]
    assert len(fig.data) == 4 and len({(t.line.color, t.line.dash) for t in fig.data}) == 4
    for k, trace in enumerate(fig.data):
        assert list(trace.x) == epochs and list(trace.y) == [s[k] for s in run.grad_sizes]
        assert trace.name == f"{names[k]} · {run.grad_sizes[-1][k]:.3g}"
        assert "epoch %{x}" in trace.hovertemplate and names[k] in trace.hovertemplate
    assert fig.layout.title.text == "Gradient size per layer" and fig.layout.xaxis.range == (0, 20)
    assert fig.layout.yaxis.type == "log" and fig.layout.yaxis.title.text == "RMS of ∂L/∂W⁽ˡ⁾ (log scale)"
    assert fig.layout.legend.orientation == "v" and fig.layout.legend.traceorder == "reversed"  # the output on top
    alt = alt_text(fig)
    assert alt.startswith("Gradient size per layer by epoch (RMS of the entries of ∂L/∂W⁽ˡ⁾, log scale): ")
    assert f"hidden 1 (W⁽¹⁾) {run.grad_sizes[0][0]:.3g} at epoch 0 → {run.grad_sizes[-1][0]:.3g} at epoch 12" in alt
    compact = gradient_flow_figure(epochs, run.grad_sizes, names, height=300, compact=True)
    assert compact.layout.height == 300 and not compact.layout.title.subtitle.text


def test_gradient_flow_leaves_out_sizes_that_are_not_finite_or_zero():
    sizes = [np.array([1e-4, 0.5]), np.array([math.nan, 0.4]), np.array([0.0, math.inf]), np.array([2e-4, math.nan])]
    fig = gradient_flow_figure([0, 5, 10, 15], sizes, ["hidden 1 (W⁽¹⁾)", "output (W⁽²⁾)"])
    assert no_nan_in(fig)
    first, last = fig.data
    assert list(first.x) == [0, 15] and list(first.y) == [1e-4, 2e-4]
    assert list(last.x) == [0, 5] and list(last.y) == [0.5, 0.4]
    assert first.name == "hidden 1 (W⁽¹⁾) · 0.0002" and last.name == "output (W⁽²⁾) · not finite"
    assert gradient_flow_figure([0], [np.array([0.0, 1.0])], ["a", "b"]).data[0].name == "b · 1"  # 0: no line
    assert "nan" not in alt_text(fig).lower() and "inf" not in alt_text(fig)
    assert alt_text(gradient_flow_figure([], [], ["a"])).endswith("no values yet.")


def test_rate_comparison_has_one_curve_per_rate_and_marks_divergence():
    curves = {"η = 0.01": history(6), "η = 0.5": history(6), "η = 1e+06": history(2)}
    fig = comparison_figure(curves, {"η = 0.01": None, "η = 0.5": None, "η = 1e+06": 3}, "half_sse", "mean")
    lines = [t for t in fig.data if t.showlegend is not False]
    assert [t.name.split(" ·")[0] for t in lines] == ["η = 0.01", "η = 0.5", "η = 1e+06"]
    assert lines[2].name == "η = 1e+06 · diverged at epoch 3"
    crosses = [t for t in fig.data if t.showlegend is False]
    assert len(crosses) == 1 and crosses[0].marker.symbol == "x" and list(crosses[0].x) == [2]
    assert len({t.line.color for t in lines}) == 3 and len({t.line.dash for t in lines}) == 3
    assert fig.layout.yaxis.type == "log"
    assert no_nan_in(fig)


def test_sample_figure_draws_prediction_and_error_of_each_tracked_sample():
    net = get_preset("xor").network()
    ds = make_dataset("xor", n=4, noise=0.0).for_outputs(1)
    run = Run(net, ds, None, 1, 0.5, tracked=[0, 1, 2, 3])
    run.go(20)
    while run.running:
        run.step(0.01)
    h = run.sample_history()
    fig = sample_figure(h)
    top = [t for t in fig.data if t.yaxis == "y"]
    bottom = [t for t in fig.data if t.yaxis == "y2"]
    assert len(top) == len(bottom) == 4
    assert np.allclose(top[1].y, h.prediction[:, 1]) and np.allclose(bottom[3].y, h.error[:, 3])
    assert list(top[0].x) == list(range(21))
    targets = sorted(shape.y0 for shape in fig.layout.shapes)
    assert targets == [0.0, 1.0]  # one dotted line per distinct target
    assert fig.layout.yaxis2.type == "linear" and sample_figure(h, log_error=True).layout.yaxis2.type == "log"


# -- what the network computes over its inputs ------------------------------------------------------
def circles():
    net = get_preset("circles").network()
    train, test = split(make_dataset("circles", n=300, noise=0.08).for_outputs(1), 0.2, 0)
    return net, train, test


def test_binary_boundary_paints_the_network_output_on_the_grid_with_the_half_contour():
    net, train, test = circles()
    fig = boundary_figure(net, train, test)
    heat = fig.data[0]
    assert np.asarray(heat.z).shape == (GRID, GRID)
    x, y = np.asarray(heat.x), np.asarray(heat.y)
    i, j = 7, 41
    assert heat.z[i][j] == pytest.approx(net.forward(np.array([[x[j], y[i]]]))[0, 0])
    contour = fig.data[1]
    assert contour.type == "contour" and contour.contours.start == contour.contours.end == 0.5
    points = [t for t in fig.data if t.type == "scatter"]
    assert sum(len(t.x) for t in points) == len(train) + len(test)
    assert {t.marker.symbol for t in points} == {"circle", "square", "circle-open", "square-open"}
    assert x[0] < min(train.X[:, 0].min(), test.X[:, 0].min()) and x[-1] > train.X[:, 0].max()
    assert no_nan_in(fig)


def test_multiclass_regions_encode_the_winning_class_and_its_sureness():
    net = get_preset("spiral").network()
    train = make_dataset("spiral", n=300, noise=0.2, classes=3).for_outputs(3)
    fig = boundary_figure(net, train)
    heat = fig.data[0]
    z = np.asarray(heat.z)
    grid = np.c_[np.meshgrid(heat.x, heat.y)[0].ravel(), np.meshgrid(heat.x, heat.y)[1].ravel()]
    winner = np.argmax(net.forward(grid), axis=1).reshape(GRID, GRID)
    assert np.array_equal(np.floor(z).astype(int), winner)
    assert z.min() >= 0 and z.max() < 3 and heat.zmax == 3
    assert len([t for t in fig.data if t.type == "scatter"]) == 3  # one per class, no test set


def test_big_sets_are_thinned_and_the_title_says_so():
    net = Network.initialise(NetworkSpec((2, 3, 1), ("tanh", "sigmoid"), "binary_cross_entropy"))
    big = make_dataset("moons", n=2 * MAX_POINTS + 10).for_outputs(1)
    fig = boundary_figure(net, big)
    assert sum(len(t.x) for t in fig.data if t.type == "scatter") == MAX_POINTS
    assert f"{MAX_POINTS + 10:,} points not drawn" in fig.layout.title.text


def test_fit_figure_draws_the_network_curve_over_the_points():
    spec = NetworkSpec((1, 8, 1), ("tanh", "linear"), "mse", "mean", seed=3)
    net = Network.initialise(spec)
    train, test = split(make_dataset("sine", n=60), 0.25, 0)
    fig = fit_figure(net, train, test)
    train_pts, test_pts, curve = fig.data
    assert len(train_pts.x) == len(train) and len(test_pts.x) == len(test)
    assert test_pts.marker.symbol == "circle-open"
    assert np.allclose(curve.y, net.forward(np.asarray(curve.x)[:, None])[:, 0])


def test_a_neurons_map_is_its_activation_on_the_grid_with_its_z_0_line_and_the_data():
    net, train, test = circles()
    fig = neuron_map_figure(net, 1, 5, train, test)
    heat, contour = fig.data[0], fig.data[1]
    maps = neuron_maps(net, (heat.x[0], heat.x[-1], heat.y[0], heat.y[-1]), GRID)
    assert np.asarray(heat.z).shape == (GRID, GRID)
    assert np.allclose(heat.z, maps.values[1][5], atol=1e-6) and np.allclose(contour.z, maps.z[0][5], atol=1e-5)
    assert contour.contours.start == contour.contours.end == 0
    assert heat.zmin == -heat.zmax and heat.zmax >= np.abs(maps.values[1][5]).max()
    assert sum(len(t.x) for t in fig.data if t.type == "scatter") == len(train) + len(test)
    assert fig.layout.title.text == "h1_6 · hidden 1 · tanh"
    assert fig.layout.title.subtitle.text == "a over the input plane · dashed: z = 0"
    assert fig.layout.meta["neuron"] == [1, 5] and "h1_6 from" in fig.layout.meta["alt"]
    assert np.allclose([heat.x[0], heat.x[-1]], fig.layout.xaxis.range)  # the decision boundary's plane
    assert np.allclose(boundary_figure(net, train, test).data[0].x, heat.x)


def test_a_softmax_neuron_has_no_z_0_line_and_an_input_is_x():
    net = get_preset("spiral").network()
    train = make_dataset("spiral", n=90, noise=0.2, classes=3).for_outputs(3)
    assert [t.type for t in neuron_map_figure(net, 3, 2, train).data[:2]] == ["heatmap", "scatter"]
    assert neuron_map_figure(net, 2, 0, train).data[1].type == "contour"  # a ReLU switches where z = 0
    x1 = neuron_map_figure(net, 0, 0, train)
    assert x1.layout.title.text.startswith("x1 · input") and x1.data[0].colorbar.title.text == "x"


def test_data_figure_picks_the_view_or_none():
    net, train, test = circles()
    assert data_figure(net, train, test).data[0].type == "heatmap"
    spec = NetworkSpec((1, 4, 1), ("tanh", "linear"), "mse")
    assert data_figure(Network.initialise(spec), make_dataset("sine", n=20)).data[-1].name == "network ŷ(x)"
    digits = get_preset("digits").network()
    assert data_figure(digits, make_dataset("digits").for_outputs(10)) is None


# -- confusion matrix -------------------------------------------------------------------------------
def test_confusion_figure_shows_the_counts_with_true_classes_down_and_predictions_across():
    net, train, test = circles()
    counts = confusion(net, test)
    fig = confusion_figure(counts, test.class_names, "Confusion matrix (test set)")
    heat = fig.data[0]
    assert np.array_equal(np.asarray(heat.z), counts)
    assert list(heat.x) == list(heat.y) == ["0", "1"]
    assert heat.texttemplate == "%{z}"
    assert fig.layout.xaxis.type == fig.layout.yaxis.type == "category"
    assert fig.layout.yaxis.autorange == "reversed"
    assert json.loads(fig.to_json())["layout"]["xaxis"]["title"]["text"] == "predicted class"


def test_the_live_figures_pass_plotlys_own_checks():
    """The figures the Train page redraws every tick skip plotly's validation (chart_layout.live_figure): here
    plotly checks every one of them, each kind of data included."""
    net, train, test = circles()
    spiral = get_preset("spiral").network()
    spiral_set = make_dataset("spiral", n=90, noise=0.2, classes=3).for_outputs(3)
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (40, 2))
    surface = Dataset("surface", X, np.sin(X[:, :1] * 3) * X[:, 1:], None, ("x1", "x2"))
    regression = Network.initialise(NetworkSpec((2, 5, 1), ("tanh", "linear"), "mse"))
    figures = [
        loss_figure(history(8), "mse", "mean", log_y=True, x_max=20),
        loss_figure(history(8, test=False), "cross_entropy", "sum", height=300, compact=True),
        accuracy_figure(history(8), x_max=20, height=280, compact=True),
        gradient_flow_figure([0, 4, 8], [np.array([1e-5, math.nan]), np.array([2e-5, 0.1]), np.array([0.0, 0.2])],
                             ["hidden 1 (W⁽¹⁾)", "output (W⁽²⁾)"], x_max=20),  # fmt: skip
        boundary_figure(net, train, test),
        boundary_figure(spiral, spiral_set),
        boundary_figure(regression, surface),
        neuron_map_figure(net, 1, 2, train, test),
        neuron_map_figure(spiral, 3, 0, spiral_set),
        neuron_map_figure(regression, 0, 1, surface),
    ]
    for fig in figures:
        go.Figure(fig.to_dict())  # raises on any property plotly does not know or a value it refuses
        assert no_nan_in(fig)


def _circles_sets():
    p = get_preset("circles")
    d = p.data
    data = make_dataset(d.name, n=d.n, noise=d.noise, seed=0, classes=d.classes)
    return p.network(), *split(data.for_outputs(1), d.test_fraction, 0)


def test_the_test_points_can_be_hidden_and_the_plane_still_spans_them():
    net, train_set, test_set = _circles_sets()
    shown = boundary_figure(net, train_set, test_set)
    hidden = boundary_figure(net, train_set, test_set, show_test=False)

    def names(fig):
        return [t.name for t in fig.data if t.type == "scatter"]

    assert any("(test)" in n for n in names(shown)) and not any("(test)" in n for n in names(hidden))
    assert shown.layout.xaxis.range == hidden.layout.xaxis.range  # the same plane, fewer points
    assert "60 test" not in hidden.layout.meta["alt"] and "60 test" in shown.layout.meta["alt"]


def test_a_discretized_output_paints_each_class_flat():
    net, train_set, test_set = _circles_sets()
    heat = next(t for t in boundary_figure(net, train_set, test_set, discrete=True).data if t.type == "heatmap")
    scale = [c for _, c in heat.colorscale]
    assert len(set(scale)) == 2 and scale[0] == scale[1] and scale[2] == scale[3]  # two flat colours split at 0.5
    spiral = get_preset("spiral")
    d = spiral.data
    data = make_dataset(d.name, n=d.n, noise=d.noise, seed=0, classes=d.classes).for_outputs(3)
    regions = next(t for t in boundary_figure(spiral.network(), data, None, discrete=True).data if t.type == "heatmap")
    z = np.asarray(regions.z)
    assert np.allclose(z - np.floor(z), 0.999)  # every point at full strength: the class, not its sureness
    assert boundary_figure(spiral.network(), data, None, discrete=True).layout.title.text.startswith("Decision regions")
