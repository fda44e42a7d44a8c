"""OpenDocument text (.odt) is read like the Word file it was saved from."""
from pathlib import Path

import pytest
from fixture_files import make_odt

from indexer.errors import UnreadableFile
from indexer.ingest.readers import read_document

OFFICE = Path(__file__).parent / "fixtures" / "office"
DEVCORPUS = Path(__file__).parent.parent / "bench" / "devcorpus"


@pytest.mark.parametrize("name, source", [
    ("汇报.odt", OFFICE / "汇报.docx"),
    ("吉林政府工作报告.odt", DEVCORPUS / "provincial-2025-docx" / "2025年吉林省政府工作报告.docx"),
])
def test_libreoffice_odt_reads_as_the_word_file_it_was_made_from(name, source):
    word = read_document(source.read_bytes(), source.name)
    doc = read_document((OFFICE / name).read_bytes(), name)
    assert (doc.title, doc.blocks, doc.headings, doc.meta) == (word.title, word.blocks, word.headings, word.meta)
    assert len(doc.blocks) > 5


def test_headings_title_lists_spaces_and_line_breaks():
    styles = '<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Title"/>'
    body = ('<text:p text:style-name="P1">某县2024年</text:p><text:p text:style-name="P1">一站式服务工作汇报</text:p>'
            '<text:h text:outline-level="1">一、主要做法</text:h>'
            '<text:list><text:list-item><text:p>设立综合窗口<text:s text:c="2"/>24个，<text:line-break/>'
            '实行<text:span>一窗受理</text:span>。</text:p></text:list-item></text:list>'
            '<text:section><text:p>办结率<text:tab/>99%</text:p></text:section>')
    doc = read_document(make_odt(body, styles, '<meta:creation-date>2024-05-06T09:30:00</meta:creation-date>'), "a.odt")
    assert doc.title == "某县2024年一站式服务工作汇报"
    assert doc.blocks == ["一、主要做法", "设立综合窗口  24个，", "实行一窗受理。", "办结率\t99%"]
    assert doc.headings == {0} and doc.meta == {"file_date": "2024-05-06"}


def test_notes_annotations_frames_and_the_table_of_contents_are_not_text():
    body = ('<text:table-of-content><text:index-body><text:p>一、主要做法 ……… 1</text:p></text:index-body>'
            '</text:table-of-content>'
            '<text:p>正文<text:note><text:note-citation>1</text:note-citation><text:note-body><text:p>脚注</text:p>'
            '</text:note-body></text:note><office:annotation><text:p>批注</text:p></office:annotation>'
            '<draw:frame><draw:text-box><text:p>文本框</text:p></draw:text-box></draw:frame>之后</text:p>')
    assert read_document(make_odt(body), "a.odt").blocks == ["正文之后"]


def test_a_table_is_one_block_and_nested_tables_are_read_once():
    body = ('<table:table><table:table-column table:number-columns-repeated="3"/>'
            '<table:table-header-rows><table:table-row><table:table-cell><text:p>项目</text:p></table:table-cell>'
            '<table:table-cell table:number-columns-spanned="2"><text:p>投资</text:p></table:table-cell>'
            '<table:covered-table-cell/></table:table-row></table:table-header-rows>'
            '<table:table-row><table:table-cell><text:p>水厂</text:p></table:table-cell>'
            '<table:table-cell><table:table><table:table-row><table:table-cell><text:p>5600</text:p>'
            '</table:table-cell></table:table-row></table:table></table:table-cell>'
            '<table:table-cell><text:p>万元</text:p></table:table-cell></table:table-row></table:table>'
            '<text:p>表后</text:p>')
    assert read_document(make_odt(body), "a.odt").blocks == ["项目 | 投资\n水厂 | 5600 | 万元", "表后"]


def test_broken_and_foreign_files_get_one_reason():
    with pytest.raises(UnreadableFile, match="损坏或不完整"):
        read_document((OFFICE / "汇报.odt").read_bytes()[:5000], "a.odt")
    with pytest.raises(UnreadableFile, match="content.xml"):
        read_document(make_odt("<text:p>x</text:p>").replace(b"content.xml", b"contents.xm"), "a.odt")
    with pytest.raises(UnreadableFile, match="没有文本正文"):
        read_document(make_odt("", kind="spreadsheet"), "a.ods.odt")
    # An entity naming a local file is not expanded.
    entity = make_odt("<text:p>x&e;<!-- 注释 -->y</text:p>",
                      prolog='<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>')
    assert read_document(entity, "a.odt").blocks == ["xy"]
