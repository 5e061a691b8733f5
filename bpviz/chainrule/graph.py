"""The chain rule on a tiny computational graph: every node's value, then every node's gradient.

A ``Graph`` lists its nodes in topological order: inputs, constants and operations, the last
node being the output f. Each operation in ``OPS`` carries its own forward rule and its local
derivatives ∂out/∂arg.

    forward    v_n = op_n(v_a, v_b)                                  nodes in order
    backward   ∂f/∂f = 1,   ∂f/∂n = Σ_c ∂f/∂c · ∂c/∂n                nodes in reverse order

where c runs over the operations that take n as an argument. Each term of that sum is an
``Edge``: its ``upstream`` gradient ∂f/∂c times its ``local`` gradient ∂c/∂n. A node used by
two operations (a fork) adds both terms. max(a, b) sends the gradient to its larger argument
and, on a tie, all of it to the first. Graphs come from ``library`` (a fixed menu of operations)
or from ``parser`` (typed text read into nodes of that menu): nothing here ever runs typed text.
"""

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bpviz.engine.errors import BpvizError

from .ops import MENU, OPS, fmt, wrap

INFIX = ("add", "sub", "mul", "div", "neg", "power")  # written between or around their arguments: a negative
# argument needs ()
SUMS = ("add", "sub")
PRODUCTS = ("mul", "div")


@dataclass(frozen=True)
class Node:
    """An ``op`` of ``OPS`` applied to earlier nodes ``args``, or an "input" (``value`` is its
    default) or a "const" (``value`` is its value). ``p`` is a power node's exponent."""

    name: str
    op: str = "input"
    args: tuple[str, ...] = ()
    value: float = 0.0
    p: float | None = None

    @property
    def is_op(self) -> bool:
        return self.op in OPS

    def label(self, latex: bool = False) -> str:
        """How formulas name the node: a constant by its value, "w0" as w_{0} in LaTeX."""
        if self.op == "const":
            return fmt(self.value, latex)
        return re.sub(r"^([A-Za-z]+)(\d+)$", r"\1_{\2}", self.name) if latex else self.name


def _exponent(p: float, latex: bool) -> str:
    s = fmt(p, latex)
    return s if latex or p >= 0 else f"({s})"


def fill(template: str, node: Node, args: Sequence[str], out: str, latex: bool) -> str:
    p = node.p if node.p is not None else 0.0
    return template.format(*args, out=out, p=_exponent(p, latex), q=_exponent(p - 1, latex))


@dataclass(frozen=True)
class Graph:
    """Nodes in topological order; the last one is the output f. ``title`` names it in menus; ``source`` cites
    where a classic circuit comes from ("" for the user's own)."""

    title: str
    nodes: tuple[Node, ...]
    source: str = ""

    def __post_init__(self):
        seen: set[str] = set()
        for n in self.nodes:
            if n.name in seen or not re.fullmatch(r"[A-Za-z]\w*", n.name):
                raise BpvizError("graph", f"node name {n.name!r} is repeated or not a plain name")
            if n.op not in ("input", "const") and n.op not in OPS:
                raise BpvizError("graph", f"unknown operation {n.op!r}; the menu is {', '.join(MENU)}")
            arity = OPS[n.op].arity if n.is_op else 0
            if len(n.args) != arity or any(a not in seen for a in n.args):
                raise BpvizError("graph", f"{n.name} needs {arity} argument(s) from earlier nodes")
            if n.op == "power" and (n.p is None or not math.isfinite(n.p)):
                raise BpvizError("graph", f"{n.name}: a power needs a finite exponent")
            seen.add(n.name)
        if not self.nodes or not self.nodes[-1].is_op:
            raise BpvizError("graph", "the last node (the output) must be an operation")

    @property
    def output(self) -> str:
        return self.nodes[-1].name

    @property
    def inputs(self) -> tuple[str, ...]:
        return tuple(n.name for n in self.nodes if n.op == "input")

    @property
    def defaults(self) -> dict[str, float]:
        return {n.name: n.value for n in self.nodes if n.op == "input"}

    def node(self, name: str) -> Node:
        return next(n for n in self.nodes if n.name == name)

    def formula(self, name: str, values: Mapping[str, float] | None = None, latex: bool = False) -> str:
        """The operation of node ``name`` on its arguments' names, or on their ``values`` if given."""
        n = self.node(name)
        args = [fmt(values[a], latex) if values else self.node(a).label(latex) for a in n.args]
        args = [wrap(a) for a in args] if n.op in INFIX else args
        return fill(OPS[n.op].latex if latex else OPS[n.op].text, n, args, n.label(latex), latex)

    def expression(self, name: str | None = None, latex: bool = False) -> str:
        """Node ``name`` (default: the output) written out in terms of the inputs and constants. A node used
        twice is written out twice, so this is for trees and short chains (``compose``), not typed graphs."""
        n = self.node(name or self.output)
        if not n.is_op:
            return n.label(latex)
        args = []
        for i, a in enumerate(n.args):
            sub, op = self.expression(a, latex), self.node(a).op
            wrap = (n.op in ("mul", "neg") and op in SUMS) or (n.op == "sub" and i == 1 and op in SUMS)
            wrap = wrap or (n.op == "mul" and op == "div" and not latex)  # (x/y)·z, never x/y·z
            wrap = wrap or (n.op == "power" and op in (*SUMS, *PRODUCTS, "neg", "power", "exp"))
            wrap = wrap or (n.op == "div" and not latex and op in (*SUMS, *PRODUCTS, "neg"))
            wrap = wrap or (n.op in INFIX and sub[:1] in "−-" and not (n.op == "div" and latex))
            args.append(f"({sub})" if wrap else sub)
        return fill(OPS[n.op].latex if latex else OPS[n.op].text, n, args, n.label(latex), latex)


@dataclass(frozen=True)
class Edge:
    """One term ∂f/∂target · ∂target/∂source of the backward sum at ``source``."""

    source: str
    target: str
    position: int  # which argument of target the source is
    local: float  # ∂target/∂source
    upstream: float  # ∂f/∂target

    @property
    def term(self) -> float:
        return self.upstream * self.local


@dataclass(frozen=True)
class Result:
    """Every node's value and ∂f/∂node, and every edge's local and upstream gradient."""

    values: dict[str, float]
    grads: dict[str, float]
    edges: tuple[Edge, ...]


def forward(graph: Graph, inputs: Mapping[str, float] | None = None) -> dict[str, float]:
    """Each node's value in topological order; inputs missing from ``inputs`` take their defaults."""
    values: dict[str, float] = {}
    given = {**graph.defaults, **(inputs or {})}
    for n in graph.nodes:
        if not n.is_op:
            v = float(given[n.name] if n.op == "input" else n.value)
        else:
            try:
                v = OPS[n.op].f([values[a] for a in n.args], n.p)
            except ValueError as e:
                raise BpvizError(n.name, f"{graph.formula(n.name)}: {e}") from None
            except OverflowError:
                v = math.inf
        if not math.isfinite(v):
            what = graph.formula(n.name, values) if n.is_op else fmt(v)
            raise BpvizError(n.name, f"{what} is not a finite number: use smaller inputs")
        values[n.name] = v
    return values


def backward(graph: Graph, values: Mapping[str, float]) -> tuple[dict[str, float], tuple[Edge, ...]]:
    """∂f/∂node for every node, visiting nodes in reverse topological order, and every edge's
    local and upstream gradient: ∂f/∂n = Σ over edges n → c of ∂f/∂c · ∂c/∂n."""
    grads = {n.name: 0.0 for n in graph.nodes}
    grads[graph.output] = 1.0
    edges = []
    for n in reversed(graph.nodes):
        if not n.is_op:
            continue
        try:
            local = OPS[n.op].df([values[a] for a in n.args], values[n.name], n.p)
        except ValueError as e:
            raise BpvizError(n.name, f"{graph.formula(n.name)}: {e}") from None
        except OverflowError:  # a^(p−1) beyond float range, e.g. 1/a² for a tiny a
            why = "is not a finite number: keep the base farther from 0"
            raise BpvizError(n.name, f"∂{n.name}/∂{n.args[0]} {why}") from None
        for i, (a, d) in enumerate(zip(n.args, local)):
            edges.append(Edge(a, n.name, i, d, grads[n.name]))
            grads[a] += grads[n.name] * d
    for name, g in grads.items():
        if not math.isfinite(g):
            raise BpvizError(name, f"∂f/∂{name} is not a finite number: use smaller inputs")
    return grads, tuple(edges)


def evaluate(graph: Graph, inputs: Mapping[str, float] | None = None) -> Result:
    """Forward then backward pass; raises BpvizError naming the node for a value out of a rule's domain."""
    values = forward(graph, inputs)
    return Result(values, *backward(graph, values))


def numeric_gradient(graph: Graph, inputs: Mapping[str, float], h: float = 1e-6) -> dict[str, float]:
    """∂f/∂x ≈ (f(x + h) − f(x − h)) / 2h for every input x: the independent check of ``backward``."""

    def f(shift: str, by: float) -> float:
        return forward(graph, {**inputs, shift: inputs[shift] + by})[graph.output]

    return {x: (f(x, h) - f(x, -h)) / (2 * h) for x in graph.inputs}
