"""The set algebra behind facet counts and exact totals gives what Whoosh's matchers give."""
from collections import Counter

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
    extra = corpus_copy_module / "extra.txt"
    extra.write_text("某县社区建设工作汇报\n某县推行社区养老服务，老年食堂覆盖全县。\n", encoding="utf-8")
    update_index(index, corpus_copy_module)
    # A second segment, and deleted documents in the first: the shapes a real index has.
    extra.write_text("某县社区建设工作汇报\n某县推行一站式服务，社区就业岗位增加，土地流转面积扩大。\n", encoding="utf-8")
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


@pytest.mark.parametrize("text", ["社区", "社区建设", "土地流转", "一站式服务 -劳动保障"])
def test_long_lists_kept_from_an_earlier_count_give_the_same_matches(searcher, text, monkeypatch):
    from indexer.engine import kept

    monkeypatch.setattr(kept, "LONG", 1)            # every list of the bundled corpus is "long"
    kept.clear()
    parsed = parse(text, IndexStats(searcher.reader()))
    expected = set(searcher.docs_for_query(parsed.exact))
    assert docsets.matching(searcher, parsed.exact) == expected       # read, then kept
    assert kept._kept
    assert docsets.matching(searcher, parsed.exact) == expected       # from what was kept
    kept.clear()


@pytest.mark.parametrize("field", ["dupkey", "report_id", "source", "id", "grams", "year", "no such field"])
def test_the_terms_file_read_as_arrays_gives_whooshs_lexicon(searcher, field):
    from indexer.engine import lexicon

    for leaf, _ in searcher.reader().leaf_readers():
        lex = lexicon.read(leaf, field)
        got = [(lex.term(i), int(lex.df[i]), int(lex.first[i]), int(lex.last[i])) for i in range(len(lex))]
        expected = [(term, info.doc_frequency(), info.min_id(), info.max_id()) for term, info in leaf.iter_field(field)] \
            if field in leaf.schema else []
        assert got == expected
        assert lex.terms() == [term for term, *_ in expected]


@pytest.mark.parametrize("field", ["dupkey", "report_id", "grams"])
def test_a_terms_documents_read_from_its_term_info_are_its_postings(searcher, field):
    from indexer.engine import lexicon

    for leaf, _ in searcher.reader().leaf_readers():
        lex = lexicon.read(leaf, field)
        for i in range(0, len(lex), max(1, len(lex) // 300)):
            # Whoosh's matcher without the reader's filter of deleted documents (which moves it past them)
            whooshs = leaf._terms.matcher(field, lex.term(i), leaf.schema[field].format)
            assert lexicon.posting_ids(leaf, lex, i) == list(whooshs.all_ids())


def test_dupkey_groups_are_equal_exactly_for_equal_dupkeys(searcher):
    from indexer.engine import columns

    groups = columns.groups(searcher, "dupkey")
    by_key = {}
    for docnum in searcher.reader().all_doc_ids():
        key = searcher.stored_fields(docnum).get("dupkey")
        assert (groups[docnum] >= 0) == (key is not None)
        if key is not None:
            assert by_key.setdefault(key, groups[docnum]) == groups[docnum]
    assert len(set(by_key.values())) == len(by_key)


SHARED = "各社区统一设立便民服务窗口，实行一站式服务，群众办事不出社区。"


def two_reports_sharing_a_paragraph(tmp_path):
    """(corpus, index): 甲县 and 乙县 end with the same paragraph, indexed."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    for name, opening in (("甲县", "甲县推进土地流转，规范流转合同。"), ("乙县", "乙县整治农村人居环境，建设美丽乡村。")):
        (corpus / f"{name}.txt").write_text(f"{name}工作报告\n{opening}\n{SHARED}\n", encoding="utf-8")
    update_index(index, corpus)
    return corpus, index


def third_copy_and_one_cut(corpus, index):
    """A third copy in a second segment (丙县), and 乙县's copy deleted from the first."""
    (corpus / "丙县.txt").write_text(f"丙县工作报告\n丙县加强社会治安综合治理。\n{SHARED}\n", encoding="utf-8")
    (corpus / "乙县.txt").write_text("乙县工作报告\n乙县整治农村人居环境，建设美丽乡村。\n", encoding="utf-8")
    update_index(index, corpus)


def test_distinct_paragraphs_counted_as_one_by_one(tmp_path):
    from indexer.engine.view import open_view
    from indexer.search import facets
    from indexer.search.ranking import BM25

    corpus, index = two_reports_sharing_a_paragraph(tmp_path)
    third_copy_and_one_cut(corpus, index)
    view = open_view(store.open_index(index), BM25)
    try:
        with store.open_index(index).searcher() as s:
            every = set(s.docs_for_query(Q.Every()))
            community = set(s.docs_for_query(Q.Term("grams", "社区")))
        _, dupkeys = view.column("dupkey")
        assert len(view.shared("dupkey")) == 2          # 甲县's and 丙县's copies (乙县's is deleted)
        for docs in (every, community, set(), set(view.shared("dupkey")), {min(view.shared("dupkey"))}):
            one_by_one = len({dupkeys[d] for d in docs if dupkeys[d] >= 0}) + sum(1 for d in docs if dupkeys[d] < 0)
            assert facets.distinct(view, docs) == one_by_one
        assert facets.distinct(view, community) == len(community) - 1
    finally:
        view.close()


def test_a_reindex_numbers_only_the_new_reports_values_and_groups_copies_across_segments(tmp_path):
    """After adding a report, documents already indexed keep their columns' numbers (only the new
    segment's terms are numbered, after the others), and the columns still say what the stored
    fields say: copies in the old and the new segment in one group, every source its own value."""
    from indexer.engine import columns

    corpus, index = two_reports_sharing_a_paragraph(tmp_path)
    for name in ("丁县", "戊县", "己县"):
        (corpus / f"{name}.txt").write_text(f"{name}工作报告\n{name}推进河长制，整治河道。\n{name}建设社区服务中心。\n",
                                            encoding="utf-8")
    update_index(index, corpus)
    with store.open_index(index).searcher() as before:
        numbered = {before.stored_fields(d)["id"]: (columns.groups(before, "dupkey")[d], columns._column(before, "source")[1][d])
                    for d in before.reader().all_doc_ids() if "id" in before.stored_fields(d)}
    # 丙县 sorts before every other name (丙 e4 b8 99): numbering every term again would move them all.
    (corpus / "丙县.txt").write_text(f"丙县工作报告\n丙县加强社会治安综合治理。\n{SHARED}\n", encoding="utf-8")
    update_index(index, corpus)
    with store.open_index(index).searcher() as after:
        assert len(after.leaf_searchers()) == 2
        groups, (values, sources) = columns.groups(after, "dupkey"), columns._column(after, "source")
        by_key, copies = {}, Counter()
        for d in after.reader().all_doc_ids():           # the live ones
            stored = after.stored_fields(d)
            assert (values[sources[d]] if sources[d] >= 0 else None) == stored.get("source")   # None: a file's marker
            if "dupkey" in stored:
                assert by_key.setdefault(stored["dupkey"], groups[d]) == groups[d]
                copies[groups[d]] += 1
            if stored.get("id") in numbered:
                assert numbered[stored["id"]] == (groups[d], sources[d])
        assert len(set(by_key.values())) == len(by_key)
        assert copies.most_common(1)[0][1] == 3            # 甲县's and 乙县's copies, and 丙县's in the new segment


def test_columns_are_shared_by_searchers_of_one_commit_and_not_by_the_next(searcher, tmp_path, corpus_copy_module):
    from indexer.engine import columns

    ix = store.open_index(searcher._ix.storage.folder)
    with ix.searcher() as a, ix.searcher() as b:
        assert columns._column(a, "report_id") is columns._column(b, "report_id")
    before = columns._column(searcher, "report_id")
    (corpus_copy_module / "another.txt").write_text("某镇社区建设汇报\n某镇推行网格化管理，社区服务中心建成。\n",
                                                     encoding="utf-8")
    update_index(searcher._ix.storage.folder, corpus_copy_module)
    with store.open_index(searcher._ix.storage.folder).searcher() as after:
        assert columns._column(after, "report_id") is not before
        values, column = columns._column(after, "report_id")
        assert len(column) == after.doc_count_all() and len(set(values)) > len(set(before[0]))


def test_collection_order_orders_as_the_stored_positions_do(searcher):
    """Ties are ordered by source, ordinal and id (ranking.position of the stored fields); the
    columns give the same order, reading stored fields only where source and ordinal tie."""
    from indexer.engine.columns import collection_order
    from indexer.search.ranking import position

    reader = searcher.reader()
    docs = [d for d in range(reader.doc_count_all()) if not reader.is_deleted(d)]
    keys = dict(zip(docs, collection_order(searcher, docs, searcher.stored_fields)))
    by_position = sorted(docs, key=lambda d: (position(searcher.stored_fields(d)), d))
    assert sorted(docs, key=lambda d: (keys[d], d)) == by_position
    assert len({position(searcher.stored_fields(d))[:2] for d in docs}) < len(docs)    # some share source and ordinal


@pytest.mark.parametrize("docs, among, inside, outside", [
    ([1, 3, 5, 7], [3, 4, 7, 9], [3, 7], [1, 5]),
    ([1, 3], [], [], [1, 3]),
    ([], [1, 2], [], []),
    ({9, 2, 5}, [5, 10], [5], [2, 9]),          # any iterable, in any order
])
def test_split_separates_documents_in_a_set_from_the_others(docs, among, inside, outside):
    import numpy as np

    for wrap in (list, lambda d: docsets.Matches(np.array(sorted(d), dtype=np.int64))):
        got_in, got_out = docsets.split(wrap(docs), wrap(among))
        assert list(got_in) == inside and got_out.tolist() == outside


def _fresh_columns(searcher, field):
    """A column built with nothing remembered, of any index state or segment."""
    from indexer.engine import columns

    with columns._LOCK:
        kept = (columns._BY_STATE, columns._PARTS, columns._NUMBERED)
        saved = [dict(d) for d in kept]
        for d in kept:
            d.clear()
        try:
            return columns._column(searcher, field), list(columns.groups(searcher, "dupkey"))
        finally:
            for d, was in zip(kept, saved):
                d.clear()
                d.update(was)


def _partition(groups):
    """Group numbers as the groups they make (numbered by first appearance): two numberings of
    one grouping compare equal."""
    first = {}
    return [first.setdefault(g, len(first)) if g >= 0 else g for g in groups]


def test_columns_of_a_new_state_reuse_the_old_segments_parts_and_equal_a_fresh_build(tmp_path, monkeypatch):
    """After a report is added and another cut short (a new segment, deleted documents), the
    columns built from the segments' kept parts are those built from nothing."""
    from indexer.engine import columns, merging

    monkeypatch.setattr(merging, "MERGE_MOST", 0)     # the old segment stays, as a large one would
    corpus, index = two_reports_sharing_a_paragraph(tmp_path)
    with store.open_index(index).searcher() as s:
        first_segments = {r.segment().segment_id() for r, _ in s.reader().leaf_readers()}
        columns._column(s, "report_id")
        columns.groups(s, "dupkey")
        assert {segment for segment, _ in columns._PARTS} >= first_segments
    third_copy_and_one_cut(corpus, index)
    with store.open_index(index).searcher() as s:
        assert s.reader().has_deletions() and len(s.leaf_searchers()) >= 2
        kept = {key: columns._PARTS[key] for key in columns._PARTS if key[0] in first_segments}
        values, column = columns._column(s, "report_id")
        dupkeys = list(columns.groups(s, "dupkey"))
        for key, part in kept.items():
            assert columns._PARTS[key] is part          # the old segment's part was not read again
        (fresh_values, fresh_column), fresh_dupkeys = _fresh_columns(s, "report_id")
        assert [values[i] if i >= 0 else None for i in column] == \
            [fresh_values[i] if i >= 0 else None for i in fresh_column]
        assert _partition(dupkeys) == _partition(fresh_dupkeys)


def test_parts_of_segments_no_kept_state_reads_are_let_go(tmp_path):
    from indexer.engine import columns

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "甲县.txt").write_text("甲县工作报告\n甲县推进土地流转，规范流转合同。\n", encoding="utf-8")
    seen = []
    for _ in range(columns._STATES + 2):
        update_index(index, corpus, rebuild=True)          # new segments every time
        with store.open_index(index).searcher() as s:
            columns.groups(s, "dupkey")
            seen.append({r.segment().segment_id() for r, _ in s.reader().leaf_readers()})
    live = {segment for state in columns._BY_STATE for segment, _, _ in state}
    assert {segment for segment, _ in columns._PARTS} <= live
    assert not seen[0] & {segment for segment, _ in columns._PARTS}


@pytest.mark.parametrize("a, b, union", [
    ([2, 5, 9], [1, 6, 10], [1, 2, 5, 6, 9, 10]),
    ([2, 5], [], [2, 5]),
    ([], [3], [3]),
])
def test_disjoint_ascending_docnums_are_merged_in_order(a, b, union):
    import numpy as np

    got = docsets.merged(np.array(a, dtype=np.int64), np.array(b, dtype=np.int64))
    assert got.tolist() == union and got.dtype == np.int64
