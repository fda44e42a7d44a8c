"""The fast segment writers write what Whoosh's own SegmentWriter writes."""
from __future__ import annotations

import pytest
from whoosh.writing import SegmentWriter

from indexer.engine import store
from indexer.search.searcher import Searcher
from indexer.engine.parallel import ParallelWriter
from indexer.engine.writer import BulkWriter

PARAGRAPHS = [
    ("一、基本情况", "我镇积极探索土地流转的有效形式，成立土地流转服务中心，全年流转土地1200亩。"),
    ("一、基本情况", "建立一站式服务大厅，村民办事不出村，实行一站式服务、一条龙办理。"),
    ("二、主要做法", "关爱农村留守儿童，建立留守儿童之家12个，组织志愿者结对帮扶。"),
    ("二、主要做法", "社区"),                       # a very short paragraph: boosted down
    ("", "ＧＤＰ增长８.５%，土地流轉面積擴大。"),     # full width and traditional characters
    ("三、存在的问题", "社区工作者队伍不稳定，待遇偏低，社区社区社区反复出现以测词频。"),
]


def docs(prefix: str = "r", n: int = 1) -> list[dict]:
    out = []
    for copy in range(n):
        for i, (section, text) in enumerate(PARAGRAPHS):
            fields = dict(id=f"{prefix}{copy}-{i}", report_id=f"{prefix}{copy}", title="某镇农村社区建设工作情况汇报",
                          title_grams="某镇农村社区建设工作情况汇报", section=section, text=text, grams=text,
                          ordinal=i, source=f"{prefix}/{copy}.txt", folder=prefix, filekey=f"{prefix}/{copy}.txt\tx",
                          date="2024-01-06", year="2024", place="某镇", doctype="情况汇报")
            if len(text) < 10:
                fields["_boost"] = 0.6
            out.append(fields)
    # A marker document for an unreadable file: most fields absent.
    out.append(dict(source=f"{prefix}/坏文件.docx", filekey=f"{prefix}/坏文件.docx\ty", error="文件已损坏"))
    return out


def build(tmp_path, name, writer, batches, optimize=False):
    """Commit each batch (a list of documents, or a list of ids to delete) with the given writer class.

    optimize: the last commit merges every segment into the new one."""
    ix = store.create(tmp_path / name)
    for i, batch in enumerate(batches):
        w = writer(ix)
        for item in batch:
            if isinstance(item, str):
                w.delete_by_term("id", item)
            else:
                w.add_document(**item)
        w.commit(optimize=optimize and i == len(batches) - 1)
    return store.open_index(tmp_path / name)


def contents(ix):
    """Everything a search can see, keyed by stored id rather than docnum."""
    with ix.reader() as r:
        ident = {d: (f.get("id") or f.get("source")) for d, f in r.iter_docs()}
        postings = sorted((fn, t, ident[d], round(w, 5), v) for fn, t, d, w, v in r.iter_postings()
                          if not r.is_deleted(d))
        stored = sorted((ident[d], sorted(f.items())) for d, f in r.iter_docs())
        lengths = sorted((ident[d], fn, r.doc_field_length(d, fn)) for d, _ in r.iter_docs()
                         for fn in ("title", "section", "text", "grams", "title_grams"))
        stats = {}
        for fn, t in r.all_terms():
            if r.doc_frequency(fn, t):
                info = r.term_info(fn, t)
                stats[fn, t] = (info.doc_frequency(), round(info.weight(), 4), info.min_length(),
                                info.max_length(), round(info.max_weight(), 4))
    return postings, stored, lengths, stats


def plain(ix):
    return SegmentWriter(ix, compound=False)


def bulk(ix):
    return BulkWriter(ix, compound=False)


def test_bulk_writer_writes_the_same_segment_as_whoosh(tmp_path):
    ours = build(tmp_path, "ours", bulk, [docs()])
    theirs = build(tmp_path, "theirs", plain, [docs()])
    assert contents(ours) == contents(theirs)
    a, b = Searcher(tmp_path / "ours"), Searcher(tmp_path / "theirs")
    for q in ("土地流转", "社区", "一站式服务", "gdp", '"留守儿童"', "title:社区建设"):
        ra, rb = a.search(q, limit=10), b.search(q, limit=10)
        assert [(h.id, round(h.score, 4)) for h in ra.hits] == [(h.id, round(h.score, 4)) for h in rb.hits], q
        assert ra.hits, q
    a.close(), b.close()


def test_long_posting_lists_span_blocks(tmp_path):
    many = docs(n=100)       # 100 copies: common terms have more than one 128-posting block
    ours = build(tmp_path, "ours", bulk, [many])
    theirs = build(tmp_path, "theirs", plain, [many])
    assert contents(ours) == contents(theirs)
    with ours.reader() as r:
        assert r.doc_frequency("grams", "社区".encode()) > 128


def test_tiny_blocks_are_left_uncompressed_and_read_the_same(tmp_path):
    from indexer.engine import postings

    ours = build(tmp_path, "ours", bulk, [docs(n=100)])
    with ours.reader() as r:
        def kinds(field, text):
            m = postings.leaf(r.postings(field, text.encode()))
            return {b.compression for b in postings.blocks(m)}
        assert kinds("id", "r0-0") == {0}                 # one posting: a pickle of a few dozen bytes
        assert kinds("grams", "社区") - {0}                # full blocks of 128 postings are compressed
    assert contents(ours) == contents(build(tmp_path, "theirs", plain, [docs(n=100)]))


def test_merges_and_deletions_match_whoosh(tmp_path):
    # Merging folds old segments (with deleted documents) into the new one: the path where
    # postings come from a reader instead of add_document.
    batches = [docs("a"), docs("b"), ["a0-1", "b0-2"], docs("c"), docs("d", n=2) + ["c0-0"]]
    ours = build(tmp_path, "ours", bulk, batches, optimize=True)
    theirs = build(tmp_path, "theirs", plain, batches, optimize=True)
    assert len(ours._segments()) == 1
    assert contents(ours) == contents(theirs)


def test_segments_whoosh_wrote_merge_as_whoosh_merges_them(tmp_path):
    # Whoosh's own writer keeps one-posting lists in the term's record (inlined), ours never does.
    batches = [docs("a"), docs("b", n=2), ["a0-1", "b1-2"]]
    ours, theirs = build(tmp_path, "ours", plain, batches), build(tmp_path, "theirs", plain, batches)
    for ix, writer in ((ours, bulk), (theirs, plain)):
        w = writer(ix)
        w.add_document(**docs("c")[0])
        w.commit(optimize=True)
    assert len(store.open_index(tmp_path / "ours")._segments()) == 1
    assert contents(store.open_index(tmp_path / "ours")) == contents(store.open_index(tmp_path / "theirs"))


def test_parallel_writer_builds_segments_in_workers(tmp_path):
    many = docs(n=40)
    ours = build(tmp_path, "ours", lambda ix: ParallelWriter(ix, procs=2, batchsize=16, compound=False), [many])
    theirs = build(tmp_path, "theirs", plain, [many])
    assert len(ours._segments()) == 2
    (postings, stored, lengths, stats), theirs = contents(ours), contents(theirs)
    assert (postings, stored, lengths) == theirs[:3]
    assert {term: s[0] for term, s in stats.items()} == {term: s[0] for term, s in theirs[3].items()}
    with ours.searcher() as s:
        assert s.doc_count() == len(many)


def test_a_small_run_s_worker_merges_old_segments_into_its_own(tmp_path):
    # One worker (a small run's): the merge policy's segments, their deletions applied, go into
    # the segment holding the new documents, so that the run leaves one segment, not two.
    from indexer.engine.merging import merge_policy

    batches = [docs("a"), docs("b"), ["a0-1", "b0-2"], docs("c")]
    ours, theirs = build(tmp_path, "ours", bulk, batches), build(tmp_path, "theirs", plain, batches)
    w = ParallelWriter(ours, procs=1, batchsize=4, compound=False)
    for d in docs("d", n=3):
        w.add_document(**d)
    w.commit(mergetype=merge_policy)
    w = plain(theirs)
    for d in docs("d", n=3):
        w.add_document(**d)
    w.commit(optimize=True)
    ours = store.open_index(tmp_path / "ours")
    assert len(ours._segments()) == 1
    assert contents(ours) == contents(store.open_index(tmp_path / "theirs"))


def test_a_failing_worker_is_reported_and_the_index_is_left_as_it_was(tmp_path):
    ix = build(tmp_path, "ix", bulk, [docs()])
    before = contents(ix)
    w = ParallelWriter(ix, procs=2, batchsize=4, compound=False)
    for d in docs("x", n=3):
        w.add_document(**d)
    w.add_document(id="bad", no_such_field="x")       # Whoosh raises in the worker
    with pytest.raises(RuntimeError, match="索引子进程出错"):
        w.commit()
    w.cancel()
    assert contents(store.open_index(tmp_path / "ix")) == before


def test_held_lists_and_term_records_are_written_as_whoosh_writes_them(tmp_path, monkeypatch):
    # write_lists holds posting lists and term records and writes them in batches: with batches
    # of three terms (or 64 bytes of lists) the flushes fall inside every field.
    from indexer.engine import w3blocks

    monkeypatch.setattr(w3blocks, "_BATCH", 3)
    monkeypatch.setattr(w3blocks, "_HELD", 64)
    many = docs(n=30)
    assert contents(build(tmp_path, "ours", bulk, [many])) == contents(build(tmp_path, "theirs", plain, [many]))


def test_term_records_added_at_once_are_the_bytes_whoosh_adds_one_by_one(tmp_path):
    from whoosh.filedb.filestore import FileStorage
    from whoosh.filedb.filetables import OrderedHashReader, OrderedHashWriter

    from indexer.engine.w3blocks import _add_terms

    keys = sorted({f"{w}{i}".encode() for w in ("社区", "土地流转", "a", "") for i in range(40)})
    values = [k[::-1] * 3 for k in keys]
    storage = FileStorage(str(tmp_path))
    theirs = OrderedHashWriter(storage.create_file("theirs"))
    for k, v in zip(keys, values):
        theirs.add(k, v)
    ours = OrderedHashWriter(storage.create_file("ours"))
    _add_terms(ours, keys[:7], values[:7])
    _add_terms(ours, keys[7:], values[7:])
    theirs.close(), ours.close()
    assert storage.open_file("ours").read() == storage.open_file("theirs").read()
    table = OrderedHashReader(storage.open_file("ours"))
    assert [table[k] for k in keys] == values

    late = OrderedHashWriter(storage.create_file("late"))
    _add_terms(late, [b"b"], [b"1"])
    for out_of_order in ([b"a"], [b"c", b"c"]):
        with pytest.raises(ValueError):
            _add_terms(late, out_of_order, [b"2"] * len(out_of_order))


def test_posting_lists_read_whole_are_what_whoosh_matchers_give(tmp_path):
    from indexer.engine import postings

    ix = build(tmp_path, "ours", bulk, [docs(n=100)])       # lists of one block and of several
    with ix.reader() as r:
        lengths = set()
        for fieldname, btext in r.all_terms():
            m, expected = r.postings(fieldname, btext), []
            while m.is_active():
                expected.append((m.id(), m.weight()))
                m.next()
            for plist in (postings.read_term(r, fieldname, btext), postings.read_list(r.postings(fieldname, btext))):
                got = list(zip(plist.ids.tolist(), plist.values[plist.codes].tolist()))
                assert got == [(i, pytest.approx(w)) for i, w in expected], (fieldname, btext)
                assert plist.ends[-1] == len(expected) and plist.maxids[-1] == expected[-1][0]
            assert postings.read_term(r, fieldname, btext, weights=False).codes is None
            lengths.add(len(plist.ends))
        assert lengths >= {1, 2}
