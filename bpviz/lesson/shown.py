"""What the network diagram shows: the quantities on each layer's nodes and each weight layer's edges.

On Design the nodes carry their names and the edges their weights; on Train the same, with the weights' values
on hover only. At a stage of a step, every node and edge the stage's equation uses carries the numbers it
multiplies, and the result next to them:

    start, forward      a on the layers computed so far (x on the input), z then a on the layer computing;
                        edges: w
    loss, output δ      the output adds y (and δ once computed), the rest a; edges: w
    ∂L/∂W⁽ˡ⁾ = δ aᵀ     layer l−1 shows a, layers from l on show δ; edges of layer l and after: ∂L/∂w
    δ⁽ˡ⁾ (hidden)       layer l+1 shows δ, layer l shows δ and a (for f′), the edges into l+1 show w
    update              every edge shows w → w⁺ and the ∂L/∂w it came from; nodes show δ

Each entry lists its quantities in the order they are printed; the first one also colours the node or edge.
In a batch step the nodes show the walk's shown sample (``Walk.sample``: its x, z, a, y and δ) and the edges the
batch's gradient ∂L/∂w (the mean or sum of the samples' δ·a), which is what the update uses.
"""

from dataclasses import dataclass, replace

import numpy as np

from bpviz.engine.network import Network

from .stages import Walk


@dataclass(frozen=True)
class Quantity:
    """One quantity on a layer's nodes or a weight layer's edges: its symbol as the diagram writes it ("a",
    "δ", "w", "∂L/∂w") and its values (the layer's vector, shape (n_l,), or W[k]'s matrix); ``before``, of
    the same shape, holds the values before an update (printed "w 0.40 → 0.36"); where ``hidden`` is True the
    value is the one the learner predicts (bpviz.lesson.predict): printed "?", drawn as not computed yet."""

    symbol: str
    values: np.ndarray
    before: np.ndarray | None = None
    hidden: np.ndarray | None = None  # a mask of values's shape: True where the learner is to predict the value

    def at(self, index) -> float | None:
        """The value at ``index`` (i, or (i, j) of a matrix); None where it is hidden."""
        if self.hidden is not None and self.hidden[index]:
            return None
        return float(self.values[index])

    @property
    def visible(self) -> np.ndarray:
        """``values`` as floats with NaN where hidden (scales and colours never use a hidden value)."""
        values = np.asarray(self.values, dtype=float)
        return values if self.hidden is None else np.where(self.hidden, np.nan, values)


Shown = tuple[Quantity, ...] | None  # None: not computed yet (a hollow node, a dotted edge)


@dataclass(frozen=True)
class DiagramView:
    """Per layer 0..L the quantities on its nodes (``()``: its names only), per weight layer 0..L−1 those on
    its edges and on its bias edges, the layer the stage computes (highlighted), whether the edges show a
    change just applied and whether their values are printed along them (else on hover only)."""

    nodes: tuple[Shown, ...]
    edges: tuple[Shown, ...]
    biases: tuple[Shown, ...]
    active_layer: int | None = None
    changed: bool = False
    edge_labels: bool = True

    def symbols(self, part: str) -> list[str]:
        """The symbols shown on "nodes", "edges" or "biases", each once, in order."""
        return list(dict.fromkeys(q.symbol for shown in getattr(self, part) if shown for q in shown))


def design_view(net: Network) -> DiagramView:
    """The Design page's view: names on the nodes, weights and biases on the edges."""
    L = net.spec.depth
    return DiagramView(
        nodes=((),) * (L + 1),
        edges=tuple((Quantity("w", W),) for W in net.W),
        biases=tuple((Quantity("b", b),) for b in net.b),
    )


def train_view(net: Network) -> DiagramView:
    """The Train page's view: names on the nodes, the weights on the edges as their colour and width, with
    their values on hover only (they change several times a second while it trains)."""
    return replace(design_view(net), edge_labels=False)


def stage_view(w: Walk, index: int) -> DiagramView:
    """The view of stage ``index`` of the walk ``w`` (see the module docstring)."""
    stage, t, L, s = w.stages[index], w.trace, w.net.spec.depth, w.sample

    def a(l):
        return Quantity("x" if l == 0 else "a", t.a[l][s])

    def delta(l):
        return Quantity("δ", w.delta(l)[s])

    y = Quantity("y", t.y[s])
    weights = tuple((Quantity("w", W),) for W in w.net.W)
    biases = tuple((Quantity("b", b),) for b in w.net.b)
    grads = tuple((Quantity("∂L/∂w", g),) for g in w.grad_W)  # with the penalty's term: what the update uses
    bias_grads = tuple((Quantity("∂L/∂b", g),) for g in t.grad_b)
    kind, l = stage.kind, stage.layer
    if kind in ("start", "z", "a"):
        nodes = [(a(m),) if w.known(index, "a", m) else None for m in range(L + 1)]
        if kind == "z":
            nodes[l] = (Quantity("z", t.z[l - 1][s]),)
        elif kind == "a":
            nodes[l] = (a(l), Quantity("z", t.z[l - 1][s]))
        return DiagramView(tuple(nodes), weights, biases, l)
    if kind == "loss" or (kind == "delta" and l == L):
        nodes = [(a(m),) for m in range(L)]
        nodes.append((delta(L), a(L), y) if kind == "delta" else (a(L), y))
        return DiagramView(tuple(nodes), weights, biases, L)
    if kind == "grad":
        nodes = [(a(m),) for m in range(l)] + [(delta(m),) for m in range(l, L + 1)]
        edges = weights[: l - 1] + grads[l - 1 :]
        return DiagramView(tuple(nodes), edges, biases[: l - 1] + bias_grads[l - 1 :], l)
    if kind == "delta":
        nodes = [(a(m),) for m in range(l)] + [(delta(l), a(l))] + [(delta(m),) for m in range(l + 1, L + 1)]
        edges = weights[: l + 1] + grads[l + 1 :]
        return DiagramView(tuple(nodes), edges, biases[:l] + bias_grads[l:], l)
    frozen = w.net.spec.bias == "frozen"
    pairs = zip(biases, bias_grads, w.updated.b, w.net.b)
    new_b = [b if frozen else (Quantity("b", new, old), *g) for b, g, new, old in pairs]
    edges = tuple((Quantity("w", nW, W), *g) for nW, W, g in zip(w.updated.W, w.net.W, grads))
    nodes = ((a(0),), *((delta(m),) for m in range(1, L + 1)))
    return DiagramView(nodes, edges, tuple(new_b), None)


def applied_view(w: Walk) -> DiagramView:
    """The view right after the update of ``w`` was applied: every edge shows its old and new value (w → w⁺)
    and is marked as changed."""
    view = stage_view(w, len(w.stages) - 1)
    return DiagramView(view.nodes, view.edges, view.biases, None, changed=True)
