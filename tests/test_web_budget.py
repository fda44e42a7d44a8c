"""Each request's time budget, the cap on query words and the expensive lane (hardening, item 6)."""
from __future__ import annotations

import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from indexer.search.searcher import MAX_WORDS
from webapp import create_app


@pytest.fixture(scope="module")
def hurried(seed_index):
    """An app whose every request is already out of time."""
    return create_app({"INDEX_DIR": str(seed_index), "TESTING": True, "TIME_BUDGET": 0.0}).test_client()


def test_out_of_time_is_marked_incomplete_in_json(hurried):
    r = hurried.get("/api/search?q=社区")
    assert r.status_code == 200
    assert r.get_json()["incomplete"] is True


@pytest.mark.parametrize("q", ["社区", "社区 服务", "社区 OR 服务"])
def test_out_of_time_lists_what_was_found_best_first_and_marked(hurried, client, q):
    late = hurried.get("/api/search", query_string={"q": q}).get_json()
    whole = client.get("/api/search", query_string={"q": q, "limit": 100}).get_json()
    assert late["incomplete"] is True and not whole["incomplete"]
    assert late["results"], "an exhausted budget still lists the best paragraphs found cheaply"
    scores = [r["score"] for r in late["results"]]
    assert scores == sorted(scores, reverse=True)
    assert all("<mark>" in r["snippet"] for r in late["results"])
    # What is listed is right, only not all of it: each one a hit of the whole search, with its score.
    score_of = {r["id"]: r["score"] for r in whole["results"]}
    assert all(score_of.get(r["id"]) == pytest.approx(r["score"]) for r in late["results"])
    assert len(late["results"]) <= late["total"] < whole["total"]
    assert late["total_is_estimate"] is True and late["exact_total"] is None


def test_out_of_time_page_states_the_total_as_a_lower_bound(hurried):
    html = hurried.get("/?q=社区").get_data(as_text=True)
    assert re.search(r"找到 至少 <strong class=\"list-total\">\d+</strong> 条结果", html)
    assert "结果不完整" in html and "<mark>" in html


def test_out_of_time_page_says_so_and_offers_no_suggestions(hurried):
    r = hurried.get("/?q=社区 火星人")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "结果不完整" in html
    assert "去掉“" not in html


def test_in_time_is_complete(client):
    data = client.get("/api/search?q=社区").get_json()
    assert data["incomplete"] is False and data["total"] > 0


@pytest.mark.parametrize("q", [" ".join("社区服务群众建设农村土地流转合同管理工作意见报告"[:MAX_WORDS + 1]),
                               "关于" * 100])
def test_too_many_words_is_400_in_chinese(client, q):
    r = client.get("/api/search", query_string={"q": q})
    assert r.status_code == 400
    assert "最多" in r.get_json()["error"]["message"]
    assert client.get("/", query_string={"q": q}).status_code == 400


def test_cheap_searches_do_not_wait_for_a_busy_expensive_lane(seed_index):
    app = create_app({"INDEX_DIR": str(seed_index), "TESTING": True, "TIME_BUDGET": 0.3})
    client = app.test_client()
    lane = app.extensions["reportsearch.lane"]
    assert lane.acquire()            # an expensive search is running
    try:
        assert client.get("/api/search?q=社区").status_code == 200
        busy = client.get("/api/search?q=社区 服务 群众 建设 农村")
        assert busy.status_code == 503 and "正忙" in busy.get_json()["error"]["message"]
    finally:
        lane.release()
    assert client.get("/api/search?q=社区 服务 群众 建设 农村").status_code == 200


def test_with_the_default_threads_a_cheap_search_is_answered_while_two_expensive_ones_hold_theirs(seed_index):
    """Real waitress on 127.0.0.1 with a process's default threads when there are several
    (indexer.cli.serve_threads): one expensive search in its lane and one waiting for it hold a
    thread each (here: two waiting while the test holds the lane); a cheap search still finds one.
    With two threads it queued until the expensive ones gave up."""
    from waitress.server import create_server

    from indexer.cli import serve_threads
    app = create_app({"INDEX_DIR": str(seed_index), "TIME_BUDGET": 4.0})
    server = create_server(app, host="127.0.0.1", port=0, threads=serve_threads(0, workers=2))
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{server.effective_port}/api/search?"

    def ask(q: str) -> int:
        try:
            with urllib.request.urlopen(base + urllib.parse.urlencode({"q": q}), timeout=30) as r:
                return r.status
        except urllib.error.HTTPError as exc:
            return exc.code

    assert ask("社区") == 200                       # warm: dictionary and index opened
    waiting = []

    class Lane(threading.Semaphore):                # counts the searches that came to it
        def acquire(self, *args, **kwargs):
            waiting.append(1)
            return super().acquire(*args, **kwargs)

    lane = app.extensions["reportsearch.lane"] = Lane(1)
    assert lane.acquire(blocking=False)
    try:
        costly = [threading.Thread(target=ask, args=("社区 服务 群众 建设 农村",)) for _ in range(2)]
        for t in costly:
            t.start()
        deadline = time.monotonic() + 10
        while len(waiting) < 3 and time.monotonic() < deadline:     # both at the lane, on server threads
            time.sleep(0.01)
        assert len(waiting) == 3
        started = time.monotonic()
        assert ask("土地流转") == 200
        assert time.monotonic() - started < 2.0, "the cheap search waited for a thread"
    finally:
        lane.release()
        for t in costly:
            t.join(30)
        server.close()
        server.task_dispatcher.shutdown()


def test_cheap_searches_take_turns_and_one_that_waits_its_whole_budget_still_answers(seed_index):
    app = create_app({"INDEX_DIR": str(seed_index), "TESTING": True, "TIME_BUDGET": 0.3})
    client = app.test_client()
    cheap = app.extensions["reportsearch.cheap"]
    assert client.get("/api/search?q=社区").status_code == 200
    assert cheap.acquire(blocking=False)            # the lane was left free after the search
    try:
        # Another cheap search holds the lane: this one waits its budget, then runs, cut short.
        waited = client.get("/api/search?q=社区")
        assert waited.status_code == 200 and waited.get_json()["incomplete"] is True
        # An expensive one has its own lane and does not wait for the cheap one.
        assert client.get("/api/search?q=社区 服务 群众 建设 农村").status_code == 200
    finally:
        cheap.release()
    entered = []
    with app.test_request_context():
        from flask import g
        g.deadline = None
        from webapp import budget
        with budget.lane("社区"):
            entered.append(cheap.acquire(blocking=False))   # held while the search runs
    assert entered == [False] and cheap.acquire(blocking=False)
    cheap.release()


def test_out_of_time_grouped_list_and_export_keep_what_was_found_and_say_so(hurried):
    grouped = hurried.get("/api/search?q=社区&group=report").get_json()
    assert grouped["incomplete"] is True and grouped["results"]
    assert all(g["count"] >= 1 for g in grouped["results"])
    page = hurried.get("/?q=社区&group=report").get_data(as_text=True)
    assert "结果不完整" in page and 'class="hit group"' in page
    note = hurried.get("/export.md?q=社区").get_data(as_text=True)
    assert "至少" in note and "结果不完整" in note and re.search(r"^1\. \[", note, re.M)


def test_out_of_time_permalink_still_shows_its_paragraph(hurried, client):
    hit = client.get("/api/search?q=土地流转&limit=1").get_json()["results"][0]
    page = hurried.get(f"/p/{hit['id']}")
    assert page.status_code == 200 and f'id="{hit["id"]}"' in page.get_data(as_text=True)
    similar = hurried.get(f"/api/p/{hit['id']}/similar")
    assert similar.status_code == 200 and similar.get_json()["id"] == hit["id"]
