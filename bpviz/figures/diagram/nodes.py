"""The nodes of the diagram: circles filled by their first value, their labels, the constant-1 bias nodes,
the "+N more" marks, the layer titles and the highlights of the selected element and the computing layer.

A node whose value is not computed yet is a hollow circle with a dot and "?"; a value of exactly 0 is a grey
disc, so the two never look alike (an 8×8 digit's blank pixels are zeros, not missing values). A node drawn
as a tile (its map painted under it, ``tiles``) is an empty square outline whose hover says its map's range.
"""

import numpy as np

from bpviz.engine.spec import NetworkSpec
from bpviz.lesson.maps import NeuronMaps
from bpviz.lesson.names import Names, layer_title
from bpviz.lesson.numbers import format_value
from bpviz.lesson.shown import DiagramView

from .. import palette as P
from .plan import Plan, more_text


def _fill(value: float, vmax: float) -> str:
    if not np.isfinite(value):
        return P.EMPTY_FILL
    return P.ZERO_FILL if value == 0 else P.shade(value, vmax)


def node_traces(
    plan: Plan, view: DiagramView, spec: NetworkSpec, names: Names, decimals: int, maps: NeuronMaps | None = None
) -> list[dict]:
    """The node markers (with their click data and hover text) and their labels, one text trace per colour
    (plotly dims the text of unselected points after a click unless a trace has one colour); with ``maps``,
    square outlines over the tiles."""
    cols, L = plan.columns, spec.depth
    vmax = [0.0, 0.0]  # the input's own scale, then the scale of layers 1..L
    for k, shown in enumerate(view.nodes):
        if shown:
            finite = np.abs(shown[0].visible[cols.drawn[k]])
            finite = finite[np.isfinite(finite)]
            vmax[k > 0] = max(vmax[k > 0], float(finite.max()) if finite.size else 0.0)
    x, y, custom, hover, fill, line, width, symbol = [], [], [], [], [], [], [], []
    texts, colors, tx, ty = [], [], [], []
    for k in range(L + 1):
        shown, title = view.nodes[k], layer_title(spec, k)
        for r, i in enumerate(cols.drawn[k].tolist()):
            cx, cy = cols.x[k], float(cols.y[k][r])
            name = names.node(k, i)
            x.append(cx)
            y.append(cy)
            custom.append(["node", k, i])
            lines = plan.node_lines[k][r]
            if shown is None:
                fill.append(P.EMPTY_FILL)
                line.append(P.MUTED)
                symbol.append("circle-dot")
                hover.append(f"{name} · {title}<br>not computed yet")
            else:
                value = shown[0].at(i) if shown else np.nan
                hidden = value is None  # the learner's prediction: drawn as a value not computed yet
                fill.append(_fill(np.nan if hidden else value, vmax[k > 0]) if shown else P.NEUTRAL_FILL)
                line.append(P.MUTED if hidden else P.INK)
                symbol.append("circle-dot" if hidden else "circle")
                parts = [f"{q.symbol} = {value_text(q.at(i), decimals)}" for q in shown] if shown else []
                hover.append("<br>".join([f"{name} · {title}", *parts]))
            if maps is not None:
                fill[-1], symbol[-1] = TRANSPARENT, "square"
                hover[-1] += map_hover(maps, k, i, decimals)
            active = view.active_layer == k
            width.append(3.5 if active else 1.5)
            if active:
                line[-1] = P.INK
            if lines:
                texts.append("<br>".join(lines))
                colors.append(P.MUTED if shown is None else P.text_color_on(fill[-1]))
                tx.append(cx)
                ty.append(cy)
    marker = dict(size=round(plan.columns.diameter, 1), color=np.array(fill), symbol=np.array(symbol), opacity=1,
                  line=dict(color=np.array(line), width=np.array(width, dtype=np.float32)))  # fmt: skip
    out = [
        dict(type="scatter", mode="markers", name="neurons", x=np.array(x, np.float32), y=np.array(y, np.float32),
             customdata=np.array(custom, dtype=object), hovertext=np.array(hover),
             hovertemplate="%{hovertext}<extra></extra>", showlegend=False, marker=marker,
             selected=dict(marker=dict(opacity=1)), unselected=dict(marker=dict(opacity=1)), meta=["nodes"])
    ]  # fmt: skip
    texts_arr, colors_arr = np.array(texts), np.array(colors)
    for color in dict.fromkeys(colors):
        rows = np.flatnonzero(colors_arr == color)
        out.append(text_trace("node text", np.array(tx)[rows], np.array(ty)[rows], texts_arr[rows], color,
                              plan.style.font))  # fmt: skip
    return out


TRANSPARENT = "rgba(0,0,0,0)"


def value_text(value: float | None, decimals: int) -> str:
    """A node's value as its hover and the diagram's description write it: "?" while hidden (None)."""
    return "?" if value is None else format_value(value, decimals)


def map_hover(maps: NeuronMaps, layer: int, i: int, decimals: int) -> str:
    """ "<br>a from −0.83 to 0.91 over the plane" for neuron i of ``layer`` (x for the input)."""
    values = maps.values[layer][i]
    low, high = format_value(float(np.nanmin(values)), decimals), format_value(float(np.nanmax(values)), decimals)
    return f"<br>{'x' if layer == 0 else 'a'} from {low} to {high} over the plane"


def text_trace(name: str, x, y, text, color: str, size: float) -> dict:
    """Centred text at (x, y) in one colour that a click selection never dims; not hoverable."""
    font = dict(size=size, color=color, family=P.FONT_FAMILY)
    return dict(type="scatter", mode="text", name=name, x=np.asarray(x, np.float32), y=np.asarray(y, np.float32),
                text=np.asarray(text), textposition="middle center", textfont=font,
                selected=dict(textfont=dict(color=color)), unselected=dict(textfont=dict(color=color)),
                hoverinfo="skip", showlegend=False, meta=["node_text"])  # fmt: skip


def bias_node_trace(plan: Plan, spec: NetworkSpec) -> dict:
    """The constant-1 square under each column k, feeding the biases of layer k+1."""
    cols, L = plan.columns, spec.depth
    frozen = " (frozen)" if spec.bias == "frozen" else ""
    size = round(cols.diameter * 0.8, 1)
    return dict(
        type="scatter",
        mode="markers+text" if size >= 14 else "markers",
        name="bias inputs",
        x=np.array(cols.x[:L], np.float32),
        y=np.full(L, cols.bias_y, dtype=np.float32),
        customdata=[["bias_node", k] for k in range(L)],
        text=["1"] * L,
        textposition="middle center",
        textfont=dict(size=plan.font, color=P.INK, family=P.FONT_FAMILY),
        hovertext=[f"constant 1 → biases of {layer_title(spec, k + 1)}{frozen}" for k in range(L)],
        hovertemplate="%{hovertext}<extra></extra>",
        showlegend=False,
        marker=dict(size=size, symbol="square", color=P.NEUTRAL_FILL, line=dict(color=P.INK, width=1.5)),
        selected=dict(marker=dict(opacity=1), textfont=dict(color=P.INK)),
        unselected=dict(marker=dict(opacity=1), textfont=dict(color=P.INK)),
        meta=["bias_nodes"],
    )


def ring_trace(x: float, y: float, size: float, symbol: str = "circle-open") -> dict:
    """The ring around the selected node (a square one, ``symbol`` "square-open", around a tile)."""
    marker = dict(size=round(size, 1), symbol=symbol, color=P.SELECTED, line=dict(width=4, color=P.SELECTED))
    return dict(type="scatter", mode="markers", name="selected node", x=[x], y=[y], hoverinfo="skip",
                showlegend=False, marker=marker, meta=["selected"])  # fmt: skip


def title_annotations(plan: Plan, active_layer: int | None) -> list[dict]:
    """The layer titles, the computing layer's in bold."""
    out = []
    for k, (lines, box) in enumerate(zip(plan.titles, plan.title_boxes)):
        text = "<br>".join(f"<b>{t}</b>" if (active_layer == k and n == 0) else t for n, t in enumerate(lines))
        out.append(dict(x=plan.columns.x[k], y=box.y0, yanchor="top", showarrow=False, name="header", text=text,
                        font=dict(size=plan.title_font, color=P.INK)))  # fmt: skip
    return out


def more_annotations(plan: Plan, spec: NetworkSpec, names: Names) -> list[dict]:
    """The "+N more" mark of each capped layer, hovering the names it stands for."""
    cols, out = plan.columns, []
    for k, y in enumerate(cols.more_y):
        if y is None:
            continue
        more = spec.layers[k] - len(cols.drawn[k])
        first, last = names.node(k, len(cols.drawn[k]) - 1), names.node(k, spec.layers[k] - 2)
        out.append(dict(x=cols.x[k], y=y, text=more_text(spec.layers, cols, k), showarrow=False, name="more",
                        hovertext=f"{more} more not drawn: {first} … {last}", font=dict(size=plan.font, color=P.INK),
                        bgcolor="rgba(255,255,255,0.9)"))  # fmt: skip
    return out


def active_band(plan: Plan, layer: int) -> dict:
    """The pale band behind the column of the layer the stage computes."""
    x, half = plan.columns.x[layer], 0.55 * plan.columns.diameter + 8
    return dict(type="rect", xref="x", yref="y", x0=x - half, x1=x + half, y0=plan.columns.area.y0,
                y1=plan.columns.area.y1, fillcolor=P.rgba(P.HIGHLIGHT, 0.35), line=dict(width=0), layer="below",
                name="active layer")  # fmt: skip
