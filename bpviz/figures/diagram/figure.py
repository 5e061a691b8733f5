"""``network_figure``: the network diagram as a Plotly figure, drawn from its ``Plan``.

The axes map one to one onto the plan's pixels (x from 0 to the planned width, y from 0 at the top to the
height), so every label sits where the layout engine put it; a chart stretched wider than planned only moves
boxes apart. Every clickable point carries ``customdata`` naming what it is: ``["node", layer, i]``,
``["edge", k, i, j]``, ``["bias", k, i]`` (the bias of neuron i of layer k+1) and ``["bias_node", k]`` (the
constant-1 node, not selectable); ``bpviz.lesson.selection`` turns a click back into such a tuple.

With ``maps`` (a 2-input network's ``bpviz.lesson.maps.NeuronMaps``) every node is a tile showing its
neuron's activation over the input plane (``tiles``), as on the Train page.
"""

import numpy as np
import plotly.graph_objects as go

from bpviz.engine.network import Network
from bpviz.lesson.maps import NeuronMaps
from bpviz.lesson.names import Names, layer_names, layer_title
from bpviz.lesson.numbers import format_value
from bpviz.lesson.selection import is_valid_selection
from bpviz.lesson.shown import DiagramView, design_view

from .. import palette as P
from . import edges as E
from . import nodes as N
from .legend import legend_traces
from .plan import MAX_HEIGHT, Plan, plan, quantity_text
from .tiles import check_maps, tile_images

DEFAULT_WIDTH = 900  # px planned for when the page does not say (AppTest, the tests, exports)
ALT_VALUES = 4  # values of a layer the text alternative lists


def network_figure(
    net: Network,
    view: DiagramView | None = None,
    *,
    names: Names | None = None,
    selected: tuple | None = None,
    show_bias: bool = False,
    decimals: int = 4,
    width: float = DEFAULT_WIDTH,
    height: float | None = None,
    max_height: float = MAX_HEIGHT,
    scale: float = 1.0,
    max_per_layer: int = 32,
    maps: NeuronMaps | None = None,
) -> go.Figure:
    """The diagram of ``net`` showing ``view`` (default: names and weights, as on Design) in ``width`` ×
    ``height`` px (height None: as tall as its columns want, up to ``max_height``), type and nodes ``scale``
    times larger; with ``maps`` (one (n_l, G, G) map per layer l = 0..L of a 2-input net) each drawn node is a
    square tile painted with its neuron's map, its name and the map's range on hover.

    ``selected`` ("node", l, i), ("edge", k, i, j) or ("bias", k, i) is ringed or outlined (ignored when not
    drawn); ``show_bias`` draws the biases as edges from a constant-1 node per layer (the bias trick).
    Edges: colour and dash by the sign of their first quantity (blue solid > 0, vermillion dashed < 0, grey
    = 0, faint dotted when not computed), width ∝ its size; nodes: fill by the sign and size of theirs.
    """
    spec = net.spec
    if not 0.5 <= scale <= 4:
        raise ValueError("scale must be between 0.5 and 4")
    if not isinstance(max_per_layer, int) or max_per_layer < 2:
        raise ValueError("max_per_layer must be an int ≥ 2")
    view = design_view(net) if view is None else view
    names = Names(spec) if names is None else names
    if selected is not None and not is_valid_selection(spec, selected):
        selected = None
    if maps is not None:
        check_maps(maps, spec.layers)
    p = plan(spec, view, names, width=float(width), height=height, scale=scale, decimals=decimals,
             show_bias=show_bias, max_per_layer=max_per_layer, max_height=max_height, first=selected,
             tiles=maps is not None)  # fmt: skip
    traces, annotations = [], []
    shapes = [N.active_band(p, view.active_layer)] if view.active_layer is not None else []
    shapes += _highlights(p, view, selected)
    shapes += E.line_shapes(p.edges, p.columns.pitch)
    hx, hy, hover = _edge_points(p, names, decimals)
    traces += E.hover_traces(p.edges, hx, hy, hover, max(8.0, min(16.0, p.columns.pitch / 4)))
    annotations += _edge_label_annotations(p)
    traces += N.node_traces(p, view, spec, names, decimals, maps)
    if show_bias and spec.bias != "none":
        traces.append(N.bias_node_trace(p, spec))
    traces += _selected_marks(p, selected, hx, hy, tiles=maps is not None)
    annotations += N.more_annotations(p, spec, names) + N.title_annotations(p, view.active_layer)
    samples, texts = legend_traces(p.legend, p.legend_lines, p.legend_boxes, p.legend_font)
    traces += samples
    annotations += texts
    layout = _layout(p, spec, view, names, annotations, shapes, show_bias, decimals)
    if maps is not None:
        layout["images"] = tile_images(p, maps)
        layout["meta"]["tiles"] = maps.grid
        layout["meta"]["alt"] += " Each neuron is a tile showing its activation over the input plane."
    # Built from plain dicts, plotly's per-property validation would take two thirds of the time of a figure
    # the Train page redraws several times a second; the tests run every kind of diagram through it instead.
    return go.Figure(dict(data=traces, layout=layout), _validate=False)


def _selected_marks(p: Plan, selected: tuple | None, hx: np.ndarray, hy: np.ndarray, tiles: bool) -> list[dict]:
    """The ring around a selected node (square around a tile), or the diamond on a selected edge's point."""
    if selected is None:
        return []
    if selected[0] == "node":
        try:
            x, y = p.columns.center(selected[1], selected[2])
        except KeyError:
            return []
        symbol, extra = ("square-open", 10) if tiles else ("circle-open", 14)
        return [N.ring_trace(x, y, p.columns.diameter + extra, symbol)]
    hit = E.selected(p.edges, selected)
    if not hit.any():
        return []
    e = int(np.flatnonzero(hit)[0])
    marker = dict(size=14, symbol="diamond", color=P.SELECTED)
    return [dict(type="scatter", mode="markers", name="selected edge point", x=[float(hx[e])], y=[float(hy[e])],
                 hoverinfo="skip", showlegend=False, marker=marker, meta=["selected"])]  # fmt: skip


def _highlights(p: Plan, view: DiagramView, selected: tuple | None) -> list[dict]:
    """Wide lines under the edges (shapes): those an update changed, then the selected edge."""
    out, w_max = [], E.widest(p.columns.pitch)
    if view.changed:
        changed = _changed(p.edges)
        if changed.any():
            out.append(E.halo_shape(p.edges, changed, w_max + 9, "changed edges", P.rgba(P.HIGHLIGHT, 0.9)))
    hit = E.selected(p.edges, selected)
    if hit.any():
        out.append(E.halo_shape(p.edges, hit, w_max + 7, "selected edge", P.rgba(P.SELECTED, 0.45)))
    return out


def _changed(edges: E.EdgeSet) -> np.ndarray:
    """Edges whose value differs from the one before the update."""
    return np.array([any(b is not None and v is not None and v != b for _, v, b in q) for q in edges.quantities],
                    dtype=bool)  # fmt: skip


def _edge_points(p: Plan, names: Names, decimals: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Each edge's hover and click point (its label, else part-way along it, spread by receiver so crossings
    differ) and hover text."""
    e, cols = p.edges, p.columns
    counts = np.array([len(d) for d in cols.drawn])
    rank = np.zeros(len(e))
    for k in range(len(counts) - 1):
        at = e.k == k
        order = {int(i): r for r, i in enumerate(cols.drawn[k + 1])}
        n = counts[k + 1]
        rank[at] = [0.5 if n == 1 else 0.35 + 0.3 * order[int(i)] / (n - 1) for i in e.i[at]]
    hx = e.x0 + rank * (e.x1 - e.x0)
    hy = e.y0 + rank * (e.y1 - e.y0)
    for n, spot in enumerate(p.edge_spots):
        if spot is not None:
            hx[n], hy[n] = spot
    hover = []
    for n in range(len(e)):
        k, i, j = int(e.k[n]), int(e.i[n]), int(e.j[n])
        path = f"1 → {names.node(k + 1, i)}" if e.bias[n] else names.edge(k, i, j)
        own = names.bias(k, i) if e.bias[n] else names.weight(k, i, j)
        head = f"{own} · " if names.textbook else ""
        if not e.given[n] or not e.quantities[n]:
            symbol = "b" if e.bias[n] else "w"
            hover.append(f"{head}{symbol}: {path}: not computed yet")
            continue
        lines = (f"{head}{q[0]}: {path} = {quantity_text(q, decimals, False)}" for q in e.quantities[n])
        hover.append("<br>".join(lines))
    return hx, hy, hover


def _edge_label_annotations(p: Plan) -> list[dict]:
    out = []
    for n, (lines, spot) in enumerate(zip(p.edge_labels, p.edge_spots)):
        if lines is None or spot is None:
            continue
        v = p.edges.value[n]
        color = P.POSITIVE_TEXT if v > 0 else P.NEGATIVE_TEXT if v < 0 else P.INK
        font = dict(size=p.font, color=color)
        out.append(dict(x=spot[0], y=spot[1], text="<br>".join(lines), showarrow=False, name="edge label", font=font,
                        bgcolor="rgba(255,255,255,0.88)", borderpad=1))  # fmt: skip
    return out


def _layout(p: Plan, spec, view: DiagramView, names: Names, annotations, shapes, show_bias, decimals) -> dict:
    cols = p.columns
    return dict(
        template="none",
        height=int(round(p.height)),
        margin=dict(l=0, r=0, t=0, b=0, autoexpand=False),
        paper_bgcolor=P.BACKGROUND,
        plot_bgcolor=P.BACKGROUND,
        font=dict(family=P.FONT_FAMILY, size=p.font, color=P.INK),
        xaxis=dict(visible=False, range=[0, p.width], fixedrange=True, showgrid=False, zeroline=False),
        yaxis=dict(visible=False, range=[p.height, 0], fixedrange=True, showgrid=False, zeroline=False),
        showlegend=False,
        hoverlabel=dict(font=dict(size=max(16, p.font), family=P.FONT_FAMILY), bgcolor="white"),
        hovermode="closest",
        hoverdistance=24,
        clickmode="event+select",
        dragmode=False,
        annotations=annotations,
        shapes=shapes,
        meta=dict(
            figure="network",
            drawn=[d.tolist() for d in cols.drawn],
            hidden=[n - len(d) for n, d in zip(spec.layers, cols.drawn)],
            row_px=round(cols.pitch, 1),
            diameter=round(cols.diameter, 1),
            planned=[round(p.width), round(p.height)],
            show_bias=show_bias and spec.bias != "none",
            legend=[e.text for e in p.legend],
            alt=_alt(p, spec, view, names, decimals),
        ),
    )


def _alt(p: Plan, spec, view: DiagramView, names: Names, decimals: int) -> str:
    """The diagram in words: the layers, the first values of each, the range of the edge values."""
    layer_words = layer_names(spec)
    layers = ", ".join(f"{layer_title(spec, k)} ({n})" for k, n in enumerate(spec.layers))
    text = f"Network diagram of a {'-'.join(map(str, spec.layers))} network: {layers}."
    parts = []
    for k, shown in enumerate(view.nodes):
        if shown is None:
            parts.append(f"{layer_words[k]} not computed yet")
        elif shown:
            q = shown[0]
            drawn = p.columns.drawn[k][:ALT_VALUES]
            first = [f"{names.node(k, int(i))} = {N.value_text(q.at(int(i)), decimals)}" for i in drawn]
            more = spec.layers[k] - len(first)
            parts.append(f"{layer_words[k]} {q.symbol}: {', '.join(first)}" + (f" and {more} more" if more else ""))
    if parts:
        text += f" Neurons: {'; '.join(parts)}."
    finite = p.edges.value[np.isfinite(p.edges.value)]
    symbols = " / ".join(dict.fromkeys(shown[0].symbol for shown in view.edges if shown)) or "w"
    if len(finite):
        low, high = format_value(finite.min(), decimals), format_value(finite.max(), decimals)
        text += f" Edges show {symbols} from {low} to {high}: solid positive, dashed negative, wider when larger."
    else:
        text += f" Edges: {symbols} not computed yet."
    if view.active_layer is not None:
        text += f" Highlighted: the {layer_words[view.active_layer]} layer."
    return text
