"""The error shapes every route gives for a missing index and for a bad query.

JSON under /api/: {"error": {"status", "message"}}; elsewhere the error page (its title says
the status, its heading the message); the search page alone keeps its form and shows the
message above it. A paragraph or report link with a bad filter still opens.
"""
import re

import pytest

from webapp import create_app

NO_INDEX = "索引尚未建立或为空，请先运行 reportsearch index；索引建好后本页自动恢复，无需重启"
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
