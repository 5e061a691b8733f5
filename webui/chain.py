"""What the Chain rule page's menus, inputs and buttons do (its state is ``state.Chain``)."""

from bpviz import chainrule as cr
from webui import state, viewport

COMPOSE = "compose"  # the expression key of the user's own chain (bpviz.chainrule.compose)
TYPED = "typed"  # the expression key of the user's typed text (bpviz.chainrule.parse)
# Widget keys (browser tests find them as .st-key-<key>).
EXPR = "chain_w_expr"
STAGE = "chain_w_stage"  # the "jump to stage" slider, 1-based
NEXT = "chain_next"
BACK = "chain_back"
RESET = "chain_reset"
CLICKER = "chain_clicker"  # container of the two clicker buttons, hidden by CSS
CLICKER_NEXT = "chain_clicker_next"
CLICKER_BACK = "chain_clicker_back"
DEFAULT_INPUTS = "chain_default_inputs"
TEXT = "chain_w_text"  # the typed expression
EXAMPLE = "chain_example"  # prefix of the buttons that put an example into the text box
CHART = "chain_chart"


def input_key(expr: str, name: str) -> str:
    """Widget key of input ``name`` of expression ``expr``."""
    return f"chain_w_in_{expr}_{name}"


def step_key(field: str, i: int) -> str:
    """Widget key of composer step i (0-based): field "op" or "p" (a power's exponent)."""
    return f"chain_w_{field}_{i}"


def graph() -> cr.Graph:
    """The expression shown: one of the library, the user's composed chain or their typed text (which
    raises BpvizError, field "expression", when it cannot be read)."""
    c = state.chain()
    if c.expr == TYPED:
        return cr.parse(c.typed)
    return cr.compose(c.steps) if c.expr == COMPOSE else cr.LIBRARY[c.expr]


def inputs(graph: cr.Graph) -> dict[str, float]:
    """The inputs of the expression shown: the values the user set, its defaults for the rest."""
    c = state.chain()
    return {**graph.defaults, **c.inputs.get(c.expr, {})}


def set_expr() -> None:
    """The expression picked in the menu, from its first stage."""
    c = state.chain()
    c.expr, c.stage = state.widget(EXPR), 0


def stage_index(n_stages: int) -> int:
    """The current stage, kept within the ``n_stages`` stages of the expression shown."""
    c = state.chain()
    c.stage = min(max(c.stage, 0), n_stages - 1)
    return c.stage


def move(by: int, n_stages: int) -> None:
    """Next (+1), Back (−1) or Reset (−n_stages)."""
    state.chain().move(by, n_stages)


def jump() -> None:
    state.chain().stage = state.widget(STAGE) - 1


def set_input(expr: str, name: str) -> None:
    c = state.chain()
    value = float(state.widget(input_key(expr, name)))
    c.inputs = {**c.inputs, expr: {**c.inputs.get(expr, {}), name: value}}


def default_inputs(expr: str) -> None:
    """Forget the values the user set for ``expr``."""
    c = state.chain()
    c.inputs = {k: v for k, v in c.inputs.items() if k != expr}


def set_text(text: str | None = None) -> None:
    """The typed expression from its box (or ``text``, an example), from its first stage with the values it
    gives: inputs set for an earlier text are forgotten, as its names may mean something else now."""
    c = state.chain()
    c.typed = state.widget(TEXT, "") if text is None else text
    c.stage = 0
    default_inputs(TYPED)


def set_step(i: int) -> None:
    """Step i of the composer from its widgets: an operation replaces it (or is appended), "none" ends the chain."""
    c = state.chain()
    op = state.widget(step_key("op", i))
    if op == "none":
        steps = c.steps[:i]
    else:
        p = state.widget(step_key("p", i), 2.0) if op == "power" else None
        steps = (*c.steps[:i], (op, p), *c.steps[i + 1 :])
    c.steps, c.stage = steps, 0


TYPING_HELP = (
    "Operations: + − × ÷ (or * /), ^ or ** for a power with a number as exponent, exp, log, tanh, σ (or "
    "sigmoid), relu and max(a, b); micrograd's (a + b).relu() works too. A name never assigned is an input; "
    "a = -4.0 makes an input with that value; c = a + b names a node, and c += … makes a new one, c₂. The "
    "last line, or the name whose .backward() is called, is the output."
)
INPUTS_PER_ROW = 6


def text_height() -> int:
    """The typed box's height in px: its lines, from 2 to 8 (it scrolls past that)."""
    lines = state.chain().typed.count("\n") + 1
    return 34 + 24 * min(max(lines, 2), 8)


PRESENTING_TOP = 300  # px above the graph in presentation mode before the probe has measured it
FILL = "fill_chain"  # the graph's container: in presentation mode, the rest of the window


def graph_width() -> float:
    """The px the graph is drawn at: the main column's width."""
    return viewport.pane_width(1.0)


def graph_height(presenting: bool) -> float | None:
    """In presentation mode the height the window has under the navigation row and the equation; else None
    (the graph's own)."""
    return viewport.fill_height(PRESENTING_TOP, 300.0) if presenting else None
