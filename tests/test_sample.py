"""Picking the sample: typed vectors and dataset rows."""

import numpy as np
import pytest

from bpviz import BpvizError
from bpviz.data.catalog import make_dataset
from bpviz.data.samples import dataset_sample, digit_image
from bpviz.io.text import format_vector, parse_vector


@pytest.mark.parametrize("text", ["0.05, 0.1", "0.05 0.1", "(0.05; 0.1)", " [0.05,0.1] ", "5e-2, .1"])
def test_parse_vector_reads_common_forms(text):
    np.testing.assert_array_equal(parse_vector(text, 2, "x"), [0.05, 0.1])


@pytest.mark.parametrize(
    "text, message",
    [("1", "expected 2 numbers, got 1"), ("1, a", "'a' is not a number"), ("1, inf", "finite"), ("", "got 0")],
)
def test_parse_vector_names_the_problem(text, message):
    with pytest.raises(BpvizError, match=message) as err:
        parse_vector(text, 2, "x")
    assert err.value.field == "x"


def test_format_vector_round_trips():
    values = np.array([0.1, 1 / 3, -2.0, 1e-12])
    np.testing.assert_array_equal(parse_vector(format_vector(values), 4, "x"), values)
    assert format_vector([0.5, 2.0]) == "0.5, 2"


def test_dataset_sample():
    ds = make_dataset("digits").for_outputs(10)
    x, y, what = dataset_sample(ds, 5)
    assert x.shape == (64,) and y.tolist() == np.eye(10)[ds.labels[5]].tolist()
    assert what == f"class {ds.labels[5]}"
    _, _, what = dataset_sample(make_dataset("sine", n=5), 0)
    assert what == ""
    with pytest.raises(BpvizError, match="from 0 to 1796"):
        dataset_sample(ds, 1797)


def test_digit_image_is_dark_ink_on_white_with_sharp_pixels():
    x = np.zeros(64)
    x[9] = 1.0  # row 1, column 1
    image = digit_image(x)
    assert image.shape == (96, 96) and image.min() == 0.0 and image.max() == 1.0
    assert (image[12:24, 12:24] == 0).all() and (image[:12, :] == 1).all()
