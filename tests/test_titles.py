from itertools import product

import pytest

from indexer.ingest.titles import (citation_title, continued_title, is_title_like, may_have_key, title_key,
                                   wrapped_title)
from indexer.ingest.pipeline import file_reports


@pytest.mark.parametrize("title, source, opening, expected", [
    # A generic title: the year of its meeting line, or the place and year of the file name.
    ("政府工作报告——2016年3月5日在第十二届全国人民代表大会第四次会议上国务院总理李克强", "2016.txt", [],
     "2016年政府工作报告"),
    ("政府工作报告", "2015.txt", ["——2015年3月5日在第十二届全国人民代表大会第三次会议上"], "2015年政府工作报告"),
    ("政府工作报告", "a/报告.txt", ["——2015年3月5日在第十二届全国人民代表大会第三次会议上"], "2015年政府工作报告"),
    ("政府工作报告——2018年2月10日在保定市第十五届人民代表大会第三次会议上", "保定市_2018_report.txt", [],
     "保定市2018年政府工作报告"),
    ("政府工作报告", "2025年湖南省政府工作报告.docx", [], "2025年湖南省政府工作报告"),
    ("政府工作报告", "湖北省政府工作报告2026.txt", [], "2026年湖北省政府工作报告"),
    ("政府工作报告", "2026湖北省政府工作报告.pdf", [], "2026年湖北省政府工作报告"),
    ("湖北省政府工作报告2026", "湖北省政府工作报告2026.txt", [], "2026年湖北省政府工作报告"),
    ("保定市_2018_report", "保定市_2018_report.txt", [], "保定市_2018_report"),
    # The place of the meeting line when the file name gives none: one title per province.
    ("政府工作报告", "hubei.pdf", ["——2026年1月20日在湖北省第十四届人民代表大会第五次会议上"], "2026年湖北省政府工作报告"),
    ("政府工作报告", "保定.txt", ["——2018年2月10日在保定市第十五届人民代表大会第三次会议上"], "2018年保定市政府工作报告"),
    ("政府工作报告", "2026.txt", ["——2026年1月在广西壮族自治区第十四届人民代表大会第四次会议上"],
     "2026年广西壮族自治区政府工作报告"),
    ("政府工作报告", "报告.txt", [], "政府工作报告"),
    # A report named only by its file that opens as a government work report does: one, of the
    # year after the one it reviews, of the place of its file or of the government speaking.
    ("宜春", "宜春.docx", ["各位代表：", "现在，我代表市人民政府向大会报告工作，请予审议。", "一、2023年工作回顾"],
     "2024年宜春市政府工作报告"),
    ("report", "report.pdf", ["各位代表：", "现在，我代表北京市人民政府，向大会报告政府工作，请予审议。",
                              "一、2023年工作回顾"], "2024年北京市政府工作报告"),
    ("成都", "成都.docx", ["各位代表：", "现在，我代表市人民政府，向大会报告工作，请予审议。", "2023年工作回顾"],
     "2024年成都市政府工作报告"),
    ("2014", "2014.txt", ["各位代表：现在，我代表国务院，向大会作政府工作报告，请予审议。一、2013年工作回顾"],
     "2014年政府工作报告"),
    ("工作笔记", "工作笔记.txt", ["一、2023年工作回顾", "今天开会。"], "工作笔记"),
    # A specific title loses a page's note and a meeting line, and keeps its year.
    ("2022年政府工作报告（全文）", "x.txt", [], "2022年政府工作报告"),
    ("保定市政府工作报告——2014年2月10日在保定市第十四届人民代表大会第二次会议上", "x.txt", [], "2014年保定市政府工作报告"),
    ("关于农村土地流转的调研报告——以攸县为例", "2019.txt", [], "关于农村土地流转的调研报告——以攸县为例"),
    ("城乡社区建设工作情况汇报", "2019.txt", [], "城乡社区建设工作情况汇报"),
])
def test_citation_title(title, source, opening, expected):
    assert citation_title(title, source, opening) == expected


@pytest.mark.parametrize("line", ["各位代表：", "同志们！", "现在，我代表县人民政府作报告。"])
def test_a_salutation_or_a_sentence_is_no_title(line):
    assert not is_title_like(line)


@pytest.mark.parametrize("first, title, expected", [
    ("2026年河南省", "政府工作报告", "2026年河南省政府工作报告"),
    ("关于2025年全县农村", "土地流转情况的调研报告", "关于2025年全县农村土地流转情况的调研报告"),
    ("湖南省人民政府", "政府工作报告", "湖南省人民政府工作报告"),
    # Not a first half: a date, a document number, a letterhead, a title of its own, the same words.
    ("2026年1月20日", "政府工作报告", "政府工作报告"),
    ("湘政发〔2026〕1号", "关于全省农村土地流转的调研报告", "关于全省农村土地流转的调研报告"),
    ("湖南省人民政府文件", "政府工作报告", "政府工作报告"),
    ("县委办工作总结", "土地流转情况的调研报告", "土地流转情况的调研报告"),
    ("政府工作报告", "2026年政府工作报告", "2026年政府工作报告"),
    ("各位代表：", "政府工作报告", "政府工作报告"),
    ("现在，我代表县人民政府", "政府工作报告", "政府工作报告"),
])
def test_wrapped_title(first, title, expected):
    assert wrapped_title(first, title) == expected


def test_a_title_set_on_two_lines_at_the_top_of_a_file_is_read_whole():
    text = ("2026年河南省\n政府工作报告\n——2026年1月在河南省第十四届人民代表大会第四次会议上\n各位代表：\n"
            "现在，我代表省人民政府，向大会报告工作，请予审议。\n一、2025年工作回顾\n过去一年，全省经济运行稳中向好。\n")
    (report,) = file_reports(text.encode("utf-8"), "report.txt")
    assert report.title == "2026年河南省政府工作报告"
    assert not any("2026年河南省" == block for block in report.blocks)


@pytest.mark.parametrize("first, second, expected", [
    ("国家税务总局江西省税务局2023年度", "拟录用公务员公示公告（第一批）", "国家税务总局江西省税务局2023年度拟录用公务员公示公告（第一批）"),
    ("关于做好2024年", "防汛工作的通知", "关于做好2024年防汛工作的通知"),
    # The first line names its kind already, or the second names none, or is a sentence or a date.
    ("关于做好防汛工作的通知", "县防汛抗旱指挥部办公室", "关于做好防汛工作的通知"),
    ("全县防汛工作", "各乡镇、各部门：", "全县防汛工作"),
    ("全县防汛工作", "二〇二四年六月", "全县防汛工作"),
    ("2024年6月3日", "关于做好防汛工作的通知", "2024年6月3日"),
])
def test_continued_title(first, second, expected):
    assert continued_title(first, second) == expected


def test_the_look_at_a_blocks_head_never_turns_away_its_own_key():
    assert may_have_key("各位代表：现在我代表市人民政府作报告。", "各位代表现在我代表市人民政府作报告")
    assert may_have_key("标题：关于土地流转的调研", "关于土地流转的调研")
    assert not may_have_key("一是加强组织领导。", "二是加强组织领导")
    assert not may_have_key("。", "各位")
    # Every block of six of these characters (the prefixes, marks, an underscore, a space).
    for chars in product("标题目：:_ a", repeat=6):
        block = "".join(chars)
        key = title_key(block)
        assert len(key) < 2 or may_have_key(block, key), block
