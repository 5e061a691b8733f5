"""A dataset from an uploaded CSV file: a ``label`` column (classification) or ``target…`` columns
(regression), every other column a numeric feature; sizes are capped before pandas parses anything."""

import csv
import io
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from bpviz.engine.dataset import Dataset
from bpviz.engine.errors import BpvizError

from .datasets import classification

if TYPE_CHECKING:  # pandas loads on first use, so `python -m bpviz step` starts fast
    import pandas as pd

MAX_ROWS = 100_000
MAX_COLUMNS = 1_000


def read_csv(data: bytes | str, name: str = "upload.csv") -> Dataset:
    """A dataset from CSV text: a ``label`` column (classification) or ``target*`` column(s)
    (regression); every other column is a numeric feature.
    """
    import pandas as pd

    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise BpvizError("csv", "the file is not UTF-8 text") from None
    if not data.strip():
        raise BpvizError("csv", "the file is empty")
    if data.count("\n") > MAX_ROWS + 1:
        raise BpvizError("csv", f"more than {MAX_ROWS:,} rows")
    widest = max(line.count(",") for line in data.splitlines()) + 1  # before pandas, which is slow on wide lines
    if widest > MAX_COLUMNS:
        raise BpvizError("csv", f"a line with {widest:,} columns; at most {MAX_COLUMNS:,} are allowed")
    try:  # only an empty cell is missing: "NaN", "NA" or "null" typed in a cell is text, and said so
        df = pd.read_csv(io.StringIO(data), nrows=MAX_ROWS + 1, keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        raise BpvizError("csv", f"could not read the file as CSV ({_unreadable(data)})") from None
    _no_repeated_names(data)
    if len(df) > MAX_ROWS:
        raise BpvizError("csv", f"more than {MAX_ROWS:,} rows")
    if df.shape[1] > MAX_COLUMNS:
        raise BpvizError("csv", f"{df.shape[1]} columns; at most {MAX_COLUMNS:,} are allowed")
    if len(df) == 0:
        raise BpvizError("csv", "the file has a header but no rows")
    df.columns = [str(c).strip() for c in df.columns]
    targets = [c for c in df.columns if c == "target" or c.startswith("target")]
    if "label" in df.columns and targets:
        raise BpvizError("csv", "has both a 'label' and a 'target' column; keep one")
    if "label" not in df.columns and not targets:
        raise BpvizError("csv", "needs a 'label' column (classification) or 'target' column(s) (regression)")
    outputs = ["label"] if "label" in df.columns else targets
    features = [c for c in df.columns if c not in outputs]
    if not features:
        raise BpvizError("csv", "has no feature columns besides the label/target")
    X = _numeric(df[features], "feature")
    if "label" in df.columns:
        raw = df["label"]
        if raw.isna().any():
            raise BpvizError("csv", f"the label column is empty in row {int(np.argmax(raw.isna())) + 2}")
        classes, labels = np.unique(raw.astype(str), return_inverse=True)
        if len(classes) < 2:
            raise BpvizError("csv", "the label column has a single class; need at least 2")
        if len(classes) > 100:
            raise BpvizError("csv", f"{len(classes)} classes; at most 100 are allowed")
        ds = classification(name, X, labels, list(classes))
        return replace(ds, feature_names=tuple(features))
    return Dataset(name, X, _numeric(df[targets], "target"), None, tuple(features))


def _no_repeated_names(text: str) -> None:
    """Refuse a header that names a column twice (pandas would rename the second "f" to "f.1" silently)."""
    try:
        header = next((row for row in csv.reader(io.StringIO(text)) if row), [])
    except csv.Error:  # a line break Python's reader refuses where pandas read one: pandas's names stand
        return
    seen = set()
    for name in (c.strip() for c in header):
        if name in seen:
            raise BpvizError("csv", f"the column name {name!r} appears more than once in the header")
        seen.add(name)


def _unreadable(text: str) -> str:
    """Why pandas could not split ``text`` into rows and fields, found again by Python's csv module and said
    in our words (pandas's own message names its C tokenizer): the first line with more fields than the
    header (pandas pads a shorter one), or a badly quoted field."""
    rows = csv.reader(io.StringIO(text), strict=True)
    try:
        header = next((row for row in rows if row), None)  # pandas skips blank lines, and so does this
        if header is None:
            return "no line with column names"
        for row in rows:
            if len(row) > len(header):
                return f"line {rows.line_num} has {len(row)} fields, the header has {len(header)}"
    except csv.Error:
        return f"line {rows.line_num}: a field's quotes are not closed or not followed by a comma"
    return "its lines could not be split into fields"


def _to_numbers(column: "pd.Series") -> "pd.Series":
    """A column as floats, NaN where a cell is no number; a whole number too long for a float is infinite
    (pandas raises OverflowError for it), so it is then named as not finite."""
    import pandas as pd

    try:
        return pd.to_numeric(column, errors="coerce")
    except OverflowError:
        return column.map(_float_or_nan)


def _float_or_nan(cell) -> float:
    try:
        return float(cell)
    except OverflowError:  # a whole number of hundreds of digits
        return float("inf")
    except (TypeError, ValueError):
        return float("nan")


def _numeric(frame: "pd.DataFrame", what: str) -> np.ndarray:
    import pandas as pd

    values = frame.apply(_to_numbers).to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        row, col = map(int, np.argwhere(bad)[0])
        cell = frame.iat[row, col]
        shown = "an empty cell" if pd.isna(cell) else _clip(repr(cell.item() if isinstance(cell, np.generic) else cell))
        raise BpvizError(
            "csv", f"{what} column {_clip(repr(frame.columns[col]))}, row {row + 2}: {shown} is not a finite number"
        )
    return values


def _clip(text: str, most: int = 40) -> str:
    """``text`` cut to ``most`` characters (a cell of a few megabytes would fill the page)."""
    return text if len(text) <= most else f"{text[: most - 1]}…"
