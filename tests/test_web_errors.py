"""The error shapes every route gives for a missing index and for a bad query.

JSON under /api/: {"error": {"status", "message"}}; elsewhere the error page (its title says
the status, its heading the message); the search page alone keeps its form and shows the
message above it. A paragraph or report link with a bad filter still opens.
"""
import re

import pytest

from indexer.update import update_index
from webapp import create_app

NO_INDEX = "索引尚未建立或为空，请先运行 reportsearch index；索引建好后本页自动恢复，无需重启"
DAMAGED = "索引已损坏（缺少文件），请运行 reportsearch index --rebuild 重建索引；重建后本页自动恢复，无需重启"
BAD_SORT = "排序方式只能是 relevance（相关度）或 date（日期）"
NO_WORDS = "查询中没有可检索的文字（只有标点或符号），请输入词语，例如：一站式服务"
PID = "0123456789abcdef"


@pytest.fixture(scope="module")
def missing(tmp_path_factory):
    return create_app({"INDEX_DIR": str(tmp_path_factory.mktemp("none") / "index"), "TESTING": True}).test_client()


def assert_error(r, status: int, kind: str, message: str) -> None:
    """kind: "json", "page" (the error page) or "form" (the search page with a notice)."""
    assert r.status_code == status
    if kind == "json":
        assert r.mimetype == "application/json"
        assert r.get_json() == {"error": {"status": status, "message": message}}
        return
    html = r.get_data(as_text=True)
    assert r.mimetype == "text/html" and "Traceback" not in html
    if kind == "page":
        assert f"<title>{status} - 报告检索</title>" in html
        assert re.search(r'<div class="empty" role="alert">\s*<h1>(.*?)</h1>', html).group(1) == message
    else:
        assert f'<p class="notice" role="alert">{message}</p>' in html and 'name="q"' in html


@pytest.mark.parametrize("url, kind", [
    ("/?q=社区", "page"),
    ("/facets?q=社区", "page"),
    ("/api/search?q=社区", "json"),
    ("/export.md?q=社区", "page"),
    ("/export.csv?q=社区", "page"),
    (f"/p/{PID}", "page"),
    (f"/r/{PID[:12]}", "page"),
    (f"/api/p/{PID}", "json"),
    (f"/api/p/{PID}/similar", "json"),
])
def test_a_missing_index_is_503_on_every_route(missing, url, kind):
    assert_error(missing.get(url), 503, kind, NO_INDEX)


def test_a_damaged_index_is_503_saying_to_rebuild_and_the_page_recovers_after(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("甲县社区工作汇报\n甲县建立了社区服务中心，为居民办理各项事务。\n", encoding="utf-8")
    update_index(tmp_path / "index", corpus)
    sorted((tmp_path / "index").glob("*.trm"))[0].unlink()
    client = create_app({"INDEX_DIR": str(tmp_path / "index"), "TESTING": True}).test_client()
    for url, kind in (("/?q=社区", "page"), ("/api/search?q=社区", "json")):
        r = client.get(url)
        assert_error(r, 503, kind, DAMAGED)
        assert r.headers["Retry-After"] == "10"
    update_index(tmp_path / "index", corpus, rebuild=True)
    assert client.get("/api/search?q=社区").get_json()["total"] == 1


@pytest.mark.parametrize("url, kind", [
    ("/?q=社区&sort=x", "form"),
    ("/facets?q=社区&sort=x", "page"),
    ("/api/search?q=社区&sort=x", "json"),
    ("/export.md?q=社区&sort=x", "page"),
    ("/export.csv?q=社区&sort=x", "page"),
])
@pytest.mark.parametrize("index", ["seed", "missing"])
def test_a_bad_filter_is_400_with_its_message(client, missing, index, url, kind):
    # The parameters are read before the index is opened, so a missing index does not hide them.
    assert_error((client if index == "seed" else missing).get(url), 400, kind, BAD_SORT)


@pytest.mark.parametrize("url, kind", [
    ("/?q=，，，", "form"),
    ("/facets?q=，，，", "page"),
    ("/api/search?q=，，，", "json"),
    ("/export.md?q=，，，", "page"),
    ("/export.csv?q=，，，", "page"),
])
def test_a_query_without_words_is_400_with_its_message(client, url, kind):
    assert_error(client.get(url), 400, kind, NO_WORDS)


@pytest.mark.parametrize("path", ["/p/{pid}", "/r/{rid}", "/api/p/{pid}", "/api/p/{pid}/similar"])
def test_a_bad_filter_does_not_keep_a_paragraph_or_report_from_opening(client, path):
    hit = client.get("/api/search?q=社区&limit=1").get_json()["results"][0]
    url = path.format(pid=hit["id"], rid=hit["report_id"])
    assert client.get(url + "?q=社区&sort=x").status_code == 200
