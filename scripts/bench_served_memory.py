"""Resident size of a served bpviz as browser sessions open one after another (headless Chromium, loopback).

    python scripts/bench_served_memory.py                    # the sessions below
    python scripts/bench_served_memory.py "xor=Train" "digits=Train?net=64-32-16-10&act=sig.sig.smax&..."

Starts ``streamlit run app.py`` on a free port, prints its resident size (VmRSS) before any session, then opens
each ``name=page?query`` in its own Chromium page (1280 × 800), waits until its charts are drawn and the page
is idle, and prints the server's resident size after it (with its training pool's processes). Needs Debian's
``chromium`` (see tests/browser).
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # the browser tests' server, memory reading and waits are reused
TRAIN = "Train?act=relu.relu.smax&loss=cross_entropy&data=spiral&k=3&test=0.2&n=20000&net="
DIGITS = "Train?net=64-32-16-10&act=sig.sig.smax&loss=cross_entropy&data=digits&n=1797&test=0.25"
SESSIONS = ("xor=Train", f"digits={DIGITS}", f"wide={TRAIN}2-4096-16-3", "xor2=Train", f"digits2={DIGITS}",
            f"refused={TRAIN}2-4096-240-3", f"digits3={DIGITS}")  # fmt: skip


def main(sessions) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port, rss_mb, start_server
    from tests.browser.helpers import wait_for_charts, wait_for_idle, wait_for_run

    port = _free_port()
    server = start_server(port)
    try:
        print(f"before any session: {rss_mb(server.pid):.0f} MB (the server with its training pool, if started)")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for count, item in enumerate(sessions, 1):
                name, address = item.split("=", 1)
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.goto(f"http://127.0.0.1:{port}/{address}")
                wait_for_run(page, 120_000)
                wait_for_charts(page)
                wait_for_idle(page)
                print(f"after {name}: {rss_mb(server.pid):.0f} MB ({count} sessions)", flush=True)
            browser.close()
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main(sys.argv[1:] or SESSIONS)
