"""Report-level near-duplicates: signatures on literal text, then real incremental index runs."""
from indexer.ingest.dedup import containment, signature, similarity
from indexer.search.searcher import Searcher
from indexer.update import update_index
from indexer.ingest.pipeline import dupkey
from indexer.text.normalize import word_characters

R = ("嘉禾县农村社区建设工作情况汇报\n"
     "嘉禾县围绕建设城乡一体化示范县的总体目标，按照就地城镇化、就近市民化的总体思路推进农村社区建设，着力推动基础设施向乡村延伸。\n"
     "一、主要做法\n全县建成农村社区服务中心三十三个，实现了公共服务全覆盖，群众满意度明显提升，民调排名跃升为全省第九位。\n")
OTHER = "攸县留守儿童关爱工作汇报\n攸县为全县留守儿童建立成长档案，每周开展一次关爱活动，落实结对帮扶责任人，关爱网络覆盖全部乡镇。\n"


def paras(text):
    return [line for line in text.splitlines()[1:] if len(line) > 10]


def test_signatures_tell_copies_from_different_reports():
    a, a_size = signature(paras(R))
    b, b_size = signature([p.replace("，", ",").replace("三十三", "三十四") for p in paras(R)])
    c, c_size = signature(paras(OTHER))
    assert similarity(a, a) == 1.0
    assert similarity(a, b) > 0.8                    # punctuation ignored, one number changed
    assert similarity(a, c) < 0.2
    half, half_size = signature(paras(R)[:1])
    assert containment(half, half_size, a, a_size) > 0.8     # an excerpt is held by the whole …
    assert containment(a, a_size, half, half_size) < 0.8     # … the whole is not held by the excerpt


def titles(index, q):
    return [(h.source, h.title, [l["source"] for l in h.locations])
            for h in Searcher(index, refresh_seconds=0).search(q, limit=50).hits]


def test_copies_are_indexed_once_and_come_back_when_the_kept_one_goes(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    # Twice in one file (the second copy republished with other punctuation), and once more elsewhere.
    (corpus / "a.txt").write_text(R + OTHER + R.replace("，", ","), encoding="utf-8")
    (corpus / "b.txt").write_text(R, encoding="utf-8")
    first = update_index(index, corpus)
    assert first.reports == 2
    assert [(d["source"], d["kept_source"]) for d in first.duplicates] == [("a.txt", "a.txt"), ("b.txt", "a.txt")]
    assert titles(index, '"农村社区服务中心"') == [("a.txt", "嘉禾县农村社区建设工作情况汇报", ["a.txt", "b.txt"])]

    (corpus / "a.txt").unlink()                      # the kept copy goes: b.txt is searchable again
    update_index(index, corpus)
    assert titles(index, '"农村社区服务中心"') == [("b.txt", "嘉禾县农村社区建设工作情况汇报", [])]

    # An earlier copy (in path order) comes back: as in a fresh build, it is the one kept.
    (corpus / "a.txt").write_text(R, encoding="utf-8")
    back = update_index(index, corpus)
    assert back.reports == 1 and [(d["source"], d["kept_source"]) for d in back.duplicates] == [("b.txt", "a.txt")]
    assert titles(index, '"农村社区服务中心"') == [("a.txt", "嘉禾县农村社区建设工作情况汇报", ["b.txt"])]

    # The kept copy is rewritten into another report: the copy is compared again and indexed.
    (corpus / "b.txt").write_text(OTHER.replace("攸县", "茶陵县"), encoding="utf-8")
    update_index(index, corpus)
    assert titles(index, '"农村社区服务中心"') == [("a.txt", "嘉禾县农村社区建设工作情况汇报", [])]
    assert not update_index(index, corpus).did_work

    rebuilt = update_index(index, corpus, rebuild=True)
    assert rebuilt.reports == 2 and rebuilt.duplicates == []


def test_a_longer_version_is_not_hidden(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    short = R.split("一、")[0]
    (corpus / "a.txt").write_text(short, encoding="utf-8")
    (corpus / "b.txt").write_text(R, encoding="utf-8")
    summary = update_index(index, corpus)
    assert summary.duplicates == [] and summary.reports == 2
    assert Searcher(index).search('"农村社区服务中心"').total == 1


def stored(index):
    from indexer.engine import store
    with store.open_index(index).reader() as reader:
        return sorted((d.get("id") or "", d.get("dupkey") or "", d.get("meta") or "") for _, d in reader.iter_docs())


def test_incremental_runs_end_where_a_fresh_build_does(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "c.txt").write_text(R, encoding="utf-8")
    (corpus / "d.txt").write_text(OTHER, encoding="utf-8")
    update_index(tmp_path / "index", corpus)
    # An earlier file (in path order) with the same report, then the later copy changes, then goes.
    for step in (lambda: (corpus / "a.txt").write_text(R, encoding="utf-8"),
                 lambda: (corpus / "c.txt").write_text(R + OTHER, encoding="utf-8"),
                 lambda: (corpus / "a.txt").unlink()):
        step()
        update_index(tmp_path / "index", corpus)
        fresh = tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}"
        update_index(fresh, corpus)
        assert stored(tmp_path / "index") == stored(fresh)


def test_an_index_folder_deleted_and_built_again_is_not_confused_with_the_old_one(tmp_path):
    import shutil

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "a.txt").write_text(R, encoding="utf-8")
    update_index(index, corpus)                      # generation 1: R is the kept report
    (corpus / "d.txt").write_text("丁县河长制工作汇报\n丁县全面推行河长制，县乡村三级河长巡河一万余次，清理河道垃圾两千吨。\n",
                                  encoding="utf-8")
    update_index(index, corpus)                      # reads generation 1's records
    shutil.rmtree(index)
    (corpus / "a.txt").unlink()
    (corpus / "d.txt").unlink()
    (corpus / "b.txt").write_text(OTHER, encoding="utf-8")
    update_index(index, corpus)                      # generation 1 again, now holding OTHER
    (corpus / "c.txt").write_text(OTHER, encoding="utf-8")
    summary = update_index(index, corpus)            # same process: the records read must be OTHER's
    assert [(d["source"], d["kept_source"]) for d in summary.duplicates] == [("c.txt", "b.txt")]


def test_signatures_made_another_way_ask_for_a_rebuild(tmp_path, monkeypatch):
    import pytest

    import indexer.ingest.dedup
    from indexer.errors import ReportSearchError

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "a.txt").write_text(R, encoding="utf-8")
    update_index(index, corpus)
    monkeypatch.setattr(indexer.ingest.dedup, "HASH", "another")          # as a later version would
    (corpus / "b.txt").write_text(OTHER, encoding="utf-8")
    with pytest.raises(ReportSearchError, match="--rebuild"):
        update_index(index, corpus)
    assert update_index(index, corpus, rebuild=True).reports == 2
    (corpus / "c.txt").write_text(R, encoding="utf-8")
    assert [d["source"] for d in update_index(index, corpus).duplicates] == ["c.txt"]


def kept_table(index):
    """(source, report_id) of every kept report in the index's dedup table, and its generation."""
    import sqlite3
    from contextlib import closing

    from indexer import dedup_table

    with closing(sqlite3.connect(dedup_table.path_of(index))) as db:
        rows = sorted(db.execute("SELECT source, report_id FROM kept"))
        return rows, db.execute("SELECT generation FROM state").fetchall()[0][0]


def generation(index):
    from indexer.engine import store
    return store.snapshot(store.open_index(index))[0]


def test_the_dedup_table_follows_each_run_and_ends_where_a_fresh_build_does(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "c.txt").write_text(R, encoding="utf-8")
    (corpus / "d.txt").write_text(OTHER, encoding="utf-8")
    update_index(index, corpus)
    for step in (lambda: (corpus / "a.txt").write_text(R, encoding="utf-8"),       # an earlier copy: kept instead
                 lambda: (corpus / "c.txt").write_text(R + OTHER, encoding="utf-8"),
                 lambda: (corpus / "d.txt").unlink(),
                 lambda: (corpus / "a.txt").unlink()):
        step()
        update_index(index, corpus)
        fresh = tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}"
        update_index(fresh, corpus)
        assert kept_table(index) == (kept_table(fresh)[0], generation(index))
        assert stored(index) == stored(fresh)


def test_a_dedup_table_of_another_generation_is_not_trusted_and_is_written_again(tmp_path):
    from indexer import dedup_table

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "a.txt").write_text(R, encoding="utf-8")
    update_index(index, corpus)
    # As a run leaves it when its commit fails after the table was written: a generation never made,
    # and a table that no longer holds the kept report.
    dedup_table.save(index, generation(index) + 1, [], set(["a.txt"]))
    (corpus / "b.txt").write_text(R, encoding="utf-8")
    summary = update_index(index, corpus)
    assert [(d["source"], d["kept_source"]) for d in summary.duplicates] == [("b.txt", "a.txt")]
    assert kept_table(index) == ([("a.txt", kept_table(index)[0][0][1])], generation(index))
    (corpus / "c.txt").write_text(R, encoding="utf-8")             # the table now answers by itself
    assert [d["source"] for d in update_index(index, corpus).duplicates] == ["c.txt"]


def test_copies_that_differ_only_in_marks_width_and_script_share_their_word_characters():
    assert word_characters("土地流轉，　ＡＢ_c 2024！") == "土地流转abc2024"
    assert dupkey("全县流转土地三万亩。") == dupkey("全縣流轉土地 三萬畝") != dupkey("全县流转土地四万亩。")
    assert signature(["全县流转土地三万亩。", "农民增收。"]) == signature(["全縣流轉土地三萬畝", "农民增收"])
