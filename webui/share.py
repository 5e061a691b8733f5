"""Share links and presentation mode in the address bar (the codec is ``bpviz.sharelink``).

A session reads its URL once, on its first run, whichever page that is: the lesson a share link carries
replaces the defaults and ``present=1`` turns presentation mode on. From then on the session state is the
truth and every run writes it back into the URL, so the address bar, a bookmark and the sidebar's link
always reproduce what is on screen.
"""

import streamlit as st

from bpviz import BpvizError
from bpviz.data.catalog import SOURCES
from bpviz.data.datasets import fits
from bpviz.design.edits import is_initial
from bpviz.io.sharelink import (
    KEYS,
    MAX_SHARED_NUMBERS,
    PRESENT,
    Lesson,
    decode,
    link,
    numbers_written,
    one_value_each,
    url_params,
)
from bpviz.lesson.summary import architecture
from bpviz.runs import memory
from webui import notices, state
from webui.notices import md


def open_link() -> None:
    """On the session's first run: load the lesson and presentation mode of the URL. A link that cannot be
    opened (tampered, stale, or a network that does not fit its data) leaves the defaults in place and says
    why in a warning; it never raises."""
    if not state.read_link_once():
        return
    every = {key: st.query_params.get_all(key) for key in st.query_params}
    state.set_presenting(every.get(PRESENT, [""])[-1] == "1")
    if not any(key in every for key in KEYS):
        return
    try:
        lesson = decode(one_value_each(every), state.default_lesson())
        memory.check(memory.load_of(lesson.net.spec.layers, lesson.data, lesson.train.batch_size))  # before the data
        _check_fits(lesson)
    except BpvizError as err:  # it quotes the link, which anyone may have written: the notice shows it as typed
        state.flash("warning", f"This share link could not be opened ({err}), so the default network is shown.")
        return
    state.load_lesson(lesson)


def _check_fits(lesson: Lesson) -> None:
    spec = lesson.net.spec
    data = state.dataset(lesson.data, spec.seed)
    if not fits(spec.layers, data):
        raise BpvizError(
            "net",
            f"a {architecture(spec)} network does not fit the {SOURCES[lesson.data.name].label} data "
            f"({data.X.shape[1]} inputs, {data.Y.shape[1]} targets)",
        )


def sync_url() -> None:
    """Write the current lesson and presentation mode into the URL, only when they changed (every change is
    an entry in the browser's history, and none reruns the script)."""
    query = st.query_params.to_dict()
    wanted = url_params(query, state.lesson(), state.presenting())
    if wanted != query:
        st.query_params.from_dict(wanted)


def share_box() -> None:
    """The sidebar's "Copy share link": this page's URL with the lesson, in a code block with a copy button."""
    lesson = state.lesson()
    with st.popover("Copy share link", icon=":material/share:", width="stretch"):
        if lesson is None:
            st.info(
                "An uploaded CSV file cannot travel in a link, so there is no link to share. "
                "Pick a built-in dataset on the Design page to share this lesson."
            )
            return
        st.code(link(st.context.url or "", url_params({}, lesson, present=False)), language=None, wrap_lines=True)
        weights = "its weights"
        if numbers_written(lesson.net.spec) > MAX_SHARED_NUMBERS and not is_initial(lesson.net):
            weights = (f"the weights its seed draws (links carry edited or trained weights up to "
                       f"{MAX_SHARED_NUMBERS:,} weights and biases; download the network file for the rest)")
        sample = f"sample {lesson.sample}"
        if lesson.batch > 1:
            sample = f"batch of {lesson.batch} samples from {sample}"
        if state.step().source == "manual":
            sample += " of the dataset (a sample typed by hand does not travel)"
        notices.caption(
            md(
                "Opens this network with {}, the data, the Step page's {} and stage {}, and the training "
                "settings. Add `&present=1` to open it in presentation mode.",
                weights,
                sample,
                lesson.stage + 1,
            )
        )
