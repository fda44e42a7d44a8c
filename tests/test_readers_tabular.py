"""Table exports (.csv/.json/.jsonl): one report per row, columns found by name or by columns.ini."""
import json

import pytest

from indexer.errors import UnreadableFile
from indexer.ingest.pipeline import file_paragraphs, file_reports
from indexer.ingest.readers.tabular import assign_columns, options_digest, reader_options

TEXT_A = "马边县今年新建学校三所，控辍保学成效明显。\n二、下一步打算\n继续推进义务教育均衡发展，办好人民满意的教育。"
TEXT_B = "攸县为全县留守儿童建立成长档案，每周开展一次关爱活动，落实结对帮扶。"


def csv_bytes(encoding="utf-8") -> bytes:
    rows = ['标题,正文,日期,地区,url,备注',
            f'马边县教育工作汇报,"{TEXT_A}",2024/2/1,四川省,https://example.org/a,转载',
            f'攸县留守儿童关爱情况汇报,"{TEXT_B}",2023年5月6日,,javascript:alert(1),',
            ',,,,,空行']
    return "\n".join(rows).encode(encoding)


def test_csv_one_report_per_row_in_gbk():
    reports = file_reports(csv_bytes("gbk"), "汇总.csv")
    assert [r.title for r in reports] == ["马边县教育工作汇报", "攸县留守儿童关爱情况汇报"]
    assert [(b.text, b.heading_level) for b in reports[0].blocks] == [
        ("马边县今年新建学校三所，控辍保学成效明显。", 0), ("二、下一步打算", 1),
        ("继续推进义务教育均衡发展，办好人民满意的教育。", 0)]
    assert reports[0].meta == {"date": "2024-02-01", "place": "四川省", "url": "https://example.org/a",
                               "备注": "转载", "doctype": "工作汇报"}
    # No place column value: the title names it. Not a web link: not kept, never shown as a link.
    assert reports[1].meta == {"date": "2023-05-06", "place": "攸县", "doctype": "情况汇报"}


def test_a_csv_saved_from_a_spreadsheet_keeps_its_title_rows_above_the_header():
    rows = ['2024年各县工作汇报汇总表,,,,,', '填报单位：县政府办公室,,,,,', *csv_bytes().decode("utf-8").split("\n")]
    reports = file_reports("\n".join(rows).encode("utf-8"), "汇总.csv")
    assert [r.title for r in reports] == ["马边县教育工作汇报", "攸县留守儿童关爱情况汇报"]
    assert reports[0].meta["date"] == "2024-02-01" and reports[0].meta["备注"] == "转载"
    # The header named in columns.ini wins over a row above it that merely looks like one.
    custom = ["附件1,,", "单位,负责人,联系电话", "报告名称,报告正文,报送时间",
              f"马边县教育工作汇报,{TEXT_B},2024-02-01"]
    reports = file_reports("\n".join(custom).encode("utf-8"), "汇总.csv",
                           columns={"title": "报告名称", "text": "报告正文", "date": "报送时间"})
    assert [(r.title, r.meta["date"]) for r in reports] == [("马边县教育工作汇报", "2024-02-01")]


def test_paragraphs_of_a_table_keep_their_sections():
    paragraphs = file_paragraphs(csv_bytes(), "汇总.csv")
    assert [(p.section, p.text[:6]) for p in paragraphs] == [
        ("", "马边县今年新"), ("二、下一步打算", "继续推进义务"), ("", "攸县为全县留")]


def test_json_and_jsonl():
    objects = [{"title": "马边县教育工作汇报", "full_text": TEXT_A, "publish_date": "2024-02-01T08:00:00",
                "region": "马边县", "source_url": "https://example.org/a", "tags": ["教育", "控辍保学"]},
               {"title": "攸县留守儿童关爱情况汇报", "text": TEXT_B}]
    as_json = json.dumps({"total": 2, "data": objects}, ensure_ascii=False).encode("utf-8")
    as_jsonl = "\n".join(json.dumps(o, ensure_ascii=False) for o in objects).encode("utf-8") + b"\n{broken\n"
    for data, name in ((as_json, "a.json"), (as_jsonl, "a.jsonl")):
        reports = file_reports(data, name)
        assert [r.title for r in reports] == ["马边县教育工作汇报", "攸县留守儿童关爱情况汇报"], name
        assert reports[0].meta["date"] == "2024-02-01" and reports[0].meta["place"] == "马边彝族自治县"  # full name
        assert reports[0].meta["tags"] == '["教育", "控辍保学"]'
        assert reports[1].blocks[0].text == TEXT_B


def test_column_names_are_recognised_in_either_language():
    roles = assign_columns(["Title", "Full Text", "日期", "Province", "县区", "URL"])
    assert roles["title"] == ["Title"] and roles["text"] == ["Full Text"] and roles["date"] == ["日期"]
    assert roles["place"] == ["县区", "Province"]            # the most specific first
    assert roles["url"] == ["URL"]


@pytest.mark.parametrize("data, reason", [
    ("名称,内容说明\n甲,乙\n".encode(),
     r"没有找到正文列（.*“正文”.*现有列：名称、内容说明）.*columns\.ini 中写 \[x\.csv\] 和 text = 列名"),
    ("正文\n".encode(), "没有数据行"),
    (b"", "表格是空的"),
])
def test_tables_without_reports_say_why(data, reason):
    with pytest.raises(UnreadableFile, match=reason):
        file_reports(data, "x.csv")


def test_bad_json_says_where():
    with pytest.raises(UnreadableFile, match="第 1 行"):
        file_reports(b'[{"text": ', "x.json")


def test_columns_ini_maps_other_names(tmp_path):
    (tmp_path / "columns.ini").write_text(
        "[汇总/*.csv]\n标题 = 报告名称\ntext = 报告内容 ; the report body\nplace = 所属县区\n", encoding="utf-8")
    data = f'报告名称,报告内容,所属县区\n教育工作汇报,"{TEXT_A}",马边县\n'.encode()
    options = reader_options(tmp_path, "汇总/教育.csv")
    assert options == {"columns": {"title": "报告名称", "text": "报告内容", "place": "所属县区"}}
    assert reader_options(tmp_path, "其他/教育.csv") == {} and reader_options(tmp_path, "汇总/a.txt") == {}
    [report] = file_reports(data, "汇总/教育.csv", **options)
    assert report.title == "教育工作汇报" and report.meta["place"] == "马边彝族自治县"
    # A mapping is part of the file's identity: changing it reindexes the file.
    assert options_digest("abc", options) != options_digest("abc", {}) == "abc"
    with pytest.raises(UnreadableFile, match="“正文”不在文件中"):
        file_reports(data, "汇总/教育.csv", columns={"text": "正文"})


def test_a_broken_columns_ini_is_reported_by_the_tables(tmp_path):
    (tmp_path / "columns.ini").write_text("[*.csv]\nbody = 正文\n", encoding="utf-8")
    options = reader_options(tmp_path, "a.csv")
    with pytest.raises(UnreadableFile, match="columns.ini 中 \\[\\*.csv\\] 的“body”无法识别"):
        file_reports(csv_bytes(), "a.csv", **options)


def test_a_year_column_files_an_undated_row_under_its_year(tmp_path):
    # Exports of report collections often give the year alone (year: 2010); a row without a date
    # then still has a year for the year facet and filter.
    rows = [{"title": "政府工作报告", "content": TEXT_B, "year": 2010},
            {"title": "政府工作报告", "content": TEXT_A, "year": None}]
    reports = file_reports("\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode(), "报告.jsonl")
    assert [r.meta.get("year") for r in reports] == ["2010", None]
    from fixture_files import corpus_index
    from indexer.search.searcher import Searcher
    index = corpus_index(tmp_path, {"报告.jsonl": "\n".join(json.dumps(r, ensure_ascii=False) for r in rows)})
    searcher = Searcher(index)
    assert dict(searcher.facet_counts("留守儿童")["counts"]["year"]) == {"2010": 1}
    hits = searcher.search("留守儿童 year:2010").hits
    assert [(h.title, h.date, h.year) for h in hits] == [("政府工作报告", "", "2010")]
    from webapp import create_app
    client = create_app({"INDEX_DIR": str(index), "CORPUS_DIR": str(tmp_path / "corpus"), "TESTING": True}).test_client()
    for page in ("/?q=留守儿童", f"/p/{hits[0].id}", f"/r/{hits[0].report_id}"):
        assert "<span>2010年</span>" in client.get(page).get_data(as_text=True), page
