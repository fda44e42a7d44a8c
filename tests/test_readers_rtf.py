"""RTF files (.rtf, and RTF under a .doc name) are read like the Word file they were saved from."""
from pathlib import Path

import pytest
from fixture_files import damaged_copies

from indexer.errors import UnreadableFile
from indexer.ingest.readers import read_document
from indexer.ingest.readers.rtf import MAX_DEPTH

OFFICE = Path(__file__).parent / "fixtures" / "office"
DEVCORPUS = Path(__file__).parent.parent / "bench" / "devcorpus"


def gbk(text: str) -> str:
    """Text as Word writes it under \\ansicpg936: every non-ASCII byte as \\'hh."""
    return "".join(f"\\'{b:02x}" if b > 0x7F else chr(b) for b in text.encode("gbk"))


def rtf(body: str, header: str = "") -> bytes:
    return ("{\\rtf1\\ansi\\ansicpg936\\deff0" + header + body + "}").encode("ascii")


# What Microsoft Word writes: a Western default font, Chinese in a double-byte font chosen with
# \dbch\af, a style sheet naming heading 1 with an outline level, document properties, fields.
WORD_HEADER = ("{\\fonttbl{\\f0\\fbidi \\froman\\fcharset0\\fprq2{\\*\\panose 02020603050405020304}Times New Roman;}"
               "{\\f13\\fbidi \\fnil\\fcharset134\\fprq2{\\*\\panose 02010600030101010101}" + gbk("宋体") +
               "{\\*\\falt SimSun};}}"
               "{\\colortbl;\\red0\\green0\\blue0;}"
               "{\\stylesheet{\\ql \\li0\\ri0\\widctlpar\\rtlch\\fcs1 \\af0\\afs24 \\ltrch\\fcs0 \\fs21"
               "\\loch\\f0\\hich\\af0"
               "\\dbch\\af13 \\snext0 \\sqformat \\spriority0 Normal;}"
               "{\\s1\\ql \\sb340\\sa330\\keepn\\widctlpar\\outlinelevel0 \\rtlch\\fcs1 \\ab\\af0\\afs44 \\ltrch\\fcs0 "
               "\\b\\fs44 \\sbasedon0 \\snext0 \\slink15 \\sqformat heading 1;}"
               "{\\s2\\ql \\sb260\\sa260\\keepn\\widctlpar \\sbasedon0 \\snext0 \\sqformat heading 2;}"
               "{\\*\\cs15 \\additive \\sbasedon10 \\slink1 Heading 1 Char;}}"
               "{\\*\\generator Microsoft Word 11.0.0000;}"
               "{\\info{\\title " + gbk("模板标题") + "}{\\author admin}{\\creatim\\yr2024\\mo1\\dy6\\hr10\\min5}"
               "{\\revtim\\yr2024\\mo2\\dy1}}")
WORD_RUN = "\\rtlch\\fcs1 \\af0 \\ltrch\\fcs0 \\loch\\af0\\hich\\af0\\dbch\\af13 "


def word_paragraph(text: str, style: str = "") -> str:
    return f"\\pard\\plain \\ltrpar{style}\\ql \\li0\\ri0\\widctlpar {{{WORD_RUN}{gbk(text)}}}\\par\n"


def test_word_rtf_gbk_headings_date_and_fields():
    body = (word_paragraph("一、基本情况", "\\s1\\outlinelevel0 ")
            + word_paragraph("（一）工程建设", "\\s2")          # a heading by its style's name alone
            + "\\pard\\plain \\ltrpar\\ql {" + WORD_RUN + gbk("全县")
            + "{\\field{\\*\\fldinst {" + WORD_RUN + " HYPERLINK \"http://example.org\" }}{\\fldrslt {"
            + WORD_RUN + gbk("土地流转") + "}}}" + gbk("面积达到") + "3.6" + gbk("万亩。")
            + "{\\*\\bkmkstart x}{\\*\\bkmkend x}}\\par\n")
    doc = read_document(rtf(body, WORD_HEADER), "报告.rtf")
    assert doc.blocks == ["一、基本情况", "（一）工程建设", "全县土地流转面积达到3.6万亩。"]
    assert doc.headings == {0, 1}
    assert doc.title == ""                        # \info's title is often a template's: not used
    assert doc.meta == {"file_date": "2024-01-06"}


def test_unicode_characters_and_their_fallbacks():
    # WordPad and Word write \uN followed by \uc fallback characters (a "?" or the GBK bytes) to skip.
    body = ("\\uc1\\u20013?\\u25991?\\par"
            "{\\uc2\\u20013\\'d6\\'d0\\u25991\\'ce\\'c4}\\u-29372?\\par"   # \uc2 in its group only; 资 > 32767
            "\\u-10179?\\u-8991?\\par")                                    # a surrogate pair: U+1F4E1
    assert read_document(rtf(body), "a.rtf").blocks == ["中文", "中文资", "\U0001f4e1"]


def test_textedit_rtf_with_backslash_line_ends():
    # macOS TextEdit: fonts listed without groups, a backslash at the end of a line ends a paragraph.
    data = ("{\\rtf1\\ansi\\ansicpg936\\cocoartf2636\n\\cocoatextscaling0\\cocoaplatform0"
            "{\\fonttbl\\f0\\fswiss\\fcharset0 Helvetica;\\f1\\fnil\\fcharset134 PingFangSC-Regular;}\n"
            "{\\colortbl;\\red255\\green255\\blue255;}\n{\\*\\expandedcolortbl;;}\n"
            "\\paperw11900\\paperh16840\\margl1440\\margr1440\\vieww11520\\viewh8400\\viewkind0\n"
            "\\pard\\tx566\\tx1133\\pardirnatural\\partightenfactor0\n\n\\f0\\fs24 \\cf0 2024\n\\f1 "
            + gbk("年工作汇报") + "\\\n" + gbk("一站式服务覆盖") + "\n\\f0 12\n\\f1 " + gbk("个乡镇。") + "}")
    assert read_document(data.encode("ascii"), "a.rtf").blocks == ["2024年工作汇报", "一站式服务覆盖12个乡镇。"]


def test_a_table_is_one_block_of_rows_then_the_text_goes_on():
    row = ("\\trowd\\irow{n}\\trgaph108\\cellx2000\\cellx4000\\cellx6000"
           "\\pard\\plain\\intbl {a}\\cell \\pard\\plain\\intbl {b}\\cell \\pard\\plain\\intbl {c}\\cell "
           "\\pard\\plain\\intbl {{\\trowd\\irow{n}\\cellx2000\\cellx4000\\cellx6000\\row}}\n")
    body = (word_paragraph("二、工程建设")
            + row.format(n=0, a=gbk("项目"), b=gbk("数量"), c=gbk("投资（万元）"))
            + row.format(n=1, a=gbk("水厂"), b=gbk("2座"), c="5600")
            + row.format(n=2, a=gbk("合计"), b=gbk("合计"), c="") # a merged cell repeats; an empty one goes
            + word_paragraph("三、存在问题"))
    doc = read_document(rtf(body, WORD_HEADER), "a.rtf")
    assert doc.blocks == ["二、工程建设", "项目 | 数量 | 投资（万元）\n水厂 | 2座 | 5600\n合计", "三、存在问题"]


def test_a_cell_of_several_paragraphs_is_one_cell():
    body = ("\\trowd\\cellx3000\\cellx6000\\pard\\intbl " + gbk("第一段") + "\\par " + gbk("第二段")
            + "\\cell \\pard\\intbl x\\cell \\row \\pard after\\par")
    assert read_document(rtf(body), "a.rtf").blocks == ["第一段 第二段 | x", "after"]


def test_what_is_not_the_documents_text_is_skipped():
    body = ("{\\header \\pard " + gbk("页眉文字") + "\\par}{\\footer \\pard " + gbk("第 1 页") + "\\par}"
            + "\\pard " + gbk("正文") + "{\\footnote \\pard " + gbk("脚注内容") + "}"
            + "{\\*\\shppict{\\pict\\pngblip\\picw10 89504e470d0a1a0a}}{\\nonshppict{\\pict\\wmetafile8 0100}}"
            + "{\\shp{\\*\\shpinst{\\shptxt " + gbk("文本框") + "}}}"
            + "{\\object\\objemb{\\*\\objdata 0105000002}{\\result " + "}}"
            + "{\\*\\unknowndestination " + gbk("未知") + "}"
            + "{\\*\\datafield \\bin4 {}\\}" + "}" + gbk("之后") + "\\par")
    assert read_document(rtf(body), "a.rtf").blocks == ["正文之后"]


def test_title_style_gives_the_title():
    header = "{\\stylesheet{\\s0 Normal;}{\\s15\\qc\\fs44 Title;}}"
    body = ("\\pard\\s15 " + gbk("某县2024年") + "\\par\\pard\\s15 " + gbk("农村饮水安全工作汇报") + "\\par"
            "\\pard\\s0 " + gbk("县水利局") + "\\par")
    doc = read_document(rtf(body, header), "a.rtf")
    assert doc.title == "某县2024年农村饮水安全工作汇报" and doc.blocks == ["县水利局"]


@pytest.mark.parametrize("name", ["汇报.rtf", "吉林政府工作报告.rtf"])
def test_libreoffice_rtf_reads_as_the_word_file_it_was_made_from(name):
    source = {"汇报.rtf": OFFICE / "汇报.docx",
              "吉林政府工作报告.rtf": DEVCORPUS / "provincial-2025-docx" / "2025年吉林省政府工作报告.docx"}[name]
    word = read_document(source.read_bytes(), source.name)
    doc = read_document((OFFICE / name).read_bytes(), name)
    assert (doc.title, doc.blocks, doc.headings, doc.meta) == (word.title, word.blocks, word.headings, word.meta)
    assert len(doc.blocks) > 5


def test_rtf_under_a_doc_name_is_read():
    data = (OFFICE / "汇报.rtf").read_bytes()
    assert read_document(data, "汇报.doc").blocks == read_document(data, "汇报.rtf").blocks
    assert read_document(data, "汇报.wps").title == "某县2024年农村饮水安全工作汇报"


def test_an_rtf_name_holding_something_else_is_read_as_what_it_holds():
    docx = (OFFICE / "汇报.docx").read_bytes()
    assert read_document(docx, "汇报.rtf").blocks == read_document(docx, "汇报.docx").blocks
    assert read_document("只是一段文字。".encode("utf-8"), "a.rtf").blocks == ["只是一段文字。"]
    with pytest.raises(UnreadableFile, match="RTF"):
        read_document(bytes(range(256)) * 4, "a.rtf")


def test_hostile_and_damaged_files_get_a_reason_or_their_text():
    with pytest.raises(UnreadableFile, match="嵌套"):
        read_document(b"{\\rtf1" + b"{" * (MAX_DEPTH + 10) + b"x" + b"}" * (MAX_DEPTH + 10) + b"}", "a.rtf")
    # Braces that do not balance and a cut-off end lose nothing before them.
    assert read_document(rtf("a\\par}}}b\\par"), "a.rtf").blocks == ["a", "b"]
    assert read_document(b"{\\rtf1\\ansi\\ansicpg936 " + gbk("截断的文").encode() + b"\\'d5", "a.rtf").blocks[0] \
        .startswith("截断的文")
    for damaged in damaged_copies((OFFICE / "汇报.rtf").read_bytes(), seed=11, copies=200, most=30):
        try:
            read_document(damaged, "a.rtf")
        except UnreadableFile:
            pass


def test_a_draft_with_tracked_changes_reads_as_it_now_stands():
    # As Word writes revisions: an insertion is marked \revised and stays; a deletion is marked
    # \deleted, and a deleted paragraph mark joins two paragraphs.
    body = ("\\pard\\plain {" + WORD_RUN + gbk("全县新建") + "}"
            "{" + WORD_RUN + "\\revised\\revauth1 " + gbk("农村饮水安全") + "}"
            "{" + WORD_RUN + "\\deleted\\revauthdel1 " + gbk("城市供水") + "}"
            "{" + WORD_RUN + gbk("工程十处") + "{\\deleted " + gbk("，已验收") + "\\par }" + gbk("。") + "}\\par\n"
            "\\pard\\plain {\\deleted " + gbk("删去的整段。") + "\\par}{" + gbk("保留的一段。") + "}\\par\n"
            "\\pard\\plain {\\deleted " + gbk("删") + "\\deleted0 " + gbk("留下") + "\\plain}\\par\n")
    doc = read_document(rtf(body, WORD_HEADER), "a.rtf")
    assert doc.blocks == ["全县新建农村饮水安全工程十处。", "保留的一段。", "留下"]
