"""A graph's forward and backward pass as stages, each said three ways (a headline, LaTeX, the local
rules in words), and the table of what is known at each stage."""

from collections.abc import Sequence
from dataclasses import dataclass

from .graph import INFIX, Graph, Node, Result, fill
from .ops import OPS, fmt, wrap


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


def _partial(top: Node, bottom: Node, latex: bool) -> str:
    """∂top/∂bottom, as "∂g2/∂a" or in LaTeX with subscripts."""
    if latex:
        return rf"\frac{{\partial {top.label(True)}}}{{\partial {bottom.label(True)}}}"
    return f"∂{top.name}/∂{bottom.name}"


def _output(graph: Graph) -> Node:
    """The node every gradient is of: f in the library, whatever the user named it in typed text."""
    return graph.node(graph.output)


def _equation(parts: Sequence[str], join: str = " = ") -> str:
    """``parts`` joined by "=", dropping a part that repeats the one before it."""
    return join.join(p for i, p in enumerate(parts) if i == 0 or wrap(p) != wrap(parts[i - 1]))


def _backward_terms(graph: Graph, result: Result, node: Node, latex: bool) -> list[str]:
    """[∂f/∂n written as a sum of chain-rule products, then with numbers: symbols, upstream·local, all numbers]."""
    order = [n.name for n in graph.nodes]
    edges = sorted((e for e in result.edges if e.source == node.name), key=lambda e: order.index(e.target))
    dot = r" \cdot " if latex else " · "
    ins = [graph.node(e.target) for e in edges]
    local = [_local(graph, graph.node(e.target), e.position, latex) for e in edges]
    out = _output(graph)
    symbols = " + ".join((rf"{_partial(out, c, True)}\,{_partial(c, node, True)}" if latex else
                          f"{_partial(out, c, False)} · {_partial(c, node, False)}") for c in ins)  # fmt: skip
    return [
        symbols,
        " + ".join(f"{wrap(fmt(e.upstream, latex))}{dot}{wrap(s)}" for e, s in zip(edges, local)),
        " + ".join(f"{wrap(fmt(e.upstream, latex))}{dot}{wrap(fmt(e.local, latex))}" for e in edges),
        fmt(result.grads[node.name], latex),
    ]


def _local(graph: Graph, target: Node, position: int, latex: bool) -> str:
    """∂target/∂(its argument at ``position``) as a formula in the argument names."""
    op = OPS[target.op]
    args = [graph.node(a).label(latex) for a in target.args]
    args = [wrap(a) for a in args] if target.op in INFIX else args
    return fill((op.local_latex if latex else op.local_text)[position], target, args, target.label(latex), latex)


def _backward_words(graph: Graph, result: Result, node: Node) -> tuple[str, ...]:
    words = []
    users = [e for e in result.edges if e.source == node.name]
    for e in users:
        target = graph.node(e.target)
        local = _equation([_partial(target, node, False), _local(graph, target, e.position, False), fmt(e.local)])
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
    out = _output(graph)
    text = [f"{_partial(out, x, False)} = {fmt(result.grads[x.name])}" for x in xs]
    tex = [f"{_partial(out, x, True)} = {fmt(result.grads[x.name], True)}" for x in xs]
    words = f"Each gradient is a product of local gradients along a path back from {out.name}, summed over all paths."
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
            rf"{_partial(node, node, True)} = 1",
            (f"The backward pass starts at the output with ∂{node.name}/∂{node.name} = 1.",),
        )
    text = _equation([_partial(_output(graph), node, False), *_backward_terms(graph, result, node, False)])
    tex = _equation([_partial(_output(graph), node, True), *_backward_terms(graph, result, node, True)])
    return Explanation(f"Backward · node {node.name}: {text}", tex, _backward_words(graph, result, node))


def formula(graph: Graph, result: Result, stage: Stage, latex: bool = False) -> str:
    """The equation of a forward or backward stage in symbols alone: "q = x + y", "∂f/∂x = ∂f/∂q · ∂q/∂x + …"
    (the output's own gradient: "∂f/∂f")."""
    node = graph.node(stage.node)
    if stage.phase == "forward":
        return f"{node.label(latex)} = {graph.formula(node.name, latex=latex)}"
    lhs = _partial(_output(graph), node, latex)
    return lhs if node.name == graph.output else f"{lhs} = {_backward_terms(graph, result, node, latex)[0]}"


def table(graph: Graph, result: Result, index: int) -> list[dict[str, str]]:
    """One row per node for the page's table: node, what it computes, and its value and ∂f/∂node (f being
    the output's name)
    once stage ``index`` has computed them ("?" for a value still to come, "" for a gradient)."""
    values, grads = known(graph, index)
    return [
        {
            "node": n.name,
            "computes": graph.formula(n.name) if n.is_op else n.op,
            "value": fmt(result.values[n.name]) if n.name in values else "?",
            f"∂{graph.output}/∂node": fmt(result.grads[n.name]) if n.name in grads else "",
        }
        for n in graph.nodes
    ]
