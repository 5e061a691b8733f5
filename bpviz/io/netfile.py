"""The network file: plain JSON, read with json.loads and validated field by field.

    {"format": "bpviz-network", "version": 1,
     "layers": [2, 2, 1], "activations": ["sigmoid", "sigmoid"],
     "loss": "half_sse", "reduction": "sum", "bias": "learned", "init": "normal_scaled",
     "seed": 0, "learning_rate": 0.5,
     "weights": [W1, W2],   # W[l] as nested lists, shape (neurons of layer l+1, neurons of layer l)
     "biases": [b1, b2]}    # optional together with "weights": omitted, they come from init and seed

Floats are written with Python's shortest round-trip repr, so save then load gives identical numbers.
"""

import json
import sys

from bpviz.engine.errors import BpvizError
from bpviz.engine.network import Network
from bpviz.engine.spec import SPEC_FIELDS, NetworkSpec

FORMAT = "bpviz-network"
VERSION = 1
MAX_FILE_BYTES = 40_000_000  # the largest network allowed (1,000,000 weights) writes about 26 MB
KEYS = ("format", "version", *SPEC_FIELDS, "weights", "biases")


def to_dict(net: Network, with_weights: bool = True) -> dict:
    """The file's JSON object for ``net``."""
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
    return doc


def dumps(net: Network, with_weights: bool = True) -> str:
    """The network file as text."""
    return json.dumps(to_dict(net, with_weights), indent=1)


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
    """A validated network from the file's JSON object."""
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
    return from_dict(doc)
