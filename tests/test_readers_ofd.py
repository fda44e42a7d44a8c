"""OFD files: real ones written by OFD software, and damaged or hostile ones made here."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from indexer.errors import UnreadableFile
from indexer.ingest.readers import read_document
from indexer.ingest.readers.ofd import _advances, _lines
from indexer.ingest.readers.pdf import Line
from indexer.search.searcher import Searcher

FIXTURES = Path(__file__).parent / "fixtures" / "ofd"


def read(name: str):
    return read_document((FIXTURES / name).read_bytes(), name)


def test_an_official_reply_reads_as_its_paragraphs():
    doc = read("卫生局批复.ofd")
    assert doc.blocks[:4] == ["测试符路桥区卫生局文件", "路卫发〔2011〕76号", "关于同意张阿三同志辞职的批复", "区中医院："]
    # Lines of one paragraph, each its own text object, are joined again; the next paragraph,
    # indented, begins anew.
    assert "张阿三，男，1978年2月出生，籍贯江西新建，2001年9月参加工作，本科学历，主治医师，系区中医院职工。" in doc.blocks
    assert any(b.startswith("该同志由于家庭、籍贯等原因") and b.endswith("同意张阿三同志辞职。") for b in doc.blocks)
    assert doc.meta["file_date"] == "2020-01-25"


def test_a_page_with_a_table_keeps_its_text_in_reading_order():
    text = "\n".join(read("标准条文.ofd").blocks)
    assert text.startswith("11.4字型变换")
    assert "字符编码到字型之间主要包括一对一、多对一、一对多以及多对多四种变换关系。" in text


def test_a_file_without_text_is_skipped_with_the_reason():
    with pytest.raises(UnreadableFile, match="没有文字"):
        read("只有图形.ofd")


def test_an_ofd_in_the_collection_is_found_by_search(tmp_path):
    from indexer.update import update_index

    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "批复.ofd").write_bytes((FIXTURES / "卫生局批复.ofd").read_bytes())
    summary = update_index(tmp_path / "index", tmp_path / "corpus")
    assert summary.added == ["批复.ofd"] and not summary.skipped
    hits = Searcher(tmp_path / "index").search("辞职暂行办法").hits
    assert hits and "浙江省专业技术人员和管理人员辞职暂行办法" in hits[0].text


def ofd(members: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


OFD_XML = ('<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.1" DocType="OFD"><ofd:DocBody>'
           '<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
DOCUMENT = ('<ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Pages>'
            '<ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>')


def page(objects: str) -> str:
    return ('<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer ID="2">'
            f'{objects}</ofd:Layer></ofd:Content></ofd:Page>')


def test_characters_placed_one_by_one_become_one_line_in_order():
    # A converter's output: a text object a character, written out of order, baselines a hair apart.
    chars = [("农", 10, 20.0), ("村", 15, 20.02), ("土", 0, 20.01), ("地", 5, 19.99)]
    objects = "".join(f'<ofd:TextObject ID="{i}" Size="5" Boundary="{x} 15 5 6"><ofd:TextCode X="0" Y="{y - 15}">'
                      f'{c}</ofd:TextCode></ofd:TextObject>' for i, (c, x, y) in enumerate(chars, 3))
    doc = read_document(ofd({"OFD.xml": OFD_XML, "Doc_0/Document.xml": DOCUMENT,
                             "Doc_0/Pages/Page_0/Content.xml": page(objects)}), "a.ofd")
    assert doc.blocks == ["土地农村"]


def test_pieces_on_one_baseline_join_left_to_right_and_lines_go_top_down():
    pieces = [Line("流转", 20, 30, 15, 20, 0), Line("第二行", 0, 15, 25, 30, 0), Line("土地", 0, 10, 15, 20.05, 0)]
    assert [line.text for line in _lines(pieces)] == ["土地流转", "第二行"]
    assert _lines([Line("GB", 0, 4, 15, 20, 0), Line("T", 8, 10, 15, 20, 0)])[0].text == "GB T"


def test_advances_read_the_g_shorthand():
    assert _advances("g 3 5.0 2.5", 4) == 17.5
    assert _advances("1 2 3", 2) == 3
    assert _advances(None, 3) == 0
    assert _advances("g 1e999 2", 3) == 6


@pytest.mark.parametrize("data, reason", [
    (b"PK\x03\x04broken", "不是有效的 zip"),
    (b"not a zip at all", "不是有效的 zip"),
    ("zip without OFD.xml", "缺少 OFD.xml"),
    ("OFD.xml not XML", "不是有效的 XML"),
    ("page missing", "缺少 Doc_0/Pages/Page_0/Content.xml"),
])
def test_damaged_files_say_what_is_wrong(data, reason):
    if data == "zip without OFD.xml":
        data = ofd({"Doc_0/Document.xml": DOCUMENT})
    elif data == "OFD.xml not XML":
        data = ofd({"OFD.xml": "<ofd:OFD"})
    elif data == "page missing":
        data = ofd({"OFD.xml": OFD_XML, "Doc_0/Document.xml": DOCUMENT})
    with pytest.raises(UnreadableFile, match=reason):
        read_document(data, "坏.ofd")


def test_entities_are_not_expanded():
    bomb = ('<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "土地流转土地流转土地流转土地流转">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
            + page('<ofd:TextObject ID="3" Size="5" Boundary="0 0 100 6"><ofd:TextCode X="0" Y="5">&c;'
                   '</ofd:TextCode></ofd:TextObject>'))
    data = ofd({"OFD.xml": OFD_XML, "Doc_0/Document.xml": DOCUMENT, "Doc_0/Pages/Page_0/Content.xml": bomb})
    try:
        doc = read_document(data, "炸弹.ofd")
    except UnreadableFile:
        return
    assert "土地流转" not in "".join(doc.blocks)


def test_mangled_pages_give_a_document_or_a_reason_never_a_crash():
    import random

    rng = random.Random(5)
    with zipfile.ZipFile(FIXTURES / "卫生局批复.ofd") as z:
        members = {name: z.read(name) for name in z.namelist() if not name.endswith("/")}
    content = members["Doc_0/Pages/Page_0/Content.xml"]
    for _ in range(60):
        mangled = bytearray(content)
        for _ in range(rng.randint(1, 8)):
            at = rng.randrange(len(mangled))
            mangled[at:at + rng.randint(1, 20)] = bytes(rng.choice(b'0 .-g"<>=xyz\xe5\x9c') for _ in range(rng.randint(0, 6)))
        data = ofd({**members, "Doc_0/Pages/Page_0/Content.xml": bytes(mangled)})
        try:
            doc = read_document(data, "乱.ofd")
        except UnreadableFile:
            continue
        assert all(isinstance(b, str) and b for b in doc.blocks)


def test_a_place_beyond_any_number_is_left_out():
    objects = ('<ofd:TextObject ID="3" Size="5" Boundary="1e999 15 5 6"><ofd:TextCode X="0" Y="5">坏</ofd:TextCode>'
               '</ofd:TextObject><ofd:TextObject ID="4" Size="5" Boundary="0 15 50 6"><ofd:TextCode X="0" Y="5">'
               '好的段落。</ofd:TextCode></ofd:TextObject>')
    doc = read_document(ofd({"OFD.xml": OFD_XML, "Doc_0/Document.xml": DOCUMENT,
                             "Doc_0/Pages/Page_0/Content.xml": page(objects)}), "a.ofd")
    assert doc.blocks == ["好的段落。"]
