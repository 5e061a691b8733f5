"""Importing a network file on the Design page (pure): find data the imported network fits.

The page keeps the invariant that the shared network and dataset fit each other (n_in = features,
n_out allowed by the targets), so an imported network takes the dataset its file carries, else keeps the
current dataset when it fits, and otherwise moves to the first built-in dataset that does.
"""

from collections.abc import Callable
from dataclasses import replace

from bpviz import BpvizError, Dataset, Network
from bpviz.data.catalog import DATA_DEFAULTS, SOURCES, DataSettings
from bpviz.data.datasets import fits


def candidates(current: DataSettings, n_out: int, carried: DataSettings | None = None) -> list[DataSettings]:
    """Data settings to try for a network with n_out outputs: the ones its file ``carried`` first, then the
    current ones, then every other built-in dataset as it starts (the spiral and the blobs with n_out classes
    when 3 ≤ n_out ≤ 10)."""
    out = [carried, current] if carried is not None and carried != current else [current]
    for name, start in DATA_DEFAULTS.items():
        if name in ("csv", current.name) or (carried is not None and name == carried.name):
            continue
        if "classes" in SOURCES[name].knobs and 3 <= n_out <= 10:
            start = replace(start, classes=n_out)
        out.append(start)
    return out


def data_for(
    net: Network, current: DataSettings, load: Callable[[DataSettings], Dataset], carried: DataSettings | None = None
) -> DataSettings:
    """The first of ``candidates`` whose dataset (from ``load``) ``net`` fits; BpvizError if none does."""
    layers = net.spec.layers
    for settings in candidates(current, layers[-1], carried):
        try:
            ds = load(settings)
        except BpvizError:
            continue
        if fits(layers, ds):
            return settings
    raise BpvizError(
        "layers",
        f"no dataset here has {layers[0]} input(s) and {layers[-1]} output(s); "
        f"upload a CSV file with {layers[0]} feature column(s) first, then import the network again",
    )
