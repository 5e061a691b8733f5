"""Predict, then reveal on a computational graph (the Quiz and the check are ``bpviz.lesson.predict``'s).

A forward stage asks for its node's value, a backward stage for ∂f/∂node; the start, the end and the
output's own ∂f/∂f = 1 ask nothing. While a question waits, the stage is said with its symbols and "?"
(``hidden_explanation``), the graph prints "?" in its place and the table shows what was known before it.
"""

from bpviz.lesson.predict import Question

from .graph import Graph, Result
from .lesson import Explanation, Stage, explain, formula, stages
from .ops import fmt


def write(value: float) -> str:
    """A value as the Chain rule page writes it (``fmt``): what a prediction is checked at."""
    return fmt(value)


def chain_question(graph: Graph, result: Result, index: int, where: tuple = ()) -> Question | None:
    """The value stage ``index`` of ``graph`` asks for, or None (start, done, ∂f/∂f)."""
    stage = stages(graph)[index]
    if stage.phase not in ("forward", "backward") or (stage.phase, stage.node) == ("backward", graph.output):
        return None
    forward = stage.phase == "forward"
    value = result.values[stage.node] if forward else result.grads[stage.node]
    asks = f"the value of {stage.node}" if forward else f"∂{graph.output}/∂{stage.node}"
    return Question(("chain", where, index), asks, formula(graph, result, stage, latex=True) + " = ?",
                    explain(graph, result, stage).latex, value, stage.node, "value" if forward else "grad")  # fmt: skip


def hidden_explanation(graph: Graph, result: Result, stage: Stage) -> Explanation:
    """``explain``'s words for a stage whose value waits for a prediction: the symbols, then "?"."""
    shown = explain(graph, result, stage)
    phase = "Forward" if stage.phase == "forward" else "Backward"
    return Explanation(
        f"{phase} · node {stage.node}: {formula(graph, result, stage)} = ? (your prediction first)",
        formula(graph, result, stage, latex=True) + " = ?",
        shown.words,
    )
