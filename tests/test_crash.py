"""Crash safety with real processes killed by SIGKILL, and the write lock between indexers.

The many-trial version is bench/reliability.py; tests/test_concurrency.py runs its short mode.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from subprocesses import ENV, ROOT, alive, children

from indexer import furniture_table
from indexer.engine import store
from indexer.engine.documents import paragraph_fields
from indexer.errors import IndexBusy
from indexer.ingest.files import digest
from indexer.ingest.pipeline import file_edges, file_paragraphs
from indexer.search.searcher import Searcher
from indexer.update import update_index

REPORT_A = "甲县土地流转工作情况汇报\n一、基本情况\n甲县建立了土地流转服务中心，全县流转土地三万亩，农民增收明显。\n"
REPORT_B = "乙镇留守儿童关爱工作汇报\n乙镇为全镇留守儿童建立了成长档案，每周开展一次关爱活动。\n"

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

# A writer that adds one document, says so, and waits to be killed in the middle of its work.
HOLDER = """
import sys, time
from indexer.engine import store
ix = store.open_index(sys.argv[1], create_missing=True)
w = store.writer(ix, lock_timeout=10)
w.add_document(id="0123456789abcdef", source="half.txt", filekey="half.txt\\tdead", text="写了一半的段落")
print("LOCKED", flush=True)
time.sleep(60)
"""


@pytest.fixture()
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(REPORT_A, encoding="utf-8")
    return folder


def hold_lock(index_dir: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(index_dir)], cwd=ROOT, env=ENV,
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line.strip() == "LOCKED", line
    return proc


def kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    proc.stdout.close()


def docs(index_dir: Path) -> list[tuple]:
    with store.open_index(index_dir).reader() as reader:
        return sorted((d.get("id") or "", d.get("filekey")) for _, d in reader.iter_docs())


def test_killed_writer_leaves_no_stale_lock_and_its_litter_is_cleared(tmp_path, corpus):
    index = tmp_path / "index"
    update_index(index, corpus)
    before = docs(index)
    holder = hold_lock(index)
    assert store.lock_held(index)
    with pytest.raises(IndexBusy):
        update_index(index, corpus, rebuild=True, lock_timeout=0.3)
    kill(holder)

    # The kernel released the lock with the process: the lock file is there, the lock is not.
    assert (index / f"{store.INDEX_NAME}_WRITELOCK").exists()
    assert not store.lock_held(index)
    litter = store.leftovers(index)
    assert litter, "the killed writer's segment files should be on disk"
    # Readers see the last commit, without the half-written document.
    assert docs(index) == before
    assert Searcher(index, refresh_seconds=0).search("土地流转").total == 1

    (corpus / "b.txt").write_text(REPORT_B, encoding="utf-8")
    summary = update_index(index, corpus, lock_timeout=0)        # no waiting: the lock is free
    assert summary.added == ["b.txt"]
    assert store.leftovers(index) == []
    assert not any(name in litter for name in os.listdir(index))


def test_a_run_with_nothing_to_do_clears_litter_too(tmp_path, corpus):
    index = tmp_path / "index"
    update_index(index, corpus)
    kill(hold_lock(index))
    assert store.leftovers(index)
    assert not update_index(index, corpus).did_work
    assert store.leftovers(index) == []


def test_second_indexer_with_no_patience_gets_a_clear_message(tmp_path, corpus):
    index = tmp_path / "index"
    holder = hold_lock(index)
    try:
        busy = subprocess.run([sys.executable, "-m", "indexer", "index", "--index", str(index), "--corpus", str(corpus),
                               "--lock-timeout", "0.5"], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=60)
    finally:
        kill(holder)
    assert busy.returncode == 1
    assert "另一个索引进程正在写入" in busy.stderr and "Traceback" not in busy.stderr


def test_indexer_that_waited_replans_and_adds_nothing_twice(tmp_path, corpus):
    """The race: two indexers both plan to add a.txt; the second must not add it again."""
    index = tmp_path / "index"
    ix = store.open_index(index, create_missing=True)
    holder = store.writer(ix)                     # "the first indexer", holding the lock
    waiting, result = threading.Event(), {}

    def second():
        result["summary"] = update_index(index, corpus, lock_timeout=30, log=lambda msg: waiting.set())

    thread = threading.Thread(target=second)
    thread.start()
    assert waiting.wait(30), "the second indexer should be waiting for the lock"
    # The first indexer indexes a.txt, as update_index would, and commits.
    data = (corpus / "a.txt").read_bytes()
    key = store.filekey("a.txt", digest(data))
    for p in file_paragraphs(data, "a.txt"):
        holder.add_document(**paragraph_fields(p, key))
    furniture_table.save(index, {"a.txt": furniture_table.Entry(digest(data), frozenset(file_edges(data, "a.txt")))},
                         generation=1)
    holder.commit()
    thread.join(30)

    summary = result["summary"]
    assert summary.added == [] and summary.unchanged == 1 and not summary.did_work
    ids = [i for i, _ in docs(index)]
    assert len(ids) == len(set(ids)) == 1


def test_two_indexers_started_at_once_on_an_empty_folder(tmp_path, corpus):
    (corpus / "b.txt").write_text(REPORT_B, encoding="utf-8")
    index = tmp_path / "index"
    args = [sys.executable, "-m", "indexer", "index", "--index", str(index), "--corpus", str(corpus)]
    procs = [subprocess.Popen(args, cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    fresh = tmp_path / "fresh"
    update_index(fresh, corpus)
    assert docs(index) == docs(fresh)
    assert store.leftovers(index) == []


_PARALLEL_RUN = """
import sys
import indexer.engine.parallel, indexer.update
indexer.update.PARALLEL_BYTES = 0        # the worker processes even for this small corpus
indexer.engine.parallel.BATCH = 2
indexer.update.update_index(sys.argv[1], sys.argv[2], processes=2)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_killing_a_parallel_run_frees_the_index_and_its_workers_stop(tmp_path):
    import random
    import time

    rng = random.Random(7)
    words = ["土地流转", "留守儿童", "一站式服务", "网格化管理", "河长制", "社区养老", "垃圾分类", "就业援助",
             "危房改造", "矛盾调解", "文明创建", "安全生产", "乡村振兴", "医疗保障", "教育均衡", "公租房"]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(300):
        lines = [f"第{i}号{rng.choice(words)}工作汇报"]
        lines += ["，".join(rng.sample(words, 6)) + f"，完成第{i}批第{j}项任务{rng.randint(1, 99999)}件。" for j in range(8)]
        (corpus / f"{i:03}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    index = tmp_path / "index"
    proc = subprocess.Popen([sys.executable, "-c", _PARALLEL_RUN, str(index), str(corpus)], env=ENV, cwd=ROOT)
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while len(workers) < 2 and proc.poll() is None and time.monotonic() < deadline:
        workers = list(children(proc.pid))
        time.sleep(0.005)
    assert len(workers) >= 2, "the run ended before its workers could be seen"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    # The lock is free at once (no worker holds it), and the orphaned workers stop by themselves.
    ix = store.open_index(index)
    w = store.writer(ix, lock_timeout=0.1)
    store.cancel(w)
    deadline = time.monotonic() + 10
    while any(alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(p) for p in workers)
    # and the next run indexes everything
    from indexer.update import update_index
    update_index(index, corpus)
    assert len(store.indexed_files(store.open_index(index))) == 300
