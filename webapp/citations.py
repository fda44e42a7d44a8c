"""What the copy buttons, the excerpts and the exports put into a user's notes, after page or JSON.

Plain functions from a paragraph's fields to text, so the result list, the paragraph page, the
excerpts and the exports cite the same way:

    [报告标题 › 小节](https://…/p/…)                      Markdown link

    > 段落原文                                             Markdown quote: the paragraph, a blank
                                                           line, the link (without the blank line
    [报告标题 › 小节](https://…/p/…)                      Markdown would pull the link into it)

    报告标题[EB/OL]. (2024-01-06)[2025-03-01]. https://…   GB/T 7714-2015, an electronic resource

    《报告标题》（嘉禾县，2024年1月6日）                    the short form used in office writing

A report's own address (``source_url``, e.g. the government site that published it) is what a
reader should follow; our permalink stands in when it is unknown or not a web address.
"""
from __future__ import annotations

import datetime
import re
from urllib.parse import urlsplit

from indexer.model import SECTION_SEPARATOR

_LINK_TEXT_SPECIALS = re.compile(r"([\\\[\]<>&`])")
_INLINE_HTML = re.compile(r"([<>&])")
_LINE_BREAKS = re.compile(r"\s*[\r\n\v\f\x85\u2028\u2029]+\s*")
_ORDERED = re.compile(r"^(\d+)([.)])")
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")
_SPACE = re.compile(r"\s+")


def label(title: str, section: str = "") -> str:
    """报告标题 › 小节 — the name a citation shows, on one line."""
    return SECTION_SEPARATOR.join(x for x in (one_line(title), one_line(section)) if x)


def one_line(text: str) -> str:
    """Line breaks folded into one space: a title or query in a note never starts a new block."""
    return _LINE_BREAKS.sub(" ", text or "").strip()


def markdown_text(text: str) -> str:
    """Text for a Markdown line (a heading, a link's text): one line, and nothing Markdown would
    render as HTML, a link or code (< > & [ ] ` and \\ escaped with a backslash)."""
    return _LINK_TEXT_SPECIALS.sub(r"\\\1", one_line(text))


def web_url(url: str | None) -> str:
    """``url`` if it is an http(s) address a page may link to, else ""."""
    url = (url or "").strip()
    if not url or any(c in url for c in " \t\r\n\"'<>"):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


def markdown_link(title: str, section: str, url: str) -> str:
    text = markdown_text(label(title, section)) or url
    return f"[{text}]({url})"


def markdown_quote(text: str, title: str, section: str, url: str) -> str:
    """The paragraph as a > block, then a blank line and the link."""
    return f"{quote_block(text)}\n\n{markdown_link(title, section, url)}"


def quote_block(text: str) -> str:
    """The paragraph as a Markdown > block, each line inert (never a heading, list or HTML)."""
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()] or [""]
    return "\n".join("> " + inert(_INLINE_HTML.sub(r"\\\1", ln)) for ln in lines)


def inert(line: str) -> str:
    """Escape a start that Markdown would read as a heading, list, nested quote or HTML."""
    if _ORDERED.match(line):
        return _ORDERED.sub(r"\1\\\2", line, count=1)
    if line[:1] in "#>+*-":
        return "\\" + line
    return line


def gbt7714(title: str, date: str, url: str, cited_on: datetime.date) -> str:
    """GB/T 7714-2015 for an electronic resource: 题名[EB/OL]. (发布日期)[引用日期]. 网址.

    ``date`` is the report's date as stored (2024-01-06, 2024-01 or 2024; "" when unknown: the
    parenthesis is left out); ``url`` the report's own address when known, else our permalink.
    """
    name = _SPACE.sub(" ", title.strip()) or "未命名报告"
    published = f"({date.strip()})" if date.strip() else ""
    return f"{name}[EB/OL]. {published}[{cited_on.isoformat()}]. {url.strip()}."


def chinese_date(date: str) -> str:
    """2024-01-06 → 2024年1月6日, 2024-01 → 2024年1月, 2024 → 2024年; anything else as it is."""
    m = _DATE.match(date.strip())
    if not m:
        return date.strip()
    year, month, day = m.groups()
    return year + "年" + (f"{int(month)}月" if month else "") + (f"{int(day)}日" if day else "")


def plain(title: str, place: str = "", date: str = "") -> str:
    """《标题》（地区，日期） — the parenthesis holds what is known, and is left out when nothing is."""
    known = [x for x in (place.strip(), chinese_date(date)) if x]
    return f"《{title.strip()}》" + (f"（{'，'.join(known)}）" if known else "")


def cited_url(source_url: str, permalink: str) -> str:
    """The address a citation names: the report's own web address when known, else the permalink."""
    return web_url(source_url) or permalink


def all_forms(item: dict, permalink: str, today: datetime.date | None = None) -> dict:
    """Every form of citation of one paragraph (title, section, text, date, place, source_url)."""
    title, section = item.get("title", ""), item.get("section", "")
    return {
        "url": permalink,
        "source_url": web_url(item.get("source_url")),
        "link": markdown_link(title, section, permalink),
        "quote": markdown_quote(item.get("text", ""), title, section, permalink),
        **reference_forms(item, permalink, today),
    }


def reference_forms(item: dict, permalink: str, today: datetime.date | None = None) -> dict:
    """The forms that cite the report, not the text: GB/T 7714 and plain (every search hit has them)."""
    title = item.get("title", "")
    return {
        "gbt": gbt7714(title, item.get("date", ""), cited_url(item.get("source_url", ""), permalink),
                       today or datetime.date.today()),
        "plain": plain(title, item.get("place", ""), item.get("date", "")),
    }
