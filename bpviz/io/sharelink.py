"""Share links: the state that defines a lesson, as short URL query parameters.

    net=2-2-2  act=sig.sig  loss=half_sse  red=sum  bias=frozen  init=uniform  seed=0  lr=0.5
    data=mazur  n=1  noise=0  k=3  test=0  sample=0  stage=3
    w=0.15_0.2_0.25_0.3_0.35_0.35_0.4_0.45_0.5_0.55_0.6_0.6   (only hand-set nets of ≤ 200 parameters)

``w`` lists W[0], b[0], W[1], b[1], … flattened row by row (rows = receiving
neurons), each number in Python's shortest round-trip form, so a link reproduces
the numbers exactly. Keys left out take their defaults. ``decode`` validates
everything and raises BpvizError on any tampered or stale value.

The address bar holds a lesson's keys next to others the app keeps there
(``present=1`` for presentation mode): ``url_params`` merges them, ``link``
writes the URL to copy.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

import numpy as np

from bpviz.data.catalog import DataSettings
from bpviz.engine.activations import ACTIVATIONS
from bpviz.engine.errors import BpvizError
from bpviz.engine.network import Network
from bpviz.engine.spec import NetworkSpec

MAX_SHARED_PARAMS = 200
MAX_VALUE_CHARS = 8_000
MAX_STAGE = 1_000
PRESENT = "present"  # not a lesson key: "1" opens the pages in presentation mode

KEYS = (
    "net",
    "act",
    "loss",
    "red",
    "bias",
    "init",
    "seed",
    "lr",
    "data",
    "n",
    "noise",
    "k",
    "test",
    "sample",
    "stage",
    "w",
)


@dataclass(frozen=True)
class Lesson:
    """Everything a link reproduces."""

    net: Network
    data: DataSettings
    sample: int = 0
    stage: int = 0


def _num(x: float) -> str:
    """Shortest text that reads back as exactly ``x`` ("0.5", "2", "1e-05")."""
    return repr(float(x)).removesuffix(".0")


def encode(lesson: Lesson) -> dict[str, str]:
    """Query parameters for ``lesson``; hand-set weights go in ``w`` when the net is small enough."""
    net, d, s = lesson.net, lesson.data, lesson.net.spec
    if d.name == "csv":
        raise BpvizError("dataset", "an uploaded CSV cannot travel in a link; share a built-in dataset")
    params = {
        "net": "-".join(map(str, s.layers)),
        "act": ".".join(ACTIVATIONS[a].code for a in s.activations),
        "loss": s.loss,
        "red": s.reduction,
        "bias": s.bias,
        "init": s.init,
        "seed": str(s.seed),
        "lr": _num(s.learning_rate),
        "data": d.name,
        "n": str(d.n),
        "noise": _num(d.noise),
        "k": str(d.classes),
        "test": _num(d.test_fraction),
        "sample": str(lesson.sample),
        "stage": str(lesson.stage),
    }
    if s.n_params <= MAX_SHARED_PARAMS and _hand_set(net):
        params["w"] = "_".join(_num(v) for w, b in zip(net.W, net.b) for v in (*w.ravel(), *b))
    return params


def _hand_set(net: Network) -> bool:
    """True when ``net``'s weights are not the ones its spec draws (set by hand, imported or trained)."""
    fresh = Network.initialise(net.spec)
    return any(not np.array_equal(p, q) for p, q in zip((*net.W, *net.b), (*fresh.W, *fresh.b)))


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


def _int(params: Mapping[str, str], key: str, default: int) -> int:
    text = params.get(key)
    if text is None:
        return default
    digits = text.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()) or len(text) > 12:
        raise BpvizError(key, f"{text!r} is not a whole number")
    return int(text)


def _float(params: Mapping[str, str], key: str, default: float) -> float:
    text = params.get(key)
    if text is None:
        return default
    try:
        value = float(text)
    except ValueError:
        raise BpvizError(key, f"{text!r} is not a number") from None
    if not np.isfinite(value):
        raise BpvizError(key, f"{text!r} is not a finite number")
    return value


def decode(params: Mapping[str, str], default: Lesson) -> Lesson:
    """The lesson a link describes; keys it leaves out come from ``default``. Raises BpvizError."""
    for key, value in params.items():
        if len(str(value)) > MAX_VALUE_CHARS:
            raise BpvizError(key, f"longer than {MAX_VALUE_CHARS} characters")
    s, d = default.net.spec, default.data
    layers_text = params.get("net")
    if layers_text is None:
        layers = s.layers
    else:
        parts = layers_text.split("-")
        if len(parts) > 12 or not all(p.isascii() and p.isdigit() and len(p) <= 5 for p in parts):
            raise BpvizError("net", f"{layers_text[:40]!r} is not a list of layer sizes like 2-3-1")
        layers = tuple(int(p) for p in parts)
    act_text = params.get("act")
    if act_text is None:
        acts = s.activations if len(s.activations) == len(layers) - 1 else ("sigmoid",) * (len(layers) - 1)
    else:
        names = {act.code: name for name, act in ACTIVATIONS.items()}
        unknown = [a for a in act_text.split(".") if a not in names]
        if unknown:
            raise BpvizError("act", f"unknown activation code {unknown[0][:20]!r}; use {', '.join(names)}")
        acts = tuple(names[a] for a in act_text.split("."))
    spec = NetworkSpec(
        layers,
        acts,
        params.get("loss", s.loss),
        params.get("red", s.reduction),
        params.get("bias", s.bias),
        params.get("init", s.init),
        _int(params, "seed", s.seed),
        _float(params, "lr", s.learning_rate),
    )
    data = DataSettings(
        params.get("data", d.name),
        _int(params, "n", d.n),
        _float(params, "noise", d.noise),
        _int(params, "k", d.classes),
        _float(params, "test", d.test_fraction),
    )
    if data.name == "csv":
        raise BpvizError("data", "an uploaded CSV cannot travel in a link")
    net = Network.initialise(spec) if "w" not in params else _weights(spec, params["w"])
    sample, stage = _int(params, "sample", 0), _int(params, "stage", 0)
    if not 0 <= sample < data.n:
        raise BpvizError("sample", f"{sample} is not a sample index from 0 to {data.n - 1}")
    if not 0 <= stage <= MAX_STAGE:
        raise BpvizError("stage", f"{stage} is not a stage number")
    return Lesson(net, data, sample, stage)


def _weights(spec: NetworkSpec, text: str) -> Network:
    if spec.n_params > MAX_SHARED_PARAMS:
        raise BpvizError("w", f"links carry weights only for nets of up to {MAX_SHARED_PARAMS} parameters")
    values = [_float({"w": v}, "w", 0.0) for v in text.split("_")]
    sizes = [r * c + r for r, c in spec.shapes]
    if len(values) != sum(sizes):
        raise BpvizError("w", f"{len(values)} numbers for a net with {sum(sizes)} weights and biases")
    W, b, at = [], [], 0
    for r, c in spec.shapes:
        W.append(np.array(values[at : at + r * c]).reshape(r, c))
        b.append(np.array(values[at + r * c : at + r * c + r]))
        at += r * c + r
    return Network.from_arrays(spec, W, b)
