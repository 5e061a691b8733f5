"""Typed expressions: ``f = (x + y)·z``, or a chain of assignments as micrograd's README writes them
(``a = Value(-4.0)`` … ``g += 10.0 / f``), read into a ``Graph``.

The text is parsed by Python's ``ast`` and every syntax node is checked against an allow-list:
numbers, names, + − × ÷ and powers, calls of the operations on the menu (exp, log, tanh, σ or
sigmoid, relu, max) and micrograd's ``.relu()``-style methods. Nothing is ever evaluated by Python:
each allowed node becomes a ``Node``, and everything else is refused with its line and column.

    x, y, z …  a name never assigned is an input (default value: DEFAULTS in turn)
    a = -4.0   a name assigned a number (or Value(number)) is an input with that default
    c = a + b  a name assigned an expression names that operation's node
    c += 1     rebinding makes a new node, c2 (drawn c₂), so the graph stays acyclic
    f          the output is the last statement, or the name whose .backward() is called

Typed signs × · ÷ − become * * / -, and ^ means a power, as on paper.
"""

import ast
import math
from dataclasses import dataclass, field

from bpviz.engine.errors import BpvizError

from .graph import Graph, Node
from .ops import OPS

MAX_CHARS = 2000
MAX_NODES = 60  # what the graph figure can draw legibly
MAX_NAME = 10
DEFAULTS = (1.5, -2.0, 0.5, 2.0, -1.0)  # the values of free names, in order of appearance
FUNCTIONS = {"exp": "exp", "log": "log", "tanh": "tanh", "sigmoid": "sigmoid", "σ": "sigmoid", "relu": "relu",
             "max": "max"}  # fmt: skip
METHODS = ("exp", "log", "tanh", "sigmoid", "relu")  # micrograd's (b + a).relu()
BINARY = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "power"}
SIGNS = {"×": "*", "·": "*", "÷": "/", "−": "-", "^": "**"}
FIELD = "expression"
ACCEPTS = "numbers, names, + − × ÷ ^ and exp, log, tanh, σ, relu, max"
KINDS = {
    ast.Attribute: "attribute access", ast.Subscript: "indexing with [ ]", ast.Compare: "a comparison",
    ast.BoolOp: "and/or", ast.IfExp: "if … else", ast.Lambda: "lambda", ast.NamedExpr: "the := operator",
    ast.JoinedStr: "an f-string", ast.List: "a list", ast.Tuple: "a tuple", ast.Dict: "a dict", ast.Set: "a set",
    ast.ListComp: "a comprehension", ast.GeneratorExp: "a comprehension", ast.Starred: "a starred argument",
    ast.FunctionDef: "a def", ast.ClassDef: "a class", ast.Import: "an import", ast.ImportFrom: "an import",
    ast.If: "an if", ast.For: "a for loop", ast.While: "a while loop", ast.With: "a with block",
    ast.Return: "a return", ast.Delete: "del", ast.Global: "global", ast.Try: "a try block",
}  # fmt: skip


def translate(text: str) -> tuple[str, list[list[int]]]:
    """``text`` with typed signs made Python's, and for each line each character's original column (1-based)."""
    lines, columns = [], []
    for line in text.split("\n"):
        out, cols = [], []
        for col, ch in enumerate(line, 1):
            rep = SIGNS.get(ch, ch)
            out.append(rep)
            cols.extend([col] * len(rep))
        lines.append("".join(out))
        columns.append(cols + [len(line) + 1])
    return "\n".join(lines), columns


@dataclass
class _Reader:
    """Walks the allowed syntax, appending nodes; ``names`` maps each bound name to its current node.
    ``reserved`` holds every name in the text, so that names made up here (q1, k1, c2 …) never clash."""

    columns: list[list[int]]
    reserved: set[str]
    nodes: list[Node] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    free: int = 0

    def refuse(self, at: ast.AST, why: str) -> BpvizError:
        return BpvizError(FIELD, f"{where(self.columns, getattr(at, 'lineno', 1), getattr(at, 'col_offset', 0))}: "
                                 f"{why}")  # fmt: skip

    def fresh(self, base: str) -> str:
        """A node name not used yet: ``base`` itself, then base2, base3 … ("q" and "k" start at q1, k1)."""
        used = {n.name for n in self.nodes}
        first = [] if base in ("q", "k") or base in used else [base]
        start = 1 if base in ("q", "k") else 2
        others = (f"{base}{k}" for k in range(start, start + len(used) + len(self.reserved) + 1))
        return next(n for n in (*first, *others) if n == base or n not in used | self.reserved)

    def add(self, at: ast.AST, node: Node) -> str:
        if len(self.nodes) >= MAX_NODES:
            raise self.refuse(at, f"this makes more than {MAX_NODES} nodes, more than the graph can draw")
        self.nodes.append(node)
        return node.name

    def statement(self, s: ast.stmt) -> tuple[str | None, bool]:
        """Read one statement: the node it computes (None for a skipped line), and whether it calls .backward()."""
        if isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name):
            return self.bind(s.targets[0], s.value), False
        if isinstance(s, ast.AugAssign) and isinstance(s.target, ast.Name):
            old = ast.copy_location(ast.Name(s.target.id, ast.Load()), s.target)
            return self.bind(s.target, ast.copy_location(ast.BinOp(old, s.op, s.value), s)), False
        if _skipped(s):
            return None, False
        if isinstance(s, ast.Expr) and _call_of(s.value, "backward"):
            return self.use(s.value.func.value), True
        if isinstance(s, ast.Expr):
            return self.expr(s.value, 0, name=self.fresh("f")), False
        raise self.refuse(s, f"{KINDS.get(type(s), 'this statement')} is not read: write assignments like "
                             "c = a + b, and the expression last")  # fmt: skip

    def bind(self, target: ast.Name, value: ast.expr) -> str:
        """``name = value``: an input if value is a number, else the operation's node, named ``name``."""
        name = self.check_name(target)
        if name in FUNCTIONS:
            raise self.refuse(target, f"{name} is an operation, not a name to assign")
        number = _literal(value)
        if number is not None:
            node = self.add(value, Node(self.fresh(name), value=self.number(value, number)))
        else:
            node = self.expr(value, 0, name=name)
        self.names[name] = node
        return node

    def check_name(self, n: ast.Name) -> str:
        if not n.id.isascii() or not n.id.isalnum() or not n.id[0].isalpha():
            raise self.refuse(n, f"{n.id} is not a plain name: use letters and digits, as in x1 (drawn x₁)")
        if len(n.id) > MAX_NAME:
            raise self.refuse(n, f"{n.id} is longer than {MAX_NAME} characters")
        return n.id

    def use(self, n: ast.expr) -> str:
        """The node a name stands for: bound earlier, or a new input."""
        if not isinstance(n, ast.Name):
            raise self.refuse(n, "backward() is called on a name, as in g.backward()")
        if n.id in FUNCTIONS:
            raise self.refuse(n, f"{n.id} is an operation: call it, as in {n.id}(x)")
        if n.id not in self.names:
            name = self.check_name(n)
            default = DEFAULTS[self.free % len(DEFAULTS)]
            self.free += 1
            self.names[n.id] = self.add(n, Node(self.fresh(name), value=default))
        return self.names[n.id]

    def number(self, at: ast.AST, v: float) -> float:
        if not math.isfinite(v):
            raise self.refuse(at, "this number is beyond the range of a float (about ±1.8e308)")
        return v

    def expr(self, e: ast.expr, depth: int, name: str = "q") -> str:
        """The node computing ``e``; an operation's node is named ``name`` (made unique)."""
        if depth > MAX_NODES:  # every level of nesting but a unary + is a node: a bound that also caps recursion
            raise self.refuse(e, f"operations nest more than {MAX_NODES} deep, more than the graph can draw")
        if isinstance(e, ast.Name):
            return self.use(e)
        if isinstance(e, ast.UnaryOp) and isinstance(e.op, ast.UAdd):
            return self.expr(e.operand, depth + 1, name)
        number = _literal(e)
        if number is not None:
            return self.add(e, Node(self.fresh("k"), "const", value=self.number(e, number)))
        op, args, p = self.operation(e, depth)
        return self.add(e, Node(self.fresh(name), op, args, p=p))

    def operation(self, e: ast.expr, depth: int) -> tuple[str, tuple[str, ...], float | None]:
        """The operation at the top of ``e``, its argument nodes and a power's exponent."""
        if isinstance(e, ast.UnaryOp) and isinstance(e.op, ast.USub):
            return "neg", (self.expr(e.operand, depth + 1),), None
        if isinstance(e, ast.BinOp) and type(e.op) in BINARY:
            if isinstance(e.op, ast.Pow):
                return "power", (self.expr(e.left, depth + 1),), self.exponent(e.right)
            return BINARY[type(e.op)], (self.expr(e.left, depth + 1), self.expr(e.right, depth + 1)), None
        if isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and e.func.id in FUNCTIONS and not e.keywords:
            op = FUNCTIONS[e.func.id]
            if len(e.args) != OPS[op].arity:
                raise self.refuse(e, f"{e.func.id} takes {OPS[op].arity} argument(s), not {len(e.args)}")
            return op, tuple(self.expr(a, depth + 1) for a in e.args), None
        if isinstance(e, ast.Call) and isinstance(e.func, ast.Attribute) and e.func.attr in METHODS:
            if e.args or e.keywords:
                raise self.refuse(e, f".{e.func.attr}() takes no arguments")
            return e.func.attr, (self.expr(e.func.value, depth + 1),), None
        if isinstance(e, ast.Call) and isinstance(e.func, (ast.Name, ast.Attribute)):
            what = e.func.id if isinstance(e.func, ast.Name) else f".{e.func.attr}"
            raise self.refuse(e, f"{what}() is not an operation here; the operations are {ACCEPTS}")
        if isinstance(e, ast.Call):
            raise self.refuse(e, f"{KINDS.get(type(e.func), 'this')} cannot be called; the operations are {ACCEPTS}")
        if isinstance(e, ast.BinOp):
            raise self.refuse(e, f"the operator here is not read; the operations are {ACCEPTS}")
        if isinstance(e, ast.Constant):
            raise self.refuse(e, f"{_constant_kind(e.value)} is not a number")
        raise self.refuse(e, f"{KINDS.get(type(e), 'this')} is not part of an expression here; it reads {ACCEPTS}")

    def exponent(self, e: ast.expr) -> float:
        """A power's exponent: a number, or numbers combined by + − × ÷ (as in x ** (1/2))."""
        if (v := _literal(e)) is not None:
            return self.number(e, v)
        if isinstance(e, ast.BinOp) and type(e.op) in (ast.Add, ast.Sub, ast.Mult, ast.Div):
            a, b = self.exponent(e.left), self.exponent(e.right)
            if isinstance(e.op, ast.Div) and b == 0:
                raise self.refuse(e, "the exponent divides by zero")
            ops = {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b} if not isinstance(e.op, ast.Div) else {}
            return self.number(e, ops[type(e.op)] if ops else a / b)
        raise self.refuse(e, "an exponent must be a number, as in x ** 2 or x ** (1/2); for a variable "
                             "exponent write exp(y·log(x))")  # fmt: skip


def _call_of(e: ast.expr, name: str) -> bool:
    """True for ``name(…)`` or ``….name(…)``."""
    return isinstance(e, ast.Call) and (getattr(e.func, "id", None) == name or getattr(e.func, "attr", None) == name)


def _literal(e: ast.expr) -> float | None:
    """The value of a number, a signed number or micrograd's Value(number); None for anything else."""
    if isinstance(e, ast.Call) and getattr(e.func, "id", None) == "Value" and len(e.args) == 1 and not e.keywords:
        e = e.args[0]
    sign = 1.0
    if isinstance(e, ast.UnaryOp) and isinstance(e.op, (ast.USub, ast.UAdd)):
        sign, e = (-1.0 if isinstance(e.op, ast.USub) else 1.0), e.operand
    if isinstance(e, ast.Constant) and type(e.value) in (int, float):
        try:
            return sign * float(e.value)
        except OverflowError:
            return math.inf
    return None


def _constant_kind(v: object) -> str:
    return {str: "text in quotes", bool: f"{v}", complex: "a complex number", bytes: "bytes"}.get(type(v), repr(v))


def _reachable(nodes: list[Node], output: str) -> tuple[Node, ...]:
    """The nodes the output depends on, in their order: an unused input or line draws nothing."""
    by_name, keep, todo = {n.name: n for n in nodes}, set(), [output]
    while todo:
        name = todo.pop()
        if name not in keep:
            keep.add(name)
            todo.extend(by_name[name].args)
    return tuple(n for n in nodes if n.name in keep)


def title(text: str, tree: ast.Module) -> str:
    """How menus name a typed expression: its one statement as typed, or how many and the last that computes."""
    read = [s for s in tree.body if not _skipped(s)]
    last = next((s for s in reversed(read) if not (isinstance(s, ast.Expr) and _call_of(s.value, "backward"))), None)
    shown = " ".join(text.split("\n")[last.lineno - 1].split()) if last else ""
    shown = shown if len(shown) <= 60 else f"{shown[:59]}…"
    return f"your expression: {shown}" if len(read) == 1 else f"your {len(read)} lines, ending: {shown}"


def parse(text: str) -> Graph:
    """The graph of ``text``; raises BpvizError (field "expression") saying what is not read and where."""
    if not text.strip():
        raise BpvizError(FIELD, "type an expression, as in f = (x + y)·z")
    if len(text) > MAX_CHARS:
        raise BpvizError(FIELD, f"{len(text)} characters is more than the {MAX_CHARS} read")
    source, columns = translate(text)
    try:
        tree = ast.parse(source, mode="exec")
    except SyntaxError as e:
        raise BpvizError(FIELD, f"{where(columns, e.lineno or 1, (e.offset or 1) - 1)}: {e.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise BpvizError(FIELD, "the text is nested too deeply to read") from None
    reader = _Reader(columns, {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)})
    output, backward = None, False
    for s in tree.body:
        node, calls_backward = reader.statement(s)
        if node is not None and not backward:
            output, backward = node, calls_backward
    if output is None:
        raise BpvizError(FIELD, "there is no expression to differentiate")
    nodes = _reachable(reader.nodes, output)
    if not nodes[-1].is_op:
        raise BpvizError(FIELD, f"{output} is a number, not an operation: the output must compute something")
    return Graph(title(text, tree), nodes)


def where(columns: list[list[int]], line: int, offset: int) -> str:
    """"line 2, column 5" (just "column 5" for one line) from a 1-based line and 0-based offset in the
    translated text, counted in the text as typed."""
    cols = columns[min(max(line, 1), len(columns)) - 1]
    col = cols[min(max(offset, 0), len(cols) - 1)]
    return f"line {line}, column {col}" if len(columns) > 1 else f"column {col}"


def _skipped(s: ast.stmt) -> bool:
    """micrograd's boilerplate: its import and print(…) lines."""
    micrograd = isinstance(s, ast.ImportFrom) and s.module == "micrograd.engine"
    return micrograd or (isinstance(s, ast.Expr) and _call_of(s.value, "print"))
