"""Paragraphs found through their report (indexer.search.about), and the query's word checks."""
from collections import Counter

import pytest
from fixture_files import corpus_index

from indexer.search import about as context
from indexer.search.about import strong_reports
from indexer.text.normalize import normalize
from indexer.search.query import parse
from indexer.search.verbatim import has_words
from indexer.search.searcher import Searcher
from indexer.search.results import result_dict

REPORTS = {
    "镇/air.txt": "丙镇环境保护工作汇报\n"
               "丙镇召开大气污染治理攻坚动员会，镇村干部两百人参加，部署全镇大气污染治理工作。\n"
               "丙镇大气污染治理工作小组组建四个突击队，分片包干，每日巡查，发现问题立即整改。\n"
               "丙镇通过广播、条幅和宣传车宣传大气污染治理的重要性，群众知晓率明显提高。\n"
               "丙镇对辖区内四十一家加工企业逐一检查，无证经营的全部断电整改，土窑全部拆除。\n"
               "丙镇抽调专职人员成立秸秆禁烧小组，配备车辆巡回检查，今年未发现焚烧现象。\n",
    "river.txt": "丁县河道工作汇报\n"
                 "丁县加强河道治理，清理河道垃圾两百吨，整治排污口十二个，河水明显变清。\n"
                 "丁县建立县乡村三级河长体系，每条河道都有专人负责日常巡查和保洁工作。\n",
    "roads.txt": "戊县城建工作汇报\n"
                 "戊县今年完成道路硬化三十公里，同时把大气污染治理纳入城建考核，效果初显。\n"
                 "戊县新装路灯一千二百盏，主要街道全部亮化，群众夜间出行更加方便安全。\n"
                 "戊县新建公园两座，绿化面积增加五万平方米，城区环境明显改善，群众满意。\n"
                 "戊县改造老旧管网十五公里，城区积水点全部消除，汛期没有发生内涝现象。\n",
    # Unrelated reports, so that 治理 is not in a third of all paragraphs (a word that common
    # is left out of the partial-match tier).
    "school.txt": "己县教育工作汇报\n" + "".join(
        f"己县第{n}中学新建教学楼一栋，配齐实验设备，招聘教师{n}十名，办学条件明显改善。\n" for n in "一二三四五六"),
}


def unrelated(paragraphs: int) -> str:
    """A report on something else, so that the words under test are not in a third of all paragraphs."""
    return "丙县教育工作汇报\n" + "".join(f"丙县第{n}中学新建教学楼一栋，办学条件明显改善。\n" for n in range(1, paragraphs + 1))


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    return Searcher(corpus_index(tmp_path_factory.mktemp("context"), REPORTS))


def texts(searcher, q):
    return [(h.text[:6], h.through_report) for h in searcher.search(q, limit=20).hits]


def test_a_report_about_the_query_brings_its_other_paragraphs(searcher):
    ranked = texts(searcher, "大气污染治理")
    # The four paragraphs saying it first, then the rest of the report about it (found through
    # it: three of its five paragraphs say it), then the river report's 治理 alone.
    assert sorted(t for t, _ in ranked[:4]) == sorted(["丙镇召开大气", "丙镇大气污染", "丙镇通过广播", "戊县今年完成"])
    assert ranked[4:6] == [("丙镇对辖区内", 3), ("丙镇抽调专职", 3)]
    assert ranked[6][0] == "丁县加强河道" and ranked[6][1] == 0
    # A report that mentions it once is not about it: its other paragraphs stay out.
    assert not any(t.startswith("戊县新") or t.startswith("戊县改造") for t, _ in ranked)


def test_through_report_respects_exclusions_and_quotes(searcher):
    assert "丙镇对辖区内" not in [t for t, _ in texts(searcher, "大气污染治理 -断电")]
    assert "丙镇抽调专职" in [t for t, _ in texts(searcher, "大气污染治理 -断电")]
    quoted = texts(searcher, "“大气污染治理”")
    assert len(quoted) == 4 and all(n == 0 for _, n in quoted)


def test_through_report_shows_in_the_json_and_keeps_a_snippet(searcher):
    result = searcher.search("大气污染治理", limit=20)
    assert result.total == len(result.hits) == 7     # 4 + 2 through the report + 1 partial
    shaped = result_dict(result, lambda pid: "/p/" + pid)["results"]
    assert [r["through_report"] for r in shaped].count(3) == 2
    hit = next(h for h in result.hits if h.text.startswith("丙镇抽调专职"))
    assert hit.snippet.startswith("丙镇抽调专职") and "<mark>" not in hit.snippet


def test_strong_reports_need_several_matches_and_a_share():
    matches = Counter({"a": 3, "b": 2, "c": 5, "d": 4})
    sizes = {"a": 5, "b": 2, "c": 40, "d": 4}
    assert strong_reports(matches, sizes) == ["d", "a"]       # b: too few; c: too small a share
    assert strong_reports(Counter({"e": 3}), {"e": 0}) == []  # a report gone meanwhile
    # A word found everywhere (社区 in community reports) is no report's subject.
    assert strong_reports(Counter({"f": 60, "g": 60}), {"f": 100, "g": 100}) == []


def test_has_words_accepts_a_word_or_all_its_parts():
    parsed = parse("土地流转 合作社")
    assert has_words(normalize("推进土地流转，组建合作社"), parsed.word_checks)
    assert has_words(normalize("加强土地管理，鼓励流转，组建合作社"), parsed.word_checks)
    assert not has_words(normalize("加强土地管理，组建合作社"), parsed.word_checks)
    assert not has_words(normalize("推进土地流转"), parsed.word_checks)


def test_has_words_takes_synonyms_and_or_as_alternatives():
    assert has_words(normalize("引导农户将承包地流转给大户"), parse("土地流转").word_checks)
    assert has_words(normalize("开展志愿活动"), parse("社区 OR 志愿").word_checks)
    assert has_words(normalize("任意文字"), parse("title:临淮社区").word_checks)  # met by the title


def test_the_total_counts_them_however_small_the_page(searcher):
    assert [searcher.search("大气污染治理", limit=n).total for n in (1, 2, 5, 20)] == [7, 7, 7, 7]


def test_pages_agree_with_one_long_page(searcher):
    whole = [h.id for h in searcher.search("大气污染治理", limit=10).hits]
    paged = [h.id for offset in range(0, 10, 2) for h in searcher.search("大气污染治理", limit=2, offset=offset).hits]
    assert paged == whole and len(whole) == 7


def test_facet_counts_include_paragraphs_listed_through_their_report(searcher):
    counts = searcher.facet_counts("大气污染治理")["counts"]["report"]
    air = searcher.search("大气污染治理").hits[0].report_id
    assert dict(counts)[air] == 5                   # 3 say it, 2 are listed through the report
    assert len(searcher.search("大气污染治理", filters={"report": air}).hits) == 5
    assert dict(searcher.facet_counts("大气污染治理 -断电")["counts"]["report"])[air] == 4


def test_sorted_by_date_lists_the_same_paragraphs(searcher):
    by_relevance = searcher.search("大气污染治理", limit=20)
    by_date = searcher.search("大气污染治理", limit=20, sort="date")
    assert by_date.total == by_relevance.total == 7
    assert {(h.id, h.through_report) for h in by_date.hits} == {(h.id, h.through_report) for h in by_relevance.hits}
    assert "丙镇对辖区内" not in [h.text[:6] for h in searcher.search("大气污染治理 -断电", limit=20, sort="date").hits]


def test_a_filter_does_not_change_which_reports_are_about_the_query(searcher, monkeypatch):
    monkeypatch.setattr(context, "MAX_EXACT", 3)    # 大气污染治理, said 4 times, is now a general word
    air = searcher.search("大气污染治理").hits[0].report_id
    count = dict(searcher.facet_counts("大气污染治理")["counts"]["report"])[air]
    listed = searcher.search("大气污染治理", limit=20, filters={"report": air}).hits
    assert count == len(listed) == 3 and not any(h.through_report for h in listed)
    assert len(searcher.search("大气污染治理 folder:镇", limit=20).hits) == 3      # the query's own filter


def test_the_querys_own_filters_hold_for_paragraphs_found_through_their_report(searcher):
    # source:roads.txt leaves out the air report: none of its paragraphs, however found.
    for sort in ("relevance", "date"):
        result = searcher.search("大气污染治理 source:roads.txt", limit=20, sort=sort)
        assert [h.text[:6] for h in result.hits] == ["戊县今年完成"] and result.total == 1
    assert sum(n for _, n in searcher.facet_counts("大气污染治理 source:roads.txt")["counts"]["report"]) == 1
    assert len(searcher.search("大气污染治理 folder:镇", limit=20).hits) == 5


def test_pages_agree_when_a_report_about_the_query_has_low_ranked_partial_matches(tmp_path):
    # The long paragraph of the air report has 治理 once: sixteen short river paragraphs rank
    # above it, so a small page's lower pass does not reach it. It must still rank where a
    # long page puts it, among the paragraphs found through its report.
    s = Searcher(corpus_index(tmp_path, {
        "air.txt": "丙镇环境保护工作汇报\n"
                   + "".join(f"丙镇第{n}次部署大气污染治理工作，镇村干部参加。\n" for n in "一二三")
                   + "丙镇对辖区内四十一家加工企业逐一检查，无证经营的全部断电，土窑全部拆除，" * 3
                   + "并持续开展综合治理。\n"
                   + "丙镇抽调专职人员成立秸秆禁烧小组，今年未发现焚烧现象。\n",
        "river.txt": "丁县河道工作汇报\n" + "".join(f"河道治理第{n}段完成。\n" for n in range(1, 17)),
        "school.txt": unrelated(80),
    }))
    whole = s.search("大气污染治理", limit=30)
    paged = [h for offset in range(0, 30, 2) for h in s.search("大气污染治理", limit=2, offset=offset).hits]
    assert [(h.id, h.score) for h in paged] == [(h.id, h.score) for h in whole.hits]
    assert [h.text[:6] for h in whole.hits[3:6]] == ["丙镇对辖区内", "丙镇抽调专职", "河道治理第1"]


COMMITTEES = {
    "committee.txt": "甲区社区建设情况汇报\n"
                     "甲区为居委会减负，上级部门不得把行政事务随意摊派给社区。\n"
                     "过去居委会成天忙于填报表、迎检查，居民办事常常找不着人。\n"
                     "现在居委会的办公经费全部由区财政负担，干部安心为居民服务。\n"
                     "居委会主任们说，这两年终于把时间用在了群众身上。\n"
                     "甲区新建社区活动室四十个，配齐了图书和健身器材。\n",
    "other.txt": "乙区民政工作汇报\n"
                 "乙区居委会换届选举顺利完成，选民参选率达到九成以上。\n"
                 "乙区新建养老服务站六个，为高龄老人提供助餐服务。\n",
    "school.txt": unrelated(10),
}


@pytest.fixture(scope="module")
def committees(tmp_path_factory):
    return Searcher(corpus_index(tmp_path_factory.mktemp("committees"), COMMITTEES))


def test_several_words_bring_the_paragraphs_of_a_report_about_one_that_has_the_others(committees):
    # 居委会 减负: one paragraph has both. The report is about 居委会 (four of its five
    # paragraphs) and has 减负: its paragraphs on 居委会 follow, then the rest of it. The other
    # report mentions 居委会 once and never 减负: its paragraph comes last, with some of the words.
    result = committees.search("居委会 减负", limit=20)
    listed = [(h.text[:6], h.through_report) for h in result.hits]
    assert listed[0] == ("甲区为居委会", 0)
    assert sorted(listed[1:4]) == sorted([("过去居委会成", 4), ("现在居委会的", 4), ("居委会主任们", 4)])
    assert listed[4:] == [("甲区新建社区", 4), ("乙区居委会换", 0)] and result.total == 6
    # Their note names the word the report is about, not the whole query.
    assert {h.through_report_note for h in result.hits[1:5]} == {"所在报告有 4 段提到“居委会”，本段虽未全部提到检索词，也一并列出"}
    dated = committees.search("居委会 减负", limit=20, sort="date")
    via = lambda hits: {(h.id, h.through_report, h.through_word) for h in hits}
    assert via(dated.hits) == via(result.hits)
    counts = dict(committees.facet_counts("居委会 减负")["counts"]["report"])
    assert sorted(counts.values()) == [1, 5]
    # The query's exclusions and filters hold for them too.
    assert "过去居委会成" not in [h.text[:6] for h in committees.search("居委会 减负 -报表", limit=20).hits]
    assert [h.text[:6] for h in committees.search("居委会 减负 source:other.txt", limit=20).hits] == ["乙区居委会换"]


def test_a_report_is_not_about_a_word_in_a_third_of_all_paragraphs(tmp_path):
    # Without the unrelated reports, 居委会 is in five of eight paragraphs: no report is about
    # it, and only the paragraph with both words is found.
    s = Searcher(corpus_index(tmp_path, {k: v for k, v in COMMITTEES.items() if k != "school.txt"}))
    assert [h.text[:6] for h in s.search("居委会 减负", limit=20).hits] == ["甲区为居委会"]
