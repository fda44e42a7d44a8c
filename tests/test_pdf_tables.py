"""Ruled tables in PDFs (indexer.ingest.readers.pdftables): a row a block, its cells joined with
" | ", a wrapped cell whole; literal rows, and a real PDF written by LibreOffice."""
import io
from pathlib import Path

from indexer.ingest.pipeline import file_paragraphs
from indexer.ingest.readers.pdf import Line, read_pdf, rejoin
from indexer.ingest.readers.pdftables import cell_text, is_table, place, row_text, too_dense

FIXTURE = Path(__file__).parent / "fixtures" / "pdf" / "民生实事完成情况汇报（表格）.pdf"


def test_a_wrapped_cell_reads_whole():
    assert cell_text("新建农村饮水\n安全工程") == "新建农村饮水安全工程"
    assert cell_text("5G\nbase stations") == "5G base stations"
    assert cell_text(None) == cell_text("  \n ") == ""


def test_a_row_joins_its_cells_and_keeps_two_alike():
    assert row_text(["改造老旧小区", "个", "20", "20", None, "100%"]) == "改造老旧小区 | 个 | 20 | 20 | 100%"


def test_a_frame_round_the_text_is_no_table():
    assert not is_table([["今年以来，县政府把民生实事作为重要抓手。"]])
    assert not is_table([["一"], ["二"]])
    assert is_table([["项目", "完成"], ["改造老旧小区", "20"]])


def test_rows_go_before_the_first_line_below_them_in_their_column():
    def at(text, top, column=0, whole=False):
        return Line(text, 90, 500, top, top + 12, 0, column, whole)

    lines = [at("如下表。", 10), at("下一步。", 90)]
    rows = [at("项目 | 完成", 30, whole=True), at("小区 | 20", 50, whole=True)]
    assert [l.text for l in place(lines, rows)] == ["如下表。", "项目 | 完成", "小区 | 20", "下一步。"]
    right = [at("左栏", 10, 1), at("右栏上", 10, 2), at("右栏下", 90, 2)]
    assert [l.text for l in place(right, [at("表 | 行", 50, 2, True)])] == ["左栏", "右栏上", "表 | 行", "右栏下"]


def test_a_row_is_a_paragraph_of_its_own():
    row = Line("新增城镇就业 | 人 | 3000", 90, 500, 30, 42, 0, whole=True)
    lines = [Line("主要指标完成情况如下", 90, 500, 10, 22, 0), row, Line("下一步继续推进", 90, 500, 50, 62, 0)]
    assert rejoin(lines) == ["主要指标完成情况如下", "新增城镇就业 | 人 | 3000", "下一步继续推进"]


def test_a_real_pdf_table_reads_a_row_a_block():
    blocks = read_pdf(FIXTURE.read_bytes(), "民生实事.pdf").blocks
    assert blocks[1].endswith("主要指标完成情况如下表。")
    assert blocks[2:7] == ["项目 | 单位 | 年度目标 | 完成 | 完成率",
                           "新建农村饮水安全工程 | 处 | 12 | 13 | 108%",
                           "改造老旧小区 | 个 | 20 | 20 | 100%",
                           "新增城镇就业 | 人 | 3000 | 3412 | 113.7%",
                           "建设乡镇卫生院标准化门诊 | 所 | 5 | 5 | 100%"]
    assert blocks[7].startswith("下一步，我们将继续围绕群众急难愁盼")
    texts = [p.text for p in file_paragraphs(FIXTURE.read_bytes(), "民生实事.pdf")]
    assert any("新建农村饮水安全工程" in text for text in texts)


def test_a_dense_grid_is_no_place_to_look_for_tables():
    table = [("h", 100 + 12 * n) for n in range(121)] + [("v", 72 + 50 * n) for n in range(9)]
    assert not too_dense(table + table)                  # a cell's four sides drawn one by one
    grid = [("h", 100 + 5 * n) for n in range(100)] + [("v", 72 + 4 * n) for n in range(100)]
    assert too_dense(grid)


def test_a_page_drawn_with_a_dense_grid_is_read_as_text():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    for n in range(100):                                        # a chart's grid, not a table to read
        pdf.line(72, 100 + n * 5, 472, 100 + n * 5)
        pdf.line(72 + n * 4, 100, 72 + n * 4, 600)
    pdf.setFont("STSong-Light", 12)
    pdf.drawString(72, 760, "全县建成农村社区服务中心三十三个。")
    pdf.showPage()
    pdf.save()
    assert read_pdf(buf.getvalue(), "图.pdf").blocks == ["全县建成农村社区服务中心三十三个。"]
