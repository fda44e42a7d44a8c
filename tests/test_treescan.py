"""Every match scored as arrays (indexer.engine.treescan) against Whoosh scoring a match at a time,
on the search's own queries over an index of two segments with deleted paragraphs."""
import pytest
from engine_support import whoosh_best
from fixture_files import corpus_index
from whoosh import query as W

from indexer.engine import store, treescan
from indexer.engine.compile import to_whoosh
from indexer.engine.view import open_view
from indexer.search import facets
from indexer.search.ranking import BM25
from indexer.search.searcher import _for_index
from indexer.update import update_index

REPORTS = {
    "甲.txt": "甲县社区养老服务工作汇报\n一、基本情况\n甲县建成社区养老服务站12个，日间照料中心覆盖城乡社区。\n"
             "二、主要做法\n推进网格化管理，把养老服务纳入社区网格，网格员每周上门走访独居老人。\n"
             "社区就业培训与养老护理员培训结合，培训护理员300人。\n2024年3月5日\n",
    "乙.txt": "乙县老旧小区改造情况汇报\n乙县完成老旧小区改造45个，加装电梯30部，改造后小区管理由社区负责。\n"
             "乙县推进居家养老，养老保险参保率达到95%。\n网格化服务管理平台上线运行。\n2023年6月1日\n",
    "丙.txt": "丙镇工作报告\n丙镇加强社会治安综合治理，社区矫正对象全部纳入管理。\n"
             "丙镇社区服务中心提供就业、社保、养老等一站式服务。\n丙镇土地流转面积达到一万亩。\n",
}
QUERIES = ["社区养老服务", "社区 养老", "如何推进网格化管理", "养老 -保险", "养老 year:2024", '"社区服务"',
           "社区 就业 培训", "老旧小区改造的做法", "网格化 管理 平台", "title:养老"]


@pytest.fixture(scope="module")
def view(tmp_path_factory):
    root = tmp_path_factory.mktemp("treescan")
    index_dir = corpus_index(root, REPORTS)
    # A report rewritten: its old paragraphs deleted in the first segment, the new ones in a second.
    (root / "corpus" / "乙.txt").write_text(REPORTS["乙.txt"].replace("45个", "46个"), encoding="utf-8")
    update_index(index_dir, root / "corpus")
    view = open_view(store.open_index(index_dir), BM25)
    searcher = view._searcher
    assert len(searcher.leaf_searchers()) >= 2 and searcher.reader().has_deletions()
    yield view
    view.close()


def whoosh(searcher, query, k, mask=None):
    return [(hit.score, hit.docnum) for hit in whoosh_best(searcher, query, k, mask)]


# Whoosh's own Or is a preloaded array in segments of at most 5000 documents (scanned by Whoosh
# here, segment by segment); the binary tree of unions of larger ones, forced, is done as arrays.
@pytest.mark.parametrize("or_matcher", [W.Or.AUTO_MATCHER, W.Or.DEFAULT_MATCHER])
@pytest.mark.parametrize("text", QUERIES)
def test_every_match_has_the_score_whoosh_gives_it(view, monkeypatch, or_matcher, text):
    monkeypatch.setattr(W.Or, "matcher_type", or_matcher)
    searcher, parsed = view._searcher, _for_index(text, view)
    for query in (parsed.lower, parsed.query):
        compiled = to_whoosh(query)
        everything = treescan.scan(searcher, compiled)
        assert everything.top(1000)[0] == whoosh(searcher, compiled, 1000)        # the same floats, in order
        ranked, exhausted = everything.top(2)
        assert ranked == whoosh(searcher, compiled, 2) and exhausted == (len(everything.docs) < 2)
        mask = {docnum for _, docnum in ranked[:1]}
        assert treescan.scan(searcher, compiled, mask).top(5)[0] == whoosh(searcher, compiled, 5, mask)


def test_the_search_ranks_with_it(view):
    # The lower tiers of a long topic are found through the scan: the same list as Whoosh's.
    parsed = _for_index("老旧小区改造的做法", view)
    ranked, _ = view.top_k(parsed.lower, 10)
    assert ranked and ranked == whoosh(view._searcher, to_whoosh(parsed.lower), 10)


def test_filters_and_exclusions_are_evaluated_not_walked(view, monkeypatch):
    # A filter's term (an unscored field: year, date) and an excluded word count by their documents
    # only; they used to send the whole segment to Whoosh's walk.
    monkeypatch.setattr(W.Or, "matcher_type", W.Or.DEFAULT_MATCHER)

    def walked(matcher, deadline):
        raise AssertionError("walked by Whoosh")
    monkeypatch.setattr(treescan, "_walk", walked)
    searcher = view._searcher
    for text, filters in [("养老 -保险", None), ("社区 养老", {"year": "2024"}), ("网格化 管理 平台", {"year": "2023"})]:
        query = to_whoosh(facets.restrict(_for_index(text, view).lower, filters))
        expected = whoosh(searcher, query, 1000)
        assert expected and treescan.scan(searcher, query).top(1000)[0] == expected


def test_small_segments_preloaded_or_is_evaluated_not_walked(view, monkeypatch):
    # In a segment of at most 5000 documents Whoosh preloads an Or of more than two parts into an
    # array (ArrayUnionMatcher); such segments used to go to Whoosh's walk, its matchers built for
    # every term of a long topic (0.4 of a 1.1 s search at 1,000,000 paragraphs, for one small segment).
    def walked(matcher, deadline):
        raise AssertionError("walked by Whoosh")
    monkeypatch.setattr(treescan, "_walk", walked)
    searcher = view._searcher
    assert all(sub.doc_count_all() <= 5000 for sub, _ in searcher.leaf_searchers())
    for text in ["社区 养老", "如何推进网格化管理", "社区 就业 培训", "老旧小区改造的做法", "网格化 管理 平台", "养老 -保险"]:
        for query in (_for_index(text, view).lower, _for_index(text, view).query):
            compiled = to_whoosh(query)
            expected = whoosh(searcher, compiled, 1000)
            assert expected and treescan.scan(searcher, compiled).top(1000)[0] == expected, text
