"""Serving while the index changes: a view never reads files a commit deleted (issue: hardening,
item 4), and an empty or missing index is a 503 that recovers by itself (item 5)."""
from __future__ import annotations

import re
import threading

from indexer.search.searcher import Searcher
from indexer.update import update_index


def test_view_survives_a_rebuild_that_deletes_its_segments(tmp_path, corpus_copy):
    """Search, commit a rebuild that deletes every segment file, search again from the same
    thread before the searcher refreshes: the old view still reads its stored fields and lengths."""
    index = tmp_path / "index"
    update_index(index, corpus_copy)
    expected = Searcher(index).search("社区", limit=10)
    searcher = Searcher(index, refresh_seconds=3600)
    # The view is opened but has read no stored field or length yet (Whoosh opens those lazily).
    assert searcher.search("火星人", limit=10).total == 0
    old = {p.name for p in index.iterdir()}
    update_index(index, corpus_copy, rebuild=True)
    assert not any(n.endswith("._stored.col") for n in old & {p.name for p in index.iterdir()}), \
        "the rebuild should have deleted the old column files"
    for word in ("社区", "服务", "群众", "建设"):
        after = searcher.search(word, limit=10)
        assert after.hits
    again = searcher.search("社区", limit=10)
    assert [h.id for h in again.hits] == [h.id for h in expected.hits]
    assert [h.score for h in again.hits] == [h.score for h in expected.hits]
    assert searcher.paragraph(expected.hits[0].id) is not None


def _app(index, **config):
    from webapp import create_app
    return create_app({"INDEX_DIR": str(index), "TESTING": True, "REFRESH_SECONDS": 0, **config})


def _unavailable(client):
    for path in ("/?q=社区", "/api/search?q=社区"):
        response = client.get(path)
        assert response.status_code == 503, (path, response.status_code)
        assert "索引尚未建立或为空" in response.get_data(as_text=True)
    assert client.get("/api/search?q=社区").get_json()["error"]["status"] == 503


def test_empty_corpus_is_503_then_recovers(tmp_path, corpus_copy):
    index, empty = tmp_path / "index", tmp_path / "empty"
    empty.mkdir()
    update_index(index, empty)
    client = _app(index).test_client()
    _unavailable(client)
    update_index(index, corpus_copy)           # the running app finds it, no restart
    assert client.get("/api/search?q=社区").get_json()["total"] > 0
    assert client.get("/?q=社区").status_code == 200


def test_first_build_stopped_early_is_503_and_serve_rebuilds(tmp_path, corpus_copy):
    from indexer.engine import store
    index = tmp_path / "index"
    store.create(index)                          # what a first build leaves when stopped before its commit
    assert store.exists(index) and not store.has_documents(index)
    client = _app(index).test_client()
    _unavailable(client)
    update_index(index, corpus_copy)
    assert store.has_documents(index)
    assert client.get("/api/search?q=社区").status_code == 200


def test_missing_and_deleted_index_is_503_then_recovers(tmp_path, corpus_copy):
    import shutil
    index = tmp_path / "index"
    client = _app(index).test_client()
    _unavailable(client)                          # never built
    update_index(index, corpus_copy)
    assert client.get("/api/search?q=社区").status_code == 200
    shutil.rmtree(index)                          # deleted while serving
    _unavailable(client)
    update_index(index, corpus_copy)
    assert client.get("/api/search?q=社区").get_json()["total"] > 0
    assert client.get("/?q=社区").status_code == 200


def test_permalink_of_a_long_report_shows_its_neighbourhood(tmp_path):
    """A 400-paragraph report: the page shows ±50 paragraphs around the linked one, with links on."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    body = "\n\n".join(f"第{n}段：本县推进第{n}项农村改革工作，完善土地流转服务体系，编号{n:04d}。" for n in range(400))
    (corpus / "长篇报告.txt").write_text("长篇工作报告\n\n" + body, encoding="utf-8")
    update_index(index, corpus)
    client = _app(index).test_client()
    hits = client.get("/api/search?q=编号0200").get_json()["results"]
    assert hits
    page = client.get(f"/p/{hits[0]['id']}").get_data(as_text=True)
    assert "编号0200" in page and "编号0150" in page and "编号0250" in page
    assert "编号0149" not in page and "编号0251" not in page and "编号0000" not in page
    assert "前面还有" in page and "后面还有" in page
    assert "前面还有 150 段" in page and "后面还有 149 段" in page
    first = client.get("/api/search?q=编号0001").get_json()["results"][0]
    assert "前面还有" not in client.get(f"/p/{first['id']}").get_data(as_text=True)
    # Its report page: a window from the start, with links onward, and backward from there.
    report = client.get(f"/r/{first['report_id']}?q=土地流转")
    html = report.get_data(as_text=True)
    shown = re.findall(r"编号(\d{4})", html)
    assert shown == [f"{n:04d}" for n in range(len(shown))] and 0 < len(shown) < 400
    assert "前面还有" not in html and f"后面还有 {400 - len(shown)} 段" in html and "本页共" in html
    onward = re.search(r'class="read-more after"><a href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "q=" in onward
    later = client.get(onward).get_data(as_text=True)
    assert re.findall(r"编号(\d{4})", later)[0] == f"{len(shown):04d}" and "前面还有" in later
    back = re.search(r'class="read-more before"><a href="([^"]+)"', later).group(1).replace("&amp;", "&")
    assert re.findall(r"编号(\d{4})", client.get(back).get_data(as_text=True)) == shown
    # Past the end: the last window; not a number: 400 in Chinese.
    assert "编号0399" in client.get(f"/r/{first['report_id']}?start=99999").get_data(as_text=True)
    assert client.get(f"/r/{first['report_id']}?start=x").status_code == 400


def test_no_5xx_from_mixed_requests_while_rebuilds_commit(tmp_path, corpus_copy):
    """bench/reliability.py --only commits, small: 4 threads, the mixed query set, 2 rebuilds."""
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from reliability import mixed_paths

    index = tmp_path / "index"
    update_index(index, corpus_copy)
    app = _app(index, REFRESH_SECONDS=0.2)
    paths = mixed_paths(["社区", "服务", "群众", "建设", "土地流转"])
    stop, statuses, lock = threading.Event(), {}, threading.Lock()

    def client(n):
        c = app.test_client()
        i = n
        while not stop.is_set():
            i += 1
            status = c.get(paths[i % len(paths)]).status_code
            with lock:
                statuses[status] = statuses.get(status, 0) + 1

    pool = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for t in pool:
        t.start()
    try:
        for _ in range(2):
            update_index(index, corpus_copy, rebuild=True)
    finally:
        stop.set()
        for t in pool:
            t.join(60)
    assert sum(statuses.values()) > 20
    assert not [s for s in statuses if s >= 500], statuses


def test_a_server_past_file_descriptor_1024_keeps_answering(tmp_path, seed_index):
    """Each server thread opens the index's files; on a large index the process passes file
    descriptor 1024, which select() cannot watch (the server died on the next request)."""
    import json
    import os
    import resource
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    import pytest
    from subprocesses import ENV, ROOT, free_port, stop

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1300:
        pytest.skip("the hard limit on open files is below 1300")
    if soft != resource.RLIM_INFINITY and soft < 1300:
        resource.setrlimit(resource.RLIMIT_NOFILE, (1300, hard))
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]   # inherited: the server starts past 1024
    port = free_port()
    try:
        with open(tmp_path / "serve.log", "wb") as log:
            proc = subprocess.Popen([sys.executable, "-m", "indexer", "serve", "--index", str(seed_index),
                                     "--port", str(port)], cwd=ROOT, env=ENV, stdout=log,
                                    stderr=subprocess.STDOUT, pass_fds=held)
    finally:
        for fd in held:
            os.close(fd)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
                time.sleep(0.1)
        for _ in range(3):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=%E7%A4%BE%E5%8C%BA", timeout=30) as r:
                assert r.status == 200 and json.load(r)["total"] > 0
        assert proc.poll() is None
    finally:
        stop(proc)
