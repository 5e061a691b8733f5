"""The Step page's stepping in the browser: → and PageDown, ← and PageUp, and the Next and Back buttons, each
press one stage however fast they come, and the diagram switched at the press, before the server answers.

Streamlit's button shortcuts send one click a press, but a click that reaches the server while the script is
still running for the one before is folded into it (a button's trigger is a flag, not a count), so a clicker
pressed quickly lost stages. Here a tiny page script (``webui.page_script``) counts the presses in the browser
and reports the running total of their steps (+1 or −1 a press) with an id of its mount; the server moves by how
much the total grew since the last report it saw from that mount, so reports folded together still add up. A key
typed into a text box or with a modifier is not a step, as with Streamlit's own shortcuts; a click on Next or
Back is taken from the button (which AppTest still clicks) once the component runs.

The component also holds the drawings of the stages around the one shown (``webui.step_frames``) and the stage
the server drew with the last report it had seen: at a press it draws the stage the presses not yet answered
lead to with Plotly.react, so the diagram moves at once and the equations follow with the server's answer. When
Streamlit redraws the chart (a new width) it draws that stage again.
"""

from functools import partial

from webui import live_chart, page_script, state
from webui import step as act

KEYS = "step_keys"

_JS = (
    live_chart.DRAW_JS
    + page_script.TYPING_JS
    + """
const CHART = ".st-key-step_diagram .js-plotly-plot";
const BUTTONS = {".st-key-step_next": 1, ".st-key-step_back": -1};
const KEYS = {ArrowRight: 1, PageDown: 1, ArrowLeft: -1, PageUp: -1};
let page = null;  // one a page: its count lives as long as the component stays mounted

function stepper() {
  const c = {mount: Math.random().toString(36).slice(2), total: 0, data: null, report: null, later: null};
  c.press = (by) => {
    c.total += by;
    c.report("steps", [c.mount, c.total]);
    c.draw();
  };
  c.draw = (tries = 0) => {  // the stage the presses lead to, if it is drawn and not up yet
    const d = c.data, gd = document.querySelector(CHART);
    if (!d || !window.Plotly) return;
    if (!gd?._fullLayout || !String(gd.layout.datarevision).startsWith(`${d.set}:`)) {
      // Streamlit has yet to draw this set's own figure (a new chart): never draw over it, look again next frame
      if (c.later === null && tries < 600) {
        c.later = requestAnimationFrame(() => { c.later = null; c.draw(tries + 1); });
      }
      return;
    }
    if (!gd.__bpvizStepper) {  // Streamlit redraws its own figure (a resize): draw the stage again
      gd.__bpvizStepper = true;
      gd.on("plotly_afterplot", () => Promise.resolve().then(() => c.draw()));
    }
    const seen = d.pressed[0] === c.mount ? d.pressed[1] : 0;
    const stage = d.stage + c.total - seen;
    const json = d.frames[String(stage)];
    if (json === undefined || gd.layout.datarevision === `${d.set}:${stage}`) return;
    drawInto(gd, json);
  };
  const key = (event) => {
    const by = KEYS[event.key];
    if (!by || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || typing(event)) return;
    c.press(by);
  };
  const click = (event) => {
    for (const [widget, by] of Object.entries(BUTTONS)) {
      const button = event.target.closest(`${widget} button`);
      if (!button || !c.data) continue;
      event.stopPropagation();  // the count reports it; the button's own click would step twice
      if (!button.disabled) c.press(by);
    }
  };
  document.addEventListener("keydown", key);
  document.addEventListener("click", click, true);
  c.stop = () => {
    if (c.later !== null) cancelAnimationFrame(c.later);
    document.removeEventListener("keydown", key);
    document.removeEventListener("click", click, true);
  };
  return c;
}

function mount(component) {  // called again whenever the server sends new data
  page ??= stepper();
  page.report = component.setStateValue;
  page.data = component.data;
  page.draw();
  return () => { page?.stop(); page = null; };
}
"""
)


def listen(n_stages: int, stage: int, frame_set: int, frames: dict[str, str]) -> None:
    """Mount the stepper (once: later runs keep it, and its count) with the stage the page shows, of
    ``n_stages``, and the drawings ``frames`` of set ``frame_set`` (``webui.step_frames``)."""
    data = {"stage": stage, "set": frame_set, "pressed": list(state.step().pressed), "frames": frames}
    page_script.run("stepper", _JS, key=KEYS, data=data, on_change=partial(_on_steps, n_stages))


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
