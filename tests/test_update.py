"""Incremental reindexing through real index runs."""
from indexer.searching import Searcher
from indexer.update import update_index

REPORT_A = "甲县土地流转工作情况汇报\n一、基本情况\n甲县建立了土地流转服务中心，全县流转土地三万亩，农民增收明显。\n"
REPORT_B = "乙镇留守儿童关爱工作汇报\n乙镇为全镇留守儿童建立了成长档案，每周开展一次关爱活动。\n"


def ids(index_dir, q):
    return {h.title for h in Searcher(index_dir, refresh_seconds=0).search(q, limit=50).hits}


def test_add_change_delete(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "a.txt").write_text(REPORT_A, encoding="utf-8")
    first = update_index(index, corpus)
    assert first.added == ["a.txt"] and first.paragraphs == 1
    assert ids(index, "土地流转") == {"甲县土地流转工作情况汇报"}

    again = update_index(index, corpus)
    assert not again.did_work and again.unchanged == 1

    sub = corpus / "乡镇 报告"
    sub.mkdir()
    (sub / "b.txt").write_text(REPORT_B, encoding="gbk")
    added = update_index(index, corpus)
    assert added.added == ["乡镇 报告/b.txt"] and added.unchanged == 1
    assert ids(index, "留守儿童") == {"乙镇留守儿童关爱工作汇报"}

    (corpus / "a.txt").write_text(REPORT_A.replace("三万亩", "五万亩"), encoding="utf-8")
    changed = update_index(index, corpus)
    assert changed.changed == ["a.txt"]
    assert Searcher(index).search("五万亩").total == 1
    assert Searcher(index).search("三万亩").total == 0

    (corpus / "a.txt").unlink()
    deleted = update_index(index, corpus)
    assert deleted.deleted == ["a.txt"]
    assert Searcher(index).search("土地流转").total == 0
    assert ids(index, "留守儿童") == {"乙镇留守儿童关爱工作汇报"}

    rebuilt = update_index(index, corpus, rebuild=True)
    assert rebuilt.rebuilt and rebuilt.paragraphs == 1


def test_broken_file_is_reported_skipped_and_the_rest_indexed(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "good.txt").write_text(REPORT_A, encoding="utf-8")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 50)
    (corpus / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0junk")
    (corpus / "empty.txt").write_bytes(b"")
    summary = update_index(index, corpus)
    assert set(summary.skipped) == {"binary.txt", "old.doc", "empty.txt"}
    assert all(summary.skipped.values())
    assert Searcher(index).search("土地流转").total == 1
    # Skipped files are remembered: an unchanged corpus means no work.
    assert not update_index(index, corpus).did_work


def test_running_server_sees_a_reindex(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "a.txt").write_text(REPORT_A, encoding="utf-8")
    update_index(index, corpus)
    searcher = Searcher(index, refresh_seconds=0)
    assert searcher.search("留守儿童").total == 0
    (corpus / "b.txt").write_text(REPORT_B, encoding="utf-8")
    update_index(index, corpus)
    assert searcher.search("留守儿童").total == 1
