import pytest

from indexer.ingest.titles import citation_title, is_title_like


@pytest.mark.parametrize("title, source, opening, expected", [
    # A generic title: the year of its meeting line, or the place and year of the file name.
    ("政府工作报告——2016年3月5日在第十二届全国人民代表大会第四次会议上国务院总理李克强", "2016.txt", [],
     "2016年政府工作报告"),
    ("政府工作报告", "2015.txt", ["——2015年3月5日在第十二届全国人民代表大会第三次会议上"], "2015年政府工作报告"),
    ("政府工作报告", "a/报告.txt", ["——2015年3月5日在第十二届全国人民代表大会第三次会议上"], "2015年政府工作报告"),
    ("政府工作报告——2018年2月10日在保定市第十五届人民代表大会第三次会议上", "保定市_2018_report.txt", [],
     "保定市2018年政府工作报告"),
    ("政府工作报告", "2025年湖南省政府工作报告.docx", [], "2025年湖南省政府工作报告"),
    ("政府工作报告", "报告.txt", [], "政府工作报告"),
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
