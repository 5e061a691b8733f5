"""Numbers as the page shows them, in a bounded width: a fixed count of decimals, scientific notation for a
value that would print as 0 and for one of BIG or more (1e+300 is "1.00e+300", never 301 digits); ``number``
and ``factor`` write the same text as LaTeX for the equations, ``printf_format`` the format of a table column."""

import numpy as np

BIG = 1e6  # from here on a number is written in scientific notation


def format_value(value: float, decimals: int = 4) -> str:
    """``value`` with ``decimals`` decimals; a non-zero value that would print as 0, or one of BIG or more,
    uses scientific notation."""
    v = float(value)
    if not np.isfinite(v):
        return str(v)
    if v == 0:
        return f"{0.0:.{decimals}f}"
    if abs(v) < 0.5 * 10.0**-decimals or abs(v) >= BIG:
        return f"{v:.{max(decimals - 2, 1)}e}"
    return f"{v:.{decimals}f}"


def printf_format(values, decimals: int) -> str:
    """The printf format of a table column holding ``values``: ``decimals`` decimals ("%.4f"), or scientific
    notation ("%.2e") when some value is BIG or more, so no cell grows past a dozen characters."""
    values = np.asarray(values, dtype=float)
    big = values.size and np.nanmax(np.abs(np.where(np.isfinite(values), values, 0.0))) >= BIG
    return f"%.{max(decimals - 2, 1)}e" if big else f"%.{decimals}f"


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


def setting(value: float) -> str:
    """A setting (η, μ, β, ε, λ) as LaTeX in its shortest form: 0.9, 0.001, 10^{-8}, 2.5 \\times 10^{-7}."""
    text = f"{float(value):g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    power = rf"10^{{{int(exponent)}}}"
    return power if mantissa == "1" else rf"{mantissa} \times {power}"
