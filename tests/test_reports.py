from indexer.ingest.clean import Cleaned
from indexer.ingest.reports import is_report_title, split_reports


def test_report_titles():
    for title in ["城乡社区建设工作情况汇报", "县农村社区建设工作情况汇报", "×区社区建设情况汇报", "工作情况汇报",
                  "关于土地流转的调研报告", "社区建设工作情况汇报(实用17篇)"]:
        assert is_report_title(title), title
    for line in ["三、工作总结", "二、存在问题和建议", "现将有关情况汇报如下:", "今年的工作报告已经通过。",
                 "政府工作报告中提出要加快推进城乡一体化建设和社区服务中心建设等多项重要任务的具体汇报"]:
        assert not is_report_title(line), line


def test_split_many_reports_and_keep_titles():
    cleaned = Cleaned(blocks=["社区建设工作情况汇报(实用17篇)", "网站导语。", "城乡社区建设工作情况汇报", "第一篇正文。",
                              "二、下一步打算。", "第一篇第二段。", "×区社区建设情况汇报", "第二篇正文。"])
    reports = split_reports(cleaned, "a.txt")
    assert [r.title for r in reports] == ["社区建设工作情况汇报(实用17篇)", "城乡社区建设工作情况汇报", "×区社区建设情况汇报"]
    assert [b.text for b in reports[1].blocks] == ["第一篇正文。", "二、下一步打算。", "第一篇第二段。"]
    assert reports[1].blocks[1].heading_level == 1


def test_single_report_takes_first_line_or_file_name():
    assert split_reports(Cleaned(blocks=["嘉禾县社区建设情况", "正文。"]), "x.txt")[0].title == "嘉禾县社区建设情况"
    assert split_reports(Cleaned(blocks=["正文第一段。", "正文第二段。"]), "sub/03_攸县调研.txt")[0].title == "攸县调研"


def test_notice_names_the_full_title():
    cleaned = Cleaned(blocks=["城乡社区建设工作情况汇报", "正文。", "工作情况汇报", "下一篇。"],
                      notice_titles={2: "谷里镇城乡社区建设工作情况汇报"})
    # The notice closes the report it names.
    assert [r.title for r in split_reports(cleaned, "a.txt", "合集")] == ["谷里镇城乡社区建设工作情况汇报", "工作情况汇报"]


def test_a_generic_title_under_the_full_title_is_the_same_report():
    body = "现在，我代表省人民政府向大会报告工作，请予审议。"
    cleaned = Cleaned(blocks=["2025年河北省政府工作报告", "【字体：大 中 小】", "政府工作报告", "各位代表：", body])
    reports = split_reports(cleaned, "a.txt")
    assert [r.title for r in reports] == ["2025年河北省政府工作报告"]
    # The front matter's title is more specific than the generic title line.
    cleaned = Cleaned(blocks=["政府工作报告", "各位代表：", body], title="高阳县2015年政府工作报告")
    assert [r.title for r in split_reports(cleaned, "a.txt", cleaned.title)] == ["高阳县2015年政府工作报告"]


def test_a_title_repeated_after_the_body_starts_a_copy():
    body = "现在，我代表省人民政府向大会报告工作，请予审议。"
    cleaned = Cleaned(blocks=["政府工作报告", body, "政府工作报告", body])
    assert len(split_reports(cleaned, "a.txt")) == 2
