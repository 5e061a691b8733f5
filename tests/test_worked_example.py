"""The Markdown export: every stage, with the classic example's published numbers."""

import numpy as np
import pandas as pd

from bpviz import Network, NetworkSpec, get_preset
from bpviz.lesson.export import MAX_ELEMENTS, markdown_table, worked_example
from bpviz.lesson.stages import walk


def test_worked_export_has_every_stage_and_the_published_numbers():
    w = walk(get_preset("worked").network(), [0.05, 0.10], [0.01, 0.99])
    text = worked_example(w, 9)
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == [f"## {i + 1}. {s.label}" for i, s in enumerate(w.stages)]
    for value in ("0.298371109", "0.082167041", "0.358916480", "0.149780716", "0.291027774"):
        assert value in text
    assert text.count("$$") % 2 == 0
    assert "frozen: the gradient is not applied" in text


def test_wide_layers_are_capped():
    spec = NetworkSpec((30, 25, 2), ("sigmoid", "sigmoid"), init="uniform")
    w = walk(Network.initialise(spec), np.zeros(30), [0.0, 1.0])
    text = worked_example(w, 3)
    assert f"… and {25 - MAX_ELEMENTS} more of the same form." in text
    assert "a 25×30 matrix, too large to print here" in text


def test_markdown_table():
    frame = pd.DataFrame({"a": [0.5, -1e-9]}, index=pd.Index(["p", "q"], name="n"))
    assert markdown_table(frame, 2).splitlines() == ["| n | a |", "|---|---|", "| p | 0.50 |", "| q | -1.0e-09 |"]
