"""Numbers typed as text: a sample's vector ("0.05, 0.10"), a list of learning rates ("0.01, 0.1, 0.5") and of
optimisers with their rates ("sgd, adam 0.01").

Both take commas, semicolons or spaces between numbers and raise BpvizError naming the field for anything
that is not a list of finite numbers of the right length.
"""

import math
import re
from dataclasses import replace

import numpy as np

from bpviz.engine.errors import BpvizError
from bpviz.engine.optimisers import RULES, Optimiser
from bpviz.engine.spec import check_learning_rate
from bpviz.runs.comparison import STARTING_RATES

MAX_RATES = 6
_SEPARATORS = re.compile(r"[,;\s]+")


def parse_vector(text: str, n: int, field: str) -> np.ndarray:
    """``n`` finite numbers typed as "0.05, 0.10" (commas, semicolons or spaces); shape (n,).

    Raises BpvizError naming ``field`` for anything else.
    """
    parts = [p for p in _SEPARATORS.split(text.strip().strip("()[]")) if p]
    if len(parts) != n:
        raise BpvizError(field, f"expected {n} number{'s' if n != 1 else ''}, got {len(parts)}")
    values = []
    for p in parts:
        try:
            values.append(float(p))
        except ValueError:
            raise BpvizError(field, f"{p!r} is not a number") from None
    arr = np.array(values)
    if not np.all(np.isfinite(arr)):
        raise BpvizError(field, "every value must be a finite number")
    return arr


def format_vector(values) -> str:
    """Numbers in the form ``parse_vector`` reads back exactly: "0.05, 0.1"."""
    return ", ".join(repr(float(v)).removesuffix(".0") for v in values)


def parse_rates(text: str) -> tuple[float, ...]:
    """Learning rates from text such as "0.01, 0.1, 0.5, 2" (commas, semicolons or spaces); duplicates dropped."""
    parts = [p for p in re.split(r"[,;\s]+", text.strip()) if p]
    if not parts:
        raise BpvizError("rates", "enter at least one learning rate, for example 0.01, 0.1, 0.5, 2")
    rates = []
    for p in parts:
        try:
            r = float(p)
        except ValueError:
            raise BpvizError("rates", f"{p!r} is not a number") from None
        if not (math.isfinite(r) and r > 0):
            raise BpvizError("rates", f"{p} is not a positive finite number")
        check_learning_rate(r, "rates")
        if r not in rates:
            rates.append(r)
    if len(rates) > MAX_RATES:
        raise BpvizError("rates", f"{len(rates)} rates; compare at most {MAX_RATES}")
    return tuple(rates)


def parse_optimisers(text: str, base: Optimiser, learning_rate: float) -> tuple[tuple[Optimiser, float], ...]:
    """(optimiser, learning rate) pairs from text such as "sgd, momentum 0.5, adam 0.01" (entries between commas
    or semicolons: a rule's name, then optionally its η). ``base`` gives every hyper-parameter (μ, β₁, …); an
    entry without η takes ``STARTING_RATES`` for the adaptive rules, ``learning_rate`` for the others. The
    same (rule, η) twice counts once; at most MAX_RATES entries."""
    entries = [e.split() for e in re.split(r"[,;]+", text.strip()) if e.strip()]
    if not entries:
        raise BpvizError("optimisers", f"enter at least one optimiser, for example {', '.join(RULES)}")
    chosen = []
    for words in entries:
        name = words[0].lower()
        if name not in RULES:
            raise BpvizError("optimisers", f"{words[0][:20]!r} is not an optimiser; use {', '.join(RULES)}")
        if len(words) > 2:
            raise BpvizError("optimisers", f"{' '.join(words)[:40]!r}: write a name and at most one rate")
        rate = STARTING_RATES.get(name, learning_rate) if len(words) == 1 else _rate(words[1])
        pair = (replace(base, name=name), rate)
        if pair not in chosen:
            chosen.append(pair)
    if len(chosen) > MAX_RATES:
        raise BpvizError("optimisers", f"{len(chosen)} optimisers; compare at most {MAX_RATES}")
    return tuple(chosen)


def _rate(text: str) -> float:
    try:
        r = float(text)
    except ValueError:
        raise BpvizError("optimisers", f"{text[:20]!r} is not a number") from None
    check_learning_rate(r, "optimisers")
    return r
