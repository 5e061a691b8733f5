"""The Step diagram switched in the browser (webui/stepper.py, webui/step_frames.py): Next moves the diagram
even while the server cannot answer, the chart is never replaced while only the stage moves, quick clicks each
move one stage, and a new window size keeps the stage shown.

The stage a drawing shows is its ``layout.datarevision``, "set:stage" (webui/step_frames.py)."""

import os
import signal
import subprocess
from urllib.parse import urlencode

import pytest

from bpviz.io.sharelink import Lesson, encode
from bpviz.lesson.presets import get_preset
from tests.browser.conftest import _free_port, start_server
from tests.browser.helpers import assert_no_exception, click, resize, wait_for_idle, wait_for_layout, wait_for_run
from webui import step as step_ui

CHART = f".st-key-{step_ui.CHART} .js-plotly-plot"
NEXT = f".st-key-{step_ui.NEXT} button:visible"
PROGRESS = '[data-testid="stProgress"]'
_SHOWN_JS = f"() => document.querySelector('{CHART}')?.layout?.datarevision"
_MARK_JS = f"() => {{ window.__bpvizChart = document.querySelector('{CHART}'); }}"
_SAME_JS = f"() => document.querySelector('{CHART}') === window.__bpvizChart"


def _worked_link() -> str:
    p = get_preset("worked")
    return urlencode(encode(Lesson(p.network(), p.data)))


def _shown_stage(page) -> int:
    """The stage the diagram shows (0-based)."""
    return int(page.evaluate(_SHOWN_JS).split(":")[1])


def _progress_stage(page) -> int:
    """The stage the page's progress line says (0-based)."""
    return int(page.locator(PROGRESS).inner_text().split()[1]) - 1


@pytest.fixture
def own_server():
    """A served app of this test alone, which the test may pause."""
    port = _free_port()
    proc = start_server(port)
    yield proc, f"http://127.0.0.1:{port}"
    os.kill(proc.pid, signal.SIGCONT)
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_next_moves_the_diagram_while_the_server_is_paused(own_server, page):
    proc, url = own_server
    page.goto(f"{url}/Step?{_worked_link()}")
    wait_for_run(page)
    wait_for_layout(page)  # the rerun for this window's size would start a new set of drawings, a new chart
    assert _shown_stage(page) == 0 and "0.3775" not in page.locator(f".st-key-{step_ui.CHART}").inner_text()
    page.evaluate(_MARK_JS)
    os.kill(proc.pid, signal.SIGSTOP)  # the server hears nothing and answers nothing until SIGCONT
    try:
        page.locator(NEXT).click()
        page.wait_for_function(f"() => ({_SHOWN_JS})()?.endsWith(':1')", timeout=10_000)
        assert "0.3775" in page.locator(f".st-key-{step_ui.CHART}").inner_text()  # z of h1, stage 2's number
        assert _progress_stage(page) == 0  # the rest of the page waits for the server
    finally:
        os.kill(proc.pid, signal.SIGCONT)
    page.wait_for_function(f"() => document.querySelector('{PROGRESS}')?.innerText.startsWith('Stage 2 of')")
    wait_for_idle(page)
    assert _shown_stage(page) == 1
    assert page.evaluate(_SAME_JS)  # the server's answer left the chart as it was: no new plot
    assert_no_exception(page)


def test_quick_clicks_each_move_one_stage_and_a_new_size_keeps_it(app_url, page):
    page.goto(f"{app_url}/Step?{_worked_link()}")
    wait_for_run(page)
    click(page, page.locator(NEXT))
    wait_for_layout(page)  # the rerun for this window's size would start a new set of drawings, a new chart
    page.evaluate(_MARK_JS)
    for _ in range(3):
        page.locator(NEXT).click()  # no wait for the rerun between clicks
    page.wait_for_function(f"() => document.querySelector('{PROGRESS}')?.innerText.startsWith('Stage 5 of')")
    wait_for_idle(page)
    assert _shown_stage(page) == _progress_stage(page) == 4
    assert page.evaluate(_SAME_JS)
    resize(page, 800, 1280)
    wait_for_layout(page)
    assert _shown_stage(page) == _progress_stage(page) == 4
    assert_no_exception(page)
