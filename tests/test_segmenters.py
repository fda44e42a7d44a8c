"""An index records the segmenter that cut its words; its writes and its queries use that one."""
import sys

import pytest

from indexer.engine.schema import segmenter_of
from indexer.engine.store import open_index
from indexer.errors import IndexMissing, ReportSearchError
from indexer.search.searcher import Searcher
from indexer.text.analysis import query_segmenter, reset_segmenter, use_for_queries
from indexer.text.segmenters import JIEBA, RJIEBA, available, preferred
from indexer.update import update_index

needs_rjieba = pytest.mark.skipif(not available(RJIEBA), reason="rjieba is not installed")


def corpus_with(tmp_path, *texts):
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    for i, text in enumerate(texts):
        (corpus / f"r{i}.txt").write_text(f"某县工作汇报{i}\n{text}\n", encoding="utf-8")
    return corpus


def recorded(index_dir):
    ix = open_index(index_dir)
    try:
        return segmenter_of(ix.schema)
    finally:
        ix.close()


def test_an_unknown_segmenter_name_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTSEARCH_SEGMENTER", "pkuseg")
    with pytest.raises(ReportSearchError, match="REPORTSEARCH_SEGMENTER.*pkuseg"):
        update_index(tmp_path / "ix", corpus_with(tmp_path, "我县推进土地流转。"))


@needs_rjieba
def test_an_index_keeps_its_segmenter_until_rebuilt(tmp_path, monkeypatch):
    corpus = corpus_with(tmp_path, "我县推进土地流转，2024-01-06召开会议。")
    monkeypatch.setenv("REPORTSEARCH_SEGMENTER", JIEBA)
    update_index(tmp_path / "ix", corpus)
    assert recorded(tmp_path / "ix") == JIEBA
    monkeypatch.delenv("REPORTSEARCH_SEGMENTER")
    assert preferred() == RJIEBA
    corpus_with(tmp_path, "我县推进土地流转，2024-01-06召开会议。", "社区服务中心建成运行。")
    update_index(tmp_path / "ix", corpus)               # incremental: still cut by jieba
    assert recorded(tmp_path / "ix") == JIEBA
    searcher = Searcher(tmp_path / "ix")
    assert searcher.search("社区服务中心").total == 1
    assert query_segmenter() == JIEBA                   # queries are cut as the index was
    update_index(tmp_path / "ix", corpus, rebuild=True)
    assert recorded(tmp_path / "ix") == RJIEBA
    searcher = Searcher(tmp_path / "ix")
    assert searcher.search("2024").total == 1
    assert query_segmenter() == RJIEBA
    use_for_queries(None)


@needs_rjieba
def test_an_index_cut_by_a_segmenter_this_machine_lacks_asks_for_a_rebuild(tmp_path, monkeypatch):
    corpus = corpus_with(tmp_path, "我县推进土地流转。")
    update_index(tmp_path / "ix", corpus)
    assert recorded(tmp_path / "ix") == RJIEBA
    monkeypatch.setitem(sys.modules, "rjieba", None)    # as if its wheel were not installed
    reset_segmenter()
    try:
        assert not available(RJIEBA) and preferred() == JIEBA
        with pytest.raises(IndexMissing, match="rjieba.*--rebuild"):
            Searcher(tmp_path / "ix").search("土地流转")
        corpus_with(tmp_path, "我县推进土地流转。", "社区服务中心建成运行。")
        with pytest.raises(ReportSearchError, match="rjieba.*--rebuild"):
            update_index(tmp_path / "ix", corpus)
        update_index(tmp_path / "ix", corpus, rebuild=True)
        assert recorded(tmp_path / "ix") == JIEBA
        assert Searcher(tmp_path / "ix").search("土地流转").total == 1
    finally:
        monkeypatch.undo()
        reset_segmenter()
        use_for_queries(None)


def test_a_tokenizer_unpickled_from_an_older_index_reads_as_jieba():
    import pickle

    from indexer.engine.analyzer import WordTokenizer

    # Older versions pickled a WordTokenizer with no instance attributes: that is what jieba built.
    old = pickle.loads(pickle.dumps(WordTokenizer.__new__(WordTokenizer)))
    assert old.__dict__ == {} and old.segmenter == JIEBA
    assert pickle.loads(pickle.dumps(WordTokenizer(RJIEBA))).segmenter == RJIEBA
