"""Weight initialisations: one ``Init`` record each, its menu label next to the rule that draws it.

Every rule draws one (fan_out, fan_in) matrix W from a seeded generator (rows = the layer's own
neurons, as everywhere); biases always start at 0. ``INITS`` maps each name to its record; menus
list its keys and the spec and ``Network.initialise`` look a name up when they run.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Init:
    """``name``: the file and CLI name; ``label``: menu text; ``draw(rng, fan_out, fan_in)``: the matrix."""

    name: str
    label: str
    draw: Callable[[np.random.Generator, int, int], np.ndarray]


def _xavier(rng: np.random.Generator, fan_out: int, fan_in: int) -> np.ndarray:
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, (fan_out, fan_in))


INITS: dict[str, Init] = {
    init.name: init
    for init in (
        Init("uniform", "uniform U(−1, 1)", lambda rng, m, n: rng.uniform(-1.0, 1.0, (m, n))),
        Init("normal_scaled", "N(0, 1)/√fan-in", lambda rng, m, n: rng.standard_normal((m, n)) / np.sqrt(n)),
        Init("xavier", "Xavier/Glorot uniform", _xavier),  # U(±√(6/(fan_in + fan_out)))
        Init("he", "He normal", lambda rng, m, n: rng.standard_normal((m, n)) * np.sqrt(2.0 / n)),
    )
}
