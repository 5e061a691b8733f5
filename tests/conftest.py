"""Shared test fixtures; optional oracles (torch, Chromium) are required when CI says so."""

import itertools
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def require(flag: str) -> bool:
    """True when CI demands an optional dependency (BPVIZ_REQUIRE_TORCH, BPVIZ_REQUIRE_BROWSER)."""
    return os.environ.get(flag) == "1"


def accepted_output_losses() -> list[tuple[str, str]]:
    """Every (output activation, loss) pair the spec accepts, asked of the engine itself."""
    from bpviz import BpvizError, NetworkSpec
    from bpviz.activations import ACTIVATIONS
    from bpviz.losses import LOSSES

    pairs = []
    for output, loss in itertools.product(ACTIVATIONS, LOSSES):
        try:
            NetworkSpec((2, 3), (output,), loss)
        except BpvizError:
            continue
        pairs.append((output, loss))
    return pairs
