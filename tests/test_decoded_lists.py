"""Long posting lists written decoded beside their segment (indexer.engine.decoded) are the lists
the blocks hold, and a segment whose file is missing or broken is searched as before."""
from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

from indexer.engine import decoded, kept, postings
from indexer.engine.parallel import ParallelWriter
from indexer.search.searcher import Searcher
from memory import LINUX, resident_kb
from test_segment_writer import bulk, build, docs

LONG = 40        # postings from which a list of these small indexes counts as long
REAL_LONG = kept.LONG
QUERIES = ("社区", "土地流转", "一站式服务 社区", '"留守儿童"', "服务 -土地", "title:社区建设")


@pytest.fixture(autouse=True)
def small_long(monkeypatch):
    monkeypatch.setattr(kept, "LONG", LONG)
    kept.clear()
    yield
    kept.clear()


def list_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*" + decoded.SUFFIX))


def compare_every_long_list(ix, long: int = LONG) -> int:
    """Each long list as written decoded against the same list decoded from its blocks; how many."""
    compared = 0
    with ix.reader() as r:
        for leaf, _ in r.leaf_readers():
            for fieldname in leaf.indexed_field_names():
                for btext in leaf.lexicon(fieldname):
                    written = decoded.posting_list(leaf, fieldname, btext)
                    if leaf.doc_frequency(fieldname, btext) < long:
                        assert written is None, (fieldname, btext)
                        continue
                    assert written is not None, (fieldname, btext.decode("utf-8", "replace"))
                    read = postings.read_list(leaf.postings(fieldname, btext))
                    for name, a, b in zip(postings.PostingList._fields, written, read):
                        assert a.dtype == b.dtype and np.array_equal(a, b), (fieldname, btext, name)
                    compared += 1
    return compared


def hits(folder: Path) -> list:
    s = Searcher(folder)
    try:
        return [[(h.id, round(h.score, 5)) for h in s.search(q, limit=50).hits] for q in QUERIES]
    finally:
        s.close()


def test_a_segment_written_at_once_holds_its_long_lists_decoded(tmp_path):
    ix = build(tmp_path, "ix", bulk, [docs(n=30)])
    assert len(list_files(tmp_path / "ix")) == 1
    assert compare_every_long_list(ix) > 10


def test_merged_segments_hold_theirs_and_old_files_go_with_their_segments(tmp_path):
    # Merging writes a term at a time (write_term), with deleted documents dropped.
    batches = [docs("a", n=20), docs("b", n=20), ["a0-1", "b3-2"], docs("c", n=5)]
    ix = build(tmp_path, "ix", bulk, batches, optimize=True)
    assert len(ix._segments()) == 1
    assert len(list_files(tmp_path / "ix")) == 1
    assert compare_every_long_list(ix) > 10


def test_worker_processes_write_theirs(tmp_path, monkeypatch):
    # Lists long by the real measure: a worker started afresh (from a fork server, when this
    # process has other threads) does not see a value patched here.
    monkeypatch.setattr(kept, "LONG", REAL_LONG)
    ix = build(tmp_path, "ix", lambda ix: ParallelWriter(ix, procs=2, batchsize=100, compound=False),
               [docs("p", n=1000)])
    assert len(list_files(tmp_path / "ix")) == len(ix._segments()) == 2
    assert compare_every_long_list(ix, REAL_LONG) >= 2


def test_no_file_for_a_segment_without_long_lists(tmp_path):
    build(tmp_path, "ix", bulk, [docs(n=1)])
    assert list_files(tmp_path / "ix") == []


@pytest.mark.parametrize("damage", ["missing", "truncated", "garbage", "directory"])
def test_searches_read_the_blocks_when_the_file_is_missing_or_broken(tmp_path, damage):
    build(tmp_path, "ix", bulk, [docs(n=30)])
    folder = tmp_path / "ix"
    before = hits(folder)
    assert decoded._open and all(v is not None for v in decoded._open.values())      # the file was read
    assert not any(k[3] == "list" for k in kept._kept)                              # no list decoded
    (path,) = list_files(folder)
    data = path.read_bytes()
    if damage == "missing":
        path.unlink()
    elif damage == "truncated":
        path.write_bytes(data[:len(data) // 2])
    elif damage == "directory":         # the trailer intact, the directory not what it should be
        at, _ = decoded._TRAILER.unpack_from(data, len(data) - decoded._TRAILER.size)
        path.write_bytes(data[:at] + pickle.dumps(("社区", 1)) + decoded._TRAILER.pack(at, decoded._MAGIC))
    else:
        path.write_bytes(b"x" * len(data))
    decoded.forget()
    assert hits(folder) == before
    assert any(k[3] == "list" for k in kept._kept)      # decoded from the blocks instead


@pytest.mark.skipif(not LINUX, reason="reads /proc/self/smaps")
def test_lists_read_leave_no_pages_in_the_process_memory(tmp_path):
    # Read through a mapping, every list a server had read stayed in its resident memory.
    build(tmp_path, "ix", bulk, [docs(n=300)])
    hits(tmp_path / "ix")
    (path,) = list_files(tmp_path / "ix")
    assert decoded._open and path.stat().st_size > 8192
    assert resident_kb(path) == 0


def test_a_file_of_the_first_version_is_read_as_before(tmp_path):
    """Files written before the directory became arrays hold it as a dict {(field, term): parts}."""
    ix = build(tmp_path, "ix", bulk, [docs(n=30)])
    (path,) = list_files(tmp_path / "ix")
    data = path.read_bytes()
    at, _ = decoded._TRAILER.unpack_from(data, len(data) - decoded._TRAILER.size)
    arrays = decoded._Lists(str(path))._directory
    as_dict = {key: arrays.get(key) for key in arrays._rows}
    path.write_bytes(data[:at] + pickle.dumps(as_dict) + decoded._TRAILER.pack(at, decoded._MAGIC_DICT))
    decoded.forget()
    assert isinstance(decoded._Lists(str(path))._directory, dict)
    assert compare_every_long_list(ix) > 10
    assert not any(k[3] == "list" for k in kept._kept)      # read from the file, not decoded from the blocks
