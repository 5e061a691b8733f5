"""Every page with hostile names and values: a CSV and a network file whose names are Markdown links and
images, CSV column names and labels that are links, HTML and formulas, a `format` value, a typed sample, rates
and share-link values that are Markdown. On every page state the test reads every text Streamlit renders as
Markdown (messages, captions, Markdown, metric and widget labels, help, progress text) and every string of
every Plotly figure, and finds no link, image or HTML at all, while the hostile text itself is on the page,
shown as typed. tests/browser/test_hostile.py looks at the same in the real front end."""

import json
import re

import pytest
from conftest import StepClock, open_app
from markdown_check import live_parts

from bpviz.io import netfile
from bpviz.lesson.plaintext import markdown_read
from bpviz.lesson.presets import PRESETS
from webui import design as design_ui
from webui import state, step_sample
from webui import train as train_ui

PHISH = "[Session expired - click here to log in again](https://example.com/phish)"
IMAGE = "![p](http://127.0.0.1:9/x.png)"
SCRIPT_LINK = "[x](javascript:alert(1))"
HTML_LINK = "<a href='https://example.com/y'>y</a>"
FEATURES = (HTML_LINK, "**f2** $x$ www.example.com")
CSV = "\n".join(
    [",".join([*FEATURES, "label"])]
    + [f"{i % 2},{(i // 2) % 2}.{i},{SCRIPT_LINK if i % 2 else HTML_LINK}" for i in range(20)]
).encode()
MARKDOWN_FIELDS = ("body", "label", "help", "text")
OUR_PLOTLY_TAGS = re.compile(r"<(?!/?(br|extra|b|i|sup|sub)>)[^<>]*>")  # a tag Plotly would read, not ours


def _nodes(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def _strings(value, skip=("meta",)):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            if k not in skip:
                yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def page_texts(at) -> tuple[list[str], list[str]]:
    """(every Markdown text of the page as sent, every string of its Plotly figures)."""
    markdown, plotly = [], []
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "DESCRIPTOR"):
            continue
        if node.type == "plotly_chart":
            plotly += list(_strings(json.loads(proto.spec)))
            continue
        if node.type == "html":  # st.html: text fixed in the code (tests/test_project.py), CSS here
            continue
        for name in MARKDOWN_FIELDS:
            if name in proto.DESCRIPTOR.fields_by_name and isinstance(getattr(proto, name), str):
                markdown.append(getattr(proto, name))
    return markdown, plotly


class Pages:
    """Everything seen so far, checked page state by page state."""

    def __init__(self):
        self.markdown: list[str] = []
        self.plotly: list[str] = []

    def check(self, at) -> None:
        assert not at.exception, at.exception
        markdown, plotly = page_texts(at)
        for text in markdown:
            assert live_parts(text) == [], text
        for text in plotly:  # every tag is one of ours: a user's "<a href" arrives as "&lt;a href"
            assert not OUR_PLOTLY_TAGS.search(text), text
        self.markdown += [markdown_read(t) for t in markdown]
        self.plotly += plotly

    def shows(self, hostile: str) -> bool:
        return any(hostile in t for t in self.markdown)


@pytest.fixture
def seen():
    return Pages()


def test_every_page_shows_hostile_names_and_values_as_typed(seen):
    at = open_app("pages/1_Design.py", home_first=True)
    at.session_state[state.TRAIN].clock = StepClock(0.001)  # a tick trains as far however loaded the machine is
    at.selectbox(key=design_ui.DATASET).select("csv").run()
    at.file_uploader(key=design_ui.CSV_UPLOAD).set_value((f"{IMAGE}.csv", CSV, "text/csv")).run()
    assert state.SHARED in at.session_state and at.session_state[state.SHARED].data.name == "csv"
    seen.check(at)
    good = netfile.dumps(PRESETS["xor"].network()).encode()
    at.file_uploader(key=design_ui.NET_UPLOAD).set_value((f"{PHISH}.json", good, "application/json")).run()
    seen.check(at)
    bad = good.replace(b'"bpviz-network"', json.dumps(f"{PHISH} {IMAGE}").encode())
    at.file_uploader(key=design_ui.NET_UPLOAD).set_value((f"{IMAGE}.json", bad, "application/json")).run()
    seen.check(at)
    at.switch_page("pages/2_Step.py").run()
    seen.check(at)
    at.session_state[state.STEP].sample = 1
    at.run()
    seen.check(at)
    at.button_group(key=step_sample.SOURCE).set_value("manual").run()
    at.text_input(key=step_sample.X).set_value(f"{PHISH}, {HTML_LINK}").run()
    seen.check(at)
    at.switch_page("pages/3_Train.py").run()
    at.button(key=train_ui.START).click().run()
    for _ in range(60):
        if not at.session_state[state.TRAIN].run.running:
            break
        at.run()
    assert not at.session_state[state.TRAIN].run.running, "the run never ended"
    seen.check(at)
    at.text_input(key=train_ui.RATES).set_value(f"0.1, {SCRIPT_LINK}").run()
    at.button(key=train_ui.COMPARE).click().run()
    seen.check(at)
    for page in ("app.py", "pages/0_Chain_rule.py"):
        at.switch_page(page).run()
        seen.check(at)
    for hostile in (IMAGE, PHISH, SCRIPT_LINK, HTML_LINK):
        assert seen.shows(hostile), hostile
    assert any("&lt;a href" in t for t in seen.plotly) and any("**f2** $x$" in t for t in seen.plotly)


@pytest.mark.parametrize("key, value", [("net", PHISH), ("seed", IMAGE), ("act", HTML_LINK), ("lr", "$1$ **2**")])
def test_a_hostile_share_link_is_quoted_as_typed(seen, key, value):
    at = open_app("app.py", query={**{"net": "2-2-1", "act": "sig.sig", "data": "xor"}, key: value})
    seen.check(at)
    assert seen.shows(value[:20])
