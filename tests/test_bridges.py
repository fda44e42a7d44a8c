"""text.bridges: the bigram across a mark inside a token is indexed and asked for."""
import pytest

from indexer.text.analysis import bigrams, gram_pieces
from indexer.text.bridges import bridges, may_bridge
from indexer.text.gramkeys import gram_keys, gram_text


@pytest.mark.parametrize("text, across", [
    ("增长3.5%，", ["35"]),
    ("构建“1+n”政策体系", ["建1", "n政", "1n"]),      # the quotation joints first
    ("增长5%左右", ["5左"]),
    ("增长5%。", []),                                # a percent sign ending the figure joins nothing
    ("5g+工业互联网", ["g工"]),
    ("2021-2025年", []),                             # a range stays two runs
    ("社区、治安", []),
    ("第一章.总则", []),                             # a mark after a Chinese character is punctuation
])
def test_bridges_are_marks_between_word_characters_inside_a_token(text, across):
    assert [text[i] + text[j] for i, j in bridges(text)] == across


def test_every_side_has_the_same_bridged_bigrams():
    text = "全年增长3.5%，构建“1+n”政策体系，完成5%左右"
    grams = [g for run in bigrams(text) for g in run]
    assert {"35", "1n", "5左"} <= set(grams)
    assert sorted(gram_text(int(k)) for k in gram_keys(text)) == sorted(grams)
    assert sorted(g for g, _, _ in gram_pieces(text)) == sorted(grams)
    assert ("35", 4, 4) in list(gram_pieces(text))    # placed at the character before the mark


@pytest.mark.parametrize("pair, bridged", [("35", True), ("5左", True), ("1n", True), ("社区", False), ("五规", False)])
def test_a_bigram_may_stand_for_a_pair_across_a_mark_when_it_opens_with_a_letter_or_digit(pair, bridged):
    # Only joining marks and percent signs: 五规 may come across a quotation mark too (“十四五”规划),
    # a rarer case still left to the bigram, as before.
    assert may_bridge(pair) == bridged
