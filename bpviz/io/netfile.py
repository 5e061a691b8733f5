"""The network file: plain JSON, read with json.loads and validated field by field.

    {"format": "bpviz-network", "version": 1,
     "layers": [2, 2, 1], "activations": ["sigmoid", "sigmoid"],
     "loss": "half_sse", "reduction": "sum", "bias": "learned", "init": "normal_scaled",
     "seed": 0, "learning_rate": 0.5,
     "weights": [W1, W2],   # W[l] as nested lists, shape (neurons of layer l+1, neurons of layer l)
     "biases": [b1, b2],    # optional together with "weights": omitted, they come from init and seed
     "training": {"epochs": 300, "batch_size": 16,                        # optional: how it trains
                  "optimiser": {"name": "adam", "momentum": 0.9, "beta1": 0.9, "beta2": 0.999,
                                "rho": 0.99, "eps": 1e-08},
                  "penalty": {"kind": "l2", "rate": 0.001}},
     "data": {"name": "circles", "n": 300, "noise": 0.08, "classes": 3,  # optional: what it trains on
              "test_fraction": 0.2}}

Floats are written with Python's shortest round-trip repr, so save then load gives identical numbers.
``read`` gives the network with the training and data settings the file carries (None where it has none;
files written before they travelled have none); ``loads`` gives the network alone. An uploaded CSV's data
settings are never written (the file cannot carry the CSV).
"""

import json
import sys
from dataclasses import asdict, dataclass, fields

from bpviz.data.catalog import DataSettings
from bpviz.engine.errors import BpvizError
from bpviz.engine.network import Network
from bpviz.engine.optimisers import Optimiser, Penalty
from bpviz.engine.spec import SPEC_FIELDS, NetworkSpec
from bpviz.engine.training import TrainSettings

FORMAT = "bpviz-network"
VERSION = 1
MAX_FILE_BYTES = 40_000_000  # the largest network allowed (1,000,000 weights) writes about 26 MB
KEYS = ("format", "version", *SPEC_FIELDS, "weights", "biases", "training", "data")


@dataclass(frozen=True)
class Document:
    """What a network file holds: the network, and the training and data settings when it carries them."""

    net: Network
    train: TrainSettings | None = None
    data: DataSettings | None = None


def to_dict(
    net: Network, with_weights: bool = True, train: TrainSettings | None = None, data: DataSettings | None = None
) -> dict:
    """The file's JSON object for ``net`` (with ``train`` and ``data`` when given; an uploaded CSV's data
    settings are left out)."""
    s = net.spec
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "layers": list(s.layers),
        "activations": list(s.activations),
        "loss": s.loss,
        "reduction": s.reduction,
        "bias": s.bias,
        "init": s.init,
        "seed": s.seed,
        "learning_rate": s.learning_rate,
    }
    if with_weights:
        doc["weights"] = [w.tolist() for w in net.W]
        doc["biases"] = [b.tolist() for b in net.b]
    if train is not None:
        doc["training"] = asdict(train)
    if data is not None and data.name != "csv":
        doc["data"] = asdict(data)
    return doc


def dumps(
    net: Network, with_weights: bool = True, train: TrainSettings | None = None, data: DataSettings | None = None
) -> str:
    """The network file as text."""
    return json.dumps(to_dict(net, with_weights, train, data), indent=1)


def _reject_constant(name: str):
    raise BpvizError("file", f"{name} is not allowed in a network file")


def _object(pairs: list[tuple[str, object]]) -> dict:
    """A JSON object; a key given twice is refused (json.loads would keep the last one without a word)."""
    doc = {}
    for key, value in pairs:
        if key in doc:
            raise BpvizError("file", f"the key {key!r} appears more than once")
        doc[key] = value
    return doc


def from_dict(doc) -> Network:
    """A validated network from the file's JSON object (its training and data settings checked too)."""
    return document(doc).net


def document(doc) -> Document:
    """The validated network, training and data settings of the file's JSON object."""
    net = _network(doc)
    train = _record("training", doc.get("training"), _training)
    data = _record("data", doc.get("data"), _data)
    if data is not None and data.name == "csv":
        raise BpvizError("data", "an uploaded CSV cannot travel in a network file")
    return Document(net, train, data)


def _record(key: str, value, make):
    """``make(value)`` for an object under ``key`` (None when the file has none); its problems name ``key``."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise BpvizError(key, "must be a JSON object")
    try:
        return make(value)
    except TypeError as err:  # a value of the wrong kind where a record expected a number or text
        raise BpvizError(key, str(err)) from None


def _known(key: str, value: dict, record) -> dict:
    """``value`` when every key of it is a field of the dataclass ``record``; else BpvizError naming the first."""
    unknown = sorted(set(value) - {f.name for f in fields(record)})
    if unknown:
        raise BpvizError(key, f"unknown key(s): {', '.join(map(str, unknown))}")
    return value


def _data(value: dict) -> DataSettings:
    """Data settings from the file's object; its lists (the input features) as the tuples the settings hold."""
    d = _known("data", value, DataSettings)
    return DataSettings(**{k: tuple(v) if isinstance(v, list) else v for k, v in d.items()})


def _training(value: dict) -> TrainSettings:
    t = _known("training", value, TrainSettings)
    parts = {}
    for name, record in (("optimiser", Optimiser), ("penalty", Penalty)):
        part = t.get(name, {})
        if not isinstance(part, dict):
            raise BpvizError("training", f"{name} must be a JSON object")
        parts[name] = record(**_known(f"training.{name}", part, record))
    defaults = TrainSettings()
    return TrainSettings(t.get("epochs", defaults.epochs), t.get("batch_size", defaults.batch_size), **parts)


def _network(doc) -> Network:
    """The validated network of the file's JSON object."""
    if not isinstance(doc, dict):
        raise BpvizError("file", "a network file is a JSON object")
    if doc.get("format") != FORMAT:
        raise BpvizError("format", f"expected {FORMAT!r}, got {doc.get('format')!r}")
    if type(doc.get("version")) is not int or doc["version"] != VERSION:
        raise BpvizError("version", f"version {doc.get('version')!r} is not supported (this is version {VERSION})")
    unknown = sorted(set(doc) - set(KEYS))
    if unknown:
        raise BpvizError("file", f"unknown key(s): {', '.join(map(str, unknown))}")
    missing = [k for k in SPEC_FIELDS if k not in doc]
    if missing:
        raise BpvizError(missing[0], "missing from the file")
    if not isinstance(doc["layers"], list) or not isinstance(doc["activations"], list):
        raise BpvizError("layers", "layers and activations must be lists")
    try:
        spec = NetworkSpec(**{k: doc[k] for k in SPEC_FIELDS})
    except TypeError as err:
        raise BpvizError("file", str(err)) from None
    if ("weights" in doc) != ("biases" in doc):
        raise BpvizError("weights", "give both weights and biases, or neither")
    if "weights" not in doc:
        return Network.initialise(spec)
    if not isinstance(doc["weights"], list) or not isinstance(doc["biases"], list):
        raise BpvizError("weights", "weights and biases must be lists")
    return Network.from_arrays(spec, doc["weights"], doc["biases"])


def _parse_int(digits: str) -> int:
    """An integer of the file; one longer than Python converts is refused in our words, not int()'s."""
    limit = sys.get_int_max_str_digits()
    if limit and len(digits.lstrip("-")) > limit:
        raise BpvizError("file", "not valid JSON (a number has thousands of digits)")
    return int(digits)


# Our words for what json.loads found wrong, by the start of its message (CPython's words, which the page
# does not show). A message not listed is described by the text where parsing stopped.
_JSON_PROBLEMS = (
    ("Expecting value", "expected a value"),
    ("Expecting ',' delimiter", "expected a comma"),
    ("Expecting ':' delimiter", "expected a colon"),
    ("Expecting property name", "expected a key in double quotes"),
    ("Unterminated string", "a text in quotes is not closed"),
    ("Invalid control character", "a control character inside quotes"),
    ("Invalid \\", "a bad backslash escape"),
    ("Extra data", "more text after the JSON value"),
    ("Illegal trailing comma", "a comma before a closing bracket"),
)


def _json_problem(err: json.JSONDecodeError) -> str:
    """Where and what ``err`` found wrong, in our words: "line 1, column 28: expected a comma"."""
    what = next((ours for theirs, ours in _JSON_PROBLEMS if err.msg.startswith(theirs)), None)
    if what is None:
        rest = err.doc[err.pos : err.pos + 1]
        what = f"unexpected {rest!r}" if rest else "the text ends too early"
    return f"line {err.lineno}, column {err.colno}: {what}"


def loads(text: str | bytes) -> Network:
    """A validated network from the file's text; every problem is a BpvizError."""
    return read(text).net


def read(text: str | bytes) -> Document:
    """The validated network, training and data settings of the file's text; every problem is a BpvizError."""
    if len(text) > MAX_FILE_BYTES:
        raise BpvizError("file", f"larger than {MAX_FILE_BYTES // 1_000_000} MB")
    if not text.strip():
        raise BpvizError("file", "not valid JSON (the file is empty)")
    try:
        doc = json.loads(text, parse_constant=_reject_constant, parse_int=_parse_int, object_pairs_hook=_object)
    except BpvizError:
        raise
    except UnicodeDecodeError:  # a picture or an archive, say
        raise BpvizError("file", "not valid JSON (the file is not UTF-8 text)") from None
    except json.JSONDecodeError as err:
        raise BpvizError("file", f"not valid JSON ({_json_problem(err)})") from None
    except RecursionError:
        raise BpvizError("file", "not valid JSON (lists or objects nested too deeply)") from None
    except ValueError:  # none known besides those above; the promise is a BpvizError for any file
        raise BpvizError("file", "not valid JSON (the text could not be read)") from None
    return document(doc)
