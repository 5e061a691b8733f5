"""User text shows as typed: ``plaintext.markdown`` in Streamlit's Markdown, ``plaintext.plotly`` in Plotly's text,
and ``webui.notices.md``, which builds our Markdown around such text. Checked with a CommonMark parser and
remark's autolink patterns (tests/markdown_check.py) on hostile text and on any text Hypothesis draws; the
real front end renders the same texts in tests/browser/test_hostile.py."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_check import live_parts, rendered_text, structure

from bpviz.lesson.plaintext import JOINER, markdown, markdown_read, plotly
from webui.notices import Markdown, md, text

HOSTILE = (
    "[Session expired - click here to log in again](https://example.com/phish).json",
    "![p](http://127.0.0.1:9/x.png)",
    "[x](javascript:alert(1))",
    "<a href='https://example.com'>a</a> <img src=x onerror=alert(1)>",
    "https://example.com/login www.example.com me@example.com mailto:me@example.com",
    "**bold** _it_ ~~gone~~ `code` $x^2$ $$y$$ \\(z\\)",
    ":red[red] :material/home: :smile:",
    "# heading\n\n- item\n> quote\n    code\n| a | b |\n|---|---|",
    "&lt;b&gt; &amp; &#60;",
    "a\\b\\\\c` ``",
)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_renders_as_typed_with_no_link_image_or_html(hostile):
    shown = markdown(hostile)
    assert live_parts(shown) == [] and structure(shown) == []
    typed = " ".join(re.split(r"[\n\r]+", hostile))
    assert rendered_text(shown).replace(JOINER, "") == typed.strip() or typed.startswith(" ")
    assert markdown_read(shown) == typed


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
def test_any_text_renders_as_typed(typed):
    shown = markdown(typed)
    assert live_parts(shown) == [] and structure(shown) == []
    flat = re.sub(r"[\x00-\x1f\x7f\u2028\u2029]+", " ", typed).replace(JOINER, "")  # a typed joiner is invisible
    assert markdown_read(shown) == flat


def test_a_typed_word_joiner_stays_invisible():
    """U+2060 is what ``markdown`` inserts to break autolinks, so reading back drops every one: a typed one
    was invisible too (Hypothesis drew it once)."""
    assert markdown_read(markdown(f"a{JOINER}b www.x.org")) == "ab www.x.org"


def test_the_check_sees_what_unescaped_text_would_render():
    """The checker itself: raw hostile text has links, images, HTML and autolinks."""
    assert live_parts(HOSTILE[0])[0] == "link https://example.com/phish"
    assert live_parts(HOSTILE[1]) == ["image http://127.0.0.1:9/x.png"]
    assert any(p.startswith("html") for p in live_parts(HOSTILE[3]))
    assert [p.split()[0] for p in live_parts(HOSTILE[4])].count("autolink") == 4
    assert "strong_open" in structure(HOSTILE[5]) and "heading_open" in structure(HOSTILE[7])


def test_md_escapes_its_values_and_keeps_its_own_markdown():
    shown = md("In use: **{}** · {:,} samples · {:code}", HOSTILE[0], 12345, "2-2-1")
    assert isinstance(shown, Markdown) and live_parts(shown) == []
    assert structure(shown) == ["code_inline", "strong_open"]
    assert rendered_text(shown).replace(JOINER, "") == f"In use: {HOSTILE[0]} · 12,345 samples · 2-2-1"
    assert md("{}", md("**{}**", "x")) == "**x**"  # Markdown made by md goes in as it is
    assert text(HOSTILE[2]) == markdown(HOSTILE[2]) and text(shown) is shown


def test_a_code_span_holds_any_backticks_and_no_line_break():
    shown = md("{:code}", "a`b``c\n\nd")
    assert structure(shown) == ["code_inline"] and rendered_text(shown) == "a`b``c d"


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.text(max_size=60))
def test_plotly_text_holds_no_tag_and_no_template_field(typed):
    shown = plotly(typed)
    assert "<" not in shown and ">" not in shown and "%{" not in shown
    assert re.sub(r"&(amp|lt|gt|#37);", "", shown).count("&") == 0
    unescaped = shown.replace("&lt;", "<").replace("&gt;", ">").replace("&#37;", "%").replace("&amp;", "&")
    assert unescaped == typed
