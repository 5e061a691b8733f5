"""Benchmark of the Step page: the server time of one Next click with the 8x8 digits net (64-32-16-10).

    python scripts/bench.py step-click      # as a section of the benchmark script
    python scripts/bench_step.py            # on its own

A click reruns the page script: it re-slices the stage from the walk kept in session state
(computed once per network version and sample), rebuilds the diagram and the equation
panel, and, when the Tables tab is open, the tables. Measured with AppTest (the script runs
as on the server, without the browser), median over every Next click of ``repeats`` walks
through all 15 stages; goal: at most 100 ms.
"""

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOAL_MS = 100.0


def _click_times(tab: str, repeats: int) -> list[float]:
    from streamlit.testing.v1 import AppTest

    from webui import state
    from webui import step as step_ui

    at = AppTest.from_file(str(ROOT / "pages" / "2_Step.py"), default_timeout=60)
    at.session_state[state.SHARED] = state.Shared.start("digits")
    at.session_state[step_ui.MORE] = True  # the tables and checks open
    at.session_state[step_ui.TABS] = tab
    at.run()
    times = []
    for _ in range(repeats):
        at.selectbox(key=step_ui.JUMP).select(0).run()
        while not at.button(key=step_ui.NEXT).disabled:
            start = time.perf_counter()
            at.button(key=step_ui.NEXT).click().run()
            times.append(time.perf_counter() - start)
        if at.exception:
            raise RuntimeError(at.exception[0].message)
    return times


def bench_step_click(repeats: int = 5) -> None:
    """Median server time of a Next click on the digits net, with the Tables tab open and closed."""
    print(f"Step page, digits 64-32-16-10, one Next click (AppTest, {repeats} walks through the 15 stages):")
    for tab, what in (("Tables", "Tables tab open (default)"), ("Gradient check", "Tables tab closed")):
        times = _click_times(tab, repeats)
        median, worst = statistics.median(times) * 1e3, max(times) * 1e3
        verdict = "ok" if median <= GOAL_MS else "over the goal"
        print(f"  {what:<26} median {median:6.1f} ms, max {worst:6.1f} ms  (goal <= {GOAL_MS:.0f} ms: {verdict})")


if __name__ == "__main__":
    bench_step_click()
