"""The chain rule on a tiny computational graph: every node's value, then every node's gradient.

A ``Graph`` lists its nodes in topological order: inputs, constants and operations, the last
node being the output f. Each operation in ``OPS`` carries its own forward rule and its local
derivatives ∂out/∂arg, and can write both as text and as LaTeX.

    forward    v_n = op_n(v_a, v_b)                                  nodes in order
    backward   ∂f/∂f = 1,   ∂f/∂n = Σ_c ∂f/∂c · ∂c/∂n                nodes in reverse order

where c runs over the operations that take n as an argument. Each term of that sum is an
``Edge``: its ``upstream`` gradient ∂f/∂c times its ``local`` gradient ∂c/∂n. A node used by
two operations (a fork) adds both terms. max(a, b) sends the gradient to its larger argument
and, on a tie, all of it to the first. Expressions come from ``LIBRARY`` or ``compose``
(a fixed menu of operations): nothing here ever runs typed text.
"""

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from bpviz.engine.errors import BpvizError


def fmt(v: float, latex: bool = False) -> str:
    """A number as shown on the page: at most 4 decimals, no trailing zeros, "−" for minus in text."""
    if v == 0:
        return "0"
    s = f"{v:.4g}" if abs(v) < 1e-4 or abs(v) >= 1e6 else f"{v:.4f}".rstrip("0").rstrip(".")
    return s if latex else s.replace("-", "−")


def _top_level_sum(s: str) -> bool:
    """True if ``s`` adds or subtracts outside any brackets, as in "1 − t²" (not "σ(a + b)")."""
    depth = 0
    for i, ch in enumerate(s):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and ch in "+−-" and s[i - 1 : i] == " ":
            return True
    return False


def _wrap(s: str) -> str:
    """Parentheses around a negative number or a sum, so it can be multiplied."""
    return f"({s})" if s[:1] in "−-" or _top_level_sum(s) else s


def _sigmoid(a: float) -> float:
    return 1 / (1 + math.exp(-a)) if a >= 0 else math.exp(a) / (1 + math.exp(a))


def _power(a: float, p: float) -> float:
    """a^p for real a and p; a negative base needs an integer exponent, 0 a non-negative one."""
    if a < 0 and not float(p).is_integer():
        raise ValueError(f"a negative base ({fmt(a)}) has no real power {fmt(p)}: use an integer exponent")
    if a == 0 and p < 0:
        raise ValueError(f"0 to the power {fmt(p)} divides by zero")
    return a**p


def _power_local(a: float, p: float) -> float:
    """d(a^p)/da = p·a^(p−1), with its two special cases p = 0 and p = 1 kept exact."""
    if p in (0, 1):
        return float(p)
    if a == 0 and p < 1:
        raise ValueError(f"the derivative of a^{fmt(p)} is infinite at a = 0")
    return p * _power(a, p - 1)


@dataclass(frozen=True)
class Op:
    """One operation: its forward rule ``f(args, p)``, its local derivatives ``df(args, out, p)``
    (one ∂out/∂arg per argument) and templates to write them; ``{0}``/``{1}`` are the arguments,
    ``{out}`` the node itself, ``{p}`` the exponent and ``{q}`` the exponent minus one."""

    name: str
    symbol: str
    arity: int
    f: Callable[[Sequence[float], float | None], float]
    df: Callable[[Sequence[float], float, float | None], tuple[float, ...]]
    text: str
    latex: str
    local_text: tuple[str, ...]
    local_latex: tuple[str, ...]
    rule: str


OPS: dict[str, Op] = {
    op.name: op
    for op in (
        Op("add", "+", 2, lambda a, p: a[0] + a[1], lambda a, o, p: (1.0, 1.0),
           "{0} + {1}", "{0} + {1}", ("1", "1"), ("1", "1"),
           "an add node passes the upstream gradient to both inputs unchanged (local gradient 1)"),
        Op("mul", "×", 2, lambda a, p: a[0] * a[1], lambda a, o, p: (a[1], a[0]),
           "{0}·{1}", r"{0} \cdot {1}", ("{1}", "{0}"), ("{1}", "{0}"),
           "a multiply node sends each input the upstream gradient times the other input"),
        Op("max", "max", 2, lambda a, p: max(a[0], a[1]),
           lambda a, o, p: (1.0, 0.0) if a[0] >= a[1] else (0.0, 1.0),
           "max({0}, {1})", r"\max({0}, {1})", ("[{0} ≥ {1}]", "[{1} > {0}]"),
           (r"[{0} \geq {1}]", "[{1} > {0}]"),
           "max routes the whole upstream gradient to its larger input and 0 to the other; "
           "on a tie, all of it to the first ([a ≥ b] is 1 if true, else 0)"),
        Op("sigmoid", "σ", 1, lambda a, p: _sigmoid(a[0]), lambda a, o, p: (o * (1 - o),),
           "σ({0})", r"\sigma({0})", ("{out}·(1 − {out})",), (r"{out}\,(1 - {out})",),
           "σ′(a) = σ(a)·(1 − σ(a)): the local gradient comes from the node's own value"),
        Op("tanh", "tanh", 1, lambda a, p: math.tanh(a[0]), lambda a, o, p: (1 - o * o,),
           "tanh({0})", r"\tanh({0})", ("1 − {out}²",), ("1 - {out}^2",),
           "tanh′(a) = 1 − tanh(a)²: the local gradient comes from the node's own value"),
        Op("exp", "exp", 1, lambda a, p: math.exp(a[0]), lambda a, o, p: (o,),
           "exp({0})", "e^{{{0}}}", ("{out}",), ("{out}",),
           "exp is its own derivative: the local gradient is the node's value"),
        Op("power", "^", 1, lambda a, p: _power(a[0], p), lambda a, o, p: (_power_local(a[0], p),),
           "{0}^{p}", "{0}^{{{p}}}", ("{p}·{0}^{q}",), (r"{p}\,{0}^{{{q}}}",),
           "power rule: d(aᵖ)/da = p·aᵖ⁻¹"),
    )
}  # fmt: skip
MENU = tuple(OPS)


def menu_label(op: str) -> str:
    """A menu entry, e.g. "mul: a·b", "power: a^p"."""
    return f"{op}: {OPS[op].text.format('a', 'b', p='p')}"


_INFIX = ("add", "mul", "power")  # written between or after their arguments, so a negative argument needs ()


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


def _fill(template: str, node: Node, args: Sequence[str], out: str, latex: bool) -> str:
    p = node.p if node.p is not None else 0.0
    return template.format(*args, out=out, p=_exponent(p, latex), q=_exponent(p - 1, latex))


@dataclass(frozen=True)
class Graph:
    """Nodes in topological order; the last one is the output f. ``title`` names it in menus."""

    title: str
    nodes: tuple[Node, ...]

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
        args = [_wrap(a) for a in args] if n.op in _INFIX else args
        return _fill(OPS[n.op].latex if latex else OPS[n.op].text, n, args, n.label(latex), latex)

    def expression(self, name: str | None = None, latex: bool = False) -> str:
        """Node ``name`` (default: the output) written out in terms of the inputs and constants."""
        n = self.node(name or self.output)
        if not n.is_op:
            return n.label(latex)
        args = []
        for a in n.args:
            sub, op = self.expression(a, latex), self.node(a).op
            wrap = (n.op == "mul" and op == "add") or (n.op == "power" and op in ("add", "mul", "power", "exp"))
            wrap = wrap or (n.op in _INFIX and sub[:1] in "−-")
            args.append(f"({sub})" if wrap else sub)
        return _fill(OPS[n.op].latex if latex else OPS[n.op].text, n, args, n.label(latex), latex)


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


# ----------------------------------------------------------------------------- stages and their words


@dataclass(frozen=True)
class Stage:
    """``phase`` "start", "forward" (``node`` gets its value), "backward" (``node`` gets ∂f/∂node) or "done"."""

    phase: str
    node: str | None = None


def stages(graph: Graph) -> tuple[Stage, ...]:
    """Start, each operation forward in order, each non-constant node backward in reverse order, done."""
    forward_ = [Stage("forward", n.name) for n in graph.nodes if n.is_op]
    backward_ = [Stage("backward", n.name) for n in reversed(graph.nodes) if n.op != "const"]
    return (Stage("start"), *forward_, *backward_, Stage("done"))


def known(graph: Graph, index: int) -> tuple[set[str], set[str]]:
    """The nodes whose value, and those whose gradient, are known after stage ``index``."""
    seen = stages(graph)[: index + 1]
    values = {n.name for n in graph.nodes if not n.is_op} | {s.node for s in seen if s.phase == "forward"}
    return values, {s.node for s in seen if s.phase == "backward"}


@dataclass(frozen=True)
class Explanation:
    """A stage said three ways: one ``headline`` line, its equation in ``latex``, and the local rules in ``words``."""

    headline: str
    latex: str
    words: tuple[str, ...]


def _partial(top: str, bottom: Node, latex: bool) -> str:
    return rf"\frac{{\partial {top}}}{{\partial {bottom.label(True)}}}" if latex else f"∂{top}/∂{bottom.name}"


def _equation(parts: Sequence[str], join: str = " = ") -> str:
    """``parts`` joined by "=", dropping a part that repeats the one before it."""
    return join.join(p for i, p in enumerate(parts) if i == 0 or _wrap(p) != _wrap(parts[i - 1]))


def _backward_terms(graph: Graph, result: Result, node: Node, latex: bool) -> list[str]:
    """[∂f/∂n written as a sum of chain-rule products, then with numbers: symbols, upstream·local, all numbers]."""
    order = [n.name for n in graph.nodes]
    edges = sorted((e for e in result.edges if e.source == node.name), key=lambda e: order.index(e.target))
    dot = r" \cdot " if latex else " · "
    ins = [graph.node(e.target) for e in edges]
    local = [_local(graph, graph.node(e.target), e.position, latex) for e in edges]
    symbols = " + ".join((rf"{_partial('f', c, True)}\,{_partial(c.label(True), node, True)}" if latex else
                          f"{_partial('f', c, False)} · {_partial(c.name, node, False)}") for c in ins)  # fmt: skip
    return [
        symbols,
        " + ".join(f"{_wrap(fmt(e.upstream, latex))}{dot}{_wrap(s)}" for e, s in zip(edges, local)),
        " + ".join(f"{_wrap(fmt(e.upstream, latex))}{dot}{_wrap(fmt(e.local, latex))}" for e in edges),
        fmt(result.grads[node.name], latex),
    ]


def _local(graph: Graph, target: Node, position: int, latex: bool) -> str:
    """∂target/∂(its argument at ``position``) as a formula in the argument names."""
    op = OPS[target.op]
    args = [graph.node(a).label(latex) for a in target.args]
    args = [_wrap(a) for a in args] if target.op in _INFIX else args
    return _fill((op.local_latex if latex else op.local_text)[position], target, args, target.label(latex), latex)


def _backward_words(graph: Graph, result: Result, node: Node) -> tuple[str, ...]:
    words = []
    users = [e for e in result.edges if e.source == node.name]
    for e in users:
        target = graph.node(e.target)
        local = _equation([_partial(target.name, node, False), _local(graph, target, e.position, False), fmt(e.local)])
        words.append(f"{local}: {OPS[target.op].rule}.")
        a, b = (target.args * 2)[:2]
        if target.op == "max" and result.values[a] == result.values[b]:
            tie = f"{graph.node(a).label()} and {graph.node(b).label()} tie at {fmt(result.values[a])}"
            words.append(f"{tie}: by convention the whole gradient goes to the first, {graph.node(a).label()}.")
    if len(users) > 1:
        words.append(f"{node.name} feeds {len(users)} operations, so its gradient adds their {len(users)} terms.")
    return tuple(words)


def _start_or_done(graph: Graph, result: Result, phase: str) -> Explanation:
    xs = [graph.node(x) for x in graph.inputs]
    if phase == "start":
        text = [f"{x.name} = {fmt(result.values[x.name])}" for x in xs]
        tex = [f"{x.label(True)} = {fmt(result.values[x.name], True)}" for x in xs]
        words = "Next computes each operation's value from its arguments' values, left to right."
        return Explanation("Start · the inputs: " + ", ".join(text), r",\quad ".join(tex), (words,))
    text = [f"{_partial('f', x, False)} = {fmt(result.grads[x.name])}" for x in xs]
    tex = [f"{_partial('f', x, True)} = {fmt(result.grads[x.name], True)}" for x in xs]
    words = "Each gradient is a product of local gradients along a path back from f, summed over all such paths."
    return Explanation("Done · " + ", ".join(text), r",\quad ".join(tex), (words,))


def explain(graph: Graph, result: Result, stage: Stage) -> Explanation:
    """What happens at ``stage``, with the live numbers, e.g. for node q of f = q·z:
    "Backward · node q: ∂f/∂q = ∂f/∂f · ∂f/∂q = 1 · z = 1 · (−4) = −4"."""
    if stage.phase in ("start", "done"):
        return _start_or_done(graph, result, stage.phase)
    node = graph.node(stage.node)
    if stage.phase == "forward":
        parts = [[node.label(latex), graph.formula(node.name, latex=latex),
                  graph.formula(node.name, result.values, latex), fmt(result.values[node.name], latex)]
                 for latex in (False, True)]  # fmt: skip
        words = ("An operation needs only its arguments' values.",)
        if node.name == graph.output:
            words = ("This is the output: the forward pass is complete, Next starts the backward pass.",)
        return Explanation(f"Forward · node {node.name}: {_equation(parts[0])}", _equation(parts[1]), words)
    if node.name == graph.output:
        return Explanation(
            f"Backward · node {node.name}: ∂{node.name}/∂{node.name} = 1",
            rf"{_partial(node.name, node, True)} = 1",
            (f"The backward pass starts at the output with ∂{node.name}/∂{node.name} = 1.",),
        )
    text = _equation([_partial("f", node, False), *_backward_terms(graph, result, node, False)])
    tex = _equation([_partial("f", node, True), *_backward_terms(graph, result, node, True)])
    return Explanation(f"Backward · node {node.name}: {text}", tex, _backward_words(graph, result, node))


def table(graph: Graph, result: Result, index: int) -> list[dict[str, str]]:
    """One row per node for the page's table: node, what it computes, and its value and ∂f/∂node
    once stage ``index`` has computed them ("?" for a value still to come, "" for a gradient)."""
    values, grads = known(graph, index)
    return [
        {
            "node": n.name,
            "computes": graph.formula(n.name) if n.is_op else n.op,
            "value": fmt(result.values[n.name]) if n.name in values else "?",
            "∂f/∂node": fmt(result.grads[n.name]) if n.name in grads else "",
        }
        for n in graph.nodes
    ]


# ----------------------------------------------------------------------------- expressions


def _graph(title: str, inputs: Mapping[str, float], *rest: tuple) -> Graph:
    """Inputs with their default values, then nodes given as Node's positional fields."""
    return Graph(title, (*(Node(k, value=v) for k, v in inputs.items()), *(Node(*r) for r in rest)))


_NEURON = (
    {"w0": 2.0, "x0": -1.0, "w1": -3.0, "x1": -2.0, "w2": -3.0},
    *(("p0", "mul", ("w0", "x0")), ("p1", "mul", ("w1", "x1")), ("s", "add", ("p0", "p1")), ("z", "add", ("s", "w2"))),
)

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
    "fork": _graph("a fork: f = (x + y)·(x·y), x and y used twice", {"x": 2.0, "y": 3.0},
                   ("q", "add", ("x", "y")), ("r", "mul", ("x", "y")), ("f", "mul", ("q", "r"))),
}  # fmt: skip

COMPOSE_INPUTS = {"x": 1.5, "y": -2.0, "z": 0.5, "w": 2.0, "v": -1.0}  # names and default values, in order of use
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
