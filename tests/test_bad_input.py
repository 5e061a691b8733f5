"""Bad input, and what the user sees: every row of README.md's table "Bad input, and what you see" is tried
here where the table says (a page in AppTest, the command line, or the share-link codec), with the message
it quotes, and the state the user had is checked to be intact. ``README_ROWS`` writes the table from
``CASES`` and a test compares it with the README, so the two cannot drift apart. Messages Streamlit's own
front end shows (a number outside an input's bounds, a file over ``server.maxUploadSize``) are checked in
headless Chromium by tests/browser/test_limits.py; here the page must keep the user's state when the
server receives such a value anyway. Below the table's cases: regressions of what the random walk
(tests/test_random_walk.py) and its authors found."""

import json
import re
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from conftest import ROOT, open_app
from markdown_check import live_parts, structure
from streamlit.testing.v1 import AppTest

from bpviz import BpvizError, Network, NetworkSpec
from bpviz.data.catalog import DataSettings, make_dataset
from bpviz.data.csvfile import MAX_COLUMNS, read_csv
from bpviz.data.datasets import MAX_TEST_FRACTION
from bpviz.io import netfile
from bpviz.lesson.presets import PRESETS
from webui import design as design_ui
from webui import state, step_sample
from webui import train as train_ui

DESIGN, STEP, TRAIN = "pages/1_Design.py", "pages/2_Step.py", "pages/3_Train.py"
README_HEADING = "## Bad input, and what you see"


def open_page(path: str, query: dict | None = None, **session) -> AppTest:
    """A new session opened on Home (so page links resolve) with the URL ``query``, then ``path``;
    ``session`` seeds session state before the first run."""
    return open_app(path, query, home_first=True, **session)


def shown(at: AppTest) -> str:
    """Every message on the page as the user reads it (Markdown code spans without their backticks):
    errors, warnings, infos, successes and toasts, one per line."""
    kinds = (at.error, at.warning, at.info, at.success, at.toast)
    return re.sub(r"(`+) ?(.*?) ?\1", r"\2", "\n".join(m.value for kind in kinds for m in kind))


def what_the_user_has(at: AppTest) -> tuple:
    """The state a bad input must not touch: the network (spec and every number), data settings and CSV."""
    ss = at.session_state
    net = ss[state.SHARED].net
    return net.spec, [p.tobytes() for p in (*net.W, *net.b)], ss[state.SHARED].data, ss[state.SHARED].csv


def design_with_edits() -> AppTest:
    """The Design page with something the user made: a wider hidden layer and a hand-set weight."""
    at = open_page(DESIGN)
    at.number_input(key=design_ui.layer_key("units", 1)).set_value(3).run()
    key = design_ui.weights_key(0, at.session_state[state.SHARED].version)
    at.session_state[key] = {"edited_rows": {0: {"x1": 0.75}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert at.session_state[state.SHARED].net.W[0][0, 0] == 0.75 and not at.exception
    return at


def _kept(act: Callable[[AppTest], object], path: str | AppTest = DESIGN) -> Callable[[], str]:
    """A case run on the Design page (with the user's edits) or the page ``path``: do ``act``, check that
    nothing the user had changed, return the messages shown."""

    def run() -> str:
        page = path if isinstance(path, AppTest) else design_with_edits() if path == DESIGN else open_page(path)
        before = what_the_user_has(page)
        act(page)
        assert not page.exception, page.exception
        assert what_the_user_has(page) == before
        return shown(page)

    return run


def two_wide_layers() -> str:
    """A second hidden layer of 4,096 after a first one: the first stays, the second is refused."""
    at = open_page(DESIGN)
    at.button(key=design_ui.ADD_LAYER).click().run()
    at.number_input(key=design_ui.layer_key("units", 1)).set_value(4096).run()
    return _kept(set_number(design_ui.layer_key("units", 2), 4096), at)()


def bounds(path: str, key: str, low, high) -> Callable[[], str]:
    """The number input ``key`` on ``path`` takes ``low`` to ``high``: the browser refuses anything else with
    Streamlit's own message and sends nothing (tests/browser/test_limits.py types such values)."""

    def run() -> str:
        at = design_with_edits() if path == DESIGN else open_page(path)
        widget = at.number_input(key=key)
        assert (widget.min, widget.max) == (low, high)
        return shown(at)

    return run


def set_number(key: str, value) -> Callable[[AppTest], object]:
    return lambda at: at.number_input(key=key).set_value(value).run()


def upload(key: str, name: str, content: bytes) -> Callable[[AppTest], object]:
    mime = "text/csv" if name.endswith(".csv") else "application/json"
    return lambda at: at.file_uploader(key=key).set_value((name, content, mime)).run()


def upload_csv(name: str, content: bytes) -> Callable[[AppTest], object]:
    def act(at: AppTest):
        at.selectbox(key=design_ui.DATASET).select("csv").run()
        return upload(design_ui.CSV_UPLOAD, name, content)(at)

    return act


def network_file(**changes) -> bytes:
    """The XOR preset's network file with some fields changed (None deletes a field)."""
    doc = netfile.to_dict(PRESETS["xor"].network())
    for key, value in changes.items():
        doc[key] = value
    return json.dumps(doc).encode()


def oversized_upload() -> str:
    """The server takes uploads up to 5 MB (the browser refuses bigger files before sending them); should a
    100 MB CSV reach the page anyway, it is refused and the data stays."""
    with open(ROOT / ".streamlit" / "config.toml", "rb") as f:
        assert tomllib.load(f)["server"]["maxUploadSize"] == 5
    return _kept(upload_csv("big.csv", HUNDRED_MB_CSV))()


def edit_cell(k: int, column: str, value) -> Callable[[AppTest], object]:
    """Type ``value`` into row 1, ``column`` of weight table W[k] (None: an emptied cell)."""

    def act(at: AppTest):
        key = design_ui.weights_key(k, at.session_state[state.SHARED].version)
        at.session_state[key] = {"edited_rows": {0: {column: value}}, "added_rows": [], "deleted_rows": []}
        return at.run()

    return act


def typed_sample(text: str) -> Callable[[], str]:
    """The Step page, x typed by hand: the last valid sample stays on screen."""

    def run() -> str:
        at = open_page(STEP)
        at.button_group(key=step_sample.SOURCE).set_value("manual").run()
        before = at.session_state[state.STEP].manual
        at.text_input(key=step_sample.X).set_value(text).run()
        assert not at.exception and at.session_state[state.STEP].manual == before
        return shown(at)

    return run


def rates(text: str) -> Callable[[], str]:
    """The Train page's learning-rate comparison: nothing is compared, the run settings stay."""

    def run() -> str:
        at = open_page(TRAIN)
        before = what_the_user_has(at), at.session_state[state.SHARED].train
        at.text_input(key=train_ui.RATES).set_value(text).run()
        at.button(key=train_ui.COMPARE).click().run()
        assert not at.exception and at.session_state[state.TRAIN].comparison is None
        assert (what_the_user_has(at), at.session_state[state.SHARED].train) == before
        return shown(at)

    return run


def diverges(rate_key: str, rate: float) -> Callable[[], str]:
    """Train with learning rate ``rate`` set through ``rate_key``: the run stops at the divergence and keeps
    the last finite network."""

    def run() -> str:
        at = open_page(DESIGN if rate_key == design_ui.LR else TRAIN)
        at.number_input(key=rate_key).set_value(rate).run()
        at.switch_page(TRAIN).run()
        at.button(key=train_ui.START).click().run()
        for _ in range(50):
            if not at.session_state[state.TRAIN].run.running:
                break
            at.run()
        run_ = at.session_state[state.TRAIN].run
        assert not at.exception and run_.divergence is not None and run_.net.is_finite()
        return shown(at)

    return run


def link(**params) -> Callable[[], str]:
    """A new session opened from a tampered share link: the default network, and a warning."""

    def run() -> str:
        query = {k: v for k, v in {**_good_link(), **params}.items() if v is not None}
        at = open_page("app.py", query=query)
        default = PRESETS[state.DEFAULT_PRESET]
        shared = at.session_state[state.SHARED]
        assert shared.net.spec == default.spec and shared.data == default.data
        return shown(at)

    return run


def _good_link() -> dict:
    from bpviz.io.sharelink import Lesson, encode

    return encode(Lesson(PRESETS["worked"].network(), PRESETS["worked"].data))


def cli(*args: str, files: dict[str, bytes] | None = None) -> Callable[[], str]:
    """``python -m bpviz`` with files written to a temporary folder: exit status 2, one line on stderr."""

    def run(tmp_path=None) -> str:
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            for name, content in (files or {}).items():
                with open(f"{folder}/{name}", "wb") as f:
                    f.write(content)
            argv = [a.replace("{dir}", folder) for a in args]
            out = subprocess.run([sys.executable, "-m", "bpviz", *argv], cwd=ROOT, capture_output=True, text=True)
        assert out.returncode == 2 and out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
        return out.stderr.strip()

    return run


def captions_after(act: Callable[[AppTest], object], page: str = STEP) -> Callable[[], str]:
    """Do ``act`` on the Design page, then open ``page``: its messages and captions as the user reads them."""

    def run() -> str:
        at = open_page(DESIGN)
        act(at)
        at.switch_page(page).run()
        assert not at.exception, at.exception
        return "\n".join([shown(at), *(c.value for c in at.caption)])

    return run


def start_training(query: dict) -> Callable[[], str]:
    """A session opened from a link with ``query`` presses Start on the Train page: nothing starts."""

    def run() -> str:
        at = open_page(TRAIN, query=query)
        at.button(key=train_ui.START).click().run()
        assert not at.exception and at.session_state[state.TRAIN].run is None
        return shown(at)

    return run


def huge_network(value: float = 1e308) -> Network:
    """A 2-2-1 ReLU → linear network whose every weight is ``value`` (biases 0)."""
    spec = NetworkSpec((2, 2, 1), ("relu", "linear"))
    return Network.from_arrays(spec, [np.full((2, 2), value), np.full((1, 2), value)], [np.zeros(2), np.zeros(1)])


XOR_FILE = netfile.dumps(PRESETS["xor"].network()).encode()
HUNDRED_MB_CSV = b"f1,f2,label\n" + b"0.5,1.5,a\n" * 10_000_000
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256))
NAN_WEIGHT = XOR_FILE.replace(repr(float(PRESETS["xor"].network().W[0][0, 0])).encode(), b"NaN", 1)
FIVE_INPUTS = netfile.dumps(Network.initialise(NetworkSpec((5, 3, 1), ("tanh", "sigmoid")))).encode()
WORKED_222_FILE = netfile.dumps(PRESETS["worked"].network()).encode()
SPIRAL_FILE = netfile.dumps(PRESETS["spiral"].network()).encode()
BIG_FILE = netfile.dumps(huge_network()).encode()
FIRST_WEIGHT = repr(float(PRESETS["xor"].network().W[0][0, 0])).encode()
PAST = "went past the largest number float64 holds (1.8e+308)"
PHISH = "[Session expired - click here to log in again](https://example.com/phish)"
HUGE_LINK = {"net": "2-2-1", "act": "relu.lin", "w": "_".join(["1e300"] * 4 + ["0", "0"] + ["1e300"] * 2 + ["0"]),
             "data": "xor", "sample": "3", "stage": "5"}  # fmt: skip


@dataclass(frozen=True)
class Case:
    """One row of the README table: the input, where it was tried, what the user sees there (``message``,
    quoted; ``note`` adds plain words), and ``run``, which tries it and returns what was shown."""

    input: str
    where: str
    message: str
    run: Callable[[], str]
    note: str = ""
    in_browser: bool = False  # Streamlit's front end shows the message; tests/browser/test_limits.py checks it

    @property
    def row(self) -> str:
        see = f"“{self.message}”" + (f" {self.note}" if self.note else "")
        return f"| {self.input} | {self.where} | {see} |"


NEURONS_RANGE = "Number is outside the allowed range. Please enter a value between 1 and 4096."
NOT_APPLIED = "Not applied: {}. The network keeps its last valid settings."
IMPORT = "Could not import {}: {}. Your network is unchanged."
LINK = "This share link could not be opened ({}), so the default network is shown."
CSV_ROWS = b"f1,f2,label\n0,0,a\n0,1,b\n1,0,b\n1,1,a\n"

CASES = [
    # layer sizes
    Case(
        "0 neurons in a hidden layer",
        "Design, Neurons",
        NEURONS_RANGE,
        bounds(DESIGN, design_ui.layer_key("units", 1), 1, 4096),
        "(the network keeps its size)",
        True,
    ),
    Case(
        "−3 neurons in a hidden layer",
        "Design, Neurons",
        NEURONS_RANGE,
        bounds(DESIGN, design_ui.layer_key("units", 1), 1, 4096),
        "",
        True,
    ),
    Case(
        "5,000 neurons in a hidden layer",
        "Design, Neurons",
        NEURONS_RANGE,
        bounds(DESIGN, design_ui.layer_key("units", 1), 1, 4096),
        "",
        True,
    ),
    Case(
        "two hidden layers of 4,096 neurons",
        "Design, Neurons",
        NOT_APPLIED.format("16,789,504 weights; at most 1,000,000 are allowed (digits 64-32-16-10 has 2,688)"),
        two_wide_layers,
    ),
    Case(
        "a network file with a layer of 0 neurons",
        "Design, Import a network file",
        IMPORT.format("zero.json", "layers: layer 1 has 0 neurons; every layer needs a whole number ≥ 1"),
        _kept(upload(design_ui.NET_UPLOAD, "zero.json", network_file(layers=[2, 0, 1]))),
    ),
    Case(
        "a network file with a layer of −3 neurons",
        "Design, Import a network file",
        IMPORT.format("negative.json", "layers: layer 1 has -3 neurons; every layer needs a whole number ≥ 1"),
        _kept(upload(design_ui.NET_UPLOAD, "negative.json", network_file(layers=[2, -3, 1]))),
    ),
    Case(
        "a network file with a layer of 100,000 neurons",
        "Design, Import a network file",
        IMPORT.format("huge.json", "layers: layer 1 has 100000 neurons; at most 4096 are allowed"),
        _kept(upload(design_ui.NET_UPLOAD, "huge.json", network_file(layers=[2, 100_000, 1]))),
    ),
    Case(
        "a share link with `net=2-0-1`",
        "any page, opened from the link",
        LINK.format("layers: layer 1 has 0 neurons; every layer needs a whole number ≥ 1"),
        link(net="2-0-1", act="sig.sig"),
    ),
    # learning rate
    Case(
        "learning rate 0",
        "Design, Learning rate η",
        NOT_APPLIED.format("0.0 is not a positive finite number"),
        _kept(set_number(design_ui.LR, 0.0)),
    ),
    Case(
        "learning rate −0.5",
        "Design, Learning rate η",
        NOT_APPLIED.format("-0.5 is not a positive finite number"),
        _kept(set_number(design_ui.LR, -0.5)),
    ),
    Case(
        "learning rate 1e6, then Start",
        "Design, then Train",
        "Training diverged at epoch 1: a weight grew to 1.28e+05 (beyond ±10000). Kept the starting network, "
        "the last one before it blew up. η = 1e+06 is far above the rates that train networks like this with SGD "
        "(0.001 to 1): start from η = 0.1.",
        diverges(design_ui.LR, 1e6),
    ),
    Case(
        "learning rate 0 or 2,000,000",
        "Train, Learning rate η",
        "Number is outside the allowed range. Please enter a value between 0.000001 and 1000000.",
        bounds(TRAIN, train_ui.LR, 1e-6, 1e6),
        "",
        True,
    ),
    Case(
        "learning rate NaN", "Train, rates to compare", "rates: nan is not a positive finite number", rates("0.1, nan")
    ),
    Case(
        "learning rates 0 and −1", "Train, rates to compare", "rates: 0 is not a positive finite number", rates("0, -1")
    ),
    Case(
        'a network file with `"learning_rate": NaN`',
        "Design, Import a network file",
        IMPORT.format("nan_rate.json", "file: NaN is not allowed in a network file"),
        _kept(
            upload(design_ui.NET_UPLOAD, "nan_rate.json", network_file(learning_rate=0.5).replace(b"0.5", b"NaN"))
        ),
    ),
    Case(
        "a share link with `lr=nan`",
        "any page, opened from the link",
        LINK.format("lr: 'nan' is not a finite number"),
        link(lr="nan"),
    ),
    Case(
        "a share link with `lr=0`",
        "any page, opened from the link",
        LINK.format("learning_rate: 0.0 is not a positive finite number"),
        link(lr="0"),
    ),
    Case(
        "`--lr nan`",
        "command line, `python -m bpviz train`",
        "error: learning_rate: nan is not a positive finite number",
        cli("train", "{dir}/xor.json", "--data", "xor", "--lr", "nan", files={"xor.json": XOR_FILE}),
    ),
    # uploads: size and kind
    Case(
        "an empty CSV file (0 bytes)",
        "Design, CSV file",
        NOT_APPLIED.format("the file is empty"),
        _kept(upload_csv("empty.csv", b"")),
    ),
    Case(
        "an empty network file (0 bytes)",
        "Design, Import a network file",
        IMPORT.format("empty.json", "file: not valid JSON (the file is empty)"),
        _kept(upload(design_ui.NET_UPLOAD, "empty.json", b"")),
    ),
    Case(
        "a 100 MB file",
        "Design, either uploader",
        "File must be 5.0MB or smaller.",
        oversized_upload,
        "(`server.maxUploadSize = 5` in `.streamlit/config.toml`: the file never reaches the app)",
        True,
    ),
    Case(
        "a 100 MB network file",
        "command line, `python -m bpviz step`",
        "error: file: larger than 40 MB",
        cli("step", "{dir}/big.json", "--x", "0,0", "--y", "0", files={"big.json": b" " * 100_000_000}),
    ),
    Case(
        "a 100 MB CSV file (10 million rows)",
        "command line, `python -m bpviz train`",
        "error: csv: more than 100,000 rows",
        cli(
            "train",
            "{dir}/xor.json",
            "--data",
            "{dir}/big.csv",
            files={"xor.json": XOR_FILE, "big.csv": HUNDRED_MB_CSV},
        ),
    ),
    Case(
        "a PNG picture as the CSV file",
        "Design, CSV file",
        NOT_APPLIED.format("the file is not UTF-8 text"),
        _kept(upload_csv("picture.csv", PNG)),
    ),
    Case(
        "a PNG picture as the network file",
        "Design, Import a network file",
        IMPORT.format("picture.json", "file: not valid JSON (the file is not UTF-8 text)"),
        _kept(upload(design_ui.NET_UPLOAD, "picture.json", PNG)),
    ),
    Case(
        "broken JSON",
        "Design, Import a network file",
        IMPORT.format("broken.json", "file: not valid JSON (line 1, column 28: expected a comma)"),
        _kept(upload(design_ui.NET_UPLOAD, "broken.json", b'{"format": "bpviz-network" "version": 1}')),
    ),
    # CSV contents
    Case(
        "a CSV with text in a feature column",
        "Design, CSV file",
        NOT_APPLIED.format("feature column 'f2', row 3: 'high' is not a finite number"),
        _kept(upload_csv("text.csv", CSV_ROWS.replace(b"0,1,b", b"0,high,b"))),
    ),
    Case(
        "a CSV without a label or target column",
        "Design, CSV file",
        NOT_APPLIED.format("needs a 'label' column (classification) or 'target' column(s) (regression)"),
        _kept(upload_csv("nolabel.csv", CSV_ROWS.replace(b"label", b"class"))),
    ),
    Case(
        "a CSV with a missing label",
        "Design, CSV file",
        NOT_APPLIED.format("the label column is empty in row 3"),
        _kept(upload_csv("gap.csv", CSV_ROWS.replace(b"0,1,b", b"0,1,"))),
    ),
    Case(
        "a CSV with a single class",
        "Design, CSV file",
        NOT_APPLIED.format("the label column has a single class; need at least 2"),
        _kept(upload_csv("one.csv", CSV_ROWS.replace(b",b", b",a"))),
    ),
    Case(
        "a CSV with a row of the wrong length",
        "Design, CSV file",
        NOT_APPLIED.format("could not read the file as CSV (line 4 has 4 fields, the header has 3)"),
        _kept(upload_csv("ragged.csv", CSV_ROWS.replace(b"1,0,b", b"1,0,9,b"))),
    ),
    # feature counts that do not match
    Case(
        "a network file with 5 inputs",
        "Design, Import a network file",
        IMPORT.format(
            "five.json",
            "layers: no dataset here has 5 input(s) and 1 output(s); upload a CSV file with 5 feature "
            "column(s) first, then import the network again",
        ),
        _kept(upload(design_ui.NET_UPLOAD, "five.json", FIVE_INPUTS)),
    ),
    Case(
        "3 numbers for a 2-input network",
        "Step, x typed by hand",
        "x: expected 2 numbers, got 3 — still showing the last sample that was valid.",
        typed_sample("1, 2, 3"),
    ),
    Case(
        "NaN typed as an input",
        "Step, x typed by hand",
        "x: every value must be a finite number — still showing the last sample that was valid.",
        typed_sample("nan, 1"),
    ),
    Case(
        "a CSV with 3 features for a 2-input network",
        "command line, `python -m bpviz train`",
        "error: data: 3 features but the network has 2 inputs",
        cli(
            "train",
            "{dir}/xor.json",
            "--data",
            "{dir}/three.csv",
            files={"xor.json": XOR_FILE, "three.csv": b"a,b,c,label\n1,2,3,x\n2,3,4,y\n"},
        ),
    ),
    # network files with wrong contents
    Case(
        "weights of the wrong shape",
        "Design, Import a network file",
        IMPORT.format("shape.json", "weights: entry 0 has shape (2, 3), expected (2, 2)"),
        _kept(upload(design_ui.NET_UPLOAD, "shape.json", network_file(weights=[[[1, 2, 3], [4, 5, 6]], [[1, 2]]]))),
    ),
    Case(
        "a NaN weight",
        "Design, Import a network file",
        IMPORT.format("nan.json", "file: NaN is not allowed in a network file"),
        _kept(upload(design_ui.NET_UPLOAD, "nan.json", NAN_WEIGHT)),
    ),
    Case(
        "an infinite weight (1e999)",
        "Design, Import a network file",
        IMPORT.format("inf.json", "weights: entry 0 holds a NaN or infinite value"),
        _kept(upload(design_ui.NET_UPLOAD, "inf.json", NAN_WEIGHT.replace(b"NaN", b"1e999"))),
    ),
    Case(
        "an empty weight cell",
        "Design, weight table",
        "Not applied: layer 1, row h1_1, column x1: enter a finite number. The network keeps its last valid weights.",
        _kept(edit_cell(0, "x1", None)),
    ),
    # tampered share links
    Case(
        "a share link with an unknown activation",
        "any page, opened from the link",
        LINK.format("act: unknown activation code 'swish'; use sig, tanh, relu, lrelu, lin, smax"),
        link(act="sig.swish"),
    ),
    Case(
        "a share link with 3 weights for a 2-2-2 network",
        "any page, opened from the link",
        LINK.format("w: 3 numbers for a net with 12 weights and biases"),
        link(w="1_2_3"),
    ),
    Case(
        "a share link whose network does not fit its data",
        "any page, opened from the link",
        LINK.format("net: a 3-2-2 network does not fit the 2-2-2 worked example (1 sample) data (2 inputs, 2 targets)"),
        link(net="3-2-2", w=None),
    ),
    Case(
        "a share link with `sample=5` of a 1-sample dataset",
        "any page, opened from the link",
        LINK.format("sample: 5 is not a sample index from 0 to 0"),
        link(sample="5"),
    ),
    Case(
        "a share link with `data=csv`",
        "any page, opened from the link",
        LINK.format("data: an uploaded CSV cannot travel in a link"),
        link(data="csv"),
    ),
    # found by the adversarial pass (CLI, links, uploads, numerics), one row per input and its class
    Case(
        "two `--x` of different lengths",
        "command line, `python -m bpviz step`",
        "error: x: sample 2 has 1 value(s); every sample needs 2",
        cli("step", "{dir}/m.json", "--x", "0.05,0.1", "--x", "0.05", "--y", "0.01,0.99", "--y", "0.01,0.99",
            files={"m.json": WORKED_222_FILE}),  # fmt: skip
    ),
    Case(
        "two `--y` of different lengths",
        "command line, `python -m bpviz step`",
        "error: y: sample 2 has 1 value(s); every sample needs 2",
        cli("step", "{dir}/m.json", "--x", "0.05,0.1", "--x", "0.05,0.1", "--y", "0.01,0.99", "--y", "0.01",
            files={"m.json": WORKED_222_FILE}),  # fmt: skip
    ),
    Case(
        "weights of 1e308 (ReLU → linear)",
        "command line, `python -m bpviz step`",
        f"error: z: layer 1, neuron 1 is inf: z⁽¹⁾ = W⁽¹⁾ a⁽⁰⁾ + b⁽¹⁾ {PAST}, from |W⁽¹⁾| up to 1e+308, |a⁽⁰⁾| "
        "up to 1 and |b⁽¹⁾| up to 0",
        cli("step", "{dir}/big.json", "--x", "1,1", "--y", "0", files={"big.json": BIG_FILE}),
        "(no JSON with NaN or Infinity, no NumPy warning: every command prints finite numbers or says which is not)",
    ),
    Case(
        "`--x 1e300,1e300` for the spiral net",
        "command line, `python -m bpviz step`",
        f"error: loss_after: the loss after the update is NaN (not a number: inf − inf or 0 · inf): the forward "
        f"pass with W⁺ {PAST}, from |W⁺| up to 1.89e+299 and |x| up to 1e+300",
        cli("step", "{dir}/s.json", "--x", "1e300,1e300", "--y", "1,0,0", files={"s.json": SPIRAL_FILE}),
    ),
    Case(
        "weights of 1e308, then train",
        "command line, `python -m bpviz train`",
        "error: network: cannot train from these weights: on training sample 1: layer 2, neuron 1 is inf: "
        f"z⁽²⁾ = W⁽²⁾ a⁽¹⁾ + b⁽²⁾ {PAST}, from |W⁽²⁾| up to 1e+308, |a⁽¹⁾| up to 1e+308 and |b⁽²⁾| up to 0. "
        "Use smaller weights or inputs",
        cli("train", "{dir}/big.json", "--data", "xor", files={"big.json": BIG_FILE}),
    ),
    Case(
        "a link to a 2-2-1 net of 1e300 weights (ReLU → linear), XOR sample 3",
        "Step, opened from the link",
        f"This sample cannot be stepped through: z: layer 2, neuron 1 is inf: z⁽²⁾ = W⁽²⁾ a⁽¹⁾ + b⁽²⁾ {PAST}, "
        "from |W⁽²⁾| up to 1e+300, |a⁽¹⁾| up to 2e+300 and |b⁽²⁾| up to 0",
        lambda: shown(open_page(STEP, query=HUGE_LINK)),
        "(no equation, table or diagram of inf or NaN)",
    ),
    Case(
        "the same link, then Start",
        "Train, Start",
        "network: cannot train from these weights: on training sample 1: layer 2, neuron 1 is inf: z⁽²⁾ = W⁽²⁾ "
        f"a⁽¹⁾ + b⁽²⁾ {PAST}, from |W⁽²⁾| up to 1e+300, |a⁽¹⁾| up to 1e+300 and |b⁽²⁾| up to 0. Use smaller "
        "weights or inputs",
        start_training(HUGE_LINK),
        "(not “lower the rate”: the weights are the cause)",
    ),
    Case(
        "`--out /nonexistent/dir/x.json`",
        "command line, `python -m bpviz train`",
        "error: out: cannot write /nonexistent/dir/x.json: the folder /nonexistent/dir does not exist",
        cli("train", "{dir}/xor.json", "--data", "xor", "--out", "/nonexistent/dir/x.json",
            files={"xor.json": XOR_FILE}),
        "(checked before training)",
    ),
    Case(
        "a network file named `[Session expired - click here to log in again](https://example.com/phish).json`",
        "Design, Import a network file",
        f"Imported {PHISH}.json: a 2-2-1 network with its weights.",
        lambda: shown(upload(design_ui.NET_UPLOAD, f"{PHISH}.json", XOR_FILE)(open_page(DESIGN))),
        "(as typed, no link: every file name, column name, label and value is escaped, tests/test_hostile_pages.py)",
    ),
    Case(
        "a network file whose `format` is a Markdown image",
        "Design, Import a network file",
        IMPORT.format("image.json", "format: expected 'bpviz-network', got '![p](http://127.0.0.1:9/x.png)'"),
        _kept(upload(design_ui.NET_UPLOAD, "image.json", network_file(format="![p](http://127.0.0.1:9/x.png)"))),
        "(as typed: no image, so the browser requests nothing)",
    ),
    Case(
        "a CSV label `[x](javascript:alert(1))`",
        "Step, the sample's caption",
        "class [x](javascript:alert(1))",
        captions_after(upload_csv("labels.csv", b"f1,f2,label\n0,0,[x](javascript:alert(1))\n1,1,b\n")),
        "(as typed, no link)",
    ),
    Case(
        "learning rate 5e6",
        "Design, Learning rate η",
        NOT_APPLIED.format("5000000.0 is outside the learning rates allowed, 1e-06 to 1e+06"),
        _kept(set_number(design_ui.LR, 5e6)),
    ),
    Case(
        "a share link with `lr=2000000`",
        "any page, opened from the link",
        LINK.format("learning_rate: 2000000.0 is outside the learning rates allowed, 1e-06 to 1e+06"),
        link(lr="2000000"),
        "(the Train field's range is the same: 0.000001 to 1000000)",
    ),
    Case(
        "a share link with `lr=1e-9`",
        "any page, opened from the link",
        LINK.format("learning_rate: 1e-09 is outside the learning rates allowed, 1e-06 to 1e+06"),
        link(lr="1e-9"),
    ),
    Case(
        "a network file with `\"learning_rate\": 5e6`",
        "Design, Import a network file",
        IMPORT.format("fast.json", "learning_rate: 5000000.0 is outside the learning rates allowed, 1e-06 to 1e+06"),
        _kept(upload(design_ui.NET_UPLOAD, "fast.json", network_file(learning_rate=5e6))),
    ),
    Case(
        "`--lr 2e6`",
        "command line, `python -m bpviz train`",
        "error: learning_rate: 2000000.0 is outside the learning rates allowed, 1e-06 to 1e+06",
        cli("train", "{dir}/xor.json", "--data", "xor", "--lr", "2e6", files={"xor.json": XOR_FILE}),
    ),
    Case(
        "learning rates 0.1 and 2e6",
        "Train, rates to compare",
        "rates: 2000000.0 is outside the learning rates allowed, 1e-06 to 1e+06",
        rates("0.1, 2e6"),
    ),
    Case(
        "`--momentum 0.995`",
        "command line, `python -m bpviz train`",
        "error: momentum: 0.995; choose μ from 0 to 0.99",
        cli("train", "{dir}/xor.json", "--data", "xor", "--momentum", "0.995", files={"xor.json": XOR_FILE}),
        "(the Train field's range: 0 to 0.99)",
    ),
    Case(
        "`--optimizer adam --beta2 1.5`",
        "command line, `python -m bpviz train`",
        "error: beta2: 1.5; choose β₂ from 0 to 0.999999",
        cli("train", "{dir}/xor.json", "--data", "xor", "--optimizer", "adam", "--beta2", "1.5",
            files={"xor.json": XOR_FILE}),
        "(each hyper-parameter has the Train field's range)",
    ),
    Case(
        "`--l1 0.01 --l2 0.01`",
        "command line, `python -m bpviz step`",
        "error: regularisation: give --l1 or --l2, not both",
        cli("step", "{dir}/xor.json", "--x", "0,1", "--y", "1", "--l1", "0.01", "--l2", "0.01",
            files={"xor.json": XOR_FILE}),
    ),
    Case(
        "`--epochs 200000`",
        "command line, `python -m bpviz train`",
        "error: epochs: 200000; choose 1 to 100,000 epochs",
        cli("train", "{dir}/xor.json", "--data", "xor", "--epochs", "200000", files={"xor.json": XOR_FILE}),
        "(the Train field's range: 1 to 100,000)",
    ),
    Case(
        "a CSV target cell `NaN`",
        "Design, CSV file",
        NOT_APPLIED.format("target column 'target', row 3: 'NaN' is not a finite number"),
        _kept(upload_csv("nan.csv", b"f1,f2,target\n0,0,1\n0,1,NaN\n")),
        "(named as typed; an empty cell is “an empty cell”)",
    ),
    Case(
        "a CSV header naming a column twice",
        "Design, CSV file",
        NOT_APPLIED.format("the column name 'f' appears more than once in the header"),
        _kept(upload_csv("twice.csv", b"f,f,label\n1,2,a\n3,4,b\n")),
    ),
    Case(
        "`true` as a weight",
        "Design, Import a network file",
        IMPORT.format("true.json", "weights: entry 0 holds true or false where a number belongs"),
        _kept(upload(design_ui.NET_UPLOAD, "true.json", XOR_FILE.replace(FIRST_WEIGHT, b"true", 1))),
    ),
    Case(
        "a network file with a key given twice",
        "Design, Import a network file",
        IMPORT.format("twice.json", "file: the key 'seed' appears more than once"),
        _kept(upload(design_ui.NET_UPLOAD, "twice.json", XOR_FILE.replace(b'"seed":', b'"seed": 1, "seed":', 1))),
    ),
    Case(
        "a share link with `lr` given twice",
        "any page, opened from the link",
        LINK.format("lr: appears 2 times in the link; keep one"),
        link(lr=["0.5", "2"]),
    ),
    Case(
        "a share link with a 401-digit seed",
        "any page, opened from the link",
        LINK.format("seed: '" + "9" * 39 + "… is not a whole number"),
        link(seed="9" * 401),
        "(any value a message quotes is cut at 40 characters)",
    ),
]


README_TABLE = "\n".join(["| Bad input | Where | What you see |", "|---|---|---|", *(case.row for case in CASES)])


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.input)
def test_a_bad_input_is_explained_and_keeps_what_the_user_had(case):
    seen = case.run()
    if not case.in_browser:  # else Streamlit's front end says it: tests/browser/test_limits.py
        assert case.message in seen, seen


def test_the_readme_table_lists_exactly_these_cases():
    """README.md's table is ``README_TABLE`` (print it with ``python tests/test_bad_input.py``)."""
    readme = (ROOT / "README.md").read_text()
    assert README_HEADING in readme
    section = readme.split(README_HEADING, 1)[1].split("\n## ", 1)[0]
    assert README_TABLE in section


# --- regressions ------------------------------------------------------------------------------------
def test_a_test_fraction_the_engine_accepts_fits_the_train_pages_slider():
    """Design allowed a test fraction of 0.99 and the Train page's slider stopped at 90 %: opening Train
    then raised StreamlitValueAboveMaxError. Now the engine stops at MAX_TEST_FRACTION and both inputs with it."""
    at = open_page("pages/3_Train.py", data=DataSettings("moons", n=40, test_fraction=MAX_TEST_FRACTION))
    slider = at.slider(key=train_ui.SPLIT)
    assert slider.value == slider.max == round(100 * MAX_TEST_FRACTION)
    at.switch_page("pages/1_Design.py").run()
    assert at.number_input(key=design_ui.TEST_FRACTION).max == MAX_TEST_FRACTION and not at.exception
    with pytest.raises(BpvizError, match=r"test_fraction: 0\.95; choose from 0 to 0\.9"):
        DataSettings("moons", test_fraction=0.95)


@pytest.mark.parametrize(
    "csv",
    [b"a," * 2_500_000 + b"label\n1,x\n", b"a,b,label\n" + b"1," * 2_000_000 + b"x\n"],
    ids=["a 5 MB header", "a 4 MB row"],
)
def test_a_very_wide_csv_is_refused_at_once(csv):
    """pandas took minutes over a 5 MB CSV of one line with millions of columns (the upload limit lets it
    through): the column count is now checked before pandas reads anything."""
    start = time.perf_counter()
    with pytest.raises(BpvizError, match=rf"a line with [\d,]+ columns; at most {MAX_COLUMNS:,} are allowed"):
        read_csv(csv)
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize("name", ["xor", "circles", "moons", "spiral", "gaussians", "sine"])
def test_a_noise_of_minus_zero_draws_the_noiseless_data(name):
    """Typing "-0" as the noise gave -0.0, which passed the 0 ≤ noise check, and NumPy refused it as a scale
    ("scale < 0") inside the Design page's callback."""
    minus, plus = make_dataset(name, n=40, noise=-0.0), make_dataset(name, n=40, noise=0.0)
    np.testing.assert_array_equal(minus.X, plus.X)


def test_a_noise_of_minus_zero_on_the_design_page():
    at = open_page(DESIGN)
    at.selectbox(key=design_ui.DATASET).select("circles").run()
    at.number_input(key=design_ui.NOISE).set_value(-0.0).run()
    assert not at.exception and at.session_state[state.SHARED].data.noise == 0


@pytest.mark.parametrize(
    "text", ["[log in](https://example.org/x)", "https://a.bc", "**free**", "![](http://a.bc/x)", "$x$", "a`b"]
)
def test_a_share_link_is_quoted_as_plain_text(text):
    """A tampered link's warning quotes the link, which anyone may have written; Markdown in it rendered a
    clickable link, bold or a formula inside the app's own warning. Now it is escaped and reads as typed."""
    at = open_page("app.py", query={"net": text})
    (warning,) = at.warning
    assert live_parts(warning.proto.body) == [] and structure(warning.proto.body) == []
    assert f"'{text}'" in warning.value


def test_a_huge_cell_or_number_is_named_in_a_short_message():
    """A 5 MB cell was quoted whole in the error (a page of nines); a 5,000-digit number in a network file
    was reported with Python's advice to call sys.set_int_max_str_digits()."""
    with pytest.raises(BpvizError) as err:
        read_csv(b"a,label\n" + b"9" * 5_000_000 + b",x\n1,y\n")
    assert len(str(err.value)) < 120 and "'a', row 2: '9999" in str(err.value)
    with pytest.raises(BpvizError) as err:
        netfile.loads(b'{"layers": [' + b"9" * 5_000 + b"]}")
    assert str(err.value) == "file: not valid JSON (a number has thousands of digits)"


if __name__ == "__main__":
    print(README_TABLE)
