"""The one place text reaches the page as Markdown: notices (success, info, warning, error), captions, Markdown,
toasts and metric labels.

Every text is plain text unless it is ``Markdown`` made by ``md``: plain text is escaped with
``bpviz.lesson.plaintext.markdown`` and shows exactly as typed, so a file name, a CSV label, a share link's
value or an engine message that quotes them can never become a link, an image, HTML, emphasis or a formula.
``md(template, *values)`` is our own Markdown (bold, code spans) with every value put in as plain text, numbers
with their format spec. tests/test_project.py holds the pages to it: their Markdown calls take only text fixed
in the code, ``md(...)`` or these functions.
"""

import re
import string

import streamlit as st

from bpviz.lesson.plaintext import markdown
from webui.state import Notice


class Markdown(str):
    """Markdown written here: our words, with every value in it escaped (``md``)."""


class _Formatter(string.Formatter):
    def format_field(self, value, format_spec: str) -> str:
        if isinstance(value, Markdown):
            return value
        if format_spec == "code":  # a code span: shown as typed (a code span interprets nothing), fenced safely
            value = " ".join(str(value).split())
            fence = "`" * (max(map(len, re.findall("`+", value)), default=0) + 1)
            return f"{fence} {value} {fence}" if "`" in value else f"{fence}{value}{fence}"
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return markdown(format(value, format_spec))
        return markdown(format(str(value), format_spec))


def md(template: str, /, *values, **named) -> Markdown:
    """``template`` (our Markdown, with ``{}`` fields) filled with ``values``: each shown as typed (escaped),
    numbers formatted by their field's spec ("{:,}", "{:.3g}"), "{:code}" as a code span, ``Markdown`` put in
    as it is."""
    return Markdown(_Formatter().vformat(template, values, named))


def text(value: str) -> Markdown:
    """``value`` as Markdown: as it is when it is ``Markdown``, else escaped so it shows exactly as typed."""
    return value if isinstance(value, Markdown) else Markdown(markdown(value))


def show(notice: Notice | None, where=st) -> None:
    """Draw ``notice`` (nothing for None) in ``where``: ``st`` itself, a column or a container."""
    if notice is not None:
        getattr(where, notice.kind)(text(notice.text), icon=notice.icon)


def say(kind: str, message: str, where=st, icon: str | None = None) -> None:
    """Draw ``message`` as a notice of ``kind`` (success, info, warning, error)."""
    show(Notice(kind, message, icon), where)


def caption(message: str, where=st) -> None:
    where.caption(text(message))


def write(message: str, where=st) -> None:
    """``message`` as a paragraph (st.markdown)."""
    where.markdown(text(message))


def toast(message: str, icon: str | None = None) -> None:
    st.toast(text(message), icon=icon)
