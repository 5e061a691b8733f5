"""The classic 2-2-2 worked example: the published numbers, reproduced by the engine."""

import pytest

from bpviz import backprop, get_preset, sgd_step


@pytest.fixture
def worked():
    net = get_preset("worked").network()
    return net, backprop(net, [0.05, 0.10], [0.01, 0.99])


def test_total_error(worked):
    _, t = worked
    assert t.loss == pytest.approx(0.298371109, abs=1e-9)


def test_output_weight_gradient_and_update(worked):
    net, t = worked
    assert t.grad_W[1][0, 0] == pytest.approx(0.082167041, abs=1e-9)  # dE/dw5
    after = sgd_step(net, t.grad_W, t.grad_b)
    assert after.W[1][0, 0] == pytest.approx(0.35891648, abs=1e-8)  # w5+
    assert after.W[0][0, 0] == pytest.approx(0.149780716, abs=1e-9)  # w1+


def test_frozen_biases_stay(worked):
    net, t = worked
    after = sgd_step(net, t.grad_W, t.grad_b)
    assert [b.tolist() for b in after.b] == [[0.35, 0.35], [0.6, 0.6]]
