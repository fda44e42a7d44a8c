"""text.quotes: a phrase is found through the quotation marks inside it, when it holds them whole."""
import pytest

from indexer.text.quotes import contains, find_all, joints, quotations, unquoted


def test_joints_are_marks_between_word_characters():
    assert list(joints("紧盯“十四五”规划")) == [(1, 3), (5, 7)]
    assert list(joints("“十四五”。")) == []               # at an edge or before punctuation: none
    assert list(joints("没有引号")) == []


def test_quotations_pair_by_kind_and_straight_marks_in_turns():
    assert quotations("“两新”“两重”") == [(1, 3), (5, 7)]
    assert quotations("“外面‘里面’外面”") == [(4, 6), (1, 9)]
    assert quotations('深化"放管服"改革') == [(3, 6)]
    assert quotations("他说”没有开头") == []              # a stray mark encloses nothing


@pytest.mark.parametrize("text, phrase, found", [
    ("紧盯“十四五”规划目标", "十四五规划", ["十四五”规划"]),
    ('深化"放管服"改革', "放管服改革", ['放管服"改革']),
    ("坚持和发展新时代“枫桥经验”", "新时代枫桥经验", ["新时代“枫桥经验"]),
    ("学习运用“千万工程”经验", "千万工程", ["千万工程"]),
    ("深入推进“十百千万”工程", "千万工程", []),          # 千万 belongs to another name
    ("深化“放管服”改革", "化放管", []),
    ("实施“两新”“两重”", "两新两重", ["两新”“两重"]),
    ("土地流转、土地流转", "土地流转", ["土地流转", "土地流转"]),
])
def test_find_all_marks_where_the_phrase_is_written(text, phrase, found):
    assert [text[s:e] for s, e in find_all(text, phrase)] == found
    assert contains(text, phrase) == bool(found)


def test_unquoted_drops_only_joints():
    assert unquoted("紧盯“十四五”规划。“好”") == "紧盯十四五规划。“好”"
    assert unquoted("没有引号") == "没有引号"
