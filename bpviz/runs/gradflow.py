"""Gradient flow: how large each layer's weight gradient dL/dW^l is, so vanishing gradients show.

The size of layer l's gradient is the root-mean-square of the entries of dL/dW^l (an (n_l, n_{l-1}) matrix):

    size^l = sqrt( (1 / (n_l · n_{l-1})) · Σ_ij (dL/dW^l_ij)² )

An RMS, not a norm, so layers of different sizes compare: a layer with more weights does not look larger
for having more of them. The gradient is the engine's own (``bpviz.engine.backprop.forward_trace`` and
``backward``) of the reduced loss over the batch, with the spec's loss and reduction.

On a run's training set the batch is the whole set, or for a set of more than MAX_ROWS rows a fixed
subsample of MAX_ROWS rows drawn with the network's seed (the same rows at every report of a run, so the
curves move with the weights, not with the draw). With ``reduction="sum"`` the subsample's gradient is
scaled by N / MAX_ROWS, an estimate of the full set's; with "mean" it is one as it stands.
"""

import numpy as np

from bpviz.engine.backprop import backward, forward_trace
from bpviz.engine.dataset import Dataset
from bpviz.engine.network import QUIET, Network

MAX_ROWS = 512  # training rows the gradient sizes are measured on at most


def layer_gradient_sizes(net: Network, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """(L,) the RMS of the entries of dL/dW^l, l = 1..L, for the batch X (B, n_0), Y (B, n_L) at ``net``'s
    weights. Overflow gives inf or NaN entries, without NumPy warnings."""
    with np.errstate(**QUIET):
        z, a = forward_trace(net, X)
        _, grad_W, _ = backward(net, z, a, Y)
        return np.array([np.sqrt(np.mean(np.square(g))) for g in grad_W])


def gradient_rows(n: int, seed: int) -> np.ndarray:
    """The rows of an n-row training set the sizes are measured on: all of them, or MAX_ROWS of them drawn
    with ``seed`` (sorted, the same for the same n and seed)."""
    if n <= MAX_ROWS:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, MAX_ROWS, replace=False))


def training_gradient_sizes(net: Network, train_set: Dataset) -> np.ndarray:
    """(L,) ``layer_gradient_sizes`` on ``train_set`` (targets encoded for ``net``'s outputs), on the rows of
    ``gradient_rows`` with the network's seed, scaled to the whole set for a summed loss (module docstring)."""
    n = len(train_set)
    rows = gradient_rows(n, net.spec.seed)
    sizes = layer_gradient_sizes(net, train_set.X[rows], train_set.Y[rows])
    return sizes * (n / len(rows)) if net.spec.reduction == "sum" else sizes
