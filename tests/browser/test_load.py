"""A class on one server, small enough for CI: 3 sessions train the digits while 3 step through a lesson
(``scripts/bench_load.py``, whose full run is 6 + 6 with timings). Asserted: isolation (each stepping page
ends at its own stage; each training page shows its own run, the epochs it alone asked for) and bounded
memory (the server with its training pool); never a time.

    python -m pytest -q tests/browser/test_load.py
"""

import sys

from tests.browser.conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))

MAX_SESSION_MB = 200  # bpviz.runs.memory.MAX_SESSION_BYTES: what one session may cost above an idle server
POOL_MB = 2 * 160  # a worker process holding a digits run, one per core here (measured about 150 MB)


def test_three_sessions_train_while_three_step_each_seeing_only_its_own(browser):
    from bench_load import load

    clicks = 4
    result = load(trainers=3, steppers=3, clicks=clicks, after=0, browser=browser)  # a server of its own
    assert result.stages == (1 + clicks,) * 3  # each page's own Next clicks, none of another session's
    assert [t.asked for t in result.trained] == [250, 251, 252]  # each page shows the run it asked for
    assert any(t.epoch > 0 for t in result.trained)  # the pool trained
    assert len(result.clicks) == 3 * clicks
    growth = result.peak - result.memory["idle"]
    assert growth < 6 * MAX_SESSION_MB + POOL_MB, result.memory
