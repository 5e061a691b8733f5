"""The numbers the CS231n course notes "Backpropagation, Intuitions" (cs231n.github.io/optimization-2/) print
for their circuits, beside bpviz's (the records and the comparison are ``bpviz.lesson.published``'s).

Each ``Publication`` belongs to a circuit of ``LIBRARY`` by its key; its ``x`` holds the inputs the notes use,
in the graph's input order (``y`` is empty), and its numbers are compared with the ``Result`` of the graph
at those inputs: ``Printed(label, text, "value" or "grad", (node,))``. Where they print them:

- (x + y)·z: the code's comments (q becomes 3, f becomes -12, the gradients on z and q) and the circuit
  figure under it (every value, and the gradients on x, y, z, q and f);
- the 2-D sigmoid neuron: the circuit figure of "Modularity: Sigmoid example" (every gate's value and gradient
  at two decimals, σ spelled out as ·(−1), exp, +1 and 1/x) and the text under it (the sigmoid gate receives
  1.0, outputs 0.73, and its local gradient is (1 − 0.73)·0.73 ≈ 0.2);
- 2·(x·y + max(z, w)): the circuit figure of "Patterns in backward flow" (two decimals) and its text;
- the staged (x + σ(y)) / (σ(x) + (x + y)²): the inputs x = 3 and y = -4 and the code of both passes,
  whose variables (sigy, num, sigx, xpy, xpysqr, den, invden, f) are the graph's nodes; no computed value.

Every printed number matches bpviz's at its printed digits; none is wrong in the notes.
"""

from collections.abc import Mapping

from bpviz.lesson.published import Printed, Publication

from .library import CS231N, LIBRARY

WHERE = {
    "sum_times": "section 'Compound expressions with chain rule': the code's comments and the circuit figure",
    "neuron": "section 'Modularity: Sigmoid example': the circuit figure (σ as four gates) and the text under it",
    "neuron_spelled": "section 'Modularity: Sigmoid example': the circuit figure and the text under it",
    "max": "section 'Patterns in backward flow': the circuit figure and the text under it",
    "staged": "section 'Backprop in practice: Staged computation', whose code of the two passes prints the inputs "
    "and no computed value (its variables are the graph's nodes)",
}


def _both(node: str, label: str, value: str, grad: str) -> tuple[Printed, Printed]:
    """A node's value and gradient as a circuit figure prints them (green above, red below its wire)."""
    return Printed(f"{label} (value)", value, "value", (node,)), Printed(f"{label} (gradient)", grad, "grad", (node,))


_INPUTS = (("w0", "2.00", "-0.20"), ("x0", "-1.00", "0.39"), ("w1", "-3.00", "-0.39"), ("x1", "-2.00", "-0.59"),
           ("w2", "-3.00", "0.20"))  # fmt: skip
_DOT = (("p0", "w0·x0", "-2.00", "0.20"), ("p1", "w1·x1", "6.00", "0.20"), ("s", "w0·x0 + w1·x1", "4.00", "0.20"),
        ("z", "+ w2", "1.00", "0.20"))  # fmt: skip
NEURON_INPUTS = tuple(p for name, v, g in _INPUTS for p in _both(name, name, v, g))
NEURON_DOT = tuple(p for node, label, v, g in _DOT for p in _both(node, label, v, g))
SIGMOID_TEXT = (
    Printed("the sigmoid gate's input", "1.0", "value", ("z",)),
    Printed("the sigmoid gate's output", "0.73", "value", ("f",)),
    Printed("its local gradient (1 − 0.73)·0.73 ≈", "0.2", "grad", ("z",)),
)

NUMBERS: dict[str, tuple[Printed, ...]] = {
    "sum_times": (
        Printed("x", "-2", "value", ("x",)),
        Printed("y", "5", "value", ("y",)),
        Printed("z", "-4", "value", ("z",)),
        Printed("q ('q becomes 3')", "3", "value", ("q",)),
        Printed("f ('f becomes -12')", "-12", "value", ("f",)),
        Printed("df/dz ('gradient on z becomes 3')", "3", "grad", ("z",)),
        Printed("df/dq ('gradient on q becomes -4')", "-4", "grad", ("q",)),
        Printed("gradient on x (figure)", "-4", "grad", ("x",)),
        Printed("gradient on y (figure)", "-4", "grad", ("y",)),
        Printed("gradient on f (figure)", "1", "grad", ("f",)),
    ),
    "neuron": (*NEURON_INPUTS, *NEURON_DOT, *_both("f", "σ gate (the figure's 1/x)", "0.73", "1.00"), *SIGMOID_TEXT),
    "neuron_spelled": (
        *NEURON_INPUTS,
        *NEURON_DOT,
        *_both("u", "·(−1) gate", "-1.00", "-0.20"),
        *_both("v", "exp gate", "0.37", "-0.53"),
        *_both("t", "+1 gate", "1.37", "-0.53"),
        *_both("f", "1/x gate", "0.73", "1.00"),
        *SIGMOID_TEXT,
    ),  # fmt: skip
    "max": (
        *_both("x", "x", "3.00", "-8.00"),
        *_both("y", "y", "-4.00", "6.00"),
        *_both("z", "z", "2.00", "2.00"),
        *_both("w", "w", "-1.00", "0.00"),
        *_both("q", "x·y gate", "-12.00", "2.00"),
        *_both("m", "max gate", "2.00", "2.00"),
        *_both("s", "+ gate", "-10.00", "2.00"),
        *_both("f", "·2 gate", "-20.00", "1.00"),
        Printed("text: 'the gradient on x is -8.00'", "-8.00", "grad", ("x",)),
        Printed("text: 'which is -4.00 x 2.00' (y)", "-4.00", "value", ("y",)),
        Printed("text: '… x 2.00' (∂f/∂q)", "2.00", "grad", ("q",)),
    ),  # fmt: skip
    "staged": (Printed("x = 3", "3", "value", ("x",)), Printed("y = -4", "-4", "value", ("y",))),
}

PUBLISHED: dict[str, Publication] = {
    key: Publication(CS231N, WHERE[key], tuple(LIBRARY[key].defaults[x] for x in LIBRARY[key].inputs), (), numbers)
    for key, numbers in NUMBERS.items()
}


def publication_of(expr: str, inputs: Mapping[str, float]) -> Publication | None:
    """The numbers the notes print for the library circuit ``expr`` when its ``inputs`` are the notes' own."""
    p = PUBLISHED.get(expr)
    if p is None or tuple(inputs[x] for x in LIBRARY[expr].inputs) != p.x:
        return None
    return p
