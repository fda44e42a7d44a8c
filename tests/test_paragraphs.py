import pytest

from indexer.model import Block
from indexer.ingest.paragraphs import cjk_at_least, heading_level, mark_headings, sectioned_paragraphs, split_long


def blocks(*lines):
    return [Block(line, heading_level(line)) for line in lines]


@pytest.mark.parametrize("line, level", [
    ("一、社区建设情况", 1), ("二、社区拆旧方面情况。", 1), ("(一)存在的问题", 2), ("（二）建议", 2),
    ("1、完成道路硬化", 3), ("第一部分 总体情况", 1),
    # Salutations and lead-ins end in ： or ！ but head nothing.
    ("主要做法：", 0), ("各位代表：", 0), ("各位代表！", 0), ("今年政府工作的总体要求是：", 0), ("重点做好以下10个方面工作：", 0),
    # Back matter starts a new top-level section.
    ("附件", 1), ("注释", 1), ("名词解释", 1), ("《政府工作报告》有关内容名词注释", 1),
    ("（三）持续推动教育科技人才一体发展，构建高水平创新格局", 2),
    ("1、请求对我县加大业务上的指导、财力上的倾斜、工作上的关心。恳请上级领导多来我县加强业务指导。", 0),
    ("今年以来，我镇加大了建设与拆迁力度。", 0), ("4", 0),
])
def test_heading_level(line, level):
    assert heading_level(line) == level


def test_paragraphs_record_their_heading_path():
    out = sectioned_paragraphs(blocks("一、基本情况", "正文甲。", "(一)做法", "正文乙。", "二、问题", "正文丙。"))
    assert [(s.heading, s.text) for s in out] == [
        ("一、基本情况", "正文甲。"), ("一、基本情况 › (一)做法", "正文乙。"), ("二、问题", "正文丙。")]


def test_torn_numbers_are_dropped_and_never_a_paragraph():
    out = sectioned_paragraphs(blocks("全区共开发就业岗位", "1163", "个，其中公益性岗位627个，安置下岗失业人员589人。", "[2003]1。"))
    assert [s.text for s in out] == ["全区共开发就业岗位个，其中公益性岗位627个，安置下岗失业人员589人。"]


def test_short_fragments_glue_to_their_paragraph():
    out = sectioned_paragraphs(blocks("一是成立了打击传销行动。", "领导。", "小组,县委书记亲自担任组长，统一部署全县工作。"))
    assert [s.text for s in out] == ["一是成立了打击传销行动。领导。小组,县委书记亲自担任组长，统一部署全县工作。"]


def test_numbered_list_items_without_body_are_text():
    out = sectioned_paragraphs(blocks("四、下步工作计划", "1.计划新建面积2.4万平方米。", "2.计划入住130户。", "3.计划拆迁110亩。"))
    assert len(out) == 1 and out[0].heading == "四、下步工作计划"
    assert "2.计划入住130户。" in out[0].text


def test_a_short_paragraph_is_left_whole():
    assert split_long("社区建设。" * 10) == ["社区建设。" * 10]


def test_a_long_paragraph_is_cut_at_sentence_ends():
    sentence = "我镇积极探索土地流转的有效形式，成立了土地流转服务中心。"     # 28 characters
    text = sentence * 100                                                    # 2,800: one page without breaks
    pieces = split_long(text)
    assert "".join(pieces) == text
    assert len(pieces) == 3
    assert all(len(p) <= 1000 and p.endswith("。") for p in pieces)


def test_a_report_scraped_onto_one_line_is_cut_where_its_outline_goes_on():
    sentence = "我们坚持稳中求进工作总基调，经济运行总体平稳。"                 # 23 characters
    review = "一、2013年工作回顾" + sentence * 20                             # 471
    tasks = "二、2014年工作总体部署" + sentence * 30 + "（一）稳定经济增长。" + sentence * 20
    text = "各位代表：现在，我代表国务院，向大会作政府工作报告。" + review + tasks
    pieces = split_long(text)
    assert "".join(pieces) == text
    assert pieces[1].startswith("二、2014年工作总体部署") and pieces[2].startswith("（一）稳定经济增长。")


def test_without_sentence_ends_a_long_paragraph_is_cut_at_clauses_or_anywhere():
    clauses = "，".join(["网格化管理"] * 400)          # 2,399 characters, commas only
    pieces = split_long(clauses)
    assert "".join(pieces) == clauses and all(len(p) <= 1000 for p in pieces)
    assert all(p.endswith("，") for p in pieces[:-1])
    solid = "字" * 2500
    assert split_long(solid) == ["字" * 1000, "字" * 1000, "字" * 500]


def test_a_short_tail_joins_the_piece_before_it():
    text = "甲" * 989 + "。" + "乙" * 989 + "。" + "丙" * 99 + "。"
    pieces = split_long(text)
    assert pieces == ["甲" * 989 + "。", "乙" * 989 + "。" + "丙" * 99 + "。"]


def test_the_pieces_of_a_long_paragraph_keep_its_heading():
    long_text = "社区工作者队伍建设取得明显成效。" * 200
    out = sectioned_paragraphs([Block("一、基本情况", 1), Block(long_text, 0)])
    assert len(out) > 1 and {s.heading for s in out} == {"一、基本情况"}
    assert "".join(s.text for s in out) == long_text


def marked(*lines):
    return [(b.text, b.heading_level) for b in mark_headings(list(lines))]


def test_a_numbered_line_with_sub_paragraphs_lends_its_first_sentence_as_heading():
    assert marked("（一）坚定不移推进产业转型升级。继续深化结构调整。", "做强产业支撑。提升农业现代化水平。",
                  "（二）坚定不移推进项目园区建设。把上项目作为头等大事。", "提升项目建设支撑力。认真落实。") == [
        ("（一）坚定不移推进产业转型升级", 2), ("继续深化结构调整。", 0), ("做强产业支撑。提升农业现代化水平。", 0),
        ("（二）坚定不移推进项目园区建设", 2), ("把上项目作为头等大事。", 0), ("提升项目建设支撑力。认真落实。", 0)]


def test_numbered_lines_followed_by_their_siblings_are_list_paragraphs():
    lines = ["（一）持续推进产业转型，发展后劲不断增强。新增企业8家。", "（二）全面加快城镇建设，城乡面貌得到改观。",
             "各位代表！回顾一年来的工作，成绩来之不易。"]
    assert marked(*lines) == [(line, 0) for line in lines]


def test_a_short_unpunctuated_line_between_body_paragraphs_is_a_heading():
    body = "过去五年，我们坚持稳中求进工作总基调，经济实力明显增强，人民生活持续改善。"
    assert marked(body, "“十四五”时期工作回顾", body) == [(body, 0), ("“十四五”时期工作回顾", 1), (body, 0)]
    # Before the body begins, short lines are the title block, not headings.
    assert marked("高阳县人民政府县长 闫向阳", body)[0][1] == 0


def test_the_title_under_an_appendix_label_nests_below_it():
    assert marked("附件", "《政府工作报告》有关内容名词注释", "1.新质生产力：是创新起主导作用的先进生产力。")[:2] == [
        ("附件", 1), ("《政府工作报告》有关内容名词注释", 2)]


def test_a_salutation_stands_alone_and_a_report_opening_glues_to_nothing():
    out = sectioned_paragraphs(blocks("国务院总理温家宝", "各位代表：", "现在，我代表国务院，向大会作政府工作报告。", "各位代表！",
                                      "让我们团结起来，为实现目标而努力奋斗！"))
    assert [s.text for s in out] == ["国务院总理温家宝", "各位代表：", "现在，我代表国务院，向大会作政府工作报告。", "各位代表！",
                                     "让我们团结起来，为实现目标而努力奋斗！"]


@pytest.mark.parametrize("text, n, expected", [
    ("社区建设", 4, True), ("社区建设", 5, False), ("2024年3月", 1, True), ("2024年3月", 3, False),
    ("", 1, False), ("（一）", 1, True), ("abc，。", 1, False), ("𠀀", 1, False),     # only the BMP's ideographs
    ("第1项：社区", 3, True), ("豈", 1, True),                                      # compatibility ideographs count
])
def test_cjk_at_least(text, n, expected):
    assert cjk_at_least(text, n) is expected
