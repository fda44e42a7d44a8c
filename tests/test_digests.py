"""A run reuses a file's digest while its stat is unchanged, and only then."""
import json
import os

import pytest

from indexer.ingest import digests
from indexer.search.searcher import Searcher
from indexer.update import update_index

REPORT = "甲县土地流转工作情况汇报\n甲县建立了土地流转服务中心，全县流转土地三万亩，农民增收明显。\n"


@pytest.fixture
def settled(monkeypatch):
    # Files written by a test are younger than the racy window; a test that wants them
    # remembered closes it (the window's own test below keeps it).
    monkeypatch.setattr(digests, "RACY_SECONDS", 0.0)


def cache(index):
    return json.loads((index / digests.FILE_NAME).read_text(encoding="utf-8"))["files"]


def corrupt(index, source):
    """Give source a wrong remembered digest, its stat left as remembered."""
    data = json.loads((index / digests.FILE_NAME).read_text(encoding="utf-8"))
    data["files"][source][4] = "0" * 40
    (index / digests.FILE_NAME).write_text(json.dumps(data), encoding="utf-8")


def test_an_unchanged_stat_is_trusted_without_reading(tmp_path, settled):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "a.txt").write_text(REPORT, encoding="utf-8")
    update_index(index, corpus)
    assert set(cache(index)) == {"a.txt"}
    assert not update_index(index, corpus).did_work
    # The remembered digest is what the run believes: a wrong one makes the file look changed.
    corrupt(index, "a.txt")
    assert update_index(index, corpus).changed == ["a.txt"]
    assert Searcher(index).search("土地流转").total == 1


def test_a_changed_stat_is_hashed_again(tmp_path, settled):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    path = corpus / "a.txt"
    path.write_text(REPORT, encoding="utf-8")
    update_index(index, corpus)
    st = path.stat()
    # Same size, mtime put back: the change time and the content still differ.
    path.write_text(REPORT.replace("三万亩", "五万亩"), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert update_index(index, corpus).changed == ["a.txt"]
    assert Searcher(index).search("五万亩").total == 1


def test_a_file_changed_just_now_is_not_remembered(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "a.txt").write_text(REPORT, encoding="utf-8")
    update_index(index, corpus)
    assert not (index / digests.FILE_NAME).exists() or cache(index) == {}
    assert not update_index(index, corpus).did_work


def test_a_broken_or_foreign_cache_is_ignored(tmp_path, settled):
    corpus, other, index = tmp_path / "corpus", tmp_path / "other", tmp_path / "index"
    for folder in (corpus, other):
        folder.mkdir()
        (folder / "a.txt").write_text(REPORT, encoding="utf-8")
    update_index(index, corpus)
    corrupt(index, "a.txt")
    # Another corpus folder with the same file names: the cache is not its.
    assert update_index(index, other).changed == []
    (index / digests.FILE_NAME).write_text("{not json", encoding="utf-8")
    assert not update_index(index, other).did_work
    assert set(cache(index)) == {"a.txt"}


@pytest.fixture
def manifest_reads(monkeypatch):
    """How many times a run reads the index's manifest (store.snapshot, counted; it changes nothing)."""
    from indexer.engine import store

    count, snapshot = [0], store.snapshot

    def counting(ix):
        count[0] += 1
        return snapshot(ix)

    monkeypatch.setattr(store, "snapshot", counting)
    return count


def test_a_run_after_a_settled_one_knows_the_manifest_without_reading_it(tmp_path, settled, manifest_reads):
    from indexer import furniture_table

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "a.txt").write_text(REPORT, encoding="utf-8")
    (corpus / "b.txt").write_text(REPORT.replace("甲县", "乙县"), encoding="utf-8")
    update_index(index, corpus)                        # commits, and settles the digests with it
    assert not update_index(index, corpus).did_work and manifest_reads[0] == 1
    # Files added, removed or changed since are found against the settled list, as against the index.
    for change, expect in ((lambda: (corpus / "c.txt").write_text(REPORT.replace("甲县", "丙县"), encoding="utf-8"),
                            "added"),
                           (lambda: (corpus / "b.txt").unlink(), "deleted"),
                           (lambda: (corpus / "a.txt").write_text(REPORT.replace("三万亩", "五万亩"), encoding="utf-8"),
                            "changed")):
        change()
        assert len(getattr(update_index(index, corpus), expect)) == 1, expect
        assert not update_index(index, corpus).did_work and manifest_reads[0] == 1
    assert Searcher(index).search("五万亩").total == 1
    # What the record cannot vouch for sends the run to the index again: a tampered digest, another
    # furniture table, another columns.ini, a commit it does not name (made by a run that kept no record).
    def unnamed_commit():
        kept = (index / digests.FILE_NAME).read_bytes()
        update_index(index, corpus, rebuild=True)
        (index / digests.FILE_NAME).write_bytes(kept)

    for change in (lambda: corrupt(index, "a.txt"),
                   lambda: furniture_table.save(index, furniture_table.load(index, -1), 99),
                   lambda: (corpus / "columns.ini").write_text("[*.csv]\ntitle = 名称\n", encoding="utf-8"),
                   unnamed_commit):
        assert not update_index(index, corpus).did_work
        reads = manifest_reads[0]
        assert not update_index(index, corpus).did_work and manifest_reads[0] == reads    # settled
        change()
        reads = manifest_reads[0]                      # (a rebuild reads it too)
        update_index(index, corpus)
        assert manifest_reads[0] == reads + 1, change
