"""Fuzz: network files, CSV files and share links drawn by Hypothesis go through the readers the app uses
(``netfile.loads``, ``read_csv``, ``sharelink.decode`` with the pages' fit check), and whatever they accept
through what the pages then show (the Step walk, its equations at every stage, its tables and diagram, the
data figure, the gradient check). Every input must end in a network or dataset, or in a BpvizError: no other
exception, no NumPy RuntimeWarning, and never a number that is not finite on display.

Seeded and bounded: ``derandomize=True`` (the same examples on every run), FILE_EXAMPLES network files and
EXAMPLES CSV files and links, a DEADLINE per example; the three take about 30 seconds together on 2 cores.
"""

import json
import re
import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpviz import BpvizError, Network
from bpviz.data.catalog import DATA_DEFAULTS, make_dataset
from bpviz.data.csvfile import read_csv
from bpviz.data.datasets import describe_dataset, fits
from bpviz.engine.gradcheck import gradient_check
from bpviz.figures.boundary import data_figure
from bpviz.figures.diagram import network_figure
from bpviz.io import netfile, sharelink
from bpviz.lesson.equations import explain
from bpviz.lesson.presets import PRESETS
from bpviz.lesson.selection import element_choices, neuron_choices
from bpviz.lesson.shown import stage_view
from bpviz.lesson.stages import walk
from bpviz.lesson.tables import neuron_table, weight_tables

EXAMPLES = 120  # per reader; network files, which are walked through in full, get FILE_EXAMPLES
FILE_EXAMPLES = 80
DEADLINE = 3000  # ms per example
FUZZ = settings(max_examples=EXAMPLES, deadline=DEADLINE, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip
NON_FINITE = re.compile(r"(?<![a-z])(nan|inf|infinity)(?![a-z])", re.IGNORECASE)
SMALL = 40  # parameters up to which an accepted network is walked through in full (equations, check, diagram)

FLOATS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.sampled_from([0.0, -0.0, 1e308, -1e308, 1e300, 5e-324, 1e6, 2e6, 1e-7, 0.5, 1000.0, -1000.0]),
)
NUMBERS = st.one_of(FLOATS, st.integers(-(10**400), 10**400))
WORDS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["sigmoid", "tanh", "relu", "softmax", "linear", "leaky_relu", "half_sse", "cross_entropy",
                     "binary_cross_entropy", "mse", "mean", "sum", "learned", "frozen", "none", "xavier", "he",
                     "[x](javascript:alert(1))", "<img src=x>", "NaN", "true"]),  # fmt: skip
)
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), NUMBERS, WORDS), lambda inner: st.lists(inner, max_size=4), max_leaves=12
)


def assert_finite_display(*texts: str) -> None:
    for text in texts:
        assert not NON_FINITE.search(text), text


def strings(value) -> list[str]:
    """Every string in a figure's JSON (its texts, names, titles and templates; never its coordinates)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in strings(v)]
    if isinstance(value, np.ndarray) and value.dtype.kind in "OUS":
        return [str(v) for v in value.ravel()]
    return []


def show_like_the_pages(net: Network, x, y) -> None:
    """What the Step page shows of (x, y) through ``net``: a walk (or the BpvizError naming what overflowed),
    and for a small network every stage's equations, tables and diagram, and the gradient check."""
    try:
        w = walk(net, x, y)
    except BpvizError as err:
        assert_finite_display(err.message.replace("is inf", "").replace("is −inf", "").replace("is NaN", ""))
        return
    last = len(w.stages) - 1
    spec = net.spec
    if spec.n_params > SMALL:
        assert_finite_display(*(eq.latex or "" for eq in explain(w, last, ("node", spec.depth, 0)).equations))
        return
    for index in (0, spec.depth * 2 + 1, last):
        for anchor in neuron_choices(spec):
            for element in element_choices(spec, *anchor):
                assert_finite_display(*(eq.latex or "" for eq in explain(w, index, element).equations))
        for layer in range(spec.depth + 1):
            frames = [neuron_table(w, index, layer), *(weight_tables(w, index, layer).values() if layer else [])]
            assert all(np.isfinite(f.to_numpy(dtype=float)).all() for f in frames)
        assert_finite_display(*strings(network_figure(net, view=stage_view(w, index)).to_plotly_json()))
    check = gradient_check(net, x, y)
    assert_finite_display(check.verdict)
    assert np.isfinite(check.relative_error).all()


def quiet(read, *args):
    """``read(*args)`` with every NumPy RuntimeWarning an error; a BpvizError gives None."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        try:
            return read(*args)
        except BpvizError:
            return None


@st.composite
def network_files(draw) -> bytes:
    """A preset's network file with a few fields replaced by anything JSON holds, or its text cut, doubled or
    with a key repeated."""
    doc = netfile.to_dict(PRESETS[draw(st.sampled_from(["xor", "worked", "circles"]))].network())
    if draw(st.booleans()):  # one weight replaced: a huge one, a boolean, a list, text, …
        doc["weights"][0][0][draw(st.integers(0, 1))] = draw(JSON_VALUES)
    for key in draw(st.lists(st.sampled_from([*netfile.KEYS, "extra"]), max_size=3)):
        doc[key] = draw(JSON_VALUES)
    text = json.dumps(doc, allow_nan=True)
    kind = draw(st.sampled_from(["as is", "as is", "cut", "repeat a key", "NaN"]))
    if kind == "cut":
        text = text[: draw(st.integers(0, len(text)))]
    elif kind == "repeat a key":
        text = text.replace('"seed":', '"seed": 1, "seed":', 1)
    elif kind == "NaN":
        text = text.replace("0.5", "NaN", 1)
    return text.encode()


@settings(FUZZ, max_examples=FILE_EXAMPLES)
@given(network_files(), st.lists(FLOATS, min_size=64, max_size=64))
def test_network_files(content, values):
    net = quiet(netfile.loads, content)
    if net is None:
        return
    n_in, n_out = net.spec.layers[0], net.spec.layers[-1]
    x, y = np.array(values[:n_in]), np.clip(np.abs(values[n_in : n_in + n_out]), 0, 1)
    if net.spec.loss == "cross_entropy":
        y = np.eye(n_out)[0]
    quiet(show_like_the_pages, net, x, y)


CELLS = st.one_of(
    NUMBERS.map(repr), st.sampled_from(["", "nan", "NaN", "inf", "-inf", "1e999", "true", "NA", " ", '"1,2"']), WORDS
)


@st.composite
def csv_files(draw) -> bytes:
    """A CSV of a few rows: feature columns, a label or target column, cells of any kind, rows of any length."""
    n_features = draw(st.integers(1, 3))
    header = [draw(st.one_of(st.sampled_from(["f1", "f2", "f3"]), WORDS)) for _ in range(n_features)]
    header.append(draw(st.sampled_from(["label", "target", "target2", "class"])))
    rows = [",".join(header)]
    for _ in range(draw(st.integers(0, 6))):
        width = draw(st.sampled_from([len(header), len(header), len(header) - 1, len(header) + 1]))
        rows.append(",".join(draw(CELLS) for _ in range(width)))
    return ("\n".join(rows) + "\n").encode()


@FUZZ
@given(csv_files())
def test_csv_files(content):
    ds = quiet(read_csv, content, "[x](javascript:alert(1)).csv")
    if ds is None:
        return
    assert np.isfinite(ds.X).all() and np.isfinite(ds.Y).all()
    assert_finite_display(describe_dataset(ds))
    n_in, n_out = ds.X.shape[1], ds.Y.shape[1]
    spec = PRESETS["xor"].spec.replace(layers=(n_in, 3, n_out), activations=("tanh", "sigmoid"))
    net = Network.initialise(spec)
    figure = quiet(data_figure, net, ds)
    if figure is not None:
        texts = strings(figure.to_plotly_json())
        assert_finite_display(*texts)
        assert not any("<a" in t or "<img" in t for t in texts), texts
    quiet(show_like_the_pages, net, ds.X[0], ds.Y[0])


LINK_VALUES = st.one_of(
    st.text(max_size=20),
    NUMBERS.map(repr),
    st.sampled_from(["2-2-1", "2-4096-4096-1", "2-0-1", "sig.sig", "relu.lin", "smax", "csv", "xor", "worked",
                     "1e300_1e300_1e300_1e300_0_0_1e300_1e300_0", "_".join(["1e308"] * 12), "nan", "1e6", "2e6"]),
)  # fmt: skip


@FUZZ
@given(st.dictionaries(st.sampled_from([*sharelink.KEYS, "present"]), LINK_VALUES, max_size=5))
def test_share_links(params):
    preset = PRESETS["worked"]
    default = sharelink.Lesson(preset.network(), preset.data)
    lesson = quiet(sharelink.decode, {**sharelink.encode(default), **params}, default)
    if lesson is None:
        return
    settings_ = lesson.data
    ds = quiet(make_dataset, settings_.name, settings_.n, settings_.noise, lesson.net.spec.seed, settings_.classes)
    if ds is None or settings_.name == "digits" or not fits(lesson.net.spec.layers, ds):
        return  # the page says the link's network does not fit its data
    ds = ds.for_outputs(lesson.net.spec.layers[-1])
    quiet(show_like_the_pages, lesson.net, ds.X[lesson.sample], ds.Y[lesson.sample])


def test_the_defaults_used_here_are_the_apps():
    assert DATA_DEFAULTS["worked"] == PRESETS["worked"].data
