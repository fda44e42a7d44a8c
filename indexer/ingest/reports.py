"""Split a file's cleaned blocks into reports.

In the flow files → text → clean → reports → paragraphs → analysis → index, this is reports.

Scraped collection pages hold many reports, each under a title line such as
城乡社区建设工作情况汇报 or ×区社区建设情况汇报; a Word file or a web page usually holds one.
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath

from indexer.ingest.clean import Cleaned
from indexer.model import Report
from indexer.ingest.paragraphs import cjk_count, heading_level, mark_headings

# A title names a report type at its end, optionally followed by a note in brackets:
# 县农村社区建设工作情况汇报, 关于土地流转的调研报告, 2023年政府工作报告, …汇报(实用17篇)
_TITLE = re.compile(
    r"(汇报|报告|总结|调研|调查|述职|讲话|发言(稿)?|经验材料|典型材料|情况说明|实施方案|工作方案|请示)"
    r"\s*([(（][^()（）]{0,20}[)）])?$"
)
_SENTENCE_PUNCT = re.compile(r"[。；;！!？?，,]")


def is_report_title(line: str) -> bool:
    """A standalone line that names a report: short, not a sentence, not a numbered heading."""
    if not (4 <= len(line) <= 40) or _SENTENCE_PUNCT.search(line):
        return False
    if heading_level(line):
        return False
    return bool(_TITLE.search(line))


def title_from_filename(source: str) -> str:
    stem = PurePosixPath(source).stem
    return re.sub(r"^[\d_\-\s]+(?=\D)", "", stem) or stem


def split_reports(cleaned: Cleaned, source: str, file_title: str = "") -> list[Report]:
    """Split blocks at report title lines; text before the first title belongs to the file's title.

    A notice naming a fuller title (《谷里镇农村社区建设工作情况汇报》全文内容…) renames the
    report it closes when its current title is a suffix of that name.
    """
    blocks = cleaned.blocks
    starts = [
        i for i, line in enumerate(blocks)
        if is_report_title(line) and i + 1 < len(blocks) and not is_report_title(blocks[i + 1])
    ]
    head_title = file_title
    first_body = 0
    if blocks and (not file_title) and _is_title_like(blocks[0]) and 0 not in starts:
        head_title, first_body = blocks[0], 1
    elif starts and starts[0] == 0 and not file_title:
        head_title = ""
    head_title = head_title or title_from_filename(source)

    spans: list[tuple[str, int, int]] = []
    bounds = starts + [len(blocks)]
    if not starts or starts[0] > first_body:
        spans.append((head_title, first_body, starts[0] if starts else len(blocks)))
    for n, start in enumerate(starts):
        title = blocks[start]
        if spans and not any(_is_sentence(b) for b in blocks[spans[-1][1]:start]):
            # A title before any body text is the same report's title block (the full title,
            # then the generic 政府工作报告): no new report; the more specific title wins.
            last_title, begin, _ = spans.pop()
            spans.append((specific_title(last_title, title), begin, bounds[n + 1]))
            continue
        if not spans and file_title and start <= first_body:
            title = specific_title(title, file_title)
        spans.append((title, start + 1, bounds[n + 1]))

    reports = []
    for title, begin, end in spans:
        if begin >= end:
            continue
        for at, named in cleaned.notice_titles.items():
            if begin < at <= end and named != title and named.endswith(title):
                title = named
        report = Report(title=title, meta=dict(cleaned.meta))
        own_dates = [date for at, date in sorted(cleaned.dates.items()) if begin < at <= end]
        if own_dates:
            report.meta.setdefault("date", own_dates[-1])
        declared = {i - begin for i in cleaned.headings if begin <= i < end}
        report.blocks = mark_headings(blocks[begin:end], declared)
        reports.append(report)
    return reports


def _is_sentence(line: str) -> bool:
    return cjk_count(line) >= 2 and line.endswith(("。", "！", "？", "；", "!", "?", "…"))


def _title_key(title: str) -> str:
    return re.sub(r"^(标题|题目)[：:]|[\W_]+", "", title)


def specific_title(one: str, other: str) -> str:
    """Of two titles of one report, the one that says more: 2025年河北省政府工作报告 over
    政府工作报告; the first when neither contains the other."""
    a, b = _title_key(one), _title_key(other)
    return other if (a in b and len(b) > len(a)) else one


def _is_title_like(line: str) -> bool:
    return 2 <= len(line) <= 60 and not line.endswith(("。", "；", "，", ",", ";"))
