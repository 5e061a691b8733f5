"""Results that are not finite numbers, found where they arise and said in words.

float64 holds magnitudes up to about 1.8e308; a network with huge weights or inputs overflows to inf (and inf
− inf gives NaN). Nothing bpviz shows or prints may be such a number, so every result is checked in the order
it is computed: for one step of backprop

    z⁽¹⁾, a⁽¹⁾, …, z⁽ᴸ⁾, a⁽ᴸ⁾, the loss, δ⁽ᴸ⁾, ∂L/∂W⁽ᴸ⁾, ∂L/∂b⁽ᴸ⁾, δ⁽ᴸ⁻¹⁾, …, ∂L/∂b⁽¹⁾, W⁺, b⁺, the loss after

and ``check_step`` raises a BpvizError whose field is the quantity's code name (as in the CLI's JSON: "z",
"a", "loss", "delta", "grad_W", "grad_b", "weights_after", "biases_after", "loss_after") and whose message
says where it is (layer, neuron, sample), the rule it was computed by and how large the numbers it came from
were. ``check_outputs`` does the same for a network's outputs over a whole dataset (training starts there).
"""

from collections.abc import Iterator

import numpy as np

from .backprop import Trace, backprop
from .errors import BpvizError
from .losses import LOSSES
from .network import Network

_SUP = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _l(layer: int) -> str:
    return f"⁽{str(layer).translate(_SUP)}⁾"


# (field, layer, values, rule, operands): one computed quantity and the (name, array) it was computed from.
Quantity = tuple[str, int | None, np.ndarray, str, list[tuple[str, np.ndarray]]]


def _forward(net: Network, t: Trace) -> Iterator[Quantity]:
    for k in range(net.spec.depth):
        l = k + 1
        yield "z", l, t.z[k], f"z{_l(l)} = W{_l(l)} a{_l(k)} + b{_l(l)}", [
            (f"W{_l(l)}", net.W[k]), (f"a{_l(k)}", t.a[k]), (f"b{_l(l)}", net.b[k])]  # fmt: skip
        yield "a", l, t.a[l], f"a{_l(l)} = f(z{_l(l)})", [(f"z{_l(l)}", t.z[k])]
    L = net.spec.depth
    yield "loss", None, t.sample_losses, f"the loss of a{_l(L)} and y", [(f"a{_l(L)}", t.a[L]), ("y", t.y)]


def _backward(net: Network, t: Trace) -> Iterator[Quantity]:
    L = net.spec.depth
    yield "delta", L, t.delta[L - 1], f"δ{_l(L)} = ∂L/∂z{_l(L)}", [(f"a{_l(L)}", t.a[L]), ("y", t.y)]
    for k in range(L - 1, -1, -1):
        l, d = k + 1, f"δ{_l(k + 1)}"
        yield "grad_W", l, t.grad_W[k], f"∂L/∂W{_l(l)} = {d} (a{_l(k)})ᵀ", [(d, t.delta[k]), (f"a{_l(k)}", t.a[k])]
        yield "grad_b", l, t.grad_b[k], f"∂L/∂b{_l(l)} = {d}", [(d, t.delta[k])]
        if k:
            yield "delta", k, t.delta[k - 1], f"δ{_l(k)} = ((W{_l(l)})ᵀ {d}) ⊙ f′(z{_l(k)})", [
                (f"W{_l(l)}", net.W[k]), (d, t.delta[k])]  # fmt: skip


def _update(net: Network, t: Trace, updated: Network) -> Iterator[Quantity]:
    eta = ("η", np.array([net.spec.learning_rate]))
    for k in range(net.spec.depth):
        l = k + 1
        yield "weights_after", l, updated.W[k], f"W{_l(l)}⁺ = W{_l(l)} − η ∂L/∂W{_l(l)}", [
            (f"W{_l(l)}", net.W[k]), eta, (f"∂L/∂W{_l(l)}", t.grad_W[k])]  # fmt: skip
        yield "biases_after", l, updated.b[k], f"b{_l(l)}⁺ = b{_l(l)} − η ∂L/∂b{_l(l)}", [
            (f"b{_l(l)}", net.b[k]), eta, (f"∂L/∂b{_l(l)}", t.grad_b[k])]  # fmt: skip


def _size(values: np.ndarray) -> str:
    """The largest magnitude among the finite entries of ``values``, e.g. "1e+300"."""
    finite = np.abs(values[np.isfinite(values)])
    return f"{float(finite.max()):.3g}" if finite.size else "not finite"


def _where(field: str, layer: int | None, values: np.ndarray, index: tuple, batch: int) -> str:
    """ "layer 2, neuron 1 of sample 3" for the entry ``index`` of a quantity's array."""
    if field in ("loss", "loss_after"):
        which = "the loss" if field == "loss" else "the loss after the update"
        return f"{which} of sample {index[0] + 1}" if batch > 1 and field == "loss" else which
    if field in ("weights_after", "grad_W"):
        return f"layer {layer}, row {index[0] + 1}, column {index[1] + 1}"
    if values.ndim == 1:
        return f"layer {layer}, neuron {index[0] + 1}"
    sample = f" of sample {index[0] + 1}" if batch > 1 else ""
    return f"layer {layer}, neuron {index[1] + 1}{sample}"


def _said(values: np.ndarray, index: tuple) -> str:
    v = float(values[index])
    return "NaN (not a number: inf − inf or 0 · inf)" if np.isnan(v) else ("inf" if v > 0 else "−inf")


def first_non_finite(quantities, batch: int) -> BpvizError | None:
    """The BpvizError of the first quantity of ``quantities`` with an entry that is not finite, or None."""
    for field, layer, values, rule, operands in quantities:
        values = np.asarray(values, dtype=float)
        bad = ~np.isfinite(values)
        if not bad.any():
            continue
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        sizes = [f"|{name}| up to {_size(np.asarray(v, dtype=float))}" for name, v in operands]
        sizes = ", ".join(sizes[:-1]) + " and " + sizes[-1] if len(sizes) > 1 else sizes[0]
        message = (f"{_where(field, layer, values, index, batch)} is {_said(values, index)}: {rule} went past "
                   f"the largest number float64 holds ({np.finfo(float).max:.2g}), from {sizes}")  # fmt: skip
        return BpvizError(field, message)
    return None


def check_step(net: Network, trace: Trace, updated: Network | None = None, loss_after: float | None = None) -> None:
    """Raise the BpvizError of the first quantity of the step that is not finite (see the module docstring)."""
    batch = len(trace.x)
    quantities = [*_forward(net, trace), *_backward(net, trace)]
    if updated is not None:
        quantities += [*_update(net, trace, updated)]
        if loss_after is not None:
            weights = np.concatenate([w.ravel() for w in updated.W])
            quantities.append(("loss_after", None, np.array([loss_after]), "the forward pass with W⁺",
                               [("W⁺", weights), ("x", trace.x)]))  # fmt: skip
    err = first_non_finite(quantities, batch)
    if err is not None:
        raise err


def check_outputs(net: Network, X: np.ndarray, Y: np.ndarray, what: str) -> None:
    """Raise BpvizError when the loss of ``net`` on some row of (X, Y) is not finite, naming the row (``what``
    says of which set, "training sample") and the first quantity of its forward pass that overflowed."""
    z, a = net.outputs(X)
    with np.errstate(over="ignore", invalid="ignore"):
        losses = LOSSES[net.spec.loss].value(a, Y, z)
    bad = ~np.isfinite(losses)
    if not bad.any():
        return
    row = int(np.argmax(bad))
    err = first_non_finite(_forward(net, backprop(net, X[row], Y[row])), 1)
    raise BpvizError(err.field, f"{what} {row}: {err.message}") if err else BpvizError("loss", f"{what} {row}")

