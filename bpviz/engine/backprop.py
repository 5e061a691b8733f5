"""Forward and backward passes that keep every intermediate quantity.

Names (layer l = 1..L, a^0 = x; code lists are 0-based, so index k is layer k+1
for z, delta, W, b, grad_W, grad_b, and index k is layer k for a):

    z^l = W^l a^{l-1} + b^l                  z[k] = a[k] @ W[k].T + b[k]
    a^l = f_l(z^l)                           a[k+1] = f(z[k])
    L   = reduce_i loss(a^L_i, y_i)          reduce = mean or sum over the batch
    δ^L = dL/dz^L  (a − y for softmax+cross-entropy and sigmoid+binary cross-entropy)
    δ^{l-1} = ((W^l)ᵀ δ^l) ⊙ f'_{l-1}(z^{l-1})
    dL/dW^l = δ^l (a^{l-1})ᵀ   (summed over the batch)   grad_W[k] = delta[k].T @ a[k]
    dL/db^l = δ^l              (summed over the batch)   grad_b[k] = delta[k].sum(0)

Every array is batch first: z[k], a[k], delta[k] have shape (B, n); delta is
the derivative of the *reduced batch loss*, so with ``reduction="mean"`` it
carries the factor 1/B. grad_W[k] has W[k]'s shape.
"""

from dataclasses import dataclass

import numpy as np

from . import optimisers
from .activations import ACTIVATIONS
from .errors import BpvizError
from .losses import LOSSES
from .network import QUIET, Network


@dataclass
class Trace:
    """Every quantity of one forward and backward pass over a batch (see the module docstring)."""

    x: np.ndarray
    y: np.ndarray
    z: list[np.ndarray]
    a: list[np.ndarray]
    sample_losses: np.ndarray
    loss: float
    delta: list[np.ndarray]
    grad_W: list[np.ndarray]
    grad_b: list[np.ndarray]


def as_batch(values, width: int, field: str) -> np.ndarray:
    """A (B, width) float array from one sample (a vector) or a batch (a matrix, or a list of samples).
    Raises BpvizError naming ``field`` for samples of different lengths, text, or a wrong width."""
    if isinstance(values, (list, tuple)) and values and all(isinstance(v, (list, tuple, np.ndarray)) for v in values):
        lengths = [len(v) for v in values]
        if any(n != width for n in lengths):
            row = next(i for i, n in enumerate(lengths) if n != width)
            raise BpvizError(field, f"sample {row + 1} has {lengths[row]} value(s); every sample needs {width}")
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise BpvizError(field, f"expected {width} number(s) per sample") from None
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != width:
        raise BpvizError(field, f"expected {width} value(s) per sample, got shape {arr.shape}")
    return arr


def reduce_losses(sample_losses: np.ndarray, reduction: str) -> float:
    """The batch loss: mean or sum of the per-sample losses."""
    return float(np.mean(sample_losses) if reduction == "mean" else np.sum(sample_losses))


def forward_trace(net: Network, x) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """(z, a) for inputs x, shape (B, n_0) or (n_0,)."""
    a = [as_batch(x, net.spec.layers[0], "x")]
    z = []
    for W, b, name in zip(net.W, net.b, net.spec.activations):
        zk = np.dot(a[-1], W.T)  # np.dot: less call overhead than @ on small matrices
        zk += b
        z.append(zk)
        a.append(ACTIVATIONS[name].f(zk))
    return z, a


def backward(
    net: Network, z: list[np.ndarray], a: list[np.ndarray], y: np.ndarray, out=None
) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """(delta, grad_W, grad_b) from a forward pass (z, a) and targets y of shape (B, n_L).

    ``out`` = (grad_W, grad_b), arrays of the parameters' shapes, receives the gradients
    instead of new arrays (the training loop reuses one buffer).
    """
    spec = net.spec
    scale = 1.0 / len(y) if spec.reduction == "mean" else 1.0
    acts = [ACTIVATIONS[name] for name in spec.activations]
    delta = [None] * spec.depth
    delta[-1] = LOSSES[spec.loss].output_delta(acts[-1], z[-1], a[-1], y)  # a fresh array
    if scale != 1.0:
        delta[-1] *= scale
    for k in range(spec.depth - 1, 0, -1):
        delta[k - 1] = acts[k - 1].backward(z[k - 1], a[k], np.dot(delta[k], net.W[k]))
    if out is None:
        grad_W = [np.dot(d.T, a_prev) for d, a_prev in zip(delta, a)]
        grad_b = [np.add.reduce(d, axis=0) for d in delta]  # d.sum(axis=0) without its Python wrapper
        return delta, grad_W, grad_b
    for d, a_prev, gW, gb in zip(delta, a, *out):
        np.dot(d.T, a_prev, out=gW)
        np.add.reduce(d, axis=0, out=gb)
    return delta, out[0], out[1]


def backprop(net: Network, x, y) -> Trace:
    """The full trace of one forward and backward pass of the batch (x, y). Overflow gives inf or NaN in the
    trace without NumPy warnings; ``bpviz.engine.finite.check_step`` names the first such quantity."""
    spec = net.spec
    y = as_batch(y, spec.layers[-1], "y")
    with np.errstate(**QUIET):
        z, a = forward_trace(net, x)
        if y.shape[0] != a[0].shape[0]:
            raise BpvizError("y", f"{y.shape[0]} target rows for {a[0].shape[0]} input rows")
        sample_losses = LOSSES[spec.loss].value(a[-1], y, z[-1])
        delta, grad_W, grad_b = backward(net, z, a, y)
        loss = reduce_losses(sample_losses, spec.reduction)
    return Trace(a[0], y, z, a, sample_losses, loss, delta, grad_W, grad_b)


def batch_loss(net: Network, x, y) -> float:
    """The reduced loss of the batch (x, y), forward pass only."""
    z, out = net.outputs(as_batch(x, net.spec.layers[0], "x"))
    y = as_batch(y, net.spec.layers[-1], "y")
    with np.errstate(**QUIET):
        return reduce_losses(LOSSES[net.spec.loss].value(out, y, z), net.spec.reduction)


def sgd_step(net: Network, grad_W: list[np.ndarray], grad_b: list[np.ndarray], learning_rate: float | None = None):
    """A new network after one plain step θ ← θ − η·dL/dθ (η: the spec's learning rate unless given). Every
    gradient must come from the weights before the step; biases change only in bias mode 'learned'. Other
    rules and penalties: ``bpviz.engine.optimisers.step``."""
    return optimisers.step(net, grad_W, grad_b, learning_rate)[0]
