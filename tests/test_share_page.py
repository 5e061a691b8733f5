"""Share links through the real pages (AppTest): the URL follows the state, a link opened in a new session
rebuilds that state exactly (on Home or deep-linked to Step), and a tampered link loads the defaults with a
warning, never an exception."""

import numpy as np
import pytest
from conftest import ROOT, open_app
from streamlit.testing.v1 import AppTest
from test_sharelink import MALFORMED

from bpviz import Network, NetworkSpec
from bpviz.data.catalog import DataSettings
from bpviz.lesson.presets import PRESETS
from webui import design as design_ui
from webui import home, state, step_sample
from webui import step as step_ui

HOME = str(ROOT / "app.py")
STEP_FILE = str(ROOT / "pages" / "2_Step.py")
STEP, DESIGN = "pages/2_Step.py", "pages/1_Design.py"
ORIGIN = "http://localhost:8501"


def session(params: dict | None = None, page: str = HOME, **seed) -> AppTest:
    """A new session opened at ``page`` with the URL query ``params`` (and session ``seed``ed before the run)."""
    return open_app(page, params, url=ORIGIN, **seed)


def lesson(at: AppTest) -> tuple:
    """Everything a link must carry: spec, every parameter's bytes, data settings, sample and stage."""
    net = at.session_state[state.SHARED].net
    arrays = tuple((a.dtype.str, a.shape, a.tobytes()) for a in (*net.W, *net.b))
    ss = at.session_state
    return net.spec, arrays, ss[state.SHARED].data, ss[state.STEP].sample, ss[state.STEP].stage


def shared_link(at: AppTest) -> str:
    return at.sidebar.code[0].value


def assert_opens_the_same(at: AppTest) -> None:
    """The URL of ``at`` opened in new sessions, on Home and straight on the Step page, shows the same lesson."""
    params = dict(at.query_params)
    want = lesson(at)
    assert lesson(session(params)) == want
    step = session(params, page=STEP_FILE)
    assert lesson(step) == want
    stage = want[4]
    assert step.main.get("progress")[0].proto.text.startswith(f"**Stage {stage + 1} of")


def test_the_worked_example_at_stage_5_with_a_hand_edited_weight_round_trips():
    at = session()
    at.button(key=home.preset_key("worked")).click().run()  # opens Step
    for _ in range(5):
        at.button(key=step_ui.NEXT).click().run()
    at.switch_page(DESIGN).run()
    at.session_state[state.DESIGN].selected = ("edge", 1, 0, 1)  # a click on w6 (the click itself: browser test)
    at.run()
    at.number_input(key=design_ui.PICKED_VALUE).set_value(0.1 + 0.2).run()  # 0.30000000000000004
    assert not at.exception, at.exception
    net = at.session_state[state.SHARED].net
    assert net.W[1][0, 1] == 0.1 + 0.2 and at.session_state[state.STEP].stage == 5
    assert at.query_params["stage"] == "5" and "0.30000000000000004" in at.query_params["w"]
    assert shared_link(at).startswith(f"{ORIGIN}/Design?net=2-2-2&")
    assert_opens_the_same(at)


def test_a_spiral_net_with_nothing_left_at_its_default_round_trips():
    spec = NetworkSpec(
        (2, 5, 4, 3), ("tanh", "leaky_relu", "softmax"), "cross_entropy", "sum", "learned", "he", 123, 0.037
    )
    net = Network.initialise(spec)
    rng = np.random.default_rng(3)
    net.W = [rng.normal(size=w.shape) for w in net.W]
    net.b = [rng.normal(size=b.shape) for b in net.b]
    at = session(
        page=STEP_FILE,
        net=net,
        data=DataSettings("spiral", 150, 0.25, 3, 0.3),
    )
    at.number_input(key=step_sample.SAMPLE).set_value(17).run()
    at.selectbox(key=step_ui.JUMP).select(9).run()
    assert (at.session_state[state.STEP].sample, at.session_state[state.STEP].stage) == (17, 9)
    assert at.query_params["act"] == "tanh.lrelu.smax" and at.query_params["seed"] == "123"
    assert_opens_the_same(at)


def test_the_url_follows_each_step_and_keeps_other_parameters():
    at = session({"present": "1", "ref": "slides"}, page=STEP_FILE)
    assert at.query_params["present"] == "1" and at.query_params["ref"] == "slides"
    at.button(key=step_ui.CLICKER_NEXT).click().run()
    assert at.query_params["stage"] == "1" and at.query_params["ref"] == "slides"
    assert "present" not in shared_link(at)  # the link shares the lesson, not the lecturer's screen


def test_the_link_says_what_it_carries():
    at = session(page=STEP_FILE)
    at.sidebar.segmented_control(key=step_sample.SOURCE).set_value("manual").run()
    caption = " ".join(c.value for c in at.sidebar.caption)
    assert "sample 0 of the dataset (a sample typed by hand does not travel)" in caption


def test_the_link_is_read_once_then_the_session_is_the_truth():
    at = session({"stage": "3"}, page=STEP_FILE)
    assert at.session_state[state.STEP].stage == 3
    at.query_params["stage"] = "7"  # e.g. an old URL sent with a rerun: never reloaded
    at.run()
    assert at.session_state[state.STEP].stage == 3 and at.query_params["stage"] == "3"


def test_an_uploaded_csv_has_no_link_and_says_so():
    rows = "\n".join(f"{i % 2},{i // 2 % 2},{(i + i // 2) % 2}" for i in range(8))
    at = session(
        data=DataSettings("csv"),
        csv=("mine.csv", f"f1,f2,label\n{rows}\n".encode()),
        net=PRESETS["xor"].network(),
    )
    assert "net" not in at.query_params and not at.sidebar.code
    assert "cannot travel in a link" in " ".join(i.value for i in at.sidebar.info)


MISFITS = [
    {"net": "3-2-1", "act": "sig.sig"},  # the XOR data has 2 inputs
    {"data": "digits", "n": "1797"},  # 64 inputs for a 2-2-1 net
    {"net": "2-2-3", "act": "sig.sig"},  # two classes cannot train 3 outputs
    {"data": "sine"},
    {"stage": "1" * 13},
    {"sample": "x"},
    {"net": "2-2-1", "w": "1_2_three_4_5_6_7_8_9"},
]


@pytest.mark.parametrize("params", MALFORMED + MISFITS, ids=lambda p: ",".join(f"{k}={v[:10]}" for k, v in p.items()))
def test_a_tampered_link_loads_the_defaults_with_a_warning(params):
    at = session(params)
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 1 and "share link could not be opened" in warnings[0], warnings
    assert lesson(at) == lesson(session())
    assert at.query_params["net"] == "2-2-1"  # the URL now shows what is on screen
