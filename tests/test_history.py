"""Permalinks that never rot: every case through real reindex runs, then through the real app."""
import shutil

import pytest

from indexer import history
from indexer.engine import store
from indexer.search.searcher import Searcher
from indexer.search.similar import similarity
from indexer.update import update_index
from webapp import create_app

LAND = """甲县土地流转工作情况汇报
一、基本情况
甲县建立了土地流转服务中心，全县流转土地三万亩，农民增收明显。
全县成立土地股份合作社十二家，入社农户四千余户，年分红一千多万元。
二、主要做法
一是搭建平台，县乡村三级土地流转服务网络全面建成，做到信息互通。
二是规范合同，统一使用土地流转示范合同文本，流转纠纷逐年下降。
三、下一步打算
继续扩大适度规模经营，培育家庭农场和农民专业合作社，带动农民增收致富。
"""
CHILDREN = """乙镇留守儿童关爱工作汇报
乙镇为全镇留守儿童建立了成长档案，每周开展一次关爱活动，志愿者定期家访。
"""
OTHER = """丙县农村产权交易工作情况汇报
丙县建成农村产权交易平台，土地经营权流转实现线上挂牌交易，全年成交八百宗。
"""
PLATFORM = "搭建平台"          # the paragraph the user cited


class Corpus:
    """A corpus folder and its index; ``reindex`` is the real incremental indexer."""

    def __init__(self, root):
        self.dir, self.index = root / "corpus", root / "index"
        self.dir.mkdir()
        self.write("a.txt", LAND)
        self.write("b.txt", CHILDREN)
        self.reindex()
        self.searcher = Searcher(self.index, refresh_seconds=0)

    def write(self, name, text):
        path = self.dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def edit(self, name, old, new):
        path = self.dir / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")

    def reindex(self, rebuild=False):
        return update_index(self.index, self.dir, rebuild=rebuild)

    def pid(self, words):
        hits = Searcher(self.index, refresh_seconds=0).search(f'"{words}"', limit=5).hits
        assert len(hits) == 1, words
        return hits[0].id

    def text(self, pid):
        view = self.searcher.paragraph(pid)
        return next(p["text"] for p in view.report if p["id"] == pid)


@pytest.fixture()
def corpus(tmp_path):
    return Corpus(tmp_path)


@pytest.fixture()
def client(corpus):
    return create_app({"INDEX_DIR": str(corpus.index), "TESTING": True}).test_client()


def assert_opens(client, pid, expected_text, notice=None):
    html = client.get(f"/p/{pid}").get_data(as_text=True)
    target = html.split('data-target="1"', 1)[1].split("</p>", 1)[0]
    assert expected_text in target
    if notice:
        assert notice in html
    else:
        assert 'class="notice moved"' not in html


# --- a live link stays live -----------------------------------------------------------------

def test_link_survives_reindexing_and_changes_elsewhere(corpus, client):
    pid = corpus.pid(PLATFORM)
    steps = [
        lambda: None,                                                    # a reindex with nothing to do
        lambda: corpus.write("c.txt", OTHER),                            # another file added
        lambda: corpus.edit("b.txt", "每周", "每月"),                     # another file changed
        lambda: (corpus.dir / "b.txt").unlink(),                         # another file removed
        lambda: corpus.edit("a.txt", "三万亩", "五万亩"),                 # another paragraph of its report
        lambda: corpus.edit("a.txt", "二是规范合同", "二是严格规范合同"),  # its neighbour
        lambda: corpus.write("sub/d.txt", LAND.replace("甲县", "丁县")),  # a near copy of its report
    ]
    for step in steps:
        step()
        corpus.reindex()
        resolution = corpus.searcher.resolve(pid)
        assert (resolution.status, resolution.id) == ("live", pid)
        assert_opens(client, pid, PLATFORM)
    corpus.reindex(rebuild=True)
    assert corpus.searcher.resolve(pid).status == "live"
    assert_opens(client, pid, PLATFORM)


def test_a_run_killed_before_commit_leaves_links_alone(corpus):
    pid = corpus.pid(PLATFORM)
    # update_index records a changed file's paragraphs before deleting them; when the run dies
    # before its commit, the record exists but the paragraphs are still live.
    ix = store.open_index(corpus.index)
    assert history.retire(corpus.index, ix, ["a.txt"]) == len(corpus.searcher.paragraph(pid).report)
    assert history.lookup(corpus.index, pid).text.startswith("一是搭建平台")
    assert corpus.searcher.resolve(pid).status == "live"


# --- the paragraph itself changed -------------------------------------------------------------

def test_edited_paragraph_opens_the_closest_surviving_one(corpus, client):
    pid = corpus.pid(PLATFORM)
    corpus.edit("a.txt", "做到信息互通", "做到供需信息实时互通")
    corpus.reindex()
    resolution = corpus.searcher.resolve(pid)
    assert resolution.status == "edited"
    assert corpus.text(resolution.id).endswith("做到供需信息实时互通。")
    assert resolution.retired.text.endswith("做到信息互通。")
    assert_opens(client, pid, "供需信息实时互通", notice="已被修改")
    html = client.get(f"/p/{pid}").get_data(as_text=True)
    assert "你引用的原文" in html and "做到信息互通。" in html
    assert f'rel="canonical" href="http://localhost/p/{resolution.id}"' in html
    data = client.get(f"/api/p/{pid}").get_json()
    assert (data["status"], data["requested_id"], data["id"]) == ("edited", pid, resolution.id)


def test_removed_paragraph_opens_the_one_at_its_place(corpus, client):
    pid = corpus.pid(PLATFORM)
    corpus.edit("a.txt", "一是搭建平台，县乡村三级土地流转服务网络全面建成，做到信息互通。\n", "")
    corpus.reindex()
    resolution = corpus.searcher.resolve(pid)
    assert resolution.status == "removed"
    assert corpus.text(resolution.id).startswith("二是规范合同")   # it took the old place
    assert_opens(client, pid, "二是规范合同", notice="已从报告中删除")


def test_edits_chain(corpus, client):
    first = corpus.pid(PLATFORM)
    corpus.edit("a.txt", "做到信息互通", "做到信息共享")
    corpus.reindex()
    second = corpus.pid("信息共享")
    corpus.edit("a.txt", "做到信息共享", "做到信息共享互通")
    corpus.reindex()
    third = corpus.pid("信息共享互通")
    assert len({first, second, third}) == 3
    for old in (first, second):
        resolution = corpus.searcher.resolve(old)
        assert (resolution.status, resolution.id) == ("edited", third)
    # Back to the original text: the first link is live again, the later ones point to it.
    corpus.edit("a.txt", "做到信息共享互通", "做到信息互通")
    corpus.reindex()
    assert corpus.searcher.resolve(first).status == "live"
    assert corpus.searcher.resolve(third).id == first
    # …and retired once more.
    corpus.edit("a.txt", "做到信息互通", "做到信息互联互通")
    corpus.reindex()
    assert corpus.searcher.resolve(first).status == "edited"
    assert_opens(client, first, "信息互联互通", notice="已被修改")


# --- the report changed or went away ------------------------------------------------------------

def test_moved_file_keeps_its_links(corpus, client):
    pid = corpus.pid(PLATFORM)
    report_id = corpus.searcher.paragraph(pid).report_id
    (corpus.dir / "归档").mkdir()
    shutil.move(corpus.dir / "a.txt", corpus.dir / "归档" / "a.txt")
    corpus.reindex()
    resolution = corpus.searcher.resolve(pid)
    assert resolution.status == "moved"
    assert corpus.searcher.paragraph(resolution.id).source == "归档/a.txt"
    assert_opens(client, pid, PLATFORM, notice="已移动或改名")
    report = client.get(f"/r/{report_id}")
    assert report.status_code == 200 and "已移动或改名" in report.get_data(as_text=True)


def test_renamed_report_keeps_its_links(corpus):
    pid = corpus.pid(PLATFORM)
    corpus.edit("a.txt", "甲县土地流转工作情况汇报", "甲县土地流转工作情况的汇报")
    corpus.reindex()
    resolution = corpus.searcher.resolve(pid)
    assert resolution.status == "moved" and corpus.text(resolution.id).startswith("一是搭建平台")


def test_gone_report_says_so_and_offers_a_search(corpus, client):
    pid = corpus.pid(PLATFORM)
    report_id = corpus.searcher.paragraph(pid).report_id
    corpus.write("c.txt", OTHER)
    (corpus.dir / "a.txt").unlink()
    corpus.reindex()
    resolution = corpus.searcher.resolve(pid)
    assert resolution.status == "gone" and resolution.key_terms
    page = client.get(f"/p/{pid}")
    html = page.get_data(as_text=True)
    assert page.status_code == 410
    assert "已不在索引中" in html and "一是搭建平台" in html and "甲县土地流转工作情况汇报" in html
    search_url = html.split('class="term-search" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    found = client.get(search_url)
    assert found.status_code == 200 and "丙县农村产权交易工作情况汇报" in found.get_data(as_text=True)
    api = client.get(f"/api/p/{pid}")
    assert api.status_code == 410 and api.get_json()["error"]["status"] == 410
    report = client.get(f"/r/{report_id}")
    assert report.status_code == 410 and "这篇报告已不在索引中" in report.get_data(as_text=True)


def test_never_valid_links_get_a_clear_404(client):
    for url in ("/p/0123456789abcdef", "/r/0123456789ab"):
        r = client.get(url)
        assert r.status_code == 404 and "链接可能不完整" in r.get_data(as_text=True)


# --- pure parts ---------------------------------------------------------------------------------

def test_similarity_and_closest():
    assert similarity("土地流转服务中心", "土地流轉服務中心") == 1.0      # traditional script
    assert similarity("土地流转", "留守儿童") == 0.0
    assert similarity("", "土地") == 0.0
    candidates = [{"id": "a", "ordinal": 0, "text": "全县流转土地三万亩。"},
                  {"id": "b", "ordinal": 1, "text": "建立土地流转服务中心，做到信息互通。"},
                  {"id": "c", "ordinal": 2, "text": "培育家庭农场。"}]
    best, score = history.closest("建立土地流转服务中心，做到信息共享。", 1, candidates)
    assert best["id"] == "b" and 0.5 < score < 1
    assert history.nearest(5, candidates)["id"] == "c"
    assert history.nearest(1, candidates)["id"] == "b"


def test_a_relative_index_folder_works(corpus, monkeypatch):
    pid = corpus.pid(PLATFORM)
    corpus.edit("a.txt", "做到信息互通", "做到信息全面互通")
    monkeypatch.chdir(corpus.index.parent)
    update_index(corpus.index.name, corpus.dir.name)
    assert Searcher(corpus.index.name).resolve(pid).status == "edited"
