"""Browser tests: the app served by ``streamlit run``, driven by Playwright in Debian's headless Chromium.

Screenshots go to ``test-output/screenshots/`` (see helpers.py). Without Chromium or Playwright these tests skip,
unless BPVIZ_REQUIRE_BROWSER=1 (CI), where they fail.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, require

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    """Mark every test under tests/browser as ``browser`` (a conftest's ``pytestmark`` marks nothing), so
    ``-m "not browser"`` leaves them out."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _need_browser():
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "playwright is not installed"
    else:
        missing = None if shutil.which("chromium") else "Debian's chromium is not installed"
    if missing:
        if require("BPVIZ_REQUIRE_BROWSER"):
            pytest.fail(missing)
        pytest.skip(missing)


def rss_mb(pid: int, tree: bool = True) -> float:
    """Resident memory in MB of the process ``pid`` and, with ``tree``, of every process it started and they
    started (a server's training pool: its fork server and workers), as /proc reports it (VmRSS)."""
    pids, total = [pid], 0.0
    while pids:
        current = pids.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(status.split("VmRSS:")[1].split()[0]) / 1024 if "VmRSS:" in status else 0.0
        if tree:
            pids += _children(current)
    return total


def _children(pid: int) -> list[int]:
    """The processes ``pid`` started, from /proc/<pid>/task/<tid>/children of each of its threads."""
    kids = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids += [int(k) for k in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return kids


def start_server(port: int, script: str = "app.py") -> subprocess.Popen:
    """``streamlit run <script>`` (a path from the repository's root) on 127.0.0.1:port, returned once
    /_stcore/health answers."""
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    env = {k: v for k, v in os.environ.items() if k != "BPVIZ_TRAINING_WORKERS"}  # the pool, as deployed
    log = tempfile.TemporaryFile()  # not a pipe: a pipe nobody reads fills up and stops the server mid-write
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    proc.log = log  # the server's output, for a test or a benchmark that wants to show it
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("streamlit did not start within 30 s")


@pytest.fixture(scope="session")
def app_url():
    """Base URL of a served app, shared by the browser tests of one session."""
    _need_browser()
    port = _free_port()
    proc = start_server(port)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh 1600×1000 page (a projector-sized window); closed after the test."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    pg = context.new_page()
    yield pg
    context.close()
