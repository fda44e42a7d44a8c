"""The real server under concurrent searches while the index is rebuilt, and the reliability
script's short run (crash trials + load + hostile files) as CI runs it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest
from subprocesses import ENV, ROOT

from indexer.search.searcher import Searcher
from indexer.update import update_index


def test_threads_of_one_searcher_under_rebuilds(tmp_path, corpus_copy):
    """In-process: four threads share one Searcher while a rebuild commits; no error, no empty answer."""
    index = tmp_path / "index"
    update_index(index, corpus_copy)
    searcher = Searcher(index, refresh_seconds=0)
    words = ["社区", "服务", "群众", "建设"]
    assert all(searcher.search(w).total for w in words)
    stop, problems, counts = threading.Event(), [], [0]

    def search(n):
        i = n
        while not stop.is_set() and counts[0] < 5000:
            i += 1
            try:
                if not searcher.search(words[i % len(words)], limit=5).hits:
                    problems.append("empty")
            except Exception as exc:  # noqa: BLE001 - what this test looks for
                problems.append(f"{type(exc).__name__}: {exc}")
            counts[0] += 1

    threads = [threading.Thread(target=search, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    try:
        update_index(index, corpus_copy, rebuild=True)
    finally:
        stop.set()
        for t in threads:
            t.join(60)
    assert counts[0] > 0
    assert problems == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="the script's hostile corpus needs POSIX")
def test_reliability_script_short_run():
    """bench/reliability.py --quick: SIGKILL trials, the real server under reindex, hostile files."""
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "reliability.py"), "--quick", "--json"],
                          cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout)
    crash = figures["crash"]
    assert crash["trials"] >= 2 and crash["survived"] == crash["trials"], crash["rows"]
    for run in figures["load"].values():
        assert run["requests"] > 0
        assert run["errors"] == 0 and run["empty"] == 0, run["error_samples"]
    assert figures["load"]["reindex"]["rebuilds_done"] >= 1
    hostile = figures["hostile"]
    assert hostile["kinds"] >= 20 and hostile["handled"] == hostile["kinds"], hostile["problems"]
    assert not hostile["problems"]
