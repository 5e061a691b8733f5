"""Step: one sample (or a mini-batch) forward and backward, stage by stage, with every number on the diagram."""

import numpy  # noqa: F401  (imported up front: a lazy first import raced a quick second click)
import pandas  # noqa: F401
import plotly  # noqa: F401
import streamlit as st

from bpviz import BpvizError
from bpviz.engine.gradcheck import GOOD, SUSPECT
from bpviz.figures.diagram import network_figure
from bpviz.lesson.equations import explain, stage_latex
from bpviz.lesson.export import worked_example
from bpviz.lesson.guide import STEP_GUIDE
from bpviz.lesson.names import layer_title
from bpviz.lesson.numbers import format_value
from bpviz.lesson.presets import publication_of
from bpviz.lesson.published import compare, published_summary
from bpviz.lesson.scripts import LIBRARIES, SCRIPTS, script_file_name, unsupported
from bpviz.lesson.selection import anchor, element_choices, element_label, kept, neuron_choices, neuron_label, shown
from bpviz.lesson.shown import applied_view, stage_view
from bpviz.lesson.tables import gradcheck_table, neuron_table, published_table, update_table, weight_tables
from webui import autoplay, notices, reveal, share, state, step_frames, stepper, viewport
from webui import step as act
from webui.diagram_view import show_figure
from webui.notices import md, show
from webui.setup import NAV, count_run, figure_scale, setup_page
from webui.step_sample import pick_sample, shown_sample

setup_page("Step")
presenting = state.presenting()  # only the stage, the diagram, its equation and Back/Next
record = state.step()
net = state.net()
spec = net.spec

with st.sidebar:
    sample = pick_sample(net)
    st.markdown("**Display**")
    st.number_input("Decimals", 0, 9, step=1, **state.bind_field(act.DECIMALS, record, "decimals"))
    st.toggle("Show biases on the diagram", **state.bind_field(act.SHOW_BIAS, state.shared(), "show_bias"))
    autoplay.controls()
    reveal.toggle()
    naming = state.source_naming()
    if naming is not None:
        st.toggle(f"Names as in {naming.source}", **state.bind_field(act.TEXTBOOK, state.shared(), "textbook"),
                  help="Off: bpviz's own names (x1, h1_1, ŷ1, w⁽²⁾₁,₁, L).")  # fmt: skip
decimals, names = record.decimals, state.names()

x, y, about, problem = sample
if not presenting:
    st.markdown(md("## Step through {}", "one sample" if x.ndim == 1 else f"a batch of {len(x)} samples"))
if problem:
    show(state.Notice("warning", problem))
if not presenting:
    notices.caption(f"{about}. Change the sample in the sidebar.")


@st.fragment
def lesson(drawn_with: tuple[int, bool]) -> None:
    """Everything a step changes. A click on Next or Back, a key, the diagram, the menus or the tabs reruns only
    this (in a browser), not the page: the sidebar and the header stay as the last full run drew them. An applied
    update, an Undo or a key that stops the auto-play, which change what the rest shows, rerun the whole page."""
    act.rerun_page_if_changed(drawn_with)
    count_run()
    share.sync_url()  # the stage is in the address
    try:
        current = act.current_walk(x, y)
    except BpvizError as err:
        notices.say("error", f"This sample cannot be stepped through: {err}")
        st.stop()
    w, applied = act.shown_walk(current)
    n_stages = len(w.stages)
    index = act.stage_index(n_stages)
    stage = w.stages[index]
    last = index == n_stages - 1
    w = _navigation(w, index, stage, applied, last)  # a batch: the walk shown at the sample the row picks
    record.selected = kept(record.selected, spec)
    asking = reveal.for_step(w, index, shown(record.selected, stage, spec), decimals, names, done=applied and last)
    autoplay.ticker(n_stages, waiting=asking.hidden)
    _panes(w, index, stage, applied, last, asking)
    if not presenting:
        _tabs(current, w, asking.settled(index))  # predict, then reveal: the tables wait for the answer too


def _navigation(w, index: int, stage, applied: bool, last: bool):
    """Back, Next, the stage menu, Apply, Undo, the guide and the exports, and for a batch which sample the
    nodes show; the stage and its equation. Returns the walk as shown at that sample."""
    n_stages = len(w.stages)
    # --- navigation: one row that wraps on a narrow screen -----------------------------------------
    nav = st.container(horizontal=True, vertical_alignment="center", gap="small", key=NAV)
    nav.button("◀ Back", key=act.BACK, on_click=act.move, args=(-1, n_stages), disabled=index == 0,
               width="content", help="Previous stage (← or PageUp)")  # fmt: skip
    nav.button("Next ▶" if not (applied and last) else "New step ▶", key=act.NEXT, on_click=act.move,
               args=(1, n_stages), type="primary", disabled=last and not applied, width="content",
               help="Next stage (→ or PageDown)")  # fmt: skip
    if presenting:
        notices.write(md("**Stage {} of {}** · {}", index + 1, n_stages, stage.label), nav)
    else:
        nav.selectbox("Jump to stage", range(n_stages), index=None,
                      format_func=lambda i: f"{i + 1}. {w.stages[i].label}",
                      placeholder=f"Stage {index + 1} of {n_stages}: choose another…", key=act.JUMP, on_change=act.jump,
                      args=(n_stages,), width=380, label_visibility="collapsed")  # fmt: skip
        nav.button(f"Apply {'the next ' if applied else ''}update (η = {spec.learning_rate:g})", key=act.APPLY,
                   on_click=act.apply, type="primary" if stage.kind == "update" and not applied else "secondary",
                   width="content", help="Make the new weights of this step the network's weights (Train continues "
                   "from them).")  # fmt: skip
        nav.button("Undo", key=act.UNDO, on_click=act.undo, disabled=not state.can_undo(), width="content",
                   help="Restore the weights from before the last applied update.")  # fmt: skip
        with nav.popover("What am I looking at?", icon=":material/help:", key=act.GUIDE):
            notices.write(md(STEP_GUIDE))
        with nav.popover("Export this step", icon=":material/download:", key=act.EXPORT_MENU):
            st.download_button("Markdown with LaTeX (.md)", data=lambda: worked_example(w, decimals, names=names),
                               key=act.EXPORT, file_name=f"bpviz-step-{'-'.join(map(str, spec.layers))}.md",
                               mime="text/markdown", help="All stages with their equations and numbers, for lecture "
                               "notes.")  # fmt: skip
            missing = unsupported(spec, w.optimiser, w.penalty)  # a registered activation without code; not SGD
            for library, write in SCRIPTS.items():
                st.download_button(f"{LIBRARIES[library].title} script (.py)", data=lambda write=write: write(w),
                                   key=act.EXPORT_SCRIPT[library], file_name=script_file_name(spec, library),
                                   mime="text/x-python", disabled=missing is not None,
                                   help=missing or "This network, sample and update as a runnable script that "
                                   "prints every number of the step.")  # fmt: skip
    w = shown_sample(w, nav)  # a batch: which of its samples the nodes and neuron equations show

    if not presenting:  # in presentation mode the navigation row says the stage
        st.progress((index + 1) / n_stages, text=f"**Stage {index + 1} of {n_stages}** · {stage.label}")
        st.latex(stage_latex(spec, stage, names, w.optimiser, w.penalty, w.batch))
    if applied and last:
        show(state.Notice("success", act.applied_text(w, decimals)), st)
    if stage.kind == "update" and not presenting:
        m = st.columns(3)
        m[0].metric(f"Loss {act.loss_words(w)} before the update", format_value(w.trace.loss, decimals))
        m[1].metric("after the update", format_value(w.loss_after, decimals),
                    delta=format_value(w.loss_after - w.trace.loss, decimals), delta_color="inverse")  # fmt: skip
    return w


def _panes(w, index: int, stage, applied: bool, last: bool, asking) -> None:
    """The diagram of the stage and the equation panel of the selected (or followed) element; ``asking`` hides
    the value a prediction is asked for (``webui.reveal``)."""
    # --- diagram and equation panel ---------------------------------------------------------------
    record.selected = kept(record.selected, spec)
    selected = shown(record.selected, stage, spec)
    n_stages = len(w.stages)
    width, height, tallest = act.diagram_size(presenting)
    looks = dict(names=names, show_bias=state.show_bias(), decimals=decimals, scale=figure_scale(), width=width,
                 height=height, max_height=tallest)  # fmt: skip

    def draw(i: int):  # stage i as the page draws it (the asked value hidden at the stage shown)
        view = applied_view(w) if applied and i == n_stages - 1 else stage_view(w, i)
        chosen = shown(record.selected, w.stages[i], spec)
        return network_figure(w.net, asking.view(view) if i == index else view, selected=chosen, **looks)

    drawn_key = (state.current_walk()[0], applied, record.viewed, record.selected, asking.hidden, names.naming,
                 names.features, *(v for k, v in looks.items() if k != "names"))  # fmt: skip
    frames, ahead = step_frames.drawn(drawn_key, index, n_stages, draw, ahead=not state.reveal().on)
    fill = viewport.fill(act.FILL)
    left, right = fill.container(key=act.PANES).columns([1.5, 1] if presenting else [1.15, 1], gap="medium")
    with left:
        show_figure(frames.figure, act.CHART, record)
        # Next, Back, → and ← and a presentation clicker's PageDown / PageUp, counted and drawn in the browser
        # (webui.stepper); the two hidden buttons are what they press (AppTest clicks them).
        with st.container(key=act.CLICKER):
            stepper.listen(n_stages, index, frames.number, ahead)
            st.button("Next stage", key=act.CLICKER_NEXT, on_click=act.move, args=(1, n_stages))
            st.button("Previous stage", key=act.CLICKER_BACK, on_click=act.move, args=(-1, n_stages))
        st.html(f"<style>.st-key-{act.CLICKER} {{display: none;}}</style>")
        if not presenting:
            st.caption(
                "Click a neuron or an edge to see its equation. Hollow nodes and dotted edges are not computed yet."
            )

    with right:
        if not presenting:
            picks = st.columns(2)
            picks[0].selectbox("Neuron", neuron_choices(spec), format_func=lambda o: neuron_label(spec, *o, names),
                               **state.bind(act.NEURON, anchor(selected), act.pick_neuron))  # fmt: skip
            picks[1].selectbox(
                "Show",
                element_choices(spec, *anchor(selected)),
                format_func=lambda o: "the neuron: z, a, δ" if o[0] == "node" else element_label(spec, o, names),
                **state.bind(act.ELEMENT, selected, act.pick_element),
            )
        explanation = asking.panel(explain(w, index, selected, decimals, names), selected)
        notices.write(md("#### {}", explanation.title))
        if record.selected is None:
            if not presenting:
                st.caption("Following the stage: click a neuron or an edge to keep one in view.")
        else:
            st.button("Follow the stage again", key=act.FOLLOW, on_click=act.follow, type="tertiary",
                      icon=":material/autorenew:")  # fmt: skip
        asking.ask()
        equations = explanation.equations
        if presenting and any(eq.current for eq in equations):  # one computation a slide: earlier ones showed the rest
            equations = [eq for eq in equations if eq.current]
        for n, eq in enumerate(equations):
            if eq.latex is None:
                notices.write(md("**{}** — *not computed yet at this stage*", eq.title))
                continue
            with st.container(border=eq.current):
                now = " · computed in this stage" if eq.current and not presenting else ""
                notices.write(md("**{}**{}", eq.title, now))
                if presenting:  # as large as the window lets the whole equation be
                    with st.container(key=f"eq_{act.equation_size(eq.latex, *act.equation_room())}_{n}"):
                        st.latex(eq.latex)
                else:
                    st.latex(eq.latex)
        if applied and last and not presenting:
            st.markdown("**Every trained parameter, before and after the update**")
            updates = update_table(w, names)
            st.dataframe(updates, column_config=act.number_columns(decimals, updates), height=260)


def _show_table(frame, scientific: tuple[str, ...] = ()) -> None:
    """A dataframe with its numbers at the chosen decimals (``scientific`` columns as 1.2e-08)."""
    st.dataframe(frame, column_config=act.number_columns(decimals, frame, scientific))


def _tabs(current, w, index: int) -> None:
    """Tables, the gradient check and a worked example's published numbers, in a section closed at first: only
    what is open runs, and a table loads Arrow's JavaScript into the page, which slows its diagram's redraws
    (``webui.page_script``)."""
    more = st.expander("Tables and the gradient check: every number of this stage", key=act.MORE, on_change="rerun")
    if not more.open:
        return
    with more:
        _open_tabs(current, w, index)


def _open_tabs(current, w, index: int) -> None:
    """The tabs of the section: only the open one runs."""
    publication = publication_of(current.net, x, y)
    tables_tab, check_tab, *published_tab = st.tabs(
        ["Tables", "Gradient check", *([act.PUBLISHED_TAB] if publication is not None else [])],
        key=act.TABS,
        on_change="rerun",
    )
    if tables_tab.open:
        with tables_tab:
            st.caption(
                "Every quantity known at this stage, named as in the equations: row i of W⁽ˡ⁾ holds the "
                "weights into neuron i of layer l."
            )
            for layer in range(spec.depth + 1):
                notices.write(md("**Layer {}: {}**", layer, layer_title(spec, layer)))
                cols = st.columns([2, 3])  # the neuron table (z, a, δ, …) needs room for its numbers
                with cols[0]:
                    _show_table(neuron_table(w, index, layer, names))
                if layer:
                    with cols[1]:
                        for title, frame in weight_tables(w, index, layer, names).items():
                            notices.write(title)
                            _show_table(frame)

    if check_tab.open:
        with check_tab:
            st.markdown(
                "Backprop's gradient of every trained parameter for this sample, next to central differences "
                "(L(θ+ε) − L(θ−ε)) / 2ε, and their relative error |b − n| / (|b| + |n|)."
            )
            last_grad = w.stage_of("grad", 1)  # the backward pass ends at the first layer's weights
            waits = state.reveal().on and index < last_grad  # it would give every gradient away
            if waits:
                notices.caption(
                    f"With Predict, then reveal on, the check waits until the last gradient is revealed (stage "
                    f"{last_grad + 1}): it shows them all."
                )
            elif st.button("Run the gradient check", key=act.RUN_CHECK):
                with st.spinner("Two forward passes per parameter…"):
                    act.check(x, y)
            result = None if waits else act.checked()
            if result is not None:
                kind = "success" if result.max_error < GOOD else "warning" if result.max_error < SUSPECT else "error"
                show(state.Notice(kind, f"{result.verdict} ({result.coverage}.)"))
                _show_table(gradcheck_table(spec, result, names).set_index("parameter"), scientific=("relative error",))

    if published_tab and published_tab[0].open:
        with published_tab[0]:
            rows = compare(current, publication)
            notices.write(published_summary(rows))
            notices.caption(
                f"Source: {publication.title}; {publication.where}. bpviz computes in float64 and rounds to the "
                "decimals printed. Apply an update or change the sample and this step is no longer the source's."
            )
            st.dataframe(published_table(rows), hide_index=True, height="content")
            for r in rows:
                if r.verdict == "corrected":
                    notices.say("info", f"{r.label}: printed {r.printed}, correct {r.bpviz}. {r.note}")


lesson(act.outside())
