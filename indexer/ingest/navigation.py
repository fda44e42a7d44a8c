"""Page furniture told by the shape of several lines together: link lists and field tables.

In the flow files → text → clean → reports → paragraphs → analysis → index, this feeds clean.

Some furniture is no single line's shape and need not repeat across files (a site saved once):
- a link list (a site's department, city or media links): a long run of short lines, none a
  sentence or a clause, none numbered, few with a number in them. A report's own lists are
  numbered or punctuated, sit under a lead-in that announces them (参加单位：), or are tables of
  figures; none of those is taken.
- a field table (索引号： 014717475N/… 发布机构： 宜春市统计局 …): labels ending in ： each
  followed by a short value on its own line, several in a row;
- a breadcrumb trail laid out one item a line (您当前的位置： 河北人大 >> 新闻中心 >> 时政要闻).
Pure functions over a file's cleaned lines; they return the indexes of the lines to drop.
"""
from __future__ import annotations

import re

from indexer.ingest.paragraphs import is_body, numbered_level

LINK_RUN_MIN = 8            # a link list is at least this many lines
LINK_LINE_MAX = 20          # characters of one link
LINK_DIGIT_SHARE = 0.25     # a run with more lines holding digits is a table of figures
FIELD_PAIRS_MIN = 3         # label/value pairs that make a field table
FIELD_VALUE_MAX = 40
_CLAUSE = re.compile(r"[。！？!?；;，,、：:]")
_DIGIT = re.compile(r"\d")
_LABEL = re.compile(r"^[\u3400-\u9fff\s]{1,10}[：:]$")
_SENTENCE = re.compile(r"[。！？!?；;]")


def _is_link(line: str) -> bool:
    return 0 < len(line) <= LINK_LINE_MAX and not _CLAUSE.search(line) and not numbered_level(line)


def link_lists(lines: list[str], transparent=lambda line: False) -> set[int]:
    """Indexes of the lines of link lists. ``transparent`` lines (empty, or furniture by their
    own shape, such as ``|``) neither extend nor break a run. A text with no running text at all
    (a list of names saved alone) has no links to tell from its text: nothing is taken."""
    out: set[int] = set()
    if not any(is_body(line) for line in lines):
        return out
    run: list[int] = []
    before = ""                             # the last line before the run
    for i in range(len(lines) + 1):
        line = lines[i] if i < len(lines) else ""
        if i < len(lines) and (not line or transparent(line)):
            continue
        if i < len(lines) and _is_link(line):
            run.append(i)
            continue
        out |= _taken(run, lines, before, line)
        run, before = [], line
    return out


def _taken(run: list[int], lines: list[str], before: str, after: str) -> set[int]:
    if is_body(after) and run:
        run = run[:-1]                      # a short line over body text is its heading
    if len(run) < LINK_RUN_MIN or before.endswith(("：", ":")):
        return set()
    digits = sum(1 for i in run if _DIGIT.search(lines[i]))
    return set(run) if digits <= LINK_DIGIT_SHARE * len(run) else set()


def _is_value(line: str) -> bool:
    return 0 < len(line) <= FIELD_VALUE_MAX and not _LABEL.match(line) and not _SENTENCE.search(line) \
        and not numbered_level(line)


def field_tables(lines: list[str], keep=lambda line: False) -> set[int]:
    """Indexes of the labels and values of field tables. A ``keep`` value (a date, which
    clean turns into the report's date) is not dropped with its label."""
    out: set[int] = set()
    pairs: list[tuple[int, ...]] = []
    i = 0
    while i <= len(lines):
        if i < len(lines) and _LABEL.match(lines[i]):
            value = i + 1 if i + 1 < len(lines) and _is_value(lines[i + 1]) else None
            if value is not None:
                pairs.append((i,) if keep(lines[value]) else (i, value))
                i += 2
                continue
            pairs.append((i,))          # an empty field (发文日期： with its date kept)
            i += 1
            continue
        if len(pairs) >= FIELD_PAIRS_MIN and sum(len(p) == 2 for p in pairs) >= 2:
            out |= {k for pair in pairs for k in pair}
        pairs = []
        i += 1
    return out


_SEPARATOR = re.compile(r"^(>>?|»|›|→|/|》》?)$")
CRUMB_MAX = 16


def breadcrumbs(lines: list[str]) -> set[int]:
    """Indexes of a breadcrumb trail's lines: at least two separator lines (>>) each between
    short items, and the label (当前位置：) before the first item."""
    out: set[int] = set()
    seps = [i for i, line in enumerate(lines) if _SEPARATOR.match(line)]
    trail: list[int] = []
    for i in seps + [None]:
        if i is not None and 0 < i < len(lines) - 1 and _is_crumb(lines[i - 1]) and _is_crumb(lines[i + 1]) \
                and (not trail or i - trail[-1] == 2):
            trail.append(i)
            continue
        if len(trail) >= 2:
            first = trail[0] - 1
            label = first - 1 >= 0 and lines[first - 1].endswith(("：", ":")) and len(lines[first - 1]) <= 10
            out |= set(range(first - 1 if label else first, trail[-1] + 2))
        trail = [i] if i is not None and 0 < i < len(lines) - 1 and _is_crumb(lines[i - 1]) \
            and _is_crumb(lines[i + 1]) else []
    return out


def _is_crumb(line: str) -> bool:
    return 0 < len(line) <= CRUMB_MAX and not _CLAUSE.search(line)
