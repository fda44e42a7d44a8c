"""A report's blocks → section headings and paragraphs.

In the flow files → text → clean → reports → paragraphs → analysis → index, this is
paragraphs.

Headings (一、… （一）… 1、… short standalone lines) are not search results: each
paragraph records the heading path it sits under. Fragments torn off by scraping
(a line that is only ``4`` or ``[2003]1。`` or ``领导。``) are glued to the paragraph
they were torn from, or dropped when they carry no words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.ingest.clean import CJK
from indexer.model import SECTION_SEPARATOR, Block

_CN_NUM = "一二三四五六七八九十百零〇"
_NUMBERED = (
    (1, re.compile(rf"^(第[{_CN_NUM}\d]+(部分|章|节)|[{_CN_NUM}]+\s*[、.．])")),
    (2, re.compile(rf"^[（(]\s*[{_CN_NUM}]+\s*[）)]")),
    (3, re.compile(r"^\d{1,2}\s*[、.．](?!\d)")),
    (4, re.compile(r"^[（(]\s*\d{1,2}\s*[）)]|^[①-⑳]")),
)
_CJK_CHAR = re.compile(f"[{CJK}]")
_SENTENCE_END = tuple("。！？!?”」…")
_CONTINUATION_START = tuple("，,、》）)」”：:；;。")
HEADING_MAX = 30
FRAGMENT_MAX_CJK = 8
# A "paragraph" longer than this is a page whose line breaks were lost (or a hostile file):
# as one search result it cannot be read, ranked or highlighted usefully, so it is cut into
# pieces of at most PIECE characters at sentence ends.
PARAGRAPH_MAX = 1500
PIECE = 1000
_SENTENCE_CUT = re.compile(r"[。！？!?；;\n]")
_CLAUSE_CUT = re.compile(r"[，,、：:]")


def numbered_level(line: str) -> int:
    for level, pattern in _NUMBERED:
        if pattern.match(line):
            return level
    return 0


def heading_level(line: str) -> int:
    """Heading level of a standalone line, 0 for body text.

    Numbered lines are headings when short and at most one sentence; an unnumbered line is a
    heading when short and not closed like a sentence (…情况 / …：/ …！).
    """
    if len(line) > HEADING_MAX:
        return 0
    level = numbered_level(line)
    inner = line.rstrip("。.：:")
    if level:
        return level if not re.search(r"[。；;！？!?]", inner) else 0
    if re.search(r"[。；;，,]", line[:-1]):
        return 0
    if (line[-1] in "：:" and cjk_count(line) >= 2) or (line[-1] in "！!" and cjk_count(line) >= 4):
        return 1
    return 0


def cjk_count(text: str) -> int:
    return len(_CJK_CHAR.findall(text))


def is_fragment(line: str) -> bool:
    """A piece torn off a sentence by scraping: too few words to stand as a paragraph."""
    return cjk_count(line) < FRAGMENT_MAX_CJK and not numbered_level(line)


@dataclass
class Section:
    heading: str                     # the heading path, " › "-joined
    text: str


def sectioned_paragraphs(blocks: list[Block]) -> list[Section]:
    """Group blocks into paragraphs, each with the heading path above it."""
    blocks = _demote_empty_headings(blocks)
    path: list[tuple[int, str]] = []
    out: list[Section] = []
    glue_next = False
    prev_was_list_item = False
    for block in blocks:
        line = block.text
        if block.heading_level:
            while path and path[-1][0] >= block.heading_level:
                path.pop()
            path.append((block.heading_level, line.rstrip("。.：:")))
            glue_next = False
            prev_was_list_item = False
            continue
        heading = SECTION_SEPARATOR.join(text for _, text in path)
        same_section = bool(out) and out[-1].heading == heading
        if is_fragment(line):
            if not cjk_count(line):
                # A bare number torn out of a sentence: no words to keep, but the sentence
                # it was torn from continues on the next line.
                glue_next = glue_next or (same_section and not out[-1].text.endswith(_SENTENCE_END))
                continue
            if same_section:
                out[-1].text += line
                glue_next = True
                continue
        if same_section and (glue_next or line.startswith(_CONTINUATION_START)):
            out[-1].text += line
            glue_next = False
            continue
        list_item = bool(numbered_level(line)) and len(line) <= HEADING_MAX
        if same_section and list_item and prev_was_list_item:
            out[-1].text += "\n" + line
            continue
        out.append(Section(heading, line))
        glue_next = is_fragment(line)
        prev_was_list_item = list_item
    return [Section(s.heading, piece) for s in out for piece in split_long(s.text)]


def split_long(text: str, limit: int = PARAGRAPH_MAX, piece: int = PIECE) -> list[str]:
    """text itself when it is at most ``limit`` characters, else pieces of at most ``piece``
    characters, each ending at a sentence end where there is one (else a clause mark, else
    anywhere); a short tail joins the piece before it when the two fit in ``limit``."""
    if len(text) <= limit:
        return [text]
    pieces, start = [], 0
    while len(text) - start > piece:
        window = text[start:start + piece]
        cut = 0
        for pattern in (_SENTENCE_CUT, _CLAUSE_CUT):
            ends = [m.end() for m in pattern.finditer(window) if m.end() >= piece // 3]
            if ends:
                cut = ends[-1]
                break
        cut = cut or piece
        pieces.append(text[start:start + cut])
        start += cut
    tail = text[start:]
    if pieces and len(tail) < piece // 5 and len(pieces[-1]) + len(tail) <= limit:
        pieces[-1] += tail
    elif tail:
        pieces.append(tail)
    return [p.strip() for p in pieces if p.strip()]


def _demote_empty_headings(blocks: list[Block]) -> list[Block]:
    """A heading with no body text before the next heading of its level is a list item."""
    out = []
    for i, block in enumerate(blocks):
        level = block.heading_level
        if level:
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            prev = out[-1] if out else None
            numbered = numbered_level(block.text)
            if nxt is None or (nxt.heading_level and nxt.heading_level <= level and numbered):
                level = 0
            elif numbered and prev is not None and not prev.heading_level \
                    and numbered_level(prev.text) == numbered:
                level = 0                    # an item of a numbered list whose other items are body text
        out.append(Block(block.text, level))
    return out
