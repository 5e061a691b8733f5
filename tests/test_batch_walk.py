"""The Step page's mini-batch step as pure code: the walk of k samples, what each stage shows of them, each
sample's δ and share δ·a of the gradient, and the batch's gradient they reduce to (mean or sum), checked
against PyTorch float64 and central differences."""

import numpy as np
import pytest
from conftest import require

from bpviz import Network, NetworkSpec
from bpviz.data.samples import MAX_BATCH, batch_rows
from bpviz.engine.backprop import batch_loss
from bpviz.engine.errors import BpvizError
from bpviz.lesson.equations import explain, stage_latex
from bpviz.lesson.shown import stage_view
from bpviz.lesson.stages import walk
from bpviz.lesson.tables import neuron_table, weight_tables

X = [[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0]]
Y = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]


def batch_walk(reduction: str = "mean", samples: int = 3):
    spec = NetworkSpec((2, 3, 2), ("tanh", "sigmoid"), "half_sse", reduction, "learned", "xavier", 4, 0.5)
    return walk(Network.initialise(spec), X[:samples], Y[:samples])


def test_one_sample_is_todays_step_exactly():
    one = batch_walk(samples=1)
    alone = walk(one.net, X[0], Y[0])
    assert one.batch == alone.batch == 1 and one.scale == 1.0
    for l in (1, 2):
        np.testing.assert_array_equal(one.delta(l), alone.trace.delta[l - 1])
    assert [s.label for s in one.stages] == [s.label for s in alone.stages]
    assert "over the" not in " ".join(s.label for s in one.stages)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_the_shares_reduce_to_the_batch_gradient(reduction):
    w = batch_walk(reduction)
    c = 1 / 3 if reduction == "mean" else 1.0
    assert w.scale == c
    for l in (1, 2):
        shares = w.contributions(l)
        assert shares.shape == (3, *w.net.W[l - 1].shape)
        np.testing.assert_allclose(c * shares.sum(0), w.trace.grad_W[l - 1], rtol=1e-12)
        np.testing.assert_allclose(c * w.delta(l).sum(0), w.trace.grad_b[l - 1], rtol=1e-12)
    # the update moves every weight by the batch's step
    np.testing.assert_allclose(w.updated.W[0], w.net.W[0] - 0.5 * w.trace.grad_W[0], rtol=1e-12)
    assert w.trace.loss == pytest.approx(c * w.trace.sample_losses.sum())


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_the_batch_gradient_against_central_differences(reduction):
    w, eps = batch_walk(reduction), 1e-6
    for k, W in enumerate(w.net.W):
        for i, j in np.ndindex(W.shape):
            Ws = [[m.copy() for m in w.net.W] for _ in range(2)]
            Ws[0][k][i, j] += eps
            Ws[1][k][i, j] -= eps
            up, down = (batch_loss(Network.from_arrays(w.net.spec, m, w.net.b), X, Y) for m in Ws)
            assert w.grad_W[k][i, j] == pytest.approx((up - down) / (2 * eps), rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_each_sample_and_the_batch_against_torch_float64(reduction):
    torch = pytest.importorskip("torch") if not require("BPVIZ_REQUIRE_TORCH") else __import__("torch")
    w = batch_walk(reduction)
    x, y = torch.tensor(X, dtype=torch.float64), torch.tensor(Y, dtype=torch.float64)
    W = [torch.tensor(m, dtype=torch.float64, requires_grad=True) for m in w.net.W]
    b = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in w.net.b]
    z1 = x @ W[0].T + b[0]
    z2 = torch.tanh(z1) @ W[1].T + b[1]
    z1.retain_grad(), z2.retain_grad()
    losses = 0.5 * ((y - torch.sigmoid(z2)) ** 2).sum(1)  # each sample's own loss
    losses.sum().backward(retain_graph=True)  # row s of ∂(Σ L_s)/∂z is ∂L_s/∂z_s
    np.testing.assert_allclose(w.delta(2), z2.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(w.delta(1), z1.grad.numpy(), rtol=1e-9, atol=1e-12)
    for p in (*W, *b):
        p.grad = None
    (losses.mean() if reduction == "mean" else losses.sum()).backward()
    for k in range(2):
        np.testing.assert_allclose(w.grad_W[k], W[k].grad.numpy(), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(w.trace.grad_b[k], b[k].grad.numpy(), rtol=1e-9, atol=1e-12)


def test_the_stages_name_the_reduction_and_the_nodes_show_the_chosen_sample():
    w = batch_walk("mean")
    labels = [s.label for s in w.stages]
    assert len(labels) == 4 * 2 + 3
    assert sum("mean over the 3 samples" in t for t in labels) == 3  # the loss and the two gradient stages
    second = w.viewing(1)
    assert second.sample == 1 and w.viewing(7).sample == 2 and w.viewing(-1).sample == 0  # kept in the batch
    z1 = stage_view(second, second.stage_of("z", 1)).nodes[1][0]
    np.testing.assert_array_equal(z1.values, w.trace.z[0][1])
    delta = stage_view(second, second.stage_of("delta", 2)).nodes[2][0]
    assert delta.symbol == "δ"
    np.testing.assert_array_equal(delta.values, w.delta(2)[1])
    grad = stage_view(second, second.stage_of("grad", 2)).edges[1][0]  # the edges: the batch's gradient
    np.testing.assert_array_equal(grad.values, w.grad_W[1])
    assert np.allclose(stage_view(w, 1).nodes[1][0].values, w.trace.z[0][0])  # sample 1 differs from sample 2
    assert not np.allclose(w.trace.z[0][0], w.trace.z[0][1])


def test_the_equation_of_an_edge_writes_the_batch_sum_with_every_term():
    w, d = batch_walk("mean"), 4
    at = w.stage_of("grad", 1)
    eq = next(e for e in explain(w, at, ("edge", 0, 1, 0), d).equations if e.quantity == "grad")
    assert eq.current and "of the batch (mean over the 3 samples)" in eq.title
    assert r"\tfrac{1}{3}\left(" in eq.latex and r"{[1]}" in eq.latex and r"{[3]}" in eq.latex
    deltas, xs = w.delta(1)[:, 1], np.array(X)[:, 0]
    for s in range(3):  # each term with its live numbers
        assert f"{abs(deltas[s]):.4f}" in eq.latex and f"{abs(xs[s]):.4f}" in eq.latex
    assert eq.value == pytest.approx(np.mean(deltas * xs))
    summed = batch_walk("sum")
    eq = next(e for e in explain(summed, at, ("edge", 0, 1, 0), d).equations if e.quantity == "grad")
    assert r"\tfrac" not in eq.latex and eq.value == pytest.approx(np.sum(summed.delta(1)[:, 1] * xs))
    assert r"\sum_{s=1}^{3}" in stage_latex(w.net.spec, w.stages[at], batch=3)


def test_the_loss_equations_give_the_samples_and_the_batch():
    w = batch_walk("sum").viewing(2)
    eqs = {e.title: e for e in explain(w, w.stage_of("loss", 2), ("node", 2, 0), 4).equations if e.latex}
    assert eqs["Loss of this sample"].value == pytest.approx(w.trace.sample_losses[2])
    batch = eqs["Loss of the batch (sum over the 3 samples)"]
    assert batch.value == pytest.approx(w.trace.sample_losses.sum())
    assert all(f"{v:.4f}" in batch.latex for v in w.trace.sample_losses)


def test_the_tables_list_each_samples_delta_and_share_beside_the_combined_gradient():
    w = batch_walk("mean").viewing(1)
    assert "δ⁽²⁾ of each sample" not in weight_tables(w, w.stage_of("loss", 2), 2)
    tables = weight_tables(w, w.stage_of("grad", 2), 2)
    deltas = tables["δ⁽²⁾ of each sample"]
    assert list(deltas.columns) == ["sample 1", "sample 2", "sample 3"]
    np.testing.assert_array_equal(deltas.to_numpy(), w.delta(2).T)
    shares = tables["∂L/∂θ of layer 2 by sample: δ[s]·a[s] (δ[s] for a bias)"]
    combined = shares["∂L/∂θ (mean over the 3 samples)"]
    np.testing.assert_allclose(shares[["sample 1", "sample 2", "sample 3"]].mean(axis=1), combined, rtol=1e-12)
    assert len(shares) == 6 + 2  # six weights and two biases
    np.testing.assert_array_equal(neuron_table(w, w.stage_of("a", 1), 1).iloc[:, 1], w.trace.z[0][1])
    assert weight_tables(batch_walk(samples=1), 10, 2).keys() == {"W⁽²⁾", "∂L/∂W⁽²⁾", "W⁽²⁾⁺"}


def test_batch_rows_go_round_and_are_bounded():
    assert batch_rows(5, 3, 3) == [3, 4, 0] and batch_rows(1, 0, 1) == [0]
    for n, k in ((5, 6), (100, MAX_BATCH + 1), (4, 0)):
        with pytest.raises(BpvizError, match="batch"):
            batch_rows(n, 0, k)
