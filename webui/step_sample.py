"""The Step page's sample picker: a dataset row by number (and a batch of k rows from it), or x and y typed by
hand; and the "sample i of k" choice of which sample of a batch the diagram and equations show.

A typed sample that does not parse shows the error and keeps the last one that did, so a
typo never loses the step on screen. A batch is k consecutive rows of the dataset from the chosen one (going
round past the last row), 1 ≤ k ≤ MAX_BATCH; a typed sample is one sample.
"""

import numpy as np
import streamlit as st

from bpviz import BpvizError, Dataset, Network
from bpviz.data.samples import DIGIT_PIXEL, DIGIT_SIDE, MAX_BATCH, batch_rows, dataset_sample, digit_image
from bpviz.io.text import format_vector, parse_vector
from bpviz.lesson.stages import Walk, reduction_words
from webui import notices, state

SOURCES = {"dataset": "From the dataset", "manual": "Typed by hand"}
PREVIEW = 6  # values of a long vector shown in the caption
# Widget keys.
SOURCE = "step_w_source"
SAMPLE = "step_w_sample"
BATCH = "step_w_batch"
VIEWED = "step_w_viewed"
X = "step_w_x"
Y = "step_w_y"


def pick_sample(net: Network) -> tuple[np.ndarray, np.ndarray, str, str | None]:
    """(x, y, a one-line description, a problem to show or None) of the chosen sample: x (n_in,) and y (n_out,),
    or for a batch of k > 1 samples x (k, n_in) and y (k, n_out).

    Draws its widgets where it is called (the Step page calls it in the sidebar). When the
    dataset does not fit the network, it switches to typed input and says why.
    """
    s = state.step()
    n_in, n_out = net.spec.layers[0], net.spec.layers[-1]
    ds, problem = _fitting_dataset(n_in, n_out)
    if ds is None and s.source == "dataset":
        s.source = "manual"
    else:
        problem = None
    bound = state.bind_field(SOURCE, s, "source")
    st.segmented_control("Sample", list(SOURCES), format_func=SOURCES.get, required=True, **bound)
    if s.source == "dataset":
        x, y, what = _from_dataset(ds)
    else:
        x, y = _typed(ds, n_in, n_out)
        what = "typed by hand"
    if x.ndim == 2:
        return x, y, what, problem
    return x, y, " · ".join([_preview("x", x), _preview("y", y), what]), problem


def _fitting_dataset(n_in: int, n_out: int) -> tuple[Dataset | None, str]:
    """The current dataset with targets for n_out outputs, or None and why it does not fit."""
    try:
        ds = state.dataset().for_outputs(n_out)
    except BpvizError as err:
        return None, f"The current dataset does not fit this network ({err}). Type a sample by hand instead."
    if ds.X.shape[1] != n_in:
        return None, (
            f"The current dataset has {ds.X.shape[1]} input(s) but this network has {n_in}. "
            "Type a sample by hand instead, or pick a fitting dataset on the Design page."
        )
    return ds, ""


def _from_dataset(ds: Dataset) -> tuple[np.ndarray, np.ndarray, str]:
    s = state.step()
    s.sample = min(s.sample, len(ds) - 1)
    last = len(ds) - 1
    st.number_input(f"Sample number (0 to {last})", 0, last, step=1, **state.bind_field(SAMPLE, s, "sample"))
    most = min(MAX_BATCH, len(ds))
    s.batch = min(max(s.batch, 1), most)
    if most > 1:
        st.number_input(f"Batch size k (1 to {most})", 1, most, step=1, **state.bind_field(BATCH, s, "batch"),
                        help="Step k samples at once: rows from the sample number on. The update takes the mean or "
                        "sum of their gradients (the network's batch reduction).")  # fmt: skip
    x, y, what = dataset_sample(ds, s.sample)
    if ds.name == "digits":
        st.image(digit_image(x), caption=what, width=DIGIT_SIDE * DIGIT_PIXEL)
    if s.batch > 1:
        rows = batch_rows(len(ds), s.sample, s.batch)
        words = reduction_words(state.net().spec.reduction, s.batch)
        return ds.X[rows], ds.Y[rows], f"a batch of rows {', '.join(map(str, rows))} of 0–{len(ds) - 1} ({words})"
    which = "the only sample" if len(ds) == 1 else f"sample {s.sample} of 0–{len(ds) - 1}"
    return x, y, which + (f", {what}" if what else "")


def _typed(ds: Dataset | None, n_in: int, n_out: int) -> tuple[np.ndarray, np.ndarray]:
    s = state.step()
    if s.manual is None or len(s.manual[0]) != n_in or len(s.manual[1]) != n_out:  # first time, or a new size
        x, y = (ds.X[0], ds.Y[0]) if ds is not None else (np.zeros(n_in), np.zeros(n_out))
        s.manual = (tuple(x), tuple(y))
        s.x_text, s.y_text = format_vector(x), format_vector(y)
    st.text_input(f"x ({n_in} numbers)", **state.bind_field(X, s, "x_text"))
    st.text_input(f"y ({n_out} numbers)", **state.bind_field(Y, s, "y_text"))
    try:
        x = parse_vector(s.x_text, n_in, "x")
        y = parse_vector(s.y_text, n_out, "y")
    except BpvizError as err:
        notices.say("error", f"{err} — still showing the last sample that was valid.")
        return np.array(s.manual[0]), np.array(s.manual[1])
    s.manual = (tuple(x), tuple(y))
    return x, y


def shown_sample(w: Walk, where) -> Walk:
    """The walk showing the sample of its batch the user picked ("Sample 1 … k", drawn in ``where``); ``w``
    itself for one sample."""
    if w.batch == 1:
        return w
    s = state.step()
    s.viewed = min(s.viewed, w.batch - 1)
    bound = state.bind_field(VIEWED, s, "viewed")
    where.segmented_control("Showing sample", range(w.batch), format_func=lambda r: f"{r + 1} of {w.batch}",
                            required=True, help="The diagram's nodes and the neuron equations show this sample; the "
                            "gradients and the update are the whole batch's.", **bound)  # fmt: skip
    return w.viewing(s.viewed)


def _preview(name: str, values: np.ndarray) -> str:
    shown = ", ".join(f"{v:g}" for v in values[:PREVIEW])
    more = f", … ({len(values) - PREVIEW} more)" if len(values) > PREVIEW else ""
    return f"{name} = ({shown}{more})"
