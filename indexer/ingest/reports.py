"""Split a file's cleaned blocks into reports.

In the flow files → text → clean → reports → paragraphs → analysis → index, this is reports.

Scraped collection pages hold many reports, each under a title line such as
城乡社区建设工作情况汇报 or ×区社区建设情况汇报; a Word file or a web page usually holds one.
"""
from __future__ import annotations

import re
from itertools import islice

from indexer.ingest.clean import Cleaned
from indexer.ingest.metadata import meeting_date
from indexer.model import Report
from indexer.ingest.paragraphs import BODY_MIN, cjk_at_least, heading_level, is_body, mark_headings
from indexer.ingest.titles import (citation_title, continued_title, is_title_like, main_title, may_have_key,
                                   specific_title, title_from_filename, title_key, without_attachment_label,
                                   wrapped_title)

# A title names a report type at its end, optionally followed by a note in brackets:
# 县农村社区建设工作情况汇报, 关于土地流转的调研报告, 2023年政府工作报告, …汇报(实用17篇)
_TITLE = re.compile(
    r"(汇报|报告|总结|调研|调查|述职|讲话|发言(稿)?|经验材料|典型材料|情况说明|实施方案|工作方案|请示)"
    r"\s*([(（][^()（）]{0,20}[)）])?$"
)
_SENTENCE_PUNCT = re.compile(r"[。；;！!？?，,]")
_SUBTITLE_DASH = ("—", "－－", "--")       # a line opening with a dash continues the title above it


def is_report_title(line: str) -> bool:
    """A standalone line that names a report: short, not a sentence, not a numbered heading, not
    a subtitle (——2025年1月16日省长×××在……会议上的讲话 says when and where a report was given)."""
    if not (4 <= len(line) <= 40) or _SENTENCE_PUNCT.search(line) or line.startswith(_SUBTITLE_DASH):
        return False
    if heading_level(line):
        return False
    return bool(_TITLE.search(line))


def split_reports(cleaned: Cleaned, source: str, file_title: str = "") -> list[Report]:
    """Split blocks at report title lines; text before the first title belongs to the file's title.

    A notice naming a fuller title (《谷里镇农村社区建设工作情况汇报》全文内容…) renames the
    report it closes when its current title is a suffix of that name.
    """
    blocks = cleaned.blocks
    starts = [
        i for i, line in enumerate(blocks)
        if is_report_title(line) and i + 1 < len(blocks) and not is_report_title(blocks[i + 1])
        and not (i and _runs_on(blocks[i - 1]))
    ]
    head_title = file_title
    label, candidate = 0, blocks[0] if blocks else ""     # label: a line 附件2 alone, dropped
    if blocks and not file_title:
        rest = without_attachment_label(blocks[0])
        if not rest and len(blocks) > 1:
            label, candidate = 1, blocks[1]
        elif rest:
            candidate = rest
    if blocks and (not file_title) and is_title_like(candidate) and label not in starts:
        head_title, first_body = candidate, label + 1
        if first_body < len(blocks) and first_body not in starts:
            joined = continued_title(candidate, blocks[first_body])
            if joined != candidate:                 # 国家税务总局江西省税务局2023年度 / 拟录用公务员公示公告
                head_title, first_body = joined, first_body + 1
    else:
        first_body = label
        if starts and starts[0] == label and not file_title:
            head_title = ""
    head_title = head_title or title_from_filename(source)

    # A headline right above the title line is part of the title block (王正谱在……上的政府工作报告,
    # then 政府工作报告).
    tops = [i - 1 if i > first_body and is_report_title(blocks[i - 1]) else i for i in starts]
    spans: list[tuple[str, int, int]] = []
    bounds = tops + [len(blocks)]
    if not starts or tops[0] > first_body:
        spans.append((head_title, first_body, tops[0] if starts else len(blocks)))
    for n, start in enumerate(starts):
        title = specific_title(blocks[start], blocks[tops[n]])
        if spans and not any(_is_sentence(b) for b in blocks[spans[-1][1]:tops[n]]):
            # A title before any body text is the same report's title block (the full title,
            # then the generic 政府工作报告): no new report; the more specific title wins.
            last_title, begin, _ = spans.pop()
            spans.append((specific_title(last_title, title), begin, bounds[n + 1]))
            continue
        if not spans and start <= first_body:
            if not file_title and start == first_body and first_body > label:
                title = wrapped_title(head_title, title)      # the line above, the first of the file
            title = specific_title(title, file_title or head_title)
        spans.append((title, start + 1, bounds[n + 1]))

    spans = [(without_attachment_label(title) or title, begin, end) for title, begin, end in spans]
    headed = bool(spans) and (not starts or tops[0] > first_body)
    if len(spans) > 1 and _is_preface(blocks[spans[0][1]:spans[0][2]], headed, len(spans)):
        spans = spans[1:]
    return _reports(cleaned, source, _copies(blocks, spans))


def _reports(cleaned: Cleaned, source: str, spans: list[tuple[str, int, int]]) -> list[Report]:
    """The reports of the spans (title, first block, end) of the cleaned blocks."""
    blocks = cleaned.blocks
    reports = []
    openings: list[tuple[tuple[str, ...], str]] = []
    for title, begin, end in spans:
        if begin >= end:
            continue
        for at, named in cleaned.notice_titles.items():
            if begin < at <= end and named != title and named.endswith(title):
                title = named
        title = _title_of_copy(title, _opening(blocks, begin, end), openings)
        begin = _skip_title_repeats(blocks, begin, end, title)
        # 政府工作报告——2016年3月5日在……会议上: the meeting line leaves the title but dates the report.
        given = meeting_date(main_title(title)[1])
        title = citation_title(title, source, blocks[begin:begin + 3])
        report = Report(title=title, meta=dict(cleaned.meta))
        own_dates = [date for at, date in sorted(cleaned.dates.items()) if begin < at <= end]
        if own_dates or given:
            report.meta.setdefault("date", own_dates[-1] if own_dates else given)
        declared = {i - begin for i in cleaned.headings if begin <= i < end}
        report.blocks = mark_headings(blocks[begin:end], declared)
        reports.append(report)
    return reports


def _is_sentence(line: str) -> bool:
    return cjk_at_least(line, 2) and line.endswith(("。", "！", "？", "；", "!", "?", "…"))


PREFACE_MAX = 300         # characters
MOTTO_MAX = 120


def _runs_on(line: str) -> bool:
    """A long line cut off mid-sentence: the short line after it (a linked word such as 重要讲话,
    set on a line of its own by the page) continues the sentence and is no title."""
    return len(line) >= BODY_MIN and bool(_CJK_END.search(line))


_CJK_END = re.compile(r"[\u3400-\u9fff]$")


def _is_preface(blocks: list[str], untitled: bool, parts: int) -> bool:
    """The first part of a page, too short to be a report, is the page's: the lead-in of a page
    of many reports (在工作汇报中,我们需要注重条理性……), or a single line before the first
    titled report (a site's motto)."""
    if any(heading_level(b) for b in blocks):
        return False
    if untitled and len(blocks) == 1 and len(blocks[0]) <= MOTTO_MAX:
        return True
    return parts > 2 and len(blocks) <= 2 and sum(map(len, blocks)) <= PREFACE_MAX


OPENING = 2          # body paragraphs that identify a report's text


MAX_COPIES = 20     # more "copies" than a saved page holds: a text that repeats itself


def _opening(blocks: list[str], begin: int, end: int) -> tuple[str, ...]:
    """The keys of the first ``OPENING`` body paragraphs of blocks[begin:end]."""
    return tuple(islice((title_key(b) for b in islice(blocks, begin, end) if is_body(b)), OPENING))


def _copies(blocks: list[str], spans: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Spans cut where a report's text starts again (a page that holds its text several times,
    the copies' title lines lost): each copy is a report of the same title, from the title-block
    lines it repeats (各位代表：) on."""
    out = []
    for title, begin, end in spans:
        first = next((i for i in range(begin, end) if is_body(blocks[i])), None)
        opening = _opening(blocks, begin, end)
        cut, cuts = begin, []
        # Two equal opening paragraphs are no opening: a text of one paragraph repeated.
        if first is not None and len(opening) == OPENING and len(set(opening)) == OPENING:
            for j in range(first + 1, end):
                if may_have_key(blocks[j], opening[0]) and title_key(blocks[j]) == opening[0] \
                        and _opening(blocks, j, end) == opening:
                    k = 0
                    while j - k - 1 > cut and first - k - 1 >= begin \
                            and title_key(blocks[j - k - 1]) == title_key(blocks[first - k - 1]):
                        k += 1
                    if j - k > cut + 1:
                        cuts.append((title, cut, j - k))
                        cut = j - k
        out.extend(cuts + [(title, cut, end)] if len(cuts) < MAX_COPIES else [(title, begin, end)])
    return out


def _title_of_copy(title: str, opening: tuple[str, ...], seen: list[tuple[tuple[str, ...], str]]) -> str:
    """A report whose text opens as an earlier one's is a copy of it, and takes its title when
    that says more (2025年河北省政府工作报告 for a copy titled 政府工作报告)."""
    for earlier_opening, earlier in seen:
        if opening and opening == earlier_opening:
            return specific_title(title, earlier)
    seen.append((opening, title))
    return title


_FOOTNOTE_MARK = re.compile(r"\[\d{1,2}\]$")


def _skip_title_repeats(blocks: list[str], begin: int, end: int, title: str) -> int:
    """The report's first block after lines that only repeat its title (a page's heading above
    the text heading it again)."""
    key = title_key(title)
    while begin < end and title_key(_FOOTNOTE_MARK.sub("", blocks[begin])) == key:
        begin += 1
    return begin
