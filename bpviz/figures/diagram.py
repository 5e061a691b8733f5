"""The network diagram: layers left to right, values on nodes, weights or gradients on edges.

Layer k = 0..L is drawn in column x = k (k = 0 is the input). Edge (k, i, j) is
``W[k][i, j]``: from neuron j of layer k to neuron i of layer k+1 (rows of W are
the receiving neurons). Only the first ``max_per_layer - 1`` neurons and the
last one of a wide layer are drawn; a "+N more" mark stands for the rest. On deep
wide nets the cap is lowered (not below 8) until at most ``MAX_DRAWN_EDGES`` edges
are drawn, so the largest net the spec allows still draws quickly.

Every clickable point carries ``customdata`` naming what it is:
``["node", layer, i]``, ``["edge", k, i, j]``, ``["bias", k, i]`` (the bias
``b[k][i]`` of neuron i of layer k+1, drawn as an edge from a constant-1 node)
and ``["bias_node", k]`` (that constant-1 node, not selectable).
``selection_from_event`` turns a Streamlit plotly selection back into such a tuple.
"""

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from bpviz.engine.network import Network
from bpviz.figures import palette as P
from bpviz.lesson.names import bias_symbol, layer_names, layer_title, neuron_name
from bpviz.lesson.numbers import format_value
from bpviz.lesson.selection import is_valid_selection

MAX_DRAWN_EDGES = 3000
_MAG_BINS = np.array([0.2, 0.4, 0.6, 0.8])  # |value| / max|value| bin edges: 5 widths per sign
_MARGIN_TOP = 66
_LEGEND_ROW_PX = 22  # the legend sits in the bottom margin, about 4 entries a row
_TARGET_PLOT_PX = 640
_MAX_VALUES_PLOT_PX = 820  # grow rows up to this to fit values inside the nodes


# ----------------------------------------------------------------------------- names




def drawn_indices(n: int, max_per_layer: int) -> np.ndarray:
    """Neuron indices drawn for a layer of n: all of them, or the first max_per_layer - 1 and the last."""
    if n <= max_per_layer:
        return np.arange(n)
    return np.append(np.arange(max_per_layer - 1), n - 1)


def _layer_cap(layers: Sequence[int], max_per_layer: int) -> int:
    """``max_per_layer``, lowered until the drawn edges number at most MAX_DRAWN_EDGES (never below 8)."""
    cap = max_per_layer
    while cap > 8 and sum(min(m, cap) * min(n, cap) for m, n in zip(layers, layers[1:])) > MAX_DRAWN_EDGES:
        cap -= 1
    return cap


def _column(n: int, max_per_layer: int) -> tuple[np.ndarray, np.ndarray, float | None]:
    """(drawn indices, their y, y of the "+N more" mark or None), centred on y = 0, top to bottom."""
    idx = drawn_indices(n, max_per_layer)
    if len(idx) == n:
        return idx, (n - 1) / 2 - np.arange(n, dtype=float), None
    slots = len(idx) + 1
    y = (slots - 1) / 2 - np.arange(slots, dtype=float)
    gap = len(idx) - 1
    return idx, np.delete(y, gap), float(y[gap])


def _check_list(name: str, values, count: int) -> list:
    if values is None:
        return [None] * count
    if isinstance(values, np.ndarray) or not isinstance(values, Sequence) or len(values) != count:
        raise ValueError(f"{name} must be a list of {count} arrays or None")
    return list(values)


def _vector(name: str, value, n: int) -> np.ndarray | None:
    if value is None:
        return None
    arr = np.asarray(value, dtype=float)
    if arr.size != n or (arr.ndim == 2 and arr.shape[0] != 1) or arr.ndim > 2:
        raise ValueError(f"{name} has shape {arr.shape}; expected ({n},) or (1, {n})")
    return arr.reshape(n)


def _matrix(name: str, value, shape: tuple[int, int]) -> np.ndarray | None:
    if value is None:
        return None
    arr = np.asarray(value, dtype=float)
    if arr.shape != shape:
        raise ValueError(f"{name} has shape {arr.shape}; expected {shape}")
    return arr


_NARROW = {".": 0.28, "-": 0.33, "1": 0.5, "_": 0.56}


def _text_px(text: str, font: float) -> float:
    """Rough rendered width of ``text`` in px (Arial: digits 0.56 em, "." 0.28 em)."""
    return font * sum(_NARROW.get(c, 0.58) for c in text)


# ----------------------------------------------------------------------------- the figure


def _text_trace(name: str, x, y, text, color: str, size: float) -> dict:
    """Centred text at (x, y) in one colour that a click selection never dims; not hoverable."""
    return dict(
        type="scatter",
        mode="text",
        name=name,
        x=np.asarray(x, dtype=np.float32),
        y=np.asarray(y, dtype=np.float32),
        text=np.asarray(text),
        textposition="middle center",
        textfont=dict(size=size, color=color, family=P.FONT_FAMILY),
        selected=dict(textfont=dict(color=color)),
        unselected=dict(textfont=dict(color=color)),
        hoverinfo="skip",
        showlegend=False,
        meta=["node_text"],
    )


def network_figure(
    net: Network,
    *,
    show_bias: bool = False,
    max_per_layer: int = 32,
    node_values: list[np.ndarray | None] | None = None,
    node_symbol: str | Sequence[str] = "a",
    edge_values: list[np.ndarray | None] | None = None,
    bias_values: list[np.ndarray | None] | None = None,
    edge_symbol: str = "w",
    active_layer: int | None = None,
    selected: tuple | None = None,
    decimals: int = 4,
    height: int | None = None,
    edge_labels: bool | None = None,
    scale: float = 1.0,
) -> go.Figure:
    """The diagram of ``net`` as a plotly Figure.

    node_values: L+1 entries; entry k is layer k's values, shape (n_k,) or (1, n_k), or None
        for "not computed yet" (drawn hollow with "?"). None: nodes show their names only.
    edge_values: L entries of W[k].shape (n_{k+1}, n_k) or None ("not computed yet", faint dotted).
        None: the weights ``net.W``.
    bias_values: L entries of shape (n_{k+1},) or None; default ``net.b``. Drawn only when
        ``show_bias`` and the spec has biases, as edges from a constant-1 square node per layer.
    node_symbol / edge_symbol: what the values are ("a", "z", "δ" / "w", "∂L/∂w"), for hover and
        legend; bias edges use ``bias_symbol(edge_symbol)``. node_symbol may also list one symbol
        per layer (L+1 entries, e.g. z on the layer just computed and a elsewhere).
    active_layer: a layer 0..L to highlight (band behind the column, bold outlines and header).
    selected: ("node", l, i), ("edge", k, i, j) or ("bias", k, i) to ring or outline; ignored if
        not drawn or out of range.
    height: figure height in px; default grows with the tallest drawn column.
    edge_labels: print values on the edges; default only for small nets with room for them.
    scale: multiplies the type, the node size and the default row height (1.6 for a projector).

    Edges: colour and dash by sign (blue solid > 0, vermillion dashed < 0, grey = 0), width
    ∝ |value| / the largest |value| drawn, in 5 bins per sign, one trace per bin. Node fill:
    shade ∝ |value| relative to the largest |value| of layers 1..L (the input on its own scale).
    """
    spec = net.spec
    layers, L = spec.layers, spec.depth
    if not isinstance(max_per_layer, int) or max_per_layer < 2:
        raise ValueError("max_per_layer must be an int ≥ 2")
    if not 0.5 <= scale <= 4:
        raise ValueError("scale must be between 0.5 and 4")
    node_vals = None if node_values is None else _check_list("node_values", node_values, L + 1)
    if node_vals is not None:
        node_vals = [_vector(f"node_values[{k}]", v, layers[k]) for k, v in enumerate(node_vals)]
    if edge_values is None:
        edge_vals = list(net.W)
    else:
        edge_vals = _check_list("edge_values", edge_values, L)
        edge_vals = [_matrix(f"edge_values[{k}]", v, spec.shapes[k]) for k, v in enumerate(edge_vals)]
    with_bias = show_bias and spec.bias != "none"
    if with_bias:
        bias_vals = list(net.b) if bias_values is None else _check_list("bias_values", bias_values, L)
        bias_vals = [_vector(f"bias_values[{k}]", v, layers[k + 1]) for k, v in enumerate(bias_vals)]
    if active_layer is not None and not (isinstance(active_layer, int) and 0 <= active_layer <= L):
        raise ValueError(f"active_layer must be a layer 0..{L} or None")
    if selected is not None and not is_valid_selection(spec, selected):
        selected = None
    node_syms = [node_symbol] * (L + 1) if isinstance(node_symbol, str) else list(node_symbol)
    if len(node_syms) != L + 1:
        raise ValueError(f"node_symbol must be a string or a list of {L + 1} strings")
    node_symbol = " / ".join(dict.fromkeys(node_syms))  # the legend names every symbol shown

    # Geometry: columns of drawn nodes, the "+N more" marks, the bias row below everything.
    cap = _layer_cap(layers, max_per_layer)
    cols = [_column(n, cap) for n in layers]
    idx = [c[0] for c in cols]
    ys = [c[1] for c in cols]
    y_low = min(min(float(y[-1]), g if g is not None else np.inf) for _, y, g in cols)
    y_high = max(float(y[0]) for y in ys)
    bias_y = y_low - 1.0 if with_bias else None
    y_min = (bias_y if with_bias else y_low) - 0.6
    y_max = y_high + 0.6
    span = y_max - y_min
    pos = {}  # (layer, neuron) -> y, for drawn nodes
    for k in range(L + 1):
        pos.update(zip(((k, int(i)) for i in idx[k]), ys[k].tolist()))
    names = [[neuron_name(k, int(i), L) for i in idx[k]] for k in range(L + 1)]

    # Rows: about _TARGET_PLOT_PX for the plot, 22..100 px a row (times scale); node size and what fits inside it.
    def sized(px: float) -> float:
        return round(px * scale, 1)

    margin_top = round(_MARGIN_TOP * scale)
    legend_entries = 4 + with_bias + any(v is None for v in edge_vals)
    if node_vals is not None:
        legend_entries += 3 + any(v is None for v in node_vals)
    margin_bottom = round(18 + sized(_LEGEND_ROW_PX) * -(-legend_entries // max(round(4 / scale), 1)))
    row_px = float(np.clip(sized(_TARGET_PLOT_PX) / span, sized(22), sized(100)))
    if height is not None:
        row_px = max((int(height) - margin_top - margin_bottom) / span, 4.0)
    value_font = sized(15)
    size = 0.62 * row_px
    node_texts = None
    values_inside = False
    if node_vals is not None:
        node_texts = [
            ["?"] * len(idx[k]) if v is None else [format_value(v[i], decimals) for i in idx[k]]
            for k, v in enumerate(node_vals)
        ]
        # Name over value, two lines inside the circle.
        widest = max(_text_px(t, value_font) for col in (*node_texts, *names) for t in col)
        need = max(widest + 12, 2.6 * value_font + 8)
        if height is None and need > 0.88 * row_px and span * need / 0.88 <= sized(_MAX_VALUES_PLOT_PX):
            row_px = need / 0.88
        values_inside = need <= 0.88 * row_px
        size = max(size, need) if values_inside else size
    size = float(np.clip(size, 8, sized(80)))
    names_inside = node_texts is None and max(_text_px(n, value_font) for col in names for n in col) <= size - 8
    fig_height = int(round(span * row_px)) + margin_top + margin_bottom if height is None else int(height)

    # Edge data for every drawn edge (and bias edge), flattened.
    x0, y0, y1, vals, given, kind, ek, ei, ej, t = [], [], [], [], [], [], [], [], [], []
    for k in range(L):
        src, dst = idx[k], idx[k + 1]
        nd, ns = len(dst), len(src)
        tt = np.full(nd, 0.5) if nd == 1 else 0.35 + 0.3 * np.arange(nd) / (nd - 1)
        V = edge_vals[k]
        sub = np.full((nd, ns), np.nan) if V is None else V[np.ix_(dst, src)]
        x0.append(np.full(nd * ns, k, dtype=float))
        y0.append(np.broadcast_to(ys[k][None, :], (nd, ns)).ravel())
        y1.append(np.broadcast_to(ys[k + 1][:, None], (nd, ns)).ravel())
        vals.append(sub.ravel())
        given.append(np.full(nd * ns, V is not None))
        kind.append(np.zeros(nd * ns, dtype=np.int8))
        ek.append(np.full(nd * ns, k))
        ei.append(np.broadcast_to(dst[:, None], (nd, ns)).ravel())
        ej.append(np.broadcast_to(src[None, :], (nd, ns)).ravel())
        t.append(np.broadcast_to(tt[:, None], (nd, ns)).ravel())
        if with_bias:
            bv = bias_vals[k]
            x0.append(np.full(nd, k, dtype=float))
            y0.append(np.full(nd, bias_y))
            y1.append(ys[k + 1])
            vals.append(np.full(nd, np.nan) if bv is None else bv[dst])
            given.append(np.full(nd, bv is not None))
            kind.append(np.ones(nd, dtype=np.int8))
            ek.append(np.full(nd, k))
            ei.append(dst)
            ej.append(np.full(nd, -1))
            t.append(tt)
    x0, y0, y1, vals, given, kind, ek, ei, ej, t = (
        np.concatenate(a) for a in (x0, y0, y1, vals, given, kind, ek, ei, ej, t)
    )
    x1 = x0 + 1.0
    finite = np.isfinite(vals)
    absv = np.abs(np.where(finite, vals, 0.0))
    vmax = float(absv.max()) if len(absv) else 0.0
    if edge_labels is None:
        edge_labels = row_px >= 70 and all(len(idx[k + 1]) <= 3 and len(idx[k]) + with_bias <= 4 for k in range(L))

    # Styles scale with density.
    w_max = float(np.clip(row_px / 13, 2.5, 7.0))
    alpha = 0.9 if row_px >= 60 else 0.6 if row_px >= 35 else 0.45
    sym_w, sym_b = edge_symbol, bias_symbol(edge_symbol)

    traces: list[dict] = []
    shapes: list[dict] = []
    annotations: list[dict] = []

    def segments(mask):
        n = int(mask.sum())
        xs = np.empty((n, 3), dtype=np.float32)
        yy = np.empty((n, 3), dtype=np.float32)
        xs[:, 0], xs[:, 1], xs[:, 2] = x0[mask], x1[mask], np.nan
        yy[:, 0], yy[:, 1], yy[:, 2] = y0[mask], y1[mask], np.nan
        return xs.ravel(), yy.ravel()

    def line_trace(name, mask, color, width, dash, meta):
        xs, yy = segments(mask)
        return dict(
            type="scatter",
            mode="lines",
            name=name,
            x=xs,
            y=yy,
            hoverinfo="skip",
            showlegend=False,
            line=dict(color=color, width=round(width, 2), dash=dash),
            meta=meta,
        )

    def dash_for(width):
        return f"{max(8.0, 2.4 * width):.0f}px,{max(5.0, 1.3 * width):.0f}px"

    # Selected edge: a dark halo under the edge traces.
    sel_edge = None
    if selected is not None and selected[0] in ("edge", "bias"):
        want_kind = 0 if selected[0] == "edge" else 1
        hit = (kind == want_kind) & (ek == selected[1]) & (ei == selected[2])
        if want_kind == 0:
            hit &= ej == selected[3]
        if hit.any():
            sel_edge = int(np.flatnonzero(hit)[0])
            traces.append(line_trace("selected edge", hit, P.rgba(P.SELECTED, 0.85), w_max + 7, "solid", ["selected"]))

    not_computed = ~finite
    if not_computed.any():
        faint = P.FAINT if row_px >= 60 else P.rgba(P.FAINT, 0.55)  # a dense grey mass would outweigh the values
        traces.append(
            line_trace("not computed", not_computed, faint, 1.5 if row_px >= 60 else 1.0, "dot", ["edges", "none"])
        )
    zero = finite & (vals == 0)
    if zero.any():
        traces.append(line_trace("zero", zero, P.rgba(P.ZERO, alpha), 1.0, "solid", ["edges", "zero"]))
    if vmax > 0:
        mag_bin = np.digitize(absv / vmax, _MAG_BINS)
        for sign, color, label in ((1, P.POSITIVE, "positive"), (-1, P.NEGATIVE, "negative")):
            for b in range(len(_MAG_BINS) + 1):
                mask = finite & (np.sign(vals) == sign) & (mag_bin == b)
                if mask.any():
                    width = max(0.8, w_max * (b + 0.5) / (len(_MAG_BINS) + 1))
                    dash = "solid" if sign > 0 else dash_for(width)
                    traces.append(
                        line_trace(f"{label} {b}", mask, P.rgba(color, alpha), width, dash, ["edges", label, b])
                    )

    # Invisible hover/click markers part-way along each edge (spread by receiver so crossings differ).
    hx = (x0 + t).astype(np.float32)
    hy = (y0 + t * (y1 - y0)).astype(np.float32)
    # "" = not computed yet (its layer was None); a NaN or inf that was computed prints as such.
    texts = [format_value(v, decimals) if g else "" for v, g in zip(vals.tolist(), given.tolist())]
    hover_size = max(8.0, min(16.0, row_px / 4))
    for kd in (0, 1):
        rows = np.flatnonzero(kind == kd)
        if not len(rows):
            continue
        k_, i_, j_ = ek[rows].tolist(), ei[rows].tolist(), ej[rows].tolist()
        custom = np.empty((len(rows), 4 - kd), dtype=object)
        custom[:, 0] = "edge" if kd == 0 else "bias"
        custom[:, 1], custom[:, 2] = k_, i_
        if kd == 0:
            custom[:, 3] = j_
            labels = [f"{sym_w}: {neuron_name(k, j, L)} → {neuron_name(k + 1, i, L)}" for k, i, j in zip(k_, i_, j_)]
        else:
            labels = [f"{sym_b}: 1 → {neuron_name(k + 1, i, L)}" for k, i in zip(k_, i_)]
        hover = [
            f"{label} = {texts[n]}" if texts[n] else f"{label}: not computed yet" for label, n in zip(labels, rows)
        ]
        traces.append(
            dict(
                type="scatter",
                mode="markers",
                name="edge values" if kd == 0 else "bias values",
                x=hx[rows],
                y=hy[rows],
                customdata=custom,
                hovertext=np.array(hover),
                hovertemplate="%{hovertext}<extra></extra>",
                showlegend=False,
                marker=dict(size=hover_size, color="rgba(0,0,0,0)"),
                selected=dict(marker=dict(opacity=1)),
                unselected=dict(marker=dict(opacity=1)),
                meta=["edge_hover" if kd == 0 else "bias_hover"],
            )
        )
    if edge_labels:
        for n in range(len(vals)):
            if finite[n]:
                annotations.append(
                    dict(
                        x=float(hx[n]),
                        y=float(hy[n]),
                        text=texts[n],
                        showarrow=False,
                        name="edge label",
                        font=dict(
                            size=sized(14),
                            color=P.POSITIVE_TEXT if vals[n] > 0 else P.NEGATIVE_TEXT if vals[n] < 0 else P.INK,
                        ),
                        bgcolor="rgba(255,255,255,0.88)",
                        borderpad=1,
                    )
                )

    # Neuron nodes.
    nvmax = [0.0, 0.0]  # input scale, scale of layers 1..L
    if node_vals is not None:
        for k, v in enumerate(node_vals):
            if v is not None and len(idx[k]):
                f = v[idx[k]]
                f = np.abs(f[np.isfinite(f)])
                if f.size:
                    nvmax[k > 0] = max(nvmax[k > 0], float(f.max()))
    nx, ny, ncustom, nhover, nfill, nline, nlw, ntext, ntcolor = [], [], [], [], [], [], [], [], []
    for k in range(L + 1):
        title = layer_title(spec, k)
        v = None if node_vals is None else node_vals[k]
        for r, i in enumerate(idx[k].tolist()):
            nx.append(k)
            ny.append(pos[(k, i)])
            ncustom.append(["node", k, i])
            name = names[k][r]
            active = active_layer == k
            if node_vals is None:
                fill, line, text = P.NEUTRAL_FILL, P.INK, name if names_inside else ""
                nhover.append(f"{name} · {title}")
            elif v is None:
                fill, line = P.EMPTY_FILL, P.MUTED
                text = f"{name}<br>?" if values_inside else "?" if size >= 14 else ""
                nhover.append(f"{name} · {title}<br>{node_syms[k]}: not computed yet")
            else:
                value = float(v[i])
                fill = P.shade(value, nvmax[k > 0]) if np.isfinite(value) else P.EMPTY_FILL
                line = P.INK
                text = f"{name}<br>{node_texts[k][r]}" if values_inside else ""
                nhover.append(f"{name} · {title}<br>{node_syms[k]} = {node_texts[k][r]}")
            nfill.append(fill)
            nline.append(P.INK if active else line)
            nlw.append(3.5 if active else 1.5)
            ntext.append(text)
            ntcolor.append(P.MUTED if text.endswith("?") else P.text_color_on(fill))
    traces.append(
        dict(
            type="scatter",
            mode="markers",
            name="neurons",
            x=np.array(nx, dtype=np.float32),
            y=np.array(ny, dtype=np.float32),
            customdata=np.array(ncustom, dtype=object),
            hovertext=np.array(nhover),
            hovertemplate="%{hovertext}<extra></extra>",
            showlegend=False,
            marker=dict(
                size=round(size, 1),
                color=np.array(nfill),
                line=dict(color=np.array(nline), width=np.array(nlw, dtype=np.float32)),
                symbol="circle",
                opacity=1,
            ),
            selected=dict(marker=dict(opacity=1)),
            unselected=dict(marker=dict(opacity=1)),
            meta=["nodes"],
        )
    )
    # Text in one trace per colour: plotly dims unselected text after a click unless given one colour.
    ntext_arr, ntcolor_arr = np.array(ntext), np.array(ntcolor)
    for color in dict.fromkeys(ntcolor):
        rows = np.flatnonzero((ntcolor_arr == color) & (ntext_arr != ""))
        if len(rows):
            traces.append(
                _text_trace("node text", np.array(nx)[rows], np.array(ny)[rows], ntext_arr[rows], color, value_font)
            )

    # Constant-1 bias nodes.
    if with_bias:
        frozen = " (frozen)" if spec.bias == "frozen" else ""
        traces.append(
            dict(
                type="scatter",
                mode="markers+text" if size >= 14 else "markers",
                name="bias inputs",
                x=np.arange(L, dtype=np.float32),
                y=np.full(L, bias_y, dtype=np.float32),
                customdata=[["bias_node", k] for k in range(L)],
                text=["1"] * L,
                textposition="middle center",
                textfont=dict(size=value_font, color=P.INK, family=P.FONT_FAMILY),
                hovertext=[f"constant 1 → biases of {layer_names(spec)[k + 1]}{frozen}" for k in range(L)],
                hovertemplate="%{hovertext}<extra></extra>",
                showlegend=False,
                marker=dict(
                    size=round(size * 0.8, 1), symbol="square", color=P.NEUTRAL_FILL, line=dict(color=P.INK, width=1.5)
                ),
                selected=dict(marker=dict(opacity=1), textfont=dict(color=P.INK)),
                unselected=dict(marker=dict(opacity=1), textfont=dict(color=P.INK)),
                meta=["bias_nodes"],
            )
        )

    # Selection ring on a node; end markers on a selected edge.
    if selected is not None and selected[0] == "node" and (selected[1], selected[2]) in pos:
        traces.append(
            dict(
                type="scatter",
                mode="markers",
                name="selected node",
                x=[selected[1]],
                y=[pos[(selected[1], selected[2])]],
                hoverinfo="skip",
                showlegend=False,
                marker=dict(
                    size=round(size + 14, 1),
                    symbol="circle-open",
                    color=P.SELECTED,
                    line=dict(width=4, color=P.SELECTED),
                ),
                meta=["selected"],
            )
        )
    if sel_edge is not None:
        traces.append(
            dict(
                type="scatter",
                mode="markers",
                name="selected edge point",
                x=[float(hx[sel_edge])],
                y=[float(hy[sel_edge])],
                hoverinfo="skip",
                showlegend=False,
                marker=dict(size=14, symbol="diamond", color=P.SELECTED),
                meta=["selected"],
            )
        )

    # "+N more" marks and column headers (three short lines when the columns are many and narrow).
    narrow = L + 1 > 5
    for k, (_, _, gap_y) in enumerate(cols):
        if gap_y is not None:
            more = layers[k] - len(idx[k])
            first, last = neuron_name(k, len(idx[k]) - 1, L), neuron_name(k, layers[k] - 2, L)
            annotations.append(
                dict(
                    x=k,
                    y=gap_y,
                    text=f"⋮ +{more}" if narrow else f"⋮ +{more} more",
                    hovertext=f"{more} more not drawn: {first} … {last}",
                    showarrow=False,
                    name="more",
                    font=dict(size=sized(14), color=P.INK),
                    bgcolor="rgba(255,255,255,0.9)",
                )
            )
    for k in range(L + 1):
        head = layer_names(spec)[k]
        if active_layer == k:
            head = f"<b>{head}</b>"
        if k == 0:
            text = f"{head}<br>({layers[k]})"
        elif narrow:
            text = f"{head}<br>{spec.activations[k - 1]}<br>({layers[k]})"
        else:
            text = f"{head}<br>{spec.activations[k - 1]} ({layers[k]})"
        annotations.append(
            dict(
                x=k,
                y=1.0,
                xref="x",
                yref="paper",
                yanchor="top",
                yshift=margin_top - 6,
                showarrow=False,
                name="header",
                text=text,
                font=dict(size=sized(14 if narrow else 16), color=P.INK),
            )
        )
    if active_layer is not None:
        shapes.append(
            dict(
                type="rect",
                xref="x",
                yref="paper",
                x0=active_layer - 0.36,
                x1=active_layer + 0.36,
                y0=0,
                y1=1.0,
                fillcolor=P.rgba(P.HIGHLIGHT, 0.35),
                line=dict(width=0),
                layer="below",
                name="active layer",
            )
        )

    # Legend: line style by sign and what width means; node fill by sign and what shade means.
    def legend_line(name, color, dash, width=4):
        return dict(
            type="scatter",
            mode="lines",
            name=name,
            x=[None],
            y=[None],
            showlegend=True,
            line=dict(color=color, width=width, dash=dash),
            hoverinfo="skip",
            meta=["legend"],
        )

    def legend_marker(name, color, line, symbol="circle"):
        return dict(
            type="scatter",
            mode="markers",
            name=name,
            x=[None],
            y=[None],
            showlegend=True,
            hoverinfo="skip",
            marker=dict(size=sized(16), color=color, symbol=symbol, line=dict(color=line, width=1.5)),
            meta=["legend"],
        )

    traces.append(legend_line(f"{sym_w} > 0 (solid)", P.POSITIVE, "solid"))
    traces.append(legend_line(f"{sym_w} < 0 (dashed)", P.NEGATIVE, dash_for(4)))
    traces.append(legend_line(f"width ∝ |{sym_w}|", P.ZERO, "solid", 7))
    if zero.any():
        traces.append(legend_line(f"{sym_w} = 0 (thin grey)", P.ZERO, "solid", 1.5))
    if (~given).any():
        traces.append(legend_line("not computed yet (dotted)", P.FAINT, "dot", 2))
    if (given & ~finite).any():
        traces.append(legend_line("NaN or infinite (dotted)", P.FAINT, "dot", 2))
    if node_vals is not None:
        traces.append(legend_marker(f"{node_symbol} > 0", P.shade(1, 1), P.INK))
        traces.append(legend_marker(f"{node_symbol} < 0", P.shade(-1, 1), P.INK))
        traces.append(legend_marker(f"shade ∝ |{node_symbol}|", P.shade(0.35, 1), P.INK))
        if any(v is None for v in node_vals):
            traces.append(legend_marker(f"{node_symbol} not computed yet", P.EMPTY_FILL, P.MUTED))
    if with_bias:
        traces.append(legend_marker("1 = bias input", P.NEUTRAL_FILL, P.INK, "square"))

    layout = dict(
        template="none",
        height=fig_height,
        margin=dict(l=8, r=8, t=margin_top, b=margin_bottom, autoexpand=True),
        paper_bgcolor=P.BACKGROUND,
        plot_bgcolor=P.BACKGROUND,
        font=dict(family=P.FONT_FAMILY, size=sized(P.FONT_SIZE), color=P.INK),
        xaxis=dict(visible=False, range=[-0.55, L + 0.55], fixedrange=True, showgrid=False, zeroline=False),
        yaxis=dict(visible=False, range=[y_min, y_max], fixedrange=True, showgrid=False, zeroline=False),
        showlegend=True,
        legend=dict(
            orientation="h",
            x=0.0,
            xanchor="left",
            y=0.0,
            yanchor="top",
            font=dict(size=sized(14)),
            itemclick=False,
            itemdoubleclick=False,
            bgcolor="rgba(255,255,255,0)",
        ),
        hoverlabel=dict(font=dict(size=sized(16), family=P.FONT_FAMILY), bgcolor="white"),
        hovermode="closest",
        hoverdistance=24,
        clickmode="event+select",
        dragmode=False,
        annotations=annotations,
        shapes=shapes,
        meta=dict(
            figure="network",
            drawn=[i.tolist() for i in idx],
            hidden=[layers[k] - len(idx[k]) for k in range(L + 1)],
            row_px=round(row_px, 1),
            show_bias=with_bias,
            alt=_alt(spec, idx, node_vals, node_syms, vals[finite], sym_w, active_layer, decimals),
        ),
    )
    return go.Figure(dict(data=traces, layout=layout))


_ALT_VALUES = 4  # values a layer lists in the text alternative


def _alt(spec, idx, node_vals, node_syms, edge_vals, sym_w, active_layer, decimals) -> str:
    """The diagram in words: the layers, the first values of each, the range of the edge values."""
    L, names = spec.depth, layer_names(spec)
    layers = ", ".join(f"{layer_title(spec, k)} ({n})" for k, n in enumerate(spec.layers))
    text = f"Network diagram of a {'-'.join(map(str, spec.layers))} network: {layers}."
    if node_vals is not None:
        parts = []
        for k, v in enumerate(node_vals):
            if v is None:
                parts.append(f"{names[k]} not computed yet")
                continue
            shown = [f"{neuron_name(k, i, L)} = {format_value(v[i], decimals)}" for i in idx[k][:_ALT_VALUES]]
            more = len(v) - len(shown)
            parts.append(f"{names[k]} {node_syms[k]}: {', '.join(shown)}" + (f" and {more} more" if more else ""))
        text += f" Neurons: {'; '.join(parts)}."
    if len(edge_vals):
        low, high = format_value(edge_vals.min(), decimals), format_value(edge_vals.max(), decimals)
        text += f" Edges show {sym_w} from {low} to {high}: solid positive, dashed negative, wider when larger."
    else:
        text += f" Edges: {sym_w} not computed yet."
    if active_layer is not None:
        text += f" Highlighted: the {names[active_layer]} layer."
    return text
