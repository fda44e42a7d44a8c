"""Property-based tests (hypothesis): the query parser, the cleaner, the paragraph splitter and
the whole read pipeline never raise anything but our own errors and lose no text beyond what
their rules remove; then a bounded fuzz run of the real HTTP API: no 5xx, valid JSON every time.
"""
from __future__ import annotations

import http.client
import json
import os
import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from subprocesses import start_server, stop

from indexer.ingest.clean import (CJK, STRAY_MAX, clean_blocks, clean_inline, front_matter, is_furniture, is_notice,
                                  page_lists)
from indexer.errors import QueryError, UnreadableFile
from indexer.ingest.metadata import parse_meta_line
from indexer.model import Block
from indexer.ingest.paragraphs import sectioned_paragraphs
from indexer.ingest.pipeline import file_paragraphs
from indexer.search.query import MAX_QUERY_CHARS, parse
from indexer.search.searcher import Searcher

FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.too_slow])

_REPORT_CHARS = "土地流转社区服务一站式汇报工作情况基本网格员留守儿童国務院臺灣ＡＢＣ１２３abc123"
_SYNTAX = "\"“”「」『』‘’'-－|｜:：()（）、，,;；。！？ \t\n\u3000*?~^\\/"
_SPECIAL = "\u200b\u200e\u202e\ufeff\ufffd\x00\x01\x7f\u00a0\U0001f600"
text_like = st.text(alphabet=st.sampled_from(_REPORT_CHARS + _SYNTAX + _SPECIAL), max_size=80)
any_text = st.one_of(text_like, st.text(max_size=80))
fields = st.sampled_from(["title:", "标题:", "year:", "date:", "type:", "folder:", "source:", "place:", "nosuch:", "OR ",
                          " NOT ", "AND ", "-", "\"", "“"])
query_like = st.one_of(any_text, st.lists(st.one_of(fields, text_like), max_size=12).map("".join))


def cjk(text: str) -> str:
    return "".join(re.findall(f"[{CJK}]", text))


def is_subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(c in it for c in small)


# ---- query parser

@pytest.fixture(scope="module")
def seed_searcher(seed_index):
    return Searcher(seed_index, refresh_seconds=60)


@FUZZ
@given(q=query_like)
def test_parser_never_raises_anything_but_query_error(seed_searcher, q):
    try:
        parsed = parse(q)
    except QueryError as exc:
        assert str(exc)
        return
    assert parsed.query is not None and len(q) <= MAX_QUERY_CHARS
    try:
        result = seed_searcher.search(q, limit=3)          # and the index accepts what it built
    except QueryError as exc:          # more words than one request may search (searcher.check_size)
        assert "最多" in str(exc)
        return
    assert result.total >= len(result.hits)
    for hit in result.hits:
        assert re.sub(r'<mark( class="(syn|part)" title="[^"<>]*")?>|</mark>', "", hit.snippet).count("<") == 0


# ---- cleaner

_REMOVABLE = re.compile(r"[\s'`.·\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff\ufffd\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@FUZZ
@given(line=any_text)
def test_clean_inline_removes_only_what_its_rules_name(line):
    out = clean_inline(line)
    assert _REMOVABLE.sub("", out) == _REMOVABLE.sub("", line)
    assert out == out.strip()


@FUZZ
@given(blocks=st.lists(any_text, max_size=12))
def test_clean_blocks_drops_only_noise_notice_and_metadata_lines(blocks):
    cleaned = clean_blocks(blocks)
    header, _ = front_matter(blocks)          # a collector's label：value header becomes fields
    lines = [clean_inline(raw) if i >= header else "" for i, raw in enumerate(blocks)]
    in_page_lists = page_lists(lines)
    expected = []
    for i, (raw, line) in enumerate(zip(blocks, lines)):
        dropped = (not line or is_notice(line) or is_furniture(line) or i in in_page_lists
                   or parse_meta_line(re.sub(r"[ \t\u00a0\u3000]+", " ", raw).strip()) is not None)
        if not dropped:
            expected.append(line)
    # Besides those, only a caption shown again (the first sentences of an earlier line) and
    # short lines after the text, between furniture, may go; the rest is kept in order.
    kept = iter(cleaned.blocks)
    pending = next(kept, None)
    gone, last_kept = [], -1
    for k, line in enumerate(expected):
        if line == pending:
            pending, last_kept = next(kept, None), k
        else:
            gone.append((k, line))
    assert pending is None
    for k, line in gone:
        shown_before = any(other != line and other.startswith(line) for other in lines)
        assert (k > last_kept and len(line) <= STRAY_MAX) or shown_before


# ---- paragraph splitter

blocks_strategy = st.lists(st.tuples(st.one_of(text_like, st.sampled_from(["一、基本情况", "（二）主要做法", "1、加强领导",
                                                                          "存在的问题：", "下一步打算！", "4", "领导。"])),
                                     st.integers(min_value=0, max_value=4)), max_size=15)


@FUZZ
@given(raw=blocks_strategy)
def test_paragraph_splitter_keeps_every_word(raw):
    blocks = [Block(clean_inline(t), level) for t, level in raw if clean_inline(t)]
    sections = sectioned_paragraphs(blocks)
    body = "".join(cjk(s.text) for s in sections)
    headings = " ".join(s.heading for s in sections)
    assert is_subsequence(body, "".join(cjk(b.text) for b in blocks))
    for block in blocks:
        # Every block's words are in a paragraph, or it is a heading (kept in the heading path,
        # or with nothing under it); blocks without Chinese words may be dropped by rule.
        words = cjk(block.text)
        assert not words or words in body or block.heading_level or cjk(block.text.rstrip("。.：:")) in cjk(headings)


# ---- the whole read pipeline on arbitrary bytes

@FUZZ
@given(data=st.one_of(st.binary(max_size=400), any_text.map(lambda t: t.encode("utf-8")),
                      any_text.map(lambda t: t.encode("gb18030", "replace")),
                      any_text.map(lambda t: t.encode("utf-16-le"))),
       suffix=st.sampled_from([".txt", ".md", ".html"]))
def test_pipeline_raises_only_unreadable_file(data, suffix):
    try:
        paragraphs = file_paragraphs(data, "f" + suffix)
    except UnreadableFile as exc:
        assert str(exc)
        return
    for p in paragraphs:
        assert p.text and p.id


@FUZZ
@given(html=st.lists(st.one_of(text_like, st.sampled_from(["<div>", "</div>", "<p>", "</p>", "<script>", "</script>",
                                                           "<h1>", "</h1>", "<h2>", "<br>", "<a href='javascript:x'>",
                                                           "</a>", "<!--", "-->", "<table><tr><td>", "<style>",
                                                           "<meta charset='gbk'>", "&lt;", "&#0;", "<"])),
                   max_size=40).map("".join))
def test_html_reader_never_raises_and_drops_scripts(html):
    assume("<script>" not in html or "</script>" in html.split("<script>", 1)[1])
    try:
        paragraphs = file_paragraphs(("<html><body>" + html).encode("utf-8"), "f.html")
    except UnreadableFile:
        return
    assert all("javascript:" not in p.text for p in paragraphs)


# ---- the real HTTP API

@pytest.fixture(scope="module")
def api(seed_index, tmp_path_factory):
    log = tmp_path_factory.mktemp("fuzz-server") / "server.log"
    proc, port = start_server(seed_index, log, "--host", "127.0.0.1", "--threads", "4")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    yield conn
    conn.close()
    stop(proc)
    assert "Traceback" not in log.read_text(errors="replace")


def _mutate(path: str, cuts: list[int]) -> str:
    """Break a well-formed query string the way scanners do: cut escapes in half, insert %00 and %ff."""
    route, _, out = path.partition("?")
    for cut in cuts:
        at = (cut // 10) % (len(out) + 1)
        out = out[:at] + ("%", "%00", "%ff", "%e5%9c", "%%", "&", "=", "#", "q=", "limit=")[cut % 10] + out[at:]
    return route + "?" + out


def _get(conn: http.client.HTTPConnection, path: str):
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read(), response.getheader("Content-Type", "")
    except (http.client.HTTPException, OSError):
        conn.close()                        # reconnect on the next request
        raise


number = st.one_of(st.integers(-5, 20000).map(str), st.sampled_from(["", "x", "1e3", "0x10", "٣", "１０", "10.5", "-0",
                                                                      "9" * 30, "%00"]))


@FUZZ
@given(q=query_like, limit=number, offset=number, cuts=st.lists(st.integers(0, 5000), max_size=4))
def test_api_fuzz_never_5xx_always_json(api, q, limit, offset, cuts):
    path = f"/api/search?q={quote(q, safe='')}&limit={quote(limit)}&offset={quote(offset)}"
    if cuts:
        path = _mutate(path, cuts)
    path = path.replace(" ", "%20").replace("#", "%23")
    status, body, ctype = _get(api, path)
    assert status < 500, (path, body[:300])
    data = json.loads(body.decode("utf-8"))
    assert "application/json" in ctype
    if status == 200:
        assert isinstance(data["results"], list) and data["total"] >= len(data["results"])
    else:
        assert data["error"]["status"] == status and data["error"]["message"]
