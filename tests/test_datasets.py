"""Datasets: every named set's shapes and encoding, the exact XOR truth table, seeds, stratified seeded
splits, and CSV files (label → classification, target columns → regression; every bad file a BpvizError)."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpviz import BpvizError, split
from bpviz.data.catalog import DATASETS, make_dataset
from bpviz.data.csvfile import MAX_COLUMNS, MAX_ROWS, read_csv
from bpviz.data.datasets import GATES

# name -> (inputs, outputs, classes or None) at n=200, classes=3
SHAPES = {
    "xor": (2, 1, 2),
    "and": (2, 1, 2),
    "or": (2, 1, 2),
    "circles": (2, 1, 2),
    "moons": (2, 1, 2),
    "spiral": (2, 3, 3),
    "gaussians": (2, 3, 3),
    "sine": (1, 1, None),
    "digits": (64, 10, 10),
    "worked": (2, 2, None),
    "textbook": (3, 1, None),
    "twobatch": (2, 2, None),
}
FIXED_SIZE = {"digits": 1797, "worked": 1, "textbook": 1, "twobatch": 2}


def test_every_named_dataset_is_covered():
    assert set(SHAPES) == set(DATASETS)


@pytest.mark.parametrize("name", DATASETS)
def test_shapes_and_encoding(name):
    n_in, n_out, classes = SHAPES[name]
    ds = make_dataset(name, n=200, noise=0.1, seed=3, classes=3)
    n = FIXED_SIZE.get(name, 200)
    assert abs(len(ds) - n) <= 2  # the spiral rounds n down to a multiple of its arms
    assert ds.X.shape == (len(ds), n_in) and ds.Y.shape == (len(ds), n_out)
    assert ds.X.dtype == ds.Y.dtype == np.float64
    assert np.all(np.isfinite(ds.X)) and np.all(np.isfinite(ds.Y))
    assert len(ds.feature_names) == n_in
    if classes is None:
        assert not ds.is_classification and ds.labels is None
        return
    assert ds.is_classification and ds.n_classes == classes and len(ds.class_names) == classes
    assert ds.labels.shape == (len(ds),) and set(np.unique(ds.labels)) == set(range(classes))
    if n_out == 1:
        np.testing.assert_array_equal(ds.Y[:, 0], ds.labels)
    else:
        np.testing.assert_array_equal(ds.Y, np.eye(classes)[ds.labels])


@pytest.mark.parametrize("classes", [2, 4, 7])
def test_class_count_of_spiral_and_gaussians(classes):
    for name in ("spiral", "gaussians"):
        ds = make_dataset(name, n=140, classes=classes)
        assert ds.n_classes == classes
        assert ds.Y.shape[1] == (1 if classes == 2 else classes)


@pytest.mark.parametrize("gate", sorted(GATES))
def test_gates_with_four_points_and_no_noise_are_the_truth_table(gate):
    ds = make_dataset(gate, n=4, noise=0.0, seed=123)
    truth = {"xor": [0, 1, 1, 0], "and": [0, 0, 0, 1], "or": [0, 1, 1, 1]}[gate]
    np.testing.assert_array_equal(ds.X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(ds.Y, np.array(truth, dtype=float)[:, None])
    np.testing.assert_array_equal(ds.labels, truth)


def test_noisy_xor_keeps_its_labels_near_the_corners():
    ds = make_dataset("xor", n=400, noise=0.05, seed=1)
    corners = np.rint(ds.X).astype(int)
    np.testing.assert_array_equal(ds.labels, corners[:, 0] ^ corners[:, 1])


def test_the_worked_example_is_the_published_sample():
    ds = make_dataset("worked")
    np.testing.assert_array_equal(ds.X, [[0.05, 0.10]])
    np.testing.assert_array_equal(ds.Y, [[0.01, 0.99]])


def test_the_textbook_example_is_the_published_sample():
    ds = make_dataset("textbook")
    np.testing.assert_array_equal(ds.X, [[1, 0, 1]])
    np.testing.assert_array_equal(ds.Y, [[1]])


def test_the_batch_example_is_the_published_pair_of_samples():
    ds = make_dataset("twobatch")
    np.testing.assert_array_equal(ds.X, [[3, 1], [-1, 4]])
    np.testing.assert_array_equal(ds.Y, [[1, 0], [0, 1]])


@pytest.mark.parametrize("name", ["xor", "circles", "moons", "spiral", "gaussians", "sine"])
def test_the_seed_reproduces_and_another_seed_differs(name):
    a, b, c = (make_dataset(name, n=50, noise=0.2, seed=s) for s in (4, 4, 5))
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.Y, b.Y)
    assert not np.array_equal(a.X, c.X)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"name": "mnist"}, "dataset"),
        ({"name": "xor", "n": 0}, "n"),
        ({"name": "xor", "n": 20_001}, "n"),
        ({"name": "xor", "n": 10.0}, "n"),
        ({"name": "xor", "noise": -0.1}, "noise"),
        ({"name": "xor", "noise": float("nan")}, "noise"),
        ({"name": "xor", "noise": 11}, "noise"),
        ({"name": "spiral", "classes": 1}, "classes"),
        ({"name": "spiral", "classes": 11}, "classes"),
    ],
)
def test_bad_arguments_name_their_field(kwargs, field):
    with pytest.raises(BpvizError) as err:
        make_dataset(**kwargs)
    assert err.value.field == field


# ---------------------------------------------------------------- split


def test_split_is_stratified_seeded_and_a_partition():
    ds = make_dataset("gaussians", n=300, classes=3, seed=0)
    train, test = split(ds, 0.2, seed=7)
    assert len(test) == 60 and len(train) == 240
    counts, test_counts = np.bincount(ds.labels), np.bincount(test.labels)
    assert np.all(np.abs(test_counts - 0.2 * counts) <= 1)
    rows = lambda d: {tuple(r) for r in d.X}  # noqa: E731
    assert rows(train) | rows(test) == rows(ds) and not rows(train) & rows(test)
    again, _ = split(ds, 0.2, seed=7)
    np.testing.assert_array_equal(again.X, train.X)
    other, _ = split(ds, 0.2, seed=8)
    assert not np.array_equal(other.X, train.X)
    for part in (train, test):
        np.testing.assert_array_equal(part.Y, np.eye(3)[part.labels])


def test_stratification_keeps_a_rare_class_in_both_parts():
    X = np.arange(100.0)[:, None]
    labels = np.array([1] * 10 + [0] * 90)
    text = "x,label\n" + "".join(f"{x},{lab}\n" for x, lab in zip(X[:, 0], labels))
    ds = read_csv(text)
    for seed in range(5):
        train, test = split(ds, 0.3, seed)
        assert np.bincount(test.labels).tolist() == [27, 3]


def test_split_without_a_test_part():
    ds = make_dataset("xor", n=4, noise=0.0)
    train, test = split(ds, 0.0, 0)
    assert test is None and train is ds
    train, test = split(ds, 0.1, 0)  # rounds to no test sample
    assert test is None and len(train) == 4


@pytest.mark.parametrize("fraction", [-0.1, 0.95, 0.99, 1.0, 1.5, float("nan")])
def test_bad_test_fraction(fraction):
    with pytest.raises(BpvizError) as err:
        split(make_dataset("xor"), fraction, 0)
    assert err.value.field == "test_fraction"


def test_regression_split():
    train, test = split(make_dataset("sine", n=100), 0.25, 0)
    assert len(train) == 75 and len(test) == 25 and test.labels is None


# ---------------------------------------------------------------- CSV


def test_csv_with_a_label_column_is_classification():
    text = "width,height,label\n1.0,2.0,cat\n3,4,dog\n5,6,cat\n7,8,bird\n"
    ds = read_csv(text.encode("utf-8"), "pets.csv")
    assert ds.name == "pets.csv" and ds.is_classification
    assert ds.feature_names == ("width", "height")
    assert ds.class_names == ("bird", "cat", "dog")
    np.testing.assert_array_equal(ds.X, [[1, 2], [3, 4], [5, 6], [7, 8]])
    np.testing.assert_array_equal(ds.labels, [1, 2, 1, 0])
    np.testing.assert_array_equal(ds.Y, np.eye(3)[[1, 2, 1, 0]])


def test_csv_with_two_classes_has_one_output():
    ds = read_csv("label,x\nyes,0.5\nno,-1\nyes,2\n")
    assert ds.class_names == ("no", "yes") and ds.Y.tolist() == [[1.0], [0.0], [1.0]]
    assert ds.for_outputs(2).Y.tolist() == [[0, 1], [1, 0], [0, 1]]


def test_csv_with_target_columns_is_regression():
    ds = read_csv("\ufeffx1, target_a ,x2,target_b\n1,10,2,20\n3,30,4,40\n")  # BOM and padded names
    assert not ds.is_classification
    assert ds.feature_names == ("x1", "x2")
    np.testing.assert_array_equal(ds.X, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(ds.Y, [[10, 20], [30, 40]])


def _rows(n: int) -> str:
    return "x,label\n" + "1,a\n2,b\n" * (n // 2) + ("1,a\n" if n % 2 else "")


def test_csv_size_limits_themselves_are_accepted():
    assert len(read_csv(_rows(MAX_ROWS))) == MAX_ROWS
    wide = ",".join(f"f{i}" for i in range(MAX_COLUMNS - 1)) + ",label\n"
    wide += ",".join(["1"] * (MAX_COLUMNS - 1)) + ",a\n" + ",".join(["2"] * (MAX_COLUMNS - 1)) + ",b\n"
    assert read_csv(wide).X.shape == (2, MAX_COLUMNS - 1)


GARBAGE = bytes(range(256)) * 4


@pytest.mark.parametrize(
    "data",
    [
        pytest.param("x,y\n1,2\n3,4\n", id="no label or target column"),
        pytest.param("label,target\n1,2\n3,4\n", id="both label and target"),
        pytest.param("label\na\nb\n", id="no feature column"),
        pytest.param("x,label\n1,a\nfoo,b\n", id="non-numeric feature"),
        pytest.param("x,target\n1,2\n3,bar\n", id="non-numeric target"),
        pytest.param("x,label\n1,a\n,b\n", id="empty feature cell"),
        pytest.param("x,label\n1,a\n2,\n", id="empty label cell"),
        pytest.param("x,label\ninf,a\n2,b\n", id="infinite feature"),
        pytest.param("x,label\nnan,a\n2,b\n", id="nan feature"),
        pytest.param("", id="empty"),
        pytest.param(b"", id="empty bytes"),
        pytest.param(" \n\n", id="blank lines"),
        pytest.param("x,label\n", id="header only"),
        pytest.param("x,label\n1,a\n2,a\n3,a\n", id="single class"),
        pytest.param("x,label\n" + "".join(f"{i},c{i}\n" for i in range(101)), id="more than 100 classes"),
        pytest.param(_rows(MAX_ROWS + 1), id="more than 100,000 rows"),
        pytest.param(_rows(MAX_ROWS + 1).replace("\n", "\r"), id="more than 100,000 rows ending in CR"),
        pytest.param(
            ",".join(f"f{i}" for i in range(MAX_COLUMNS)) + ",label\n" + ",".join(["1"] * MAX_COLUMNS) + ",a\n",
            id="more than 1,000 columns",
        ),
        pytest.param(GARBAGE, id="binary garbage"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", id="an image"),
        pytest.param(b"PK\x03\x04\x14\x00\x00\x00\x08\x00", id="a zip file"),
        pytest.param("x,label\n1,a\n2,b,3\n", id="ragged row"),
        pytest.param('x,label\n1,"a\n', id="unterminated quote"),
        pytest.param("x;label\n1;a\n2;b\n", id="semicolons"),
    ],
)
def test_bad_csv_is_a_bpviz_error(data):
    with pytest.raises(BpvizError) as err:
        read_csv(data)
    assert err.value.field == "csv"
    message = str(err.value)
    assert "\n" not in message and "np." not in message and "Traceback" not in message


@pytest.mark.parametrize(
    "text, why",
    [
        ("x,label\n1,a\n2,b,3\n", "line 3 has 3 fields, the header has 2"),
        ("\n\nx,label\n1,a\n\n2,b,3\n", "line 6 has 3 fields, the header has 2"),  # blank lines count
        ('x,label\n1,a\n2,"b\n', "line 3: a field's quotes are not closed or not followed by a comma"),
    ],
)
def test_a_csv_pandas_cannot_split_is_explained_in_our_words(text, why):
    """The reason is counted by bpviz, not pandas's tokenizer message."""
    with pytest.raises(BpvizError) as err:
        read_csv(text)
    assert str(err.value) == f"csv: could not read the file as CSV ({why})"


def test_bad_cells_are_named_by_column_and_row():
    with pytest.raises(BpvizError, match=r"column 'b', row 3: 'oops' is not a finite number"):
        read_csv("a,b,label\n1,2,x\n3,oops,y\n")
    with pytest.raises(BpvizError, match=r"column 'b', row 2: an empty cell"):
        read_csv("a,b,label\n1,,x\n3,4,y\n")


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=300),
        st.text(st.sampled_from(list('label,target01.-e\n"; xé\x00\r')), max_size=300),
        st.text(max_size=200).map(lambda t: "x,label\n" + t),
    )
)
def test_any_input_is_a_dataset_or_a_bpviz_error(data):
    """Whatever bytes arrive, the caller sees a Dataset or a BpvizError, never a pandas or decoding error."""
    try:
        ds = read_csv(data)
    except BpvizError:
        return
    assert np.all(np.isfinite(ds.X)) and np.all(np.isfinite(ds.Y)) and len(ds) >= 1
