"""Browser tests: the app served by ``streamlit run``, driven by Playwright in Debian's headless Chromium.

Screenshots go to ``test-output/screenshots/`` (see helpers.py). Without Chromium or Playwright these tests skip,
unless BPVIZ_REQUIRE_BROWSER=1 (CI), where they fail.
"""

import os
import shutil
import socket
import subprocess
import sys
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
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
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
