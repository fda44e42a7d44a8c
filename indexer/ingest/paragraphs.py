"""A report's blocks → section headings and paragraphs.

In the flow files → text → clean → reports → paragraphs → analysis → index, this is
paragraphs.

Headings (一、… （一）… 1、… short standalone lines) are not search results: each
paragraph records the heading path it sits under. Fragments torn off by scraping
(a line that is only ``4`` or ``[2003]1。`` or ``领导。``) are glued to the paragraph
they were torn from, or dropped when they carry no words.
"""
from __future__ import annotations

import functools
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
_SENTENCE_END = tuple("。！？!?”」…")
_CLOSED = tuple("：:！!？?")
_CONTINUATION_START = tuple("，,、》）)」”：:；;。")
# Numbered headings of real reports reach 35 characters (（三）持续推动教育科技人才一体发展，构建……格局).
HEADING_MAX = 40
# An unnumbered heading (“十四五”时期工作回顾) is shorter, and carries no punctuation at all.
BARE_HEADING_MAX = 20
# A body paragraph: long enough to be more than a label, closed like a sentence.
BODY_MIN = 30
FRAGMENT_MAX_CJK = 8
# Short numbered lines in a row (1.计划入住130户。2.…) are one list paragraph.
LIST_ITEM_MAX = 30
# A "paragraph" longer than this is a page whose line breaks were lost (or a hostile file):
# as one search result it cannot be read, ranked or highlighted usefully, so it is cut into
# pieces of at most PIECE characters at sentence ends.
PARAGRAPH_MAX = 1500
PIECE = 1000
_SENTENCE_CUT = re.compile(r"[。！？!?；;\n]")
# A sentence end where the report's own outline goes on (……意见。一、2013年工作回顾……): a text
# scraped onto one line is best cut where its parts begin.
_OUTLINE_CUT = re.compile(r"[。！？!?；;](?=\s*([一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]|各位代表))")
_CLAUSE_CUT = re.compile(r"[，,、：:]")


def numbered_level(line: str) -> int:
    for level, pattern in _NUMBERED:
        if pattern.match(line):
            return level
    return 0


# Back matter starts a new top-level section: 附件, 注释 (注　　释), 名词解释, 《…》有关内容名词注释.
_APPENDIX = re.compile(
    r"^(附件|附录|附表|注释?|说明|名词解释|资料来源|[^。，；！？]{0,24}名词(注释|解释))\s*[\d一二三四五六七八九十]{0,2}\s*[：:]?$")
_BARE_HEADING_PUNCT = re.compile(r"[。，、；：！？,;:!?…—]")


def heading_level(line: str) -> int:
    """Heading level of a standalone line seen alone, 0 for body text.

    Numbered lines are headings when short and at most one sentence; back-matter labels
    (附件, 注释 …) are top-level headings. A line ending in ： or ！ is not a heading by that
    alone: 各位代表：and 重点做好以下10个方面工作：are a salutation and a lead-in.
    """
    if len(line) > HEADING_MAX:
        return 0
    if _APPENDIX.match(line):
        return 1
    level = numbered_level(line)
    inner = line.rstrip("。.：:")
    if level:
        return level if not re.search(r"[。；;！？!?]", inner) else 0
    return 0


def is_body(line: str) -> bool:
    """A paragraph of running text: long, and closed like a sentence."""
    return len(line) >= BODY_MIN and line.rstrip().endswith(_SENTENCE_END + ("；", ";"))


def is_bare_heading(line: str) -> bool:
    """Could stand as an unnumbered heading: short, no punctuation, mostly words."""
    return (len(line) <= BARE_HEADING_MAX and cjk_at_least(line, 4)
            and not _BARE_HEADING_PUNCT.search(line) and not re.search(r"\d{4}\s*年.*月", line))


def lead_sentence(line: str) -> tuple[str, str] | None:
    """A numbered line's first sentence, as a heading, and the rest of the line, or None.

    （一）坚定不移推进产业转型升级。继续深化结构调整… → (（一）坚定不移推进产业转型升级, 继续深化…)
    """
    m = re.search(r"[。！？!?]", line)
    if m is None:
        return (line, "") if len(line) <= HEADING_MAX and not re.search(r"[；;]", line) else None
    head, rest = line[:m.start()], line[m.end():].strip()
    if len(head) > HEADING_MAX or re.search(r"[；;：:]", head) or not cjk_at_least(head, 4):
        return None
    return (line, "") if not rest else (head, rest)


def mark_headings(lines: list[str], declared: set[int] = frozenset()) -> list[Block]:
    """A report's lines as blocks with heading levels, reading each line with its neighbours.

    - ``declared`` lines (the file format said so) are top-level headings;
    - numbered lines of one level form a list; when every item but the last has lines of its
      own below it, the items are headings (their first sentence; the rest of the line is a
      paragraph below it); when an item is followed directly by its sibling, all items are
      list paragraphs;
    - once the body has begun, a short unpunctuated line between two body paragraphs is a
      heading (“十四五”时期工作回顾), one level below the numbered heading above it, if any.
    """
    numbered = [numbered_level(line) if i not in declared else 0 for i, line in enumerate(lines)]
    sectioned = _sectioned_items(lines, numbered, declared)
    out: list[Block] = []
    body_started = False
    current_top = 0
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        prev = lines[i - 1] if i else ""
        if i in declared:
            out.append(Block(line, 1))
            continue
        if numbered[i]:
            split = None
            if i in sectioned:
                # Items numbered 1、 (1) are points of a paragraph when they run on: only 一、
                # and （一） lines lend their first sentence as a heading.
                split = lead_sentence(line) if numbered[i] <= 2 else \
                    ((line, "") if heading_level(line) else None)
            if split:
                out.append(Block(split[0], numbered[i]))
                if split[1]:
                    out.append(Block(split[1]))
                current_top = current_top if current_top and current_top < numbered[i] else 0
                current_top = current_top or numbered[i]
                continue
            out.append(Block(line))
            body_started = body_started or is_body(line)
            continue
        level = heading_level(line)
        if level:
            out.append(Block(line, level))
            continue
        if body_started and is_bare_heading(line) and is_body(nxt) and is_body(prev):
            out.append(Block(line, 1))
            continue
        out.append(Block(line))
        body_started = body_started or is_body(line)
    return _nest_appendix_titles(out)


def _sectioned_items(lines: list[str], numbered: list[int], declared) -> set[int]:
    """Indexes of numbered lines that head sections: items of a list whose every item but the
    last has at least one line of its own before the next item."""
    out: set[int] = set()
    for level in sorted(set(numbered) - {0}):
        group: list[int] = []
        for i in range(len(lines) + 1):
            closes = i == len(lines) or i in declared or (0 < numbered[i] < level) \
                or (not numbered[i] and heading_level(lines[i]))
            if closes or numbered[i] == level:
                if closes or (group and _restarts(lines[group[-1]], lines[i])):
                    out |= _heads_of(group)
                    group = []
                if not closes:
                    group.append(i)
    return out


def _heads_of(group: list[int]) -> set[int]:
    if not group:
        return set()
    if any(b - a < 2 for a, b in zip(group, group[1:])):
        return set()
    return set(group)


def _restarts(before: str, line: str) -> bool:
    """A list numbered afresh (（一） after （五）) is a new list."""
    return bool(re.match(r"^[（(]?\s*[一1][）)、.．]", line))


def _nest_appendix_titles(blocks: list[Block]) -> list[Block]:
    """The title right under 附件 (《…》有关内容名词注释) is a level-2 heading below it."""
    out = []
    for i, block in enumerate(blocks):
        if block.heading_level == 1 and i and blocks[i - 1].heading_level == 1 \
                and _APPENDIX.match(blocks[i - 1].text) and not numbered_level(block.text):
            block = Block(block.text, 2)
        out.append(block)
    return out


@functools.lru_cache(maxsize=None)
def _cjk_run(n: int) -> re.Pattern:
    return re.compile(f"(?:[^{CJK}]*[{CJK}]){{{n}}}")


def cjk_at_least(text: str, n: int) -> bool:
    """Whether ``text`` has at least ``n`` Chinese characters. Every caller asks about a few,
    and a paragraph has them in its first characters: read only as far as the n-th (counting
    all of them was 3% of a whole build)."""
    return _cjk_run(n).match(text) is not None


def is_fragment(line: str) -> bool:
    """A piece torn off a sentence by scraping: too few words to stand as a paragraph."""
    return not cjk_at_least(line, FRAGMENT_MAX_CJK) and not numbered_level(line)


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
        if is_fragment(line) and not line.endswith(_CLOSED):
            if not cjk_at_least(line, 1):
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
        list_item = bool(numbered_level(line)) and len(line) <= LIST_ITEM_MAX
        if same_section and list_item and prev_was_list_item:
            out[-1].text += "\n" + line
            continue
        out.append(Section(heading, line))
        # A salutation (各位代表：) stands alone; the first line of a report was torn from nothing.
        glue_next = is_fragment(line) and not line.endswith(_CLOSED) and len(out) > 1
        prev_was_list_item = list_item
    return [Section(s.heading, piece) for s in out for piece in split_long(s.text)]


def split_long(text: str, limit: int = PARAGRAPH_MAX, piece: int = PIECE) -> list[str]:
    """text itself when it is at most ``limit`` characters, else pieces of at most ``piece``
    characters, each ending where a numbered part of the outline begins (一、, （二）) or at a
    sentence end where there is one (else a clause mark, else anywhere); a short tail joins the
    piece before it when the two fit in ``limit``."""
    if len(text) <= limit:
        return [text]
    pieces, start = [], 0
    while len(text) - start > piece:
        window = text[start:start + piece]
        cut = 0
        for pattern in (_OUTLINE_CUT, _SENTENCE_CUT, _CLAUSE_CUT):
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
