"""What Streamlit's Markdown would make of a text, for tests: links, images and HTML it holds.

Streamlit renders Markdown with remark (CommonMark, GitHub-flavoured): markdown-it-py parses the same
CommonMark, and the GFM autolink literals (https://…, www.…, name@host), which remark finds in text *after*
escapes are resolved, are found here with remark's own patterns on the parsed text.
"""

import re

from markdown_it import MarkdownIt

_PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
# mdast-util-gfm-autolink-literal's patterns (what remark-gfm turns into links in a text node)
AUTOLINK_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.IGNORECASE)
AUTOLINK_EMAIL = re.compile(r"(?<![\w.+-])([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)")
STRUCTURE = {"link_open", "image", "html_inline", "html_block", "code_inline", "code_block", "fence",
             "em_open", "strong_open", "s_open", "heading_open", "bullet_list_open", "ordered_list_open",
             "blockquote_open", "table_open", "hr"}  # fmt: skip


def _walk(tokens):
    for token in tokens:
        yield token
        yield from _walk(token.children or [])


def live_parts(markdown: str) -> list[str]:
    """Every link, image, piece of HTML and autolinked address ``markdown`` renders, as text."""
    found = []
    for token in _walk(_PARSER.parse(markdown)):
        if token.type == "link_open":
            found.append(f"link {token.attrs.get('href')}")
        elif token.type == "image":
            found.append(f"image {token.attrs.get('src')}")
        elif token.type in ("html_inline", "html_block"):
            found.append(f"html {token.content}")
        elif token.type == "text":
            found += [f"autolink {m.group()}" for m in AUTOLINK_URL.finditer(token.content)]
            found += [f"autolink {m.group()}" for m in AUTOLINK_EMAIL.finditer(token.content)]
    return found


def structure(markdown: str) -> list[str]:
    """The Markdown structure ``markdown`` has beyond one paragraph of text (emphasis, code, headings, …)."""
    return sorted({t.type for t in _walk(_PARSER.parse(markdown)) if t.type in STRUCTURE})


def rendered_text(markdown: str) -> str:
    """The text a reader sees of ``markdown`` (its text, soft breaks as spaces)."""
    parts = []
    for token in _walk(_PARSER.parse(markdown)):
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)
