"""Index workers started from a process with other threads (`serve --watch`, `watch`): a fork
would copy a lock another thread holds, held for ever in the worker."""
from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest
from subprocesses import ENV, ROOT, alive, descendants

from indexer.engine import store
from indexer.update import update_index

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork, /proc")

# The run's process: a second thread takes the dictionary's lock the moment a worker would be
# forked (as a searching thread inside the cutter's recheck may) and keeps it for three seconds.
_THREADED_RUN = """
import os, sys, threading, time
import indexer.engine.parallel, indexer.update
from indexer.text import segmenters

indexer.update.PARALLEL_BYTES = 0        # the worker processes even for this small corpus
indexer.engine.parallel.BATCH = 4
go, taken = threading.Event(), threading.Event()

def hold():
    go.wait()
    with segmenters._lock:
        segmenters._loaded.clear()       # so that a worker has to take the lock
        taken.set()
        time.sleep(3)

def before_fork():
    if not go.is_set():
        go.set()
        taken.wait()

threading.Thread(target=hold, daemon=True).start()
os.register_at_fork(before=before_fork)
if len(sys.argv) > 3:                    # stand still once the workers run, to be killed
    indexer.engine.parallel.ParallelWriter.commit = lambda self, *a, **k: time.sleep(60)
summary = indexer.update.update_index(sys.argv[1], sys.argv[2], processes=2)
print(summary.paragraphs)
"""


def _corpus(folder, n=16):
    folder.mkdir()
    for i in range(n):
        lines = [f"第{i}号河长制工作汇报"] + [f"第{i}号第{j}段：推行河长制，巡河{i * 7 + j}次，整治排污口{j}处。" for j in range(4)]
        (folder / f"{i:02}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_a_parallel_run_beside_a_thread_holding_a_lock_finishes(tmp_path):
    corpus, index = _corpus(tmp_path / "corpus"), tmp_path / "index"
    try:
        run = subprocess.run([sys.executable, "-c", _THREADED_RUN, str(index), str(corpus)],
                             env=ENV, cwd=ROOT, capture_output=True, text=True, timeout=90)
    except subprocess.TimeoutExpired:
        pytest.fail("the run hung: a worker was forked holding another thread's lock")
    assert run.returncode == 0, run.stderr
    assert int(run.stdout) == update_index(tmp_path / "one", corpus, processes=1).paragraphs
    assert len(store.open_index(index)._segments()) >= 2          # written by the two workers
    assert len(store.indexed_files(store.open_index(index))) == 16


def test_workers_of_a_killed_threaded_run_stop(tmp_path):
    corpus, index = _corpus(tmp_path / "corpus"), tmp_path / "index"
    proc = subprocess.Popen([sys.executable, "-c", _THREADED_RUN, str(index), str(corpus), "stand"],
                            env=ENV, cwd=ROOT)
    try:
        deadline, workers = time.monotonic() + 60, []
        while len(workers) < 2 and proc.poll() is None and time.monotonic() < deadline:
            workers = list(descendants(proc.pid))
            time.sleep(0.05)
        assert len(workers) >= 2, "the workers were not seen"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 15
    while any(alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(p) for p in workers)
    store.cancel(store.writer(store.open_index(index), lock_timeout=0.1))      # the lock is free
