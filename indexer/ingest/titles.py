"""The title a report is cited by.

In the flow files → text → clean → reports → paragraphs → analysis → index, this serves reports.

Many reports call themselves only 政府工作报告, with the year in a subtitle
(——2016年3月5日在……会议上) and the place in the file's name (保定市_2018_report.txt): a
list of results or a facet of such titles cannot tell one report from another. A generic title
is therefore qualified by the place and year its file name gives, else by its subtitle's year.
Pure functions.
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath

from indexer.ingest.metadata import doctype
from indexer.text.places import find_place, place_name

# A note after a title that says how the page holds it, not what it is: （全文）, (实用17篇).
_NOTE = re.compile(r"\s*[(（](全文|全文实录|摘要|节选|实录|精选|范文|完整版|(实用|精选)?[\d一二三四五六七八九十]+篇)[)）]$")
_SUBTITLE = re.compile(r"^(.{2,40}?)\s*(——|—)\s*(.+)$")
_YEAR = re.compile(r"((?:19[5-9]|20\d)\d)\s*年?")
_STEM_PART = re.compile(r"[^\W\d_]+|\d+")
_TRAILING_YEAR = re.compile(r"(?P<rest>\D+?)[\s_\-]*(?P<year>(?:19|20)\d\d)")
_LEADING_YEAR = re.compile(r"(?P<year>(?:19|20)\d\d)[\s_\-]*(?P<rest>[^\d年]\D*)")
# What every government work report says first (the State Council's too), and the heading its first
# part opens with.
_GOVERNMENT_REPORT = re.compile(r"我代表(\S{0,12})(?:人民政府|国务院)\S{0,3}向大会\S{0,6}报告")
_REVIEW = re.compile(r"(?:[一1][、.．]\s*)?((?:19|20)\d\d)\s*年\s*(?:工作)?回顾\s*$")


def title_from_filename(source: str) -> str:
    """The file's name without a numbering prefix (03_攸县调研.txt → 攸县调研); a year that is
    part of the name (2025年湖南省政府工作报告) stays."""
    stem = PurePosixPath(source).stem
    return re.sub(r"^(\d+[_\-\s.、]+)+(?=\D)", "", stem) or stem


_LABEL = r"(?:标题|题目)[：:]"                 # 标题：…, said before a title, not part of it
_KEY_DROPS = re.compile(rf"^{_LABEL}|[\W_]+")
# The first two characters of a text's title_key: past the label, two word characters.
_KEY_HEAD = re.compile(rf"(?:{_LABEL})?[\W_]*([^\W_])[\W_]*([^\W_])")


def title_key(title: str) -> str:
    return _KEY_DROPS.sub("", title)


def may_have_key(text: str, key: str) -> bool:
    """False when title_key(text) cannot be ``key``: their first two characters differ, which a
    look at the text's head tells without making its key (the body of a report, paragraph by
    paragraph, is mostly such texts)."""
    if len(key) < 2:
        return True
    head = _KEY_HEAD.match(text)
    return head is not None and head[1] == key[0] and head[2] == key[1]


def specific_title(one: str, other: str) -> str:
    """Of two titles of one report, the one that says more: 2025年河北省政府工作报告 over
    政府工作报告; the first when neither contains the other."""
    a, b = title_key(one), title_key(other)
    return other if (a in b and len(b) > len(a)) else one


def is_title_like(line: str) -> bool:
    """Could be the first line's title: short, and not a sentence, a clause, a salutation
    (各位代表：) or an exclamation."""
    return 2 <= len(line) <= 60 and not line.endswith(("。", "；", "，", ",", ";", "：", ":", "！", "!"))


# A line that is only a date, a document number (湘政发〔2026〕1号) or a letterhead (××人民政府文件):
# above a title, not part of it.
_DATE_ONLY = re.compile(r"(19|20)\d\d\s*年(\s*\d{1,2}\s*月(\s*\d{1,2}\s*日)?)?")
_DOC_NUMBER = re.compile(r"[〔\[［]\s*(19|20)\d\d\s*[〕\]］]|\d+\s*号$|文件$")
# A mark inside a line that makes it a sentence or a clause, not a line of a title.
_CLAUSE_MARK = re.compile(r"[。，,；;！!？?：:]")


def wrapped_title(first: str, title: str) -> str:
    """A title set on two lines at the top of a file, the second naming the report
    (2026年河南省 / 政府工作报告, 关于2025年全县农村 / 土地流转情况的调研报告): the two joined;
    ``title`` alone when ``first`` is no first half of it (a sentence, a date, a document number,
    a title of its own, or a line that says again what the title says)."""
    a, b = title_key(first), title_key(title)
    if not (is_title_like(first) and len(first) <= 30) or not a or a in b or b in a:
        return title
    if _DATE_ONLY.fullmatch(first.strip()) or _DOC_NUMBER.search(first) or doctype(first):
        return title
    if _CLAUSE_MARK.search(first):
        return title
    first, title = first.strip(), title.strip()
    # A word on both lines is said once: 湖南省人民政府 / 政府工作报告 → 湖南省人民政府工作报告.
    overlap = next((k for k in range(min(len(first), len(title)) - 1, 1, -1) if first.endswith(title[:k])), 0)
    return first + title[overlap:]


# The kinds of document a title names at its end (wider than the reports a collection page is split
# at): 公示公告, 情况的说明, 考试大纲, 通知 (第一批).
_DOCUMENT_KIND = re.compile(
    r"(汇报|报告|总结|调研|调查|讲话|发言稿?|材料|说明|通知|通报|公告|公示|通告|大纲|办法|意见|决定|规定|方案|细则"
    r"|纲要|公报|规划|计划|批复|请示|纪要)\s*([(（][^()（）]{0,20}[)）])?$")


def continued_title(first: str, second: str) -> str:
    """The title of a file whose first line does not say what kind of document it is and whose
    second does (关于袁州区乡镇机关…岗位 / 入闱体检人员情况的说明): the two joined; ``first``
    alone otherwise (the second line a sentence, a date, or naming no kind of document)."""
    if _DOCUMENT_KIND.search(first) or not _DOCUMENT_KIND.search(second) or len(second) > 40:
        return first
    if not is_title_like(second) or _CLAUSE_MARK.search(second):
        return first
    joined = wrapped_title(first, second)
    return joined if joined != second else first


# 附件2, 附件三：, 附件1：…职位表: the label an attachment opens with, above or before its title.
_ATTACHMENT = re.compile(r"附件\s*([0-9０-９一二三四五六七八九十]{1,3})?\s*([：:、.．])?\s*")


def without_attachment_label(line: str) -> str:
    """The line without the attachment label it opens with ("" for a label alone); the line itself
    when it opens with none (附件材料齐全 is a sentence, not a label)."""
    m = _ATTACHMENT.match(line)
    if m and (m.group(1) or m.group(2) or m.end() == len(line)):
        return line[m.end():]
    return line


def is_generic(title: str) -> bool:
    """The title is only the name of a kind of report (政府工作报告, 工作总结)."""
    return bool(title) and doctype(title) == title


def main_title(title: str) -> tuple[str, str]:
    """The title without a subtitle, and the subtitle: 政府工作报告——2016年3月5日在……会议上 →
    (政府工作报告, 2016年3月5日在……会议上)."""
    title = _NOTE.sub("", title)
    m = _SUBTITLE.match(title)
    if m and doctype(m.group(1)):
        return m.group(1).strip(), m.group(3).strip()
    return title, ""


def _year_first(name: str) -> str:
    """A file's name as a title says its year first, as a year: 湖北省政府工作报告2026 and
    2026湖北省政府工作报告 → 2026年湖北省政府工作报告."""
    m = _TRAILING_YEAR.fullmatch(name) or _LEADING_YEAR.fullmatch(name)
    return f"{m.group('year')}年{m.group('rest')}" if m else name


def file_qualifier(source: str) -> tuple[str, bool, bool]:
    """The place and year a file's name gives, in its order (保定市_2018_report → 保定市2018年),
    and whether it holds a year, and a place."""
    parts, has_year, has_place = [], False, False
    for part in _STEM_PART.findall(PurePosixPath(source).stem):
        if _YEAR.fullmatch(part):
            parts.append(f"{part}年")
            has_year = True
        elif place_name(part):
            parts.append(place_name(part))          # 宜春 → 宜春市: as the place facet names it
            has_place = True
    return "".join(parts), has_year, has_place


def citation_title(title: str, source: str, opening: list[str] = ()) -> str:
    """The title to cite: without a page's note or a meeting line, and a generic title replaced
    by the file's name when that names it more fully, else qualified by the place and year of
    the file name, else by the year and place of its subtitle (in the title, or a ——… line among
    the report's ``opening`` lines: ——2026年1月20日在湖北省第十四届人民代表大会… → 2026年湖北省)
    or the year after the one its review is of (一、2023年工作回顾 → 2024年), so that thirty
    provinces' 政府工作报告 are thirty titles. A report named only by its file (宜春.docx) that
    opens as every government work report does (现在，我代表市人民政府向大会报告工作) is one."""
    from_file = title_from_filename(source)
    if title == from_file and doctype(title):
        title = _year_first(title)              # 湖北省政府工作报告2026.txt
    main, subtitle = main_title(title)
    if (title == from_file and not doctype(main)
            and any(_GOVERNMENT_REPORT.search(line) for line in opening)):
        main = "政府工作报告"
    if not is_generic(main):
        # A meeting line (——2014年2月10日在……) is no part of the name, but its year is; 以某县为例
        # is part of it.
        year = _YEAR.match(subtitle)
        if not year:
            return _NOTE.sub("", title)
        return main if _YEAR.search(main) else f"{year.group(1)}年{main}"
    named = _NOTE.sub("", from_file)
    if specific_title(main, named) == named:
        return _year_first(named)               # 2025年湖南省政府工作报告.docx
    if not subtitle:
        subtitle = next((line for line in opening if line.startswith("—")), "")
    qualifier, has_year, has_place = file_qualifier(source)
    if not has_year:
        # a year from the text leads, as in 2026年湖北省政府工作报告
        year = _YEAR.search(subtitle)
        review = next((m for m in map(_REVIEW.match, opening) if m), None)
        if year:
            qualifier = f"{year.group(1)}年{qualifier}"
        elif review:
            qualifier = f"{int(review.group(1)) + 1}年{qualifier}"
    place = None
    if not has_place:
        # the meeting line's place, else the government's in the opening (我代表北京市人民政府)
        speaker = next((m.group(1) for m in map(_GOVERNMENT_REPORT.search, opening) if m), "")
        place = find_place(subtitle) or find_place(speaker)
    return qualifier + (place or "") + main
