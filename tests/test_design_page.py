"""The Design page in AppTest: edits reach the shared network, refused ones are explained, files import once."""

import json

import numpy as np
import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from bpviz import Network, NetworkSpec
from bpviz.data.catalog import DataSettings
from bpviz.design.edits import is_initial
from bpviz.engine.optimisers import Optimiser, Penalty
from bpviz.engine.training import TrainSettings
from bpviz.io import netfile
from bpviz.lesson.presets import PRESETS
from webui import design as design_ui
from webui import state

DESIGN = str(ROOT / "pages" / "1_Design.py")


def design() -> AppTest:
    """The Design page opened first in a fresh session (the XOR preset)."""
    at = AppTest.from_file(DESIGN, default_timeout=60).run()
    assert not at.exception
    return at


def net(at: AppTest) -> Network:
    return at.session_state[state.SHARED].net


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def weights_key(at: AppTest, k: int) -> str:
    return design_ui.weights_key(k, at.session_state[state.SHARED].version)


def diagram_spec(at: AppTest) -> str:
    """The network diagram's figure JSON."""
    (chart,) = [c for c in at.get("plotly_chart") if c.proto.id.endswith(design_ui.DIAGRAM)]
    return chart.proto.spec


def same_parameters(a: Network, b: Network) -> bool:
    return all(np.array_equal(p, q) for p, q in zip((*a.W, *a.b), (*b.W, *b.b)))


def upload(at: AppTest, key: str, name: str, content: bytes, mime: str) -> AppTest:
    at.file_uploader(key=key).set_value((name, content, mime)).run()
    assert not at.exception
    return at


def upload_network(at: AppTest, name: str, content: str | bytes) -> AppTest:
    data = content.encode() if isinstance(content, str) else content
    return upload(at, design_ui.NET_UPLOAD, name, data, "application/json")


def test_opens_first_with_the_default_network_in_its_widgets():
    at = design()
    spec = net(at).spec
    assert at.number_input(key=design_ui.layer_key("units", 1)).value == spec.layers[1]
    assert at.selectbox(key=design_ui.LOSS).value == spec.loss
    assert at.selectbox(key=design_ui.DATASET).value == at.session_state[state.SHARED].data.name
    assert len(at.latex) >= 2 and errors(at) == []


def test_add_a_layer_resize_it_change_activations_and_remove_one():
    at = design()
    at.button(key=design_ui.ADD_LAYER).click().run()
    assert net(at).spec.layers == (2, 2, 2, 1) and is_initial(net(at))
    assert [t.value for t in at.toast] == ["New weights drawn from the seed: N(0, 1)/√fan-in, seed 0."]
    at.number_input(key=design_ui.layer_key("units", 2)).set_value(5).run()
    assert net(at).spec.layers == (2, 2, 5, 1)
    assert "h2_5" in diagram_spec(at)  # the diagram redrew
    before = net(at)
    at.selectbox(key=design_ui.layer_key("act", 1)).select("tanh").run()
    at.number_input(key=design_ui.LR).set_value(0.25).run()
    at.radio(key=design_ui.REDUCTION).set_value("mean").run()
    after = net(at)
    assert after.spec.activations == ("tanh", "sigmoid", "sigmoid")
    assert (after.spec.learning_rate, after.spec.reduction) == (0.25, "mean")
    assert same_parameters(after, before)  # no structural change: the weights stay
    assert not at.toast
    at.button(key=design_ui.layer_key("remove", 1)).click().run()
    assert net(at).spec.layers == (2, 5, 1) and net(at).spec.activations == ("sigmoid", "sigmoid")
    assert errors(at) == [] and not at.exception


def test_a_refused_combination_is_explained_beside_it_and_the_network_stays():
    at = design()
    before = net(at)
    at.selectbox(key=design_ui.LOSS).select("cross_entropy").run()
    assert net(at) is before
    assert len(errors(at)) == 1 and "cross_entropy needs a softmax output layer" in errors(at)[0]
    at.selectbox(key=design_ui.layer_key("act", 1)).select("softmax").run()
    assert net(at) is before and "only allowed on the output layer" in errors(at)[0]
    at.selectbox(key=design_ui.layer_key("act", 1)).select("sigmoid").run()
    at.selectbox(key=design_ui.OUT_ACTIVATION).select("softmax").run()  # now the whole draft is valid
    spec = net(at).spec
    assert (spec.loss, spec.activations[-1], spec.layers[-1]) == ("cross_entropy", "softmax", 2)
    assert errors(at) == []
    assert at.selectbox(key=design_ui.N_OUT).value == 2


def test_switching_datasets_resizes_input_and_output():
    at = design()
    at.selectbox(key=design_ui.DATASET).select("spiral").run()
    assert net(at).spec.layers == (2, 2, 3)
    assert at.session_state[state.SHARED].data.name == "spiral" and at.number_input(key=design_ui.N).value == 300
    at.number_input(key=design_ui.CLASSES).set_value(5).run()
    assert net(at).spec.layers == (2, 2, 5)
    spiral = net(at)
    at.number_input(key=design_ui.NOISE).set_value(0.3).run()
    assert net(at) is spiral and at.session_state[state.SHARED].data.noise == 0.3  # same sizes: same weights
    at.selectbox(key=design_ui.DATASET).select("digits").run()
    assert net(at).spec.layers == (64, 2, 10)
    at.selectbox(key=design_ui.DATASET).select("sine").run()
    assert net(at).spec.layers == (1, 2, 1) and at.session_state[state.SHARED].data.name == "sine"
    assert errors(at) == []


def test_seed_init_and_the_reinitialise_button_draw_weights_from_the_seed():
    at = design()
    at.number_input(key=design_ui.SEED).set_value(7).run()
    assert net(at).spec.seed == 7 and is_initial(net(at))
    at.selectbox(key=design_ui.INIT).select("he").run()
    assert net(at).spec.init == "he" and is_initial(net(at))
    at.session_state[weights_key(at, 0)] = {
        "edited_rows": {0: {"x1": 3.0}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not is_initial(net(at))
    at.button(key=design_ui.REINIT).click().run()
    assert is_initial(net(at)) and net(at).spec.seed == 7


def test_bias_mode_none_zeroes_biases_and_keeps_weights():
    at = design()
    before = net(at)
    at.selectbox(key=design_ui.BIAS).select("none").run()
    assert all(np.all(b == 0) for b in net(at).b)
    assert all(np.array_equal(w, v) for w, v in zip(net(at).W, before.W))


def test_editing_a_weight_and_a_bias_in_the_table():
    at = design()
    before = net(at)
    at.session_state[weights_key(at, 0)] = {
        "edited_rows": {0: {"x2": 1.25}, 1: {"bias": -0.5}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    after = net(at)
    assert after.W[0][0, 1] == 1.25 and after.b[0][1] == -0.5
    expected_W0 = before.W[0].copy()
    expected_W0[0, 1] = 1.25
    np.testing.assert_array_equal(after.W[0], expected_W0)
    np.testing.assert_array_equal(after.W[1], before.W[1])
    assert errors(at) == [] and not at.exception


def test_an_empty_cell_is_refused_and_the_weights_stay():
    at = design()
    before = net(at)
    at.session_state[weights_key(at, 1)] = {
        "edited_rows": {0: {"h1_2": None}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert net(at) is before
    assert any("row ŷ1, column h1_2: enter a finite number" in e for e in errors(at))


def test_importing_a_valid_file_replaces_the_network_and_keeps_fitting_data():
    at = design()
    other = Network.initialise(NetworkSpec((2, 3, 1), ("tanh", "sigmoid"), seed=11, learning_rate=0.05))
    upload_network(at, "mine.json", netfile.dumps(other))
    assert same_parameters(net(at), other) and net(at).spec == other.spec
    assert at.session_state[state.SHARED].data.name == "xor"
    assert any("Imported mine.json" in s.value for s in at.success)
    assert at.number_input(key=design_ui.layer_key("units", 1)).value == 3  # the widgets follow
    at.run()  # the same upload is still in the widget: it is not imported again
    assert net(at).spec == other.spec


def test_importing_a_network_for_other_data_switches_the_dataset():
    at = design()
    upload_network(at, "digits.json", netfile.dumps(PRESETS["digits"].network()))
    assert net(at).spec.layers == (64, 32, 16, 10)
    assert at.session_state[state.SHARED].data.name == "digits"
    assert any("The dataset is now" in s.value for s in at.success)


def test_importing_a_file_restores_the_dataset_and_training_settings_it_carries():
    """A circles network saved with its data and an Adam + L2 recipe: XOR (which would fit it too) gives way
    to the file's circles, and the Train page's settings become the file's."""
    train = TrainSettings(40, 8, Optimiser("adam"), Penalty("l2", 0.001))
    data = DataSettings("circles", n=120, noise=0.05, test_fraction=0.25)
    at = design()
    upload_network(at, "ring.json", netfile.dumps(PRESETS["circles"].network(), train=train, data=data))
    assert at.session_state[state.SHARED].data == data and at.session_state[state.SHARED].train == train
    said = " ".join(s.value for s in at.success)
    assert "The dataset is now the one it was saved with, circles." in said
    assert "Training settings: 40 epochs, batch size 8, Adam (β₁ = 0.9, β₂ = 0.999, ε = 1e-08), L2, λ = 0.001" in said


BAD_FILES = {
    "malformed JSON": ('{"format": "bpviz-network", "layers": [2, 2', "not valid JSON"),
    "wrong shapes": (None, "shape"),
    "unknown activation": (None, "unknown value 'swish'"),
}


def _bad_file(kind: str) -> str:
    text, _ = BAD_FILES[kind]
    if text is not None:
        return text
    good = netfile.to_dict(PRESETS["xor"].network())
    if kind == "wrong shapes":
        good["weights"][0] = [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]
    else:
        good["activations"][0] = "swish"
    return json.dumps(good)


@pytest.mark.parametrize("kind", BAD_FILES)
def test_an_invalid_file_is_explained_and_the_network_stays(kind):
    at = design()
    at.session_state[weights_key(at, 0)] = {
        "edited_rows": {0: {"x1": 0.75}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    before, data = net(at), at.session_state[state.SHARED].data
    upload_network(at, f"{kind}.json", _bad_file(kind))
    assert net(at) is before and net(at).W[0][0, 0] == 0.75
    assert at.session_state[state.SHARED].data == data
    message = " ".join(errors(at))
    assert f"Could not import {kind}.json" in message and BAD_FILES[kind][1] in message
    assert "Your network is unchanged" in message


def test_export_then_import_gives_identical_weights():
    at = design()
    at.selectbox(key=design_ui.DATASET).select("moons").run()
    at.session_state[weights_key(at, 0)] = {
        "edited_rows": {1: {"x1": 0.1 + 0.2}},  # 0.30000000000000004: every digit must survive
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    exported = net(at)
    assert at.get("download_button")[0].proto.label.startswith("Download")
    at.selectbox(key=design_ui.INIT).select("uniform").run()  # change the network, then bring it back
    assert not same_parameters(net(at), exported)
    upload_network(at, "bpviz-2-2-1.json", netfile.dumps(exported))
    assert same_parameters(net(at), exported) and net(at).spec == exported.spec
    assert net(at).W[0][1, 0] == 0.1 + 0.2


def test_csv_upload_sets_sizes_and_a_bad_csv_keeps_the_data():
    at = design()
    at.selectbox(key=design_ui.DATASET).select("csv").run()
    assert errors(at) == [] and at.session_state[state.SHARED].data.name == "xor"  # nothing to apply before a file
    rows = "\n".join(f"{i},{i % 3},{i * 0.5},{'abc'[i % 3]}" for i in range(30))
    upload(at, design_ui.CSV_UPLOAD, "three.csv", f"f1,f2,f3,label\n{rows}\n".encode(), "text/csv")
    assert net(at).spec.layers == (3, 2, 3) and at.session_state[state.SHARED].data.name == "csv"
    good = at.session_state[state.SHARED].csv
    upload(at, design_ui.CSV_UPLOAD, "bad.csv", b"f1,label\n1,a\nx,b\n", "text/csv")
    assert at.session_state[state.SHARED].csv == good and net(at).spec.layers == (3, 2, 3)
    assert any("'x' is not a finite number" in e for e in errors(at))


def test_edits_and_the_bias_toggle_survive_a_trip_to_another_page():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/1_Design.py").run()
    at.toggle(key=design_ui.SHOW_BIAS).set_value(True).run()
    at.number_input(key=design_ui.layer_key("units", 1)).set_value(6).run()
    at.number_input(key=design_ui.NOISE).set_value(0.25).run()
    assert at.session_state[state.SHARED].show_bias is True
    at.switch_page("pages/2_Step.py").run()
    at.switch_page("pages/1_Design.py").run()
    assert at.toggle(key=design_ui.SHOW_BIAS).value is True and not at.exception
    assert at.number_input(key=design_ui.layer_key("units", 1)).value == 6
    assert at.number_input(key=design_ui.NOISE).value == 0.25


def test_a_clicked_weight_or_bias_is_set_beside_the_diagram():
    at = design()
    assert at.session_state[state.DESIGN].selected is None  # nothing ringed, nothing to set yet
    at.session_state[state.DESIGN].selected = ("edge", 1, 0, 1)  # what a click on h1_2 → ŷ1 stores
    at.run()
    picked = at.number_input(key=design_ui.PICKED_VALUE)
    assert picked.value == net(at).W[1][0, 1] and "h1_2 → ŷ1" in picked.label
    picked.set_value(0.55).run()
    assert net(at).W[1][0, 1] == 0.55
    at.session_state[state.DESIGN].selected = ("bias", 0, 1)
    at.run()
    at.number_input(key=design_ui.PICKED_VALUE).set_value(-1.5).run()
    assert net(at).b[0][1] == -1.5 and net(at).W[1][0, 1] == 0.55
    at.button(key=design_ui.layer_key("remove", 1)).click().run()  # the bias is gone with its layer
    assert at.session_state[state.DESIGN].selected is None and not at.exception


def test_a_network_too_large_for_the_page_is_refused_where_it_was_asked_for():
    at = design()
    at.button(key=design_ui.ADD_LAYER).click().run()
    at.number_input(key=design_ui.layer_key("units", 1)).set_value(2200).run()
    at.number_input(key=design_ui.layer_key("units", 2)).set_value(400).run()
    before = net(at)
    assert before.spec.layers == (2, 2200, 400, 1)
    at.button(key=design_ui.ADD_LAYER).click().run()  # a copy of the 400 would pass a million weights
    assert net(at) is before
    assert len(errors(at)) == 1 and "at most 1,000,000 are allowed" in errors(at)[0]
    at.number_input(key=design_ui.layer_key("units", 2)).set_value(4096).run()
    assert net(at) is before and "at most 1,000,000 are allowed" in errors(at)[0]


def test_removing_a_layer_that_would_join_two_wide_ones_is_refused_beside_it():
    at = design()
    at.button(key=design_ui.ADD_LAYER).click().run()
    at.button(key=design_ui.ADD_LAYER).click().run()
    for layer, units in ((1, 1000), (2, 1), (3, 1000)):
        at.number_input(key=design_ui.layer_key("units", layer)).set_value(units).run()
    before = net(at)
    assert before.spec.layers == (2, 1000, 1, 1000, 1)
    at.button(key=design_ui.layer_key("remove", 2)).click().run()  # 1000 × 1000 weights would meet
    assert net(at) is before and not at.exception
    assert len(errors(at)) == 1 and "at most 1,000,000 are allowed" in errors(at)[0]


def test_the_hosting_limits_are_said_where_they_bite():
    """At 8 hidden layers the disabled Add button says why; a network whose file is over the server's upload
    limit says so beside the importer (it can still be downloaded and used with the CLI)."""
    at = design()
    assert not [c for c in at.caption if "is the most a network can have" in c.value]
    assert not [c for c in at.caption if "accepts for imports" in c.value]
    spec = NetworkSpec((2, *[300] * 8, 1), ("tanh",) * 8 + ("sigmoid",), "binary_cross_entropy", "mean")
    at.session_state[state.SHARED].net = Network.initialise(spec)
    at.session_state[state.SHARED].version += 1
    at.run()
    assert not at.exception
    assert at.button(key=design_ui.ADD_LAYER).disabled
    assert [c for c in at.caption if c.value == "8 hidden layers is the most a network can have here."]
    (note,) = [c.value for c in at.caption if "accepts for imports" in c.value]
    assert note.startswith("This network's file is over the 5 MB this server accepts for imports")
