"""text.bridges: the bigram across a mark inside a token is indexed and asked for; and a figure is
found inside longer numbers but ranked first where it stands whole (search.verbatim)."""
import pytest

from indexer.search.verbatim import figures, stands_whole
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


@pytest.mark.parametrize("text, whole", [
    ("增长3.5%。", True),
    ("增长123.5%。", False),
    ("增长13.5%左右，另一项增长3.5%。", True),      # once whole is enough
    ("增长3.55%", True),                            # 3.5% is not in it: nothing to say
    ("分别为1.3.5%", False),                        # a digit and a point before it: inside a number
    ("第“3.5%”项", True),
])
def test_a_figure_stands_whole_with_no_digit_running_on_either_side(text, whole):
    assert stands_whole(text, figures([[["3.5%"]]])) == whole


def test_only_runs_opening_or_closing_with_a_digit_are_figures():
    assert figures([[["3.5%", "增长"], ["2003年"]], [["g20", "社区"]]]) == {"3.5%", "2003年", "g20"}
    assert stands_whole("2035年", {"35"}) is False and stands_whole("35.6亿", {"35"}) is False
    assert stands_whole("到2035年，新建35所", {"35"}) is True
