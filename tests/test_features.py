"""Input features of 2-D data (bpviz/data/features.py): the registry, the datasets built with them, every
picture of the plane expanding its grid the same way, the names, the link, the CLI and the Design page; and
what they are for: circles separated with no hidden layer."""

import json
import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT, open_app

from bpviz import BpvizError, Network, NetworkSpec, split
from bpviz.data import datasets as D
from bpviz.data.catalog import DATA_DEFAULTS, DataSettings, make_dataset
from bpviz.data.features import DEFAULT_FEATURES, FEATURES, check_features, expand, plane
from bpviz.figures.boundary import boundary_figure, data_figure, data_maps
from bpviz.figures.diagram.figure import network_figure
from bpviz.figures.neuron_map import neuron_map_figure
from bpviz.io import netfile
from bpviz.lesson.equations import explain
from bpviz.lesson.names import Names
from bpviz.lesson.presets import MOMENTUM
from bpviz.lesson.stages import walk
from bpviz.runs.run import Run
from webui import design as design_ui
from webui import state
from webui import train_diagram as view

CIRCLES = DATA_DEFAULTS["circles"]  # 300 points, noise 0.08, a fifth held out for testing
SQUARES = ("x1sq", "x2sq")


# -- the registry ------------------------------------------------------------------------------------------
def test_each_feature_is_its_function_of_the_point():
    points = np.array([[0.5, -2.0], [-1.5, 3.0], [0.0, 0.25]])
    x1, x2 = points.T
    want = {"x1": x1, "x2": x2, "x1sq": x1 * x1, "x2sq": x2 * x2, "x1x2": x1 * x2,
            "sin_x1": np.sin(x1), "sin_x2": np.sin(x2)}  # fmt: skip
    assert list(FEATURES) == list(want)
    X = expand(points, tuple(want))
    assert X.shape == (3, 7)
    for j, key in enumerate(want):
        np.testing.assert_array_equal(X[:, j], want[key], err_msg=key)
    assert [FEATURES[k].label for k in want] == ["x1", "x2", "x1²", "x2²", "x1·x2", "sin x1", "sin x2"]


def test_expand_on_a_grid_keeps_the_order_asked_for():
    g1, g2 = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-2, 2, 4))
    points = np.c_[g1.ravel(), g2.ravel()]
    X = expand(points, ("x1x2", "x1"))
    np.testing.assert_array_equal(X, np.c_[points[:, 0] * points[:, 1], points[:, 0]])
    np.testing.assert_array_equal(expand(points, DEFAULT_FEATURES), points)


@pytest.mark.parametrize(
    "keys, message",
    [
        (("x1", "x3"), "features: unknown input feature 'x3'; choose from x1, x2, x1sq, x2sq, x1x2, sin_x1, sin_x2"),
        (("x1sq", "x1sq"), "features: 'x1sq' is chosen twice; each input feature is one input"),
        ((), "features: no input feature chosen; choose at least one of x1, x2, x1sq, x2sq, x1x2, sin_x1, sin_x2"),
        (["x1"], "features: ['x1'] is not a tuple of input feature keys"),
    ],
)
def test_a_bad_choice_is_refused_by_name(keys, message):
    with pytest.raises(BpvizError) as err:
        check_features(keys)
    assert str(err.value) == message


@pytest.mark.parametrize("name", ["digits", "sine", "worked", "textbook", "csv"])
def test_only_points_of_the_plane_take_features(name):
    with pytest.raises(BpvizError, match="input features are for 2-D points"):
        DataSettings(name, features=SQUARES)
    DataSettings(name)  # the default, the raw inputs, is every dataset's


# -- datasets built with features ----------------------------------------------------------------------------
def test_a_dataset_with_features_has_them_as_inputs_and_keeps_its_points():
    raw = make_dataset("moons", n=50, noise=0.1, seed=3)
    ds = make_dataset("moons", n=50, noise=0.1, seed=3, features=("x2", "x1x2", "sin_x1"))
    np.testing.assert_array_equal(ds.points, raw.X)
    np.testing.assert_array_equal(ds.X, np.c_[raw.X[:, 1], raw.X[:, 0] * raw.X[:, 1], np.sin(raw.X[:, 0])])
    assert ds.feature_names == ("x2", "x1·x2", "sin x1") and ds.features == ("x2", "x1x2", "sin_x1")
    np.testing.assert_array_equal(ds.labels, raw.labels)
    train, test = split(ds, 0.3, 0)
    for part in (train, test):  # the split keeps every row's point with its features
        np.testing.assert_array_equal(part.X, expand(part.points, ds.features))


def test_the_default_features_leave_a_dataset_exactly_as_drawn():
    ds = make_dataset("circles", n=40, noise=0.05, seed=1)
    np.testing.assert_array_equal(ds.X, D.circles(40, 0.05, 1).X)
    assert ds.points is None and ds.feature_names == ("x1", "x2")
    assert plane(ds).features == DEFAULT_FEATURES and plane(ds).points is ds.X
    assert plane(make_dataset("digits")) is None


# -- every picture of the plane uses the features -----------------------------------------------------------
def circle_net() -> Network:
    """A 2-1 sigmoid net on (x1², x2²): ŷ = σ(0.5 − x1² − x2²), above 0.5 exactly inside the circle r² = 0.5."""
    spec = NetworkSpec((2, 1), ("sigmoid",), "binary_cross_entropy", "mean")
    return Network.from_arrays(spec, [np.array([[-1.0, -1.0]])], [np.array([0.5])])


def squares_sets():
    ds = make_dataset("circles", CIRCLES.n, CIRCLES.noise, 0, features=SQUARES)
    return split(ds, CIRCLES.test_fraction, 0)


def at_point(fig, x1: float, x2: float) -> float:
    """The painted output at the grid cell nearest (x1, x2)."""
    heat = fig.data[0]
    c, r = np.abs(np.asarray(heat.x) - x1).argmin(), np.abs(np.asarray(heat.y) - x2).argmin()
    return float(np.asarray(heat.z)[r, c])


def test_a_net_on_squared_features_draws_a_circular_boundary_over_the_plane():
    train, test = squares_sets()
    fig = data_figure(circle_net(), train, test)
    assert fig is not None and fig.layout.xaxis.title.text == "x1" and fig.layout.yaxis.title.text == "x2"
    assert at_point(fig, 0.0, 0.0) > 0.6  # inside the circle, on every side of it: no straight line does that
    for x1, x2 in ((0.95, 0.0), (-0.95, 0.0), (0.0, 0.95), (0.0, -0.95)):
        assert at_point(fig, x1, x2) < 0.45
    scatter = [t for t in fig.data if t.type == "scatter"]
    drawn = np.concatenate([np.c_[t.x, t.y] for t in scatter])
    assert np.abs(drawn).max() <= 1.2 and np.sort(drawn[:, 0]).tolist() == np.sort(
        np.r_[train.points[:, 0], test.points[:, 0]]).tolist()  # the points, not their squares  # fmt: skip


def test_tiles_and_the_neuron_map_are_the_features_over_the_same_grid():
    train, test = squares_sets()
    net = circle_net()
    maps = data_maps(net, train, test)
    g1, g2 = np.meshgrid(maps.x1, maps.x2)
    assert maps.values[0].shape == (2, len(maps.x2), len(maps.x1))
    np.testing.assert_allclose(maps.values[0][0], g1**2)
    np.testing.assert_allclose(maps.values[0][1], g2**2)
    np.testing.assert_allclose(maps.values[1][0], 1 / (1 + np.exp(-(0.5 - g1**2 - g2**2))))
    big = neuron_map_figure(net, 0, 1, train, test, names=Names(net.spec, None, SQUARES))
    np.testing.assert_allclose(np.asarray(big.data[0].z), np.meshgrid(big.data[0].x, big.data[0].y)[1] ** 2, 1e-6)
    assert big.layout.title.text.startswith("x2²")
    assert len(network_figure(net, maps=maps).layout.images) == 3  # a tile on each of the 3 nodes


def test_three_features_get_three_input_tiles():
    ds = make_dataset("xor", 4, 0.0, 0, features=("x1", "x2", "x1x2"))
    net = Network.initialise(NetworkSpec((3, 2, 1), ("tanh", "sigmoid")))
    maps = data_maps(net, ds, None)
    assert [v.shape[0] for v in maps.values] == [3, 2, 1]
    g1, g2 = np.meshgrid(maps.x1, maps.x2)
    np.testing.assert_allclose(maps.values[0][2], g1 * g2)
    assert view.has_maps(net, ds) and not view.has_maps(net, make_dataset("xor", 4, 0.0, 0))


# -- names ---------------------------------------------------------------------------------------------------
def test_inputs_are_named_by_their_features_on_the_diagram_and_in_the_equations():
    net = Network.initialise(NetworkSpec((3, 2, 1), ("tanh", "sigmoid")))
    names = Names(net.spec, None, ("x1", "x1sq", "sin_x2"))
    assert names.nodes(0) == ["x1", "x1²", "sin x2"] and names.node(1, 0) == "h1_1"
    assert Names(net.spec, None, SQUARES).nodes(0) == ["x1", "x2", "x3"]  # features that do not fit: bpviz's own
    w = walk(net, [0.5, 0.25, np.sin(-1.0)], [1.0])
    latex = explain(w, 0, ("node", 0, 1), names=names).equations[0].latex
    assert latex == r"a^{(0)}_{2} = x_{1}^{2} = 0.2500"
    assert r"\sin x_{2}" in explain(w, 0, ("node", 0, 2), names=names).equations[0].latex
    hover = network_figure(net, names=names).to_json()
    assert "x1² · input" in hover and "x1² → h1_1" in hover and "sin x2 · input" in hover


# -- what it is for: circles with no hidden layer --------------------------------------------------------------
def train_circles(features: tuple[str, ...], epochs: int = 300) -> Run:
    """A 2-1 (one input per feature) sigmoid net with binary cross-entropy trained on the circles preset's data
    with ``features``, as the Train page trains it: the data the app draws for these settings, its split, a
    Run driven to the end with the circles preset's batch size 16 and momentum 0.9."""
    data = DataSettings("circles", CIRCLES.n, CIRCLES.noise, CIRCLES.classes, CIRCLES.test_fraction, features)
    spec = NetworkSpec((len(features), 1), ("sigmoid",), "binary_cross_entropy", "mean", "learned", "xavier", 0, 0.5)
    net = Network.initialise(spec)
    ds = make_dataset(data.name, data.n, data.noise, spec.seed, data.classes, data.features)
    train_set, test_set = split(ds.for_outputs(1), data.test_fraction, spec.seed)
    run = Run(net, train_set, test_set, 16, spec.learning_rate, MOMENTUM)
    run.go(epochs)
    while run.running:
        run.step(60.0)
    return run


@pytest.mark.parametrize("features", [SQUARES, ("x1", "x2", "x1sq", "x2sq")])
def test_circles_with_squared_features_need_no_hidden_layer(features):
    run = train_circles(features)
    assert run.history[-1].test_accuracy >= 0.95, run.history[-1]
    fig = boundary_figure(run.net, run.train_set, run.test_set)
    assert (at_point(fig, 0.0, 0.0) > 0.5) != (at_point(fig, 1.0, 1.0) > 0.5)  # the centre is the other class


def test_circles_on_x1_and_x2_alone_with_no_hidden_layer_stay_near_chance():
    """The same run on the raw point: a straight line cannot separate circles (the test above can fail)."""
    assert train_circles(DEFAULT_FEATURES).history[-1].test_accuracy < 0.7


# -- what travels ------------------------------------------------------------------------------------------------
def run_cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bpviz", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)  # fmt: skip


def test_the_cli_trains_on_features(tmp_path):
    path = tmp_path / "circle.json"
    spec = NetworkSpec((2, 1), ("sigmoid",), "binary_cross_entropy", "mean", "learned", "xavier", 0, 0.5)
    path.write_text(netfile.dumps(Network.initialise(spec)))
    done = run_cli("train", path, "--data", "circles", "--features", "x1sq,x2sq", "--epochs", 300, "--batch-size",
                   16, "--momentum", 0.9)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1])["test_accuracy"] >= 0.95
    raw = run_cli("train", path, "--data", "circles", "--epochs", 300, "--batch-size", 16, "--momentum", 0.9)
    assert json.loads(raw.stdout.splitlines()[-1])["test_accuracy"] < 0.7


@pytest.mark.parametrize(
    "args, line",
    [
        (("--data", "circles", "--features", "x1,x3"), "error: features: unknown input feature 'x3'; choose from "
         "x1, x2, x1sq, x2sq, x1x2, sin_x1, sin_x2"),
        (("--data", "circles", "--features", "x1sq,x2sq,x1x2"), "error: data: 3 features but the network has 2 inputs"),
        (("--data", "digits", "--features", "x1sq,x2sq"), "error: features: input features are for 2-D points; "
         "8×8 handwritten digits keeps its own inputs"),
    ],
)  # fmt: skip
def test_the_cli_refuses_bad_features_in_one_line(tmp_path, args, line):
    path = tmp_path / "net.json"
    path.write_text(netfile.dumps(Network.initialise(NetworkSpec((2, 1), ("sigmoid",)))))
    done = run_cli("train", path, *args, "--epochs", 1)
    assert (done.returncode, done.stderr.strip()) == (2, line)


def test_a_link_with_features_opens_them_on_the_design_page():
    params = {"net": "3-1", "act": "sig", "loss": "binary_cross_entropy", "data": "circles", "n": "300",
              "noise": "0.08", "test": "0.2", "feat": "x1.x1sq.x2sq"}  # fmt: skip
    at = open_app("pages/1_Design.py", params)
    shared = at.session_state[state.SHARED]
    assert shared.data.features == ("x1", "x1sq", "x2sq") and shared.net.spec.layers == (3, 1)
    assert at.multiselect(key=design_ui.FEATURES).value == ["x1", "x1sq", "x2sq"]
    assert at.query_params["feat"] == "x1.x1sq.x2sq"


# -- the Design page -----------------------------------------------------------------------------------------------
def diagram_json(at) -> str:
    (chart,) = [c for c in at.get("plotly_chart") if c.proto.id.endswith(design_ui.DIAGRAM)]
    return chart.proto.spec


def test_design_toggles_a_feature_and_the_input_layer_follows():
    at = open_app("pages/1_Design.py")  # XOR 2-2-1
    assert at.multiselect(key=design_ui.FEATURES).value == ["x1", "x2"]
    assert "x1²" not in diagram_json(at)
    at.multiselect(key=design_ui.FEATURES).select("x1sq").run()
    assert not at.exception
    shared = at.session_state[state.SHARED]
    assert shared.data.features == ("x1", "x2", "x1sq") and shared.net.spec.layers == (3, 2, 1)
    assert "x1²" in diagram_json(at)
    assert any("New weights drawn from the seed" in t.value for t in at.toast)
    assert any("x1, x2, x1²" in c.value for c in at.caption)  # the input layer's row names its neurons
    assert at.query_params["feat"] == "x1.x2.x1sq"
    at.multiselect(key=design_ui.FEATURES).unselect("x1").unselect("x2").unselect("x1sq").run()
    assert "no input feature chosen" in " ".join(e.value for e in at.error).replace("\\", "")
    assert at.session_state[state.SHARED].net.spec.layers == (3, 2, 1)  # the last valid network stays


def test_features_are_offered_only_for_points_of_the_plane():
    at = open_app("pages/1_Design.py")
    at.selectbox(key=design_ui.DATASET).select("digits").run()
    assert not at.exception and not [m for m in at.multiselect if m.key == design_ui.FEATURES]


def test_the_train_page_draws_the_plane_of_a_net_on_features():
    data = DataSettings("circles", CIRCLES.n, CIRCLES.noise, CIRCLES.classes, CIRCLES.test_fraction, SQUARES)
    at = open_app("pages/3_Train.py", net=circle_net(), data=data)
    charts = {c.proto.id.rsplit("-", 1)[-1]: json.loads(c.proto.spec) for c in at.get("plotly_chart")}
    diagram = charts[view.DIAGRAM]
    assert len(diagram["layout"]["images"]) == 3 and "x1²" in json.dumps(diagram["data"], ensure_ascii=False)
    assert view.NEURON_CHART in charts and any("Each tile" in c.value for c in at.caption)
