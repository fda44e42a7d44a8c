"""What a report says about itself: date, place, type, and the 时间/作者/来源 header lines.

Readers put what the file format knows into ``Document.meta`` ("date" when it is reliable,
such as a web page's publish date; "file_date" for a file's creation date, which is often
the date it was converted rather than written); ``enrich`` then fills what the text
itself tells, in this order of trust: header lines > a standalone date line at the top or
bottom of the report > the file's date.
"""
from __future__ import annotations

import re

from indexer.text.places import find_place, place_name

_DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
# A date in Chinese numerals, as official documents long wrote their date: 二〇二三年十二月二十日.
_CHINESE_DATE = re.compile(r"([〇○零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月"
                           r"(?:\s*([一二三四五六七八九十]{1,3})\s*日)?")
# A dateline of a year and month only (2024年1月, （一九五六年三月）): no date, but the report's year.
_MONTH_LINE = re.compile(r"^[^，,；;。]{0,30}?(?<!\d)((?:19[4-9]|20\d)\d)\s*年\s*(\d{1,2})\s*月\s*[)）]?\s*$")
_DIGITS = {c: str(n) for n, c in enumerate("〇一二三四五六七八九")} | {"○": "0", "零": "0"}
_FIELD = re.compile(
    r"(?P<key>发布时间|发表时间|发布日期|更新时间|时间|日期|作者|来源|出处|发布者|发布人)\s*[:：]\s*"
)
_KEYS = {
    "发布时间": "date", "发表时间": "date", "发布日期": "date", "更新时间": "date", "时间": "date",
    "日期": "date", "作者": "author", "发布者": "author", "发布人": "author", "来源": "source",
    "出处": "source",
}
# The more specific name wins: 政府工作报告 before 工作报告, 情况汇报 before 汇报.
_DOCTYPE = re.compile(
    r"(政府工作报告|调研报告|调查报告|考察报告|述职述廉报告|述职报告|自查报告|整改报告|评估报告|"
    r"工作汇报|情况汇报|工作报告|情况报告|工作总结|经验材料|典型材料|情况说明|实施方案|工作方案|"
    r"讲话|发言稿|汇报|报告|总结)"
)
# A report's own date stands alone on a line (a signature or a dateline), not inside a sentence.
_DATE_LINE_MAX = 40
_CLAUSE_PUNCT = re.compile(r"[，,；;。]")      # a line with these is a sentence, not a dateline
_YEAR = re.compile(r"(?<!\d)(?:19[4-9]|20\d)\d(?!\d)")
_YEAR_NAMED = re.compile(r"(?<!\d)(?:19[4-9]|20\d)\d\s*年|^\s*\d{4}\s*$")
_EDGE_BLOCKS = 3
# A title led by a national body: 2025年中华人民共和国国务院政府工作报告, 国务院关于……的报告,
# 第十四届全国人民代表大会第三次会议关于政府工作报告的决议.
_NATIONAL = re.compile(r"^\s*(?:(?:19|20)\d\d\s*年)?(?:中华人民共和国国务院|国务院|第\S{1,4}届全国人民代表大会)")
_OPENING_CHARS = 200


def _small_number(text: str) -> int:
    """一 … 三十一 as a number (十 = 10, 十二 = 12, 二十 = 20, 三十一 = 31); 0 when malformed."""
    tens, _, ones = text.rpartition("十")
    if "十" not in text:
        return int(_DIGITS.get(text, "0")) if len(text) == 1 else 0
    if len(tens) > 1 or len(ones) > 1:
        return 0
    return int(_DIGITS.get(tens, "0") if tens else 1) * 10 + int(_DIGITS.get(ones, "0") if ones else 0)


def arabic_date(text: str) -> str:
    """Dates in Chinese numerals written in Arabic ones (二〇二三年十二月二十日 → 2023年12月20日)."""
    def arabic(m: re.Match) -> str:
        year = "".join(_DIGITS[c] for c in m.group(1))
        day = f"{_small_number(m.group(3))}日" if m.group(3) else ""
        return f"{year}年{_small_number(m.group(2))}月{day}"
    return _CHINESE_DATE.sub(arabic, text) if "年" in text else text


def normalize_date(text: str) -> str | None:
    """'2024-1-6', '2024年1月6日', '二〇二四年一月六日' → '2024-01-06'; placeholders such as 20xx are not dates."""
    m = re.search(_DATE, arabic_date(text))
    if not m:
        return None
    year, month, day = (int(g) for g in m.groups())
    if not (1949 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def parse_meta_line(line: str) -> dict[str, str] | None:
    """Return the fields of a header line such as '时间:2024-01-06 21:18:36 作者:碧墨', else None.

    Only short lines that *start* with a field name count, so that body text mentioning
    来源 is never swallowed.
    """
    if len(line) > 100 or not _FIELD.match(line):
        return None
    fields: dict[str, str] = {}
    matches = list(_FIELD.finditer(line))
    for n, m in enumerate(matches):
        end = matches[n + 1].start() if n + 1 < len(matches) else len(line)
        value = line[m.end():end].strip(" |｜,，;；")
        key = _KEYS[m.group("key")]
        if key == "date":
            date = normalize_date(value)
            if date:
                fields["date"] = date
        elif value:
            # The value is the first word: '碧墨 工作报告' → '碧墨' (the rest is a site category).
            fields[key] = value.split()[0][:40]
    return fields or None


def date_line(line: str) -> str | None:
    """The date of a dateline such as '2024年1月6日' or '嘉禾县民政局 2024年1月6日'; None for a sentence."""
    if len(line) > _DATE_LINE_MAX or _CLAUSE_PUNCT.search(line.rstrip("。")):
        return None
    return normalize_date(line)


# Where and when a report was given, under its title: ——2025年1月16日省长×××在辽宁省第十四届人民代表大会
# 第三次会议上的讲话, 2025年1月16日在湖北省……会议上. Longer than a dateline, and the report's own date.
_MEETING = re.compile(r"^[—－\-\s]*((?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\S{0,12}?在\S{2,60}?(?:会议|大会)")


def meeting_date(line: str) -> str | None:
    """The date of a line saying when and at what meeting a report was given, else None (a
    sentence telling of a meeting is no such line; one closing full stop is allowed, as in
    2025年1月19日在江苏省……会议上省长×××作政府工作报告。)."""
    line = arabic_date(line)
    m = None if _CLAUSE_PUNCT.search(line.rstrip("。")) else _MEETING.match(line)
    return normalize_date(m.group(1)) if m else None


def _edge(blocks: list[str]) -> list[str]:
    """Where a report's dateline stands: its last few blocks, last first, then its first few."""
    return blocks[-_EDGE_BLOCKS:][::-1] + blocks[:_EDGE_BLOCKS]


def report_date(blocks: list[str]) -> str | None:
    """The report's own date: a standalone date line among its last or first few blocks, or the
    line under its title that says at what meeting it was given."""
    for line in _edge(blocks):
        date = date_line(line)
        if date:
            return date
    return next(filter(None, map(meeting_date, blocks[:_EDGE_BLOCKS])), None)


def doctype(title: str) -> str:
    """The kind of report a title names: the last type word in it (…工作情况汇报 → 情况汇报)."""
    m = None
    for m in _DOCTYPE.finditer(title):
        pass
    return m.group(1) if m else ""


def _national(title: str, blocks: list[str]) -> str:
    """全国 for a report of the national government or congress (its title opens with 国务院 or the
    national congress, its meeting line names the national congress, or its speaker opens 我代表国务院),
    else "": a place facet value, so that national reports can be told from those of a place."""
    opening = blocks[:_EDGE_BLOCKS]
    meeting = next((b for b in opening if meeting_date(b)), "")
    spoken = any("代表国务院" in b[:40] for b in opening)
    return "全国" if _NATIONAL.search(title) or "全国人民代表大会" in meeting or spoken else ""


def month_line_year(blocks: list[str]) -> str | None:
    """The year of a dateline giving a year and month only, among a report's first or last few
    blocks (嘉禾县民政局 2024年1月 → 2024), else None."""
    for line in _edge(blocks):
        m = _MONTH_LINE.match(arabic_date(line)) if len(line) <= _DATE_LINE_MAX else None
        if m and 1 <= int(m.group(2)) <= 12:
            return m.group(1)
    return None


def year_of(text: str) -> str | None:
    """The year a value or a title names (2014, 2014年, 2014年政府工作报告), when it names one
    year only; None otherwise (2021—2025年规划)."""
    years = set(_YEAR.findall(text))
    return years.pop() if len(years) == 1 and _YEAR_NAMED.search(text) else None


def enrich(title: str, blocks: list[str], meta: dict[str, str]) -> dict[str, str]:
    """Fill date, place and doctype from the report's own text where the reader did not know them;
    without a date, the year a spreadsheet's year column, a year-and-month dateline or the title gives
    (year facet and filter)."""
    meta = dict(meta)
    file_date = meta.pop("file_date", None)
    if not meta.get("date"):
        date = report_date(blocks) or file_date
        if date:
            meta["date"] = date
    year = meta.pop("year", "")
    if not meta.get("date"):
        year = year_of(year) or month_line_year(blocks) or year_of(title)
        if year:
            meta["year"] = year
    if meta.get("place"):                   # a spreadsheet's 地区 column: 四川 → 四川省
        meta["place"] = place_name(meta["place"]) or meta["place"]
    else:
        place = find_place(title) or find_place("".join(blocks)[:_OPENING_CHARS]) or _national(title, blocks)
        if place:
            meta["place"] = place
    if not meta.get("doctype"):
        kind = doctype(title)
        if kind:
            meta["doctype"] = kind
    return meta
