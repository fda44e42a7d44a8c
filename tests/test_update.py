"""Incremental reindexing through real index runs."""
from indexer.search.searcher import Searcher
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
    # No paragraph says 三万亩 any more (万亩 alone still finds the new one, as in an index built afresh).
    assert Searcher(index).search("三万亩").exact_total == 0

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
    before = searcher.generation()
    (corpus / "b.txt").write_text(REPORT_B, encoding="utf-8")
    update_index(index, corpus)
    assert searcher.generation() > before       # the next search reads the new commit
    assert searcher.search("留守儿童").total == 1


def test_parallel_build_indexes_what_one_process_indexes(tmp_path, monkeypatch):
    import indexer.engine.parallel
    import indexer.update

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    places = "东西南北中上下前后左右新"
    deeds = ["建立了土地流转服务中心", "为留守儿童建立了成长档案", "开通了一站式服务大厅", "组建了网格员队伍",
             "修建了村级文化广场", "开展了打击传销专项行动", "推行了河长制", "设立了就业援助站点"]
    for i in range(12):
        lines = [f"{places[i]}镇土地流转工作情况汇报"]
        for j in range(4):
            deed = deeds[(i + j * 3) % len(deeds)]
            lines.append(f"{places[i]}镇第{j + 1}季度{deed}，覆盖{(i + 1) * (j + 7)}个村，土地流转{i * 10 + j}万亩。")
        (corpus / f"{i:02}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (corpus / "broken.txt").write_bytes(bytes(range(256)) * 50)
    one = update_index(tmp_path / "one", corpus, processes=1)
    monkeypatch.setattr(indexer.update, "PARALLEL_BYTES", 0)      # parallel even for a small corpus
    monkeypatch.setattr(indexer.engine.parallel, "BATCH", 8)
    two = update_index(tmp_path / "two", corpus, processes=2)
    assert (two.paragraphs, two.reports, two.skipped) == (one.paragraphs, one.reports, one.skipped)
    from indexer.engine import store
    assert len(store.open_index(tmp_path / "two")._segments()) >= 2       # written by two workers

    def hits(index, q):
        return sorted((h.id, round(h.score, 3)) for h in Searcher(index, refresh_seconds=0).search(q, limit=50).hits)

    for q in ("土地流转", "留守儿童", "网格员", '"一站式服务"', "季度 河长制"):
        assert hits(tmp_path / "two", q) == hits(tmp_path / "one", q), q
    assert len({h.title for h in Searcher(tmp_path / "two").search("土地流转", limit=50).hits}) == 12
    # and the parallel index takes incremental updates like any other
    (corpus / "05.txt").unlink()
    assert update_index(tmp_path / "two", corpus, processes=2).deleted == ["05.txt"]
    assert len({h.title for h in Searcher(tmp_path / "two").search("土地流转", limit=50).hits}) == 11
    assert not update_index(tmp_path / "two", corpus, processes=2).did_work


def test_an_index_from_another_version_asks_for_a_rebuild_which_fixes_it(tmp_path, monkeypatch):
    import pytest
    from whoosh.filedb.filestore import FileStorage

    import indexer.engine.parallel
    import indexer.update
    from indexer.engine import store
    from indexer.errors import ReportSearchError
    from indexer.engine.schema import make_schema

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "a.txt").write_text(REPORT_A, encoding="utf-8")
    old = make_schema()
    old.remove("title_grams")                      # as if made before that field existed
    index.mkdir()
    FileStorage(str(index)).create_index(old, indexname=store.INDEX_NAME)

    with pytest.raises(ReportSearchError, match="--rebuild"):
        update_index(index, corpus)
    assert "title_grams" not in store.open_index(index).schema    # nothing was written

    monkeypatch.setattr(indexer.update, "PARALLEL_BYTES", 0)      # the rebuild runs in workers
    monkeypatch.setattr(indexer.engine.parallel, "BATCH", 1)
    (corpus / "b.txt").write_text(REPORT_B, encoding="utf-8")
    rebuilt = update_index(index, corpus, rebuild=True, processes=2)
    assert rebuilt.paragraphs == 2
    assert "title_grams" in store.open_index(index).schema
    assert ids(index, "title:土地流转") == {"甲县土地流转工作情况汇报"}
    assert not update_index(index, corpus).did_work


def a_and_b_indexed(tmp_path):
    """(corpus, index) of a corpus holding REPORT_A and REPORT_B, indexed."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "a.txt").write_text(REPORT_A, encoding="utf-8")
    (corpus / "b.txt").write_text(REPORT_B, encoding="utf-8")
    update_index(index, corpus)
    return corpus, index


def test_manifest_leaves_out_files_deleted_from_an_unmerged_segment(tmp_path, monkeypatch):
    from indexer.engine import merging, store

    monkeypatch.setattr(merging, "MERGE_MOST", 0)         # no run merges a segment
    corpus, index = a_and_b_indexed(tmp_path)
    (corpus / "c.txt").write_text(REPORT_A.replace("甲县", "丙县"), encoding="utf-8")
    update_index(index, corpus)
    (corpus / "a.txt").unlink()
    assert update_index(index, corpus).deleted == ["a.txt"]
    ix = store.open_index(index)
    with ix.reader() as reader:
        # The deletion is only marked: a.txt's documents still sit in their segment.
        assert any(leaf.has_deletions() for leaf, _ in reader.leaf_readers())
        assert set(store.manifest(reader)) == {"b.txt", "c.txt"}
    assert not update_index(index, corpus).did_work


def test_an_unreadable_file_added_later_leaves_every_search_working(tmp_path):
    # Its marker is alone in the run's new segment: a segment without any paragraph's fields.
    from webapp import create_app

    corpus, index = a_and_b_indexed(tmp_path)
    (corpus / "坏.docx").write_bytes(b"PK\x03\x04broken")
    assert list(update_index(index, corpus).skipped) == ["坏.docx"]
    assert Searcher(index).search("土地流转").total == 1
    client = create_app({"INDEX_DIR": str(index)}).test_client()
    for url in ("/?q=土地流转", "/?q=土地流转&sort=date", "/facets?q=土地流转", "/api/search?q=土地流转"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "甲县" in page.get_data(as_text=True), url


def test_a_segment_whose_reports_are_all_removed_leaves_the_index(tmp_path):
    # Whoosh keeps such a segment for ever, and every query pays for it.
    from indexer.engine import store

    def segments():
        return [(s.doc_count_all(), s.doc_count()) for s in store.open_index(index)._segments()]

    corpus, index = a_and_b_indexed(tmp_path)
    built = segments()
    for _ in range(3):                     # a report added by a run of its own, then removed
        (corpus / "c.txt").write_text(REPORT_A.replace("甲县", "丙县"), encoding="utf-8")
        update_index(index, corpus)
        assert len(segments()) == len(built) + 1
        (corpus / "c.txt").unlink()
        update_index(index, corpus)
        assert segments() == built
    assert store.leftovers(index) == []
    assert ids(index, "土地流转") == {"甲县土地流转工作情况汇报"}
    for name in ("a.txt", "b.txt"):       # and with every report gone, the index is empty and takes new ones
        (corpus / name).unlink()
    update_index(index, corpus)
    assert segments() == []
    (corpus / "a.txt").write_text(REPORT_A, encoding="utf-8")
    assert update_index(index, corpus).added == ["a.txt"]
    assert ids(index, "土地流转") == {"甲县土地流转工作情况汇报"}


def test_a_run_merges_the_smallest_segments_while_the_run_outweighs_them():
    from indexer.engine.merging import MERGE_MOST, merged_count

    assert merged_count(40, [(30, 30), (60, 60), (500, 500)]) == 2          # 30 ≤ 40, 60 ≤ 70, 500 > 130
    assert merged_count(40, [(41, 41)]) == 0
    assert merged_count(40, [(30, 90)]) == 1          # deleted documents go with their segment…
    assert merged_count(4000, [(4100, 4100)] * 3) == 0
    # …and what one run writes again is bounded: MERGE_MOST, or 1/8 of the index when that is more.
    assert MERGE_MOST < 2 * 4100
    assert merged_count(4200, [(4100, 4100)] * 3) == 1             # 16,500 documents: MERGE_MOST
    assert merged_count(4200, [(4100, 4100)] * 12) == 1            # 53,400: 1/8 is 6,675
    assert merged_count(4200, [(4100, 4100)] * 24) == 3            # 102,600: 12,825


def test_runs_each_adding_more_than_merge_most_leave_few_segments(tmp_path, monkeypatch):
    # A folder of reports dropped in at a time: each run's segment is past MERGE_MOST, and such
    # segments used to pile up, one a run (every query paying for each). Now a run may merge up
    # to 1/8 of the index, so they are merged as the index grows.
    from indexer.engine import merging, store

    monkeypatch.setattr(merging, "MERGE_MOST", 1)
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    counts = []
    for run in range(16):
        for k in range(2):
            lines = [f"第{run}批第{k}号工作汇报"] + [f"第{run}批第{k}号报告第{j}段，推进河长制和垃圾分类，完成{j * 7 + run}件。"
                                                   for j in range(20)]
            (corpus / f"{run:02}-{k}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        update_index(index, corpus)
        counts.append(len(store.open_index(index)._segments()))
    assert counts[-1] <= 9 and max(counts) <= 9, counts          # one a run before: 16
    update_index(tmp_path / "fresh", corpus)
    for q in ("河长制", "第3批第1号工作汇报", "第15批"):
        assert ids(index, q) == ids(tmp_path / "fresh", q), q


def test_daily_runs_leave_few_segments_and_find_what_a_fresh_build_finds(tmp_path, monkeypatch):
    # Each run writes its reports as a segment; every query pays for each segment.
    import random

    from indexer.engine import merging, store

    rng = random.Random(5)
    deeds = ["推行河长制", "建成日间照料中心", "开展技能培训", "整治人居环境", "调解矛盾纠纷", "发展村集体经济",
             "改造老旧小区", "建立网格员队伍", "落实低保政策", "推进垃圾分类", "修缮村级道路", "组织志愿服务"]

    def report(name: str, place: str, day: int) -> None:
        lines = [f"{place}第{day}号工作汇报"] + [f"{place}{'，'.join(rng.sample(deeds, 4))}，第{j}项完成{rng.randint(1, 9999)}件。"
                                             for j in range(30)]
        (corpus / name).write_text("\n".join(lines) + "\n", encoding="utf-8")

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()

    def segments() -> int:
        return len(store.open_index(index)._segments())

    places = "东西南北中甲乙丙丁戊己庚辛壬癸子"
    report("00.txt", "东乡", 0)
    update_index(index, corpus)
    # A run merges at most MERGE_MOST documents: bigger segments wait for a rebuild.
    monkeypatch.setattr(merging, "MERGE_MOST", 1)
    report("01.txt", "西乡", 1)
    update_index(index, corpus)
    assert segments() == 2
    monkeypatch.undo()
    counts = []
    for day, place in enumerate(places[2:], start=2):
        report(f"{day:02}.txt", f"{place}乡", day)
        update_index(index, corpus)
        counts.append(segments())
    assert max(counts) <= 5 and counts[-1] <= 4, counts       # Whoosh's own policy: 11 before it merges
    update_index(tmp_path / "fresh", corpus)
    for q in ("河长制", "日间照料中心", "乙乡", "技能培训 垃圾分类"):
        assert ids(index, q) == ids(tmp_path / "fresh", q), q
    assert len(ids(index, "乙乡")) == 1
