"""Colour-blind-safe colours and fonts shared by every bpviz figure.

Sign is always blue (positive) against vermillion (negative), a pair from the
standard eight-colour colour-blind-safe set that stays distinct under the common
colour-vision deficiencies. Figures
must also show sign another way (line dash, a printed minus sign), never by
colour alone.
"""

import numpy as np

# The standard eight-colour colour-blind-safe set, in its usual order.
SAFE_COLOURS = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}
# For categories (classes, train/test curves, learning rates): black is left out.
CATEGORICAL = [SAFE_COLOURS[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky_blue", "yellow")]

POSITIVE = SAFE_COLOURS["blue"]
NEGATIVE = SAFE_COLOURS["vermillion"]
# Darker versions of the sign colours for text on white (contrast ratio ≥ 4.5).
POSITIVE_TEXT = "#005A8C"
NEGATIVE_TEXT = "#9E4500"

INK = "#1F1F1F"  # text and outlines
MUTED = "#8C8C8C"  # "not computed yet", secondary text
FAINT = "#C8C8C8"  # not-computed edges
ZERO = "#A6A6A6"  # values exactly 0
NEUTRAL_FILL = "#EDEDED"  # nodes without a value to show
EMPTY_FILL = "#FFFFFF"  # nodes whose value is not computed yet (drawn hollow, with a dot)
ZERO_FILL = "#C4C4C4"  # nodes whose value is exactly 0
BACKGROUND = "#FFFFFF"
HIGHLIGHT = SAFE_COLOURS["yellow"]  # the active layer's band
SELECTED = "#000000"  # ring around the selected element

# A Plotly colorscale (a list of [position, colour]).
SEQUENTIAL = [[0.0, "#F7F7F7"], [1.0, POSITIVE]]

FONT_FAMILY = "Arial, Helvetica, sans-serif"
FONT_SIZE = 16  # projector-readable base size; never go below MIN_FONT_SIZE
MIN_FONT_SIZE = 14


def hex_to_rgb(color: str) -> tuple[int, int, int]:
    """(r, g, b) in 0..255 from "#RRGGBB"."""
    c = color.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def rgba(color: str, alpha: float) -> str:
    """A CSS "rgba(r,g,b,alpha)" string from "#RRGGBB"."""
    r, g, b = hex_to_rgb(color)
    return f"rgba({r},{g},{b},{alpha:g})"


def mix(color: str, other: str, t: float) -> str:
    """ "#RRGGBB" that is ``t`` of the way from ``color`` to ``other`` (t in [0, 1])."""
    t = min(max(float(t), 0.0), 1.0)
    a, b = hex_to_rgb(color), hex_to_rgb(other)
    return "#" + "".join(f"{round(x + (y - x) * t):02X}" for x, y in zip(a, b))


def shade(value: float, vmax: float, floor: float = 0.12) -> str:
    """Fill colour for ``value`` on a diverging white-centred scale reaching full colour at ``|value| = vmax``.

    ``floor`` is the tint of the smallest non-zero value, so a tiny value still shows its sign.
    """
    if value == 0 or vmax <= 0:
        return "#F7F7F7"
    t = floor + (1.0 - floor) * min(abs(value) / vmax, 1.0)
    return mix("#F7F7F7", POSITIVE if value > 0 else NEGATIVE, t)


def diverging_scale(strength: float = 1.0) -> list:
    """A Plotly colorscale for values in [−m, m] that matches ``shade``: NEGATIVE at −m, near-white at 0,
    POSITIVE at m; ``strength`` below 1 stops that share of the way to the full colours (lighter, for data
    drawn on top)."""
    light = "#F7F7F7"
    return [[0.0, mix(light, NEGATIVE, strength)], [0.5, light], [1.0, mix(light, POSITIVE, strength)]]


def scale_colors(scale: list, n: int = 256) -> np.ndarray:
    """The colours of a Plotly colorscale ``scale`` at n evenly spaced positions 0..1, interpolated in RGB
    between its stops as Plotly does: an (n, 3) uint8 array."""
    stops = np.array([s for s, _ in scale], dtype=float)
    rgb = np.array([hex_to_rgb(c) for _, c in scale], dtype=float)
    t = np.linspace(0.0, 1.0, n)
    return np.rint(np.stack([np.interp(t, stops, rgb[:, c]) for c in range(3)], axis=1)).astype(np.uint8)


def _luminance(color: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in hex_to_rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(fg: str, bg: str) -> float:
    """WCAG contrast ratio of two "#RRGGBB" colours (1 to 21)."""
    hi, lo = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def text_color_on(fill: str) -> str:
    """INK or white, whichever reads better on ``fill``."""
    return INK if contrast_ratio(INK, fill) >= contrast_ratio("#FFFFFF", fill) else "#FFFFFF"
