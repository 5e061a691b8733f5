"""Memory of one session: the estimate (``bpviz.runs.memory``) next to the peak a session was measured to reach.

    python scripts/bench_memory.py               # every configuration, one subprocess each
    python scripts/bench_memory.py digits spiral # the named ones

Each configuration runs in its own Python process: AppTest first walks one session of the default lesson and
one of the digits as below (so imports, first-use caches and Streamlit's own objects exist, as on a server that
has served a class), the peak resident size (Linux's VmHWM) is reset, and then
one session does what a visitor does with the configuration: opens its link,
steps the Step page and applies three updates, runs the gradient check, starts a run and trains a few ticks,
compares the default learning rates, and visits Design. "measured" is the peak above the resident size before
that session (MB); "estimate" is ``memory.total`` of the same load. Memory freed by Python is reused, not
returned, so the peak is what the server process grows by.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

SPIRAL = {"act": "relu.relu.smax", "loss": "cross_entropy", "data": "spiral", "k": "3", "test": "0.2"}
# name: the link's query
CONFIGS = {
    "xor": {},
    "digits": {
        "net": "64-32-16-10",
        "act": "sig.sig.smax",
        "loss": "cross_entropy",
        "data": "digits",
        "n": "1797",
        "test": "0.25",
        "bs": "32",
        "ep": "5",
    },
    "spiral-wide": {**SPIRAL, "net": "2-1024-64-3", "n": "5000", "bs": "16", "ep": "1", "lr": "0.05"},
    "spiral-link": {**SPIRAL, "net": "2-4096-240-3", "n": "20000"},
}


def _vm() -> dict[str, float]:
    """This process's resident size now (VmRSS) and at its peak (VmHWM), in MB."""
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, value = line.split(":", 1)
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) * 1024 / 1e6  # kB
    return out


def network_file(layers: tuple[int, ...]) -> bytes:
    """A network file of ``layers`` whose weights are written with one decimal and no spaces (about 4 bytes a
    number: 2-4096-240-3 in 4 MB, under the server's 5 MB uploads)."""
    import json

    import numpy as np

    from bpviz import Network, NetworkSpec
    from bpviz.io import netfile

    spec = NetworkSpec(layers, ("relu",) * (len(layers) - 2) + ("softmax",), loss="cross_entropy")
    net = Network.initialise(spec)
    net = Network.from_arrays(spec, [np.round(w, 1) for w in net.W], net.b)
    return json.dumps(json.loads(netfile.dumps(net)), separators=(",", ":")).encode()


def _walk(query: dict):
    """One visitor's session with the configuration (see the module docstring)."""
    from conftest import open_app

    from webui import state
    from webui import step as step_ui
    from webui import train as train_ui

    at = open_app("pages/2_Step.py", query, home_first=True, **{step_ui.MORE: True, step_ui.TABS: "Gradient check"})
    for _ in range(3):
        at.button(key=step_ui.APPLY).click().run()
        at.button(key=step_ui.NEXT).click().run()
    at.button(key=step_ui.RUN_CHECK).click().run()
    at.session_state[step_ui.TABS] = "Tables"
    at.run()
    at.switch_page("pages/3_Train.py").run()
    at.button(key=train_ui.START).click().run()
    for _ in range(3):
        at.run()
    if not at.button(key=train_ui.STOP).disabled:
        at.button(key=train_ui.STOP).click().run()
    at.button(key=train_ui.COMPARE).click().run()
    for _ in range(3):
        at.run()
    at.switch_page("pages/1_Design.py").run()
    assert not at.exception, at.exception
    shared, train = at.session_state[state.SHARED], at.session_state[state.TRAIN]
    compared = len(train.comparison.runs) if train.comparison is not None else 0
    return shared.net.spec, shared.data, shared.train, compared


def measure(name: str) -> dict:
    """In this process: warm up, reset the peak, walk one session of configuration ``name``; the load it asked
    for, its estimate and the measured peak (MB)."""
    import gc

    from bpviz.runs import memory
    from bpviz.runs.memory import MB, estimate, load_of

    memory.MAX_SESSION_BYTES = 10**12  # measured without the cap, so configurations beyond it are measured too

    _walk({})  # every page and action once with the default lesson and the digits: imports, first-use
    _walk(CONFIGS["digits"])  # caches and scikit-learn's digits file, read once a server
    gc.collect()
    before = _vm()["VmRSS"]
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
    spec, data, train, compared = _walk(CONFIGS[name])
    measured = _vm()["VmHWM"] - before
    parts = estimate(load_of(spec.layers, data, train.batch_size, compared=compared))
    return {"name": name, "estimate": sum(parts.values()) / MB, "measured": measured,
            "parts": {k: round(v / MB, 1) for k, v in parts.items()}}  # fmt: skip


def run(name: str) -> dict:
    """``measure(name)`` in a fresh Python process (its own peak)."""
    out = subprocess.run([sys.executable, __file__, "--one", name], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONWARNINGS": "ignore"}, timeout=900, check=True)  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(names: list[str]) -> None:
    if names[:1] == ["--one"]:
        print(json.dumps(measure(names[1])))
        return
    print(f"{'configuration':<14} {'estimate MB':>12} {'measured MB':>12} {'ratio':>6}  parts")
    for name in names or CONFIGS:
        r = run(name)
        ratio = r["estimate"] / max(r["measured"], 1.0)
        print(f"{name:<14} {r['estimate']:>12.0f} {r['measured']:>12.0f} {ratio:>6.2f}  {r['parts']}")


if __name__ == "__main__":
    main(sys.argv[1:])
