"""The set algebra behind facet counts and exact totals gives what Whoosh's matchers give."""
import pytest
from engine_support import IndexStats, parse
from whoosh import query as Q

from indexer.engine import docsets
from indexer.engine import store
from indexer.update import update_index

QUERIES = ["土地流转", "社区 就业", "社区、治安", "一站式服务 -劳动保障", "打击传销 OR 传销", '"城乡一体化"',
           "社区建设", "year:2024 社区", "place:嘉禾 工作", "folder:不存在 社区", "居委会 NOT 减负", "土地流轉",
           "ＧＤＰ", "社", "火星文字不存在"]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory, corpus_copy_module):
    index = tmp_path_factory.mktemp("docsets") / "index"
    update_index(index, corpus_copy_module)
    # A second segment, and deleted documents in the first: the shapes a real index has.
    (corpus_copy_module / "extra.txt").write_text(
        "某县社区建设工作汇报\n某县推行一站式服务，社区就业岗位增加，土地流转面积扩大。\n", encoding="utf-8")
    first = next(p for p in sorted(corpus_copy_module.iterdir()) if p.suffix == ".txt" and p.name != "extra.txt")
    first.write_text(first.read_text(encoding="utf-8")[:3000], encoding="utf-8")
    update_index(index, corpus_copy_module)
    ix = store.open_index(index)
    with ix.searcher() as s:
        assert len(s.leaf_searchers()) >= 2 and s.reader().has_deletions()
        yield s


@pytest.fixture(scope="module")
def corpus_copy_module(tmp_path_factory):
    import shutil
    from pathlib import Path

    target = tmp_path_factory.mktemp("docsets-corpus") / "corpus"
    shutil.copytree(Path(__file__).resolve().parent.parent / "corpus", target)
    return target


@pytest.mark.parametrize("text", QUERIES)
def test_matching_equals_whoosh(searcher, text):
    parsed = parse(text, IndexStats(searcher.reader()))
    for query in (parsed.query, parsed.exact):
        if query is None:
            continue
        got = docsets.matching(searcher, query)
        assert got is not None, query
        assert got == set(searcher.docs_for_query(query)), query


def test_a_shape_it_does_not_know_is_left_to_whoosh(searcher):
    assert docsets.matching(searcher, Q.Phrase("title_grams", ["社区", "区建"])) is None
    assert docsets.matching(searcher, Q.And([Q.Term("grams", "社区"), Q.Phrase("title_grams", ["社区"])])) is None
    assert docsets.matching(searcher, Q.Every()) == set(searcher.docs_for_query(Q.Every()))


def test_facet_columns_see_every_segment_and_no_deleted_paragraph(searcher):
    from indexer.engine import columns as facets

    live = [doc for doc in searcher.documents() if "report_id" in doc]
    assert facets.paragraph_count(searcher) == len(live)
    values, column = facets._column(searcher, "report_id")
    assert {values[column[n]] for n in searcher.docs_for_query(Q.Every()) if column[n] >= 0} \
        == {doc["report_id"] for doc in live}
