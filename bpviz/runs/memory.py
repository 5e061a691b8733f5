"""The memory cap: what one session may hold and build on a shared server, estimated before the work is done.

A session's peak is estimated from sizes alone (``Load``: the layer sizes n_0..n_L, the samples N and the
test fraction, the data's other columns, the batch size B, the networks trained at once, an uploaded file's
bytes), as a sum of parts, in bytes (8 a float64):

    networks  8·P·(NET_COPIES + OPTIMISER_BUFFERS) + 8·min(UNDO_DEPTH·P, UNDO_PARAMETERS) + 8·P·RUN_COPIES·runs
              P = Σ n_l·n_{l−1} + Σ n_l: the shared net, the Step page's walk (W⁺, its gradients, the optimiser's
              state before and after) and Undo, a run's start, the trainer's net, its flat copy and gradients,
              the snapshot it falls back to, up to 2 buffers per parameter (Adam's m and v), and each network
              of a comparison (a trainer, gradients, snapshot, buffers)
    data      8·N·(n_0 + n_L + columns + 1)·DATA_COPIES: X, Y, the labels and the points under input features, as
              drawn (and cached), re-encoded for the outputs, split into train and test, shuffled each epoch
    passes    8·S·2·(B + min(GRADIENT_ROWS, N) + STEP_SAMPLES) + 8·2·Wmax·min(N, OUTPUT_BLOCK/Wmax)
              S = Σ n_l, Wmax = max n_l: the traces (z and a, and δ as large) of a mini-batch, of the gradient-flow
              sample (``gradflow``) and of the Step page's step (up to 8 samples), and one block of a forward
              pass over a whole set (``Network.outputs``)
    maps      8·2·(TILE_GRID²·S + GRID²·(n_L + 1)) + the figure's copy: every neuron's tile on the Train page's
              diagram, the decision boundary's output and one neuron drawn large (``bpviz.lesson.maps``)
    file      FILE_BYTES_PER_BYTE · bytes: an uploaded file's text while it is parsed (each number of a
              network file costs a Python float and a list slot, 32 bytes, and takes 2 bytes of text at least)
    session   SESSION_BYTES: what every session holds whatever its size (figures, widgets, the page's messages)

Every constant is measured (README, "Memory"): the estimate is at least the peak a session was measured to
reach above an idle server and within a few times of it (tests/test_memory.py). One session may reach at most
``MAX_SESSION_BYTES``; ``refusal`` says what was asked, the estimate, the cap and what would fit.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from bpviz.data.catalog import SOURCES, DataSettings
from bpviz.data.features import DEFAULT_FEATURES
from bpviz.engine.errors import BpvizError
from bpviz.engine.network import OUTPUT_BLOCK

from .gradflow import MAX_ROWS as GRADIENT_ROWS

MB = 1_000_000
MAX_SESSION_BYTES = 200 * MB  # one session above an idle server, whatever its link, upload or settings
SESSION_BYTES = 16 * MB
UNDO_DEPTH = 20  # updates the Step page's Undo takes back
UNDO_PARAMETERS = 4_000_000  # parameters of all the networks kept for Undo: 32 MB a session at most
NET_COPIES = 12
OPTIMISER_BUFFERS = 2
RUN_COPIES = 6  # a comparison's network: its trainer's net, flat copy, gradients, snapshot, 2 buffers
DATA_COPIES = 4
STEP_SAMPLES = 8
TILE_GRID, GRID = 24, 60  # cells a side of the diagram's tiles and of the large pictures of the plane (runs may not
# import lesson or figures: tests/test_memory.py holds them to ``bpviz.lesson.maps.TILE_GRID`` and ``boundary.GRID``)
FILE_BYTES_PER_BYTE = 18
FLOAT = 8


@dataclass(frozen=True)
class Load:
    """What a session would hold: ``layers`` n_0..n_L, ``samples`` N of the whole dataset and its
    ``test_fraction``, ``columns`` of the data besides the network's inputs and outputs (the points under
    input features, a CSV's label), the mini-batch ``batch_size``, ``compared`` networks of a comparison
    trained beside the run, and ``upload``, the bytes of a file read in."""

    layers: tuple[int, ...]
    samples: int
    test_fraction: float = 0.0
    columns: int = 0
    batch_size: int = 1
    compared: int = 0
    upload: int = 0

    @property
    def params(self) -> int:
        """P: every weight and bias."""
        return sum(a * b + b for a, b in zip(self.layers, self.layers[1:]))

    @property
    def train_samples(self) -> int:
        return self.samples - int(round(self.test_fraction * self.samples))


def load_of(layers: tuple[int, ...], data: DataSettings, batch_size: int = 1, compared: int = 0, upload: int = 0,
            csv: bytes | None = None) -> Load:  # fmt: skip
    """The Load of a network of ``layers`` on ``data`` (its samples, test fraction and input features; for an
    uploaded CSV, the rows and columns of its text ``csv``) trained with mini-batches of ``batch_size``."""
    source = SOURCES[data.name]
    samples = data.n if "n" in source.knobs or data.name == "csv" else source.start.get("n", data.n)
    columns = 2 if data.features != DEFAULT_FEATURES else 0  # the points the features are made from
    if csv is not None:
        samples, columns = max(1, csv.rstrip().count(b"\n")), csv.split(b"\n", 1)[0].count(b",") + 1
    return Load(tuple(layers), samples, data.test_fraction, columns, batch_size, compared, upload)


def estimate(load: Load) -> dict[str, int]:
    """Bytes of each part of the session's peak (module docstring), in the order given there."""
    P, S, widest, N = load.params, sum(load.layers), max(load.layers), load.samples
    batch = min(load.batch_size, load.train_samples)
    undo = min(UNDO_DEPTH * P, UNDO_PARAMETERS)
    trace = 2 * S * (batch + min(GRADIENT_ROWS, load.train_samples) + STEP_SAMPLES)
    return {
        "networks": FLOAT * (P * (NET_COPIES + OPTIMISER_BUFFERS) + undo + P * RUN_COPIES * load.compared),
        "data": FLOAT * N * (load.layers[0] + load.layers[-1] + load.columns + 1) * DATA_COPIES,
        "passes": FLOAT * (trace + 2 * widest * min(N, max(1, OUTPUT_BLOCK // widest))),
        "maps": FLOAT * 2 * 2 * (TILE_GRID**2 * S + GRID**2 * (load.layers[-1] + 1)),
        "file": FILE_BYTES_PER_BYTE * load.upload,
        "session": SESSION_BYTES,
    }


def total(load: Load) -> int:
    """The estimated peak, in bytes: the sum of ``estimate``'s parts."""
    return sum(estimate(load).values())


def fits(load: Load, cap: int | None = None) -> bool:
    """True when ``load``'s estimate is at most ``cap`` (None: MAX_SESSION_BYTES, read when called)."""
    return total(load) <= (MAX_SESSION_BYTES if cap is None else cap)


def _largest(ok: Callable[[int], bool], now: int) -> int:
    """The largest value v in 1..now with ok(v) (ok falls as v grows), or 0 when not even 1 is."""
    low, high = 0, now
    while low < high:
        mid = (low + high + 1) // 2
        low, high = (mid, high) if ok(mid) else (low, mid - 1)
    return low


def _layer_sized(load: Load, l: int, n: int) -> Load:
    return replace(load, layers=(*load.layers[:l], n, *load.layers[l + 1 :]))


def advice(load: Load, cap: int | None = None) -> list[str]:
    """What would bring ``load`` under ``cap``, one change at a time, each with the most that fits: the two
    widest hidden layers' neurons, the samples, the batch size, the networks compared (each only when that
    change alone fits)."""
    hidden = sorted(range(1, len(load.layers) - 1), key=lambda l: -load.layers[l])[:2]
    changes = [(f"layer {l} of at most {{:,}} neurons (now {load.layers[l]:,})", load.layers[l],
                lambda n, l=l: _layer_sized(load, l, n)) for l in sorted(hidden)]  # fmt: skip
    changes += [
        ("at most {:,} samples " + f"(now {load.samples:,})", load.samples, lambda n: replace(load, samples=n)),
        ("a batch size of at most {:,} " + f"(now {min(load.batch_size, load.train_samples):,})",
         min(load.batch_size, load.train_samples), lambda n: replace(load, batch_size=n)),
        ("at most {:,} networks compared " + f"(now {load.compared:,})", load.compared,
         lambda n: replace(load, compared=n)),
    ]  # fmt: skip
    out = []
    for words, now, changed in changes:
        most = _largest(lambda v, changed=changed: fits(changed(v), cap), now - 1)
        if most:
            out.append(words.format(most))
    return out


def mb(n_bytes: int) -> str:
    """ "310 MB": whole megabytes, rounded up (an estimate is never shown below what it is)."""
    return f"{math.ceil(n_bytes / MB):,} MB"


def describe(load: Load) -> str:
    """ "a 2-4096-240-3 network on 20,000 samples" (with the batch size past 1 and the networks compared)."""
    text = f"a {'-'.join(map(str, load.layers))} network on {load.samples:,} sample{'s' * (load.samples != 1)}"
    if min(load.batch_size, load.train_samples) > 1:
        text += f" in batches of {min(load.batch_size, load.train_samples):,}"
    return text + (f", with {load.compared} networks compared" if load.compared else "")


def refusal(load: Load, cap: int | None = None) -> str | None:
    """None when ``load`` fits ``cap``; else why not, as one sentence without its final full stop (pages add
    their own ending): what was asked (``describe``) would need about X MB, one session may use ``cap``, and
    the changes that would fit."""
    cap = MAX_SESSION_BYTES if cap is None else cap
    need = total(load)
    if need <= cap:
        return None
    text = f"{describe(load)} would need about {mb(need)} of memory; one session may use {mb(cap)}"
    ways = advice(load, cap)
    if ways:
        text += "; it would fit with " + ", or ".join(ways)
    return text


def check_file(n_bytes: int, cap: int | None = None) -> None:
    """Raise BpvizError (field "file") when reading a file of ``n_bytes`` (its text while it is parsed, before
    what it holds is known) would not fit ``cap`` in a session of the smallest network."""
    need, cap = total(Load((1, 1), 1, upload=n_bytes)), MAX_SESSION_BYTES if cap is None else cap
    if need > cap:
        raise BpvizError("file", f"reading a file of {mb(n_bytes)} would need about {mb(need)} of memory; one "
                                 f"session may use {mb(cap)}: use a smaller file")  # fmt: skip


def check(load: Load, cap: int | None = None) -> None:
    """Raise BpvizError (field "memory") with ``refusal``'s text when ``load`` does not fit ``cap``."""
    text = refusal(load, cap)
    if text is not None:
        raise BpvizError("memory", text)
