"""Limits by what costs, per file and per report, for every reader: rows, paragraphs, text,
unzipped bytes, markup; a table collection is limited per report, not as one text. What is left
out of a file still indexed is said in one Chinese line; a broken columns.ini never stops a run."""
from __future__ import annotations

import csv
import io
import time
import zipfile
from pathlib import Path

import pytest
from fixture_files import make_odt, make_pptx, slide_shape

from indexer.cli import print_summary

from indexer.errors import UnreadableFile
from indexer.ingest.pipeline import file_paragraphs, file_reports
from indexer.ingest.readers import limits, read_document
from indexer.update import update_index

ROOT = Path(__file__).resolve().parent.parent


def _real_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").rglob("*.txt")))


def collection_csv(reports: int = 124, chars: int = 20_000) -> bytes:
    """A table of report-sized rows of real Chinese text, together longer than one report may be."""
    text = _real_text()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["title", "date", "full_text"])
    for n in range(reports):
        start = (n * 7919) % max(1, len(text) - chars)
        body = (text[start:] + text)[:chars]
        writer.writerow([f"某县2024年第{n + 1}号工作报告", "2024-03-01", f"第{n + 1}号报告\n{body}"])
    return out.getvalue().encode("utf-8")


def test_a_collection_longer_than_one_report_is_indexed_report_by_report():
    data = collection_csv()
    assert len(data) > 6_000_000
    with limits.noting() as notes:
        reports = file_reports(data, "汇编/报告集.csv")
    assert len(reports) == 124 and not notes


def test_a_row_too_long_for_a_report_is_skipped_and_said(monkeypatch):
    monkeypatch.setattr(limits, "MAX_TEXT_CHARS", 30_000)
    data = "title,text\n短报告,乙镇为全镇留守儿童建立了成长档案。\n长报告,".encode("utf-8") + "很长的正文。".encode("utf-8") * 6000
    with limits.noting() as notes:
        reports = file_reports(data, "t.csv")
    assert [r.title for r in reports] == ["短报告"]
    assert notes == ["1 行正文过长（上限 3 万字），已跳过"]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".json"])
def test_rows_beyond_the_limit_are_counted_not_read(monkeypatch, suffix):
    monkeypatch.setattr(limits, "MAX_REPORTS_PER_FILE", 50)
    rows = [(f"第{n}条", f"第{n}条情况良好，群众满意度达到百分之九十{n}。") for n in range(5000)]
    if suffix == ".csv":
        data = ("title,text\n" + "".join(f"{t},{x}\n" for t, x in rows)).encode("utf-8")
    elif suffix == ".jsonl":
        data = "".join(f'{{"title": "{t}", "text": "{x}"}}\n' for t, x in rows).encode("utf-8")
    else:
        data = ("[" + ",".join(f'{{"title": "{t}", "text": "{x}"}}' for t, x in rows) + "]").encode("utf-8")
    with limits.noting() as notes:
        reports = file_reports(data, "many" + suffix)
    assert len(reports) == 50
    assert notes == ["表格行数过多（5000 行），只索引前 50 行，其余 4950 行已跳过"]


def test_480000_tiny_rows_cost_seconds_not_minutes():
    data = b"title,text\n" + b"".join("第%d条,情况良好%d\n".encode("utf-8") % (i, i) for i in range(480_000))
    started = time.monotonic()
    with limits.noting() as notes:
        paragraphs = file_paragraphs(data, "big.csv")
    assert time.monotonic() - started < 60
    assert len({p.report_id for p in paragraphs}) <= limits.MAX_REPORTS_PER_FILE
    assert "其余 470000 行已跳过" in notes[0]


def _docx(paragraphs: list[str]) -> bytes:
    import docx

    word = docx.Document()
    for text in paragraphs:
        word.add_paragraph(text)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def test_docx_paragraphs_are_capped_and_said(monkeypatch):
    monkeypatch.setattr(limits, "MAX_PARAGRAPHS_PER_FILE", 100)
    with limits.noting() as notes:
        doc = read_document(_docx([f"第{n}段，推进乡村振兴。" for n in range(300)]), "many.docx")
    assert len(doc.blocks) == 100
    assert notes == ["段落过多（约 300 个），只索引前 100 个，其余约 200 个已跳过"]


def _many(suffix: str, paragraphs: list[str]) -> bytes:
    """An .rtf, .odt or .pptx holding these paragraphs (the slides: one text box each)."""
    if suffix == ".rtf":
        escaped = ["".join("\\u%d?" % ord(c) for c in p) for p in paragraphs]
        return ("{\\rtf1\\ansi\\uc1 " + "".join(p + "\\par " for p in escaped) + "}").encode("ascii")
    if suffix == ".odt":
        return make_odt("".join(f"<text:p>{p}</text:p>" for p in paragraphs))
    return make_pptx({"slide1.xml": "".join(slide_shape([p]) for p in paragraphs)}, ["slide1.xml"])


@pytest.mark.parametrize("suffix", [".rtf", ".odt", ".pptx"])
def test_office_paragraphs_are_capped_and_said_and_their_text_limited(monkeypatch, suffix):
    monkeypatch.setattr(limits, "MAX_PARAGRAPHS_PER_FILE", 100)
    with limits.noting() as notes:
        doc = read_document(_many(suffix, [f"第{n}段，推进乡村振兴。" for n in range(300)]), "many" + suffix)
    assert len(doc.blocks) == 100 and doc.blocks[-1] == "第99段，推进乡村振兴。"
    assert notes == ["段落过多（300 个），只索引前 100 个，其余 200 个已跳过"]
    monkeypatch.setattr(limits, "MAX_TEXT_CHARS", 5_000)
    with pytest.raises(UnreadableFile, match="正文过长"):
        read_document(_many(suffix, ["很长的正文。" * 100] * 20), "long" + suffix)


def test_docx_text_is_limited_like_a_text_file(monkeypatch):
    monkeypatch.setattr(limits, "MAX_TEXT_CHARS", 5_000)
    with pytest.raises(UnreadableFile, match="正文过长"):
        read_document(_docx(["很长的正文。" * 100] * 20), "long.docx")


def test_docx_unzip_limit_is_the_documented_one():
    from indexer.ingest.readers import docx as docx_reader

    assert limits.MAX_UNZIPPED_BYTES == 200 * 1024 * 1024
    assert "200 MB" in (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:     # stored: passes the ratio check
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            for _ in range(210):
                f.write(b" " * (1024 * 1024))
    with pytest.raises(UnreadableFile, match="解压后过大"):
        docx_reader.check_zip(out.getvalue())


def test_text_paragraphs_are_capped_across_readers(monkeypatch):
    monkeypatch.setattr(limits, "MAX_PARAGRAPHS_PER_FILE", 10)
    data = "\n".join(f"第{n}段，乡村振兴取得新进展。" for n in range(40)).encode("utf-8")
    with limits.noting() as notes:
        paragraphs = file_paragraphs(data, "a.txt")
    assert len(paragraphs) <= 10 and notes


def test_html_is_refused_by_text_length_before_parsing(monkeypatch):
    page = b"<html><body><p>" + "很长的网页正文。".encode("utf-8") * 300_000 + b"</p></body></html>"
    started = time.monotonic()
    with pytest.raises(UnreadableFile, match="网页正文过长"):
        read_document(page, "long.html")
    assert time.monotonic() - started < 5
    with pytest.raises(UnreadableFile, match="网页元素过多"):
        read_document(b"<html><body>" + b"<p>x</p>" * 400_000 + b"</body></html>", "tags.html")


@pytest.mark.parametrize("kind", ["folder", "unreadable"])
def test_a_columns_ini_that_cannot_be_read_is_one_line_and_the_run_goes_on(tmp_path, kind):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "a.csv").write_text("标题,正文\n甲县汇报,甲县建立了土地流转服务中心。\n", encoding="utf-8")
    (corpus / "b.txt").write_text("乙镇汇报\n乙镇为全镇留守儿童建立了成长档案。\n", encoding="utf-8")
    if kind == "folder":
        (corpus / "columns.ini").mkdir()
    else:
        (corpus / "columns.ini").symlink_to(corpus / "columns.ini")       # a loop: open() fails
    summary = update_index(index, corpus)
    assert sorted(summary.added) == ["a.csv", "b.txt"]
    assert "表格按默认列名读取" in summary.skipped["columns.ini"]


def test_partly_indexed_files_are_reported(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(limits, "MAX_REPORTS_PER_FILE", 3)
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "a.csv").write_text("标题,正文\n" + "".join(f"第{n}篇,第{n}篇报告的正文内容。\n" for n in range(10)),
                                  encoding="utf-8")
    summary = update_index(index, corpus)
    assert summary.added == ["a.csv"] and summary.reports == 3
    assert "其余 7 行已跳过" in summary.partial["a.csv"]
    print_summary(summary)           # what `reportsearch index`, serve and watch print
    assert f"部分索引 a.csv：{summary.partial['a.csv']}" in capsys.readouterr().err.splitlines()
