"""The Step page's sample picker: a dataset row by number, or x and y typed by hand.

A typed sample that does not parse shows the error and keeps the last one that did, so a
typo never loses the step on screen.
"""

import numpy as np
import streamlit as st

from bpviz import BpvizError, Dataset, Network
from bpviz.data.samples import DIGIT_PIXEL, DIGIT_SIDE, dataset_sample, digit_image
from bpviz.io.text import format_vector, parse_vector
from webui import notices, state

SOURCES = {"dataset": "From the dataset", "manual": "Typed by hand"}
PREVIEW = 6  # values of a long vector shown in the caption
# Widget keys.
SOURCE = "step_w_source"
SAMPLE = "step_w_sample"
X = "step_w_x"
Y = "step_w_y"


def pick_sample(net: Network) -> tuple[np.ndarray, np.ndarray, str, str | None]:
    """(x, y, a one-line description, a problem to show or None) of the chosen sample.

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
    x, y, what = dataset_sample(ds, s.sample)
    if ds.name == "digits":
        st.image(digit_image(x), caption=what, width=DIGIT_SIDE * DIGIT_PIXEL)
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


def _preview(name: str, values: np.ndarray) -> str:
    shown = ", ".join(f"{v:g}" for v in values[:PREVIEW])
    more = f", … ({len(values) - PREVIEW} more)" if len(values) > PREVIEW else ""
    return f"{name} = ({shown}{more})"
