"""One record per concept: a new activation is one entry (softplus, registered by the ``softplus`` fixture of
conftest.py), and the Design page's menus, the equations, the summary and share links all show it; the
records refuse to be built half-filled. (The PyTorch comparison of softplus is in test_torch_oracle.py.)"""

import numpy as np
import pytest
from conftest import open_app

from bpviz import BpvizError, Network, NetworkSpec
from bpviz.engine.activations import ACTIVATIONS, Activation, register
from bpviz.engine.inits import INITS
from bpviz.engine.losses import LOSSES, REDUCTIONS, Loss
from bpviz.engine.spec import BIAS_MODES
from bpviz.io.sharelink import Lesson, decode, encode
from bpviz.lesson.equations import explain, stage_latex
from bpviz.lesson.numbers import factor, number
from bpviz.lesson.presets import PRESETS
from bpviz.lesson.stages import walk
from bpviz.lesson.summary import activation_definitions, forward_equations, shape_rows
from webui import design as design_ui
from webui import state

SOFTPLUS_DEFINITION = r"\operatorname{softplus}(z) = \log(1+e^{z})"
D = 6
DEFAULT = Lesson(PRESETS["xor"].network(), PRESETS["xor"].data)


def sigma(z: float) -> float:
    return 1.0 / (1.0 + np.exp(-z))


def softplus_net(output: str = "sigmoid", loss: str = "half_sse") -> Network:
    spec = NetworkSpec((2, 3, 1), ("softplus", output), loss, "sum", "learned", "uniform", 5, 0.5)
    rng = np.random.default_rng(2)
    return Network.from_arrays(spec, [rng.normal(0, 1, s) for s in spec.shapes], [rng.normal(0, 1, 3), [0.2]])


def _equation(w, selected, quantity):
    return next(e for e in explain(w, len(w.stages) - 1, selected, D).equations if e.quantity == quantity)


# ---------------------------------------------------------------- one entry, seen everywhere


def test_registering_adds_one_entry_for_a_while(softplus):
    assert ACTIVATIONS["softplus"] is softplus and list(ACTIVATIONS)[-1] == "softplus"
    assert NetworkSpec((2, 3, 1), ("softplus", "softplus")).activations == ("softplus", "softplus")


def test_the_entry_is_gone_afterwards():
    cube = Activation("cube", "cube", "cube", r"\operatorname{cube}", "z^3", lambda v: rf"({v})^3",
                      lambda z, a: rf"3{z}^2", lambda z: z**3, lambda z, a: 3 * z * z)  # fmt: skip
    with register(cube):
        query = encode(Lesson(Network.initialise(NetworkSpec((2, 1), ("cube",))), PRESETS["xor"].data))
    assert "cube" not in ACTIVATIONS and query["act"] == "cube"
    with pytest.raises(BpvizError, match="unknown value 'cube'"):
        NetworkSpec((2, 1), ("cube",))
    with pytest.raises(BpvizError, match="unknown activation code 'cube'; use sig, tanh, relu, lrelu, lin, smax$"):
        decode(query, DEFAULT)


def test_a_taken_name_or_link_code_is_refused(softplus):
    same_code = Activation(**{**vars(softplus), "name": "softplus2", "code": "tanh"})
    same_name = Activation(**{**vars(softplus), "code": "splus2"})
    for taken, other in ((same_code, "tanh"), (same_name, "softplus")):
        with pytest.raises(ValueError, match=f"{other} \\("), register(taken):
            pass
    assert ACTIVATIONS["softplus"] is softplus and [a.code for a in ACTIVATIONS.values()].count("tanh") == 1


def test_the_design_page_menus_offer_it(softplus):
    net = softplus_net()
    at = open_app("pages/1_Design.py", net=net, data=PRESETS["xor"].data)
    hidden = at.selectbox(key=design_ui.layer_key("act", 1))
    output = at.selectbox(key=design_ui.OUT_ACTIVATION)
    assert hidden.value == "softplus" and hidden.options[-1] == "softplus"
    assert output.options == [a.label for a in ACTIVATIONS.values()]
    assert any(SOFTPLUS_DEFINITION in x.value for x in at.latex)
    output.select("softplus").run()
    assert not at.exception and at.session_state[state.SHARED].net.spec.activations == ("softplus", "softplus")
    assert at.session_state[state.SHARED].net.W[0].tolist() == net.W[0].tolist()  # an activation keeps the weights


def test_the_equations_of_a_node_use_its_latex(softplus):
    w = walk(softplus_net(), [0.3, -0.8], [1.0])
    z, a, delta = w.trace.z[0][0], w.trace.a[1][0], w.trace.delta[0][0]
    for i in range(3):
        latex = _equation(w, ("node", 1, i), "a").latex
        symbol, value = rf"z^{{(1)}}_{{{i + 1}}}", number(z[i], D)
        applied = rf"\operatorname{{softplus}}({symbol}) \\ &= \operatorname{{softplus}}({value})"
        assert applied in latex
        assert a[i] == np.logaddexp(0.0, z[i]) and number(a[i], D) in latex
        slope = sigma(z[i])
        latex = _equation(w, ("node", 1, i), "delta").latex
        assert rf"f'(z^{{(1)}}_{{{i + 1}}}) &= \sigma(z^{{(1)}}_{{{i + 1}}}) \\ &= \sigma({factor(z[i], D)})" in latex
        assert number(slope, D) in latex and number(delta[i], D) in latex


def test_the_output_delta_uses_its_slope(softplus):
    w = walk(softplus_net("softplus", "mse"), [0.3, -0.8], [1.0])
    z, a = w.trace.z[1][0, 0], w.trace.a[2][0, 0]
    latex = _equation(w, ("node", 2, 0), "delta").latex
    assert rf"\sigma({factor(z, D)}) \\ &= {number(sigma(z), D)}" in latex
    assert number(2 * (a - 1.0) * sigma(z), D) in latex


def test_the_stage_and_summary_equations_name_it(softplus):
    spec = softplus_net().spec
    a1 = next(s for s in walk(Network.initialise(spec), [0.3, -0.8], [1.0]).stages if s.kind == "a" and s.layer == 1)
    assert stage_latex(spec, a1) == r"a^{(1)} = f(z^{(1)}), \quad f(z) = \log(1+e^{z})"
    assert a1.label.endswith("f = softplus")
    assert r"a^{(1)} &= \operatorname{softplus}\big(z^{(1)}\big)" in forward_equations(spec)
    assert activation_definitions(spec) == [SOFTPLUS_DEFINITION, ACTIVATIONS["sigmoid"].definition]
    assert shape_rows(spec)[0]["activation"] == "softplus"


def test_a_share_link_carries_its_code(softplus):
    net = softplus_net()
    query = encode(Lesson(net, PRESETS["xor"].data, sample=2, stage=3))
    assert query["act"] == "splus.sig"
    back = decode(query, DEFAULT)
    assert back.net.spec == net.spec and (back.sample, back.stage) == (2, 3)
    for got, want in zip((*back.net.W, *back.net.b), (*net.W, *net.b)):
        np.testing.assert_array_equal(got, want)
    with pytest.raises(BpvizError, match="code 'nope'; use sig, tanh, relu, lrelu, lin, smax, splus$"):
        decode({**query, "act": "nope.sig"}, DEFAULT)


# ---------------------------------------------------------------- the records themselves


@pytest.mark.parametrize("registry", [ACTIVATIONS, LOSSES, INITS], ids=["activations", "losses", "inits"])
def test_every_record_is_filed_under_its_own_name(registry):
    assert all(name == entry.name for name, entry in registry.items())


@pytest.mark.parametrize(
    "labels",
    [
        [a.label for a in ACTIVATIONS.values()],
        [loss.label for loss in LOSSES.values()],
        [i.label for i in INITS.values()],
        list(BIAS_MODES.values()),
        list(REDUCTIONS.values()),
    ],
    ids=["activations", "losses", "inits", "bias modes", "reductions"],
)
def test_menu_labels_are_distinct(labels):
    """A menu shows labels only: two alike would be two options the reader cannot tell apart."""
    assert len(set(labels)) == len(labels) and all(labels)


def test_link_codes_are_distinct():
    codes = [a.code for a in ACTIVATIONS.values()]
    assert len(set(codes)) == len(codes)


def test_a_half_filled_activation_is_refused():
    sig = ACTIVATIONS["sigmoid"]
    with pytest.raises(ValueError, match="all given .* or all None"):
        Activation(**{**vars(sig), "name": "sig2", "code": "sig2", "slope": None})
    with pytest.raises(ValueError, match="link code 'a.b'"):
        Activation(**{**vars(sig), "code": "a.b"})


def test_a_loss_is_fused_or_has_a_gradient():
    half = LOSSES["half_sse"]
    with pytest.raises(ValueError, match="fused"):
        Loss(**{**vars(half), "fused": LOSSES["binary_cross_entropy"].fused})
    with pytest.raises(ValueError, match="fused"):
        Loss(**{**vars(LOSSES["cross_entropy"]), "grad": half.grad})


def test_a_fused_delta_is_a_times_its_scale_minus_y():
    a, y = np.array([[0.2, 0.3, 0.5]]), np.array([[0.5, 0.7, 0.0]])
    ce, bce = LOSSES["cross_entropy"], LOSSES["binary_cross_entropy"]
    np.testing.assert_array_equal(ce.output_delta(ACTIVATIONS["softmax"], None, a, y), a * 1.2 - y)
    np.testing.assert_array_equal(bce.output_delta(ACTIVATIONS["sigmoid"], None, a, y), a - y)
