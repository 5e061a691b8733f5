"""The diagram at a laptop's and a projector's size, presentation mode on and off, on Design and Step, for the
worked example, a net of eight hidden layers and the digits: no two of its texts overlap (read from the SVG's
own boxes), it is no wider than its pane, and in presentation mode the whole lesson (the stage, Back and
Next, the diagram and the current equation) is above the fold. Screenshots go to test-output/screenshots/."""

import pytest

from tests.browser.helpers import assert_no_exception, screenshot, wait_for_run

WORKED_222 = (
    "net=2-2-2&act=sig.sig&loss=half_sse&red=sum&bias=frozen&init=uniform&seed=0&lr=0.5&data=worked&n=1&noise=0"
    "&k=3&test=0&sample=0&w=0.15_0.2_0.25_0.3_0.35_0.35_0.4_0.45_0.5_0.55_0.6_0.6"
)
DEEP = "net=2-8-8-8-8-8-8-8-8-1&act=tanh.tanh.tanh.tanh.tanh.tanh.tanh.tanh.sig&loss=half_sse&data=circles&n=300"
DIGITS = "net=64-32-16-10&act=sig.sig.sig&loss=half_sse&red=mean&init=normal_scaled&lr=0.1&data=digits&n=1797"
NETS = {"worked": (WORKED_222, 7), "deep": (DEEP, 20), "digits": (DIGITS, 9)}  # (link, a backward stage of Step)
SIZES = [(1280, 800), (1920, 1080)]

# The diagram's texts as boxes, the chart's box and its planned width: read from the page itself.
_DIAGRAM_JS = """(selector) => {
    const gd = document.querySelector(selector + ' .js-plotly-plot');
    if (!gd || !gd.layout || !gd.layout.meta) return null;
    const texts = Array.from(gd.querySelectorAll('text')).filter(t => t.textContent.trim()).map(t => {
        const r = t.getBoundingClientRect();
        return [t.textContent, r.left, r.top, r.right, r.bottom];
    }).filter(b => b[3] > b[1]);
    const box = gd.getBoundingClientRect();
    return {texts, box: [box.left, box.top, box.right, box.bottom], planned: gd.layout.meta.planned};
}"""


def _open(page, app_url, path: str, query: str, presenting: bool, chart: str) -> dict:
    """Open ``path?query``, wait until the server has laid the page out for this window (its size arrives
    after the page's first run, and the diagram is planned again for it), and return what _DIAGRAM_JS reads."""
    page.goto(f"{app_url}/{path}?{query}" + ("&present=1" if presenting else ""))
    wait_for_run(page)
    selector = f'.st-key-{chart}:not([data-stale="true"])'  # not a copy a rerun left behind
    page.wait_for_function(f"() => ({_DIAGRAM_JS})(`{selector}`) !== null", timeout=30_000)  # Plotly has drawn it
    got = page.evaluate(_DIAGRAM_JS, selector)
    assert got["planned"][0] <= got["box"][2] - got["box"][0] + 1, "planned wider than the pane it got"
    return got


def _overlaps(texts) -> list[tuple[str, str]]:
    """Pairs of texts whose boxes overlap by more than a pixel each way."""
    clashes = []
    for a in range(len(texts)):
        for b in range(a + 1, len(texts)):
            A, B = texts[a], texts[b]
            if A[1] < B[3] - 1 and B[1] < A[3] - 1 and A[2] < B[4] - 1 and B[2] < A[4] - 1:
                clashes.append((A[0], B[0]))
    return clashes


@pytest.mark.parametrize("presenting", [False, True], ids=["normal", "presenting"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("net", list(NETS))
def test_the_step_diagram_fits_and_no_label_meets_another(app_url, browser, net, size, presenting):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    link, stage = NETS[net]
    got = _open(page, app_url, "Step", f"{link}&stage={stage}", presenting, "step_diagram")
    name = f"step_{net}_{size[0]}x{size[1]}" + ("_presenting" if presenting else "")
    screenshot(page, name, full_page=not presenting)
    assert got["texts"], "the diagram printed nothing"
    assert _overlaps(got["texts"]) == [], name
    if presenting:
        fold = size[1]
        assert got["box"][3] <= fold, f"the diagram ends at {got['box'][3]:.0f} px, below the fold at {fold}"
        for what in (".st-key-step_next button", ".st-key-step_back button", ".st-key-panes_step .katex-display"):
            bottom = page.locator(what).first.evaluate("e => e.getBoundingClientRect().bottom")
            assert bottom <= fold, f"{what} ends at {bottom:.0f} px, below the fold at {fold}"
        assert "Stage" in page.locator(".st-key-lesson_nav").inner_text()
    assert_no_exception(page)
    context.close()


@pytest.mark.parametrize("presenting", [False, True], ids=["normal", "presenting"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("net", list(NETS))
def test_the_design_diagram_fits_and_no_label_meets_another(app_url, browser, net, size, presenting):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    got = _open(page, app_url, "Design", NETS[net][0], presenting, "design_diagram")
    name = f"design_{net}_{size[0]}x{size[1]}" + ("_presenting" if presenting else "")
    page.evaluate("""() => document.querySelector('.st-key-design_diagram[data-stale="false"]').scrollIntoView()""")
    screenshot(page, name, full_page=False)
    assert got["texts"] and _overlaps(got["texts"]) == [], name
    assert got["box"][3] - got["box"][1] <= size[1], "the diagram is taller than the window"
    assert_no_exception(page)
    context.close()
