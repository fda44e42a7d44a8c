"""Equal scores are ordered by the paragraphs' position, not by how the index was built."""
import pytest

from indexer.search.ranking import best_first, position
from indexer.search.searcher import Searcher
from indexer.update import update_index

# Paragraphs that say 土地流转 alike (as often, as long, otherwise unlike): equal scores, so
# their order is the tie-break's alone.
DEEDS = ["新建村级服务站十二个覆盖全部行政村", "组织专家下乡开展培训惠及农户三千人", "修缮灌溉渠道四十公里改善农田用水",
         "引进龙头企业两家带动特色种植基地", "设立矛盾调解室及时化解邻里间纠纷", "发放扶持资金八百万元支持家庭农场"]
TIED = {f"{county}.txt": f"{county}县工作汇报\n{county}县推进土地流转，{deed}。\n"
        for county, deed in zip("甲乙丙丁戊己", DEEDS)}
TIED["转载/乙.txt"] = "乙县工作汇报（转载）\n" + TIED["乙.txt"].split("\n")[1] + "\n"    # a copy: one is shown


def write(root, files):
    for name, text in files.items():
        path = root / "corpus" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def searchers(tmp_path_factory):
    """The same files indexed at once, and one by one last first (numbered the other way)."""
    at_once = tmp_path_factory.mktemp("at_once")
    write(at_once, TIED)
    update_index(at_once / "index", at_once / "corpus")
    one_by_one = tmp_path_factory.mktemp("one_by_one")
    for name in sorted(TIED, reverse=True):
        write(one_by_one, {name: TIED[name]})
        update_index(one_by_one / "index", one_by_one / "corpus")
    return Searcher(at_once / "index"), Searcher(one_by_one / "index")


@pytest.mark.parametrize("q", ["土地流转", "推进土地流转", "土地流转 -甲县"])
def test_equal_scores_keep_one_order_however_the_index_was_built(searchers, q):
    orders = [[(h.source, h.score) for h in s.search(q, limit=4).hits] for s in searchers]
    assert orders[0] == orders[1]
    scores = [score for _, score in orders[0]]
    assert len(set(scores)) == 1                     # a real tie, else the test proves nothing


def test_tied_paragraphs_come_in_the_collection_order(searchers):
    sources = [h.source for h in searchers[1].search("土地流转", limit=10).hits]
    assert sources == sorted(sources) and len(sources) == 6


def test_best_first_orders_equal_scores_by_position():
    a = {"source": "a.txt", "ordinal": 2, "id": "x"}
    b = {"source": "a.txt", "ordinal": 1, "id": "y"}
    c = {"source": "b.txt", "ordinal": 0, "id": "z"}
    assert best_first([(1.0, c), (1.0, a), (2.0, c), (1.0, b)]) == [(2.0, c), (1.0, b), (1.0, a), (1.0, c)]
    assert position({}) == ("", 0, "")


def test_a_tie_longer_than_the_page_gives_the_first_paragraphs_in_collection_order(tmp_path):
    from indexer.search import ties
    from indexer.search.query import parse
    from indexer.search.tiers import IndexStats
    from indexer.search.ranking import stored_score

    # 150 paragraphs saying 土地流转 once each: one score, a group far longer than any page.
    files = {f"{n:03d}.txt": f"第{n}号汇报\n本村推进土地流转，编号{n}的合作社扩大规模。\n"
             for n in range(150)}
    for name, text in reversed(list(files.items())):      # numbered against the collection order
        write(tmp_path, {name: text})
    update_index(tmp_path / "index", tmp_path / "corpus")
    view = Searcher(tmp_path / "index")._current()
    exact = parse("土地流转", IndexStats(view)).exact
    every, _ = ties.top_k(view.exact_tier, exact, 1000)
    # (Near-identical reports are indexed once: some of the 150 files are left out.)
    assert len(every) > 60 and len({stored_score(s) for s, _ in every}) == 1
    in_order = sorted(every, key=lambda sd: position(view.stored_fields(sd[1])))
    assert every == in_order
    for k in (1, 5, 13, 40, len(every) - 1):
        page, exhausted = ties.top_k(view.exact_tier, exact, k)
        assert page == in_order[:k] and not exhausted
