"""The data's draw number (``DataSettings.draw``): draw 0 is the data every lesson had before draws existed, bit
for bit; another draw is another sample and another split from the same network seed; a draw is reproduced
exactly; it travels in share links (left out at 0), network files and the command line."""

import json

import numpy as np
import pytest

from bpviz import Trainer, get_preset, make_dataset, split
from bpviz.data.catalog import DATA_DEFAULTS, MAX_DRAW, SOURCES, DataSettings, draws_anew
from bpviz.engine.errors import BpvizError
from bpviz.io import netfile
from bpviz.io.cli import main
from bpviz.io.sharelink import Lesson, decode, encode
from bpviz.lesson.presets import PRESETS

NOISY = tuple(name for name, s in SOURCES.items() if "noise" in s.knobs)
SEEDS = (0, 7, 2**32 - 1)


def drawn(d: DataSettings, seed: int):
    """(dataset, (train, test)) of settings ``d`` for a network of seed ``seed``, as the pages and the CLI draw
    them: the data and its split both from ``d.seed_for(seed)``."""
    data_seed = d.seed_for(seed)
    ds = make_dataset(d.name, d.n, d.noise, data_seed, d.classes, d.features)
    return ds, split(ds, d.test_fraction, data_seed)


def same(a, b) -> bool:
    return a.X.tobytes() == b.X.tobytes() and a.Y.tobytes() == b.Y.tobytes()


def settings(name: str, draw: int = 0) -> DataSettings:
    """A noisy sample of ``name`` (the gates off their exact truth table) with a test set."""
    return DataSettings(name, n=60, noise=0.2, classes=3, test_fraction=0.25, draw=draw)


def test_every_generated_dataset_offers_a_noise_and_a_draw():
    assert NOISY == ("xor", "and", "or", "circles", "moons", "spiral", "gaussians", "sine")


@pytest.mark.parametrize("name", NOISY)
@pytest.mark.parametrize("seed", SEEDS)
def test_draw_0_is_the_data_and_split_of_the_network_seed_bit_for_bit(name, seed):
    d = settings(name)
    ds, (train, test) = drawn(d, seed)
    before = make_dataset(name, 60, 0.2, seed, 3)  # how the data was drawn before draws existed
    old_train, old_test = split(before, 0.25, seed)
    assert same(ds, before) and same(train, old_train) and same(test, old_test)


@pytest.mark.parametrize("name", NOISY)
@pytest.mark.parametrize("seed", SEEDS)
def test_another_draw_is_another_sample_and_split_and_the_same_draw_reproduces_it(name, seed):
    (ds0, (train0, _)), (ds1, (train1, test1)) = drawn(settings(name), seed), drawn(settings(name, 1), seed)
    assert not np.array_equal(ds0.X, ds1.X)
    assert not np.array_equal(train0.X, train1.X)
    again, (train_again, test_again) = drawn(settings(name, 1), seed)
    assert same(again, ds1) and same(train_again, train1) and same(test_again, test1)
    assert not np.array_equal(drawn(settings(name, 2), seed)[0].X, ds1.X)


def test_draws_are_not_the_next_seeds_data():
    """Not seed + draw: draw 1 of seed 0 is not draw 0 of seed 1."""
    d = settings("circles", 1)
    assert d.seed_for(0) not in (0, 1) and not same(drawn(d, 0)[0], drawn(settings("circles"), 1)[0])


def test_the_split_follows_the_draw_for_fixed_data():
    """The digits are one fixed set: another draw keeps every image but holds out others."""
    d0, d1 = DATA_DEFAULTS["digits"], DataSettings("digits", 1797, 0.0, 3, 0.25, draw=1)
    (ds0, (_, test0)), (ds1, (_, test1)) = drawn(d0, 0), drawn(d1, 0)
    assert same(ds0, ds1) and not np.array_equal(test0.X, test1.X)


def test_a_truth_table_has_no_other_draw():
    xor = DATA_DEFAULTS["xor"]
    assert not draws_anew(xor) and same(drawn(xor, 0)[0], drawn(DataSettings("xor", 4, 0.0, 3, 0.0, draw=5), 0)[0])
    assert draws_anew(DataSettings("xor", 4, 0.1)) and draws_anew(DataSettings("xor", 40, 0.0))
    assert not any(draws_anew(DATA_DEFAULTS[name]) for name in ("digits", "worked", "textbook", "csv"))


@pytest.mark.parametrize("draw", [-1, MAX_DRAW + 1, 1.5, True, "2", None])
def test_a_bad_draw_is_refused_with_its_range(draw):
    with pytest.raises(BpvizError) as err:
        DataSettings("circles", draw=draw)
    assert str(err.value) == f"draw: {draw!r} is not a whole number from 0 to {MAX_DRAW}"
    assert DataSettings("circles", draw=MAX_DRAW).draw == MAX_DRAW


# --- share links ----------------------------------------------------------------------------------------------
DEFAULT = Lesson(PRESETS["xor"].network(), PRESETS["xor"].data)
CIRCLES = Lesson(PRESETS["circles"].network(), PRESETS["circles"].data)


def test_a_draw_travels_in_a_link_and_draw_0_is_left_out():
    assert "draw" not in encode(CIRCLES)
    redrawn = Lesson(CIRCLES.net, DataSettings("circles", 300, 0.08, 3, 0.2, draw=3))
    params = encode(redrawn)
    assert params["draw"] == "3" and list(params).index("draw") == list(params).index("test") + 1
    assert decode(params, DEFAULT).data == redrawn.data and decode(params, DEFAULT).net.spec == CIRCLES.net.spec
    at_0 = decode({**params, "draw": "0"}, DEFAULT)
    assert at_0.data == CIRCLES.data and "draw" not in encode(at_0)


@pytest.mark.parametrize(
    "text, message",
    [("x", "draw: 'x' is not a whole number"), ("-1", f"draw: -1 is not a whole number from 0 to {MAX_DRAW}")],
)
def test_a_link_with_a_bad_draw_is_refused(text, message):
    with pytest.raises(BpvizError) as err:
        decode({**encode(CIRCLES), "draw": text}, DEFAULT)
    assert str(err.value) == message


# --- network files ------------------------------------------------------------------------------------------
def test_a_draw_travels_in_the_network_file_and_old_files_draw_0():
    data = DataSettings("spiral", 300, 0.2, 3, 0.2, draw=12)
    text = netfile.dumps(PRESETS["spiral"].network(), data=data)
    assert json.loads(text)["data"]["draw"] == 12 and netfile.read(text).data == data
    old = json.loads(text)
    del old["data"]["draw"]  # a file written before draws existed
    assert netfile.read(json.dumps(old)).data.draw == 0


def test_a_network_file_with_a_bad_draw_is_refused():
    doc = json.loads(netfile.dumps(PRESETS["spiral"].network(), data=PRESETS["spiral"].data))
    doc["data"]["draw"] = -2
    with pytest.raises(BpvizError, match="^draw: -2 is not a whole number"):
        netfile.read(json.dumps(doc))


# --- the command line ---------------------------------------------------------------------------------------
def test_train_with_a_draw_trains_on_that_draw_and_keeps_it_in_the_file(tmp_path, capsys):
    preset = get_preset("circles")
    path, out = tmp_path / "circles.json", tmp_path / "trained.json"
    path.write_text(netfile.dumps(preset.network(), train=preset.train, data=preset.data))
    finals = {}
    for draw in (0, 3):
        assert main(["train", str(path), "--epochs", "3", "--draw", str(draw), "--out", str(out)]) == 0
        finals[draw] = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert netfile.read(out.read_text()).data == DataSettings("circles", 300, 0.08, 3, 0.2, draw=3)
    _, (train, test) = drawn(netfile.read(out.read_text()).data, preset.spec.seed)
    t = preset.train
    trainer = Trainer(preset.network(), train, test, t.batch_size, None, t.optimiser, t.penalty)
    *_, last = trainer.run(3)
    assert finals[3]["train_loss"] == last.train_loss and finals[3]["test_loss"] == last.test_loss
    assert finals[0]["train_loss"] != finals[3]["train_loss"]


def test_train_refuses_a_bad_draw(tmp_path, capsys):
    path = tmp_path / "circles.json"
    path.write_text(netfile.dumps(get_preset("circles").network(), data=get_preset("circles").data))
    assert main(["train", str(path), "--draw", "-1"]) == 2
    assert capsys.readouterr().err == f"error: draw: -1 is not a whole number from 0 to {MAX_DRAW}\n"
