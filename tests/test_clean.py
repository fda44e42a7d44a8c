import pytest

from indexer.ingest.clean import clean_blocks, clean_inline, is_furniture, is_notice


@pytest.mark.parametrize("raw, expected", [
    ("建设与拆迁并重的'原则,同时", "建设与拆迁并重的原则,同时"),
    ("对社区的`每一项公共服务", "对社区的每一项公共服务"),
    ("关于加强服务中心建设的.通知", "关于加强服务中心建设的通知"),
    ("1.社区拆迁补偿标准低", "1.社区拆迁补偿标准低"),          # list numbering stays
    ("增长57.88%", "增长57.88%"),                              # decimals stay
    ("It's fine", "It's fine"),                                  # English apostrophes stay
    ("土地\u200b流转\ufffd", "土地流转"),
    ("社区\u202e建设\u202c工作\u2066汇报\u2069", "社区建设工作汇报"),   # bidi overrides
    ("社区  建设　工作", "社区建设工作"),
    ("市⼈⺠政府，同⽐增⻓12%", "市人民政府，同比增长12%"),      # radicals out of a PDF's text layer
    # What one step uncovers, a later one mends: an apostrophe or a space written out as a code
    # point, a stray mark behind an invisible character.
    ("建设的<U+0027>原则", "建设的原则"), ("社区<U+3000>建设", "社区建设"), ("并重的\u200b'原则", "并重的原则"),
])
def test_clean_inline(raw, expected):
    assert clean_inline(raw) == expected


def test_site_notice_is_noise():
    assert is_notice("《城郊乡临淮社区建设情况汇报》全文内容当前网页未完全显示,剩余内容请访问下一页查看。")
    assert not is_notice("全县共完成土地流转面积3万亩。")


@pytest.mark.parametrize("line", ["下载", "【打印】", "收藏 | 打印 | 关闭", "字号：大 中 小", "（图片来源：新华社）", "摄影：张三"])
def test_page_furniture(line):
    assert is_furniture(line)


def test_furniture_rule_spares_body_text():
    assert not is_furniture("下载量最大的是政策解读类文件，群众反映良好。")


def test_meta_lines_become_fields_not_text():
    cleaned = clean_blocks(["标题", "时间:2024-01-06 21:18:36 作者:碧墨 工作报告", "正文第一段。"])
    assert cleaned.blocks == ["标题", "正文第一段。"]
    assert cleaned.meta == {"date": "2024-01-06", "author": "碧墨"}


def test_notice_title_is_remembered():
    cleaned = clean_blocks(["正文。", "《谷里镇农村社区建设工作情况汇报》全文内容当前网页未完全显示,剩余内容请访问下一页查看。", "正文二。"])
    assert cleaned.notice_titles == {1: "谷里镇农村社区建设工作情况汇报"}
    assert cleaned.blocks == ["正文。", "正文二。"]


@pytest.mark.parametrize("raw, expected", [
    ("新华·波罗的海航运指数", "新华·波罗的海航运指数"),            # the author's middle dot stays
    ("营商广西•桂在便利", "营商广西•桂在便利"),
    ("<U+00A0><U+00A0>各位代表：", "各位代表："),                    # code points written out as text
])
def test_clean_inline_keeps_punctuation(raw, expected):
    assert clean_inline(raw) == expected


@pytest.mark.parametrize("line", [
    "全屏加大还原减小", "大中小", "小中大", "打印本页", "【", "】", "【字体：大 中 小】", "<!--",
    "2026年02月10日 07时41分", "2023年10月11日 星期三", "2025年01月23日",
    "政府信息公开>政府工作报告>省政府工作报告", "当前位置： 首页>> 中国概况>> 中国简况",
    "》》点击图片进入专题《《分享到微信相关文档：", "相关报道：", "相关附件>>相关链接>>…",
    "新华社北京3月17日电", "王正谱作政府工作报告。河北日报记者 霍艳恩摄",
    "中央政府门户网站　www.gov.cn　　 2009年03月16日　　 来源：新华社", "（责任编辑： 郭桢", "A-", "A+",
])
def test_page_furniture_by_shape(line):
    assert is_furniture(clean_inline(line))


@pytest.mark.parametrize("line", [
    "各位代表：", "大力发展中小企业。", "2025年，全省地区生产总值增长5.4%。", "一、2014年工作回顾",
    "相关部门要加强协调，形成工作合力。", "附件",
])
def test_furniture_shapes_spare_text(line):
    assert not is_furniture(line)


def test_a_sign_off_becomes_author_and_date_not_text():
    body = "全县人民团结一心，奋力拼搏，圆满完成了全年经济社会发展目标任务。"
    cleaned = clean_blocks([body, "嘉禾县民政局", "2024年1月6日"])
    assert cleaned.blocks == [body]
    assert cleaned.meta == {"author": "嘉禾县民政局"} and cleaned.dates == {1: "2024-01-06"}
    cleaned = clean_blocks([body, "（万载县统计局）", "附件："])
    assert cleaned.meta["author"] == "万载县统计局" and "（万载县统计局）" not in cleaned.blocks


def test_front_matter_names_title_date_and_author_and_is_not_text():
    cleaned = clean_blocks(["标题：高阳县2015年政府工作报告", "发文单位：高阳县人民政府", "发文时间：2015-04-28",
                            "来源URL：https://example.org/a?id=1", "", "正文：", "政 府 工 作 报 告", "各位代表："])
    assert cleaned.title == "高阳县2015年政府工作报告"
    assert cleaned.meta == {"date": "2015-04-28", "author": "高阳县人民政府"}
    assert cleaned.blocks == ["政府工作报告", "各位代表："]
    # One label line alone is not front matter.
    assert clean_blocks(["各位代表：", "现在，我代表县人民政府作报告。"]).blocks == ["各位代表：", "现在，我代表县人民政府作报告。"]


def test_markup_in_a_title_is_not_a_breadcrumb():
    assert not is_furniture("甲县<script>alert(1)</script>脚本测试工作汇报")


CLOSING = "各位代表！使命催人奋进，奋斗创造未来。让我们更加紧密地团结在一起，奋力谱写新篇章。"
OPENING = "现在，我代表省人民政府向大会报告工作，请予审议，并请省政协委员和列席人员提出意见。"


def test_a_link_list_between_two_copies_of_a_page_never_reaches_the_text():
    links = ["省各设区市及省直管县（市）", "石家庄市", "承德市", "张家口市", "秦皇岛市", "唐山市", "廊坊市",
             "省政府各部门", "省政府办公厅", "省发展和改革委员会", "|", "网站地图"]
    cleaned = clean_blocks([OPENING, CLOSING] + links + ["政府工作报告", OPENING, CLOSING])
    assert cleaned.blocks == [OPENING, CLOSING, "政府工作报告", OPENING, CLOSING]


def test_a_field_table_is_not_text_and_its_date_still_dates_the_report():
    cleaned = clean_blocks(["索 引 号：", "014717475N/2023-0040295", "发布机构：", "宜春市统计局", "发文日期：",
                            "2023-04-18", "分类：", "统计公报", OPENING])
    assert cleaned.blocks == [OPENING]
    assert cleaned.dates == {0: "2023-04-18"}


def test_a_caption_shown_again_without_its_credit_is_a_caption():
    caption = "3月5日，第十二届全国人民代表大会第五次会议在北京人民大会堂开幕。国务院总理李克强作政府工作报告。"
    cleaned = clean_blocks([caption + "新华社记者 庞兴雷 摄", "各位代表：", OPENING, caption, CLOSING])
    assert cleaned.blocks == ["各位代表：", OPENING, CLOSING]


def test_a_short_line_between_furniture_after_the_text_is_furniture():
    cleaned = clean_blocks([OPENING, CLOSING, "打印本页", "是否继续？", "关闭窗口"])
    assert cleaned.blocks == [OPENING, CLOSING]
    # The text's own last words stay, furniture after them or not.
    cleaned = clean_blocks([OPENING, "谢谢大家！", "打印本页"])
    assert cleaned.blocks == [OPENING, "谢谢大家！"]
