"""The Step page with a batch of k = 3 samples, tried as a new user would: the batch size in the sidebar, the
sample the diagram shows, the edge equation's batch sum, the tables of every sample, Apply update, and the
2-2-2 batch example's published numbers."""

import numpy as np
from conftest import ROOT, open_app

from bpviz import Network, NetworkSpec, backprop, get_preset
from bpviz.data.catalog import DataSettings, make_dataset
from bpviz.lesson.numbers import factor, number
from webui import state, step_sample
from webui import step as step_ui

PAGE = str(ROOT / "pages" / "2_Step.py")
MOONS = DataSettings("moons", n=40, noise=0.1, test_fraction=0.0)


def net_232() -> Network:
    spec = NetworkSpec((2, 3, 2), ("tanh", "sigmoid"), "half_sse", "mean", "learned", "uniform", 5, 0.5)
    return Network.initialise(spec)


def latex(at) -> str:
    return "\n".join(x.value for x in at.main.latex)


def batch_page(k: int = 3):
    net = net_232()
    at = open_app(PAGE, net=net, data=MOONS, **{step_ui.MORE: True})  # the tables open
    at.number_input(key=step_sample.SAMPLE).set_value(38).run()
    at.number_input(key=step_sample.BATCH).set_value(k).run()
    assert not at.exception
    return at, net


def test_a_batch_of_three_steps_through_its_samples_and_sums_their_gradients():
    at, net = batch_page()
    w = at.session_state[state.STEP].walk.value
    assert w.batch == 3
    assert "## Step through a batch of 3 samples" in [m.value for m in at.markdown]
    data = make_dataset("moons", 40, 0.1, seed=5).for_outputs(2)  # the network's seed draws it; rows 38, 39, 0
    np.testing.assert_array_equal(w.trace.x, data.X[[38, 39, 0]])
    assert "a batch of rows 38, 39, 0 of 0–39 (mean over the 3 samples)" in " ".join(c.value for c in at.caption)
    t = backprop(net, data.X[[38, 39, 0]], data.Y[[38, 39, 0]])
    # forward: the node equations show the chosen sample, 2 of 3
    at.segmented_control(key=step_sample.VIEWED).set_value(1).run()
    at.selectbox(key=step_ui.JUMP).select(1).run()  # z of layer 1
    at.selectbox(key=step_ui.NEURON).select((1, 2)).run()
    assert "sample 2 of 3" in " ".join(m.value for m in at.main.markdown)
    assert number(t.z[0][1, 2], 4) in latex(at) and number(t.z[0][0, 2], 4) not in latex(at)
    # the gradient of an edge: (1/3)(δ[1]·a[1] + δ[2]·a[2] + δ[3]·a[3]) with every term's numbers
    at.selectbox(key=step_ui.ELEMENT).select(("edge", 0, 2, 1)).run()
    at.selectbox(key=step_ui.JUMP).select(9).run()  # gradients of layer 1
    text = latex(at)
    assert r"\tfrac{1}{3}\left(" in text and number(t.grad_W[0][2, 1], 4) in text
    for s in range(3):  # the trace's δ carries the 1/3 of 'mean': each sample's own δ is 3 times it
        assert rf"{factor(3 * t.delta[0][s, 2], 4)} \cdot {factor(t.x[s, 1], 4)}" in text
    assert "mean over the 3 samples" in at.main.get("progress")[0].proto.text
    # the tables: each sample's δ and share beside the combined gradient
    frames = [d.value for d in at.main.dataframe]
    shares = next(f for f in frames if "∂L/∂θ (mean over the 3 samples)" in f.columns and "w⁽¹⁾₃,₂" in f.index)
    np.testing.assert_allclose(shares.loc["w⁽¹⁾₃,₂", "∂L/∂θ (mean over the 3 samples)"], t.grad_W[0][2, 1])
    np.testing.assert_allclose(shares.loc["w⁽¹⁾₃,₂", ["sample 1", "sample 2", "sample 3"]].mean(), t.grad_W[0][2, 1])
    assert any(list(f.columns) == ["sample 1", "sample 2", "sample 3"] for f in frames)  # δ of each sample


def test_apply_update_moves_the_weights_by_the_batch_step():
    at, net = batch_page()
    w = at.session_state[state.STEP].walk.value
    at.selectbox(key=step_ui.JUMP).select(len(w.stages) - 1).run()
    labels = [m.label for m in at.main.metric]
    assert "Loss of the batch (mean over the 3 samples) before the update" in labels
    at.button(key=step_ui.APPLY).click().run()
    applied = at.session_state[state.SHARED].net
    for k in range(2):
        np.testing.assert_allclose(applied.W[k], net.W[k] - 0.5 * w.trace.grad_W[k], rtol=1e-12)
        np.testing.assert_allclose(applied.b[k], net.b[k] - 0.5 * w.trace.grad_b[k], rtol=1e-12)
    assert "loss of the batch (mean over the 3 samples) fell" in at.success[0].value


def test_one_sample_has_no_batch_controls_on_the_main_page():
    at = open_app(PAGE, net=net_232(), data=MOONS)
    assert at.session_state[state.STEP].walk.value.batch == 1
    assert not at.main.get("segmented_control")
    assert "## Step through one sample" in [m.value for m in at.markdown]


def test_the_batch_example_opens_at_its_sources_step_with_the_published_numbers():
    p = get_preset("twobatch")
    at = open_app(PAGE, net=p.network(), data=p.data, step=state.Step(batch=2),
                  **{step_ui.MORE: True, step_ui.TABS: step_ui.PUBLISHED_TAB})  # fmt: skip
    frame = at.main.dataframe[0].value
    assert len(frame) == len(p.published.numbers) and not frame[""].str.startswith("✗").any()
    text = " ".join(m.value for m in at.main.markdown)
    assert "31 of the 36 numbers the source prints match bpviz's; 5 are off in the source" in text
