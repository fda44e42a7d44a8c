"""Word 97–2003 (.doc/.wps): tiny literal streams for the decoding steps, real government files
(tests/fixtures/doc, see SOURCES.md there) for the whole reader and the index."""
import io
import shutil
import struct
from pathlib import Path

import pytest
from fixture_files import damaged_copies, make_docx

from indexer.cli import print_summary
from indexer.errors import UnreadableFile
from indexer.ingest.pipeline import file_reports
from indexer.ingest.readers import doc, read_document, word97
from indexer.ingest.readers.word97 import CELL, CELL_PARAGRAPH, ROW, Piece
from indexer.search.searcher import Searcher
from indexer.update import update_index

FIXTURES = Path(__file__).parent / "fixtures" / "doc"
TAX = FIXTURES / "税务局拟录用公示（第一批）.doc"           # Word, 0Table, no table
YUANZHOU = FIXTURES / "袁州区岗位说明.doc"                  # Word, 1Table, a table
SYLLABUS = FIXTURES / "财经管理考试大纲.doc"                 # saved by WPS Office
SHANGRAO = FIXTURES / "上饶体能测评通知.doc"
LOCK = FIXTURES / "~$参照目录.doc"                           # what Word leaves beside an open file
DRAFT = FIXTURES / "饮水工程汇报（修订稿）.doc"              # LibreOffice, changes tracked


# --- the piece table ----------------------------------------------------------------------------

def clx(pieces: list[tuple[int, int, int, bool]]) -> bytes:
    """A CLX with one property run before its piece table (cp, cp_end, fc, compressed)."""
    cps = [p[0] for p in pieces] + [pieces[-1][1]]
    pcds = b"".join(struct.pack("<HIH", 0, (fc * 2) | 0x40000000 if compressed else fc, 0)
                    for _, _, fc, compressed in pieces)
    plc = struct.pack(f"<{len(cps)}I", *cps) + pcds
    return b"\x01\x02\x00\xaa\xbb" + b"\x02" + struct.pack("<I", len(plc)) + plc


def test_pieces_decode_utf16_and_8bit_text():
    # 8-bit text at byte 4 (stored as fc*2 with the compressed bit), UTF-16 at byte 16.
    word = b"\0" * 4 + b"Tax \x93A\x94\r" + b"\0" * 4 + "税务局\r".encode("utf-16-le")
    pieces = word97.read_pieces(clx([(0, 8, 4, True), (8, 12, 16, False)]))
    assert [(p.cp, p.cp_end, p.fc, p.compressed) for p in pieces] == [(0, 8, 4, True), (8, 12, 16, False)]
    # cp1252's curly quotes for 0x93/0x94, as the format's substitution table says.
    assert word97.piece_text(word, pieces, 12) == "Tax \u201cA\u201d\r税务局\r"
    assert word97.piece_text(word, pieces, 9) == "Tax \u201cA\u201d\r税"     # the main text ends at ccpText
    assert pieces[1].fc_of(9) == 18 and pieces[0].fc_of(2) == 6


@pytest.mark.parametrize("table", [b"\x03\0\0\0\0", clx([(0, 8, 4, True)])[:-3]])
def test_a_broken_piece_table_is_damage(table):
    with pytest.raises(UnreadableFile, match="损坏"):
        word97.read_pieces(table)


def test_a_piece_beyond_the_stream_is_damage():
    with pytest.raises(UnreadableFile, match="损坏"):
        word97.piece_text(b"\0" * 10, [Piece(0, 100, 0, False)], 100)


# --- fields, tables, control characters ---------------------------------------------------------

@pytest.mark.parametrize("text, visible", [
    ('详见\x13 HYPERLINK "http://www.gov.cn" \x14中国政府网\x15。', "详见中国政府网。"),
    ("第\x13 PAGE \x15页", "第页"),                                  # no result: nothing shown
    ("\x13 IF \x13 PAGE \x142\x15 = 2 \x14第二页\x15", "第二页"),      # a field inside an instruction
    ("\x13 TOC \x14一、总体要求\x13 PAGEREF _Toc1 \x143\x15\x15", "一、总体要求3"),   # inside a result
    ("多余的结束\x15标记", "多余的结束标记"),
])
def test_fields_keep_their_result(text, visible):
    assert doc.strip_fields(text) == visible


def test_blocks_paragraphs_line_breaks_and_tables():
    text = ("标题\r正文第一行\x0b第二行\r"
            f"序号{CELL}姓名{CELL}{ROW}"
            f"1{CELL}张三{CELL_PARAGRAPH}李四{CELL}{ROW}"
            "\x01落款\x08\r\x0c2024年3月5日")
    assert doc.text_blocks(text) == ["标题", "正文第一行", "第二行", "序号 | 姓名\n1 | 张三 李四", "落款", "2024年3月5日"]


def test_empty_cells_are_left_out_of_a_row():
    assert doc.text_blocks(f"甲{CELL}{CELL}乙{CELL}{ROW}正文\r") == ["甲 | 乙", "正文"]


def test_paragraph_properties_mark_row_ends_and_cell_paragraphs():
    # UTF-16 text at fc 100: a cell of two paragraphs, the row end, then body text.
    text = "甲\r乙\x07\x07正文\r"
    pieces = [Piece(0, len(text), 100, False)]
    runs = [(100, 104, 1), (104, 108, 1), (108, 110, 3)]       # fc ranges of the paragraphs
    marked = word97.mark_tables(text, pieces, runs)
    assert marked == f"甲{CELL_PARAGRAPH}乙{CELL}{ROW}正文\r"
    assert doc.text_blocks(marked) == ["甲 乙", "正文"]
    # The text's own copies of our marks are no marks.
    assert word97.mark_tables(f"甲{ROW}乙{CELL_PARAGRAPH}\r", [Piece(0, 5, 0, True)], []) == "甲\0乙\0\r"


def test_deleted_characters_are_dropped_wherever_their_piece_lies():
    # UTF-16 at fc 100 (two bytes a character), 8-bit at fc 10; deleted: fc 102–106 and 11–12.
    pieces = [Piece(0, 4, 100, False), Piece(4, 7, 10, True)]
    assert word97.drop_deleted("甲乙丙丁abc", pieces, [(11, 12), (102, 106)]) == "甲丁ac"
    assert word97.drop_deleted("甲乙丙丁abc", pieces, []) == "甲乙丙丁abc"
    # A run across two pieces' bytes, and one past the text's end.
    assert word97.drop_deleted("甲乙丙丁abc", pieces, [(104, 400)]) == "甲乙abc"
    assert word97.drop_deleted("甲乙", [Piece(0, 5, 0, False)], [(2, 10)]) == "甲"


def test_a_draft_with_changes_tracked_reads_as_it_now_stands():
    # The struck-out words and the paragraph deleted whole (its mark too) are not the report's.
    blocks = read_document(DRAFT.read_bytes(), DRAFT.name).blocks
    assert blocks == ["关于农村饮水安全工程建设情况的汇报",
                      "今年以来，全县新建农村饮水安全工程十二处，解决了三万人的饮水问题。",
                      "资金方面，县财政安排专项资金八百万元。",
                      "下一步，我们将加强水源地保护，确保群众喝上放心水。"]


# --- telling a file by its content --------------------------------------------------------------

HTML = ("\ufeff  <!DOCTYPE html><html><head><meta charset='utf-8'><title>通知</title></head><body>"
        "<h1>关于做好防汛工作的通知</h1><p>各乡镇要落实防汛责任，加强巡查值守，确保安全度汛。</p></body></html>")
MHT = ("MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\n--b\r\n"
       "Content-Type: text/html; charset=\"utf-8\"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
       "<html><body><h1>关于做好防汛工作的通知</h1><p>各乡镇要落实防汛责任。</p></body></html>\r\n--b--\r\n")


@pytest.mark.parametrize("data", [HTML.encode("utf-8"), HTML.encode("utf-16"), MHT.encode("utf-8")])
def test_a_web_page_named_doc_is_read_as_one(data):
    doc = read_document(data, "通知.doc")
    assert doc.title == "关于做好防汛工作的通知" and doc.blocks[0].startswith("各乡镇要落实防汛责任")


def test_a_docx_named_doc_is_read_as_docx():
    data = make_docx("攸县留守儿童关爱工作情况汇报", [("p", "攸县建立了县、乡、村三级关爱网络。")])
    doc = read_document(data, "汇报.doc")
    assert doc.title == "攸县留守儿童关爱工作情况汇报" and doc.blocks == ["攸县建立了县、乡、村三级关爱网络。"]


def test_plain_text_named_doc_is_read_as_text():
    doc = read_document("乙镇土地流转工作汇报\n乙镇流转土地三万亩。\n".encode("gbk"), "乙镇.doc")
    assert doc.blocks == ["乙镇土地流转工作汇报", "乙镇流转土地三万亩。"]


def test_a_doc_named_docx_is_read_as_doc():
    assert read_document(TAX.read_bytes(), "公示.docx").blocks == read_document(TAX.read_bytes(), "公示.doc").blocks


def test_a_wps_file_in_word_format_is_read():
    assert read_document(SYLLABUS.read_bytes(), "大纲.wps").blocks == read_document(SYLLABUS.read_bytes(), "大纲.doc").blocks


def with_fib(data: bytes, offset: int, value: int) -> bytes:
    """A real file with one 16-bit FIB field changed (the WordDocument stream is not in the
    mini stream, so the FIB sits as such in the file)."""
    at = data.index(b"\xec\xa5\xc1\x00")
    return data[:at + offset] + struct.pack("<H", value) + data[at + offset + 2:]


def flags(data: bytes) -> int:
    return struct.unpack_from("<H", data, data.index(b"\xec\xa5\xc1\x00") + 0x0A)[0]


@pytest.mark.parametrize("name, make, reason", [
    ("a.doc", lambda d: d[:len(d) // 3], "损坏或不完整"),
    ("a.doc", lambda d: d[:600], "损坏或不完整"),
    ("a.doc", lambda d: with_fib(d, 0x0A, flags(d) | 0x0100), "已加密"),
    ("a.doc", lambda d: with_fib(d, 0x02, 104), "Word 6.0/95"),
    ("a.doc", lambda d: b"\xdb\xa5" + d[2:200], "Word 6.0/95"),
    ("a.doc", lambda d: b"\xd0\xcf\x11\xe0 not a report", "损坏或不完整"),
    ("a.doc", lambda d: b'<?xml version="1.0"?><?mso-application progid="Word.Document"?><w:wordDocument>',
     "Word 2003 XML"),
    ("a.doc", lambda d: bytes(range(256)) * 4, "不是可识别的 Word 文档"),
    ("a.wps", lambda d: bytes(range(256)) * 4, "WPS"),
    ("~$a.doc", lambda d: LOCK.read_bytes(), "临时锁定文件"),
])
def test_broken_and_foreign_files_get_one_reason(name, make, reason):
    with pytest.raises(UnreadableFile, match=reason):
        read_document(make(TAX.read_bytes()), name)


def test_other_office_files_under_a_word_name_are_read_as_what_they_are():
    fixtures = Path(__file__).parent / "fixtures"
    slides = read_document((fixtures / "office" / "汇报.ppt").read_bytes(), "汇报.doc")
    assert slides.title == "某县2024年农村饮水安全工作汇报" and "一、基本情况" in slides.blocks
    # A real .xls list of names: read as a spreadsheet, which has no report text column.
    with pytest.raises(UnreadableFile, match="没有找到正文列"):
        read_document((fixtures / "sheets" / "中国人民银行2023年度拟录用公务员名单.xls").read_bytes(), "名单.doc")


def test_damaged_bytes_never_raise_anything_but_a_reason():
    for damaged in damaged_copies(SHANGRAO.read_bytes(), seed=7, copies=300, most=20):
        try:
            read_document(damaged, "a.doc")
        except UnreadableFile:
            pass


def test_a_text_longer_than_the_limit_is_refused_before_it_is_decoded():
    data = TAX.read_bytes()
    at = data.index(b"\xec\xa5\xc1\x00") + 0x4C           # ccpText, the fourth 32-bit FIB field
    huge = data[:at] + struct.pack("<i", 3_000_000) + data[at + 4:]
    with pytest.raises(UnreadableFile, match="正文过长"):
        read_document(huge, "a.doc")


# --- real files ---------------------------------------------------------------------------------

def test_real_notice_reads_as_the_document_says():
    doc = read_document(TAX.read_bytes(), TAX.name)
    assert doc.blocks[:3] == [
        "国家税务总局江西省税务局2023年度",
        "拟录用公务员公示公告（第一批）",
        "根据中央机关及其直属机构2023年度考试录用公务员工作有关要求，经过笔试、面试、体检和考察等程序，"
        "确定喻馨民等579人为国家税务总局江西省税务局拟录用公务员，现予以公示。公示期间如有疑问，"
        "请向国家税务总局江西省税务局反映。"]
    assert doc.blocks[-2:] == ["国家税务总局江西省税务局", "2023年5月17日"]
    assert doc.meta == {"file_date": "2018-04-14"}     # the template's date: the text's date wins
    assert file_reports(TAX.read_bytes(), TAX.name)[0].meta["date"] == "2023-05-17"


def test_real_table_rows_read_as_lines():
    doc = read_document(YUANZHOU.read_bytes(), YUANZHOU.name)
    assert doc.blocks[-1] == (
        "职位代码 | 部门名称 | 职位名称 | 准考证号 | 姓名 | 笔试成绩 | 面试成绩 | 总成绩 | 排名\n"
        "2202100050030 | 袁州区乡镇机关 | 科员 | 136018300516 | 唐亚运 | 121.32 | 78 | 277.32 | 7\n"
        "2202100050030 | 袁州区乡镇机关 | 科员 | 136220102311 | 李晋宁 | 123 | 77.16 | 277.32 | 7")
    assert doc.blocks[:3] == ["附件三", "关于袁州区乡镇机关2202100050030岗位", "入闱体检人员情况的说明"]


def test_real_wps_office_file_reads_its_questions():
    blocks = read_document(SYLLABUS.read_bytes(), SYLLABUS.name).blocks
    at = blocks.index("企业前后各期采用的会计政策应保持一致，不得随意变更，体现的会计信息质量要求是（    ）。")
    assert blocks[at + 1:at + 6] == ["A.可比性", "B.可理解性", "C.可靠性", "D.相关性", "正确答案：A"]
    assert not any(c < " " for block in blocks for c in block if c != "\n")


# --- indexed and searched -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    root = tmp_path_factory.mktemp("doc")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(SHANGRAO, corpus / "附件二：2019年度录用人民警察体能测试的通知.doc")
    shutil.copy(SYLLABUS, corpus / "大纲3.wps")
    shutil.copy(LOCK, corpus / "~$附件二.doc")                # skipped as Word's lock files are
    (corpus / "网页另存.doc").write_text(HTML, encoding="utf-8")
    return update_index(root / "index", corpus), root / "index"


def test_real_titles_set_on_two_lines_are_read_whole():
    # The second line says what kind of document it is (公示公告, 说明); the first does not.
    assert [r.title for r in file_reports(TAX.read_bytes(), TAX.name)] == [
        "国家税务总局江西省税务局2023年度拟录用公务员公示公告（第一批）"]
    assert [r.title for r in file_reports(YUANZHOU.read_bytes(), YUANZHOU.name)] == [
        "关于袁州区乡镇机关2202100050030岗位入闱体检人员情况的说明"]


def test_a_real_doc_is_found_by_a_phrase_under_its_title(indexed):
    _, index = indexed
    hits = Searcher(index).search("上饶师范学院田径场").hits
    assert hits and hits[0].title == "上饶市2019年度考录人民警察体能测评通知"
    assert "2、地点：上饶师范学院田径场（信州区茅家岭志敏大道401号）" in hits[0].text.splitlines()
    assert hits[0].source == "附件二：2019年度录用人民警察体能测试的通知.doc"
    assert Searcher(index).search("会计信息质量").hits[0].source == "大纲3.wps"


def test_the_summary_counts_doc_and_wps(indexed):
    summary, _ = indexed
    assert dict(summary.formats) == {".doc": 2, ".wps": 1} and not summary.skipped
    out = io.StringIO()
    print_summary(summary, out=out)
    assert ".doc 2 个" in out.getvalue() and ".wps 1 个" in out.getvalue()
