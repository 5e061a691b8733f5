"""Text anyone may have written (a file name, a CSV's column names and labels, a share link's values, a
message that echoes them), made to show exactly as typed where the page renders markup.

``markdown(text)`` is for Streamlit's Markdown (messages, captions, metric labels, toasts): every ASCII
punctuation character is backslash-escaped, so no link, image, HTML, emphasis, heading, list, code, table,
formula ($), colour directive (``:red[…]``), emoji or icon shortcode can start; line breaks become spaces
(a blank line would end the paragraph); and a word joiner (U+2060, invisible) goes inside the three patterns
that GitHub-flavoured Markdown turns into links after escapes are resolved: "://", "www." and an e-mail's
"@". ``markdown_read(markdown(text)) == text`` up to those line breaks.

``plotly(text)`` is for Plotly's text (trace names, hover templates, axis titles, tick labels), which
takes a few HTML tags (``<a href>``, ``<b>``, ``<br>``…) and entities: ``&``, ``<`` and ``>`` become
entities, and ``%`` too, so a hover template reads no ``%{…}`` field from the user's text.
"""

import re

JOINER = "\u2060"  # WORD JOINER: invisible, zero width, and not a character an autolink pattern takes
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character: CommonMark escapes all
_LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
_AUTOLINKS = (
    (re.compile(r"(?<=:)(?=//)"), JOINER),  # https://…, ftp://…
    (re.compile(r"(?i)(?<=w)(?=ww\.)"), JOINER),  # www.…
    (re.compile(r"(?<=[\w.+-])(?=@)"), JOINER),  # name@host, mailto:name@host
)


def markdown(text: object) -> str:
    """``text`` as Streamlit Markdown that renders exactly as typed (see the module docstring)."""
    out = _LINE_BREAKS.sub(" ", str(text))
    for pattern, joiner in _AUTOLINKS:
        out = pattern.sub(joiner, out)
    return _PUNCTUATION.sub(r"\\\1", out)


def markdown_read(markup: str) -> str:
    """What a reader sees of Markdown made by ``markdown``: the escapes and word joiners taken out."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markup).replace(JOINER, "")


def plotly(text: object) -> str:
    """``text`` for Plotly's text, shown as typed (see the module docstring)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("%", "&#37;")
