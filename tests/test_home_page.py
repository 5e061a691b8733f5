"""Home page and shared sidebar in AppTest: every page opens first, preset cards load and send the user on."""

import numpy as np
import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from bpviz.lesson.presets import PRESETS
from webui import design as design_ui
from webui import home as home_ui
from webui import setup, state
from webui.setup import pages

HOME = str(ROOT / "app.py")
PAGE_FILES = ["app.py", *sorted(p.relative_to(ROOT).as_posix() for p in ROOT.glob("pages/*.py"))]


def home() -> AppTest:
    at = AppTest.from_file(HOME, default_timeout=60).run()
    assert not at.exception
    return at


def on_design(at: AppTest) -> bool:
    return any(w.key == design_ui.SEED for w in at.number_input)


@pytest.mark.parametrize("page", PAGE_FILES)
def test_every_page_opens_first_in_a_fresh_session(page):
    at = AppTest.from_file(str(ROOT / page), default_timeout=60).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def test_home_has_a_card_per_preset_and_a_how_to_per_page():
    at = home()
    titles = [s.value for s in at.subheader]
    assert all(p.title in titles for p in PRESETS.values())
    assert all(at.button(key=home_ui.preset_key(k)) for k in PRESETS)
    links = [link.proto.page for link in at.get("page_link")]  # url paths: "" is Home
    for page in ("Design", "Step", "Train"):
        assert links.count(page) == 2  # once in the sidebar, once under "How to use it"
    assert links.count("") == 1


def test_sidebar_links_every_page_in_order():
    assert [p for p, _, _ in pages()][:1] == ["app.py"]
    assert sorted(p for p, _, _ in pages()) == sorted(PAGE_FILES)
    assert [label for _, label, _ in pages()][0] == "Home"


@pytest.mark.parametrize("key", PRESETS)
def test_a_preset_card_loads_the_preset_and_opens_its_page(key):
    at = home()
    at.button(key=home_ui.preset_key(key)).click().run()
    assert not at.exception
    preset = PRESETS[key]
    net = at.session_state[state.SHARED].net
    assert net.spec == preset.spec and at.session_state[state.SHARED].data == preset.data
    assert all(np.array_equal(p, q) for p, q in zip((*net.W, *net.b), (*preset.network().W, *preset.network().b)))
    assert on_design(at) == (preset.published is None)  # a worked example goes straight to Step
    assert any(preset.title in s.value for s in at.success)


def test_design_shows_a_preset_loaded_on_home_even_after_its_widgets_were_used():
    at = home()
    at.button(key=home_ui.preset_key("digits")).click().run()
    assert at.number_input(key=design_ui.layer_key("units", 1)).value == 32
    assert at.number_input(key=design_ui.layer_key("units", 2)).value == 16
    assert at.number_input(key=design_ui.LR).value == 0.1
    assert at.selectbox(key=design_ui.DATASET).value == "digits"
    at.switch_page("app.py").run()
    at.button(key=home_ui.preset_key("circles")).click().run()
    assert at.number_input(key=design_ui.layer_key("units", 1)).value == 8
    assert at.selectbox(key=design_ui.layer_key("act", 1)).value == "tanh"
    assert at.selectbox(key=design_ui.LOSS).value == "binary_cross_entropy"
    assert at.selectbox(key=design_ui.DATASET).value == "circles"
    assert at.number_input(key=design_ui.N).value == 300


def test_the_sidebar_preset_menu_loads_a_preset_and_design_follows():
    at = home()
    at.switch_page("pages/1_Design.py").run()
    at.number_input(key=design_ui.layer_key("units", 1)).set_value(6).run()
    at.sidebar.selectbox(key=setup.PRESET_MENU).select("circles").run()  # same depth: every key exists
    assert at.session_state[state.SHARED].net.spec == PRESETS["circles"].spec
    assert at.number_input(key=design_ui.layer_key("units", 1)).value == 8
    assert at.selectbox(key=design_ui.layer_key("act", 1)).value == "tanh"
    assert at.selectbox(key=design_ui.LOSS).value == "binary_cross_entropy"
    assert at.sidebar.selectbox(key=setup.PRESET_MENU).value is None  # ready for the next pick
    assert any("Circles" in s.value for s in at.success)
    assert any("2-8-1" in m.value for m in at.sidebar.markdown)


def test_the_own_network_card_opens_design_with_the_network_unchanged():
    at = home()
    at.switch_page("pages/1_Design.py").run()
    at.button(key=design_ui.ADD_LAYER).click().run()
    mine = at.session_state[state.SHARED].net
    at.switch_page("app.py").run()
    at.button(key=home_ui.OWN_NETWORK).click().run()
    assert on_design(at) and at.session_state[state.SHARED].net is mine
    assert at.number_input(key=design_ui.layer_key("units", 2)).value == mine.spec.layers[2]
