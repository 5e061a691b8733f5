"""Shared test fixtures; optional oracles (torch, Chromium) are required when CI says so."""

import itertools
import json
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# AppTest has no timers to poll a training worker: pages under AppTest train in their script thread, one tick a
# run, unless a test asks for the pool (webui.pool); the browser tests' servers use the pool as deployed.
os.environ.setdefault("BPVIZ_TRAINING_WORKERS", "0")


def _read_as_a_user_does() -> None:
    """AppTest's ``value`` of Markdown, captions, notices and toasts is what a reader sees: the app escapes
    every piece of user text (``bpviz.lesson.plaintext.markdown``), and a test of a message compares words,
    not backslashes. A test of the escaping itself reads ``element.proto.body``."""
    from streamlit.testing.v1 import element_tree as et

    from bpviz.lesson.plaintext import markdown_read

    latex = et.MarkdownProto.Type.LATEX

    def read(self) -> str:
        body = self.proto.body
        return body if getattr(self.proto, "element_type", None) == latex else markdown_read(body)

    for kind in (et.Markdown, et.AlertBase, et.Toast):
        kind.value = property(read)


_read_as_a_user_does()


def require(flag: str) -> bool:
    """True when CI demands an optional dependency (BPVIZ_REQUIRE_TORCH, BPVIZ_REQUIRE_BROWSER)."""
    return os.environ.get(flag) == "1"


def open_app(page: str = "app.py", query: Mapping[str, str] | None = None, *, url: str | None = None,
             home_first: bool = False, net=None, data=None, csv=None, train=None, **records):  # fmt: skip
    """A fresh AppTest session of ``page`` (relative to the project root) with the URL ``query``, and the
    session's records seeded before its first run: ``net``, ``data``, ``csv`` and ``train`` make its
    ``state.Shared`` (the default preset's for what is left out), ``records`` are others by their key
    (``step=state.Step(decimals=9)``). ``url`` sets the address the browser would report, ``home_first``
    opens app.py first and then switches to ``page`` (so page links resolve). Fails on any exception."""
    from streamlit.testing.v1 import AppTest

    from webui import state

    if (net, data, csv, train) != (None, None, None, None):
        start = state.Shared.start()
        records[state.SHARED] = state.Shared(
            net or start.net, data or start.data, train or start.train, start.preset, csv
        )
    at = AppTest.from_file(str(ROOT / ("app.py" if home_first else page)), default_timeout=60)
    if url is not None:
        at.context["url"] = url
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in records.items():
        at.session_state[key] = value
    at.run()
    if home_first and page != "app.py":
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def component_data(at, key: str) -> dict | None:
    """The data the page sent its page script (``webui.page_script``) with widget key ``key``; None when the
    page has no such script."""
    found = [e for e in at.get("component_instance") if e.proto.id.endswith(f"-{key}")]
    return json.loads(found[0].proto.json_args)["data"] if found else None


# Elements whose browser side loads Apache Arrow's JavaScript, which slows every plot of the browser tab from
# then on (webui.page_script): tables, Vega-Lite charts and v2 components.
ARROW_ELEMENTS = {"dataframe", "table", "arrow_vega_lite_chart", "vega_lite_chart", "bidi_component"}


def arrow_elements(at) -> list[str]:
    """The types of the elements of the page that load Arrow in the browser, one entry per element."""
    return [node.type for node in at if getattr(node, "type", None) in ARROW_ELEMENTS]


def step_diagram(at) -> str:
    """The Step diagram's figure (JSON) the browser shows at the stage the session is at: the stepper's drawing
    of that stage (``webui.stepper`` draws it over the chart's own figure, which stays as drawn when the set of
    drawings started), else the chart's own."""
    from webui import state
    from webui.stepper import KEYS

    frames = component_data(at, KEYS)["frames"]
    return frames.get(str(at.session_state[state.STEP].stage)) or at.main.get("plotly_chart")[0].proto.spec


def shown_chart(at, key: str) -> dict:
    """The figure the browser shows in the chart with widget key ``key``: while a run trains, the newest the
    page handed its live-chart component (``webui.live_chart`` draws it over the chart's own), else the chart's."""
    from webui import live_chart

    live = component_data(at, f"{live_chart.DRAWER}{key}")
    return json.loads(live["figure"] if live is not None else chart_spec(at, key))


def chart_spec(at, key: str) -> str:
    """The figure (JSON) of the chart with widget key ``key`` as Streamlit has it (its element is named by a
    hash of it)."""
    specs = [c.proto.spec for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}")]
    assert len(specs) == 1, f"expected one chart {key}"
    return specs[0]


def edge_ends(path: str) -> np.ndarray:
    """(E, 4) x0, y0, x1, y1 of the straight segments "M x0,y0L x1,y1" an edge shape's SVG path is made of
    (``bpviz.figures.diagram.edges.path``); AssertionError if it holds anything else."""
    ends = re.findall(r"M([-\d.]+),([-\d.]+)L([-\d.]+),([-\d.]+)", path)
    assert "".join(f"M{a},{b}L{c},{d}" for a, b, c, d in ends) == path, "not only straight segments"
    return np.array(ends, dtype=float).reshape(-1, 4)


class StepClock:
    """A clock that moves ``step`` seconds each time it is read, so how far a training tick gets (it trains
    until its deadline passes) is the same on every machine and every run."""

    def __init__(self, step: float):
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def accepted_output_losses() -> list[tuple[str, str]]:
    """Every (output activation, loss) pair the spec accepts, asked of the engine itself."""
    from bpviz import BpvizError, NetworkSpec
    from bpviz.engine.activations import ACTIVATIONS
    from bpviz.engine.losses import LOSSES

    pairs = []
    for output, loss in itertools.product(ACTIVATIONS, LOSSES):
        try:
            NetworkSpec((2, 3), (output,), loss)
        except BpvizError:
            continue
        pairs.append((output, loss))
    return pairs


@pytest.fixture
def softplus():
    """softplus, f(z) = log(1 + e^z) with f'(z) = σ(z), registered as one more activation for the test."""
    import numpy as np

    from bpviz.engine.activations import Activation, register, sigmoid

    act = Activation(
        "softplus",
        "splus",
        "softplus",
        symbol=r"\operatorname{softplus}",
        formula=r"\log(1+e^{z})",
        apply=lambda v: rf"\operatorname{{softplus}}({v})",
        slope=lambda z, a: rf"\sigma({z})",
        f=lambda z: np.logaddexp(0.0, z),
        df=lambda z, a: sigmoid(z),
    )
    with register(act):
        yield act
