"""Web security: escaping everywhere, no path out of the index, limits, headers, no write endpoint,
and the real server (waitress on 127.0.0.1) given raw, unnormalised requests."""
from __future__ import annotations

import re
import socket
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from subprocesses import ENV, start_server, stop

from indexer.settings import SETTINGS
from indexer.update import update_index
from webapp import create_app

XSS = "<script>alert(1)</script>"
EVIL_REPORT = (f"甲县{XSS}脚本测试工作汇报\n"
               f"一、<img src=x onerror=alert(2)>基本情况\n"
               f"甲县网格化管理覆盖全县，{XSS}网格员每天巡查一次，做到“小事不出网格”。<b>加粗</b>&amp;\n")


class Page(HTMLParser):
    """Collects what a browser would execute: script elements, event handlers, javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.inline_scripts, self.script_srcs, self.handlers, self.js_urls, self.styles = 0, [], [], [], []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self._in_script = True
            if attrs.get("src"):
                self.script_srcs.append(attrs["src"])
        for name, value in attrs.items():
            if name.startswith("on"):
                self.handlers.append((tag, name))
            if name == "style":
                self.styles.append(tag)
            if value and name in ("href", "src", "action") and value.strip().lower().startswith("javascript:"):
                self.js_urls.append(value)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts += 1


def executable(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


@pytest.fixture(scope="module")
def evil_index(tmp_path_factory):
    work = tmp_path_factory.mktemp("evil")
    corpus = work / "corpus"
    corpus.mkdir()
    (corpus / "evil.txt").write_text(EVIL_REPORT, encoding="utf-8")
    update_index(work / "index", corpus)
    return work / "index"


@pytest.fixture(scope="module")
def evil(evil_index):
    return create_app({"INDEX_DIR": str(evil_index), "TESTING": True}).test_client()


def assert_safe(html: str):
    page = executable(html)
    assert page.inline_scripts == 0 and page.handlers == [] and page.js_urls == [] and page.styles == []
    assert all(src.startswith("/static/") for src in page.script_srcs)
    assert "<script>alert" not in html and "<img src=x" not in html


def test_report_text_is_escaped_on_every_page(evil):
    data = evil.get("/api/search?q=网格员").get_json()
    hit = data["results"][0]
    assert XSS in hit["text"]                              # JSON carries the text as it is…
    assert "<script>" not in hit["snippet"]                # …and the snippet is escaped HTML
    for url in ("/?q=网格员", "/?q=脚本测试", f"/p/{hit['id']}?q=网格员", f"/p/{hit['id']}", f"/r/{hit['report_id']}",
                "/?q=网格员&group=report", "/?q=网格员&more=report"):
        r = evil.get(url)
        assert r.status_code == 200, url
        html = r.get_data(as_text=True)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url
        assert_safe(html)


def test_the_excerpts_page_and_the_excerpt_buttons_carry_no_code(evil):
    assert_safe(evil.get("/excerpts").get_data(as_text=True))
    html = evil.get("/?q=网格员").get_data(as_text=True)
    # The 摘录 button keeps the paragraph as JSON in an attribute: the text is there, inert.
    assert "data-excerpt=" in html and "\\u003cscript\\u003e" in html


@pytest.mark.parametrize("q", [XSS, '"><img src=x onerror=alert(1)>', "'><svg onload=alert(1)>",
                               "javascript:alert(1)", "网格员 <script>alert(1)</script>", "</title><script>alert(1)</script>"])
def test_queries_render_as_text(evil, q):
    for url in ("/?q=" + quote(q), "/?q=" + quote(q) + "&page=x"):
        html = evil.get(url).get_data(as_text=True)
        assert_safe(html)
    assert evil.get("/api/search?q=" + quote(q)).is_json


@pytest.mark.parametrize("path", [
    "/p/../../etc/passwd", "/p/..%2F..%2Fetc%2Fpasswd", "/p/%2e%2e/%2e%2e/etc/passwd", "/p/..%252F..%252Fetc%252Fpasswd",
    "/p/%2e%2e%2f%2e%2e%2fsetup.cfg", "/r/..%2F..%2Fsetup.cfg", "/api/p/..%2F..%2Fetc%2Fpasswd", "/p/....//....//etc/passwd",
    "/static/../../setup.cfg", "/static/..%2F..%2Fsetup.cfg", "/static/%2e%2e/%2e%2e/setup.cfg", "/p/%00", "/p/a%00b",
    "/p/" + "a" * 5000, "/static/..\\..\\setup.cfg",
])
def test_ids_cannot_reach_files(evil, path):
    r = evil.get(path)
    assert r.status_code in (400, 404)
    assert b"[metadata]" not in r.data and b"root:" not in r.data


@pytest.mark.parametrize("url", [
    "/api/search?q=" + "网" * 201, "/api/search?q=a&limit=101", "/api/search?q=a&limit=-1", "/api/search?q=a&offset=10001",
    "/api/search?q=a&limit=1e9", "/api/search?q=a&offset=99999999999999999999999", "/api/search?q=a&limit=%00",
])
def test_limits_are_400_json(evil, url):
    r = evil.get(url)
    assert r.status_code == 400 and r.get_json()["error"]["status"] == 400


def test_page_number_is_bounded(evil):
    assert evil.get("/?q=网格员&page=100000").status_code == 400


def test_request_body_is_limited(evil):
    r = evil.post("/", data=b"x" * (200 * 1024))
    assert r.status_code in (405, 413)


# The one POST: the excerpts export turns the posted list into a file and stores nothing.
READ_ONLY_POSTS = {"excerpts.export"}


def test_no_write_or_admin_endpoint(evil):
    app = evil.application
    for rule in app.url_map.iter_rules():
        allowed = {"GET", "HEAD", "OPTIONS"} | ({"POST"} if rule.endpoint in READ_ONLY_POSTS else set())
        assert rule.methods <= allowed, rule
    for method in ("post", "put", "delete", "patch"):
        assert getattr(evil, method)("/api/search?q=a").status_code == 405


@pytest.mark.parametrize("url", ["/", "/?q=网格员", "/api/search?q=网格员", "/nowhere", "/api/p/0123456789abcdef",
                                 "/static/style.css", "/api/search?q="])
def test_security_headers_on_every_response(evil, url):
    r = evil.get(url)
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "object-src 'none'" in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "same-origin"
    assert r.headers["X-Frame-Options"] == "DENY"


def test_default_host_is_loopback():
    assert next(s for s in SETTINGS if s.name == "host").default == "127.0.0.1"


# The real server: raw requests that no client library would normalise.

@pytest.fixture(scope="module")
def server(evil_index, tmp_path_factory):
    log = tmp_path_factory.mktemp("server") / "server.log"
    env = {k: v for k, v in ENV.items() if k != "REPORTSEARCH_HOST"}
    proc, port = start_server(evil_index, log, "--threads", "2", env=env)
    yield port, proc
    stop(proc)


def raw(port: int, request: bytes) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request)
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:      # the server answered and hung up on a refused request
                break
            if not chunk:
                break
            chunks.append(chunk)
    data = b"".join(chunks)
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    return status, data


def test_server_listens_on_loopback_only_by_default(server):
    port, proc = server
    tcp = Path("/proc/net/tcp")
    if not tcp.exists():
        pytest.skip("needs /proc/net/tcp")
    listening = [line.split()[1] for line in tcp.read_text().splitlines()[1:] if line.split()[3] == "0A"]
    mine = [addr for addr in listening if int(addr.split(":")[1], 16) == port]
    assert mine == ["0100007F:%04X" % port]          # 127.0.0.1, not 0.0.0.0


@pytest.mark.parametrize("path", ["/p/../../etc/passwd", "/p/..%2f..%2fetc%2fpasswd", "/static/../../setup.cfg",
                                  "/static/%2e%2e/%2e%2e/setup.cfg", "/../../../../etc/passwd", "/p/%c0%ae%c0%ae/etc/passwd"])
def test_raw_traversal_on_the_real_server(server, path):
    port, _ = server
    status, data = raw(port, f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
    assert status in (400, 404)
    assert b"[metadata]" not in data and b"root:" not in data


def test_real_server_limits_headers_and_body(server):
    port, _ = server
    status, _ = raw(port, b"GET /?q=" + b"a" * (100 * 1024) + b" HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
    assert status in (400, 414, 431)
    status, _ = raw(port, b"POST /api/search HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: 2000000\r\n\r\n" + b"x" * 1000)
    assert status in (405, 413)
    status, data = raw(port, f"GET /?q={quote('网格员')} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
    assert status == 200 and b"Content-Security-Policy" in data
    assert re.search(rb"\r\nServer: reportsearch", data)
