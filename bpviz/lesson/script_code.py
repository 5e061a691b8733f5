"""The code of each activation and loss in the exported scripts (``scripts``), NumPy and PyTorch side by side.

One entry per name of the engine's registries (``ACTIVATIONS``, ``LOSSES``); tests/test_export_scripts.py
fails when a registered name has no entry here. Shapes in the scripts are batch first: z, a, g, y are
(B, n), a per-sample loss is (B,).

The NumPy code mirrors the engine operation for operation (the same stable sigmoid, the same shifted softmax,
log-softmax and log-sigmoid), so the NumPy script prints the engine's own numbers to the last bits; the
PyTorch code uses torch's own functions and autograd. Softmax with cross-entropy and sigmoid with binary
cross-entropy compute the loss from z (log-softmax, log-sigmoid) as the engine does, and their output delta
is a·Σ_j y_j − y and a − y (``bpviz.engine.losses``).
"""

from dataclasses import dataclass

from bpviz.engine.activations import LEAKY_SLOPE


@dataclass(frozen=True)
class ActivationCode:
    """One activation in both scripts.

    - ``doc``: what f computes, the docstring of its function in the script.
    - ``numpy``: the body of ``f(z)`` in NumPy (lines, the last a ``return``), z of shape (B, n).
    - ``numpy_backward``: dL/dz as an expression in z, a = f(z) and g = dL/da, each (B, n).
    - ``torch``: ``f(z)`` as a torch expression in z (autograd differentiates it).
    """

    doc: str
    numpy: str
    numpy_backward: str
    torch: str


@dataclass(frozen=True)
class LossCode:
    """One loss in both scripts: ``doc`` says what it is; ``numpy`` is the body of the per-sample losses (lines,
    the last a ``return``) and ``torch`` their torch expression, shape (B,), in the output a, the target y and
    the output layer's z. ``numpy_grad`` is dL/da
    in a and y (the output layer's backward turns it into δ), or, for a loss fused with its output activation,
    None and ``numpy_delta`` is δ = dL/dz in a and y directly."""

    doc: str
    numpy: str
    torch: str
    numpy_grad: str | None = None
    numpy_delta: str | None = None


ACTIVATION_CODE: dict[str, ActivationCode] = {
    "sigmoid": ActivationCode(
        "σ(z) = 1 / (1 + e^(−z)).",
        "e = np.exp(-np.abs(z))  # e^(−|z|), so that no exponential overflows\n"
        "return np.where(z >= 0, 1.0, e) / (1.0 + e)",
        "g * (a * (1.0 - a))",
        "torch.sigmoid(z)",
    ),
    "tanh": ActivationCode("tanh(z).", "return np.tanh(z)", "g * (1.0 - a * a)", "torch.tanh(z)"),
    "relu": ActivationCode(
        "ReLU(z) = max(0, z); its slope is taken as 0 at z = 0.",
        "return np.maximum(z, 0.0)",
        "g * (z > 0)",
        "torch.relu(z)",
    ),
    "leaky_relu": ActivationCode(
        f"leaky ReLU(z) = z for z > 0, else {LEAKY_SLOPE!r}·z.",
        f"return np.where(z > 0, z, {LEAKY_SLOPE!r} * z)",
        f"g * np.where(z > 0, 1.0, {LEAKY_SLOPE!r})",
        f"torch.nn.functional.leaky_relu(z, {LEAKY_SLOPE!r})",
    ),
    "linear": ActivationCode("The identity, f(z) = z.", "return z", "g", "z"),
    "softmax": ActivationCode(
        "softmax(z)_j = e^(z_j) / Σ_k e^(z_k), row by row.",
        "e = np.exp(z - np.max(z, axis=1, keepdims=True))  # shifted by the row's maximum: no overflow\n"
        "return e / np.sum(e, axis=1, keepdims=True)",
        "a * (g - np.sum(g * a, axis=1, keepdims=True))",
        "torch.softmax(z, dim=1)",
    ),
}

LOSS_CODE: dict[str, LossCode] = {
    "half_sse": LossCode(
        "½ Σ_j (y_j − a_j)² of each sample.",
        "return 0.5 * np.sum((y - a) ** 2, axis=1)",
        "0.5 * ((y - a) ** 2).sum(dim=1)",
        numpy_grad="a - y",
    ),
    "sse": LossCode(
        "Σ_j (y_j − a_j)² of each sample.",
        "return np.sum((y - a) ** 2, axis=1)",
        "((y - a) ** 2).sum(dim=1)",
        numpy_grad="2.0 * (a - y)",
    ),
    "mse": LossCode(
        "(1/n) Σ_j (y_j − a_j)² of each sample, n the number of outputs.",
        "return np.mean((y - a) ** 2, axis=1)",
        "((y - a) ** 2).mean(dim=1)",
        numpy_grad="2.0 * (a - y) / a.shape[1]",
    ),
    "cross_entropy": LossCode(
        "−Σ_j y_j log a_j of each sample, log a_j = z_j − log Σ_k e^(z_k) computed from z (log-softmax).",
        "s = z - np.max(z, axis=1, keepdims=True)\n"
        "log_a = s - np.log(np.sum(np.exp(s), axis=1, keepdims=True))  # log-softmax\n"
        "return -np.sum(y * log_a, axis=1)",
        "-(y * torch.log_softmax(z, dim=1)).sum(dim=1)",
        numpy_delta="a * np.sum(y, axis=1, keepdims=True) - y",
    ),
    "binary_cross_entropy": LossCode(
        "−Σ_j [y_j log a_j + (1 − y_j) log(1 − a_j)] of each sample, log a_j = −log(1 + e^(−z_j)) and "
        "log(1 − a_j) = −log(1 + e^(z_j)) computed from z (log-sigmoid).",
        "log_a, log_1_minus_a = -np.logaddexp(0.0, -z), -np.logaddexp(0.0, z)  # log-sigmoid of z and of −z\n"
        "return -np.sum(y * log_a + (1.0 - y) * log_1_minus_a, axis=1)",
        "-(y * torch.nn.functional.logsigmoid(z) + (1.0 - y) * torch.nn.functional.logsigmoid(-z)).sum(dim=1)",
        numpy_delta="a - y",
    ),
}
