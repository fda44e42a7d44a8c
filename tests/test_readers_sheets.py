"""Spreadsheets (.xlsx, .xls): real exports in tests/fixtures/sheets, and workbooks written here
with openpyxl and xlwt, read as tables of reports, indexed and searched."""
import datetime
import io
import random
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import xlwt

from indexer.cli import print_summary
from indexer.errors import UnreadableFile
from indexer.ingest.pipeline import file_reports
from indexer.ingest.readers import limits
from indexer.ingest.readers.sheets import header_row
from indexer.ingest.readers.workbooks import cell_text, fill_down, kind_of
from indexer.ingest.readers.tabular import reader_options
from indexer.search.searcher import Searcher
from indexer.update import update_index

SHEETS = Path(__file__).parent / "fixtures" / "sheets"
POSITIONS = "宜春市2018年遴选公务员职位表.xlsx"     # a title row, then the header; 备注 holds sentences
HIRED = "中国人民银行2023年度拟录用公务员名单.xls"      # "附件1", a title row, then the header
PRICES = "万载县2023年10月价格行情.xls"                # a title row; two empty sheets
WPS_HIRED = "国家发展和改革委员会2023年度拟录用公务员名单.et"  # WPS 表格 (.et): BIFF8 and a stream of WPS's own

BODY_A = "马边县今年新建学校三所，控辍保学成效明显。\n二、下一步打算\n继续推进义务教育均衡发展。"
BODY_B = "攸县为全县留守儿童建立成长档案，每周开展一次关爱活动。"
BODY_C = "炎陵县全面推行河长制，县乡村三级河长巡河常态化，河道水质稳定达到二类标准。"
BODY_D = "茶陵县今年新建公租房八百套，全部分配到位，住房困难家庭实现应保尽保。"


def fixture(name: str) -> bytes:
    return (SHEETS / name).read_bytes()


def reports_xlsx() -> bytes:
    """A report export as offices make them: a merged title row, the header, a blank row, real
    date cells, a whole number stored as a float, trailing empty columns; a second sheet."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "2024年"
    ws.append(["湘西片区工作汇报汇总表"])
    ws.merge_cells("A1:F1")
    ws.append(["标题", "正文", "日期", "地区", "字数", None, None])
    ws.append([])
    ws.append(["马边县教育工作汇报", BODY_A, datetime.datetime(2024, 2, 1), "马边县", 2.0, None, None])
    ws.append(["攸县留守儿童关爱情况汇报", BODY_B, datetime.date(2023, 5, 6), "攸县", 1234.5])
    other = book.create_sheet("2023年")
    other.append(["标题", "正文", "发布日期", "县区", "栏目"])
    other.append(["炎陵县河长制工作汇报", BODY_C, datetime.datetime(2023, 8, 15, 9, 30), "炎陵县", "生态"])
    other.append(["茶陵县公租房建设情况汇报", BODY_D, datetime.datetime(2023, 9, 1), "茶陵县"])
    other.merge_cells("E2:E3")                                      # one 栏目 for both rows
    pivot = book.create_sheet("透视")                                # a header, no text column
    pivot.append(["行标签", "求和项:字数"])
    pivot.append(["马边县", 2])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def reports_xls() -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("汇总")
    ws.write_merge(0, 0, 0, 3, "湘西片区工作汇报汇总表")
    for col, name in enumerate(["标题", "正文", "日期", "地区"]):
        ws.write(1, col, name)
    dated = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    ws.write(2, 0, "马边县教育工作汇报")
    ws.write(2, 1, BODY_A)
    ws.write(2, 2, datetime.date(2024, 2, 1), dated)              # stored as a serial date number
    ws.write(2, 3, "马边县")
    ws.write(3, 0, "攸县留守儿童关爱情况汇报")
    ws.write(3, 1, BODY_B)
    ws.write(3, 2, 45052.0, dated)                                  # 2023-05-06 in the 1900 date system
    ws.write(3, 3, "攸县")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- pure functions ------------------------------------------------------------------------

@pytest.mark.parametrize("value, text", [
    (None, ""), ("  正文\r\n第二段 ", "正文\n第二段"), ("#N/A", ""), (True, "TRUE"),
    (136221506425.0, "136221506425"), (2.0, "2"), (295.33000000000004, "295.33"), (7, "7"),
    (datetime.datetime(2024, 2, 1), "2024-02-01"), (datetime.datetime(2019, 7, 14, 8, 30), "2019-07-14 08:30"),
    (datetime.date(2023, 5, 6), "2023-05-06"), (datetime.time(9, 5), "09:05"), (float("nan"), ""),
])
def test_cells_read_as_the_text_a_user_sees(value, text):
    assert cell_text(value) == text


@pytest.mark.parametrize("rows, wanted, at", [
    ([["标题", "正文", "日期"], ["甲", "乙。", "2024-01-01"]], set(), 0),
    # A title merged across the columns, an attachment mark, a notice: then the header.
    ([["附件1"], ["宜春市2023年度公务员考试录用名单"], ["温馨提醒：请保持通讯畅通。"],
      ["序号", "姓名", "备注"], ["1", "李文琪", ""]], set(), 3),
    # Two short cells above a wider row are a title, not the header.
    ([["附件", "宜春市名单"], ["序号", "部门", "姓名", "职位", "备注"]], set(), 1),
    # No row looks like column names: numbers, dates and sentences are data.
    ([["1", "2024-01-01", "全县新建学校三所。"]], set(), None),
    # A known name makes a one-column header; columns.ini's names choose among candidates.
    ([["正文"], ["马边县今年新建学校三所。"]], set(), 0),
    ([["填表说明", "单位"], ["职位", "职位简介"], ["科员", "从事财政管理工作。"]], {"职位简介"}, 1),
])
def test_the_header_is_found_below_titles_and_notices(rows, wanted, at):
    assert header_row(rows, wanted) == at


def test_a_value_merged_down_is_repeated_in_the_rows_below():
    rows = [["宜春市名单"], ["部门", "姓名"], ["市委办", "甲"], [None, "乙"], [], ["市政府办", "丙"]]
    # rows 2–4 merged in column 0; the title merged across one row stays as it is.
    assert list(fill_down(rows, [(0, 0, 0), (2, 0, 4)])) == [
        ["宜春市名单"], ["部门", "姓名"], ["市委办", "甲"], ["市委办", "乙"], ["市委办"], ["市政府办", "丙"]]


@pytest.mark.parametrize("data, kind", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "xls"), (b"PK\x03\x04rest", "xlsx"),
    (b"\xef\xbb\xbf<html><table><tr><td>1</td></tr></table>", "html"),
    (b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">', "xml"),
    ("标题\t正文\n".encode(), "text"), (b"\x05alice\x00\x00", ""),
])
def test_a_file_is_known_by_what_it_holds(data, kind):
    assert kind_of(data) == kind


# --- workbooks written here ----------------------------------------------------------------

def test_an_xlsx_of_reports_gives_one_report_a_row_from_every_sheet():
    with limits.noting() as notes:
        reports = file_reports(reports_xlsx(), "汇总.xlsx")
    assert [r.title for r in reports] == ["马边县教育工作汇报", "攸县留守儿童关爱情况汇报", "炎陵县河长制工作汇报",
                                          "茶陵县公租房建设情况汇报"]
    # A line break in a cell is a paragraph break, and a numbered line a section, as in a CSV.
    assert [(b.text, b.heading_level) for b in reports[0].blocks] == [
        ("马边县今年新建学校三所，控辍保学成效明显。", 0), ("二、下一步打算", 1), ("继续推进义务教育均衡发展。", 0)]
    assert reports[0].meta == {"date": "2024-02-01", "place": "马边彝族自治县", "字数": "2", "工作表": "2024年",
                               "doctype": "工作汇报"}
    assert reports[1].meta["date"] == "2023-05-06" and reports[1].meta["字数"] == "1234.5"
    assert reports[2].meta["date"] == "2023-08-15" and reports[2].meta["工作表"] == "2023年"
    assert reports[2].meta["栏目"] == reports[3].meta["栏目"] == "生态"         # merged down over both rows
    assert notes == ["工作表“透视”：没有找到正文列，已跳过"]


def test_an_xls_reads_serial_dates_as_the_csv_path_does():
    reports = file_reports(reports_xls(), "汇总.xls")
    assert [(r.title, r.meta["date"], r.meta["place"]) for r in reports] == [
        ("马边县教育工作汇报", "2024-02-01", "马边彝族自治县"), ("攸县留守儿童关爱情况汇报", "2023-05-06", "攸县")]
    assert [b.text for b in reports[0].blocks][1] == "二、下一步打算"


def test_a_wps_spreadsheet_is_read_as_an_xls(tmp_path):
    reports = file_reports(reports_xls(), "汇总.et")
    assert [r.title for r in reports] == ["马边县教育工作汇报", "攸县留守儿童关爱情况汇报"]
    # A real .et saved by WPS: its sheet is read (a list of names, so no report text column) …
    with pytest.raises(UnreadableFile, match="现有列：序号、拟录用职位、姓名、性别、准考证号、学位、毕业院校、工作单位"):
        file_reports(fixture(WPS_HIRED), WPS_HIRED)
    # … and columns.ini maps its columns as an .xls's.
    (tmp_path / "columns.ini").write_text(f"[{WPS_HIRED}]\ntitle = 姓名\ntext = 拟录用职位\n", encoding="utf-8")
    hired = file_reports(fixture(WPS_HIRED), WPS_HIRED, **reader_options(tmp_path, WPS_HIRED))
    assert hired and all(r.blocks for r in hired)


def test_rows_past_the_limit_are_counted_not_indexed(monkeypatch):
    monkeypatch.setattr(limits, "MAX_REPORTS_PER_FILE", 2)
    with limits.noting() as notes:
        reports = file_reports(reports_xlsx(), "汇总.xlsx")
    assert len(reports) == 2
    # The rows of the sheet without a text column are not counted: they are no reports.
    assert notes == ["表格行数过多（4 行），只索引前 2 行，其余 2 行已跳过", "工作表“透视”：没有找到正文列，已跳过"]


# --- real exports --------------------------------------------------------------------------

def test_a_real_list_without_report_text_is_skipped_with_the_reason():
    with pytest.raises(UnreadableFile) as caught:
        file_reports(fixture(HIRED), HIRED)
    reason = str(caught.value)
    # The header was found below "附件1" and the title: its columns are listed.
    assert "没有找到正文列" in reason and "现有列：序号、拟录用职位、姓名、性别、准考证号" in reason
    assert f"columns.ini 中写 [{HIRED}] 和 text = 列名" in reason
    with pytest.raises(UnreadableFile, match="现有列：类别、品种、等级规格、计量单位、价格（元）"):
        file_reports(fixture(PRICES), PRICES)


def test_a_real_table_with_a_mapped_text_column_gives_reports(tmp_path):
    (tmp_path / "columns.ini").write_text(f"[{POSITIONS}]\ntitle = 职位名称\ntext = 备注\n", encoding="utf-8")
    options = reader_options(tmp_path, POSITIONS)
    reports = file_reports(fixture(POSITIONS), POSITIONS, **options)
    second = next(r for r in reports if "较适合男性" in r.blocks[0].text)
    assert second.title == "秘书科科员"
    # Spaced header names ("专  业") are read as written without the spaces; cell line breaks kept.
    assert second.meta["专业"].startswith("中文类、新闻类") and second.meta["遴选单位"] == "中共宜春市委\n统一战线工作部"
    assert second.meta["招考人数"] == "2"
    # A mapped price column: the 38 rows under the title, less those without a 品种.
    prices = file_reports(fixture(PRICES), PRICES, columns={"text": "品种"})
    assert prices[0].blocks[0].text == "晚籼米" and prices[0].meta["价格（元）"] == "2.68"
    # 类别 is merged down over its rows: each row has it.
    assert prices[1].blocks[0].text == "面粉" and prices[1].meta["类别"] == "一、粮食类"


# --- odd files -----------------------------------------------------------------------------

HTML_XLS = """<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><meta name="ProgId" content="Excel.Sheet"></head>
<body><table><tr><td colspan="3">湘西片区工作汇报汇总表</td></tr>
<tr><td>标题</td><td>正文</td><td>地区</td></tr>
<tr><td>马边县教育工作汇报</td><td>马边县今年新建学校三所。 <br>
  继续推进义务教育
  均衡发展。</td><td rowspan="2">四川省</td></tr>
<tr><td>攸县留守儿童关爱情况汇报</td><td>攸县为全县留守儿童建立成长档案。</td></tr>
</table></body></html>"""


def test_a_web_page_saved_as_xls_is_read_as_its_table():
    reports = file_reports(HTML_XLS.encode("gb18030"), "汇总.xls")
    assert [(r.title, r.meta["place"]) for r in reports] == [
        ("马边县教育工作汇报", "四川省"), ("攸县留守儿童关爱情况汇报", "四川省")]       # a merged cell, repeated
    # <br> is a paragraph break; a line break in the markup is not.
    assert [b.text for b in reports[0].blocks] == ["马边县今年新建学校三所。", "继续推进义务教育均衡发展。"]


def test_a_file_is_read_by_its_content_whatever_its_suffix():
    assert [r.title for r in file_reports(reports_xls(), "汇总.xlsx")][0] == "马边县教育工作汇报"
    assert [r.title for r in file_reports(reports_xlsx(), "汇总.xls")][0] == "马边县教育工作汇报"
    tab = "标题\t正文\n马边县教育工作汇报\t马边县今年新建学校三所。\n".encode("gbk")
    assert [r.title for r in file_reports(tab, "导出.xls")] == ["马边县教育工作汇报"]


def _word() -> bytes:
    import docx

    out = io.BytesIO()
    docx.Document().save(out)
    return out.getvalue()


@pytest.mark.parametrize("name, data, reason", [
    ("截断.xlsx", lambda: fixture(POSITIONS)[:6000], "已损坏或不完整（不是有效的 zip 压缩包）"),
    ("截断.xls", lambda: fixture(HIRED)[:8000], "已损坏或不完整"),
    ("加密.xlsx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600 + "EncryptedPackage".encode("utf-16-le")
     + b"\0" * 600, "设有打开密码"),
    ("~$汇总.xlsx", lambda: b"\x05alice      \x00\x00a\x00l\x00i\x00c\x00e\x00", "临时锁文件"),
    ("文档.xlsx", _word, "可能是Word 文档改了扩展名"),
    ("2003.xls", lambda: b'<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">',
     "Excel 2003 XML"),
    ("空.xlsx", lambda: b"", "文件是空的"),
    ("图片.xls", lambda: b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "不是 Excel 表格"),
    ("空表.xlsx", lambda: openpyxl_empty(), "表格是空的"),
])
def test_broken_and_odd_files_say_why(name, data, reason):
    with pytest.raises(UnreadableFile, match=reason.replace("(", r"\(").replace(")", r"\)")):
        file_reports(data(), name)


def test_damaged_copies_of_real_files_raise_only_unreadable_file():
    rng = random.Random(7)
    for n in range(60):
        name = (POSITIONS, HIRED, PRICES)[n % 3]
        data = bytearray(fixture(name))
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if n % 4 == 0:
            data = data[:rng.randrange(len(data))]
        try:
            with limits.noting():
                file_reports(bytes(data), name)
        except UnreadableFile as exc:
            assert "Traceback" not in str(exc) and str(exc)


def openpyxl_empty() -> bytes:
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return out.getvalue()


# --- indexed and searched ------------------------------------------------------------------

def test_a_corpus_of_spreadsheets_is_indexed_and_searched(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    (corpus / "名单").mkdir(parents=True)
    (corpus / "汇总.xlsx").write_bytes(reports_xlsx())
    (corpus / "名单" / HIRED).write_bytes(fixture(HIRED))
    (corpus / "名单" / POSITIONS).write_bytes(fixture(POSITIONS))
    (corpus / "columns.ini").write_text(f"[名单/{POSITIONS}]\ntitle = 职位名称\ntext = 备注\n", encoding="utf-8")
    summary = update_index(index, corpus)
    assert dict(summary.formats) == {".xlsx": 2}
    assert list(summary.skipped) == [f"名单/{HIRED}"] and "没有找到正文列" in summary.skipped[f"名单/{HIRED}"]
    searcher = Searcher(index)
    [hit] = searcher.search("河长制").hits
    assert (hit.title, hit.date, hit.place) == ("炎陵县河长制工作汇报", "2023-08-15", "炎陵县")
    [hit] = searcher.search("下一步打算 义务教育").hits
    assert (hit.title, hit.section, hit.date) == ("马边县教育工作汇报", "二、下一步打算", "2024-02-01")
    hits = searcher.search("公文写作").hits
    assert hits and all(h.source == f"名单/{POSITIONS}" for h in hits) and "秘书科科员" in {h.title for h in hits}
    out = io.StringIO()
    print_summary(summary, out=out)
    assert "文件格式：.xlsx 2 个" in out.getvalue()


def test_a_run_without_spreadsheets_loads_neither_parser(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("马边县教育工作汇报\n马边县今年新建学校三所，控辍保学成效明显。\n", encoding="utf-8")
    code = ("import sys; from indexer.update import update_index; "
            f"update_index({str(tmp_path / 'index')!r}, {str(corpus)!r}); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('openpyxl', 'xlrd')))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.stdout.strip().splitlines()[-1] == "[]", run.stderr
