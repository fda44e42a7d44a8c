"""A .zip of attachments is read file by file: its reports are indexed and found, what it cannot
read is said, and the archive itself is never a way to exhaust the indexer."""
import io
import re
import zipfile
from pathlib import Path

import pytest
from fixture_files import make_docx, make_zip_bomb

from indexer.errors import UnreadableFile
from indexer.ingest.pipeline import file_reports
from indexer.ingest.readers import OLE_MAGIC, limits, read_document
from indexer.search.searcher import Searcher
from indexer.update import update_index
from webapp import create_app

OFFICE = Path(__file__).parent / "fixtures" / "office"
YOUXIAN = "攸县围绕留守儿童关爱保护，建立了县、乡、村三级关爱网络，为全县一万二千名留守儿童建立成长档案。"
TEXT = "乙镇建立了土地流转服务中心，全镇流转土地三万亩，农民人均增收两千元。\n"


def archive(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def windows_archive(name: str, data: bytes) -> bytes:
    """A zip whose member name is in GBK without the UTF-8 flag, as Chinese Windows archivers write."""
    gbk = name.encode("gbk")
    placeholder = "x" * (len(gbk) - 4) + ".txt"
    return archive({placeholder: data}).replace(placeholder.encode("ascii"), gbk)


ATTACHMENTS = {
    "附件/附件1：攸县留守儿童关爱工作情况汇报.docx": make_docx("攸县留守儿童关爱工作情况汇报", [("p", YOUXIAN)]),
    "附件/水利汇报.rtf": (OFFICE / "汇报.rtf").read_bytes(),
    "附件/乙镇土地流转工作汇报.txt": TEXT.encode("gbk"),
    "附件/现场照片.jpg": b"\xff\xd8\xff\xe0 not read",
    "__MACOSX/附件/._水利汇报.rtf": b"\0\5\26\7",
    "附件/~$水利汇报.doc": b"owner",
    "附件/旧幻灯片.ppt": OLE_MAGIC + b"\0" * 600,
    "附件/更多附件.zip": archive({"a.txt": TEXT.encode()}),
}


def test_each_member_is_read_as_a_file_and_what_cannot_be_is_said():
    with limits.noting() as notes:
        doc = read_document(archive(ATTACHMENTS), "通知附件.zip")
    assert [part.source for part in doc.parts] == [
        "通知附件.zip/附件/附件1：攸县留守儿童关爱工作情况汇报.docx", "通知附件.zip/附件/水利汇报.rtf",
        "通知附件.zip/附件/乙镇土地流转工作汇报.txt"]
    assert len(notes) == 2
    assert notes[0] == "压缩包内 附件/旧幻灯片.ppt：演示文稿（.ppt）已损坏或不完整"
    assert notes[1] == "压缩包内 附件/更多附件.zip：压缩包里的压缩包不会再解压，请先解压"


def test_reports_come_from_each_member_with_the_members_name():
    reports = file_reports(archive(ATTACHMENTS), "通知附件.zip")
    assert [r.title for r in reports] == ["攸县留守儿童关爱工作情况汇报", "某县2024年农村饮水安全工作汇报",
                                          "乙镇土地流转工作汇报"]       # the last one titled by its file name
    assert reports[2].blocks[0].text.startswith("乙镇建立了土地流转服务中心")


def test_gbk_member_names_from_windows_archivers():
    [part] = read_document(windows_archive("乙镇土地流转工作汇报.txt", TEXT.encode("gbk")), "a.zip").parts
    assert part.source == "a.zip/乙镇土地流转工作汇报.txt"


@pytest.mark.parametrize("data, reason", [
    (archive({"照片.jpg": b"x", "说明.ppt": OLE_MAGIC + b"\0" * 600}), "没有可读取的报告文件（说明.ppt：演示文稿（.ppt）已损坏"),
    (archive({"照片.jpg": b"x"}), "没有可读取的报告文件"),
    (archive(ATTACHMENTS)[:3000], "压缩包已损坏或不完整"),
    (make_zip_bomb(), "压缩炸弹"),
])
def test_archives_that_give_nothing_get_one_reason(data, reason):
    with pytest.raises(UnreadableFile, match=re.escape(reason)):
        read_document(data, "a.zip")


def test_members_past_the_archives_text_limit_are_counted_not_read(monkeypatch):
    from indexer.ingest.readers import archive as reader

    monkeypatch.setattr(reader, "MAX_ARCHIVE_CHARS", 20_000)
    members = {f"第{n}号.txt": (TEXT * 400).encode() for n in range(5)}      # about 14,000 characters each
    with limits.noting() as notes:
        doc = read_document(archive(members), "a.zip")
    assert [p.source for p in doc.parts] == ["a.zip/第0号.txt", "a.zip/第1号.txt"]
    assert notes == ["压缩包内文件的正文合计超过 2 万字，其余 3 个文件未读取；请解压后放入语料目录"]


def test_a_damaged_member_is_said_and_the_rest_read():
    data = bytearray(archive({"乙镇.txt": TEXT.encode() * 50, "丙镇.txt": TEXT.replace("乙", "丙").encode()}))
    at = data.index(b"PK\x03\x04", 10) - 40               # inside the first member's compressed bytes
    data[at:at + 8] = b"\xff" * 8
    with limits.noting() as notes:
        doc = read_document(bytes(data), "a.zip")
    assert [p.source for p in doc.parts] == ["a.zip/丙镇.txt"] and notes == ["压缩包内 乙镇.txt：已损坏或不完整"]


def test_an_archive_in_the_corpus_is_indexed_searched_and_deduplicated(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "通知附件.zip").write_bytes(archive(ATTACHMENTS))
    (corpus / "乙镇土地流转工作汇报.txt").write_bytes(TEXT.encode("gbk"))   # also unpacked beside it
    summary = update_index(index, corpus)
    assert dict(summary.formats) == {".zip": 1, ".txt": 1} and summary.skipped == {}
    [dup] = summary.duplicates
    assert {dup["source"], dup["kept_source"]} == {"通知附件.zip", "乙镇土地流转工作汇报.txt"}
    [hit] = Searcher(index).search("三级关爱网络").hits
    assert hit.source == "通知附件.zip" and hit.title == "攸县留守儿童关爱工作情况汇报" and hit.place == "攸县"
    assert hit.member == "附件/附件1：攸县留守儿童关爱工作情况汇报.docx"
    assert Searcher(index).search('"季节性缺水"').hits[0].member == "附件/水利汇报.rtf"
    assert not update_index(index, corpus).did_work
    # Where a report is shown, the archive and the file in it are named.
    client = create_app({"INDEX_DIR": str(index), "TESTING": True}).test_client()
    [result] = client.get("/api/search?q=三级关爱网络").get_json()["results"]
    assert (result["source"], result["member"]) == ("通知附件.zip", "附件/附件1：攸县留守儿童关爱工作情况汇报.docx")
    named = "通知附件.zip › 附件/附件1：攸县留守儿童关爱工作情况汇报.docx"
    assert named in client.get("/?q=三级关爱网络").get_data(as_text=True)
    assert named in client.get(f"/p/{hit.id}").get_data(as_text=True)
    assert client.get(f"/api/p/{hit.id}").get_json()["member"] == hit.member
    assert named in client.get(f"/r/{hit.report_id}").get_data(as_text=True)
    exported = client.get("/export.csv?q=三级关爱网络").get_data(as_text=True)
    assert named in exported
    plain = Searcher(index).search("土地流转服务中心").hits[0]
    assert plain.source == "乙镇土地流转工作汇报.txt" and plain.member == ""
    # A member taken out of the archive leaves the index with the next run; the others stay.
    fewer = {k: v for k, v in ATTACHMENTS.items() if not k.endswith("水利汇报.rtf")}
    (corpus / "通知附件.zip").write_bytes(archive(fewer))
    again = update_index(index, corpus)
    assert again.changed == ["通知附件.zip"]
    assert Searcher(index).search('"季节性缺水"').total == 0
    assert [h.member for h in Searcher(index).search("三级关爱网络").hits] == [hit.member]
