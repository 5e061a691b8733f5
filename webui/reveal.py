"""Predict, then reveal on the Step and Chain rule pages (``bpviz.lesson.predict``; its state is ``state.Reveal``).

With the sidebar's toggle on (or a share link's ``reveal=1``), each stage's value waits for a prediction:
``for_step`` and ``for_chain`` find the stage's question and note it in the session's quiz (the question
left unanswered before counts as skipped once the stage has moved on past it); the ``Asking`` they return
hides the value in the page's diagram, equation and tables and draws the prediction box, in presentation
mode too (the lecturer asks the room).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial

import streamlit as st

from bpviz import chainrule as cr
from bpviz.chainrule.predict import chain_question, hidden_explanation
from bpviz.chainrule.predict import write as chain_write
from bpviz.lesson.equations import Explanation
from bpviz.lesson.names import Names
from bpviz.lesson.numbers import format_value
from bpviz.lesson.predict import Question, hide, shown_text, step_question
from bpviz.lesson.shown import DiagramView
from bpviz.lesson.stages import Walk
from webui import notices, state
from webui.notices import md

TOGGLE = "reveal_w_on"  # the sidebar's "Predict, then reveal"
BOX = "reveal_box"  # the prediction box (browser tests find it as .st-key-reveal_box)
FORM = "reveal_form"
GUESS = "reveal_w_guess"
CHECK = "reveal_check"
HELP = (
    "Before each value is shown, type what you expect it to be: Check (or Enter) says whether it is right at "
    "the page's decimals and shows the working. Next without a prediction counts as skipped. A share link "
    "carries this switch (reveal=1), so a class opens the lesson with it on."
)
CSS = f"""<style>
.st-key-{BOX} input {{ font-size: 1.25rem; }}
.st-key-{BOX} [data-testid="stMarkdownContainer"] p {{ margin-bottom: 0.2rem; }}
</style>"""


def toggle() -> None:
    """The sidebar's switch (shared by both pages)."""
    st.toggle("Predict, then reveal", help=HELP, **state.bind_field(TOGGLE, state.reveal(), "on"))


@dataclass(frozen=True)
class Asking:
    """The question of the stage shown (None: nothing asked), whether its value is still hidden, how the
    page writes a value, and whether the page's own equation shows its working once revealed (``in_panel``)."""

    question: Question | None
    hidden: bool
    write: Callable[[float], str]
    in_panel: bool = True

    def view(self, view: DiagramView) -> DiagramView:
        """The Step diagram's view with the value hidden while it waits."""
        return hide(view, self.question) if self.hidden else view

    def panel(self, explanation: Explanation, shown: Sequence) -> Explanation:
        """The Step equation panel of the ``shown`` element with "?" for the value while it waits."""
        q = self.question
        if not self.hidden or tuple(shown) != q.element:
            return explanation
        eqs = tuple(replace(e, latex=q.formula) if e.current and e.quantity == q.quantity else e
                    for e in explanation.equations)  # fmt: skip
        return replace(explanation, equations=eqs)

    def settled(self, index: int) -> int:
        """The stage the tables show: the one before while this stage's value waits (they would give it away)."""
        return max(index - 1, 0) if self.hidden else index

    def ask(self) -> None:
        """The prediction box: what is asked, the number field and Check; then right or wrong (with the working
        when the page does not show it), and the session's score."""
        q = self.question
        if q is None:
            return
        st.html(CSS)
        answer = state.reveal().quiz.answer_of(q)
        with st.container(border=True, key=BOX):
            notices.write(md("**Predict** {}", q.asks))
            if not self.in_panel:
                st.latex(q.formula if answer is None else q.working)
            if answer is None:
                with st.form(FORM, border=False, clear_on_submit=True, enter_to_submit=True):
                    row = st.columns([3, 1], vertical_alignment="bottom", gap="small")
                    row[0].number_input("Your prediction", value=None, format="%g", key=GUESS,
                                        placeholder="your prediction", label_visibility="collapsed")  # fmt: skip
                    row[1].form_submit_button("Check", key=CHECK, type="primary", on_click=_check, args=(q, self.write))
            else:
                notices.show(state.Notice(*verdict(q, answer.verdict, answer.guess, self.write)))
            notices.caption(state.reveal().quiz.score.text())


def verdict(q: Question, kind: str, guess: float | None, write: Callable[[float], str]) -> tuple[str, str]:
    """(notice kind, words) for an answer: right, wrong with the value, or skipped."""
    value = write(q.value)
    if kind == "right":
        return "success", f"Right: {q.asks} = {value}."
    if kind == "wrong":
        said = shown_text(guess, write) or "a number beyond float range"
        return "error", f"Not quite: you said {said}, and {q.asks} = {value}. The working is in the equation."
    return "info", f"Skipped: {q.asks} = {value}."


def _check(q: Question, write: Callable[[float], str]) -> None:
    r = state.reveal()
    guess = state.widget(GUESS)
    r.quiz = r.quiz.answer(q, None if guess is None else float(guess), write)


def _asking(question: Question | None, where: tuple, index: int, write, in_panel: bool = True) -> Asking:
    """Note ``question`` in the session's quiz (counting a question left behind as skipped)."""
    r = state.reveal()
    r.quiz = r.quiz.shown(question, where, index)
    return Asking(question, r.quiz.hides(question), write, in_panel)


def off(write) -> Asking:
    return Asking(None, False, write)


def for_step(w: Walk, index: int, shown: Sequence, decimals: int, names: Names, done: bool) -> Asking:
    """The Step page's question at stage ``index`` (none while the mode is off, or for an update already
    applied: ``done``), for the ``shown`` element of the equation panel when this stage computes its value."""
    write = partial(format_value, decimals=decimals)
    if not state.reveal().on:
        return off(write)
    kept = state.current_walk()
    where = ("step", kept[0] if kept else None)
    question = None if done else step_question(w, index, tuple(shown), decimals, names, where)
    return _asking(question, where, index, write, in_panel=question is None or question.element == tuple(shown))


def for_chain(graph: cr.Graph, result: cr.Result, inputs: dict[str, float], index: int) -> Asking:
    """The Chain rule page's question at stage ``index`` of ``graph`` with ``inputs``."""
    if not state.reveal().on:
        return off(chain_write)
    where = ("chain", graph, tuple(sorted(inputs.items())))
    return _asking(chain_question(graph, result, index, where), where, index, chain_write)


def chain_explanation(asking: Asking, graph: cr.Graph, result: cr.Result, stage: cr.Stage) -> cr.Explanation:
    """The stage said with "?" for its value while it waits, else as ``cr.explain`` says it."""
    return hidden_explanation(graph, result, stage) if asking.hidden else cr.explain(graph, result, stage)
