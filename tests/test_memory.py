"""The memory cap: the estimate of a session's peak, its refusal text, the measured peaks it must cover, and the
pages refusing what would not fit (a link, an upload, Start) while keeping everything the user had."""

import math
import re
import sys
import tracemalloc
from dataclasses import replace

import numpy as np
import pytest
from conftest import ROOT, open_app

from bpviz import Network, NetworkSpec
from bpviz.data.catalog import DataSettings
from bpviz.engine.network import OUTPUT_BLOCK
from bpviz.engine.training import TrainSettings
from bpviz.figures import boundary
from bpviz.io import netfile
from bpviz.lesson import maps
from bpviz.lesson.presets import get_preset
from bpviz.runs import memory
from bpviz.runs.memory import MAX_SESSION_BYTES, MB, Load, advice, estimate, fits, load_of, refusal, total
from webui import design as design_ui
from webui import state
from webui import train as train_ui

sys.path.insert(0, str(ROOT / "scripts"))

BIG = Load((2, 4096, 240, 3), 20_000, 0.2)  # the link measured at +230 MB before the cap


def test_the_estimate_adds_up_its_parts_and_grows_with_every_size():
    small = Load((2, 8, 1), 300, 0.2)
    assert total(small) == sum(estimate(small).values()) and estimate(small)["session"] == memory.SESSION_BYTES
    for bigger in (Load((2, 64, 1), 300, 0.2), Load((2, 8, 1), 3000, 0.2), Load((2, 8, 1), 300, 0.2, batch_size=64),
                   Load((2, 8, 1), 300, 0.2, compared=4), Load((2, 8, 1), 300, 0.2, upload=10**6),
                   Load((2, 8, 1), 300, 0.2, columns=2)):  # fmt: skip
        assert total(bigger) > total(small), bigger


def test_the_parts_follow_their_formulas():
    load = Load((2, 100, 3), 1000, 0.25, batch_size=10, compared=2)
    P, S = 2 * 100 + 100 + 100 * 3 + 3, 105
    assert load.params == P and load.train_samples == 750
    parts = estimate(load)
    assert parts["networks"] == 8 * (P * 14 + 20 * P + P * 6 * 2)
    assert parts["data"] == 8 * 1000 * (2 + 3 + 0 + 1) * 4
    assert parts["passes"] == 8 * (2 * S * (10 + 512 + 8) + 2 * 100 * 1000)
    assert parts["maps"] == 8 * 4 * (24**2 * S + 60**2 * 4)
    block = 4096 * (OUTPUT_BLOCK // 4096)  # a whole set's pass holds one block of the widest layer
    assert estimate(Load((2, 4096, 3), 20_000))["passes"] == 8 * (2 * 4101 * (1 + 512 + 8) + 2 * block)


def test_the_grids_are_the_figures_grids():
    assert (memory.TILE_GRID, memory.GRID) == (maps.TILE_GRID, boundary.GRID)


def test_undo_is_counted_as_the_step_page_keeps_it():
    for layers in ((2, 2, 1), (64, 32, 16, 10), (2, 4096, 240, 3)):
        load = Load(layers, 1)
        kept = state.undo_depth(load.params) * load.params
        assert min(memory.UNDO_DEPTH * load.params, memory.UNDO_PARAMETERS) >= kept


def test_load_of_counts_the_samples_the_data_has():
    assert load_of((64, 32, 16, 10), DataSettings("digits", n=1797, noise=0.0, test_fraction=0.25)).samples == 1797
    assert load_of((2, 2, 2), DataSettings("worked", n=1, noise=0.0, test_fraction=0.0)).samples == 1
    spiral = load_of((2, 16, 3), DataSettings("spiral", n=5000, features=("x1sq", "x2sq")), batch_size=32)
    assert (spiral.samples, spiral.columns, spiral.batch_size, spiral.test_fraction) == (5000, 2, 32, 0.2)
    csv = load_of((3, 4, 1), DataSettings("csv"), csv=b"a,b,c,label\n1,2,3,x\n4,5,6,y\n")
    assert (csv.samples, csv.columns) == (2, 4)


def test_presets_fit_and_the_big_link_does_not():
    for key in ("xor", "worked", "circles", "spiral", "digits"):
        p = get_preset(key)
        assert fits(load_of(p.network().spec.layers, p.data, p.train.batch_size)), key
    assert not fits(BIG) and refusal(Load((2, 2, 1), 4)) is None


def _number(text: str, after: str) -> int:
    return int(re.search(after + r" ([\d,]+)", text).group(1).replace(",", ""))


def test_the_refusal_says_what_was_asked_the_estimate_the_cap_and_what_fits():
    text = refusal(BIG)
    assert text.startswith("a 2-4096-240-3 network on 20,000 samples would need about ")
    need = _number(text, "about")
    assert need == math.ceil(total(BIG) / MB) and need > 200 and "one session may use 200 MB" in text
    assert "layer 1 of at most " in text and "(now 4,096)" in text
    assert "nan" not in text.lower() and "inf " not in text.lower() and not text.endswith(".")
    most = _number(text, "layer 1 of at most")
    assert fits(Load((2, most, 240, 3), 20_000, 0.2)) and not fits(Load((2, most + 1, 240, 3), 20_000, 0.2))


def test_each_suggestion_fits_alone_and_one_more_would_not():
    load = Load((2, 4096, 10, 3), 20_000, 0.2, batch_size=20_000, compared=4)
    ways = advice(load)
    assert any("samples" in w for w in ways) and any("batch size" in w for w in ways)
    batch = _number(next(w for w in ways if "batch size" in w), "at most")
    assert fits(Load((2, 4096, 10, 3), 20_000, 0.2, batch_size=batch, compared=4))
    assert not fits(Load((2, 4096, 10, 3), 20_000, 0.2, batch_size=batch + 1, compared=4))


def test_a_file_too_big_to_read_is_refused_before_it_is_read():
    memory.check_file(5 * MB)  # the largest upload the server takes
    with pytest.raises(memory.BpvizError, match=r"file: reading a file of 20 MB would need about \d+ MB"):
        memory.check_file(20 * MB)


def test_outputs_in_blocks_are_the_same_numbers():
    net = Network.initialise(NetworkSpec((2, 4096, 3), ("relu", "softmax"), loss="cross_entropy"))
    X = np.random.default_rng(0).normal(size=(1200, 2))  # 3 blocks of 488 rows
    z, a = net.outputs(X)
    assert len(X) > OUTPUT_BLOCK // 4096 and z.shape == a.shape == (1200, 3)
    for start in (0, 488, 976):
        zb, ab = net.outputs(X[start : start + 100])
        np.testing.assert_array_equal(z[start : start + 100], zb)
        np.testing.assert_array_equal(a[start : start + 100], ab)


# -- measured: the estimate covers the peak a session reached and is within three times of it ----------------
@pytest.mark.parametrize("name", ["xor", "digits"])
def test_the_estimate_covers_a_measured_session(name):
    import bench_memory

    r = bench_memory.run(name)
    assert r["measured"] <= r["estimate"] <= 3 * max(r["measured"], memory.SESSION_BYTES / MB), r


@pytest.mark.slow
@pytest.mark.parametrize("name", ["spiral-wide", "spiral-link"])
def test_the_estimate_covers_a_measured_big_session(name):
    import bench_memory

    r = bench_memory.run(name)
    assert r["measured"] <= r["estimate"] <= 3 * r["measured"], r


def test_the_estimate_covers_reading_a_wide_network_file():
    import bench_memory

    text = bench_memory.network_file((2, 4096, 240, 3))  # 996,291 numbers in about 4.5 MB
    tracemalloc.start()
    try:
        netfile.read(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    part = estimate(Load((1, 1), 1, upload=len(text)))["file"]
    assert peak <= part <= 3 * peak, (peak, part)


# -- the doors ------------------------------------------------------------------------------------------------
BIG_LINK = {"net": "2-4096-240-3", "act": "relu.relu.smax", "loss": "cross_entropy", "data": "spiral", "n": "20000",
            "k": "3", "test": "0.2"}  # fmt: skip


def test_a_link_above_the_cap_opens_the_default_network_with_the_message():
    at = open_app("pages/2_Step.py", BIG_LINK)
    default = state.default_lesson()
    assert at.session_state[state.SHARED].net.spec == default.net.spec
    assert at.session_state[state.SHARED].data == default.data
    text = at.warning[0].value
    assert text.startswith("This share link could not be opened (memory: a 2-4096-240-3 network on 20,000 samples")
    assert "one session may use 200 MB" in text and "layer 1 of at most" in text


def test_an_upload_above_the_cap_is_refused_and_the_network_kept():
    at = open_app("pages/1_Design.py")
    before = at.session_state[state.SHARED].net
    import bench_memory

    text = bench_memory.network_file((2, 4096, 240, 3))  # weights of one decimal: under the 5 MB uploads may have
    assert len(text) <= 5 * MB
    at.file_uploader(key=design_ui.NET_UPLOAD).set_value(("wide.json", text, "application/json")).run()
    assert at.session_state[state.SHARED].net is before
    errors = [e.value for e in at.error]
    assert any(e.startswith("Could not import wide.json: memory: a 2-4096-240-3 network on ") for e in errors), errors
    assert any("Your network is unchanged." in e and "one session may use 200 MB" in e for e in errors)


def test_a_wider_layer_on_design_above_the_cap_is_not_applied():
    spiral = get_preset("spiral")  # 2-16-16-3
    at = open_app("pages/1_Design.py", net=spiral.network(), data=replace(spiral.data, n=20_000, test_fraction=0.2))
    at.number_input(key=design_ui.layer_key("units", 1)).set_value(4096).run()  # 2-4096-16-3: about 184 MB, fits
    assert at.session_state[state.SHARED].net.spec.layers == (2, 4096, 16, 3) and not at.error
    at.number_input(key=design_ui.layer_key("units", 2)).set_value(240).run()  # 2-4096-240-3: about 313 MB
    assert at.session_state[state.SHARED].net.spec.layers == (2, 4096, 16, 3)
    text = at.error[0].value
    assert text.startswith("Not applied: a 2-4096-240-3 network on 20,000 samples would need about ")
    assert text.endswith("The network keeps its last valid settings.") and "layer 2 of at most" in text


def test_start_above_the_cap_is_refused_and_nothing_is_lost():
    spec = NetworkSpec((2, 1024, 3), ("relu", "softmax"), loss="cross_entropy", learning_rate=0.05)
    data = DataSettings("spiral", n=20_000, noise=0.2, test_fraction=0.2)
    at = open_app("pages/3_Train.py", net=Network.initialise(spec), data=data,
                  train=TrainSettings(epochs=1, batch_size=16_000))  # fmt: skip
    before = at.session_state[state.SHARED].net
    at.button(key=train_ui.START).click().run()
    assert at.session_state[state.TRAIN].run is None and at.session_state[state.SHARED].net is before
    text = next(e.value for e in at.error if e.value.startswith("Not started:"))
    assert "in batches of 16,000 would need about" in text and "a batch size of at most" in text
    assert text.endswith(".") and "nan" not in text.lower()
    assert total(Load((2, 1024, 3), 20_000, 0.2, batch_size=16_000)) > MAX_SESSION_BYTES
