"""A seeded random walk through the whole app in AppTest: no action may ever end in a traceback.

Each walk opens a fresh session on Home and then, step by step, picks one random action from what
the page shows right now: press a button, type into a number input (its bounds, 0, negative, huge),
pick from a selectbox, radio, multiselect or segmented control, move a slider, flip a toggle or a
checkbox, type into a text input ("nan", "1e309", "", letters, a 5,000-character number…), edit a
cell of a data editor, upload random bytes, broken JSON, broken CSV or a valid file to a file
uploader, click a point of a clickable chart, open another tab, switch to another page, or just
let the page run again (a training tick). Widgets are found generically (every ``at.button``,
``at.number_input``, …), so a new widget is walked without touching this file. Disabled widgets are
left alone, as a browser leaves them.

After every action ``at.exception`` must be empty. On a failure the message names the seed, the
step and the actions so far; the walk is deterministic for a seed (the choices come from
``random.Random(seed)``; only how far a training run gets in one tick depends on the clock), so

    BPVIZ_WALK_SEED=7 BPVIZ_WALK_STEPS=20000 python -m pytest -q tests/test_random_walk.py

replays seed 7 (and goes on to 20,000 actions, which takes about an hour). Without the variables
CI walks ``CI_SEEDS`` seeds of ``CI_STEPS`` actions each (1,040 in all, about 2 minutes on 2 cores).
"""

import base64
import functools
import json
import math
import os
import random
from urllib.parse import urlencode

import numpy as np
import pytest
from conftest import ROOT, StepClock
from streamlit import config
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

from bpviz import Network, NetworkSpec
from bpviz.io import netfile, sharelink
from bpviz.io.sharelink import Lesson, encode
from bpviz.lesson.presets import PRESETS
from bpviz.runs import workcap
from webui import state
from webui import train as train_ui
from webui.setup import pages

CI_SEEDS = (1, 2, 3, 4)
CI_STEPS = 260
TRAIN_TICK = 0.03  # seconds of training per page run (the app's 0.15 s would make the walk crawl)
CLOCK_STEP = 0.01  # seconds the walk's clock advances per reading: a tick trains about 3 report intervals
WALK_MAX_WORK = 50_000_000  # work cap of one training request in the walk (the app's is 1e9)
TRAIL_SHOWN = 300  # actions printed on a failure (the newest)
PAGES = [path for path, _, _ in pages()]

WALK_SEED = os.environ.get("BPVIZ_WALK_SEED")
WALK_STEPS = int(os.environ.get("BPVIZ_WALK_STEPS", CI_STEPS))
SEEDS = (int(WALK_SEED),) if WALK_SEED else CI_SEEDS

# --- values a user can type or pick ---------------------------------------------------------------
EXTREME_NUMBERS = (0, -1, 1, -0.0, 1e-12, -1e-12, 5e-324, 0.5, 1e6, -1e6, 1e9, 2**31, 2**53 + 1, 1e300, -1e300)
NASTY_TEXT = (
    "",
    " ",
    "nan",
    "NaN",
    "-nan",
    "inf",
    "-inf",
    "Infinity",
    "1e309",
    "-1e309",
    "1e-400",
    "0",
    "-1",
    "0, 0",
    "1, 2",
    "1 2 3",
    "1;2;;3",
    "(0.5, 0.5)",
    "[1, 0]",
    "0x10",
    "1_000",
    "1e6",
    "1e-6, 1e6",
    "abc",
    "1,abc",
    ",,,",
    "nan, nan",
    "0.01, 0.1, 0.5, 2",
    "1, 2, 3, 4, 5, 6, 7",
    "-0.1, 0.2",
    "0, 1",
    "١٢٣",
    "½",
    "∞",
    "🙂",
    "DROP TABLE;",
    "{{7*7}}",
    "<script>alert(1)</script>",
    "**bold** $x$",
    "9" * 5000,
    ", ".join(["1"] * 2000),
)
CELL_VALUES = (None, 0.0, -1.0, 1.0, 0.25, 1e6, -1e6, 1e300, -1e300, 5e-324, 1e-12)


# --- files a user can upload ----------------------------------------------------------------------
def _csv(rows: list[list], header: list[str]) -> bytes:
    return ("\n".join(",".join(map(str, r)) for r in [header, *rows]) + "\n").encode()


def _random_csv(rng: random.Random) -> bytes:
    """A CSV that may be fine or broken in one of many ways."""
    n, f = rng.choice((0, 1, 2, 5, 40)), rng.choice((1, 2, 3, 5, 64))
    feats = [f"f{i}" for i in range(f)]
    X = [[round(rng.gauss(0, 1), 3) for _ in range(f)] for _ in range(n)]
    kind = rng.choice(
        (
            "labels",
            "labels",
            "target",
            "two targets",
            "text feature",
            "no label",
            "single class",
            "empty label",
            "nan cell",
            "inf cell",
            "huge number",
            "ragged",
            "header only",
            "label and target",
            "label only",
            "many classes",
            "many columns",
            "bom",
            "semicolons",
            "quoted",
            "not utf-8",
            "numeric labels",
            "duplicate columns",
            "blank lines",
        )
    )
    labels = [rng.choice("abc") for _ in range(n)]
    if kind == "labels":
        return _csv([x + [lab] for x, lab in zip(X, labels)], feats + ["label"])
    if kind == "numeric labels":
        return _csv([x + [rng.choice((0, 1, 2))] for x in X], feats + ["label"])
    if kind == "target":
        return _csv([x + [round(rng.gauss(0, 1), 3)] for x in X], feats + ["target"])
    if kind == "two targets":
        return _csv([x + [1, 2] for x in X], feats + ["target1", "target2"])
    if kind == "text feature":
        return _csv([x + ["hello", lab] for x, lab in zip(X, labels)], feats + ["word", "label"])
    if kind == "no label":
        return _csv(X, feats)
    if kind == "single class":
        return _csv([x + ["a"] for x in X], feats + ["label"])
    if kind == "empty label":
        return _csv([x + [""] for x in X], feats + ["label"])
    if kind == "nan cell":
        return _csv([["nan", *x[1:], lab] for x, lab in zip(X, labels)], feats + ["label"])
    if kind == "inf cell":
        return _csv([["inf", *x[1:], lab] for x, lab in zip(X, labels)], feats + ["label"])
    if kind == "huge number":
        return _csv([["1e999", *x[1:], lab] for x, lab in zip(X, labels)], feats + ["label"])
    if kind == "ragged":
        return b"a,b,label\n1,2,x\n1,2,3,4,5\n1\n"
    if kind == "header only":
        return _csv([], feats + ["label"])
    if kind == "label and target":
        return _csv([x + ["a", 1] for x in X], feats + ["label", "target"])
    if kind == "label only":
        return _csv([[lab] for lab in labels], ["label"])
    if kind == "many classes":
        return _csv([[i, f"c{i}"] for i in range(150)], ["f0", "label"])
    if kind == "many columns":
        return _csv([[1] * 1001 + ["a"], [0] * 1001 + ["b"]], [f"f{i}" for i in range(1001)] + ["label"])
    if kind == "bom":
        return b"\xef\xbb\xbf" + _csv([x + [lab] for x, lab in zip(X, labels)], feats + ["label"])
    if kind == "semicolons":
        return _csv([x + [lab] for x, lab in zip(X, labels)], feats + ["label"]).replace(b",", b";")
    if kind == "quoted":
        return b'"f0","label"\n"1","a"\n"2\n'
    if kind == "not utf-8":
        return b"f0,label\n1,\xff\xfe\n2,b\n"
    if kind == "duplicate columns":
        return b"f,f,label\n1,2,a\n3,4,b\n"
    return b"f0,label\n\n1,a\n\n\n2,b\n\n"


def _random_network_file(rng: random.Random) -> bytes:
    """A network file that may be valid or broken."""
    n_in, n_out = rng.choice(((2, 1), (2, 2), (2, 3), (1, 1), (64, 10), (3, 3), (5, 1)))
    hidden = [rng.choice((1, 2, 3, 8))] * rng.choice((0, 1, 2))
    out = "softmax" if n_out > 1 and rng.random() < 0.5 else "sigmoid"
    loss = "cross_entropy" if out == "softmax" else rng.choice(("half_sse", "mse"))
    spec = NetworkSpec((n_in, *hidden, n_out), ("tanh",) * len(hidden) + (out,), loss=loss, seed=rng.randrange(100))
    doc = netfile.to_dict(Network.initialise(spec))
    kind = rng.choice(
        (
            "valid",
            "valid",
            "valid without weights",
            "wrong shape",
            "nan weight",
            "infinite weight",
            "huge layer",
            "zero layer",
            "negative layer",
            "float layer",
            "text layer",
            "lr zero",
            "lr negative",
            "lr huge",
            "lr nan",
            "lr text",
            "unknown activation",
            "wrong version",
            "missing field",
            "unknown key",
            "weights as text",
            "not an object",
            "deep nesting",
            "truncated",
            "wrong format",
            "bias none with biases",
            "too many weights",
        )
    )
    if kind == "valid without weights":
        del doc["weights"], doc["biases"]
    elif kind == "wrong shape":
        doc["weights"][0] = [[0.1] * (n_in + 1)]
    elif kind == "nan weight":
        return json.dumps(doc).replace(str(doc["weights"][0][0][0]), "NaN", 1).encode()
    elif kind == "infinite weight":
        return json.dumps(doc).replace(str(doc["weights"][0][0][0]), "1e999", 1).encode()
    elif kind == "huge layer":
        doc["layers"][0], doc["weights"], doc["biases"] = 100_000, [], []
    elif kind == "zero layer":
        doc["layers"][-1] = 0
    elif kind == "negative layer":
        doc["layers"][0] = -3
    elif kind == "float layer":
        doc["layers"][0] = 2.5
    elif kind == "text layer":
        doc["layers"][0] = "2"
    elif kind.startswith("lr "):
        doc["learning_rate"] = {"lr zero": 0, "lr negative": -0.5, "lr huge": 1e6, "lr text": "fast"}.get(kind)
        if kind == "lr nan":
            return json.dumps(doc).replace('"learning_rate": null', '"learning_rate": NaN').encode()
    elif kind == "unknown activation":
        doc["activations"][0] = "swish"
    elif kind == "wrong version":
        doc["version"] = rng.choice((2, True, "1", None))
    elif kind == "missing field":
        del doc[rng.choice(("layers", "activations", "loss", "seed"))]
    elif kind == "unknown key":
        doc["__class__"] = "os.system"
    elif kind == "weights as text":
        doc["weights"] = "[[1, 2]]"
    elif kind == "not an object":
        return rng.choice((b"[]", b"null", b"42", b'"bpviz"', b"true"))
    elif kind == "deep nesting":
        return b"[" * 100_000 + b"]" * 100_000
    elif kind == "truncated":
        text = json.dumps(doc)
        return text[: rng.randrange(len(text))].encode()
    elif kind == "wrong format":
        doc["format"] = "keras"
    elif kind == "bias none with biases":
        doc["bias"] = "none"
        doc["biases"][0] = [1.0] * len(doc["biases"][0])
    elif kind == "too many weights":
        doc["layers"] = [2, 2000, 2000, 1]
        doc["activations"] = ["tanh", "tanh", "sigmoid"]
        del doc["weights"], doc["biases"]
    return json.dumps(doc).encode()


def random_upload(rng: random.Random, allowed: list[str]) -> tuple[str, bytes, str]:
    """(file name, content, mime type): random bytes, broken JSON or CSV, a preset's file, …"""
    ext = rng.choice(allowed) if allowed else rng.choice((".csv", ".json"))
    ext = ext if ext.startswith(".") else f".{ext}"
    kind = rng.choice(("bytes", "empty", "text", "csv", "csv", "network", "network", "preset", "big"))
    if kind == "bytes":
        content = rng.randbytes(rng.choice((1, 16, 1000, 20_000)))
    elif kind == "empty":
        content = b""
    elif kind == "text":
        content = rng.choice(NASTY_TEXT).encode()
    elif kind == "csv":
        content = _random_csv(rng)
    elif kind == "network":
        content = _random_network_file(rng)
    elif kind == "preset":
        content = netfile.dumps(PRESETS[rng.choice(list(PRESETS))].network()).encode()
    else:  # larger than the app's limits (a browser stops anything over server.maxUploadSize first)
        content = rng.choice((b"1,2,label\n" + b"0,0,a\n1,1,b\n" * 60_000, b" " * 21_000_000))
    stem = rng.choice(("data", "net", "ünïcødé", "../../etc/passwd", "a" * 200, "**bold** [x](javascript:1)"))
    return f"{stem}{ext}", content, rng.choice(("text/csv", "application/json", "application/octet-stream"))


def random_link(rng: random.Random) -> dict[str, str]:
    """The query of a share link: a preset's, with keys tampered (nasty text, odd numbers), dropped or added."""
    preset = PRESETS[rng.choice(list(PRESETS))]
    params = encode(Lesson(preset.network(), preset.data, rng.randrange(preset.data.n), rng.randrange(12)))
    for _ in range(rng.choice((0, 1, 1, 2, 3))):
        key = rng.choice([*sharelink.KEYS, sharelink.PRESENT, "utm_source"])
        roll = rng.random()
        if roll < 0.2:
            params.pop(key, None)
        elif roll < 0.6:
            params[key] = rng.choice(NASTY_TEXT)[:300]
        else:
            params[key] = rng.choice(
                [
                    "0",
                    "-1",
                    "1",
                    "2-0-1",
                    "2-4096-4096-1",
                    "1-1",
                    "sig",
                    "smax",
                    "lin.lin",
                    "csv",
                    "worked",
                    "digits",
                    "1e6",
                    "0.95",
                    "99999999999",
                    "_".join(["0.5"] * 9),
                    "1",
                ]
            )
    return params


# --- generic discovery of what the user can do ----------------------------------------------------
def _decode(values):
    """A plotly array from the figure JSON: a list, or {"dtype", "bdata"} base64 (plotly 7)."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"])).tolist()
    return list(values or [])


def _chart_click(rng: random.Random, chart) -> str | None:
    """What the browser sends when the user clicks a random point of a clickable chart (or clears it)."""
    figure = json.loads(chart.spec)
    candidates = []
    for c, trace in enumerate(figure.get("data", [])):
        xs, ys = _decode(trace.get("x")), _decode(trace.get("y"))
        data = trace.get("customdata")
        for i in range(min(len(xs), len(ys))):
            if xs[i] is None or ys[i] is None or (isinstance(xs[i], float) and math.isnan(xs[i])):
                continue
            point = {"curve_number": c, "point_number": i, "point_index": i, "x": xs[i], "y": ys[i]}
            if isinstance(data, list) and i < len(data):
                point["customdata"] = data[i]
            candidates.append(point)
    points = [rng.choice(candidates)] if candidates and rng.random() < 0.9 else []
    selection = {"points": points, "point_indices": [p["point_index"] for p in points], "box": [], "lasso": []}
    return json.dumps({"selection": selection})


class Walker:
    """One seeded walk: ``step()`` does one random action and records it in ``trail``."""

    def __init__(self, seed: int):
        self.seed = seed
        self.rng = random.Random(seed)
        self.trail: list[str] = []
        self.at = self.new_session()
        self.page = "app.py"
        self.run(self.at.run)
        self.trail.append("open app.py")

    @staticmethod
    def new_session() -> AppTest:
        """A session on Home whose training runs read a clock that moves CLOCK_STEP a reading, so a replay
        trains as far in each tick (real time would make a run finish earlier or later, and the walk's next
        choices differ)."""
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.session_state[state.TRAIN] = state.Train(clock=StepClock(CLOCK_STEP))
        return at

    # -- running ---------------------------------------------------------------------------------
    def run(self, go, *args) -> None:
        """Run the page (``go(*args)``) and fail with the replay details on any exception."""
        try:
            go(*args)
        except Exception as err:  # an AppTest error or a timeout: the walk cannot go on
            self.fail(f"{type(err).__name__}: {err}")
        if self.at.exception:
            self.fail("\n".join(e.value + "\n" + "\n".join(e.stack_trace) for e in self.at.exception))

    def fail(self, what: str) -> None:
        shown = self.trail[-TRAIL_SHOWN:]
        skipped = len(self.trail) - len(shown)
        lines = [f"  {i + skipped:5d}. {a}" for i, a in enumerate(shown)]
        pytest.fail(
            f"Random walk seed {self.seed}, step {len(self.trail) - 1}: {what}\n"
            f"Replay: BPVIZ_WALK_SEED={self.seed} BPVIZ_WALK_STEPS={len(self.trail) - 1} "
            f"python -m pytest -q tests/test_random_walk.py\n"
            + (f"(the first {skipped} actions are not shown)\n" if skipped else "")
            + "\n".join(lines),
            pytrace=False,
        )

    def send(self, widget_id: str, **value) -> None:
        """Run the page with one extra widget state, as the browser sends for a chart click or a tab."""
        states = self.at._tree.get_widget_states()
        extra = WidgetState(id=widget_id, **value)
        kept = [w for w in states.widgets if w.id != widget_id]
        del states.widgets[:]
        states.widgets.extend([*kept, extra])
        self.run(self.at._run, states)

    # -- the actions -----------------------------------------------------------------------------
    def actions(self) -> list[tuple[float, str, object]]:
        """(weight, description, do) for everything the page lets the user do now."""
        at = self.at
        found = []

        def add(weight, text, do):
            found.append((weight, text, do))

        for w in at.button:
            if not w.disabled:
                add(3, f"click button {w.key or w.label!r}", lambda w=w: w.click().run())
        for w in at.get("download_button"):
            if not w.proto.disabled:
                add(0.3, f"click download {w.proto.label!r}", lambda: at.run())
        for w in at.number_input:
            if not w.disabled:
                add(3, f"number_input {w.key!r}", lambda w=w: self.number(w))
        for w in at.slider:
            if not w.disabled:
                add(2, f"slider {w.key!r}", lambda w=w: self.slider(w))
        for kind in ("selectbox", "radio"):
            for w in getattr(at, kind):
                if not w.disabled and w.options:
                    add(3, f"{kind} {w.key!r}", lambda w=w: self.pick(w, multi=False))
        for w in at.button_group:
            if not w.disabled and w.options:
                least, most = _button_group_least(w), _button_group_most(w)
                add(2, f"segmented/pills {w.key!r}", lambda w=w, n=least, m=most: self.pick(w, True, n, m))
        for w in at.multiselect:
            if not w.disabled:
                add(1, f"multiselect {w.key!r}", lambda w=w: self.pick(w, True, 0, w.max_selections or 8))
        for kind in ("toggle", "checkbox"):
            for w in getattr(at, kind):
                if not w.disabled:
                    add(2, f"{kind} {w.key!r}", lambda w=w: self.flip(w))
        for kind in ("text_input", "text_area"):
            for w in getattr(at, kind):
                if not w.disabled:
                    add(3, f"{kind} {w.key!r}", lambda w=w: self.type_text(w))
        for w in at.file_uploader:
            if not w.disabled:
                add(4, f"upload to {w.key!r}", lambda w=w: self.upload(w))
        for d in at.data_editor:
            key = d.key or d.proto.id.rsplit("-", 1)[-1]
            add(2, f"data_editor {key!r}", lambda d=d, key=key: self.edit(d, key))
        for c in at.get("plotly_chart"):
            if c.proto.selection_mode:
                add(2, f"click chart {c.key!r}", lambda c=c: self.click_chart(c))
        for block in _stateful(at, "tab_container"):
            labels = [t.label for t in block.children.values() if getattr(t, "type", None) == "tab"]
            add(1, f"tabs {block.key!r}", lambda b=block, labels=labels: self.tab(b, labels))
        for block in _stateful(at, "expander"):
            add(1, f"expander {block.key!r}", lambda b=block: self.expand(b))
        for path in PAGES:
            add(0.6, f"switch to {path}", lambda path=path: self.switch(path))
        add(1, "wait", self.wait)
        add(0.3, "open a share link", self.open_link)
        return found

    def step(self) -> None:
        found = self.actions()
        weight, text, do = self.rng.choices(found, weights=[f[0] for f in found])[0]
        self.trail.append(text)
        self.run(do)

    # -- one action per widget kind (each records what it chose) ----------------------------------
    def note(self, detail: str) -> None:
        self.trail[-1] += f" {detail}"

    def number(self, w) -> None:
        rng = self.rng
        lo, hi = w.min, w.max
        integer = w.proto.data_type == w.proto.INT
        options = [*EXTREME_NUMBERS]
        if lo is not None:
            options += [lo, lo + w.step, lo - w.step]
        if hi is not None:
            options += [hi, hi - w.step, hi + w.step]
        if lo is not None and hi is not None:
            options += [rng.uniform(lo, hi)] * 3
        if w.value is not None:
            options += [w.value + w.step, w.value - w.step, w.value * 2]
        value = rng.choice(options)
        value = int(value) if integer else float(value)
        self.note(f"= {value!r}")
        w.set_value(value).run()

    def slider(self, w) -> None:
        rng = self.rng
        lo, hi, step = w.min, w.max, w.step
        value = rng.choice([lo, hi, lo + step * rng.randrange(int((hi - lo) / step) + 1)])
        self.note(f"= {value!r}")
        w.set_value(value).run()

    def pick(self, w, multi: bool, least: int = 1, most: int = 1) -> None:
        """Choose by label, as the browser sends it: one string, or a list (multiselect, segmented control)."""
        rng = self.rng
        options = list(w.options)
        if multi:
            labels = rng.sample(options, rng.randint(least, min(most, len(options))))
        else:
            labels = [rng.choice(options)]
        self.note(f"-> {labels!r}")
        if multi:
            self.send(w.id, string_array_value={"data": labels})
        else:
            self.send(w.id, string_value=labels[0])

    def flip(self, w) -> None:
        self.note(f"-> {not w.value}")
        w.set_value(not w.value).run()

    def type_text(self, w) -> None:
        rng = self.rng
        text = rng.choice([*NASTY_TEXT, ", ".join(f"{rng.gauss(0, 3):.3g}" for _ in range(rng.randint(1, 4)))])
        self.note(f"= {text[:40]!r}{'…' if len(text) > 40 else ''}")
        w.set_value(text).run()

    def upload(self, w) -> None:
        if w.value is not None and self.rng.random() < 0.15:
            self.note("(clear)")
            w.set_value(None).run()
            return
        name, content, mime = random_upload(self.rng, w.allowed_type)
        self.note(f"{name[:40]!r} ({len(content):,} bytes: {content[:30]!r})")
        w.set_value((name, content, mime)).run()

    def edit(self, d, key: str) -> None:
        rng = self.rng
        table = d.value
        if table.shape[0] == 0 or table.shape[1] == 0:
            self.at.run()
            return
        edits = {}
        for _ in range(rng.randint(1, 3)):
            row, col = rng.randrange(table.shape[0]), rng.choice(list(table.columns))
            edits.setdefault(row, {})[str(col)] = rng.choice(CELL_VALUES)
        self.note(f"edits {edits!r}")
        self.at.session_state[key] = {"edited_rows": edits, "added_rows": [], "deleted_rows": []}
        self.at.run()

    def click_chart(self, chart) -> None:
        event = _chart_click(self.rng, chart.proto)
        self.note(event[:160])
        self.send(chart.proto.id, string_value=event)

    def tab(self, block, labels: list[str]) -> None:
        label = self.rng.choice(labels)
        self.note(f"-> {label!r}")
        self.send(block.proto.id, string_value=label)

    def expand(self, block) -> None:
        """Open a section that runs only when open (most of the time), or close it."""
        opened = self.rng.random() < 0.75
        self.note(f"-> {'open' if opened else 'closed'}")
        self.send(block.proto.id, bool_value=opened)

    def wait(self) -> None:
        """Let the page run again a few times, as a training run's ticks do."""
        times = self.rng.randint(1, 6)
        self.note(f"{times} run(s)")
        for _ in range(times):
            self.run(self.at.run)

    def open_link(self) -> None:
        """A new session from a share link: a preset's link with some keys tampered, dropped or added."""
        params = random_link(self.rng)
        path = self.rng.choice(PAGES)
        self.note(f"{path}?{urlencode(params)[:200]}")
        # A link is read on a session's first run, whichever page it opens; AppTest needs app.py as the
        # entry file for page switches, so the link opens Home and the walk then goes to the link's page.
        self.at = self.new_session()
        self.at.query_params.update(params)
        self.run(self.at.run)
        self.switch(path)

    def switch(self, path: str) -> None:
        self.page = path
        self.at.switch_page(path).run()


def _button_group_least(w) -> int:
    """1 for a segmented control or pills widget the user cannot empty (required=True), else 0."""
    return 1 if w.proto.required else 0


def _button_group_most(w) -> int:
    """How many options a segmented control or pills widget takes: 1 in single-select mode."""
    return 1 if w._is_single_select else len(w.options)


def _stateful(at, kind: str) -> list[Block]:
    """Tab containers or expanders (``kind`` "tab_container" or "expander") the user can switch whose state the
    page reads (they have an id)."""
    return [b for b in at if getattr(b, "type", None) == kind and getattr(b.proto, "id", "")]


@pytest.fixture
def steady_training(monkeypatch):
    """Training ticks of a fixed size and a lower work cap, so the walk is replayable and bounded."""
    monkeypatch.setattr(train_ui, "TICK_SECONDS", TRAIN_TICK)
    monkeypatch.setattr(train_ui, "cap_epochs", functools.partial(workcap.cap_epochs, max_work=WALK_MAX_WORK))
    shown = config.get_option("client.showErrorDetails")
    config.set_option("client.showErrorDetails", "full")  # users see none; the walk reports them in full
    yield
    config.set_option("client.showErrorDetails", shown)


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_random_walk_never_shows_a_traceback(seed, steady_training):
    walker = Walker(seed)
    for _ in range(WALK_STEPS):
        walker.step()
    assert len(walker.trail) == WALK_STEPS + 1


def test_the_walk_can_fail(steady_training):
    """The walk's own check: an exception the page raises fails the walk with its message (in full, though
    users see it redacted), the trail and the replay line."""
    walker = Walker(0)
    walker.at = AppTest.from_string("raise ValueError('a broken page')")
    walker.trail.append("a broken action")
    replay = r"(?s)seed 0, step 1: .*a broken page.*Replay: BPVIZ_WALK_SEED=0 BPVIZ_WALK_STEPS=1 .*1\. a broken action"
    with pytest.raises(pytest.fail.Exception, match=replay):
        walker.run(walker.at.run)


def test_discovery_finds_every_kind_of_widget_across_the_pages():
    """The walk sees buttons, number inputs, selectboxes, sliders, toggles, text inputs, radios,
    multiselects, segmented controls, data editors, file uploaders, clickable charts, tabs and expanders."""
    walker = Walker(0)
    seen = set()
    for path in PAGES:
        walker.switch(path)
        for opened in (False, True):  # then with every section that runs only when open opened
            if opened:
                for block in _stateful(walker.at, "expander"):
                    walker.send(block.proto.id, bool_value=True)
            seen |= {
                text.split(" ")[0] + (" " + text.split(" ")[1] if text.startswith("click") else "")
                for _, text, _ in walker.actions()
            }
    expected = {
        "click button",
        "number_input",
        "selectbox",
        "slider",
        "toggle",
        "text_input",
        "radio",
        "multiselect",
        "segmented/pills",
        "data_editor",
        "upload",
        "click chart",
        "tabs",
        "expander",
        "switch",
    }
    assert expected <= seen, expected - seen
