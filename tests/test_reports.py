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
    # The page's title and lead-in before the first of its reports are no report.
    assert [r.title for r in reports] == ["城乡社区建设工作情况汇报", "×区社区建设情况汇报"]
    assert [b.text for b in reports[0].blocks] == ["第一篇正文。", "二、下一步打算。", "第一篇第二段。"]
    assert reports[0].blocks[1].heading_level == 1


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


def test_a_meeting_line_in_the_title_line_dates_the_report():
    body = "现在，我代表国务院，向大会报告政府工作，请予审议。"
    line = "政府工作报告——2016年3月5日在第十二届全国人民代表大会第四次会议上国务院总理 李克强"
    report = split_reports(Cleaned(blocks=[line, "各位代表：", body]), "2016.txt")[0]
    assert report.meta["date"] == "2016-03-05" and "会议" not in report.title


def test_a_subtitle_naming_the_speech_is_no_title_of_its_own():
    meeting = "——2025年1月16日省长李乐成在辽宁省第十四届人民代表大会第三次会议上的讲话"
    assert not is_report_title(meeting)
    body = "现在，我代表省人民政府向大会报告工作，请予审议。"
    reports = split_reports(Cleaned(blocks=["2025年辽宁省政府工作报告", meeting, "各位代表：", body]), "a.docx")
    assert [r.title for r in reports] == ["2025年辽宁省政府工作报告"]


def test_a_title_repeated_after_the_body_starts_a_copy():
    body = "现在，我代表省人民政府向大会报告工作，请予审议。"
    cleaned = Cleaned(blocks=["政府工作报告", body, "政府工作报告", body])
    assert len(split_reports(cleaned, "a.txt")) == 2


OPENING = "现在，我代表国务院，向大会作政府工作报告，请予审议，并请全国政协委员提出意见。"
SECOND = "2005年，我国社会主义现代化事业取得新的重大成就，经济平稳较快发展，改革开放迈出重大步伐。"


def test_a_page_holding_its_text_several_times_holds_copies_of_one_report():
    copy = ["政府工作报告——2006年3月5日在第十届全国人民代表大会第四次会议上", "各位代表：", OPENING,
            "一、去年工作回顾", SECOND]
    cleaned = Cleaned(blocks=["2006年国务院政府工作报告"] + copy * 3)
    reports = split_reports(cleaned, "2006.txt")
    assert [r.title for r in reports] == ["2006年国务院政府工作报告"] * 3
    assert all([b.text for b in r.blocks] == copy for r in reports)


def test_a_copy_takes_the_fuller_title_of_the_report_it_copies():
    cleaned = Cleaned(blocks=["2025年河北省政府工作报告", "各位代表：", OPENING, SECOND, "网站地图",
                              "政府工作报告", "各位代表：", OPENING, SECOND])
    assert [r.title for r in split_reports(cleaned, "河北省_2025_report.txt")] == ["2025年河北省政府工作报告"] * 2


def test_a_line_repeating_the_title_is_not_text():
    cleaned = Cleaned(blocks=["江西省2022年国民经济和社会发展统计公报[1]", OPENING],
                      title="江西省2022年国民经济和社会发展统计公报")
    report, = split_reports(cleaned, "a.html", cleaned.title)
    assert [b.text for b in report.blocks] == [OPENING]


def test_a_motto_before_the_first_titled_report_is_the_page_s():
    cleaned = Cleaned(blocks=["人民代表大会制度是坚持党的领导、人民当家作主、依法治国有机统一的根本政治制度安排。",
                              "王正谱在河北省第十三届人大五次会议上的政府工作报告", "政府工作报告", "各位代表：", OPENING])
    reports = split_reports(cleaned, "a.txt", "2022年河北省政府工作报告")
    # The headline above the title line is the title block's, and says more.
    assert [r.title for r in reports] == ["王正谱在河北省第十三届人大五次会议上的政府工作报告"]
    assert [b.text for b in reports[0].blocks] == ["各位代表：", OPENING]


def test_a_linked_word_set_on_its_own_line_is_no_title():
    cleaned = Cleaned(blocks=["（三）重大战略成效显著。坚决贯彻习近平总书记在深入推进京津冀协同发展座谈会上的", "重要讲话",
                              "精神，聚焦承接北京非首都功能疏解，加快把战略机遇转化为发展优势。"])
    assert len(split_reports(cleaned, "a.txt")) == 1


def test_an_attachment_label_is_no_title():
    body = "为做好体能测评工作，现将有关事项通知如下，请各单位认真组织实施。"
    alone = split_reports(Cleaned(["附件二：", "2019年度录用人民警察体能测试的通知", body]), "附件二.doc")
    assert [(r.title, [b.text for b in r.blocks]) for r in alone] == [("2019年度录用人民警察体能测试的通知", [body])]
    inline = split_reports(Cleaned(["附件1：江西省公务员考录工作情况汇报", body]), "a.docx")
    assert [(r.title, [b.text for b in r.blocks]) for r in inline] == [("江西省公务员考录工作情况汇报", [body])]
    sentence = split_reports(Cleaned(["附件材料齐全的予以受理", body]), "b.txt")
    assert sentence[0].title == "附件材料齐全的予以受理"


def test_without_attachment_label():
    from indexer.ingest.titles import without_attachment_label
    assert without_attachment_label("附件3") == ""
    assert without_attachment_label("附件：") == ""
    assert without_attachment_label("附件 2：职位表") == "职位表"
    assert without_attachment_label("附件材料齐全") == "附件材料齐全"
    assert without_attachment_label("关于附件的说明") == "关于附件的说明"
