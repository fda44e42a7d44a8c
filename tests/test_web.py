"""Every route through the real app's test client, including the bad requests."""
import re
from html.parser import HTMLParser

import pytest


class Marks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.marks, self._in = [], False

    def handle_starttag(self, tag, attrs):
        self._in = tag == "mark"

    def handle_data(self, data):
        if self._in:
            self.marks.append(data)

    def handle_endtag(self, tag):
        self._in = False


def test_search_page_shows_highlighted_results(client):
    r = client.get("/?q=土地流转")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    parser = Marks()
    parser.feed(html)
    assert "土地流转" in parser.marks
    assert re.search(r"找到 <strong class=\"list-total\">\d+</strong> 条结果", html)
    assert "/p/" in html and "›" in html


def test_home_page(client):
    r = client.get("/")
    assert r.status_code == 200 and 'name="q"' in r.get_data(as_text=True)


def test_api_shape_and_permalink(client):
    data = client.get("/api/search?q=一站式服务&limit=3").get_json()
    assert set(data) >= {"query", "total", "took_ms", "results"}
    assert 1 <= len(data["results"]) <= 3
    first = data["results"][0]
    assert set(first) >= {"id", "report_id", "title", "section", "text", "snippet", "url", "score"}
    assert first["url"].startswith("http://localhost/p/")
    page = client.get(first["url"].replace("http://localhost", "") + "?q=一站式服务")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-target="1"' in html and "<mark>" in html
    assert f"({first['url']})" in html            # the Markdown citation


def test_pagination(client):
    one = client.get("/api/search?q=社区&limit=5&offset=0").get_json()
    two = client.get("/api/search?q=社区&limit=5&offset=5").get_json()
    assert one["total"] > 10
    assert not {r["id"] for r in one["results"]} & {r["id"] for r in two["results"]}
    html = client.get("/?q=社区&page=2").get_data(as_text=True)
    assert "第 2 /" in html and "上一页" in html


def test_a_page_past_the_last_links_to_the_last(client):
    html = client.get("/?q=社区&page=400").get_data(as_text=True)
    last = re.search(r"转到最后一页（第 (\d+) 页）", html)
    assert last and int(last.group(1)) > 1 and "第 400 页已超出结果范围" in html
    assert f'第 {last.group(1)} / {last.group(1)} 页' in client.get(f"/?q=社区&page={last.group(1)}").get_data(as_text=True)


def test_snippet_escapes_everything_but_marks(client):
    for r in client.get("/api/search?q=社区&limit=20").get_json()["results"]:
        assert re.sub(r'<mark( class="syn" title="[^"<>]*")?>|</mark>', "", r["snippet"]).count("<") == 0


@pytest.mark.parametrize("url", [
    "/api/search?q=", "/api/search", "/api/search?q=" + "土" * 10000, "/api/search?q=%22%22",
    "/api/search?q=%EF%BC%8C%E3%80%82", "/api/search?q=a&limit=0", "/api/search?q=a&limit=999",
    "/api/search?q=a&limit=x", "/api/search?q=a&offset=-1",
])
def test_api_bad_requests_are_json_400(client, url):
    r = client.get(url)
    assert r.status_code == 400
    assert r.get_json()["error"]["message"]


@pytest.mark.parametrize("q", ["", "%22", "x" * 10000, "，，，"])
def test_page_bad_queries_get_a_message(client, q):
    r = client.get("/?q=" + q)
    assert r.status_code in (200, 400)
    assert "Traceback" not in r.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/p/0123456789abcdef", "/p/nothex", "/p/../../etc/passwd", "/p/..%2F..%2Fetc%2Fpasswd",
                                 "/r/0123456789ab", "/api/p/0123456789abcdef", "/nowhere"])
def test_unknown_ids_are_404(client, url):
    r = client.get(url)
    assert r.status_code == 404


def test_api_404_is_json(client):
    assert client.get("/api/p/0123456789abcdef").get_json()["error"]["status"] == 404


def test_unbalanced_quote_is_searched(client):
    r = client.get('/api/search?q="土地流转')
    assert r.status_code == 200 and r.get_json()["total"] > 0


def test_report_page_lists_sections(client):
    pid = client.get("/api/search?q=土地流转&limit=1").get_json()["results"][0]["report_id"]
    html = client.get(f"/r/{pid}").get_data(as_text=True)
    assert 'class="heading level1"' in html and 'aria-label="本报告目录"' in html


def test_security_headers(client):
    r = client.get("/")
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_missing_index_is_503_not_500(tmp_path):
    from webapp import create_app
    client = create_app({"INDEX_DIR": str(tmp_path / "none")}).test_client()
    assert client.get("/api/search?q=社区").status_code == 503
    assert client.get("/?q=社区").status_code == 503


def test_a_paragraph_found_through_its_report_says_so(client):
    # The seed's air-pollution report says 大气污染治理 in several paragraphs; its others
    # (秸秆禁烧, 黄标车) are listed after them, marked as found through the report.
    data = client.get("/api/search?q=大气污染治理&limit=20").get_json()
    via = [r for r in data["results"] if r["through_report"]]
    assert via and all("大气污染治理" not in r["text"] for r in via)
    first_via = data["results"].index(via[0])
    assert all("大气污染治理" in r["text"] for r in data["results"][:first_via])
    page = client.get("/?q=大气污染治理").get_data(as_text=True)
    assert via[0]["through_word"] == "大气污染治理"
    assert f"所在报告有 {via[0]['through_report']} 段提到“大气污染治理”" in page


def test_a_synonym_is_marked_apart_in_json_and_on_the_paragraph_page(client):
    syn = '<mark class="syn" title="同义词：土地流转">承包地流转</mark>'
    hits = client.get("/api/search?q=土地流转&limit=50").get_json()["results"]
    marked = [h for h in hits if syn in h["snippet"]]
    assert marked
    page = client.get(f"/p/{marked[0]['id']}?q=土地流转").get_data(as_text=True)
    assert syn in page and "<mark>土地流转</mark>" in page


def test_a_lone_part_of_the_query_is_not_marked(client):
    hits = client.get("/api/search?q=一站式服务&limit=50").get_json()["results"]
    lone = [h for h in hits if "一站式" not in h["text"]]
    assert lone and not any(re.search(r"<mark[^>]*>服务</mark>", h["snippet"]) for h in lone)
