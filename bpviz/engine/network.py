"""A network: a validated spec plus its parameters W[l], b[l].

Orientation (used everywhere, the file format included): ``W[l]`` has shape
(neurons of layer l+1, neurons of layer l): row i holds the weights *into*
neuron i of layer l+1, so z = W a + b. ``b[l]`` has shape (neurons of layer l+1,).
"""

from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS
from .errors import BpvizError
from .inits import INITS
from .spec import NetworkSpec

# Values of one layer a forward pass over many samples holds at once: 16 MB; 20,000 samples through a 4096-wide
# layer at once held two 524 MB arrays (z and a); in blocks of 488 rows they hold 2 × 16 MB.
OUTPUT_BLOCK = 2_000_000
QUIET = {"over": "ignore", "invalid": "ignore", "divide": "ignore", "under": "ignore"}  # for np.errstate


@dataclass
class Network:
    """``spec`` plus float64 parameters ``W`` (list of L matrices) and ``b`` (list of L vectors)."""

    spec: NetworkSpec
    W: list[np.ndarray]
    b: list[np.ndarray]

    @classmethod
    def initialise(cls, spec: NetworkSpec) -> "Network":
        """Weights drawn by ``INITS[spec.init]`` with ``spec.seed``, layer by layer; biases start at 0."""
        rng = np.random.default_rng(spec.seed)
        W = [INITS[spec.init].draw(rng, r, c) for r, c in spec.shapes]
        b = [np.zeros(r) for r, _ in spec.shapes]
        return cls(spec, W, b)

    @classmethod
    def from_arrays(cls, spec: NetworkSpec, W, b) -> "Network":
        """A network from given parameters, checked for count, shape and finiteness."""
        if len(W) != spec.depth:
            raise BpvizError("weights", f"need {spec.depth} weight matrices, got {len(W)}")
        if len(b) != spec.depth:
            raise BpvizError("biases", f"need {spec.depth} bias vectors, got {len(b)}")
        W_out, b_out = [], []
        for l, (shape, w, bias) in enumerate(zip(spec.shapes, W, b)):
            W_out.append(_checked_array("weights", l, w, shape))
            b_out.append(_checked_array("biases", l, bias, (shape[0],)))
        if spec.bias == "none" and any(np.any(v != 0) for v in b_out):
            raise BpvizError("biases", "bias mode is 'none' but some biases are not 0")
        return cls(spec, W_out, b_out)

    def copy(self) -> "Network":
        """A deep copy (the spec is immutable and shared)."""
        return Network(self.spec, [w.copy() for w in self.W], [v.copy() for v in self.b])

    def with_spec(self, spec: NetworkSpec) -> "Network":
        """The same parameters under a spec with the same layer sizes (other fields may differ)."""
        if spec.layers != self.spec.layers:
            raise BpvizError("layers", "changing layer sizes needs new weights")
        return Network.from_arrays(spec, self.W, self.b)

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Output a^L for inputs x of shape (B, n_0); returns (B, n_L)."""
        return self.outputs(x)[1]

    def outputs(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(z^L, a^L) for inputs x of shape (B, n_0), each (B, n_L): a loss fused with its output activation
        is computed from z^L. Overflow gives inf or NaN without NumPy warnings (``QUIET``); callers that show
        results check them (``bpviz.engine.finite``). More than OUTPUT_BLOCK values a layer go through in blocks of
        rows (each row's numbers are the same either way; only the memory held at once differs)."""
        a = np.asarray(x, dtype=float)
        rows = max(1, OUTPUT_BLOCK // max(self.spec.layers))
        if a.ndim == 2 and len(a) > rows:  # a whole set through a wide layer: one block's layers at a time
            blocks = [self.outputs(a[start : start + rows]) for start in range(0, len(a), rows)]
            return np.concatenate([z for z, _ in blocks]), np.concatenate([out for _, out in blocks])
        z = a
        with np.errstate(**QUIET):
            for W, b, name in zip(self.W, self.b, self.spec.activations):
                z = a @ W.T + b
                a = ACTIVATIONS[name].f(z)
        return z, a

    def flat(self) -> np.ndarray:
        """Every parameter in one new vector laid out W1..WL (row by row), then b1..bL (see ``packed``)."""
        return np.concatenate([p.ravel() for p in (*self.W, *self.b)])

    def n_trainable(self) -> int:
        """How many of ``flat()``'s entries a step changes, from the front: the weights, and the biases
        when they are learned."""
        return self.spec.n_params if self.spec.bias == "learned" else self.n_weights()

    def n_weights(self) -> int:
        """How many of ``flat()``'s entries, from the front, are weights (the ones a penalty acts on)."""
        return sum(r * c for r, c in self.spec.shapes)

    def is_finite(self) -> bool:
        """True when every parameter is a finite number."""
        return all(np.all(np.isfinite(p)) for p in (*self.W, *self.b))


def packed(spec: NetworkSpec, buffer: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """(W, b) of ``spec``'s shapes as views into one flat buffer laid out W1..WL, b1..bL."""
    W, b, i = [], [], 0
    for r, c in spec.shapes:
        W.append(buffer[i : i + r * c].reshape(r, c))
        i += r * c
    for r, _ in spec.shapes:
        b.append(buffer[i : i + r])
        i += r
    return W, b


def flat_index(spec: NetworkSpec, part: str, k: int, i: int, j: int = 0) -> int:
    """Where W[k][i, j] (``part`` "W") or b[k][i] (``part`` "b") sits in ``Network.flat()``."""
    if part == "W":
        return sum(r * c for r, c in spec.shapes[:k]) + i * spec.shapes[k][1] + j
    return sum(r * c for r, c in spec.shapes) + sum(r for r, _ in spec.shapes[:k]) + i


def _checked_array(field: str, l: int, value, shape: tuple[int, ...]) -> np.ndarray:
    """``value`` (nested lists or an array) as a float array of ``shape``; a ragged list, text, a boolean
    (JSON's true is not the number 1), a wrong shape, NaN or infinity raises BpvizError."""
    try:
        arr = np.array(value)
    except (TypeError, ValueError):  # ragged: rows of different lengths
        arr = None
    if arr is None or arr.dtype.kind not in "iuf":
        raise BpvizError(field, f"entry {l} is not a list of numbers of one length per row")
    if isinstance(value, list) and any(v is True or v is False for v in np.array(value, dtype=object).ravel()):
        raise BpvizError(field, f"entry {l} holds true or false where a number belongs")
    arr = arr.astype(float)
    if arr.shape != shape:
        raise BpvizError(field, f"entry {l} has shape {arr.shape}, expected {shape}")
    if not np.all(np.isfinite(arr)):
        raise BpvizError(field, f"entry {l} holds a NaN or infinite value")
    return arr
