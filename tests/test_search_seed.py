"""End to end on the bundled corpus: the real indexer, the real index, real queries."""
import re

import pytest

from indexer.errors import QueryError
from indexer.search.searcher import Searcher
from indexer.update import update_index


@pytest.fixture(scope="module")
def searcher(seed_index):
    return Searcher(seed_index)


def all_hits(searcher, q):
    return searcher.search(q, limit=100).hits


def test_seed_yields_many_reports_with_titles(seed_index, tmp_path):
    from tests.conftest import CORPUS
    summary = update_index(tmp_path / "ix", CORPUS)
    assert 15 <= summary.reports <= 20
    assert summary.paragraphs > 150 and not summary.skipped


def test_land_transfer_finds_the_service_centre(searcher):
    hits = all_hits(searcher, "土地流转")
    assert any("土地流转服务中心" in h.text for h in hits)
    top = hits[0]
    assert "<mark>土地流转</mark>" in top.snippet or "<mark>" in top.snippet
    assert top.title and top.id


def test_every_verbatim_occurrence_is_found(searcher, seed_index):
    # Words that jieba segments differently in context must still be found.
    from whoosh import index
    ix = index.open_dir(str(seed_index), indexname="paragraphs")
    with ix.searcher() as s:
        texts = {d["id"]: d["text"] for d in s.all_stored_fields() if "text" in d}
    for q in ["新塘", "公租房", "县农村", "土地流转", "一站式服务", "社区建设", "劳动保障"]:
        expected = {pid for pid, t in texts.items() if q in t}
        found = {h.id for h in all_hits(searcher, q)}
        # Collapsed duplicates count as found when their twin is listed.
        for h in all_hits(searcher, q):
            found |= {a["id"] for a in h.also_in}
        assert expected <= found, q


def test_quoted_phrase(searcher):
    hits = all_hits(searcher, '"打击传销"')
    assert hits and all("打击传销" in h.text or "打击传销" in h.title for h in hits)
    spaced = all_hits(searcher, '"打击 传销"')
    assert {h.id for h in spaced} == {h.id for h in hits}


def test_phrase_is_contiguous_not_scattered(searcher):
    phrase = {h.id for h in all_hits(searcher, '"社区服务中心"')}
    loose = {h.id for h in all_hits(searcher, "社区 服务 中心")}
    assert phrase and phrase < loose


def test_torn_number_lines_are_never_results(searcher):
    for q in ["2300", "1163", "2003"]:
        for h in all_hits(searcher, q):
            assert re.search(r"[\u4e00-\u9fff]{8,}", h.text), h.text


def test_scraping_noise_is_gone(searcher):
    assert not any("全文内容当前网页未完全显示" in h.text for h in all_hits(searcher, "全文内容当前网页未完全显示"))
    assert all_hits(searcher, "并重的原则")


def test_traditional_query_finds_simplified_text(searcher):
    assert {h.id for h in all_hits(searcher, "土地流轉")} == {h.id for h in all_hits(searcher, "土地流转")}


def test_exclusion_and_or(searcher):
    with_chai = all_hits(searcher, "社区 拆迁")
    without = all_hits(searcher, "社区 -拆迁")
    assert with_chai and without
    assert not any("拆迁" in h.text for h in without)
    either = {h.id for h in all_hits(searcher, "公租房 OR 廉租房")}
    assert {h.id for h in all_hits(searcher, "公租房")} <= either


@pytest.mark.parametrize("q", ["", "   ", "，。！", "x" * 10000, "-拆迁", "-", "NOT"])
def test_bad_queries_raise_query_error_with_message(searcher, q):
    with pytest.raises(QueryError) as err:
        searcher.search(q)
    assert str(err.value)


@pytest.mark.parametrize("q", ['"土地流转', "土地流转”", "OR 社区", "社区 OR", "title:", "｜｜社区", "社区 -"])
def test_malformed_queries_are_searched_as_text(searcher, q):
    result = searcher.search(q)
    assert result.total >= 0


def test_an_estimated_total_never_exceeds_the_paragraphs_indexed(seed_index, monkeypatch):
    import indexer.search.searcher
    from indexer.engine import columns as facets
    from indexer.engine import store

    monkeypatch.setattr(indexer.search.searcher, "EXACT_COUNT_LIMIT", 0)     # always estimate
    searcher = Searcher(seed_index)
    result = searcher.search("社区 OR 工作 OR 建设", limit=10)
    with store.open_index(seed_index).searcher() as s:
        paragraphs = facets.paragraph_count(s)
        assert paragraphs < s.doc_count()          # the index also holds duplicate records
    assert result.estimated and len(searcher.matching_ids("社区 OR 工作 OR 建设")) <= result.total <= paragraphs
