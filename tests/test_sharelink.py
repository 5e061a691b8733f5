"""Share links: every field round-trips; tampered links raise BpvizError, never anything else."""

import base64
import re
from dataclasses import fields, replace
from urllib.parse import parse_qsl, urlencode, urlsplit

import numpy as np
import pytest

from bpviz import BpvizError, Network, NetworkSpec
from bpviz.data.catalog import RENAMED, DataSettings
from bpviz.engine.optimisers import Optimiser, Penalty
from bpviz.engine.spec import SPEC_FIELDS
from bpviz.engine.training import TrainSettings
from bpviz.io.sharelink import (
    FIELDS,
    KEYS,
    MAX_SHARED_NUMBERS,
    MAX_TEXT_NUMBERS,
    MAX_VALUE_CHARS,
    Lesson,
    decode,
    encode,
    link,
    numbers_written,
    url_params,
)
from bpviz.lesson.presets import PRESETS, get_preset

DEFAULT = Lesson(PRESETS["xor"].network(), PRESETS["xor"].data)


def _lesson(spec: NetworkSpec, data: DataSettings, sample=0, stage=0, hand_set=False) -> Lesson:
    net = Network.initialise(spec)
    if hand_set:
        rng = np.random.default_rng(7)
        net.W = [rng.normal(size=w.shape) for w in net.W]
        if spec.bias != "none":
            net.b = [rng.normal(size=b.shape) for b in net.b]
    return Lesson(net, data, sample, stage)


LESSONS = [
    _lesson(PRESETS["worked"].spec, PRESETS["worked"].data, stage=5, hand_set=True),
    _lesson(
        NetworkSpec(
            (2, 5, 4, 3), ("tanh", "leaky_relu", "softmax"), "cross_entropy", "sum", "learned", "he", 123, 0.037
        ),
        DataSettings("spiral", 300, 0.25, 3, 0.3),
        sample=17,
        stage=9,
        hand_set=True,
    ),
    _lesson(
        NetworkSpec((1, 8, 1), ("relu", "linear"), "mse", "mean", "none", "xavier", 4_000_000_000, 1e-3),
        DataSettings("sine", 50, 0.0, 2, 0.0),
        sample=49,
        hand_set=True,
    ),
    _lesson(
        NetworkSpec(
            (2, 3, 1), ("sigmoid", "sigmoid"), "binary_cross_entropy", "mean", "frozen", "normal_scaled", 5, 2.0
        ),
        DataSettings("moons", 1000, 1.5, 4, 0.5),
    ),
    _lesson(PRESETS["digits"].spec, PRESETS["digits"].data, sample=1000, stage=3),
    _lesson(  # input features of the circles' points: one input each; the data's third draw
        NetworkSpec((3, 2, 1), ("tanh", "sigmoid"), "binary_cross_entropy", "mean"),
        DataSettings("circles", 200, 0.1, 3, 0.2, ("x1sq", "x2sq", "x1x2"), draw=3),
        sample=3,
        hand_set=True,
    ),
]
FEATURED = LESSONS[-1]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: "-".join(map(str, lesson.net.spec.layers)))
def test_round_trip_every_field(lesson):
    back = decode(encode(lesson), DEFAULT)
    assert back.net.spec == lesson.net.spec
    assert back.data == lesson.data
    assert (back.sample, back.stage) == (lesson.sample, lesson.stage)
    for got, want in zip((*back.net.W, *back.net.b), (*lesson.net.W, *lesson.net.b)):
        np.testing.assert_array_equal(got, want)


def test_a_link_made_before_the_worked_example_was_renamed_opens_it():
    """The 2-2-2 worked example's data was once called by another name in links, files and the command line
    (``catalog.RENAMED``): the old name opens the same lesson, and a link written now uses the new one."""
    lesson = LESSONS[0]
    params = encode(lesson)
    assert params["data"] == "worked"
    for old, new in RENAMED.items():
        back = decode({**params, "data": old}, DEFAULT)
        assert back.data == lesson.data and back.data.name == new and back.net.spec == lesson.net.spec
        assert get_preset(old) is get_preset(new)


def test_the_step_batch_travels_and_is_left_out_at_one_sample():
    data = DataSettings("circles", n=50)
    net = Network.initialise(NetworkSpec((2, 3, 1), ("tanh", "sigmoid"), "binary_cross_entropy"))
    batch = Lesson(net, data, sample=48, stage=2, batch=3)  # rows 48, 49, 0
    params = encode(batch)
    assert params["batch"] == "3" and "batch" not in encode(Lesson(net, data, sample=48))
    assert decode(params, DEFAULT).batch == 3 and decode(encode(Lesson(net, data)), DEFAULT).batch == 1
    for bad in ("0", "9", "x"):  # k is 1 to 8
        with pytest.raises(BpvizError, match="batch"):
            decode({**params, "batch": bad}, DEFAULT)
    one = encode(Lesson(Network.initialise(PRESETS["worked"].spec), PRESETS["worked"].data))
    with pytest.raises(BpvizError, match="batch"):  # no more samples than the data has
        decode(one | {"batch": "2"}, DEFAULT)


TRAINED = TrainSettings(7, 3, Optimiser("adam", 0.5, 0.8, 0.99, 0.9, 1e-6), Penalty("l1", 0.002))  # none default


def test_the_field_table_covers_every_setting_of_a_lesson_once():
    """A spec, data or training setting missing from FIELDS would silently take its default in every opened
    link; training settings at their defaults are left out of a link."""
    parts = ("spec", "data", "step", "net", "train", "mode")
    held = {part: [f.attr for f in FIELDS if f.part == part] for part in parts}
    assert sorted(held["spec"]) == sorted(SPEC_FIELDS)
    assert sorted(held["data"]) == sorted(f.name for f in fields(DataSettings))
    assert held["step"] == ["sample", "batch", "stage"] and held["net"] == [None] and held["mode"] == ["reveal"]
    assert {f.part for f in FIELDS} == set(parts)
    nested = {"optimiser": Optimiser, "penalty": Penalty}
    every = [f"{f.name}.{g.name}" if f.name in nested else f.name for f in fields(TrainSettings)
             for g in (fields(nested[f.name]) if f.name in nested else [None])]  # fmt: skip
    assert sorted(held["train"]) == sorted(every)
    assert len(set(KEYS)) == len(KEYS) == len(FIELDS)
    assert list(encode(replace(FEATURED, train=TRAINED, batch=2, reveal=True))) == list(KEYS)
    left_out = {f.key for f in FIELDS if f.part in ("train", "mode")} | {"feat", "draw", "batch"}  # at defaults
    assert list(encode(LESSONS[0])) == [f.key for f in FIELDS if f.key not in left_out]


def test_predict_then_reveal_travels_as_reveal_1_and_only_when_on():
    on = replace(LESSONS[0], reveal=True)
    assert encode(on)["reveal"] == "1" and "reveal" not in encode(LESSONS[0])
    assert decode(encode(on), DEFAULT).reveal is True
    assert decode(encode(LESSONS[0]), replace(DEFAULT, reveal=True)).reveal is False  # an older link: off
    assert decode({**encode(LESSONS[0]), "reveal": "0"}, DEFAULT).reveal is False
    with pytest.raises(BpvizError, match=re.escape("reveal: 'yes' is not 1 (on) or 0 (off)")):
        decode({**encode(LESSONS[0]), "reveal": "yes"}, DEFAULT)


def test_training_settings_round_trip_and_old_links_open_with_the_defaults():
    link_params = encode(replace(LESSONS[1], train=TRAINED))
    assert decode(link_params, DEFAULT).train == TRAINED
    assert decode(encode(LESSONS[1]), replace(DEFAULT, train=TRAINED)).train == TrainSettings()


@pytest.mark.parametrize(
    "key, value, words",
    [
        ("opt", "lbfgs", "unknown optimiser 'lbfgs'"),
        ("ep", "0", "epochs: 0; choose a whole number from 1 to 100,000"),
        ("bs", "two", "bs: 'two' is not a whole number"),
        ("b2", "1.5", "choose β₂ from 0 to 0.999999"),
        ("reg", "l3", "unknown kind 'l3'"),
        ("lam", "nan", "lam: 'nan' is not a finite number"),
    ],
)
def test_tampered_training_settings_are_named(key, value, words):
    with pytest.raises(BpvizError, match=re.escape(words)):
        decode({**encode(LESSONS[1]), key: value}, DEFAULT)


def test_input_features_travel_as_feat_and_only_when_chosen():
    assert encode(FEATURED)["feat"] == "x1sq.x2sq.x1x2"
    assert all("feat" not in encode(lesson) for lesson in LESSONS[:-1])  # the raw (x1, x2): as links always were
    assert decode({**encode(LESSONS[3]), "feat": "x1.x2"}, DEFAULT).data == LESSONS[3].data


@pytest.mark.parametrize(
    "feat, message",
    [
        ("x1.x3", "features: unknown input feature 'x3'; choose from x1, x2, x1sq, x2sq, x1x2, sin_x1, sin_x2"),
        ("x1.x1", "features: 'x1' is chosen twice; each input feature is one input"),
    ],
)
def test_a_link_with_bad_features_is_refused(feat, message):
    with pytest.raises(BpvizError) as err:
        decode({**encode(FEATURED), "feat": feat}, DEFAULT)
    assert str(err.value) == message


def test_weights_travel_only_when_hand_set_and_small():
    assert "w" not in encode(LESSONS[3])
    assert "w" in encode(LESSONS[0])
    big = _lesson(NetworkSpec((30, 30, 3), ("tanh", "sigmoid")), DataSettings("gaussians"), hand_set=True)
    assert numbers_written(big.net.spec) == 1_023 > MAX_SHARED_NUMBERS
    assert "w" not in encode(big)


@pytest.mark.parametrize("layers", [(2, 16, 16, 3), (78, 12, 4)])  # a trained spiral (371), the most (1,000)
def test_bigger_weights_travel_packed_and_exact_within_the_length_a_server_takes(layers):
    spec = NetworkSpec(layers, ("relu",) * (len(layers) - 2) + ("softmax",), "cross_entropy", "mean")
    lesson = _lesson(spec, DataSettings("spiral", classes=layers[-1]), hand_set=True)
    params = encode(lesson)
    assert MAX_TEXT_NUMBERS < numbers_written(spec) <= MAX_SHARED_NUMBERS and params["w"].startswith("z")
    assert len(urlencode(params)) < MAX_VALUE_CHARS  # the whole link's query, not only its weights
    back = decode(params, DEFAULT).net
    assert all(a.tobytes() == b.tobytes() for a, b in zip((*back.W, *back.b), (*lesson.net.W, *lesson.net.b)))


@pytest.mark.parametrize(
    "packed, words",
    [
        ("z" + "A" * 5, "not URL-safe base64"),
        ("zAAAA+AAA", "not URL-safe base64"),
        ("zAAAAAAA", "5 bytes, not 8 a number"),
        ("z" + base64.urlsafe_b64encode(np.full(371, np.nan).tobytes()).decode(), "holds a NaN or infinite value"),
    ],
    ids=["5 characters", "a plus sign", "5 bytes", "NaN"],
)
def test_tampered_packed_weights_are_named(packed, words):
    spec = NetworkSpec((2, 16, 16, 3), ("relu", "relu", "softmax"), "cross_entropy", "mean")
    params = {**encode(_lesson(spec, DataSettings("spiral"), hand_set=True)), "w": packed}
    with pytest.raises(BpvizError, match=re.escape(words)):
        decode(params, DEFAULT)


def test_typical_link_is_short():
    worked_example = Lesson(PRESETS["worked"].network(), PRESETS["worked"].data, stage=4)
    assert len(urlencode(encode(worked_example))) < 250
    assert len(urlencode(encode(LESSONS[4]))) < 200


def test_missing_keys_take_defaults():
    back = decode({"net": "2-4-1"}, DEFAULT)
    assert back.net.spec.layers == (2, 4, 1)
    assert back.net.spec.loss == DEFAULT.net.spec.loss
    assert back.data == DEFAULT.data


MALFORMED = [
    {"net": "2-3-x"},
    {"net": "-".join(["3"] * 1000)},
    {"net": "2-0-1"},
    {"net": "2-99999-1"},
    {"net": "2-²-1"},
    {"act": "sig.bogus"},
    {"act": "smax.sig"},
    {"loss": "cross_entropy"},
    {"red": "median"},
    {"bias": "sometimes"},
    {"init": "zeros"},
    {"seed": "-1"},
    {"seed": "1e3"},
    {"lr": "nan"},
    {"lr": "-0.5"},
    {"lr": "fast"},
    {"data": "imagenet"},
    {"n": "99999999"},
    {"noise": "inf"},
    {"test": "1.5"},
    {"sample": "4"},
    {"stage": "-2"},
    {"w": "1_2_3"},
    {"w": "_".join(["nan"] * 9)},
    {"w": "_".join(["x"] * 9)},
    {"net": "64-32-10", "act": "sig.sig", "w": "_".join(["0.1"] * 2410)},
    {"data": "csv"},
    {"lr": "1" * 9000},
]


@pytest.mark.parametrize("params", MALFORMED, ids=lambda p: ",".join(f"{k}={v[:12]}" for k, v in p.items()))
def test_tampered_links_raise_bpviz_error(params):
    with pytest.raises(BpvizError):
        decode(params, DEFAULT)


def test_url_params_keep_other_keys_and_replace_the_lesson():
    query = {"net": "9-9-9", "stage": "3", "present": "1", "utm": "x"}
    params = url_params(query, LESSONS[0], present=False)
    assert params == {"utm": "x", **encode(LESSONS[0])}
    assert url_params(query, LESSONS[0], present=True)["present"] == "1"
    assert url_params(query, None, present=True) == {"utm": "x", "present": "1"}  # an uploaded CSV: no lesson


def test_link_is_the_page_url_with_its_query():
    assert link("http://host:8501/Step", {}) == "http://host:8501/Step"
    url = link("http://host:8501/Step", encode(LESSONS[0]))
    assert url.startswith("http://host:8501/Step?net=2-2-2&")
    query = dict(parse_qsl(urlsplit(url).query))
    assert decode(query, DEFAULT).stage == 5
