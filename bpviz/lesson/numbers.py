"""Numbers as the page shows them: a fixed count of decimals, scientific notation for tiny values;
``number`` and ``factor`` write the same text as LaTeX for the equations."""

import numpy as np


def format_value(value: float, decimals: int = 4) -> str:
    """``value`` with ``decimals`` decimals; a non-zero value that would print as 0 uses scientific notation."""
    v = float(value)
    if not np.isfinite(v):
        return str(v)
    if v == 0:
        return f"{0.0:.{decimals}f}"
    if abs(v) < 0.5 * 10.0**-decimals:
        return f"{v:.{max(decimals - 2, 1)}e}"
    return f"{v:.{decimals}f}"


def number(value: float, decimals: int) -> str:
    """``value`` as LaTeX with ``decimals`` decimals (tiny values as m × 10^e), as on the diagram."""
    text = format_value(value, decimals)
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text


def factor(value: float, decimals: int) -> str:
    """``number`` in parentheses when negative, for use inside a product or power."""
    text = number(value, decimals)
    return f"({text})" if float(value) < 0 else text
