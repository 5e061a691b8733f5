"""Share links: the state that defines a lesson, as short URL query parameters.

    net=2-2-2  act=sig.sig  loss=half_sse  red=sum  bias=frozen  init=uniform  seed=0  lr=0.5
    data=worked  n=1  noise=0  k=3  test=0  [feat=x1sq.x2sq  draw=3]  sample=0  [batch=3]  stage=3
    [ep=300  bs=16  opt=adam  mu=0.9  b1=0.9  b2=0.999  rho=0.99  eps=1e-08  reg=l2  lam=0.001]  [reveal=1]
    w=0.15_0.2_0.25_0.3_0.35_0.35_0.4_0.45_0.5_0.55_0.6_0.6   (hand-set or trained nets, ≤ 200 numbers)
    w=zmpmZmZmZsI_…                                          (201 to 1,000 numbers: packed float64)

``FIELDS`` is the one table of the keys: each row names the part of the lesson a key belongs
to, the attribute it holds and the ``Codec`` that writes it and reads it back; ``encode`` and
``decode`` both walk it, in its order. ``w`` lists W[0], b[0], W[1], b[1], … flattened row by
row (rows = receiving neurons); every number is in Python's shortest round-trip form, so a link
reproduces the numbers exactly. Past MAX_TEXT_NUMBERS numbers ``w`` is "z" and the little-endian float64
bytes in URL-safe base64 (about 10.7 characters a number, still exact), up to MAX_SHARED_NUMBERS, so a
whole link stays under about 12,000 characters: Streamlit's own server (uvicorn) took request lines of up to
128 KiB when measured, but proxies are stricter (nginx's default buffer for a request line is 8 KiB, and it
answers a longer one with 414), and a link is meant to be pasted into chats and slides. A bigger network
travels as the weights its seed draws (its network file carries the rest).

Keys left out take their defaults; the keys added after links were first shared (``feat``, the input
features, ``draw``, the data's draw number, ``batch``, the Step page's batch size, the training settings
``ep`` to ``lam``, and ``reveal=1``, the Step and Chain rule pages' predict-then-reveal mode) are left out at
their defaults (the raw inputs; draw 0; 1 sample; ``TrainSettings()``; off), so an older link re-encodes to its
own text and opens with them. ``decode`` validates everything and raises BpvizError on any tampered or stale
value.

The address bar holds a lesson's keys next to others the app keeps there
(``present=1`` for presentation mode): ``url_params`` merges them, ``link``
writes the URL to copy.
"""

import base64
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any
from urllib.parse import urlencode

import numpy as np

from bpviz.data.catalog import DataSettings
from bpviz.data.features import DEFAULT_FEATURES
from bpviz.data.samples import batch_rows
from bpviz.engine.activations import ACTIVATIONS
from bpviz.engine.errors import BpvizError
from bpviz.engine.network import Network
from bpviz.engine.optimisers import Optimiser, Penalty
from bpviz.engine.spec import NetworkSpec
from bpviz.engine.training import TrainSettings

MAX_TEXT_NUMBERS = 200  # up to this many, weights are written as text a reader can follow (w=0.15_0.2_…)
MAX_SHARED_NUMBERS = 1_000  # up to this many, packed: 8 bytes each in base64, 10,667 characters at most
PACKED = "z"  # starts a packed ``w`` (no number's text starts with it)
TRAIN_DEFAULTS = TrainSettings()
MAX_VALUE_CHARS = 12_000  # the longest value a link may hold: the packed weights of MAX_SHARED_NUMBERS numbers
MAX_STAGE = 1_000
PRESENT = "present"  # not a lesson key: "1" opens the pages in presentation mode


@dataclass(frozen=True)
class Lesson:
    """Everything a link reproduces; ``reveal``: the lesson asks for a prediction before each value."""

    net: Network
    data: DataSettings
    sample: int = 0
    stage: int = 0
    train: TrainSettings = TrainSettings()
    batch: int = 1
    reveal: bool = False


# ----------------------------------------------------------------------------- codecs


@dataclass(frozen=True)
class Codec:
    """How one value travels: ``write(value)`` gives its text, ``read(text, key)`` the value back, raising
    BpvizError naming ``key`` for text that is not of its type (choices and ranges are the spec's and the
    data settings' to check, with their own messages)."""

    write: Callable[[Any], str]
    read: Callable[[str, str], Any]


def _num(x: float) -> str:
    """Shortest text that reads back as exactly ``x`` ("0.5", "2", "1e-05")."""
    return repr(float(x)).removesuffix(".0")


def _int(text: str, key: str) -> int:
    digits = text.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()) or len(text) > 12:
        raise BpvizError(key, f"{text!r} is not a whole number")
    return int(text)


def _flag(text: str, key: str) -> bool:
    if text not in ("0", "1"):
        raise BpvizError(key, f"{text[:20]!r} is not 1 (on) or 0 (off)")
    return text == "1"


def _float(text: str, key: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise BpvizError(key, f"{text!r} is not a number") from None
    if not np.isfinite(value):
        raise BpvizError(key, f"{text!r} is not a finite number")
    return value


def _layers(text: str, key: str) -> tuple[int, ...]:
    parts = text.split("-")
    if len(parts) > 12 or not all(p.isascii() and p.isdigit() and len(p) <= 5 for p in parts):
        raise BpvizError(key, f"{text[:40]!r} is not a list of layer sizes like 2-3-1")
    return tuple(int(p) for p in parts)


def _activations(text: str, key: str) -> tuple[str, ...]:
    """Activation names from their link codes joined by "." (the codes of the registry as it is now)."""
    names = {act.code: name for name, act in ACTIVATIONS.items()}
    unknown = [a for a in text.split(".") if a not in names]
    if unknown:
        raise BpvizError(key, f"unknown activation code {unknown[0][:20]!r}; use {', '.join(names)}")
    return tuple(names[a] for a in text.split("."))


def numbers_written(spec: NetworkSpec) -> int:
    """How many numbers a link's ``w`` holds for ``spec``: every weight and every bias (0 in mode 'none')."""
    return sum(r * c + r for r, c in spec.shapes)


def _write_weights(net: Network) -> str:
    values = [v for w, b in zip(net.W, net.b) for v in (*w.ravel(), *b)]
    if len(values) <= MAX_TEXT_NUMBERS:
        return "_".join(_num(v) for v in values)
    return PACKED + base64.urlsafe_b64encode(np.asarray(values, dtype="<f8").tobytes()).decode("ascii").rstrip("=")


def _read_weights(text: str, key: str) -> list[float]:
    """The numbers of ``w``: text joined by "_", or packed (see the module docstring)."""
    if not text.startswith(PACKED):
        return [_float(v, key) for v in text.split("_")]
    body = text[len(PACKED) :].rstrip("=")  # the padding is left out, but a copied one is fine
    if not re.fullmatch(r"[A-Za-z0-9_-]*", body) or len(body) % 4 == 1:
        raise BpvizError(key, "the packed weights are not URL-safe base64")
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    if len(raw) % 8:
        raise BpvizError(key, f"the packed weights are {len(raw)} bytes, not 8 a number")
    return np.frombuffer(raw, dtype="<f8").tolist()


TEXT = Codec(str, lambda text, key: text)
WHOLE = Codec(str, _int)
NUMBER = Codec(_num, _float)
FLAG = Codec(lambda on: "1" if on else "0", _flag)
LAYERS = Codec(lambda layers: "-".join(map(str, layers)), _layers)
ACTIVATION_CODES = Codec(lambda names: ".".join(ACTIVATIONS[a].code for a in names), _activations)
WEIGHTS = Codec(_write_weights, _read_weights)
KEYS_JOINED = Codec(".".join, lambda text, key: tuple(text.split(".")))  # the data settings check each key


# ----------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Field:
    """One query key: the ``part`` of the lesson it belongs to ("spec": the NetworkSpec, "data": the
    DataSettings, "step": the Step page's sample and stage, "train": the TrainSettings, "mode": how the lesson
    is taught, "net": the network's W and b), the ``attr`` of that part it holds ("optimiser.name": a field of
    a field; None for "net": all of W and b) and its ``codec``; at the value ``left_out`` (when not None) the
    key is left out of a link."""

    key: str
    part: str
    attr: str | None
    codec: Codec
    left_out: Any = None


def _train_field(key: str, attr: str, codec: Codec) -> Field:
    """A training setting's key, left out of a link at its default (``TrainSettings()``'s)."""
    return Field(key, "train", attr, codec, attrgetter(attr)(TRAIN_DEFAULTS))


FIELDS = (
    Field("net", "spec", "layers", LAYERS),
    Field("act", "spec", "activations", ACTIVATION_CODES),
    Field("loss", "spec", "loss", TEXT),
    Field("red", "spec", "reduction", TEXT),
    Field("bias", "spec", "bias", TEXT),
    Field("init", "spec", "init", TEXT),
    Field("seed", "spec", "seed", WHOLE),
    Field("lr", "spec", "learning_rate", NUMBER),
    Field("data", "data", "name", TEXT),
    Field("n", "data", "n", WHOLE),
    Field("noise", "data", "noise", NUMBER),
    Field("k", "data", "classes", WHOLE),
    Field("test", "data", "test_fraction", NUMBER),
    Field("feat", "data", "features", KEYS_JOINED, DEFAULT_FEATURES),
    Field("draw", "data", "draw", WHOLE, 0),
    Field("sample", "step", "sample", WHOLE),
    Field("batch", "step", "batch", WHOLE, 1),
    Field("stage", "step", "stage", WHOLE),
    _train_field("ep", "epochs", WHOLE),
    _train_field("bs", "batch_size", WHOLE),
    _train_field("opt", "optimiser.name", TEXT),
    _train_field("mu", "optimiser.momentum", NUMBER),
    _train_field("b1", "optimiser.beta1", NUMBER),
    _train_field("b2", "optimiser.beta2", NUMBER),
    _train_field("rho", "optimiser.rho", NUMBER),
    _train_field("eps", "optimiser.eps", NUMBER),
    _train_field("reg", "penalty.kind", TEXT),
    _train_field("lam", "penalty.rate", NUMBER),
    Field("reveal", "mode", "reveal", FLAG, False),
    Field("w", "net", None, WEIGHTS),  # only for hand-set nets of up to MAX_SHARED_NUMBERS numbers
)
KEYS = tuple(f.key for f in FIELDS)
WEIGHTS_FIELD = FIELDS[-1]


# ----------------------------------------------------------------------------- both directions


def encode(lesson: Lesson) -> dict[str, str]:
    """Query parameters for ``lesson``, in FIELDS' order; hand-set weights go in ``w`` when the net is small
    enough."""
    net, data = lesson.net, lesson.data
    if data.name == "csv":
        raise BpvizError("dataset", "an uploaded CSV cannot travel in a link; share a built-in dataset")
    parts = {"spec": net.spec, "data": data, "step": lesson, "train": lesson.train, "mode": lesson}
    values = {f: attrgetter(f.attr)(parts[f.part]) for f in FIELDS if f.part in parts}
    params = {f.key: f.codec.write(v) for f, v in values.items() if f.left_out is None or v != f.left_out}
    if numbers_written(net.spec) <= MAX_SHARED_NUMBERS and _hand_set(net):
        params[WEIGHTS_FIELD.key] = WEIGHTS_FIELD.codec.write(net)
    return params


def _hand_set(net: Network) -> bool:
    """True when ``net``'s weights are not the ones its spec draws (set by hand, imported or trained)."""
    fresh = Network.initialise(net.spec)
    return any(not np.array_equal(p, q) for p, q in zip((*net.W, *net.b), (*fresh.W, *fresh.b)))


def _read(params: Mapping[str, str], part: str, default) -> dict[str, Any]:
    """Every attribute of ``part``: read by its field's codec where ``params`` has the key, else ``default``'s
    (a dotted attribute keeps its dots: {"optimiser.name": "adam"})."""
    values = {}
    for f in FIELDS:
        if f.part == part:
            values[f.attr] = f.codec.read(params[f.key], f.key) if f.key in params else attrgetter(f.attr)(default)
    return values


def _train(params: Mapping[str, str]) -> TrainSettings:
    """The training settings of a link, each left out as in ``TrainSettings()``, validated by their records."""
    values = _read(params, "train", TRAIN_DEFAULTS)
    nested = {part: {k.split(".")[1]: v for k, v in values.items() if k.startswith(part + ".")}
              for part in ("optimiser", "penalty")}  # fmt: skip
    return TrainSettings(
        values["epochs"], values["batch_size"], Optimiser(**nested["optimiser"]), Penalty(**nested["penalty"])
    )


def one_value_each(query: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """A link's query with one value per key, from every value each key was given: a lesson key given twice
    (``lr=0.5&lr=2``) is refused, never resolved by keeping one of them."""
    for key, values in query.items():
        if key in KEYS and len(values) > 1:
            raise BpvizError(key, f"appears {len(values)} times in the link; keep one")
    return {key: values[-1] for key, values in query.items() if values}


def decode(params: Mapping[str, str], default: Lesson) -> Lesson:
    """The lesson a link describes; keys it leaves out come from ``default`` (sample and stage from 0).
    Raises BpvizError. The parts are read and checked in turn: spec, data, weights, sample and stage, training,
    predict-then-reveal."""
    for key, value in params.items():
        if len(str(value)) > MAX_VALUE_CHARS:
            raise BpvizError(key, f"longer than {MAX_VALUE_CHARS} characters")
    spec_values = _read(params, "spec", default.net.spec)
    layers = spec_values["layers"]
    if "act" not in params and len(spec_values["activations"]) != len(layers) - 1:
        spec_values["activations"] = ("sigmoid",) * (len(layers) - 1)  # the default's do not fit these layers
    spec = NetworkSpec(**spec_values)
    data = DataSettings(**_read(params, "data", default.data))
    if data.name == "csv":
        raise BpvizError("data", "an uploaded CSV cannot travel in a link")
    net = Network.initialise(spec) if WEIGHTS_FIELD.key not in params else _weights(spec, params[WEIGHTS_FIELD.key])
    step = _read(params, "step", Lesson(net, data))
    if not 0 <= step["sample"] < data.n:
        raise BpvizError("sample", f"{step['sample']} is not a sample index from 0 to {data.n - 1}")
    batch_rows(data.n, step["sample"], step["batch"])  # 1 to MAX_BATCH samples, and no more than the data has
    if not 0 <= step["stage"] <= MAX_STAGE:
        raise BpvizError("stage", f"{step['stage']} is not a stage number")
    return Lesson(net, data, **step, train=_train(params), **_read(params, "mode", Lesson(net, data)))


def _weights(spec: NetworkSpec, text: str) -> Network:
    """The network ``spec`` with the W and b of a link's ``w``, checked for its size before its numbers."""
    key = WEIGHTS_FIELD.key
    if numbers_written(spec) > MAX_SHARED_NUMBERS:
        raise BpvizError(key, f"links carry weights only for nets of up to {MAX_SHARED_NUMBERS:,} weights and biases")
    values = WEIGHTS_FIELD.codec.read(text, key)
    sizes = [r * c + r for r, c in spec.shapes]
    if len(values) != sum(sizes):
        raise BpvizError(key, f"{len(values)} numbers for a net with {sum(sizes)} weights and biases")
    W, b, at = [], [], 0
    for r, c in spec.shapes:
        W.append(np.array(values[at : at + r * c]).reshape(r, c))
        b.append(np.array(values[at + r * c : at + r * c + r]))
        at += r * c + r
    return Network.from_arrays(spec, W, b)


# ----------------------------------------------------------------------------- the address bar


def url_params(query: Mapping[str, str], lesson: Lesson | None, present: bool) -> dict[str, str]:
    """What the address bar should hold: ``query``'s other keys as they are, then ``lesson``'s (none when
    it is None, e.g. for an uploaded CSV) and ``present=1`` when presenting."""
    params = {k: v for k, v in query.items() if k not in KEYS and k != PRESENT}
    if lesson is not None:
        params.update(encode(lesson))
    if present:
        params[PRESENT] = "1"
    return params


def link(page_url: str, params: Mapping[str, str]) -> str:
    """The URL of ``page_url`` (without a query) with ``params``."""
    return f"{page_url}?{urlencode(params)}" if params else page_url
