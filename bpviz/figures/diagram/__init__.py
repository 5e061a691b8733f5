"""The network diagram: layers left to right, values on nodes, weights or gradients on edges.

``layout`` places everything in pixels for the size given, ``plan`` decides what each node and edge prints,
``edges``, ``nodes`` and ``legend`` make the traces and shapes, and ``figure.network_figure`` puts them together.
"""

from .figure import network_figure
from .layout import drawn_indices
from .plan import MAX_DRAWN_EDGES

__all__ = ["MAX_DRAWN_EDGES", "drawn_indices", "network_figure"]
