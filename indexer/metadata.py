"""Metadata found in the text itself: the 时间/作者/来源 header lines of scraped pages."""
from __future__ import annotations

import re

_DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
_FIELD = re.compile(
    r"(?P<key>发布时间|发表时间|发布日期|更新时间|时间|日期|作者|来源|出处|发布者|发布人)\s*[:：]\s*"
)
_KEYS = {
    "发布时间": "date", "发表时间": "date", "发布日期": "date", "更新时间": "date", "时间": "date",
    "日期": "date", "作者": "author", "发布者": "author", "发布人": "author", "来源": "source",
    "出处": "source",
}


def normalize_date(text: str) -> str | None:
    """'2024-1-6', '2024年1月6日' → '2024-01-06'; placeholders such as 20xx are not dates."""
    m = re.search(_DATE, text)
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
