"""What the Step page's buttons and menus do, and the walk it shows (computed once per network and sample).

Stepping only moves ``state.Step.stage``: every number of the step is in the ``Walk``, computed once for
(version, x, y) and re-sliced on each click. After "Apply update" the page keeps showing the walk whose
update it applied (old → new on every edge, the loss before and after) until Next passes its last stage,
which starts a new step from the new weights; Undo goes back to the step as it was before the update.
"""

import re

import numpy as np
import pandas as pd
import streamlit as st

from bpviz import gradient_check
from bpviz.engine.gradcheck import GradCheck
from bpviz.lesson.numbers import format_value, printf_format
from bpviz.lesson.stages import Walk, reduction_words, walk
from webui import state, viewport

# Widget keys (browser tests find them as .st-key-<key>).
NEXT = "step_next"
BACK = "step_back"
CLICKER = "step_clicker"  # container of the two clicker buttons, hidden by CSS
CLICKER_NEXT = "step_clicker_next"
CLICKER_BACK = "step_clicker_back"
JUMP = "step_w_stage"  # the "Jump to stage" menu: it only sends jumps and then empties itself
DECIMALS = "step_w_decimals"
TEXTBOOK = "step_w_textbook"
SHOW_BIAS = "step_w_bias"
NEURON = "step_w_neuron"
ELEMENT = "step_w_element"
APPLY = "step_apply"
UNDO = "step_undo_button"
FOLLOW = "step_follow"
EXPORT = "step_export"  # the Markdown download
EXPORT_MENU = "step_export_menu"  # the popover of the three downloads
EXPORT_SCRIPT = {"numpy": "step_export_numpy", "torch": "step_export_torch"}  # by bpviz.lesson.scripts.SCRIPTS key
RUN_CHECK = "step_run_check"
PANES = "panes_step"  # container of the diagram and equation panes (see setup.LAYOUT_CSS)
CHART = "step_diagram"
MORE = "step_more"  # the section of tables and checks, closed at first
TABS = "step_tabs"
GUIDE = "step_guide"  # the "What am I looking at?" popover
PUBLISHED_TAB = "Published numbers"  # the third tab, for a worked example's own step


def diagram_size(presenting: bool) -> tuple[float, float | None, float]:
    """(width, height or None for its own, the tallest it may be) in px of the Step diagram: its pane's share
    of the main column; in presentation mode the height the window has under the navigation row."""
    if presenting:
        height = viewport.fill_height(PRESENTING_TOP)
        return viewport.pane_width(1.5 / 2.5), height, height
    return viewport.pane_width(1.15 / 2.15), None, max(360.0, state.viewport().height - 170.0)


PRESENTING_TOP = 200  # px above the panes in presentation mode before the probe has measured it
FILL = "fill_step"  # the container of the panes: in presentation mode, the rest of the window


def current_walk(x: np.ndarray, y: np.ndarray) -> Walk:
    """The walk of the sample (x, y), or of the batch (x, y of k rows), through the shared network, its update by
    the Train page's optimiser and penalty from the state the last applied update left; computed once per version,
    sample and settings."""
    net, t = state.net(), state.train_settings()
    carried = state.carried_state(t.optimiser.name)
    sample = (np.shape(x), tuple(np.ravel(x)), tuple(np.ravel(y)))
    key = (state.version(), sample, t.optimiser, t.penalty, carried is None)  # carried: of this version
    return state.memo(state.step(), "walk", key, lambda: walk(net, x, y, t.optimiser, t.penalty, carried))


def check(x: np.ndarray, y: np.ndarray) -> GradCheck:
    """The gradient check of the current walk's sample (the loss with the walk's penalty), once per walk."""
    s = state.step()
    net, key, penalty = state.net(), s.walk.key, s.walk.value.penalty
    return state.memo(s, "check", key, lambda: gradient_check(net, x, y, penalty=penalty))


def checked() -> GradCheck | None:
    """The gradient check of the current walk, if it was run."""
    s = state.step()
    return s.check.value if s.check is not None and s.walk is not None and s.check.key == s.walk.key else None


def stage_index(n_stages: int) -> int:
    """The current stage, kept within the ``n_stages`` of the walk shown."""
    s = state.step()
    s.stage = min(s.stage, n_stages - 1)
    return s.stage


def shown_walk(current: Walk) -> tuple[Walk, bool]:
    """(the walk to show, whether it is one whose update was just applied): the applied one while the network
    is still the update's result (nothing edited since), else ``current``."""
    s = state.step()
    if s.applied is not None and state.can_undo():
        return s.applied, True
    s.applied = None
    return current, False


def outside() -> tuple[int, bool]:
    """What the Step page shows outside its fragment that a click inside it can change: the network's version
    (an applied update, an Undo) and the sidebar's Auto-play switch (a key press stops the play)."""
    return state.version(), state.step().playing


def rerun_page_if_changed(drawn_with: tuple[int, bool]) -> None:
    """In the page's fragment: rerun the whole page when ``outside()`` is no longer ``drawn_with``, what the
    page was drawn with, or a message waits for the top of the page."""
    if outside() != drawn_with or state.shared().flash is not None:
        st.rerun(scope="app")


def move(by: int, n_stages: int) -> None:
    """Next (+1) or Back (−1); Next past the last stage of an applied update starts the new step."""
    s = state.step()
    if s.applied is not None and by > 0 and s.stage >= n_stages - 1:
        s.applied, s.stage = None, 0
        return
    s.move(by, n_stages)


def jump(n_stages: int) -> None:
    """A stage picked from the menu, which then empties itself (a menu showing the current stage would
    send its old value with a key press made during a rerun and undo that press)."""
    picked = state.widget(JUMP)
    if picked is not None:
        state.step().stage = min(picked, n_stages - 1)
        state.set_widgets({JUMP: None})


def apply() -> None:
    """Make the current step's updated network the shared one (Undo can take it back), and show that step's
    update: every parameter old → new and the loss before and after."""
    kept = state.current_walk()
    if kept is None or kept[0][0] != state.version():
        state.flash("warning", "The network changed since this step was computed; nothing was applied.")
        return
    current = kept[1]
    state.apply_update(current.updated, current.optimiser.name, current.state_after)
    s = state.step()
    s.applied, s.stage = current, len(current.stages) - 1


def applied_text(w: Walk, decimals: int) -> str:
    """What the applied-update banner says."""
    before, after = format_value(w.trace.loss, decimals), format_value(w.loss_after, decimals)
    return (
        f"Update applied: every trained parameter moved by {_moved_by(w)} (η = {w.net.spec.learning_rate:g}), and the "
        f"loss {loss_words(w)} fell from {before} to {after}. Next starts a new step from the new weights (Train "
        "continues from them too); Undo takes the update back."
    )


def loss_words(w: Walk) -> str:
    """Whose loss the step shows: "on this sample", or "of the batch (mean over the 3 samples)"."""
    return "on this sample" if w.batch == 1 else f"of the batch ({reduction_words(w.net.spec.reduction, w.batch)})"


def _moved_by(w: Walk) -> str:
    """How the update moved the parameters: "−η·∂L/∂θ", or "one Adam step, its state now at t = 2"."""
    if w.optimiser.name == "sgd":
        return "−η·∂L/∂θ"
    return f"one {w.optimiser.rule.label} step, its state now at t = {w.state_after.t}"


def undo() -> None:
    state.step().applied = None
    if state.undo():
        state.flash("info", "Undone: the network has the weights from before the last applied update.")
    else:
        state.flash("warning", "Nothing to undo: the network was changed elsewhere since the last update.")


def pick_neuron() -> None:
    state.step().selected = ("node", *state.widget(NEURON))


def pick_element() -> None:
    state.step().selected = state.widget(ELEMENT)


def follow() -> None:
    """Let the equation panel follow the stage again."""
    state.step().selected = None


def number_columns(decimals: int, frame: pd.DataFrame, scientific: tuple[str, ...] = ()) -> dict:
    """Column formats for every numeric column of ``frame`` at ``decimals`` decimals, in a bounded width
    (``printf_format``: scientific notation for a column with huge values; ``scientific`` columns as 1.2e-08)."""
    numeric = frame.select_dtypes("number")
    block = numeric.to_numpy(dtype=float)  # one array: a wide weight table has dozens of columns
    return {
        c: st.column_config.NumberColumn(format="%.1e" if c in scientific else printf_format(block[:, j], decimals))
        for j, c in enumerate(numeric.columns)
    }


EQUATION_SIZES = (18, 20, 22, 24, 26, 28, 30, 32)  # px: one CSS class each in setup.PRESENTATION_CSS
EQUATION_CHROME = 170  # px of the equation pane above and around its first equation: heading, box, title


EQUATION_SHARE = 1 / 2.5  # the equation pane's share of the presenting Step page's columns [1.5, 1]
EQUATION_INSET = 48  # px of the pane's width its box and padding take


def equation_size(latex: str, room: float, width: float = float("inf")) -> int:
    """The largest of EQUATION_SIZES (px) at which the lines of ``latex`` fit ``room`` px of height and ``width``
    px of width: a line takes about 1.5 em of height, one with a fraction about 2.5 em; its width is about 0.6 em
    a symbol (``_line_ems``). A line wider than any size allows scrolls sideways, as it did before."""
    lines = latex.split(r"\\")
    ems = sum(2.5 if r"\frac" in line else 1.5 for line in lines)
    widest = max(_line_ems(line) for line in lines)
    fitting = [size for size in EQUATION_SIZES if size * ems <= room and size * widest <= width]
    return fitting[-1] if fitting else EQUATION_SIZES[0]


def _line_ems(line: str) -> float:
    """About how many em one line of LaTeX is wide: each command (\\cdot, \\hat) and each other visible
    character about 0.6 em, a braced sub- or superscript's at 70 % of that, a fraction as wide as its wider part;
    braces, alignment marks and script marks take none."""
    line = re.sub(r"\\(begin|end)\{\w+\}|\\(left|right|bigl|bigr|quad|,|!)", "", line)  # layout, not symbols
    scripts = "".join(re.findall(r"[_^]\{([^{}]*)\}", line))
    line = re.sub(r"[_^]\{[^{}]*\}", "", line)
    line = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", lambda m: max(m.group(1), m.group(2), key=_symbols), line)
    return 0.6 * (_symbols(line) + 0.7 * _symbols(scripts))


def _symbols(text: str) -> int:
    """Commands and other visible characters of ``text``."""
    return len(re.findall(r"\\[a-zA-Z]+", text)) + len(re.sub(r"\\[a-zA-Z]+|[{}&^_ ]", "", text))


def equation_room() -> tuple[float, float]:
    """The px of height and width an equation has in presentation mode: the window under the navigation row,
    less the equation pane's heading and box, and the pane's width less its box."""
    return viewport.fill_height(PRESENTING_TOP) - EQUATION_CHROME, viewport.pane_width(EQUATION_SHARE) - EQUATION_INSET
