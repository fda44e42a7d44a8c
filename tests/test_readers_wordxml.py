"""Word 2003 XML under a .doc name (template exports of office systems) is read like a .docx."""
from pathlib import Path

import pytest

from indexer.errors import UnreadableFile
from indexer.ingest.readers import read_document

OFFICE = Path(__file__).parent / "fixtures" / "office"
HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<?mso-application progid="Word.Document"?>\n'
        '<w:wordDocument xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml" '
        'xmlns:wx="http://schemas.microsoft.com/office/word/2003/auxHint" '
        'xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:v="urn:schemas-microsoft-com:vml" '
        'xmlns:aml="http://schemas.microsoft.com/aml/2001/core">')
# As Word 2003 names its styles: ids are numbers, names the English built-in ones.
STYLES = ('<w:styles><w:style w:type="paragraph" w:default="on" w:styleId="a"><w:name w:val="Normal"/></w:style>'
          '<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="a"/>'
          '<w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>'
          '<w:style w:type="paragraph" w:styleId="20"><w:name w:val="小标题"/><w:basedOn w:val="1"/></w:style>'
          '<w:style w:type="paragraph" w:styleId="a3"><w:name w:val="Title"/></w:style></w:styles>')


def word2003(body: str, props: str = "") -> bytes:
    return (HEAD + f"<o:DocumentProperties>{props}</o:DocumentProperties>" + STYLES
            + f"<w:body><wx:sect>{body}</wx:sect></w:body></w:wordDocument>").encode("utf-8")


def p(text: str, style: str = "") -> str:
    pstyle = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{pstyle}<w:r><w:t>{text}</w:t></w:r></w:p>"


def test_libreoffice_word2003_xml_reads_as_the_word_file_it_was_made_from():
    word = read_document((OFFICE / "汇报.docx").read_bytes(), "汇报.docx")
    doc = read_document((OFFICE / "汇报-word2003.xml").read_bytes(), "汇报.doc")
    assert (doc.title, doc.blocks, doc.headings, doc.meta) == (word.title, word.blocks, word.headings, word.meta)


def test_styles_sections_fields_and_tracked_changes():
    body = (p("某县2024年", "a3") + p("一站式服务工作汇报", "a3")
            + "<wx:sub-section>" + p("一、主要做法", "1")
            + p("（一）窗口整合", "20")                                # a heading by the style it is based on
            + '<w:p><w:r><w:t>设立综合窗口</w:t></w:r><w:fldSimple w:instr=" PAGE "><w:r><w:t>24</w:t></w:r>'
            '</w:fldSimple><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> HYPERLINK "x" </w:instrText>'
            '</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>个</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
            '<aml:annotation w:type="Word.Deletion"><aml:content><w:r><w:delText>删去的字</w:delText></w:r>'
            '</aml:content></aml:annotation>'
            '<aml:annotation w:type="Word.Insertion"><aml:content><w:r><w:t>，实行一窗受理</w:t></w:r></aml:content>'
            '</aml:annotation><w:r><w:br/><w:t>办结率99%</w:t></w:r></w:p>'
            '<w:p><w:pPr><w:outlineLvl w:val="1"/></w:pPr><w:r><w:t>二、下一步打算</w:t></w:r></w:p>'
            "</wx:sub-section>")
    doc = read_document(word2003(body, "<o:Created>2024-05-06T09:30:00Z</o:Created>"), "a.doc")
    assert doc.title == "某县2024年一站式服务工作汇报"
    assert doc.blocks == ["一、主要做法", "（一）窗口整合", "设立综合窗口24个，实行一窗受理", "办结率99%", "二、下一步打算"]
    assert doc.headings == {0, 1, 4} and doc.meta == {"file_date": "2024-05-06"}


def test_notes_comments_boxes_pictures_headers_and_footers_are_not_text():
    body = ('<w:p><w:r><w:t>正文</w:t></w:r><w:r><w:footnote><w:p><w:r><w:t>脚注</w:t></w:r></w:p></w:footnote></w:r>'
            '<aml:annotation w:type="Word.Comment"><aml:content><w:p><w:r><w:t>批注</w:t></w:r></w:p></aml:content>'
            '</aml:annotation><w:r><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p>'
            '</w:txbxContent></v:textbox></v:shape><w:binData>iVBORw0KGgo=</w:binData></w:pict></w:r>'
            '<w:r><w:t>之后</w:t></w:r></w:p>'
            '<w:sectPr><w:hdr w:type="odd"><w:p><w:r><w:t>页眉</w:t></w:r></w:p></w:hdr>'
            '<w:ftr w:type="odd"><w:p><w:r><w:t>第 1 页</w:t></w:r></w:p></w:ftr></w:sectPr>')
    assert read_document(word2003(body), "a.doc").blocks == ["正文之后"]


def test_a_table_is_one_block_of_rows():
    def cell(text, merge=""):
        return f"<w:tc><w:tcPr>{merge}</w:tcPr>{p(text)}</w:tc>"
    body = (p("表前") + "<w:tbl><w:tr>" + cell("项目") + cell("数量") + "</w:tr><w:tr>" + cell("水厂")
            + '<w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>2座</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p/></w:tc></w:tr>'
            + "<w:tr>" + cell("", '<w:vmerge/>') + cell("3座") + "</w:tr></w:tbl>" + p("表后"))
    assert read_document(word2003(body), "a.doc").blocks == ["表前", "项目 | 数量\n水厂 | 2座\n3座", "表后"]


@pytest.mark.parametrize("data, reason", [
    (word2003(p("截断"))[:-40], "Word 2003 XML 文档已损坏或不完整"),
    (HEAD.encode() + b"<w:styles/></w:wordDocument>", "缺少 w:body"),
    (b'<?xml version="1.0"?><?mso-application progid="Word.Document"?>'
     b'<pkg:package xmlns:pkg="http://schemas.microsoft.com/office/2006/xmlPackage"/>', "Word 2007 XML"),
])
def test_broken_and_other_xml_get_one_reason(data, reason):
    with pytest.raises(UnreadableFile, match=reason):
        read_document(data, "a.doc")
