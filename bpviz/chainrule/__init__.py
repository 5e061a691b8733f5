"""Backpropagation on a small computational graph: operations (``ops``), the graph and its two passes
(``graph``), the stages of the lesson (``lesson``), the expressions to pick from (``library``) and typed
ones (``parser``)."""

from .graph import Edge, Graph, Node, Result, evaluate, numeric_gradient
from .lesson import Explanation, Stage, explain, known, stages, table
from .library import COMPOSE_INPUTS, LIBRARY, MAX_STEPS, TYPED_EXAMPLES, compose
from .ops import MENU, OPS, Op, fmt, menu_label
from .parser import parse

__all__ = [
    "COMPOSE_INPUTS", "LIBRARY", "MAX_STEPS", "MENU", "OPS", "TYPED_EXAMPLES", "Edge", "Explanation", "Graph",
    "Node", "Op", "Result", "Stage", "compose", "evaluate", "explain", "fmt", "known", "menu_label",
    "numeric_gradient", "parse", "stages", "table",
]
