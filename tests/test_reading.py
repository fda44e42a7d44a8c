"""An indexing run reads and parses each corpus file once (indexer.ingest.reading).

The counters wrap the read and parse functions the module calls: they count, and change nothing.
"""
from collections import Counter

import pytest

from indexer.engine import store
from indexer.ingest import digests, pipeline, reading
from indexer.update import update_index

R = ("城乡社区建设工作情况汇报\n一、基本情况\n我区建立了农村社区服务中心，开展一站式服务，"
     "全区共建成社区服务站四十个，覆盖全部行政村。\n二、主要做法\n推行网格化管理，每个网格配备一名网格员，"
     "及时收集群众诉求并分类处理。\n")
OTHER = "乙镇留守儿童关爱工作汇报\n乙镇为全镇留守儿童建立了成长档案，每周开展一次关爱活动。\n"
THIRD = "丁县河长制工作汇报\n丁县全面推行河长制，县乡村三级河长巡河一万余次，清理河道垃圾两千吨。\n"


@pytest.fixture
def counted(monkeypatch):
    """(reads, parses) by file name, counted from now on."""
    # Files written by a test are younger than the racy window: close it, so that unchanged
    # files are recognised by their stat (as they are in real use) and never read.
    monkeypatch.setattr(digests, "RACY_SECONDS", 0.0)
    reads, parses = Counter(), Counter()
    read_bytes, file_document = reading.read_bytes, pipeline.file_document

    def counting_read(path):
        reads[path.name] += 1
        return read_bytes(path)

    def counting_parse(data, source, **options):
        parses[source] += 1
        return file_document(data, source, **options)

    monkeypatch.setattr(reading, "read_bytes", counting_read)
    monkeypatch.setattr(pipeline, "file_document", counting_parse)     # imported when first needed
    return reads, parses


def write(corpus, name, text):
    corpus.mkdir(parents=True, exist_ok=True)
    (corpus / name).write_text(text, encoding="utf-8")


def test_a_full_build_reads_each_file_once(tmp_path, counted):
    corpus = tmp_path / "corpus"
    for name, text in (("a.txt", R), ("b.txt", OTHER), ("c.txt", THIRD)):
        write(corpus, name, text)
    assert update_index(tmp_path / "index", corpus).paragraphs == 4
    assert counted == ({"a.txt": 1, "b.txt": 1, "c.txt": 1}, {"a.txt": 1, "b.txt": 1, "c.txt": 1})


def test_an_incremental_run_reads_each_new_or_changed_file_once(tmp_path, counted):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write(corpus, "b.txt", OTHER)
    write(corpus, "c.txt", THIRD)
    update_index(index, corpus)
    reads, parses = counted
    reads.clear(), parses.clear()
    write(corpus, "a.txt", R)                                    # new
    write(corpus, "b.txt", OTHER.replace("每周", "每月"))         # changed
    summary = update_index(index, corpus)
    assert (summary.added, summary.changed, summary.unchanged) == (["a.txt"], ["b.txt"], 1)
    assert reads == {"a.txt": 1, "b.txt": 1} and parses == {"a.txt": 1, "b.txt": 1}


def test_a_file_whose_kept_copy_moves_is_read_once_too(tmp_path, counted):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write(corpus, "c.txt", R)
    write(corpus, "d.txt", OTHER)
    update_index(index, corpus)
    reads, parses = counted
    reads.clear(), parses.clear()
    # An earlier file (in path order) holds the same report: c.txt becomes its duplicate, and
    # is read again for that.
    write(corpus, "a.txt", R)
    summary = update_index(index, corpus)
    assert [(d["source"], d["kept_source"]) for d in summary.duplicates] == [("c.txt", "a.txt")]
    assert reads == {"a.txt": 1, "c.txt": 1} and parses == {"a.txt": 1, "c.txt": 1}


def test_parses_held_on_disk_index_as_parses_held_in_memory(tmp_path, monkeypatch):
    def run(name):
        corpus, index = tmp_path / name / "corpus", tmp_path / name / "index"
        write(corpus, "c.txt", R)
        write(corpus, "d.txt", OTHER)
        update_index(index, corpus)
        write(corpus, "a.txt", R)
        write(corpus, "d.txt", OTHER + THIRD)
        update_index(index, corpus)
        with store.open_index(index).reader() as reader:
            return sorted((d.get("id") or "", d.get("dupkey") or "", d.get("text") or "") for _, d in reader.iter_docs())

    in_memory = run("memory")
    monkeypatch.setattr(reading, "HELD_IN_MEMORY", 1)           # every held parse goes to the temporary file
    assert run("disk") == in_memory


def test_files_read_again_for_learnt_furniture_are_read_once(tmp_path, counted):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    nav = "本站导航栏目\n"
    write(corpus, "a.txt", nav + OTHER + nav)
    write(corpus, "b.txt", nav + THIRD + nav)
    update_index(index, corpus)
    reads, parses = counted
    reads.clear(), parses.clear()
    # A third file makes the line furniture: the two unchanged files are read again, once.
    write(corpus, "c.txt", nav + R + nav)
    assert update_index(index, corpus).added == ["c.txt"]
    assert reads == parses == {"a.txt": 1, "b.txt": 1, "c.txt": 1}
