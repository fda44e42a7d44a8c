"""Watch mode: a real watcher on a temp folder, and `reportsearch serve --watch` as a real server."""
import json
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from subprocesses import ENV, free_port
from indexer.search.searcher import Searcher
from indexer.update import update_index
from indexer.watch import Watcher, relevant


REPORT_A = "甲县土地流转工作情况汇报\n甲县建立了土地流转服务中心，全县流转土地三万亩，农民增收明显。\n"
REPORT_B = "乙镇留守儿童关爱工作汇报\n乙镇为全镇留守儿童建立了成长档案，每周开展一次关爱活动。\n"


def wait_for(check, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def test_relevant_changes():
    root = Path("/c")
    assert relevant("/c/a.txt", root) and relevant("/c/sub/b.pdf", root) and relevant("/c/columns.ini", root)
    assert relevant("/c/新文件夹", root)
    assert not relevant("/c/.hidden/a.txt", root) and not relevant("/c/~$a.docx", root)
    assert not relevant("/c/a.txt.swp", root) and not relevant("/elsewhere/a.txt", root)
    assert not relevant("/c/.index/x.seg", root, index_dir=Path("/c/.index"))


def test_watcher_reindexes_added_changed_and_deleted_files(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "a.txt").write_text(REPORT_A, encoding="utf-8")
    update_index(index, corpus)
    searcher = Searcher(index, refresh_seconds=0)
    updates = []
    with Watcher(index, corpus, delay=0.3, on_update=updates.append):
        (corpus / "b.txt").write_text(REPORT_B, encoding="utf-8")
        assert wait_for(lambda: searcher.search("留守儿童").total == 1)
        (corpus / "a.txt").unlink()
        assert wait_for(lambda: searcher.search("土地流转").total == 0)
    assert updates and all(u.did_work for u in updates)


def api(port, q):
    url = f"http://127.0.0.1:{port}/api/search?" + urllib.parse.urlencode({"q": q})
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


def test_serve_watch_picks_up_a_new_file_while_answering(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(REPORT_A, encoding="utf-8")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "indexer", "serve", "--watch", "--port", str(port), "--index", str(tmp_path / "ix"),
         "--corpus", str(corpus)], cwd=tmp_path, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        def up():
            try:
                return api(port, "土地流转")["total"] == 1
            except OSError:
                return False
        assert wait_for(up, 60), "server did not start"
        (corpus / "b.txt").write_text(REPORT_B, encoding="utf-8")
        answers = []

        def found():
            answers.append(api(port, "留守儿童"))          # the server keeps answering meanwhile
            assert api(port, "土地流转")["total"] == 1
            return answers[-1]["total"] == 1
        assert wait_for(found, 20)
        assert answers[-1]["results"][0]["title"] == "乙镇留守儿童关爱工作汇报"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert "Traceback" not in server.stderr.read()
