"""Resident size of a served bpviz as browser sessions open one after another (headless Chromium, loopback).

    python scripts/bench_served_memory.py                    # the sessions below
    python scripts/bench_served_memory.py "xor=Train" "digits=Train?net=64-32-16-10&act=sig.sig.smax&..."

Starts ``streamlit run app.py`` on a free port, prints its resident size (VmRSS) before any session, then opens
each ``name=page?query`` in its own Chromium page (1280 × 800), waits for its first chart and 3 s more, and
prints the server's resident size after it. Needs Debian's ``chromium`` (see tests/browser).
"""

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRAIN = "Train?act=relu.relu.smax&loss=cross_entropy&data=spiral&k=3&test=0.2&n=20000&net="
DIGITS = "Train?net=64-32-16-10&act=sig.sig.smax&loss=cross_entropy&data=digits&n=1797&test=0.25"
SESSIONS = ("xor=Train", f"digits={DIGITS}", f"wide={TRAIN}2-4096-16-3", "xor2=Train", f"digits2={DIGITS}",
            f"refused={TRAIN}2-4096-240-3", f"digits3={DIGITS}")  # fmt: skip


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) * 1024 / 1e6


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(sessions) -> None:
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                               "--server.port", str(port), "--server.address", "127.0.0.1",
                               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health")
                break
            except OSError:
                time.sleep(0.2)
        print(f"before any session: {rss_mb(server.pid):.0f} MB")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox",
                                                                                    "--disable-gpu"])  # fmt: skip
            for count, item in enumerate(sessions, 1):
                name, address = item.split("=", 1)
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.goto(f"http://127.0.0.1:{port}/{address}")
                page.wait_for_selector('[data-testid="stPlotlyChart"]', timeout=120_000)
                time.sleep(3)  # the page's last figures
                print(f"after {name}: {rss_mb(server.pid):.0f} MB ({count} sessions)", flush=True)
            browser.close()
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main(sys.argv[1:] or SESSIONS)
