import pytest

from indexer.ingest.metadata import normalize_date, parse_meta_line


@pytest.mark.parametrize("text, date", [
    ("2024-01-06 21:18:36", "2024-01-06"),
    ("2024年1月6日", "2024-01-06"),
    ("2023/12/31", "2023-12-31"),
    ("20xx年x月x日", None),
    ("2024-13-01", None),
    ("二〇二三年十二月二十日", "2023-12-20"),          # official documents' dates in Chinese numerals
    ("二○二四年一月六日", "2024-01-06"),
    ("二〇二三年十月三十一日", "2023-10-31"),
    ("二〇二三年十三月一日", None),
    ("一九二七年三月", None),                         # no day: no date
])
def test_normalize_date(text, date):
    assert normalize_date(text) == date


def test_meta_line_only_at_start():
    assert parse_meta_line("来源：县政府办公室") == {"source": "县政府办公室"}
    assert parse_meta_line("资金来源：县财政拨款500万元。") is None


from indexer.ingest.metadata import date_line, doctype, enrich, report_date  # noqa: E402


@pytest.mark.parametrize("title, kind", [
    ("城乡社区建设工作情况汇报", "情况汇报"), ("攸县2023年政府工作报告", "政府工作报告"),
    ("关于土地流转的调研报告", "调研报告"), ("乡镇工作汇报", "工作汇报"), ("社区简介", ""),
])
def test_doctype(title, kind):
    assert doctype(title) == kind


def test_only_a_standalone_dateline_dates_a_report():
    assert date_line("嘉禾县民政局 2024年1月6日") == "2024-01-06"
    assert date_line("2023年12月1日，县委召开专题会议，研究部署社区建设工作。") is None
    assert date_line("20xx年x月x日") is None
    assert report_date(["正文第一段。", "正文第二段。", "攸县民政局", "2024年3月5日"]) == "2024-03-05"
    assert report_date(["2023年12月1日，县委召开会议。", "正文。"]) is None


def test_the_meeting_line_under_a_title_dates_the_report():
    meeting = "——2025年1月16日省长李乐成在辽宁省第十四届人民代表大会第三次会议上的讲话"
    assert report_date([meeting, "各位代表：", "现在，我代表省人民政府向大会报告工作。"]) == "2025-01-16"
    assert report_date(["2025年1月16日在湖北省第十四届人民代表大会第三次会议上湖北省人民政府代省长 李殿勋",
                        "各位代表："]) == "2025-01-16"
    # The file's date (when it was converted) is the last resort, after the meeting line.
    assert enrich("2025年上海市政府工作报告", ["----2025年1月15日龚正市长在上海市第十六届人民代表大会第三次会议的政府工作报告",
                                              "各位代表："], {"file_date": "2025-01-23"})["date"] == "2025-01-15"
    assert report_date(["2023年12月1日在全县会议上，县委书记作了讲话，部署社区建设工作。", "正文。"]) is None
    # The line written as one sentence, with its full stop.
    assert report_date(["2025年1月19日在江苏省第十四届人民代表大会第三次会议上省长许昆林作政府工作报告。",
                        "各位代表："]) == "2025-01-19"


def test_enrich_order_of_trust():
    blocks = ["嘉禾县建县于1639年，位于郴州市西南部。", "2024年3月5日"]
    assert enrich("农村社区建设工作情况汇报", blocks, {"file_date": "2020-01-01"}) == {
        "date": "2024-03-05", "place": "嘉禾县", "doctype": "情况汇报"}
    # A header line (already in meta) beats the dateline; the file's date is the last resort.
    assert enrich("汇报", blocks, {"date": "2024-01-06"})["date"] == "2024-01-06"
    assert enrich("汇报", ["正文。"], {"file_date": "2020-01-01"})["date"] == "2020-01-01"
    assert enrich("汇报", ["正文。"], {"place": "四川省"})["place"] == "四川省"
    assert enrich("汇报", ["正文。"], {"place": "四川"})["place"] == "四川省"      # one name for one place
    assert enrich("汇报", ["正文。"], {"place": "某某街道"})["place"] == "某某街道"


def test_a_dateline_in_chinese_numerals_dates_a_report():
    assert report_date(["正文。", "嘉禾县民政局", "二〇二三年十二月二十日"]) == "2023-12-20"
    assert report_date(["——二〇一〇年三月五日在第十一届全国人民代表大会第三次会议上", "各位代表："]) == "2010-03-05"


@pytest.mark.parametrize("title, meta, year", [
    ("2014年政府工作报告", {}, "2014"),
    ("政府工作报告", {"year": "2021"}, "2021"),                       # a spreadsheet's year column
    ("关于2023年预算执行情况的报告", {}, "2023"),
    ("2021—2025年规划实施情况", {}, None),                            # two years: none
    ("社区工作情况汇报", {}, None),
    ("2014年政府工作报告", {"file_date": "2014-03-20"}, None),        # a date says it all
])
def test_an_undated_report_takes_the_year_its_title_or_a_year_column_names(title, meta, year):
    assert enrich(title, ["正文。"], meta).get("year") == year


@pytest.mark.parametrize("title, blocks, place", [
    ("2025年中华人民共和国国务院政府工作报告", ["各位代表："], "全国"),
    ("第十四届全国人民代表大会第三次会议关于政府工作报告的决议", ["会议听取和审议了政府工作报告。"], "全国"),
    ("2014年政府工作报告", ["——2014年3月5日在第十二届全国人民代表大会第二次会议上", "各位代表："], "全国"),
    ("2016年政府工作报告", ["各位代表：", "现在，我代表国务院，向大会报告政府工作，请予审议。"], "全国"),
    ("关于落实国务院部署的情况汇报", ["认真贯彻党中央、国务院决策部署。"], None),          # names it, is not it
    ("2025年北京市政府工作报告", ["——2025年1月14日在北京市第十六届人民代表大会第三次会议上"], "北京市"),
])
def test_a_national_report_is_placed_under_the_whole_country(title, blocks, place):
    assert enrich(title, blocks, {}).get("place") == place


@pytest.mark.parametrize("blocks, year", [
    (["正文。", "嘉禾县民政局", "2024年1月"], "2024"),          # a dateline of a year and month
    (["（一九五六年三月）", "正文。"], "1956"),
    (["正文。", "二〇二四年一月"], "2024"),
    (["2023年12月，县委召开会议，部署工作。", "正文。"], None),   # a sentence is no dateline
])
def test_a_year_and_month_dateline_gives_an_undated_report_its_year(blocks, year):
    assert enrich("关于2023年工作的报告", blocks, {}).get("year") == (year or "2023")   # else the title's
