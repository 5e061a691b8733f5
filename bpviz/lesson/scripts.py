"""The step of one sample as two runnable Python scripts: one in plain NumPy, one in PyTorch.

``numpy_script(w)`` and ``torch_script(w)`` write, for the walk ``w`` (``stages.walk``), a script that builds
the same network (layer sizes, activations, loss, batch reduction, bias mode, and every weight and bias to the
last bit: each float64 written by ``repr``), runs the same forward and backward pass on the same sample (x, y)
and the same SGD step with the network's learning rate, and prints the numbers the Step page shows, one line
each (``OUTPUT_FORMAT``). The NumPy script writes the backward pass out (δ of the output layer, then
δ⁽ˡ⁻¹⁾ = (δ⁽ˡ⁾ W⁽ˡ⁾) ⊙ f′(z⁽ˡ⁻¹⁾)); the PyTorch script lets autograd find the same numbers.

The code of each activation and loss comes from ``script_code`` (a table keyed by registry name); nothing
else reaches a script but numbers and registry names: no dataset name, no file name, no text a user typed.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bpviz.engine.errors import BpvizError
from bpviz.engine.losses import REDUCTIONS
from bpviz.engine.optimisers import NO_PENALTY, SGD, Optimiser, Penalty
from bpviz.engine.spec import NetworkSpec

from .script_code import ACTIVATION_CODE, LOSS_CODE
from .stages import Walk

OUTPUT_FORMAT = """\
It prints one line per quantity, "name = value": value is a number or a list of numbers (a matrix is a
list of rows), every number written by repr, so ast.literal_eval reads the right side back exactly.

    a[0]                  the input x
    z[l], a[l]            layer l = 1..L: z = W a_prev + b, a = f(z)
    loss                  the loss of the sample (the batch loss of a batch of one)
    delta[l]              δ = dL/dz of layer l, for l = L down to 1
    dL/dW[l]              δ a_prevᵀ, W[l]'s shape: row i holds the weights into neuron i of layer l
    dL/db[l]              δ (none when the network has no biases)
    W_new[l], b_new[l]    W − η dL/dW and b − η dL/db (frozen biases keep their values)
    loss_after            the loss of the same sample after the update"""


def unsupported(spec: NetworkSpec, optimiser: Optimiser = SGD, penalty: Penalty = NO_PENALTY) -> str | None:
    """Why no script can be written for a step of ``spec`` with ``optimiser`` and ``penalty`` (an activation or
    loss without script code, such as one registered for a while; an update other than plain SGD), or None
    when both can."""
    missing = [a for a in dict.fromkeys(spec.activations) if a not in ACTIVATION_CODE]
    missing += [spec.loss] if spec.loss not in LOSS_CODE else []
    if missing:
        return f"No script code for {', '.join(missing)}."
    if optimiser.name != "sgd" or penalty.active:
        return (f"The scripts take a plain SGD step; this one is {optimiser.describe()} with "
                f"{penalty.describe()} (choose SGD and no regularisation on the Train page to export it).")
    return None


def script_file_name(spec: NetworkSpec, library: str) -> str:
    """The download's file name, ``library`` "numpy" or "torch": bpviz-step-2-2-2-numpy.py."""
    return f"bpviz-step-{'-'.join(map(str, spec.layers))}-{library}.py"


def numpy_script(w: Walk) -> str:
    """The step ``w`` as a plain NumPy script (see the module docstring)."""
    spec = w.net.spec
    backward_of = dict.fromkeys(spec.activations[:-1])
    loss = LOSS_CODE[spec.loss]
    if loss.numpy_grad is not None:
        backward_of[spec.activations[-1]] = None
        delta = f"{spec.activations[-1]}_backward(z, a, {loss.numpy_grad})"
        about = f"its activation's backward of dL/da = {loss.numpy_grad}"
    else:
        delta, about = loss.numpy_delta, f"{loss.numpy_delta} (the loss fused with the output activation)"
    functions = [_function(name, "z", code.doc, code.numpy) for name, code in _used(spec)]
    functions += [
        _function(f"{name}_backward", "z, a, g", f"dL/dz of {name} from g = dL/da.", f"return {c.numpy_backward}")
        for name, c in ((n, ACTIVATION_CODE[n]) for n in backward_of)
    ]
    functions += [
        _function("loss_per_sample", "a, y, z", loss.doc, loss.numpy),
        _function(
            "output_delta", "z, a, y", f"δ = dL/dz of the output layer for each sample: {about}.", f"return {delta}"
        ),
    ]
    scale = " / len(x)" if spec.reduction == "mean" else ""
    why = "divided by the batch size for the mean over the batch" if scale else "the batch loss is the sum"
    step = f"""\
z, a = forward(W{_b(spec)})
loss = reduce(loss_per_sample(a[L], y, z[L]))

# Backward: δ of the output layer ({why}), then each layer's δ from the next one's.
delta = {{L: output_delta(z[L], a[L], y){scale}}}
for l in range(L, 1, -1):
    delta[l - 1] = BACKWARD[l - 1](z[l - 1], a[l - 1], delta[l] @ W[l])
grad_W = {{l: delta[l].T @ a[l - 1] for l in LAYERS}}
{"grad_b = {l: np.sum(delta[l], axis=0) for l in LAYERS}" if spec.bias != "none" else ""}

# The update: every parameter once, all from the gradients at the weights before it.
W_new = {{l: W[l] - LEARNING_RATE * grad_W[l] for l in LAYERS}}
{_bias_update(spec, "grad_b[l]")}"""
    backward = ", ".join(f"{l}: {a}_backward" for l, a in enumerate(spec.activations[:-1], 1))
    return _script(w, "numpy", functions, f"BACKWARD = {{{backward}}}  # the backward of each hidden layer\n", step)


def torch_script(w: Walk) -> str:
    """The step ``w`` as a PyTorch script (float64, autograd; see the module docstring)."""
    spec = w.net.spec
    loss = LOSS_CODE[spec.loss]
    functions = [_function(name, "z", code.doc, f"return {code.torch}") for name, code in _used(spec)]
    functions.append(_function("loss_per_sample", "a, y, z", loss.doc, f"return {loss.torch}"))
    step = f"""\
z, a = forward(W{_b(spec)})
for l in LAYERS:
    z[l].retain_grad()  # keep δ = dL/dz, which autograd would otherwise free
loss = reduce(loss_per_sample(a[L], y, z[L]))
loss.backward()
delta = {{l: z[l].grad for l in LAYERS}}
grad_W = {{l: W[l].grad for l in LAYERS}}
{"grad_b = {l: b[l].grad for l in LAYERS}" if spec.bias != "none" else ""}

# The update: every parameter once, all from the gradients at the weights before it.
with torch.no_grad():
    W_new = {{l: W[l] - LEARNING_RATE * W[l].grad for l in LAYERS}}
    {_bias_update(spec, "b[l].grad")}"""
    return _script(w, "torch", functions, "", step)


@dataclass(frozen=True)
class Library:
    """What a script needs of its library: its ``title``; ``top``, the imports and helpers the script starts
    with; ``make``, an array from a list literal put in for {}; ``trained``, what ``make`` adds for a trained
    parameter; ``listed``, a printed ``value`` as nested Python lists."""

    title: str
    top: str
    make: str
    trained: str
    listed: str


LIBRARIES = {
    "numpy": Library("NumPy", "import numpy as np", "np.array({})", "", "np.asarray(value).tolist()"),
    "torch": Library(
        "PyTorch",
        '''import torch


def tensor(values, trained=False):
    """A float64 tensor; a trained one (W, and b unless there are none) collects dL/d(itself) in .grad."""
    return torch.tensor(values, dtype=torch.float64, requires_grad=trained)''',
        "tensor({})",
        ", trained=True",
        "value.detach().tolist()",
    ),
}


def _script(w: Walk, library: str, functions: list[str], tables: str, step: str) -> str:
    """The whole script: header, data, ``functions``, ``tables`` (more per-layer tables), the forward pass,
    ``step`` (loss, backward, update) and the printing."""
    spec = w.net.spec
    lib = LIBRARIES[library]
    params = [("W", w.net.W)] + ([("b", w.net.b)] if spec.bias != "none" else [])
    data = [f"x = {lib.make.format(_literal(w.trace.x))}", f"y = {lib.make.format(_literal(w.trace.y))}"]
    for letter, values in params:
        rows = "".join(f"    {l}: {lib.make.format(_literal(v, 4) + lib.trained)},\n" for l, v in enumerate(values, 1))
        data.append(f"{letter} = {{\n{rows}}}")
    activations = ", ".join(f"{l}: {a}" for l, a in enumerate(spec.activations, 1))
    parts = [
        _header(spec, lib.title, library),
        lib.top,
        f"L = {spec.depth}  # layers after the input\nLAYERS = range(1, L + 1)\n"
        f"LEARNING_RATE = {float(spec.learning_rate)!r}\n",
        "\n".join(data) + "\n",
        *functions,
        f"ACTIVATION = {{{activations}}}\n{tables}",
        _function(
            "reduce",
            "per_sample",
            f"The batch loss: the {REDUCTIONS[spec.reduction]} of the losses.",
            f"return per_sample.{spec.reduction}()",
        ),
        _forward(spec),
        step + "\n" + _after(spec, library),
        _function(
            "show",
            "name, value",
            "Print one line: name = value, each number by repr (every digit).",
            f'print(name, "=", repr({lib.listed}))',
        ),
        _printing(spec),
    ]
    text = "\n\n\n".join(p.strip("\n") for p in parts if p)
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def _header(spec: NetworkSpec, title: str, library: str) -> str:
    """The script's docstring: what it is, which network it holds, how to run it and what it prints."""
    sizes, activations = "-".join(map(str, spec.layers)), ", ".join(spec.activations)
    return f'''"""One step of backpropagation exported from bpviz, as a {title} script.

The bpviz network {sizes}: activations {activations} (layers 1 to L = {spec.depth});
loss {spec.loss}, {REDUCTIONS[spec.reduction]}; biases {spec.bias}; learning rate {float(spec.learning_rate)!r}.
Its weights and biases and the sample (x, y) are those of bpviz's Step page when it was exported, every
float64 written out in full, so this script computes the page's numbers (to rounding).

Run it with:  python {script_file_name(spec, library)}   (needs {title}, nothing of bpviz)

{OUTPUT_FORMAT}
"""'''


def _used(spec: NetworkSpec):
    """(name, code) of each activation ``spec`` uses, once each, in layer order; raises BpvizError for one
    without script code."""
    problem = unsupported(spec)
    if problem:
        raise BpvizError("activations", problem)
    return [(name, ACTIVATION_CODE[name]) for name in dict.fromkeys(spec.activations)]


def _function(name: str, args: str, doc: str, body: str) -> str:
    lines = "".join(f"    {line}\n" for line in body.splitlines())
    return f'def {name}({args}):\n    """{doc}"""\n{lines}'


def _b(spec: NetworkSpec) -> str:
    return ", b" if spec.bias != "none" else ""


def _forward(spec: NetworkSpec) -> str:
    """The forward pass, the same text in NumPy and PyTorch (@ and .T mean the same in both)."""
    plus_b = " + b[l]" if spec.bias != "none" else ""
    return f'''def forward(W{_b(spec)}):
    """z[l] = a[l-1] W[l]ᵀ{plus_b} and a[l] = f(z[l]) for l = 1..L, row by row of the batch (a[0] = x)."""
    z, a = {{}}, {{0: x}}
    for l in LAYERS:
        z[l] = a[l - 1] @ W[l].T{plus_b}
        a[l] = ACTIVATION[l](z[l])
    return z, a
'''


def _bias_update(spec: NetworkSpec, grad: str) -> str:
    if spec.bias == "learned":
        return f"b_new = {{l: b[l] - LEARNING_RATE * {grad} for l in LAYERS}}"
    if spec.bias == "frozen":
        return "b_new = b  # frozen biases keep their values"
    return ""


def _after(spec: NetworkSpec, library: str) -> str:
    """The loss of the sample after the update (in torch, inside the ``no_grad`` block)."""
    pad = "    " if library == "torch" else ""
    new_b = ", b_new" if spec.bias != "none" else ""
    return (
        f"{pad}z_after, a_after = forward(W_new{new_b})\n"
        f"{pad}loss_after = reduce(loss_per_sample(a_after[L], y, z_after[L]))"
    )


def _printing(spec: NetworkSpec) -> str:
    """The lines that print every quantity (``OUTPUT_FORMAT``); the biases' only when there are biases."""
    biases = spec.bias != "none"
    lines = [
        'show("a[0]", a[0][0])',
        "for l in LAYERS:",
        '    show(f"z[{l}]", z[l][0])',
        '    show(f"a[{l}]", a[l][0])',
        'show("loss", loss)',
        "for l in reversed(LAYERS):",
        '    show(f"delta[{l}]", delta[l][0])',
        '    show(f"dL/dW[{l}]", grad_W[l])',
        *(['    show(f"dL/db[{l}]", grad_b[l])'] if biases else []),
        "for l in LAYERS:",
        '    show(f"W_new[{l}]", W_new[l])',
        *(['    show(f"b_new[{l}]", b_new[l])'] if biases else []),
        'show("loss_after", loss_after)',
    ]
    return "\n".join(lines)


def _literal(values, indent: int = 0) -> str:
    """``values`` (a vector or a matrix) as a Python list of floats written by repr, a matrix one row a line
    (rows indented by ``indent`` + 4 spaces). Refuses NaN and infinity, which are no Python literals."""
    array = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(array)):
        raise ValueError("a script holds finite numbers only")
    if array.ndim == 1 or len(array) == 1:
        return repr(array.tolist())
    pad = " " * (indent + 4)
    return "[\n" + "".join(f"{pad}{row!r},\n" for row in array.tolist()) + " " * indent + "]"


SCRIPTS: dict[str, Callable[[Walk], str]] = {"numpy": numpy_script, "torch": torch_script}  # by LIBRARIES key
