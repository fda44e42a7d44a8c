"""The worker a run forks as it starts (indexer.engine.standby), with real processes and a real index."""
from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import threading
import time

import pytest
from subprocesses import ENV, ROOT, alive

from indexer.engine import standby, store
from indexer.engine.batch import open_batch
from indexer.ingest.pipeline import file_paragraphs
from indexer.search.searcher import Searcher
from indexer.update import update_index

REPORT_A = "甲县土地流转工作情况汇报\n一、基本情况\n甲县建立了土地流转服务中心，全县流转土地三万亩，农民增收明显。\n"
REPORT_B = "乙镇留守儿童关爱工作汇报\n乙镇为全镇留守儿童建立了成长档案，每周开展一次关爱活动。\n"

pytestmark = pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="forks its worker")


def titles(index, q):
    return sorted(h.title for h in Searcher(index, refresh_seconds=0).search(q, limit=50).hits)


def _corpus(tmp_path, name="corpus"):
    corpus = tmp_path / name
    corpus.mkdir()
    (corpus / "a.txt").write_text(REPORT_A, encoding="utf-8")
    return corpus


def test_a_batch_handed_to_the_worker_is_written_by_it(tmp_path):
    corpus = _corpus(tmp_path)
    index = tmp_path / "index"
    update_index(index, corpus, processes=1)
    ix = store.open_index(index)
    worker = standby.Standby()
    worker.cut_with(store.segmenter(ix))
    batch = open_batch(ix, standby=worker)
    batch.add_file("b.txt", "0", file_paragraphs(REPORT_B.encode("utf-8"), "b.txt"))
    batch.commit()
    # The worker wrote the documents and ended: a writer that ignored it would leave it waiting.
    assert worker.process.exitcode == 0
    assert titles(index, "留守儿童") == ["乙镇留守儿童关爱工作汇报"]
    assert titles(index, "土地流转") == ["甲县土地流转工作情况汇报"]


def test_the_worker_begins_its_segment_after_the_writer_cleared_the_folder(tmp_path, monkeypatch):
    """A writer, once it holds the lock, removes the files no commit uses (a killed run's): had the
    worker begun its segment by then, its files would go too, and the commit name files that
    are gone (seen at 1,000,000 paragraphs: every later run failed)."""
    corpus = _corpus(tmp_path)
    index = tmp_path / "index"
    update_index(index, corpus, processes=1)
    for i in range(2000):                       # a killed run's segment: the removal takes a while
        (index / f"paragraphs_killed{i:05}.trm").write_bytes(b"")
    worker = standby.Standby()
    worker.cut_with(store.segmenter(store.open_index(index)))
    time.sleep(0.5)                             # ready, waiting for its order
    had_order = []
    real_remove = store._remove
    monkeypatch.setattr(store, "_remove", lambda folder, names: had_order.append(worker.taken)
                        or real_remove(folder, names))
    batch = open_batch(store.open_index(index), standby=worker)
    batch.add_file("b.txt", "0", file_paragraphs(REPORT_B.encode("utf-8"), "b.txt"))
    batch.commit()
    assert had_order == [False]
    assert not list(index.glob("paragraphs_killed*"))
    with store.open_index(index).reader() as reader:       # the terms of every segment the commit names
        assert sum(1 for _ in reader.all_terms())
    assert titles(index, "留守儿童") == ["乙镇留守儿童关爱工作汇报"]


def test_a_dismissed_worker_ends_at_once_and_writes_nothing(tmp_path):
    corpus = _corpus(tmp_path)
    index = tmp_path / "index"
    update_index(index, corpus, processes=1)
    files = sorted(p.name for p in index.iterdir())
    worker = standby.Standby()
    worker.cut_with(store.segmenter(store.open_index(index)))    # dismissed while it may be loading
    started = time.monotonic()
    worker.dismiss()
    assert not worker.process.is_alive() and time.monotonic() - started < 2
    worker.dismiss()                 # twice is harmless
    assert sorted(p.name for p in index.iterdir()) == files


# The same runs in a process of one thread, where a run forks its worker: the corpus as each step
# leaves it, then the run's summary, whether a worker stood by and whether it wrote (the real
# start and take, watched).
_STEPS = """
import json, multiprocessing, sys
from pathlib import Path
from indexer.engine import standby
from indexer.update import update_index

A, B = sys.argv[3], sys.argv[4]
started = []
real_start = standby.start
standby.start = lambda processes=0: started.append(real_start(processes)) or started[-1]
taken = []
real_take = standby.Standby.take
standby.Standby.take = lambda self, *order: taken.append(True) or real_take(self, *order)
corpus, index = Path(sys.argv[1]), Path(sys.argv[2])
for step in range(5):
    if step == 1:
        (corpus / "b.txt").write_text(B, encoding="utf-8")
    elif step == 2:
        (corpus / "a.txt").write_text(A.replace("三万亩", "五万亩"), encoding="utf-8")
    elif step == 3:
        (corpus / "b.txt").unlink()
    s = update_index(index, corpus)
    print(json.dumps([s.added, s.changed, s.deleted, s.reports, s.paragraphs, any(started), any(taken),
                      len(multiprocessing.active_children())], ensure_ascii=False), flush=True)
    started.clear(), taken.clear()
"""


def test_runs_with_the_worker_end_as_runs_without_it(tmp_path):
    """Adding, changing and deleting through the worker (a run of one thread on two cores) gives
    the index a run in one process gives, and leaves no process behind."""
    forked = subprocess.run([sys.executable, "-c", _STEPS, str(_corpus(tmp_path, "corpus0")), str(tmp_path / "index0"),
                             REPORT_A, REPORT_B], env=ENV, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert forked.returncode == 0, forked.stderr[-3000:]
    runs = [json.loads(line) for line in forked.stdout.splitlines()]
    corpus = _corpus(tmp_path, "corpus1")
    steps = [lambda: None, lambda: (corpus / "b.txt").write_text(REPORT_B, encoding="utf-8"),
             lambda: (corpus / "a.txt").write_text(REPORT_A.replace("三万亩", "五万亩"), encoding="utf-8"),
             lambda: (corpus / "b.txt").unlink(), lambda: None]
    for step, run in zip(steps, runs, strict=True):
        step()
        s = update_index(tmp_path / "index1", corpus, processes=1)
        assert run[:5] == [s.added, s.changed, s.deleted, s.reports, s.paragraphs]
        assert run[7] == 0                       # no process left behind
    # On two cores or more a worker stood by in every run of that process that opened the index (the
    # last found nothing changed without it) and wrote what the first three added; the fourth only deleted.
    two = (os.cpu_count() or 1) > 1
    assert [run[5] for run in runs] == [two] * 4 + [False]
    assert [run[6] for run in runs] == [two] * 3 + [False, False]
    for q in ("土地流转", "留守儿童", "五万亩", "三万亩"):
        assert titles(tmp_path / "index0", q) == titles(tmp_path / "index1", q), q
    assert titles(tmp_path / "index0", "五万亩") == ["甲县土地流转工作情况汇报"]


def test_no_worker_where_one_process_is_asked_for_or_other_threads_run():
    assert standby.start(processes=1) is None
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert standby.start() is None
    finally:
        release.set()
        other.join()


# A run that forks its worker and dies at once, as a killed `reportsearch index` would.
_ORPHANING = """
import os, sys
from indexer.engine import standby
worker = standby.Standby()
print(worker.process.pid, flush=True)
os._exit(0)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_worker_whose_run_died_ends_by_itself():
    out = subprocess.run([sys.executable, "-c", _ORPHANING], env=ENV, cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    pid = int(out.stdout.split()[0])
    deadline = time.monotonic() + 10
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(pid)
