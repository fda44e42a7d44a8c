"""Word documents: real .docx files written with python-docx, read back by our reader."""
import datetime

import pytest
from fixture_files import make_docx, make_zip_bomb

from indexer.errors import UnreadableFile
from indexer.ingest.pipeline import file_paragraphs, file_reports
from indexer.ingest.readers.docx import read_docx

BODY = "今年以来，攸县围绕留守儿童关爱保护，建立了县、乡、村三级关爱网络，全县登记留守儿童一万二千人。"


def sample() -> bytes:
    return make_docx("攸县留守儿童关爱工作情况汇报", [
        ("p", BODY),
        ("h1", "一、主要做法"),
        ("p", "建立成长档案，每月开展一次家访活动，落实结对帮扶责任人。"),
        ("table", [["乡镇", "留守儿童", "帮扶人"], ["网岭镇", "1200", "300"]]),
        ("p", "攸县民政局"),
        ("p", "2024年3月5日"),
    ], created=datetime.datetime(2020, 1, 2))


def test_title_headings_and_tables():
    doc = read_docx(sample(), "a.docx")
    assert doc.title == "攸县留守儿童关爱工作情况汇报"
    assert doc.blocks[0] == BODY
    assert doc.blocks[doc.blocks.index("一、主要做法")] and doc.blocks.index("一、主要做法") in doc.headings
    assert "乡镇 | 留守儿童 | 帮扶人\n网岭镇 | 1200 | 300" in doc.blocks
    assert doc.meta["file_date"] == "2020-01-02"


def test_paragraphs_sit_under_word_headings_with_metadata():
    paragraphs = file_paragraphs(sample(), "a.docx")
    assert {p.report_title for p in paragraphs} == {"攸县留守儿童关爱工作情况汇报"}
    assert paragraphs[0].section == "" and paragraphs[0].text == BODY
    assert paragraphs[1].section == "一、主要做法"
    # The dateline in the text beats the file's creation date; the sign-off above it is the author.
    assert paragraphs[0].meta == {"date": "2024-03-05", "place": "攸县", "doctype": "情况汇报", "author": "攸县民政局"}


def test_a_title_in_two_title_paragraphs_is_one_title():
    data = make_docx("2026年河南省", [("title", "政府工作报告"), ("p", "各位代表："),
                                     ("p", "现在，我代表省人民政府，向大会报告工作，请予审议。"),
                                     ("title", "附：名词解释"), ("p", "新质生产力：以创新起主导作用的先进生产力。")])
    doc = read_docx(data, "report.docx")
    assert doc.title == "2026年河南省政府工作报告"
    assert "附：名词解释" in doc.blocks                  # a Title paragraph after the text is not the title
    assert file_reports(data, "report.docx")[0].title == "2026年河南省政府工作报告"


def test_file_date_is_the_fallback():
    data = make_docx("乙镇工作汇报", [("p", "乙镇为全镇留守儿童建立了成长档案，每周开展一次关爱活动。")],
                     created=datetime.datetime(2023, 7, 1))
    assert file_reports(data, "b.docx")[0].meta["date"] == "2023-07-01"


def unknown_zip_version() -> bytes:
    """A .docx whose central directory asks for a zip version no reader knows (zipfile raises
    NotImplementedError for it)."""
    data = bytearray(sample())
    entry = data.rfind(b"PK\x01\x02")
    data[entry + 6] = 0xc3
    return bytes(data)


@pytest.mark.parametrize("data, reason", [
    (sample()[:2000], "损坏"),
    (b"not a zip at all", "损坏"),
    (unknown_zip_version(), "损坏"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "Word 文件已损坏"),   # read as a .doc, which it is not either
    (make_zip_bomb(), "压缩炸弹"),
])
def test_bad_files_are_refused_with_a_reason(data, reason):
    with pytest.raises(UnreadableFile, match=reason):
        read_docx(data, "bad.docx")


def marked_up(data: bytes, runs: dict[str, str], blocks: dict[str, str] = {}) -> bytes:
    """``data`` with the run holding each placeholder of ``runs`` replaced by markup, and the
    paragraph holding each one of ``blocks`` too (Word's XML that python-docx does not write)."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as original:
        files = {name: original.read(name) for name in original.namelist()}
    xml = files["word/document.xml"].decode("utf-8")
    for placeholder, markup in runs.items():
        xml = xml.replace(f"<w:r><w:t>{placeholder}</w:t></w:r>", markup)
    for placeholder, markup in blocks.items():
        xml = xml.replace(f"<w:p><w:r><w:t>{placeholder}</w:t></w:r></w:p>", markup)
    files["word/document.xml"] = xml.encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def run(text: str) -> str:
    return f"<w:r><w:t>{text}</w:t></w:r>"


REVISION = 'w:id="{}" w:author="办公室" w:date="2024-03-01T00:00:00Z"'


def test_a_draft_with_tracked_changes_reads_as_it_now_stands():
    data = marked_up(make_docx("县水利局工作汇报", [("p", "@1@"), ("table", [["项目", "@2@"]])]), {
        "@1@": run("全县新建") + f"<w:ins {REVISION.format(1)}>{run('农村饮水安全')}</w:ins>"
               + f"<w:del {REVISION.format(2)}><w:r><w:delText>城市供水</w:delText></w:r></w:del>"
               + run("工程十处") + f"<w:moveFrom {REVISION.format(3)}>{run('，已验收')}</w:moveFrom>" + run("。"),
        "@2@": f"<w:ins {REVISION.format(4)}>{run('农村饮水')}</w:ins>"})
    assert read_docx(data, "a.docx").blocks == ["全县新建农村饮水安全工程十处。", "项目 | 农村饮水"]


def test_hidden_text_is_not_read():
    hidden = '<w:r><w:rPr><w:vanish/></w:rPr><w:t>（填写：新建处数）</w:t></w:r>'
    shown = '<w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>十处</w:t></w:r>'
    data = marked_up(make_docx("县水利局工作汇报", [("p", "@1@")]), {"@1@": run("全县新建工程") + hidden + shown + run("。")})
    assert read_docx(data, "a.docx").blocks == ["全县新建工程十处。"]


def test_text_in_content_controls_is_read_and_a_table_of_contents_is_not():
    contents = ('<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/></w:docPartObj>'
                f'</w:sdtPr><w:sdtContent><w:p>{run("一、主要做法 ........ 2")}</w:p></w:sdtContent></w:sdt>')
    cover = f'<w:sdt><w:sdtPr><w:alias w:val="单位"/></w:sdtPr><w:sdtContent><w:p>{run("某县水利局")}</w:p></w:sdtContent></w:sdt>'
    field = f'<w:sdt><w:sdtPr><w:alias w:val="日期"/></w:sdtPr><w:sdtContent>{run("3月")}</w:sdtContent></w:sdt>'
    data = marked_up(make_docx("县水利局工作汇报", [("p", "@toc@"), ("p", "@cover@"), ("p", "@3@")]),
                     {"@3@": run("今年") + field + run("完成春灌。")}, {"@toc@": contents, "@cover@": cover})
    doc = read_docx(data, "a.docx")
    assert (doc.title, doc.blocks) == ("县水利局工作汇报", ["某县水利局", "今年3月完成春灌。"])


def test_a_text_box_is_not_part_of_the_paragraph_it_is_anchored_in():
    box = ('<w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox><w:txbxContent>'
           f'<w:p>{run("图注：水厂")}</w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>')
    data = marked_up(make_docx("县水利局工作汇报", [("p", "@1@")]), {"@1@": run("新建水厂三座。") + box})
    assert read_docx(data, "a.docx").blocks == ["新建水厂三座。"]
