"""What the Step page's buttons and menus do, and the walk it shows (computed once per network and sample).

Stepping only moves ``state.Step.stage``: every number of the step is in the ``Walk``, computed once for
(version, x, y) and re-sliced on each click.
"""

import numpy as np

from bpviz import gradient_check
from bpviz.engine.gradcheck import GradCheck
from bpviz.lesson.numbers import format_value
from bpviz.lesson.stages import Walk, walk
from webui import state

# Widget keys (browser tests find them as .st-key-<key>).
NEXT = "step_next"
BACK = "step_back"
CLICKER = "step_clicker"  # container of the two clicker buttons, hidden by CSS
CLICKER_NEXT = "step_clicker_next"
CLICKER_BACK = "step_clicker_back"
JUMP = "step_w_stage"  # the "Jump to stage" menu: it only sends jumps and then empties itself
DECIMALS = "step_w_decimals"
SHOW_BIAS = "step_w_bias"
NEURON = "step_w_neuron"
ELEMENT = "step_w_element"
APPLY = "step_apply"
UNDO = "step_undo_button"
FOLLOW = "step_follow"
EXPORT = "step_export"
RUN_CHECK = "step_run_check"
PANES = "panes_step"  # container of the diagram and equation panes (see setup.LAYOUT_CSS)
CHART = "step_diagram"
TABS = "step_tabs"


def current_walk(x: np.ndarray, y: np.ndarray) -> Walk:
    """The walk of the sample (x, y) through the shared network, computed once per version and sample."""
    net = state.net()
    return state.memo(state.step(), "walk", (state.version(), tuple(x), tuple(y)), lambda: walk(net, x, y))


def check(x: np.ndarray, y: np.ndarray) -> GradCheck:
    """The gradient check of the current walk's sample, computed once per walk."""
    net, key = state.net(), state.step().walk.key
    return state.memo(state.step(), "check", key, lambda: gradient_check(net, x, y))


def checked() -> GradCheck | None:
    """The gradient check of the current walk, if it was run."""
    s = state.step()
    return s.check.value if s.check is not None and s.walk is not None and s.check.key == s.walk.key else None


def stage_index(n_stages: int) -> int:
    """The current stage, kept within the ``n_stages`` of the walk shown."""
    s = state.step()
    s.stage = min(s.stage, n_stages - 1)
    return s.stage


def move(by: int, n_stages: int) -> None:
    state.step().move(by, n_stages)


def jump(n_stages: int) -> None:
    """A stage picked from the menu, which then empties itself (a menu showing the current stage would
    send its old value with a key press made during a rerun and undo that press)."""
    picked = state.widget(JUMP)
    if picked is not None:
        state.step().stage = min(picked, n_stages - 1)
        state.set_widgets({JUMP: None})


def apply() -> None:
    """Make the step's updated network the shared one (Undo can take it back)."""
    kept = state.current_walk()
    if kept is None or kept[0][0] != state.version():
        state.flash("warning", "The network changed since this step was computed; nothing was applied.")
        return
    current = kept[1]
    state.apply_update(current.updated)
    d = state.step().decimals
    state.flash(
        "success",
        f"Update applied: the loss on this sample fell from {format_value(current.trace.loss, d)} to "
        f"{format_value(current.loss_after, d)}. The step now starts from the new weights (Train continues "
        "from them too).",
    )


def undo() -> None:
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
