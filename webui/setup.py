"""``setup_page``: the first call of every page, so any page works when opened first.

It fills the session defaults (and, on a session's first run, the lesson of a share link), sets the page
config, draws the shared sidebar (page links, the current network and data, a preset menu, presentation
mode, the share link), keeps the URL in step with the lesson and shows any one-time message.
"""

import re
from pathlib import Path

import PIL.Image  # noqa: F401  (Plotly imports it on a figure's first serialisation: two sessions' first figures raced on that import)
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from bpviz import BpvizError
from bpviz.data.catalog import SOURCES
from bpviz.data.datasets import describe_dataset
from bpviz.engine.losses import LOSSES
from bpviz.lesson.presets import PRESETS
from bpviz.lesson.summary import architecture
from webui import notices, page_script, share, state, viewport
from webui.notices import md

ROOT = Path(__file__).resolve().parents[1]
# Widget keys of the sidebar and of presentation mode (browser tests find them as .st-key-<key>).
PRESET_MENU = "sidebar_preset"  # "Load a preset" (empties itself after a choice)
PRESENT_TOGGLE = "sidebar_present"
PRESENT_EXIT = "present_exit"  # "Exit presentation", on top of every page in presentation mode
DESIGN_PANES = "panes_design"  # the Design page's controls and diagram, side by side (see LAYOUT_CSS)
NAV = "lesson_nav"  # the row of Back, Next and the stage on Step and Chain rule: one line in presentation mode
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
html {{ font-size: clamp(22px, 0.625vw + 14px, 28px); }}
.stMainBlockContainer {{ max-width: none; padding: 2.9rem 1.5rem 0.5rem; }}
.st-key-{NAV} p {{ white-space: nowrap; overflow: hidden; text-overflow: ellipsis; margin: 0; }}
.st-key-{NAV} [data-testid="stMarkdownContainer"] {{ min-width: 0; }}
.katex {{ font-size: 1.3em; }}
[data-testid="stProgress"] p {{ font-size: 1.1rem; }}
[data-testid="stColumn"] h4 {{ font-size: 1.25rem; padding-bottom: 0.5rem; }}
[data-testid="stColumn"] .katex {{ font-size: 1.05em; }}
[data-testid="stColumn"] .katex-display {{ margin: 0.2em 0; }}
[class*="st-key-eq_18_"] .katex {{ font-size: 18px; }}
[class*="st-key-eq_20_"] .katex {{ font-size: 20px; }}
[class*="st-key-eq_22_"] .katex {{ font-size: 22px; }}
[class*="st-key-eq_24_"] .katex {{ font-size: 24px; }}
[class*="st-key-eq_26_"] .katex {{ font-size: 26px; }}
[class*="st-key-eq_28_"] .katex {{ font-size: 28px; }}
[class*="st-key-eq_30_"] .katex {{ font-size: 30px; }}
[class*="st-key-eq_32_"] .katex {{ font-size: 32px; }}
.st-key-{PRESENT_EXIT} {{ position: fixed; top: 0.45rem; right: 1rem; z-index: 999991; width: auto; }}
[data-testid="stSidebar"][data-collapsed="true"] [data-testid="stSidebarContent"] {{ display: none; }}
</style>"""
PRESENTATION_SCALE = 1.6

# Every run of a page's script is counted (state.Shared.runs) and renders the count as the CSS class
# "st-key-bpviz_run_<n>" of an invisible container: browser tests read it to wait for the rerun an action
# starts instead of for a time (tests/browser/helpers.py). Runs of a fragment alone do not count.
RUN_MARKER = "bpviz_run_"
SIZE_MARKER = "bpviz_size_"  # "st-key-bpviz_size_<w>_<h>_<main>_<top>": the viewport this run was laid out for

# Side-by-side panes (a container keyed "panes_…") stack when the main area is under 1000 px wide, e.g. a
# laptop with the sidebar open, so neither pane is squeezed; on Design the diagram then comes first. An
# equation wider than its pane scrolls instead of being cut off, and a shadow on the side where more of it
# is shows that it does (the backgrounds scroll with the content and uncover the shadows). Only the outer
# columns stack.
LAYOUT_CSS = f"""<style>
[class*="st-key-{RUN_MARKER}"], [class*="st-key-{SIZE_MARKER}"] {{ display: none; }}
[class*="st-key-{page_script.HIDDEN}"] {{ display: none; }}
[class*="st-key-panes_"] {{ container-type: inline-size; }}
[class*="st-key-panes_"] .katex-display {{
  overflow-x: auto; overflow-y: hidden; padding-bottom: 0.2em; scrollbar-width: thin;
  background:
    linear-gradient(to right, #fff 30%, rgba(255,255,255,0)) left / 2em 100% no-repeat local,
    linear-gradient(to left, #fff 30%, rgba(255,255,255,0)) right / 2em 100% no-repeat local,
    linear-gradient(to right, rgba(0,0,0,.22), rgba(0,0,0,0)) left / 0.9em 100% no-repeat scroll,
    linear-gradient(to left, rgba(0,0,0,.22), rgba(0,0,0,0)) right / 0.9em 100% no-repeat scroll;
}}
@container (max-width: 1000px) {{
  [class*="st-key-panes_"] [data-testid="stHorizontalBlock"]:not([data-testid="stColumn"] *) {{ flex-wrap: wrap; }}
  [class*="st-key-panes_"] [data-testid="stColumn"]:not([data-testid="stColumn"] *) {{
    flex: 1 1 100% !important; width: 100% !important; min-width: 100%;
  }}
  .st-key-{DESIGN_PANES} [data-testid="stColumn"]:not([data-testid="stColumn"] *):last-child {{ order: -1; }}
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
    viewport.measure()
    _sidebar()
    share.sync_url()
    st.html(LAYOUT_CSS)
    _show_run_count()
    if presenting:
        st.html(PRESENTATION_CSS)
        st.button(
            "Exit presentation",
            key=PRESENT_EXIT,
            icon=":material/close_fullscreen:",
            shortcut="Escape",
            on_click=state.set_presenting,
            args=(False,),
            type="tertiary",
            help="Back to the full page (Esc)",
        )
    notices.show(state.take_flash())


def _show_run_count() -> None:
    """Render this run's count, ``state.init_state`` having counted it, and the window size the server plans
    the page for (an empty container is not rendered, so each holds an empty slot; LAYOUT_CSS hides them)."""
    v = state.viewport()
    for key in (f"{RUN_MARKER}{state.shared().runs}", f"{SIZE_MARKER}{v.width}_{v.height}_{v.main}_{v.top}"):
        _marker(key)


def count_run() -> None:
    """Count a run of a fragment (st.fragment) as a run and render its count inside the fragment: a fragment's
    run alone does not run setup_page, and browser tests wait on the count growing."""
    state.shared().runs += 1
    _marker(f"{RUN_MARKER}{state.shared().runs}")


def _marker(key: str) -> None:
    with st.container(key=key):
        st.empty()


def figure_scale() -> float:
    """How much larger network diagrams are drawn: 1, or in presentation mode PRESENTATION_SCALE for a
    1600 × 1000 window, less in a smaller one and more in a larger one (0.8 to 1.4 times as much), so a laptop
    keeps room for the lesson and a projector's full HD screen fills with it."""
    if not state.presenting():
        return 1.0
    v = state.viewport()
    return round(PRESENTATION_SCALE * min(max(min(v.width / 1600, v.height / 1000), 0.8), 1.4), 2)


def load_preset(key: str) -> None:
    """Load a preset and say so at the top of the next run (the sidebar's menu and the Home page's cards)."""
    state.load_preset(key)
    state.flash("success", f"Loaded the preset “{PRESETS[key].title}”.")


def _on_preset_menu() -> None:
    load_preset(state.widget(PRESET_MENU))
    state.set_widgets({PRESET_MENU: None})  # the menu empties itself, ready for the next choice


def _on_present_toggle() -> None:
    state.set_presenting(state.widget(PRESENT_TOGGLE))


def _sidebar() -> None:
    spec = state.net().spec
    with st.sidebar:
        try:
            for path, label, icon in pages():
                st.page_link(path, label=label, icon=icon)
            st.divider()
        except StreamlitPageNotFoundError:  # a page run as the entry point (AppTest) has no app to link to
            pass
        notices.write(md("**Network** {:code}", architecture(spec)))
        notices.caption(
            f"{' → '.join(spec.activations)} · {LOSSES[spec.loss].label} ({spec.reduction}) · "
            f"η = {spec.learning_rate:g} · seed {spec.seed}"
        )
        data = state.data_settings()
        notices.write(md("**Data** {}", SOURCES[data.name].label))
        try:
            notices.caption(describe_dataset(state.dataset()))
        except BpvizError as err:
            notices.caption(str(err))
        st.selectbox(
            "Load a preset",
            list(PRESETS),
            index=None,
            format_func=lambda key: PRESETS[key].title,
            placeholder="Choose a starting point…",
            key=PRESET_MENU,
            on_change=_on_preset_menu,
        )
        st.toggle(
            "Presentation mode",
            **state.bind(PRESENT_TOGGLE, state.presenting(), _on_present_toggle),
            help="Big type for a projector; Step and Chain rule show only the diagram, the equations and "
            "Back/Next. Bookmark it with ?present=1 in the address.",
        )
        share.share_box()
