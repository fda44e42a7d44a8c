"""Stored paragraphs read through one mapping per segment (indexer.engine.stored) give what
Whoosh's own reader of the column gives."""
import os
import random
from struct import pack

import pytest
from fixture_files import corpus_index
from memory import LINUX, resident_kb
from whoosh import columns
from whoosh.filedb.filestore import FileStorage

from indexer.engine import fileread, store, stored
from indexer.engine.view import open_view
from indexer.search.ranking import BM25
from indexer.update import update_index


def test_layout_without_an_offsets_array_adds_up_the_lengths():
    data = b"abcdefg" + bytes([3, 0, 4]) + b"B"            # lengths 3, 0, 4 as bytes, then their type
    offsets, lengths = stored.layout(data, 3)
    assert offsets.tolist() == [0, 3, 3] and lengths.tolist() == [3, 0, 4]


def test_layout_with_an_offsets_array_reads_it_big_endian():
    data = b"abcdefg" + pack(">HHH", 3, 0, 4) + pack(">III", 0, 3, 3) + b"HIX"
    offsets, lengths = stored.layout(data, 3)
    assert offsets.tolist() == [0, 3, 3] and lengths.tolist() == [3, 0, 4]


VALUES = [{"id": "a", "text": "甲县推进社区建设。"}, None, {}, {"id": "b", "ordinal": 7, "text": "乙" * 300}, {"x": [1, 2]}]


COLUMN = columns.PickleColumn(columns.CompressedBytesColumn())


def write_column(storage, values: list, with_offsets: bool = False) -> None:
    """``values`` as Whoosh writes a segment's stored column, into ``stored.col``."""
    out = storage.create_file("stored.col")
    writer = COLUMN.writer(out)
    if with_offsets:
        writer._child.cutoff = 0          # Whoosh writes offsets past 32,768 documents; here at once
    for docnum, value in enumerate(values):
        writer.add(docnum, value)
    writer.finish(len(values))
    out.close()


@pytest.mark.parametrize("with_offsets", [False, True])
def test_a_column_whoosh_wrote_reads_back_the_same(tmp_path, with_offsets):
    storage = FileStorage(str(tmp_path))
    values = VALUES * 50
    write_column(storage, values, with_offsets)
    length = storage.file_length("stored.col")
    whooshs = COLUMN.reader(storage.open_file("stored.col"), 0, length, len(values))
    assert whooshs._child.had_stored_offsets is with_offsets
    ours = stored.StoredColumn(os.open(tmp_path / "stored.col", os.O_RDONLY), len(values))
    assert [ours[d] for d in range(len(values))] == [whooshs[d] for d in range(len(values))]
    assert [ours[d] for d in range(5)] == VALUES


@pytest.mark.skipif(not LINUX, reason="reads /proc/self/smaps")
def test_reading_paragraphs_leaves_their_text_out_of_the_process_memory(tmp_path):
    # Text read through a mapping counts in the server's resident memory for as long as it runs.
    rng = random.Random(7)
    values = [{"text": "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(400))} for _ in range(2000)]
    write_column(FileStorage(str(tmp_path)), values)
    path = tmp_path / "stored.col"
    ours = stored.StoredColumn(os.open(path, os.O_RDONLY), len(values))
    assert [ours[d] for d in range(len(values))] == values
    assert path.stat().st_size > 1_500_000
    assert resident_kb(path) <= 64            # the lengths array's pages, not the text's 1.8 MB


def test_without_pread_a_column_reads_the_same(tmp_path, monkeypatch):
    # Where the platform has no pread (Windows) the bytes are read by seeking, under a lock.
    write_column(FileStorage(str(tmp_path)), VALUES)
    ours = stored.StoredColumn(os.open(tmp_path / "stored.col", os.O_RDONLY), len(VALUES))
    monkeypatch.setattr(fileread, "_pread", None)
    assert [ours[d] for d in range(len(VALUES))] == VALUES


REPORTS = {
    "甲.txt": "甲县社区工作汇报\n甲县推进社区建设，社区服务中心全面开放。\n甲县加强土地流转管理。\n",
    "乙.txt": "乙县工作汇报\n乙县整治农村人居环境。\n",
}


def test_views_read_every_stored_paragraph_as_whoosh_does_through_one_shared_mapping(tmp_path):
    index = corpus_index(tmp_path, REPORTS)
    (tmp_path / "corpus" / "丙.txt").write_text("丙县工作汇报\n丙县开展大气污染治理。\n", encoding="utf-8")
    update_index(index, tmp_path / "corpus")          # a second segment
    ix = store.open_index(index)
    first, second = open_view(ix, BM25), open_view(ix, BM25)
    try:
        with ix.searcher() as whoosh:
            expected = {d: whoosh.stored_fields(d) for d in whoosh.reader().all_doc_ids()}
            assert len(whoosh.leaf_searchers()) == 2
        assert {d: first.stored_fields(d) for d in expected} == expected
        assert list(first.documents(source="丙.txt")) == [f for f in expected.values() if f.get("source") == "丙.txt"]
        for leaf, _ in first._reader.leaf_readers():
            column = leaf._perdoc._readers["_stored"]
            assert isinstance(column, stored.StoredColumn)
            others = [other for other, _ in second._reader.leaf_readers() if other.segment() == leaf.segment()]
            assert others[0]._perdoc._readers["_stored"] is column
    finally:
        first.close()
        second.close()


def test_a_copied_index_folder_maps_its_own_files(tmp_path):
    import shutil

    index = corpus_index(tmp_path, REPORTS)
    shutil.copytree(index, tmp_path / "copy")
    views = [open_view(store.open_index(folder), BM25) for folder in (index, tmp_path / "copy")]
    try:
        columns_of = [[leaf._perdoc._readers["_stored"] for leaf, _ in v._reader.leaf_readers()] for v in views]
        assert columns_of[0][0] is not columns_of[1][0]
        assert all(v.stored_fields(0) == views[0].stored_fields(0) for v in views)
    finally:
        for v in views:
            v.close()
