import pytest

from indexer.model import Block
from indexer.paragraphs import heading_level, sectioned_paragraphs


def blocks(*lines):
    return [Block(line, heading_level(line)) for line in lines]


@pytest.mark.parametrize("line, level", [
    ("一、社区建设情况", 1), ("二、社区拆旧方面情况。", 1), ("(一)存在的问题", 2), ("（二）建议", 2),
    ("1、完成道路硬化", 3), ("第一部分 总体情况", 1), ("主要做法：", 1),
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
