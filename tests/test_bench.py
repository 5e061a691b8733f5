"""The benchmark scripts still run against the code as it is (a rename in the app must not leave them broken):
each section once, as small as it goes. Slow: it trains and drives the Step page."""

import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))

import bench  # noqa: E402  (scripts/ is not a package)
import bench_step  # noqa: E402

pytestmark = pytest.mark.slow


def test_the_diagram_section_prints_every_case(capsys):
    bench.bench_diagram(repeats=1)
    out = capsys.readouterr().out
    assert out.count(" ms   JSON ") == 6 and "goal for digits" in out


def test_the_step_click_section_walks_the_digits_page(capsys):
    bench_step.bench_step_click(repeats=1)
    assert capsys.readouterr().out.count("median") == 2


def test_every_section_is_listed():
    assert {"engine", "train-chart", "train-97", "diagram", "step-click"} <= set(bench.SECTIONS)
