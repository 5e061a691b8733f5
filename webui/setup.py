"""``setup_page``: the first call of every page, so any page works when opened first.

It fills the session defaults (and, on a session's first run, the lesson of a share link), sets the page
config, draws the shared sidebar (page links, the current network and data, a preset menu, presentation
mode, the share link), keeps the URL in step with the lesson and shows any one-time message.
"""

import re
from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from bpviz import BpvizError
from bpviz.data.catalog import SOURCES
from bpviz.data.datasets import describe_dataset
from bpviz.lesson.presets import PRESETS
from bpviz.lesson.summary import LOSS_LABELS, architecture
from webui import share, state

ROOT = Path(__file__).resolve().parents[1]
# Material icons come with Streamlit's own font, so they show on any machine (emoji need a system font).
PAGE_ICONS = {
    "Home": ":material/home:",
    "Chain rule": ":material/account_tree:",
    "Design": ":material/tune:",
    "Step": ":material/footprint:",
    "Train": ":material/monitoring:",
}


def pages() -> list[tuple[str, str, str]]:
    """(path, label, icon) of Home and of every page in pages/, in Streamlit's order ("2_Step.py" -> "Step")."""
    found = []
    for path in ROOT.glob("pages/*.py"):
        number, name = re.match(r"(\d*)_?(.*)\.py$", path.name).groups()
        label = name.replace("_", " ")
        found.append((float(number) if number else float("inf"), label, f"pages/{path.name}"))
    found = [("app.py", "Home")] + [(path, label) for _, label, path in sorted(found)]
    return [(path, label, PAGE_ICONS.get(label, ":material/article:")) for path, label in found]


# Presentation mode: bigger type everywhere (Streamlit sizes its text in rem) on the whole screen width, the
# exit button in the top bar, no Tab stops in the collapsed sidebar; network diagrams are drawn
# PRESENTATION_SCALE times larger (the chain-rule graph is projector-sized already).
PRESENTATION_CSS = f"""<style>
html {{ font-size: 24px; }}
.stMainBlockContainer {{ max-width: none; padding: 4rem 1.5rem 1rem; }}
.katex {{ font-size: 1.3em; }}
[data-testid="stProgress"] p {{ font-size: 1.1rem; }}
[data-testid="stColumn"] h4 {{ font-size: 1.25rem; padding-bottom: 0.5rem; }}
[data-testid="stColumn"] .katex {{ font-size: 1.05em; }}
[data-testid="stColumn"] .katex-display {{ margin: 0.2em 0; }}
.st-key-{state.PRESENT_EXIT} {{ position: fixed; top: 0.45rem; right: 1rem; z-index: 999991; width: auto; }}
[data-testid="stSidebar"][data-collapsed="true"] [data-testid="stSidebarContent"] {{ display: none; }}
</style>"""
PRESENTATION_SCALE = 1.6

# Every run of a page's script counts itself under RUN_COUNT and renders the count as the CSS class
# "st-key-bpviz_run_<n>" of an invisible container: browser tests read it to wait for the rerun an action
# starts instead of for a time (tests/browser/helpers.py). Runs of a fragment alone do not count.
RUN_COUNT = "bpviz_run_count"
RUN_MARKER = "bpviz_run_"

# Side-by-side panes (a container keyed "panes_…") stack when the main area is under 1000 px wide, e.g. a
# laptop with the sidebar open, so neither pane is squeezed; on Design the diagram then comes first. An
# equation wider than its pane scrolls instead of being cut off. Only the outer columns stack.
LAYOUT_CSS = f"""<style>
[class*="st-key-{RUN_MARKER}"] {{ display: none; }}
[class*="st-key-panes_"] {{ container-type: inline-size; }}
[class*="st-key-panes_"] .katex-display {{ overflow-x: auto; overflow-y: hidden; padding-bottom: 0.2em; }}
@container (max-width: 1000px) {{
  [class*="st-key-panes_"] [data-testid="stHorizontalBlock"]:not([data-testid="stColumn"] *) {{ flex-wrap: wrap; }}
  [class*="st-key-panes_"] [data-testid="stColumn"]:not([data-testid="stColumn"] *) {{
    flex: 1 1 100% !important; width: 100% !important; min-width: 100%;
  }}
  .st-key-{state.DESIGN_PANES} [data-testid="stColumn"]:not([data-testid="stColumn"] *):last-child {{ order: -1; }}
}}
</style>"""


def setup_page(title: str, icon: str = "🧠") -> None:
    """Session defaults and a share link's lesson, page config, the shared sidebar, the URL, any one-time
    message; in presentation mode big type, a collapsed sidebar and a way out."""
    state.init_state()
    share.open_link()
    presenting = state.presenting()
    st.set_page_config(
        page_title=f"{title} · bpviz",
        page_icon=icon,
        layout="wide",
        initial_sidebar_state="collapsed" if presenting else "auto",
    )
    _sidebar()
    share.sync_url()
    st.html(LAYOUT_CSS)
    _count_run()
    if presenting:
        st.html(PRESENTATION_CSS)
        st.button(
            "Exit presentation",
            key=state.PRESENT_EXIT,
            icon=":material/close_fullscreen:",
            shortcut="Escape",
            on_click=state.set_presenting,
            args=(False,),
            type="tertiary",
            help="Back to the full page (Esc)",
        )
    message = st.session_state[state.FLASH]
    if message:
        kind, text = message
        getattr(st, kind)(text)
        st.session_state[state.FLASH] = None


def _count_run() -> None:
    """Count this run and render the count (an empty container is not rendered, so it holds an empty slot;
    LAYOUT_CSS hides it, so it takes no room)."""
    st.session_state[RUN_COUNT] = st.session_state.get(RUN_COUNT, 0) + 1
    with st.container(key=f"{RUN_MARKER}{st.session_state[RUN_COUNT]}"):
        st.empty()


def figure_scale() -> float:
    """How much larger network diagrams are drawn: PRESENTATION_SCALE in presentation mode, else 1."""
    return PRESENTATION_SCALE if state.presenting() else 1.0


def _load_preset() -> None:
    key = st.session_state[state.SIDEBAR_PRESET]
    state.load_preset(key)
    state.flash("success", f"Loaded the preset “{PRESETS[key].title}”.")
    st.session_state[state.SIDEBAR_PRESET] = None


def _sidebar() -> None:
    spec = state.net().spec
    with st.sidebar:
        try:
            for path, label, icon in pages():
                st.page_link(path, label=label, icon=icon)
            st.divider()
        except StreamlitPageNotFoundError:  # a page run as the entry point (AppTest) has no app to link to
            pass
        st.markdown(f"**Network** `{architecture(spec)}`")
        st.caption(
            f"{' → '.join(spec.activations)} · {LOSS_LABELS[spec.loss]} ({spec.reduction}) · "
            f"η = {spec.learning_rate:g} · seed {spec.seed}"
        )
        data = state.data_settings()
        st.markdown(f"**Data** {SOURCES[data.name].label}")
        try:
            st.caption(describe_dataset(state.dataset()))
        except BpvizError as err:
            st.caption(str(err))
        st.selectbox(
            "Load a preset",
            list(PRESETS),
            index=None,
            format_func=lambda key: PRESETS[key].title,
            placeholder="Choose a starting point…",
            key=state.SIDEBAR_PRESET,
            on_change=_load_preset,
        )
        st.session_state[state.SIDEBAR_PRESENT] = state.presenting()
        st.toggle(
            "Presentation mode",
            key=state.SIDEBAR_PRESENT,
            on_change=lambda: state.set_presenting(st.session_state[state.SIDEBAR_PRESENT]),
            help="Big type for a projector; Step and Chain rule show only the diagram, the equations and "
            "Back/Next. Bookmark it with ?present=1 in the address.",
        )
        share.share_box()
