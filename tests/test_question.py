"""A question → the topic it asks about (indexer.search.question)."""
import pytest

from indexer.search.query import parse
from indexer.search.question import topic


@pytest.mark.parametrize("question, asked", [
    ("如何推进农村危房改造", "农村危房改造"),          # how + the verb asked about
    ("怎样做好农村留守儿童关爱服务", "农村留守儿童关爱服务"),
    ("为什么要发展银发经济", "银发经济"),
    ("河长制怎么推行", "河长制"),                      # the question word after the topic
    ("哪些地方推行河长制", "河长制"),                  # which + the kind of answer + its verb
    ("哪些地方建设了综合保税区", "综合保税区"),        # … and the verb's particle
    ("哪些地方开展过着力推进的试点", "着力推进的试点"),  # 着 of 着力 is no particle
    ("什么是低空经济", "低空经济"),
    ("低空经济是什么", "低空经济"),
    ("社区建设资金不足怎么办", "社区建设资金不足"),
    ("低保吗", "低保"),
    ("土地流转？", "土地流转"),
])
def test_a_question_asks_about_its_topic(question, asked):
    assert topic(question) == asked


@pytest.mark.parametrize("word", ["吗啡", "土地流转", "如何", "什么"])
def test_what_is_no_question_stays_as_typed(word):
    assert topic(word) == word


def test_a_frame_with_nothing_after_it_keeps_its_verb():
    assert topic("如何推进") == "推进" and topic("哪些地方") == "地方"


def test_the_parsed_query_searches_and_marks_the_topic():
    parsed = parse("如何推进农村危房改造")
    assert [t.text for clause in parsed.clauses for t in clause] == ["农村危房改造"]
    assert parsed.needles[0].text == "农村危房改造"
    assert [t.text for c in parse('"如何推进"').clauses for t in c] == ["如何推进"]   # quoted: as typed
