"""Furniture learnt at index time: an incremental run ends where a fresh build would."""
import json

import pytest

from indexer import furniture_table
from indexer.engine import store
from indexer.ingest import digests
from indexer.update import update_index

NAV = "本站导航栏目"
BODIES = {
    "a.txt": ("甲县河长制工作汇报", "甲县全面推行河长制，县乡村三级河长巡河一万余次，清理河道垃圾两千吨。"),
    "b.txt": ("乙镇留守儿童关爱工作汇报", "乙镇为全镇留守儿童建立了成长档案，每周开展一次关爱活动。"),
    "c.txt": ("丙区社区建设工作汇报", "丙区建成社区服务站四十个，推行网格化管理，及时收集群众诉求。"),
    "d.txt": ("丁市垃圾分类工作汇报", "丁市建成垃圾分类投放点三千个，生活垃圾回收利用率达到百分之三十五。"),
}


@pytest.fixture(autouse=True)
def no_racy_window(monkeypatch):
    # Files written by a test are younger than the racy window: close it, as in real use.
    monkeypatch.setattr(digests, "RACY_SECONDS", 0.0)


def write(corpus, names):
    corpus.mkdir(parents=True, exist_ok=True)
    for name in names:
        title, body = BODIES[name]
        (corpus / name).write_text(f"{NAV}\n{title}\n{body}\n{NAV}\n", encoding="utf-8")


def paragraphs(index_dir):
    ix = store.open_index(index_dir)
    return sorted((p["source"], p["id"], p["text"]) for p in store.stored_paragraphs(ix))


def fresh(tmp_path, corpus):
    index_dir = tmp_path / f"fresh{len(list(tmp_path.iterdir()))}"
    update_index(index_dir, corpus)
    return paragraphs(index_dir)


def leaks(index_dir):
    """The navigation line reaches paragraph text."""
    return any(NAV in text for _, _, text in paragraphs(index_dir))


def test_a_line_at_the_edges_of_three_files_is_in_no_paragraph(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write(corpus, ["a.txt", "b.txt"])
    update_index(index, corpus)
    assert leaks(index)                                # two files are not a pattern
    write(corpus, ["c.txt"])
    summary = update_index(index, corpus)
    assert summary.added == ["c.txt"]
    assert not leaks(index)                            # a.txt and b.txt were read again
    assert paragraphs(index) == fresh(tmp_path, corpus)


def test_adding_and_deleting_files_ends_where_a_fresh_build_does(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write(corpus, ["a.txt", "b.txt", "c.txt"])
    update_index(index, corpus)
    assert not leaks(index)
    write(corpus, ["d.txt"])
    update_index(index, corpus)
    assert paragraphs(index) == fresh(tmp_path, corpus) and not leaks(index)
    (corpus / "d.txt").unlink()
    (corpus / "c.txt").unlink()
    update_index(index, corpus)                               # two files left: the line comes back
    assert leaks(index)
    assert paragraphs(index) == fresh(tmp_path, corpus)


def test_a_run_with_nothing_to_do_reads_nothing_and_the_table_follows_the_index(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write(corpus, ["a.txt", "b.txt", "c.txt"])
    update_index(index, corpus)
    data = json.loads((index / furniture_table.FILE_NAME).read_text(encoding="utf-8"))
    assert sorted(data["files"]) == ["a.txt", "b.txt", "c.txt"]
    assert not update_index(index, corpus).did_work
    assert store.leftovers(index) == []


def test_an_index_without_the_table_is_brought_in_line(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write(corpus, ["a.txt", "b.txt", "c.txt"])
    update_index(index, corpus)
    (index / furniture_table.FILE_NAME).unlink()              # as an index made before it was kept
    update_index(index, corpus)
    assert paragraphs(index) == fresh(tmp_path, corpus)
    assert (index / furniture_table.FILE_NAME).exists()
