"""Share links made before the codec was rewritten around one field table: they still open the same lesson
and re-encode to the same query, so no link anyone has sent or bookmarked changes meaning."""

from urllib.parse import parse_qsl, urlencode

import numpy as np
import pytest

from bpviz import Network, NetworkSpec
from bpviz.data.catalog import DataSettings
from bpviz.io.sharelink import PRESENT, Lesson, decode, url_params
from bpviz.lesson.presets import PRESETS

DEFAULT = Lesson(PRESETS["xor"].network(), PRESETS["xor"].data)

WORKED_EXAMPLE = (
    "net=2-2-2&act=sig.sig&loss=half_sse&red=sum&bias=frozen&init=uniform&seed=0&lr=0.5&data=worked&n=1&noise=0"
    "&k=3&test=0&sample=0&stage=5&w=0.15_0.2_0.25_0.3_0.35_0.35_0.4_0.45_0.5_0.55_0.6_0.6"
)
CIRCLES_PRESENTED = (
    "net=2-8-1&act=tanh.sig&loss=binary_cross_entropy&red=mean&bias=learned&init=xavier&seed=0&lr=0.5"
    "&data=circles&n=300&noise=0.08&k=3&test=0.2&sample=12&stage=2&present=1"
)
SPIRAL = (
    "net=2-16-16-3&act=relu.relu.smax&loss=cross_entropy&red=mean&bias=learned&init=he&seed=42&lr=0.1"
    "&data=spiral&n=300&noise=0.2&k=3&test=0.2&sample=123&stage=9"
)
HAND_SET_XOR = (
    "net=2-2-1&act=sig.sig&loss=half_sse&red=sum&bias=learned&init=normal_scaled&seed=0&lr=0.5&data=xor&n=4"
    "&noise=0&k=3&test=0&sample=3&stage=10"
    "&w=0.08890469193522228_0.30000000000000004_-1e-05_0.07417558418617765_0_0_2_0.2556863153700186_-0.75"
)
SOME_KEYS = "net=2-4-1&act=lrelu.sig&seed=7&lr=0.25&data=moons&noise=0.3&stage=4"
SOME_KEYS_IN_FULL = (
    "net=2-4-1&act=lrelu.sig&loss=half_sse&red=sum&bias=learned&init=normal_scaled&seed=7&lr=0.25&data=moons"
    "&n=4&noise=0.3&k=3&test=0&sample=0&stage=4"
)

# (link, the lesson it opens: spec, data, sample, stage, and W, b when the link carries them)
HELD = {
    "worked example": (
        WORKED_EXAMPLE,
        NetworkSpec((2, 2, 2), ("sigmoid", "sigmoid"), "half_sse", "sum", "frozen", "uniform", 0, 0.5),
        DataSettings("worked", 1, 0.0, 3, 0.0),
        (0, 5),
        ([[[0.15, 0.2], [0.25, 0.3]], [[0.4, 0.45], [0.5, 0.55]]], [[0.35, 0.35], [0.6, 0.6]]),
    ),
    "circles presented": (
        CIRCLES_PRESENTED,
        NetworkSpec((2, 8, 1), ("tanh", "sigmoid"), "binary_cross_entropy", "mean", "learned", "xavier", 0, 0.5),
        DataSettings("circles", 300, 0.08, 3, 0.2),
        (12, 2),
        None,
    ),
    "spiral": (
        SPIRAL,
        NetworkSpec((2, 16, 16, 3), ("relu", "relu", "softmax"), "cross_entropy", "mean", "learned", "he", 42, 0.1),
        DataSettings("spiral", 300, 0.2, 3, 0.2),
        (123, 9),
        None,
    ),
    "hand-set xor": (
        HAND_SET_XOR,
        NetworkSpec((2, 2, 1), ("sigmoid", "sigmoid"), "half_sse", "sum", "learned", "normal_scaled", 0, 0.5),
        DataSettings("xor", 4, 0.0, 3, 0.0),
        (3, 10),
        (
            [[[0.08890469193522228, 0.30000000000000004], [-1e-05, 0.07417558418617765]], [[2.0, 0.2556863153700186]]],
            [[0.0, 0.0], [-0.75]],
        ),
    ),
    "some keys": (
        SOME_KEYS,
        NetworkSpec((2, 4, 1), ("leaky_relu", "sigmoid"), "half_sse", "sum", "learned", "normal_scaled", 7, 0.25),
        DataSettings("moons", 4, 0.3, 3, 0.0),
        (0, 4),
        None,
    ),
}


@pytest.mark.parametrize("name", HELD)
def test_a_held_link_opens_the_same_lesson(name):
    link, spec, data, (sample, stage), params = HELD[name]
    lesson = decode(dict(parse_qsl(link)), DEFAULT)
    assert lesson.net.spec == spec
    assert lesson.data == data
    assert (lesson.sample, lesson.stage) == (sample, stage)
    net = Network.initialise(spec) if params is None else Network.from_arrays(spec, *params)
    for got, want in zip((*lesson.net.W, *lesson.net.b), (*net.W, *net.b)):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("name", HELD)
def test_a_held_link_encodes_back_to_the_same_query(name):
    """Every key in the order it had; a link with only some keys comes back with all of them."""
    link = HELD[name][0]
    query = dict(parse_qsl(link))
    again = url_params({}, decode(query, DEFAULT), present=query.get(PRESENT) == "1")
    assert urlencode(again) == (SOME_KEYS_IN_FULL if link == SOME_KEYS else link)
