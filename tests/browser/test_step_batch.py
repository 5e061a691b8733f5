"""A mini-batch step on the Step page in headless Chromium, at a laptop's and a projector's size, presentation
mode on and off: a share link opens a batch of 3 at a gradient stage; the navigation row offers "Showing
sample i of 3", the equation panel writes the batch's gradient, picking another sample redraws the nodes with
its values while the edges keep the batch's gradient, and no two of the diagram's texts overlap. Screenshots go
to test-output/screenshots/step_batch_*.png."""

import pytest

from tests.browser.helpers import assert_no_exception, click, screenshot, wait_for_run
from tests.browser.test_diagram_screens import _DIAGRAM_JS, SIZES, _open, _overlaps
from webui import step_sample

LINK = (
    "net=2-3-2&act=tanh.sig&loss=half_sse&red=mean&bias=learned&init=uniform&seed=5&lr=0.5&data=moons&n=40"
    "&noise=0.1&k=3&test=0&sample=38&batch=3"
)
GRADIENT_STAGE = 9  # ∂L/∂W⁽¹⁾ of a 2-3-2 net, 0-based
CHART = '.st-key-step_diagram:not([data-stale="true"])'


def _node_texts(page) -> list[str]:
    return [t[0] for t in page.evaluate(_DIAGRAM_JS, CHART)["texts"]]


@pytest.mark.parametrize("presenting", [False, True], ids=["normal", "presenting"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_batch_step_shows_one_sample_on_the_nodes_and_the_batch_on_the_edges(app_url, browser, size, presenting):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    got = _open(page, app_url, "Step", f"{LINK}&stage={GRADIENT_STAGE}", presenting, "step_diagram")
    name = f"step_batch_{size[0]}x{size[1]}" + ("_presenting" if presenting else "")
    assert _overlaps(got["texts"]) == [], name
    picker = page.locator(f".st-key-{step_sample.VIEWED}")
    assert picker.is_visible() and "1 of 3" in picker.inner_text() and "3 of 3" in picker.inner_text()
    panes = page.locator(".st-key-panes_step")
    assert "of the batch (mean over the 3 samples)" in panes.inner_text()
    panes.locator(".katex-display").first.wait_for()  # typeset: the batch's sum, its terms over two lines
    assert panes.locator(".katex-error").count() == 0, panes.locator(".katex-error").first.inner_text()
    screenshot(page, name, full_page=not presenting)

    before = _node_texts(page)
    click(page, picker.get_by_text("2 of 3"))
    wait_for_run(page)
    page.wait_for_function(f"() => ({_DIAGRAM_JS})(`{CHART}`) !== null", timeout=30_000)
    after = _node_texts(page)
    assert after != before, "picking sample 2 left the diagram as it was"
    assert _overlaps(page.evaluate(_DIAGRAM_JS, CHART)["texts"]) == [], name + " sample 2"
    screenshot(page, name + "_sample2", full_page=not presenting)
    if presenting:  # the whole lesson, the sample picker with it, above the fold
        for what in (f".st-key-{step_sample.VIEWED}", ".st-key-step_next button", CHART):
            bottom = page.locator(what).first.evaluate("e => e.getBoundingClientRect().bottom")
            assert bottom <= size[1], f"{what} ends at {bottom:.0f} px, below the fold at {size[1]}"
    assert_no_exception(page)
    context.close()
