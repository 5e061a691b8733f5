"""Auto-play on the Step page: the stages advance by themselves, one every ``state.Step.pace`` seconds, for a
lecture; any key stops it (but one typed into a field, such as a prediction), and so does the last stage.
With Predict, then reveal on, the play waits at each stage whose value is asked until it is answered, and then
gives the answer a whole pace before it moves on.

While playing, ``ticker`` draws a fragment that reruns every pace: once the pace has passed on the record's
clock (``state.Step.clock``), it moves one stage and reruns the page. Beside it, ``ticker`` mounts a tiny
component (static JavaScript, no HTML) that listens for a key press anywhere on the page and reports it; its
callback, ``stop``, ends the play. The arrow keys and a clicker's PageDown still do their own step as well.
"""

import streamlit as st

from webui import page_script, state
from webui import step as act

PLAYING = "step_playing"  # the sidebar's toggle
PACE = "step_pace"  # its seconds per stage
TICKER = "step_autoplay_ticker"  # a container only while playing (browser tests wait on it)
KEYS = "step_autoplay_keys"
MIN_PACE, MAX_PACE = 1.0, 15.0

_JS = (
    page_script.TYPING_JS
    + """
function mount(component) {
  const { setTriggerValue } = component;
  const pressed = (event) => { if (!event.repeat && !typing(event)) setTriggerValue("pressed", event.key); };
  document.addEventListener("keydown", pressed, true);
  return () => document.removeEventListener("keydown", pressed, true);
}
"""
)


def controls() -> None:
    """The sidebar's Auto-play switch and its pace."""
    s = state.step()
    st.toggle("Auto-play the stages", help="Next, by itself, every few seconds; any key stops it. With Predict, "
              "then reveal on, it waits for each prediction.", **state.bind(PLAYING, s.playing, _play))  # fmt: skip
    st.slider("Seconds per stage", MIN_PACE, MAX_PACE, step=0.5, **state.bind_field(PACE, s, "pace"))


def _play() -> None:
    s = state.step()
    s.playing, s.played_at = bool(state.widget(PLAYING)), s.clock()


def stop() -> None:
    state.step().playing = False


def ticker(n_stages: int, waiting: bool) -> None:
    """While playing and before the last stage: the fragment that advances (not while ``waiting`` for a
    prediction), and the key listener."""
    s = state.step()
    if s.playing and s.stage >= n_stages - 1:  # switched on at the last stage: nothing to play
        s.playing = False
        st.rerun()  # so the switch reads off
    if not s.playing:
        return
    with st.container(key=TICKER):
        page_script.run("autoplay_keys", _JS, key=KEYS, on_change=stop)
        st.fragment(_tick, run_every=s.pace)(n_stages, waiting)


def _tick(n_stages: int, waiting: bool) -> None:
    s = state.step()
    if waiting:  # the stage's value waits for a prediction: so does the play, and its answer gets a whole pace
        s.played_at = s.clock()
    elif s.playing and s.clock() - s.played_at >= s.pace * 0.9:  # the run drawing the fragment is not a tick
        act.move(1, n_stages)
        s.played_at, s.playing = s.clock(), s.stage < n_stages - 1  # the last stage ends the play
        st.rerun(scope="app")
