"""Saved web pages: the main text only, without scripts, navigation or footers.

Block elements become block boundaries; <h1> (or <title>, without the site name) gives the
title; <h2>–<h6> inside the text become section headings.
"""
from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from indexer.ingest.decode import decode_bytes
from indexer.ingest.metadata import normalize_date
from indexer.model import Document
from indexer.ingest.readers import limits

_DROP_TAGS = ["script", "style", "noscript", "template", "iframe", "svg", "canvas", "form", "button",
              "select", "input", "textarea", "nav", "footer", "aside", "object", "embed", "video",
              "audio", "map", "head"]
_CHROME = re.compile(
    r"(^|[\s_-])(nav|navbar|menu|breadcrumbs?|crumbs?|footer|foot|header|topbar|top-bar|sidebar|side|"
    r"share|social|comments?|copyright|login|search|ads?|advert|banner|related|recommend|hot|pager|"
    r"pagination|toolbar|tools|print|links?|friend-?links?)([\s_-]|$)",
    re.I,
)
_MAIN = re.compile(r"(^|[\s_-])(article|content|main|detail|post|text|body|zoom|con)([\s_-]|$)", re.I)
_BLOCK_TAGS = {"p", "div", "section", "article", "main", "li", "ul", "ol", "table", "tr", "td", "th",
               "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt", "dl", "br", "hr",
               "center", "figure", "figcaption", "header", "tbody", "thead", "caption", "address"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w]+)""", re.I)
_TITLE_SEP = re.compile(r"\s*[-_|｜—–]+\s*")
_HEADING_MARK = "\x01"


def decode_page(data: bytes) -> str:
    """A page's text, in the charset its <meta> names, else as detected."""
    m = _META_CHARSET.search(data[:4096])
    if m:
        encoding = m.group(1).decode("ascii", "ignore").lower()
        if encoding in ("gbk", "gb2312", "gb_2312-80", "x-gbk"):
            encoding = "gb18030"
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_bytes(data, limit=False)


def _flatten_deep(root: Tag, max_depth: int = limits.MAX_HTML_DEPTH) -> None:
    """Replace what is nested deeper than max_depth by its text, keeping block breaks.

    A hostile page of 100,000 nested <div>s would otherwise make every later step (which looks
    at each element's subtree) quadratic, and recursion run out of stack. Linear in the page.
    """
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        children = [c for c in node.children if isinstance(c, Tag)]
        if depth < max_depth:
            stack.extend((c, depth + 1) for c in children)
        elif children:
            parts = []
            for item in node.descendants:
                if isinstance(item, Tag):
                    if item.name.lower() in _BLOCK_TAGS:
                        parts.append("\n")
                elif not isinstance(item, Comment) and item.parent.name.lower() not in _DROP_TAGS:
                    parts.append(str(item))
            node.clear()
            node.append("".join(parts))


def _classes(tag: Tag) -> str:
    attrs = getattr(tag, "attrs", None) or {}
    classes = attrs.get("class") or []
    if isinstance(classes, str):
        classes = [classes]
    return " ".join(classes) + " " + str(attrs.get("id") or "")


def _link_density(tag: Tag) -> float:
    text = tag.get_text("", strip=True)
    if not text:
        return 0.0
    linked = sum(len(a.get_text("", strip=True)) for a in tag.find_all("a"))
    return linked / len(text)


def _strip_chrome(root: Tag) -> None:
    for tag in root.find_all(_DROP_TAGS):
        tag.decompose()
    for comment in root.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in root.find_all(True):
        if tag.decomposed:
            continue
        role = (tag.attrs.get("role") or "") if tag.attrs else ""
        if role in ("navigation", "banner", "contentinfo", "search", "complementary"):
            tag.decompose()
        elif _CHROME.search(_classes(tag)) and not _MAIN.search(_classes(tag)):
            tag.decompose()
    # Unmarked navigation: short blocks that are mostly links.
    for tag in root.find_all(["ul", "ol", "div", "p", "table", "td", "dl", "header", "span"]):
        if tag.decomposed:
            continue
        text_len = len(tag.get_text("", strip=True))
        if len(tag.find_all("a")) >= 2 and text_len < 400 and _link_density(tag) > 0.6:
            tag.decompose()


def _main_content(body: Tag) -> Tag:
    """The element that holds the article: <article>/<main>, or the largest content-named block."""
    candidates = body.find_all(["article", "main"]) or [
        tag for tag in body.find_all(["div", "section", "td"]) if _MAIN.search(_classes(tag))
    ]
    best, best_len = body, 0
    total = len(body.get_text("", strip=True)) or 1
    for tag in candidates:
        length = len(tag.get_text("", strip=True))
        if length > best_len:
            best, best_len = tag, length
    return best if best_len >= 0.3 * total else body


def _blocks(root: Tag) -> tuple[list[str], set[int]]:
    parts: list[str] = []

    def walk(node):
        for child in node.children:
            if isinstance(child, NavigableString):
                parts.append(str(child))
            elif isinstance(child, Tag):
                name = child.name.lower()
                if name in _BLOCK_TAGS:
                    parts.append("\n")
                    if name in ("h2", "h3", "h4", "h5", "h6"):
                        parts.append(_HEADING_MARK)
                walk(child)
                if name in _BLOCK_TAGS:
                    parts.append("\n")
                elif name in ("td", "th"):
                    parts.append(" ")

    walk(root)
    blocks, headings = [], set()
    for line in "".join(parts).split("\n"):
        is_heading = line.startswith(_HEADING_MARK)
        line = line.replace(_HEADING_MARK, "").strip()
        if not line:
            continue
        if is_heading:
            headings.add(len(blocks))
        blocks.append(line)
    return blocks, headings


def read_html(data: bytes, source: str) -> Document:
    limits.check_html_bytes(len(data))
    markup = decode_page(data)
    limits.check_html_text(markup)           # tags and text length, before the costly parse
    soup = BeautifulSoup(markup, "lxml")
    _flatten_deep(soup)
    doc = Document(source=source)
    page_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for name in ("article:published_time", "pubdate", "publishdate", "PubDate", "date"):
        tag = soup.find("meta", attrs={"name": name}) or soup.find("meta", attrs={"property": name})
        date = normalize_date(tag.get("content", "")) if tag else None
        if date:
            doc.meta["date"] = date
            break
    body = soup.body or soup
    _strip_chrome(body)
    main = _main_content(body)
    h1 = main.find("h1") or body.find("h1")
    if h1 is not None:
        doc.title = h1.get_text(" ", strip=True)
        h1.decompose()
    elif page_title:
        # "某某情况汇报 - 某某网" → the longest part is the article, not the site name.
        doc.title = max(_TITLE_SEP.split(page_title), key=len)
    doc.blocks, doc.headings = _blocks(main)
    limits.check_text_chars("".join(doc.blocks))
    return doc
