"""The Step diagram drawn ahead: the stages around the one shown, so the browser can switch the diagram the
moment a step is asked for, before the server has answered.

The chart's own figure is the drawing of the stage these drawings started at (the ``anchor``) and it stays the
same while only the stage moves: Streamlit then leaves the chart as it is (a changed figure remounts it, a new
plot of the whole diagram in the browser), and ``webui.stepper`` draws the stage shown from ``Frames.window``
with Plotly.react. Each drawing's ``layout.datarevision`` is "set:stage", so the browser knows which stage is up
and draws nothing when the one wanted already is. A change of anything else drawn (the walk, the selection, the
sizes, the names, decimals or biases) starts a new set at the current stage. With predict-then-reveal on, no
stage is drawn ahead (its hidden value would be in the page) and each stage is its own set, as before.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import plotly.graph_objects as go

from webui import state

BEHIND, AHEAD = 1, 2  # stages drawn before and after the one shown: a quick Back, two quick Nexts


@dataclass
class Frames:
    """One set of drawings of one walk, all alike but for the stage: set number ``number`` (the session's
    count); ``figure``, the drawing of the stage the set started at (the chart's); ``json``, every stage drawn so
    far."""

    number: int
    figure: go.Figure
    json: dict[int, str] = field(default_factory=dict)

    def window(self, index: int, n_stages: int, draw: Callable[[int], go.Figure]) -> dict[str, str]:
        """{stage: its figure as JSON} of the stages from ``index`` − BEHIND to ``index`` + AHEAD (within the
        ``n_stages``), drawing those not drawn yet."""
        around = range(max(index - BEHIND, 0), min(index + AHEAD, n_stages - 1) + 1)
        for i in around:
            if i not in self.json:
                self.json[i] = labelled(draw(i), self.number, i).to_json()
        return {str(i): self.json[i] for i in around}


def labelled(fig: go.Figure, number: int, index: int) -> go.Figure:
    """``fig`` marked as stage ``index`` of set ``number`` (``layout.datarevision`` "number:index")."""
    fig.layout.datarevision = f"{number}:{index}"
    return fig


def drawn(
    key: tuple, index: int, n_stages: int, draw: Callable[[int], go.Figure], ahead: bool = True
) -> tuple[Frames, dict[str, str]]:
    """(the set of drawings whose figure the chart shows, {stage: figure JSON} for the browser) at stage ``index``
    of ``n_stages``, where ``draw(i)`` draws stage i and ``key`` holds everything else the drawings depend on;
    ``ahead`` False: only this stage, a set of its own, and nothing for the browser."""
    s = state.step()

    def start() -> Frames:
        s.frame_sets += 1
        figure = labelled(draw(index), s.frame_sets, index)
        return Frames(s.frame_sets, figure, {index: figure.to_json()})

    frames = state.memo(s, "frames", key if ahead else (*key, index), start)
    return frames, frames.window(index, n_stages, draw) if ahead else {}
