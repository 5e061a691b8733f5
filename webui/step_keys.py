"""The Step page's keys: → and PageDown step on, ← and PageUp step back, one stage a press however fast they come.

Streamlit's button shortcuts send one click a press, but a click that reaches the server while the script is still
running for the one before is folded into it (a button's trigger is a flag, not a count), so a clicker pressed
quickly lost stages. Here a tiny component (static JavaScript, no HTML) counts the presses in the browser and
reports the running total of their steps (+1 or −1 a press) with an id of its mount; the server moves by how much
the total grew since the last report it saw from that mount, so reports folded together still add up. A key typed
into a text box or with a modifier is not a step, as with Streamlit's own shortcuts.
"""

from functools import partial

import streamlit as st

from webui import state
from webui import step as act

KEYS = "step_keys"

_JS = """
export default function(component) {
  const { setStateValue } = component;
  const mount = Math.random().toString(36).slice(2);
  const steps = {ArrowRight: 1, PageDown: 1, ArrowLeft: -1, PageUp: -1};
  let total = 0;
  const pressed = (event) => {
    const by = steps[event.key], target = event.target;
    if (!by || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) return;
    total += by;
    setStateValue("steps", [mount, total]);
  };
  document.addEventListener("keydown", pressed);
  return () => document.removeEventListener("keydown", pressed);
}
"""
_keys = st.components.v2.component("bpviz_step_keys", js=_JS)


def listen(n_stages: int) -> None:
    """Mount the key counter (once: later runs keep it, and its count)."""
    _keys(key=KEYS, on_steps_change=partial(_on_steps, n_stages))


def _on_steps(n_stages: int) -> None:
    report = state.widget(KEYS, {}).get("steps")
    if not report:
        return
    mount, total = report[0], int(report[1])
    s = state.step()
    seen = s.pressed[1] if s.pressed[0] == mount else 0  # a new mount counts from 0
    s.pressed = (mount, total)
    by = total - seen
    for _ in range(abs(by)):
        act.move(1 if by > 0 else -1, n_stages)
