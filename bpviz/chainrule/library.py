"""The expressions the Chain rule page offers: a library of classic circuits, ``compose`` (a chain of up
to MAX_STEPS operations picked from the menu) and examples to start typing from.

Sources, whose names and numbers the circuits keep: the CS231n notes "Backpropagation, Intuitions"
(cs231n.github.io/optimization-2/) for (x + y)·z, the sigmoid neuron, 2·(x·y + max(z, w)) and the
staged (x + σ(y)) / (σ(x) + (x + y)²), each citing it in its ``Graph.source`` (the numbers the notes print
are in ``published``); micrograd's README ("Example usage") for its chain of a … g.
"""

from collections.abc import Mapping, Sequence

from bpviz.engine.errors import BpvizError

from .graph import Graph, Node
from .ops import MENU, OPS
from .parser import DEFAULTS, parse

CS231N = "CS231n course notes, 'Backpropagation, Intuitions' (cs231n.github.io/optimization-2/)"


def _graph(title: str, inputs: Mapping[str, float], *rest: tuple, source: str = CS231N) -> Graph:
    """Inputs with their default values, then nodes given as Node's positional fields; ``source`` cites it."""
    return Graph(title, (*(Node(k, value=v) for k, v in inputs.items()), *(Node(*r) for r in rest)), source)


_NEURON = (
    {"w0": 2.0, "x0": -1.0, "w1": -3.0, "x1": -2.0, "w2": -3.0},
    *(("p0", "mul", ("w0", "x0")), ("p1", "mul", ("w1", "x1")), ("s", "add", ("p0", "p1")), ("z", "add", ("s", "w2"))),
)

# the notes' staged forward pass, line for line (sigy = 1.0 / (1 + math.exp(-y)) is σ(y))
STAGED = """x = 3
y = -4
sigy = σ(y)
num = x + sigy
sigx = σ(x)
xpy = x + y
xpysqr = xpy^2
den = sigx + xpysqr
invden = 1 / den
f = num·invden"""
MICROGRAD = """from micrograd.engine import Value

a = Value(-4.0)
b = Value(2.0)
c = a + b
d = a * b + b**3
c += c + 1
c += 1 + c + (-a)
d += d * 2 + (b + a).relu()
d += 3 * d + (b - a).relu()
e = c - d
f = e**2
g = f / 2.0
g += 10.0 / f
print(f'{g.data:.4f}') # prints 24.7041, the outcome of this forward pass
g.backward()
print(f'{a.grad:.4f}') # prints 138.8338, i.e. the numerical value of dg/da
print(f'{b.grad:.4f}') # prints 645.5773, i.e. the numerical value of dg/db"""
TYPED_EXAMPLES = {"one line": "f = (x + σ(y)) / (σ(x) + (x + y)^2)", "micrograd's README": MICROGRAD}

LIBRARY: dict[str, Graph] = {
    "sum_times": _graph("f = (x + y)·z", {"x": -2.0, "y": 5.0, "z": -4.0},
                        ("q", "add", ("x", "y")), ("f", "mul", ("q", "z"))),
    "neuron": _graph("sigmoid neuron: f = σ(w0·x0 + w1·x1 + w2)", *_NEURON, ("f", "sigmoid", ("z",))),
    "neuron_spelled": _graph(
        "sigmoid neuron, σ spelled out: f = (1 + exp(−z))^(−1)", *_NEURON,
        ("c", "const", (), -1.0), ("u", "mul", ("z", "c")), ("v", "exp", ("u",)),
        ("one", "const", (), 1.0), ("t", "add", ("v", "one")), ("f", "power", ("t",), 0.0, -1.0)),
    "max": _graph("f = 2·(x·y + max(z, w))", {"x": 3.0, "y": -4.0, "z": 2.0, "w": -1.0},
                  ("q", "mul", ("x", "y")), ("m", "max", ("z", "w")), ("s", "add", ("q", "m")),
                  ("two", "const", (), 2.0), ("f", "mul", ("two", "s"))),
    "staged": Graph("staged: f = (x + σ(y)) / (σ(x) + (x + y)²), the notes' own stages", parse(STAGED).nodes,
                    CS231N),
    "fork": _graph("a fork: f = (x + y)·(x·y), x and y used twice", {"x": 2.0, "y": 3.0},
                   ("q", "add", ("x", "y")), ("r", "mul", ("x", "y")), ("f", "mul", ("q", "r")), source=""),
}  # fmt: skip

COMPOSE_INPUTS = dict(zip("xyzwv", DEFAULTS))  # names and default values, in order of use
MAX_STEPS = 4


def compose(steps: Sequence[tuple[str, float | None]]) -> Graph:
    """f = op_k(… op_2(op_1(x, y), z) …) from 1 to MAX_STEPS (operation, exponent) pairs of the menu:
    a two-argument step takes the previous result and the next input, a one-argument step the
    previous result; the exponent is used by "power" only (default 2)."""
    if not 1 <= len(steps) <= MAX_STEPS:
        raise BpvizError("compose", f"pick 1 to {MAX_STEPS} operations")
    names = iter(COMPOSE_INPUTS)
    first = next(names)
    nodes, prev = [Node(first, value=COMPOSE_INPUTS[first])], first
    for i, (op, p) in enumerate(steps, 1):
        if op not in OPS:
            raise BpvizError("compose", f"unknown operation {op!r}; the menu is {', '.join(MENU)}")
        args = (prev,)
        if OPS[op].arity == 2:
            x = next(names)
            nodes.append(Node(x, value=COMPOSE_INPUTS[x]))
            args = (prev, x)
        prev = "f" if i == len(steps) else f"q{i}"
        nodes.append(Node(prev, op, args, p=(2.0 if p is None else float(p)) if op == "power" else None))
    graph = Graph("", tuple(nodes))
    return Graph(f"your expression: f = {graph.expression()}", graph.nodes)
