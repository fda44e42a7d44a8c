"""Place names: which administrative division a text names, by its full name.

Used where a report is read (indexer.ingest.metadata fills a report's place) and where a query
is parsed (a place: filter matches a division however it is typed). The gazetteer is
indexer/data/places.txt: every province, prefecture and county, with the short forms reports
use (湖南 for 湖南省, 马边县 for 马边彝族自治县).
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

PLACES_FILE = Path(__file__).parent.parent / "data" / "places.txt"
# Division names that are also common words in reports (老城区, 新城区 …) are never places.
_NOT_PLACES = {"新城区", "老城区", "市中区", "高新区", "开发区", "新区"}
_AUTONOMOUS = re.compile(r"^(.{2,}?)(?:[\u4e00-\u9fff]{1,4}族)+自治(县|州|旗)$")
_CJK = re.compile(r"[\u3400-\u9fff]")
# A year opens a name as a non-Chinese character does: 2025年广西政府工作报告.
_BEFORE = {"年"}


@functools.lru_cache(maxsize=1)
def _gazetteer() -> tuple[list[int], dict[str, int], dict[str, str], dict[str, str]]:
    """The lengths of the division names (with short forms), longest first; each name's level
    (1 province … 3 county), the full name each stands for (湖南 → 湖南省, 马边县 → 马边彝族自治县), and the same
    for a name standing alone, which may also be a city without 市 (乌鲁木齐 → 乌鲁木齐市): inside
    text such short forms are often words (长治久安, 白银, 中山路), as a file's or title's whole
    name they are the city."""
    levels: dict[str, int] = {}
    full: dict[str, str] = {}
    alone: dict[str, str] = {}
    for raw in PLACES_FILE.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        code, _, name = raw.partition("\t")
        name = name.strip()
        if name in _NOT_PLACES:
            continue
        level = 1 if code.endswith("0000") else 2 if code.endswith("00") else 3
        names = {name}
        m = _AUTONOMOUS.match(name)
        if m:                                   # 马边彝族自治县 → 马边县
            names.add(m.group(1) + m.group(2))
        if level == 1:                          # 湖南省 → 湖南, 广西壮族自治区 → 广西
            short = re.sub(r"(省|市|(壮族|回族|维吾尔)?自治区)$", "", name)
            if len(short) >= 2:
                names.add(short)
        for n in names:
            levels.setdefault(n, level)
            full.setdefault(n, name)
        if level == 2 and name.endswith("市") and len(name) >= 3:
            alone.setdefault(name[:-1], name)
    alone = {**alone, **full}
    return sorted(set(map(len, levels)), reverse=True), levels, full, alone


@functools.lru_cache(maxsize=1)
def _heads() -> frozenset[str]:
    """The first two characters of every name (each has at least two)."""
    return frozenset(name[:2] for name in _gazetteer()[1])


def _names_in(text: str, lengths: list[int], levels: dict[str, int]):
    """(name, start) of the division names in ``text``, left to right, the longest at each
    place, none overlapping: what a regex alternation of all names, longest first, would find.
    Dictionary lookups instead, since compiling that regex of 3,000 names took as long as
    indexing a short report (it runs at the start of every ``reportsearch index``); each of
    the thirteen lengths only where a name begins."""
    heads = _heads()
    i, n = 0, len(text)
    while i < n - 1:
        if text[i:i + 2] in heads:
            for size in lengths:
                if text[i:i + size] in levels:
                    yield text[i:i + size], i
                    i += size
                    break
            else:
                i += 1
        else:
            i += 1


def find_place(text: str) -> str | None:
    """The most specific division named in the text (county over city over province), first one
    first, by its full name: one place is one facet value and one filter, however a report names
    it (北京 and 北京市, 广西 and 广西壮族自治区).

    A two-character name such as 高县 must not be read inside a word (提高县域经济): it counts only
    at the start of the text, after a non-Chinese character or 年 (2025年广西…), or right after a
    larger division.
    """
    whole = place_name(text)
    if whole:
        return whole
    lengths, levels, full, _ = _gazetteer()
    best, best_level = None, 0
    ends = set()
    for name, start in _names_in(text, lengths, levels):
        if len(name) == 2 and start > 0 and _CJK.match(text[start - 1]) and text[start - 1] not in _BEFORE \
                and start not in ends:
            continue
        ends.add(start + len(name))
        if levels[name] > best_level:
            best, best_level = name, levels[name]
    return full[best] if best else None


def place_name(text: str) -> str | None:
    """The full name of a division when ``text`` is exactly one of its names (广西 → 广西壮族自治区,
    乌鲁木齐 → 乌鲁木齐市), else None."""
    return _gazetteer()[3].get(text.strip())


def place_values(text: str) -> list[str]:
    """What a place typed by a user can be stored as: itself, and the full name of the division
    it names (马边县 → also 马边彝族自治县), so that a filter finds reports however it is typed."""
    text = text.strip()
    full = place_name(text)
    return [text] if full in (None, text) else [text, full]
