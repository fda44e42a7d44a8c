"""What the copy buttons and the exports put into a user's notes, after page or JSON.

Plain functions from (title, section, text, url) to Markdown, so the result list, the
paragraph page and the Markdown export cite the same way:

    [报告标题 › 小节](https://…/p/…)            a link

    > 段落原文                                   a quote: the paragraph, a blank line, the link
                                                 (without the blank line Markdown would pull
    [报告标题 › 小节](https://…/p/…)            the link into the quote)
"""
from __future__ import annotations

import re

from indexer.model import SECTION_SEPARATOR

_LINK_TEXT_SPECIALS = re.compile(r"([\\\[\]])")
_ORDERED = re.compile(r"^(\d+)([.)])")


def label(title: str, section: str = "") -> str:
    """报告标题 › 小节 — the name a citation shows."""
    return SECTION_SEPARATOR.join(x for x in (title.strip(), section.strip()) if x)


def markdown_link(title: str, section: str, url: str) -> str:
    text = _LINK_TEXT_SPECIALS.sub(r"\\\1", label(title, section)) or url
    return f"[{text}]({url})"


def markdown_quote(text: str, title: str, section: str, url: str) -> str:
    """The paragraph as a > block, then a blank line and the link."""
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()] or [""]
    quoted = "\n".join("> " + _inert(ln) for ln in lines)
    return f"{quoted}\n\n{markdown_link(title, section, url)}"


def _inert(line: str) -> str:
    """Escape a start that Markdown would read as a heading, list, nested quote or HTML."""
    if _ORDERED.match(line):
        return _ORDERED.sub(r"\1\\\2", line, count=1)
    if line[:1] in "#>+*-<":
        return "\\" + line
    return line
