"""Predict, then reveal: the value a stage computes is hidden until the learner has typed a prediction.

At each stage one value is asked (a ``Question``): on the Step page the selected element's quantity that
the stage computes (z, a or δ of a neuron, ∂L/∂w or w⁺ of a weight, ∂L/∂b or b⁺ of a bias, the loss), or
when the selected element computes nothing at this stage, the first quantity the stage computes
(``selection.follow_stage``); on the Chain rule page the stage's node's value (forward) or ∂f/∂node
(backward; ``bpviz.chainrule.predict``). Until it is answered the diagram and the equation show "?" in its
place and the equation keeps only its symbols; the answer reveals the equation with its numbers (the
working).

A prediction is right when it and the value are written alike at the page's decimals (``same_shown``: the
text the page shows for each, "-0.000" as "0.000"; a guess that is not a finite number is never right). A
``Quiz`` is the session's record: the answers by question, the score, and the question last shown and not
yet answered, which counts as skipped once the learner moves on past its stage without answering.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from .equations import explain
from .names import Names
from .selection import follow_stage
from .shown import DiagramView, Quantity
from .stages import Walk

MAX_ANSWERS = 500  # answers a session keeps (the oldest go first); a question asked again after that is new


def shown_text(value: float, write: Callable[[float], str]) -> str | None:
    """``write(value)``, the page's text for a value, with a negative zero ("-0.000") written as zero; None for
    a value that is not a finite number (a prediction typed past float range, 1e999, is inf)."""
    if not np.isfinite(value):
        return None
    text = write(float(value))
    unsigned = text.removeprefix("-").removeprefix("−")
    return unsigned if text != unsigned and not any(c in "123456789" for c in unsigned.split("e")[0]) else text


def same_shown(guess: float, value: float, write: Callable[[float], str]) -> bool:
    """True when the prediction ``guess`` and ``value`` are written alike by ``write`` (the page's format at its
    decimals): 0.37749 and 0.3775 at 4 decimals; -0.0001 and 0.0 at 3 fixed decimals; never for a guess or a
    value that is not finite."""
    ours, theirs = shown_text(guess, write), shown_text(value, write)
    return ours is not None and ours == theirs


@dataclass(frozen=True)
class Question:
    """One value to predict: ``key`` (the page, its context, the stage, the element and the quantity: an
    answer is kept under it), ``asks`` (plain words: "z of h1_1", "∂L/∂w of the weight x1 → h1_1"),
    ``formula`` (LaTeX: the equation's symbols, "= ?" where the value goes), ``working`` (LaTeX: the equation
    with the live numbers that yields it), the engine's ``value``, and where the value is drawn: ``element``
    (Step: ("node", l, i), ("edge", k, i, j) or ("bias", k, i); Chain rule: the node's name) and ``quantity``
    (Step: z, a, delta, loss, grad or update; Chain rule: value or grad)."""

    key: tuple
    asks: str
    formula: str
    working: str
    value: float
    element: tuple | str
    quantity: str


@dataclass(frozen=True)
class Answer:
    """The learner's ``guess`` (None: skipped) and the ``verdict``, "right", "wrong" or "skipped"."""

    guess: float | None
    verdict: str


@dataclass(frozen=True)
class Score:
    """Predictions right, wrong and skipped in this session; ``asked`` counts all three."""

    right: int = 0
    wrong: int = 0
    skipped: int = 0

    @property
    def asked(self) -> int:
        return self.right + self.wrong + self.skipped

    def add(self, verdict: str) -> "Score":
        return replace(self, **{verdict: getattr(self, verdict) + 1})

    def text(self) -> str:
        """ "Score: 3 of 5 right (1 skipped)", or "No predictions yet"."""
        if not self.asked:
            return "No predictions yet"
        skipped = f" ({self.skipped} skipped)" if self.skipped else ""
        return f"Score: {self.right} of {self.asked} right{skipped}"


@dataclass(frozen=True)
class Pending:
    """The question a page showed unanswered, with the page's context (``where``) and the stage it was at."""

    key: tuple
    where: tuple
    stage: int


@dataclass(frozen=True)
class Quiz:
    """A session's predictions: the ``answers`` by question key, the ``score``, and the question ``pending``."""

    answers: Mapping[tuple, Answer] = field(default_factory=dict)
    score: Score = Score()
    pending: Pending | None = None

    def answer_of(self, question: Question | None) -> Answer | None:
        return None if question is None else self.answers.get(question.key)

    def hides(self, question: Question | None) -> bool:
        """True while ``question`` (when there is one) waits for a prediction."""
        return question is not None and question.key not in self.answers

    def answer(self, question: Question, guess: float | None, write: Callable[[float], str]) -> "Quiz":
        """The quiz after ``guess`` for ``question`` (None: skipped); a question already answered keeps its
        first answer."""
        if question.key in self.answers:
            return self
        verdict = "skipped" if guess is None else "right" if same_shown(guess, question.value, write) else "wrong"
        return self._with(question.key, Answer(guess, verdict))

    def _with(self, key: tuple, answer: Answer) -> "Quiz":
        kept = list(self.answers.items())[-(MAX_ANSWERS - 1) :]
        pending = None if self.pending is not None and self.pending.key == key else self.pending
        return Quiz({**dict(kept), key: answer}, self.score.add(answer.verdict), pending)

    def shown(self, question: Question | None, where: tuple, stage: int) -> "Quiz":
        """The quiz after a page in context ``where`` showed stage ``stage`` with ``question``: the question
        pending before counts as skipped when the same context has moved on past its stage unanswered (Next
        without a prediction); then ``question`` is pending while it waits for its prediction."""
        quiz, before = self, self.pending
        if before is not None and before.where == where and stage > before.stage and before.key not in quiz.answers:
            quiz = quiz._with(before.key, Answer(None, "skipped"))
        pending = Pending(question.key, where, stage) if quiz.hides(question) else None
        return replace(quiz, pending=pending)


# ----------------------------------------------------------------------------- the Step page


def hidden_latex(latex: str) -> str:
    """An equation's symbols with "?" for its value: the first line of an aligned block ("z &= Σ w a + b")
    then "&= ?"; a one-line equation up to its first "=", then "= ?"."""
    if latex.startswith(r"\begin{aligned}"):
        first = latex.removeprefix(r"\begin{aligned}").split(r" \\ ")[0].removesuffix(r"\end{aligned}")
        return rf"\begin{{aligned}}{first} \\ &= ?\end{{aligned}}"
    return latex.split("=")[0] + "= ?"


def step_question(w: Walk, index: int, shown: tuple, decimals: int, names: Names, where: tuple = ()) -> Question | None:
    """The value stage ``index`` of the walk asks for: the quantity it computes for the ``shown`` element (the
    equation panel's), else for the first element it computes (``follow_stage``); None at the start."""
    stage = w.stages[index]
    if stage.kind == "start":
        return None
    for element in dict.fromkeys((tuple(shown), follow_stage(stage, w.net.spec))):
        explanation = explain(w, index, element, decimals, names)
        eq = next((e for e in explanation.equations if e.current), None)
        if eq is not None:
            return Question(("step", where, index, element, eq.quantity), asks(element, eq.quantity, names),
                            hidden_latex(eq.latex), eq.latex, eq.value, element, eq.quantity)  # fmt: skip
    return None


ASKS = {"z": "z of {}", "a": "a of {}", "delta": "δ of {}", "loss": "the loss {loss} of this sample",
        "grad": "∂{loss}/∂{p} of the {}", "update": "the new {p}⁺ of the {}"}  # fmt: skip


def asks(element: tuple, quantity: str, names: Names) -> str:
    """What is asked, in words: "z of h1_1", "∂L/∂w of the weight x1 → h1_1", "the new b⁺ of the bias of o1";
    with a source's names, in its words as its equations write them: "net_h1 (z of h1)", "∂E_total/∂w5 of the
    weight h1 → o1", "I_4 (z of unit 4)" (a source that numbers its units)."""
    kind, k, i, *j = element
    if kind == "node":
        node = names.node(k, i)
        what = f"unit {node}" if node.isdigit() else node
    else:
        what = f"weight {names.edge(k, i, *j)}" if kind == "edge" else f"bias of {names.node(k + 1, i)}"
    if names.textbook:
        p = names.weight(k, i, *j) if kind == "edge" else names.bias(k, i) if kind == "bias" else ""
    else:
        p = "b" if kind == "bias" else "w"
    said = ASKS[quantity].format(what, loss=names.loss, p=p)
    if names.textbook and quantity in ("z", "a"):
        return f"{getattr(names.naming, quantity)}_{node} ({said})"
    return said


SYMBOLS = {"z": ("z",), "a": ("a",), "delta": ("δ",), "grad": ("∂L/∂w", "∂L/∂b"), "update": ("w", "b")}


def hide(view: DiagramView, question: Question | None) -> DiagramView:
    """``view`` with the value ``question`` asks for hidden (printed "?"); as it is without a question or
    when the diagram does not draw that value (the loss)."""
    if question is None or question.quantity not in SYMBOLS:
        return view
    kind, k, *at = question.element
    part = {"node": "nodes", "edge": "edges", "bias": "biases"}[kind]
    layers = list(getattr(view, part))
    if layers[k] is None:
        return view
    layers[k] = tuple(_hidden(q, tuple(at)) if q.symbol in SYMBOLS[question.quantity] else q for q in layers[k])
    return replace(view, **{part: tuple(layers)})


def _hidden(q: Quantity, at: tuple) -> Quantity:
    mask = np.zeros(np.shape(q.values), dtype=bool)
    mask[at] = True
    return replace(q, hidden=mask)
