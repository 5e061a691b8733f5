"""The latency benchmark's quick parts, without a browser: the floor page it serves runs and changes its chart on
each click, its command line reaches the section's options, and its lines say what they measured."""

import json
import sys

from conftest import ROOT
from streamlit.testing.v1 import AppTest

sys.path.insert(0, str(ROOT / "scripts"))

import bench  # noqa: E402  (scripts/ is not a package)
from bench_latency import FLOOR_SCRIPT, Result, row  # noqa: E402


def _chart_y(at) -> list:
    return json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]["y"]


def test_the_floor_page_draws_new_chart_data_on_each_click():
    at = AppTest.from_file(str(ROOT / FLOOR_SCRIPT), default_timeout=30).run()
    seen = [_chart_y(at)]
    for clicks in (1, 2):
        at.button(key="floor_next").click().run()
        assert at.caption[0].value == f"Clicks: {clicks}"
        seen.append(_chart_y(at))
    assert not at.exception
    assert seen[0] != seen[1] != seen[2]


def test_the_command_line_gives_the_latency_section_its_options_and_no_other():
    args = bench.parse(["latency", "diagram", "--clicks", "3"])
    assert args.sections == ["latency", "diagram"]
    assert bench.options_for(bench.SECTIONS["latency"], args) == {"clicks": 3}
    assert bench.options_for(bench.SECTIONS["diagram"], args) == {}
    assert bench.main(["no-such-section"]) == 2


def test_a_line_gives_median_p90_and_the_ratio_to_the_floor_against_its_goal():
    floor = Result("floor", (90.0, 100.0, 110.0))
    step = Result("Step Next", tuple(float(ms) for ms in range(100, 300, 20)))  # 100 … 280: median 190
    assert Result("one", (5.0,)).p90 == 5.0
    assert step.p90 == 260.0  # the 9th of 10
    line = row(step, floor, 1.5)
    assert "median    190 ms" in line and "p90    260 ms" in line and "(10 clicks)" in line
    assert "1.9x the floor (goal <= 1.5x: over)" in line
    assert "goal <= 3x: ok" in row(step, floor, 3.0)
    assert "the floor" not in row(floor)
    assert "settled" not in line
    assert "settled    250 ms" in row(Result("Step Next", (40.0,), settled=(240.0, 250.0, 300.0)), floor, 1.5)
