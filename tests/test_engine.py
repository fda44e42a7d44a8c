"""The engine's interface to the search (indexer.engine.queries, compile, view) on a real index."""
from collections import Counter

import pytest
from fixture_files import corpus_index
from whoosh import query as W

from indexer.engine import queries as Q
from indexer.engine import store
from indexer.engine.compile import to_whoosh
from indexer.engine.exclusion import AndNot
from indexer.engine.optional import AndMaybe
from indexer.engine.view import SortBy, open_view
from indexer.search.query import parse
from indexer.search.ranking import BM25
from indexer.update import update_index

LAND = "甲县建立土地流转服务中心，规范流转合同，全县流转土地三万亩。"
REPORTS = {
    "a/甲.txt": f"甲县土地流转工作汇报\n{LAND}\n甲县推进社区建设，社区服务中心全面开放，群众办事更方便。\n",
    "a/乙.txt": "乙县社区工作汇报\n乙县社区建设稳步推进，社区就业岗位明显增加。\n乙县加强土地管理，鼓励农户之间的流转与合作。\n",
    # The same paragraph as in 甲's report: one dupkey.
    "b/丙.txt": f"丙县环境保护工作汇报\n丙县开展大气污染治理，关停污染严重的小企业。\n{LAND}\n",
}


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return corpus_index(tmp_path_factory.mktemp("engine"), REPORTS)


@pytest.fixture(scope="module")
def view(index_dir):
    view = open_view(store.open_index(index_dir), BM25)
    yield view
    view.close()


def texts(records) -> set[str]:
    return {r.fields["text"] for r in records}


def paragraphs(view) -> list:
    return [r for r in view.search(Q.Every(), limit=None) if "text" in r.fields]


def containing(view, *words) -> set[str]:
    return {r.fields["text"] for r in paragraphs(view) if all(w in r.fields["text"] for w in words)}


# ---- Query objects

def test_query_objects_are_values():
    a = Q.And([Q.Term("grams", "土地"), Q.Prefix("folder", "a/")])
    assert a == Q.And((Q.Term("grams", "土地"), Q.Prefix("folder", "a/"))) and hash(a) == hash(a.with_boost(1.0))
    assert a.with_boost(2.0).boost == 2.0 and a.boost == 1.0
    with pytest.raises(AttributeError):
        a.boost = 3.0
    assert list(Q.leaves(Q.AndNot(a, Q.Term("grams", "流转")))) == [Q.Term("grams", "土地"), Q.Prefix("folder", "a/"),
                                                                   Q.Term("grams", "流转")]
    assert Q.terms(Q.Or([a, Q.Term("text", "土地")]), "grams") == ["土地"]


@pytest.mark.parametrize("ours, whoosh", [
    (Q.Term("grams", "土地", boost=2.5), W.Term("grams", "土地", boost=2.5)),
    (Q.Prefix("place", "嘉禾"), W.Prefix("place", "嘉禾")),
    (Q.Phrase("title_grams", ["土地", "地流"]), W.Phrase("title_grams", ["土地", "地流"])),
    (Q.And([Q.Term("grams", "土地"), Q.Term("grams", "地流")], boost=0.5),
     W.And([W.Term("grams", "土地"), W.Term("grams", "地流")], boost=0.5)),
    (Q.Or([Q.Term("text", "社区"), Q.Term("text", "村")], boost=0.5),
     W.Or([W.Term("text", "社区"), W.Term("text", "村")], boost=0.5)),
    (Q.ConstantScore(Q.Term("year", "2024"), 0.0), W.ConstantScoreQuery(W.Term("year", "2024"), 0.0)),
    (Q.Every(), W.Every()),
])
def test_each_query_object_compiles_to_the_whoosh_query_of_its_name(ours, whoosh):
    assert to_whoosh(ours) == whoosh


def test_an_exclusion_compiles_to_our_andnot():
    compiled = to_whoosh(Q.AndNot(Q.Term("grams", "社区"), Q.Term("grams", "就业")))
    assert type(compiled) is AndNot and compiled.a == W.Term("grams", "社区") and compiled.b == W.Term("grams", "就业")


def test_an_optional_part_compiles_to_our_andmaybe():
    compiled = to_whoosh(Q.AndMaybe(Q.Term("grams", "土地"), Q.Term("title", "土地")))
    assert type(compiled) is AndMaybe and compiled.a == W.Term("grams", "土地") and compiled.b == W.Term("title", "土地")


def test_terms_and_or_find_the_paragraphs_that_contain_them(view):
    assert texts(view.search(Q.Term("grams", "流转"), limit=None)) == containing(view, "流转")
    both = Q.And([Q.Term("grams", "社区"), Q.Term("grams", "就业")])
    assert texts(view.search(both, limit=None)) == containing(view, "社区", "就业")
    either = Q.Or([Q.Term("grams", "就业"), Q.Term("grams", "污染")])
    assert texts(view.search(either, limit=None)) == containing(view, "就业") | containing(view, "污染")


def test_andnot_leaves_out_what_it_excludes_even_the_first_match(view):
    # 社区 is in paragraphs before the first one with 就业 (which says 社区 too): Whoosh's own
    # AndNot let such a first match through when its matcher was walked.
    query = Q.AndNot(Q.Term("grams", "社区"), Q.Term("grams", "就业"))
    expected = containing(view, "社区") - containing(view, "就业")
    assert texts(view.search(query, limit=None)) == expected
    assert {view.stored_fields(d)["text"] for d in view.iter_matches(query)} == expected
    assert {view.stored_fields(d)["text"] for d in view.matches(query)} == expected


def test_an_exclusion_s_size_is_bounded_by_what_it_excludes_from(view):
    # Whoosh's bound added the two; a large exclusion then made an exact count an estimate.
    community = view.estimate_size(Q.Term("grams", "社区"))
    assert view.estimate_size(Q.AndNot(Q.Term("grams", "社区"), Q.Term("grams", "就业"))) == community


def test_prefix_phrase_constant_score_and_every(view):
    assert {r.fields["source"] for r in view.search(Q.Prefix("source", "a/"), limit=None)} == {"a/甲.txt", "a/乙.txt"}
    title = Q.Phrase("title_grams", ["土地", "地流", "流转"])
    assert {r.fields["title"] for r in view.search(title, limit=None)} == {"甲县土地流转工作汇报"}
    land = Q.Term("grams", "土地")
    within = Q.And([land, Q.ConstantScore(Q.Term("folder", "b"), 0.0)])
    assert texts(view.search(within, limit=None)) == {LAND}
    assert len(view.matches(Q.Every())) == view.doc_count()


def test_andmaybe_matches_what_its_query_does_and_adds_the_optional_score(view):
    land = Q.Term("grams", "土地")
    plain = {r.docnum: r.score for r in view.search(land, limit=None)}
    maybe = {r.docnum: r.score for r in view.search(Q.AndMaybe(land, Q.Term("title", "土地")), limit=None)}
    assert maybe.keys() == plain.keys() and all(maybe[d] >= plain[d] for d in plain)
    assert any(maybe[d] > plain[d] for d in plain)          # 甲's report title has 土地


def test_words_with_optional_title_scores_add_up_however_the_and_skips(tmp_path):
    # The title has both words, so every paragraph has their title postings; the text says 土地
    # in the first and third, 流转 in the second and third. Reaching the third, the And skips the
    # 土地 part from the first past the second: Whoosh left its title matcher on the second, and
    # the third lost 土地's title score.
    text = {"a.txt": "土地流转工作汇报\n全县土地确权颁证工作全面完成。\n规范合同管理，流转行为有序。\n土地流转面积达到三万亩。\n"}
    view = open_view(store.open_index(corpus_index(tmp_path, text)), BM25)
    parts = [Q.AndMaybe(Q.Term("text", word), Q.Term("title", word)) for word in ("土地", "流转")]
    scores = [{r.docnum: r.score for r in view.search(part, limit=None)} for part in parts]
    both = {r.docnum: r.score for r in view.search(Q.And(parts), limit=None)}
    assert len(both) == 1
    assert all(score == pytest.approx(scores[0][d] + scores[1][d]) for d, score in both.items())
    view.close()


def test_the_parsers_query_objects_find_the_right_paragraphs(view):
    parsed = parse("土地流转")
    assert texts(view.search(parsed.exact, limit=None)) == containing(view, "土地流转") == {LAND}
    found = texts(view.search(parsed.query, limit=None))
    assert {LAND, "乙县加强土地管理，鼓励农户之间的流转与合作。"} <= found          # verbatim, and scattered
    assert not found & containing(view, "污染")


# ---- The view: searching

def test_search_limit_filter_mask(view):
    land = Q.Term("grams", "土地")
    every = view.search(land, limit=None)
    assert [r.docnum for r in view.search(land, limit=1)] == [every[0].docnum]
    filtered = view.search(land, limit=None, filter=Q.Term("folder", "a"))
    assert {r.docnum for r in filtered} == {r.docnum for r in every if r.fields["folder"] == "a"}
    masked = view.search(land, limit=None, mask={every[0].docnum})
    assert [r.docnum for r in masked] == [r.docnum for r in every[1:]]
    assert all(r.fields == view.stored_fields(r.docnum) for r in every)


def test_search_sorted_by_a_field_has_no_scores_and_keeps_relevance_for_equal_values(view):
    land = Q.Term("grams", "土地")
    by_date = view.search(land, limit=None, sort=SortBy("date", reverse=True))
    assert all(r.score is None for r in by_date)
    assert [r.docnum for r in by_date] == [r.docnum for r in view.search(land, limit=None)]   # no dates here


def test_search_collapsed_keeps_one_document_per_value(view):
    every = view.search(Q.Term("grams", "流转"), limit=None)
    found = view.search(Q.Term("grams", "流转"), limit=None, collapse="dupkey")
    keys = [r.fields["dupkey"] for r in found]
    assert len(keys) == len(set(keys)) == len(every) - 1 == 2            # LAND is in two reports


@pytest.mark.parametrize("query", [
    Q.Term("grams", "流转"),
    Q.And([Q.Term("grams", "土地"), Q.Term("grams", "流转")]),
    Q.Or([Q.Term("grams", "社区"), Q.Term("grams", "土地")]),
    Q.AndNot(Q.Term("grams", "社区"), Q.Term("grams", "就业")),
])
@pytest.mark.parametrize("k", [1, 2, 3, 50])
@pytest.mark.parametrize("exact_tier", [False, True])
def test_top_k_agrees_with_a_plain_ranked_search(view, query, k, exact_tier):
    view = view.exact_tier if exact_tier else view
    every = sorted(((round(r.score, 9), r.docnum) for r in view.search(query, limit=None)),
                   key=lambda sd: (-sd[0], sd[1]))
    ranked, exhausted = view.top_k(query, k)
    assert [d for _, d in ranked] == [d for _, d in every[:k]]
    assert [s for s, _ in ranked] == pytest.approx([s for s, _ in every[:k]], abs=1e-6)
    assert exhausted == (len(every) < k)
    masked, _ = view.top_k(query, k, mask={every[0][1]})
    assert [d for _, d in masked] == [d for _, d in every[1:k + 1]]


def test_matches_counts_and_postings(view):
    query = Q.Or([Q.Term("grams", "社区"), Q.Term("grams", "污染")])
    found = set(view.matches(query))
    assert found == set(view.iter_matches(query)) == {r.docnum for r in view.search(query, limit=None)}
    assert view.estimate_size(query) >= len(found)
    postings = view.doc_frequency("grams", "社区") + view.doc_frequency("grams", "污染")
    assert view.count_postings(query, 1000) == postings
    assert view.count_postings(query, 0) > 0           # stops once past the limit


# ---- The view: documents and statistics

def test_documents_by_field_value(view):
    doc = view.document(source="a/乙.txt")
    report = list(view.documents(report_id=doc["report_id"]))
    assert sorted(d["ordinal"] for d in report) == [0, 1]
    numbers = set(view.document_numbers(report_id=doc["report_id"]))
    assert numbers == set(view.matches(Q.Term("report_id", doc["report_id"])))
    assert view.document(id="no such paragraph") is None


def test_columns_report_of_and_paragraph_count(view):
    live = paragraphs(view)
    values, column = view.column("report_id")
    report = view.report_of()
    for r in live:
        assert values[column[r.docnum]] == r.fields["report_id"] == report(r.docnum)
    assert view.paragraph_count() == len(live) < view.doc_count()       # file records are not paragraphs
    land = view.matches(Q.Term("grams", "土地"))
    sources = Counter(view.stored_fields(d)["source"] for d in land)
    assert sorted(view.values_among("source", land)) == sorted(sources.items())
    assert sorted(view.values_among("source", list(land))) == sorted(view.values_among("source", land))


def test_statistics(view):
    assert view.doc_frequency("grams", "流转") == len(view.matches(Q.Term("grams", "流转")))
    assert view.doc_frequency("grams", "火星") == 0
    assert view.has_live_postings("text", "社区") and not view.has_live_postings("text", "火星")
    docnum = next(iter(view.matches(Q.Term("grams", "污染"))))
    assert view.field_length(docnum, "grams") > 0 and view.avg_field_length("grams") > 0
    assert "土地流转" in list(view.analyze("text", "推进土地流转"))


def test_a_view_is_a_snapshot_until_closed(tmp_path):
    index_dir = corpus_index(tmp_path, {"a.txt": "甲县工作汇报\n甲县推进社区建设。\n"})
    view = open_view(store.open_index(index_dir), BM25)
    assert view.up_to_date() and not view.matches(Q.Term("grams", "污染"))
    (tmp_path / "corpus" / "b.txt").write_text("乙县工作汇报\n乙县开展大气污染治理。\n", encoding="utf-8")
    update_index(index_dir, tmp_path / "corpus")
    assert not view.up_to_date() and not view.matches(Q.Term("grams", "污染"))
    fresh = open_view(store.open_index(index_dir), BM25)
    assert fresh.generation() > view.generation() and fresh.matches(Q.Term("grams", "污染"))
    view.close()
    fresh.close()


def test_segment_lookups_are_remembered_per_view_and_agree_with_whoosh(tmp_path):
    """A view's reader is a snapshot of segments that never change: each segment's document
    frequencies and term lookups are remembered, and answer as Whoosh's own reader does."""
    from indexer.engine import postings

    index_dir = corpus_index(tmp_path, {"a.txt": "甲县工作汇报\n甲县推进社区建设，开展大气污染治理。\n"})
    (tmp_path / "corpus" / "b.txt").write_text("乙县工作汇报\n乙县推进社区建设。\n", encoding="utf-8")
    update_index(index_dir, tmp_path / "corpus")           # a second segment
    view = open_view(store.open_index(index_dir), BM25)
    plain = store.open_index(index_dir).reader()
    leaves = [r for r, _ in view._reader.leaf_readers()]
    assert len(leaves) == 2 and all(isinstance(r.term_memo, dict) for r in leaves)
    for ours, theirs in zip(leaves, [r for r, _ in plain.leaf_readers()]):
        for text in ("社区", "污染", "火星"):
            for _ in range(2):             # asked again: from the memo
                assert ours.doc_frequency("grams", text) == theirs.doc_frequency("grams", text)
                assert postings.term_bytes(ours, "grams", text) == postings.term_bytes(theirs, "grams", text)
        assert ("grams", "社区") in ours.term_memo
    # One segment has 污染, the other not: the memo is per segment.
    assert sorted(postings.term_bytes(r, "grams", "污染") is None for r in leaves) == [False, True]
    plain.close()
    view.close()


def test_a_memo_starts_over_when_full_and_remembers_none():
    from indexer.engine.shortcuts import Memo

    asked = []

    def ask(text):
        asked.append(text)
        return None if text == "火星" else len(text)

    memo = Memo(2)
    assert [memo.answer(t, ask, t) for t in ("社区", "火星", "社区", "火星")] == [2, None, 2, None]
    assert asked == ["社区", "火星"] and len(memo) == 2
    assert memo.answer("治安", ask, "治安") == 2 and len(memo) == 1    # full: started over
