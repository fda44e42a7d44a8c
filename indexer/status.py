"""What the index holds, remembered between runs: ``status.json`` in the index folder.

Written after each successful indexing run (atomically: a temporary file renamed over the old
one) and read by ``reportsearch status`` and the web home page. It keeps the totals (reports,
paragraphs, files by format), when the index was last updated, and the files skipped with
their reasons. An incremental run reads only new and changed files, so the reasons of a file
skipped in an earlier run are carried over until the file is read again, deleted, or gone.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from indexer.jsonfile import replace_json

STATUS_FILE = "status.json"
VERSION = 1
# The rules a file is read by (indexer.ingest, indexer.text.places). Raised when reading the same
# file gives other reports, paragraphs or metadata, so that an index some of whose files were read
# by older rules can say so (incremental runs read only new and changed files). History:
# 1 until 2026-12; 2: places by their full name (北京 → 北京市); 3: Word 97–2003 .doc/.wps and Excel
# .xlsx/.xls read (skipped before: files skipped under older rules are read again by the next run,
# indexer.update); 4: an attachment label (附件2) is no report title; 5: a title set on two lines at
# the top of a file is read whole (2026年河南省 / 政府工作报告), and a generic title takes the place of its
# meeting line (2026年湖北省政府工作报告), and in a PDF whose paragraphs open indented a sentence ending at
# the right margin no longer ends its paragraph; a report named only by its file that opens as a
# government work report is titled as one (宜春.docx → 2024年宜春市政府工作报告); two Title-style
# paragraphs in a row in a .docx are one title; an overlong paragraph (a report scraped onto one line)
# is cut where its outline goes on (一、, （二）) before any other sentence end; a first line naming no
# kind of document continues on the second that does (国家税务总局江西省税务局2023年度 / 拟录用公务员公示公告);
# a title from a file's name says its year first (湖北省政府工作报告2026 → 2026年湖北省政府工作报告);
# 6: the bigram across a quotation mark inside a phrase is indexed (“十四五”规划 found as 十四五规划), and
# a subtitle line opening with a dash (——2025年1月16日省长×××在……上的讲话) is no report title, and such a
# meeting line dates its report before the file's own date does; 7: so does a meeting line written as
# one sentence with its full stop (2025年1月19日在江苏省……会议上省长×××作政府工作报告。); 8: a report
# without a date is filed under the year its title or a spreadsheet's year column names, and a national
# report (国务院, 全国人民代表大会) under the place 全国; 9: the bigram across a decimal point, joining mark
# or percent sign inside a token is indexed (3.5 → 35, 1+N → 1n, 5%左右 → 5左: indexer.text.bridges);
# 10: that bigram is marked as across the mark (3.5 is no longer the 35 of 2035年); 11: .ofd files are
# read (skipped before), and segments hold their long posting lists decoded (indexer.engine.decoded);
# 12: a CSV's header is found below the title and notice rows above it, as a spreadsheet's; 13: .rtf,
# .odt, .pptx, .ppt, .et and .zip files, and RTF or Word 2003 XML under a .doc name, are read (skipped
# before); 14: a PDF's or OFD's lines set wide apart (official documents' 28–30 point line spacing) are
# joined into paragraphs, not cut at every line; 15: radicals a PDF's text layer writes for characters
# (⼈⺠ for 人民) are read as those characters (indexer.text.radicals); 16: a PDF page set in two columns
# is read a column at a time (indexer.ingest.readers.pdfcolumns), not a line across both; 17: a ruled
# table in a PDF is read a row a block, cells joined with " | " (indexer.ingest.readers.pdftables); 18:
# PowerPoint shows (.pps, .ppsx) are read (skipped before); 19: a .docx's or RTF's tracked insertions are
# read and its deletions are not, and a .docx's content controls are read (not its table of contents);
# 20: a Word 97–2003 .doc's tracked deletions and a .docx's hidden text (w:vanish) are not read; 21: in a
# PDF, the layout's spacing between a Chinese character and a digit or Latin letter is no space (2024年, not
# 2024 年: readers.pdf.closed_gaps); 22: WPS 演示 files (.dps) are read (skipped before).
READING_RULES = 22
OLD_RULES = ("部分文件是按旧版本的读取规则读入的（如地区名尚未统一为全称）；"
             "运行 reportsearch index --rebuild 可按新规则重读全部文件")
# Said with every search of such an index: a query the new rules answer (a figure such as 3.5%) may
# find less in files read by the old ones, and nothing else tells the user why.
SEARCH_OLD_RULES = ("索引中有文件是按旧版本的读取规则读入的，有些查询（如 3.5%、1+N 这样的数字，行距大的 PDF 里"
                    "跨行的句子、分两栏排的 PDF，PDF 里显示正常、实为部首字符的字，或 PDF 里数字与汉字之间的空隙）可能找不全；"
                    "运行 reportsearch index --rebuild 可按新规则重读全部文件。")


def load(index_dir: Path) -> dict | None:
    """The last record, or None when there is none (or it cannot be read)."""
    try:
        data = json.loads((Path(index_dir) / STATUS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("version") == VERSION else None


@dataclass(frozen=True)
class Change:
    """What a committed run changed, so that its record need not count the whole index."""
    base: int                 # the generation the run built on
    generation: int           # the generation its commit made
    sources: list[str]        # every file in the index now (the run's scan)
    reports: int              # reports added, less those deleted
    paragraphs: int           # paragraphs added, less those deleted


def record(index_dir: Path, corpus_dir: Path, summary, change: Change | None = None) -> dict:
    """Record a successful run (an indexer.update.Summary) and return what was written.

    With ``change``, and a last record of the generation the run built on, the totals are that
    record's plus the change: a run that adds one report does not count a million paragraphs.
    """
    previous = load(index_dir) or {}
    corpus = Path(corpus_dir).resolve()
    skipped = _skipped(previous, summary, corpus)
    now = _now()
    if previous and not summary.did_work and previous.get("corpus") == str(corpus) \
            and previous.get("skipped") == skipped:
        data = dict(previous, checked=now)          # nothing changed: no need to count again
    else:
        index = str(Path(index_dir).resolve())
        carried = change is not None and previous.get("index") == index and previous.get("generation") == change.base
        data = {"version": VERSION, "index": index, "corpus": str(corpus), "updated": now, "checked": now,
                **(_changed(previous, change, skipped) if carried else counts(index_dir, skipped)), "skipped": skipped,
                "reading": READING_RULES if summary.rebuilt or not summary.unchanged else previous.get("reading", 1),
                # every run that scans retries the files skipped under older rules (indexer.update)
                "skips_read_by": READING_RULES}
    replace_json(Path(index_dir) / STATUS_FILE, data, ensure_ascii=False, indent=1)
    return data


def _changed(previous: dict, change: Change, skipped: dict[str, str]) -> dict:
    formats = _formats(change.sources, skipped)
    return {"reports": previous["reports"] + change.reports, "paragraphs": previous["paragraphs"] + change.paragraphs,
            "files": sum(formats.values()), "formats": formats, "generation": change.generation}


def _formats(sources, skipped: dict[str, str]) -> dict[str, int]:
    return dict(sorted(Counter(_suffix(s) for s in sources if s not in skipped).items()))


def _suffix(source: str) -> str:
    """PurePosixPath(source).suffix.lower(), without making a path of each of 25,000 names."""
    name = source.rpartition("/")[2]
    dot = name.rfind(".")
    return name[dot:].lower() if 0 < dot < len(name) - 1 else ""


def current(index_dir: Path) -> dict:
    """The record, or (for an index made before records were kept) counts read from the index,
    with ``skipped`` None: unknown until the next run."""
    data = load(index_dir)
    if data is None:
        data = {"version": VERSION, "index": str(Path(index_dir).resolve()), "corpus": "", "updated": "",
                "checked": "", **counts(index_dir, {}), "skipped": None}
    return data


def _skipped(previous: dict, summary, corpus: Path) -> dict[str, str]:
    """This run's skipped files, plus earlier ones this run did not read again and that still exist."""
    carried = {} if summary.rebuilt or previous.get("corpus") != str(corpus) else previous.get("skipped") or {}
    read_again = set(summary.added) | set(summary.changed) | set(summary.deleted)
    kept = {source: reason for source, reason in carried.items()
            if source not in read_again and (corpus / source).is_file()}
    kept.update(summary.skipped)
    return dict(sorted(kept.items()))


def counts(index_dir: Path, skipped: dict[str, str]) -> dict:
    """Reports, paragraphs and files by format in the committed index."""
    from indexer.engine import store

    ix = store.open_index(index_dir)
    try:
        with ix.reader() as reader:
            files = store.manifest(reader)
            reports, paragraphs = _reports_and_paragraphs(reader)
            generation = reader.generation()
    finally:
        ix.close()
    formats = _formats(files, skipped)
    return {"reports": reports, "paragraphs": paragraphs, "files": sum(formats.values()), "formats": formats,
            "generation": generation}


def _reports_and_paragraphs(reader) -> tuple[int, int]:
    # Every paragraph, and only a paragraph, has a report_id (file markers and duplicate records
    # have none). Segment by segment, skipping deleted documents, as store.manifest does.
    # The lexicon walk hands each term's document frequency over with the term: asking for it
    # term by term looked every term up again (a quarter of a second at 100,000 paragraphs).
    reports, paragraphs = set(), 0
    for leaf, _ in reader.leaf_readers():
        deletions = leaf.has_deletions()
        for term, info in leaf.iter_field("report_id"):
            live = (sum(1 for _ in leaf.postings("report_id", term).all_ids()) if deletions
                    else info.doc_frequency())
            if live:
                reports.add(term)
                paragraphs += live
    return len(reports), paragraphs


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def when(stamp: str) -> str:
    """An ISO time as a person reads it: 2025-03-01 14:05."""
    try:
        return datetime.fromisoformat(stamp).strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return "未知"


def lines(data: dict) -> list[str]:
    """The record as the command line prints it."""
    out = [f"索引：{data['index']}" + (f"（语料目录 {data['corpus']}）" if data.get("corpus") else ""),
           f"最后更新：{when(data.get('updated'))}",
           f"报告 {data['reports']} 篇，段落 {data['paragraphs']} 个，来自 {data['files']} 个文件"
           + ("：" + "、".join(f"{ext or '无扩展名'} {n} 个" for ext, n in data["formats"].items())
              if data["formats"] else "。")]
    skipped = data.get("skipped")
    if skipped is None:
        out.append("跳过的文件：尚无记录（下次运行 reportsearch index 后显示）")
    elif skipped:
        out.append(f"跳过 {len(skipped)} 个无法读取的文件：")
        out += [f"  {source}：{reason}" for source, reason in skipped.items()]
    else:
        out.append("没有跳过的文件。")
    if outdated_reading(data):
        out.append(OLD_RULES)
    return out


def skips_to_retry(data: dict) -> list[str]:
    """The files an earlier run skipped under older reading rules: a newer version may read them
    (a format it did not know), so the next run reads them again, without a --rebuild."""
    return sorted(data.get("skipped") or ()) if data.get("skips_read_by", 1) < READING_RULES else []


def outdated_for(index_dir: Path, generation: int) -> bool:
    """Is the index at this generation recorded as read, in part, by older rules? False when no
    record says so of that generation (none yet, or one an indexing run is about to replace)."""
    data = load(index_dir)
    return bool(data) and data.get("generation") == generation and outdated_reading(data)


def outdated_reading(data: dict) -> bool:
    """Some files of the index were read by older rules (a record without the field: an index made
    before it was kept, or whose records are gone)."""
    return data.get("reading", 1) < READING_RULES
