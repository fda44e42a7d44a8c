"""text.bridges: the bigram across a mark inside a token is indexed and asked for."""
import pytest

from indexer.text.analysis import asked_bigrams, bigrams, gram_pieces
from indexer.text.bridges import MARKED, bridges
from indexer.text.gramkeys import gram_keys, gram_text


def marked(a: str, b: str) -> str:
    return a + chr(MARKED + ord(b))


@pytest.mark.parametrize("text, across", [
    ("增长3.5%，", [marked("3", "5")]),
    ("构建“1+n”政策体系", ["建1", "n政", marked("1", "n")]),      # the quotation joints first, plain
    ("增长5%左右", [marked("5", "左")]),
    ("增长5%。", []),                                # a percent sign ending the figure joins nothing
    ("5g+工业互联网", [marked("g", "工")]),
    ("2021-2025年", []),                             # a range stays two runs
    ("社区、治安", []),
    ("第一章.总则", []),                             # a mark after a Chinese character is punctuation
])
def test_bridges_are_marks_between_word_characters_inside_a_token(text, across):
    assert [pair for _, _, pair in bridges(text)] == across
    assert all(text[i] == pair[0] for i, _, pair in bridges(text))


def test_every_side_has_the_same_bridged_bigrams():
    text = "全年增长3.5%，构建“1+n”政策体系，完成5%左右"
    grams = [g for run in bigrams(text) for g in run]
    assert {marked("3", "5"), marked("1", "n"), marked("5", "左")} <= set(grams)
    assert "35" not in grams
    assert sorted(gram_text(int(k)) for k in gram_keys(text)) == sorted(grams)
    assert sorted(g for g, _, _ in gram_pieces(text)) == sorted(grams)
    assert (marked("3", "5"), 4, 4) in list(gram_pieces(text))    # placed at the character before the mark


@pytest.mark.parametrize("query, asked", [
    ("3.5%", [[marked("3", "5")]]),           # not also 3 and 5 alone: each a union of every bigram it opens
    ("增长3.5", [["增长", "长3"], [marked("3", "5")]]),
    ("5%左右", [["左右"], [marked("5", "左")]]),
    ("3、5", [["3"], ["5"]]),                 # no bridge: lone characters are asked for as before
    ("十四五规划", [["十四", "四五", "五规", "规划"]]),
])
def test_a_query_asks_for_the_bridge_not_the_lone_characters_it_holds(query, asked):
    assert asked_bigrams(query) == asked


def test_a_marked_bridge_is_not_the_bigram_a_user_types_without_the_mark():
    # 3.5 and 35 (of 2035年) must not be candidates for each other.
    assert not {g for run in bigrams("到2035年") for g in run} & {g for run in bigrams("增长3.5%") for g in run}

