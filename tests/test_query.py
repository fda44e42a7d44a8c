"""The query language as Chinese users type it (parse level: no index needed)."""
import pytest

from indexer.errors import QueryError
from indexer.search.query import parse


def terms(q):
    parsed = parse(q)
    return [[(t.text, t.phrase) for t in clause] for clause in parsed.clauses]


@pytest.mark.parametrize("q", ["土地流转 一站式服务", "土地流转　一站式服务", "土地流转、一站式服务", "土地流转，一站式服务",
                               "土地流转,一站式服务", "土地流转;一站式服务", "土地流转；一站式服务"])
def test_separators_make_an_and(q):
    assert terms(q) == [[("土地流转", False)], [("一站式服务", False)]]


@pytest.mark.parametrize("q", ['"工作 报告"', "“工作 报告”", "‘工作 报告’", "「工作 报告」", "『工作 报告』"])
def test_quote_styles_make_a_phrase(q):
    assert terms(q) == [[("工作 报告", True)]]


@pytest.mark.parametrize("q", ["公租房 OR 廉租房", "公租房 | 廉租房", "公租房|廉租房", "公租房 ｜ 廉租房"])
def test_or(q):
    assert terms(q) == [[("公租房", False), ("廉租房", False)]]


@pytest.mark.parametrize("q", ["社区 -拆迁", "社区 NOT 拆迁", "社区 －拆迁"])
def test_not(q):
    parsed = parse(q)
    assert terms(q) == [[("社区", False)]]
    assert [t.text for t in parsed.negated] == ["拆迁"]


def test_fields_and_filters():
    parsed = parse("title:劳动保障 year:2024 地区:嘉禾县 type:情况汇报 社区")
    assert parsed.clauses[0][0].field == "title"
    assert parsed.filters == {"year": ["2024"], "place": ["嘉禾县"], "doctype": ["情况汇报"]}
    assert parse('标题:"劳动 保障"').clauses[0][0].phrase


def test_filter_alone_lists_everything_it_matches():
    assert parse("year:2024").query is not None


@pytest.mark.parametrize("q", ['"土地流转', "土地流转”", "OR 社区", "社区 OR", "社区 -", "｜社区", "unknown:社区", "title:"])
def test_malformed_queries_are_read_as_text(q):
    assert parse(q).query is not None


@pytest.mark.parametrize("q, message", [
    ("", "请输入"), ("   ", "请输入"), ("，。！“”", "没有可检索的文字"), ("-拆迁", "排除词"),
    ("字" * 10000, "查询过长"), (" ".join(["词"] * 40), "查询词太多"),
])
def test_unsearchable_queries_say_why(q, message):
    with pytest.raises(QueryError, match=message):
        parse(q)


def test_needles_mark_the_phrase_whole_and_the_words():
    assert [n.text for n in parse('"工作 报告"').needles] == ["工作报告"]
    needles = parse("土地流轉").needles
    assert needles[0].text == "土地流转"


def test_fullwidth_query_is_normalised():
    assert [n.text for n in parse("ＧＤＰ ２０２４").needles if not n.synonym_of] == ["gdp", "2024"]


def test_a_synonym_needle_carries_its_words_for_where_they_are_found_apart():
    synonym = next(n for n in parse("土地流转").needles if n.text == "承包地流转")
    assert synonym.synonym_of == "土地流转" and synonym.words == (("承包地流转", ("承包地", "流转")),)
