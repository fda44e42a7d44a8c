"""Reliability run: crash trials, searches under reindex, hostile files. Prints a table.

    python bench/reliability.py                 # every part (about 20 minutes on 2 cores)
    python bench/reliability.py --only disk,budget,report   # some of them
    python bench/reliability.py --quick --json  # the short run tests/test_concurrency.py does in CI

1. Crash trials. The bundled corpus is cut into files (and copied --copies times, each copy
   made distinct) and toggled between two states (a file changed, one deleted, one added).
   Each trial runs `reportsearch index` (incremental) or `index --rebuild` (full) as a real
   subprocess and SIGKILLs it after a random delay within its normal duration. A trial
   survives when: no lock is left held; the index opens and answers a query; its documents are
   exactly those of the previous or the new state (the last committed one); the next
   `reportsearch index` exits 0 with the documents of a fresh build; no litter is left.
2. Load under reindex. The real server (`reportsearch serve`, waitress, 127.0.0.1) answers
   --clients threads sending searches for the index's most frequent words while
   `index --rebuild` runs back to back. Every answer must be 200, valid JSON and non-empty.
3. Hostile files: the corpus of make_hostile_corpus() (also used by
   tests/test_hostile_corpus.py) is indexed by the real CLI; each bad file must be reported and
   skipped, indexed safely or in part (and said), or ignored as expected. The run's peak memory
   (PSS of the indexer and its child processes) and its slowest file are reported.
4. Disk full: a small index on a size-limited tmpfs (needs root on Linux, else skipped with the
   reason), then a run of new text on the parallel path that cannot fit: one Chinese line, the
   lock released, no litter, the old index served; and the same run on a disk with room.
5. Commits under load (`commits`): mixed requests while the whole index is rebuilt N times: 5xx.
6. Expensive requests (`budget`) at 30,000 paragraphs: each alone (time, status, whether marked
   incomplete and how many results it kept), then a cheap query alone and while four run.
7. No index (`empty`): one server from an empty corpus through index, deletion, index again.
8. A very long report (`report`): its report page, a permalink, the paragraph JSON.

Timings come from one run on a shared machine: read them as rough figures.
"""
from __future__ import annotations

import argparse
import codecs
import http.client
import io
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
import zlib
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.ingest.readers.limits import MAX_TEXT_CHARS  # noqa: E402
from indexer.engine import store  # noqa: E402
from indexer.search.searcher import Searcher  # noqa: E402

ENV = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))


# ---------------------------------------------------------------- corpus

def make_corpus(target: Path, copies: int, lines_per_file: int = 60) -> None:
    """The bundled corpus cut into files of a few dozen lines, copied `copies` times."""
    target.mkdir(parents=True, exist_ok=True)
    n = 0
    for source in sorted((ROOT / "corpus").rglob("*.txt")):
        lines = source.read_text(encoding="utf-8").splitlines()
        for copy in range(copies):
            for start in range(0, len(lines), lines_per_file):
                chunk = lines[start:start + lines_per_file]
                # A distinct last line makes each copy a different file (its own content hash).
                chunk.append(f"本文件为第 {copy + 1} 份整理稿，共 {len(chunk)} 行。")
                folder = target / f"第{copy + 1}组"
                folder.mkdir(exist_ok=True)
                (folder / f"{start // lines_per_file + 1:03d} 汇报.txt").write_text("\n".join(chunk), encoding="utf-8")
                n += 1


def toggle(corpus: Path, state: int) -> None:
    """Switch the corpus between state 0 and state 1: one file changed, one removed, one added."""
    files = sorted(p for p in corpus.rglob("*.txt") if p.name != "新增 汇报.txt")
    changed, removed = files[0], files[1]
    stash = corpus.parent / (corpus.name + ".stash")
    added = corpus / "新增 汇报.txt"
    note = "\n补充说明：本段为修订时新增的内容，记录整改措施的落实情况。"
    text = changed.read_text(encoding="utf-8")
    if state == 1:
        if not text.endswith(note):
            changed.write_text(text + note, encoding="utf-8")
        stash.write_bytes(removed.read_bytes())
        stash.with_suffix(".name").write_text(str(removed.relative_to(corpus)), encoding="utf-8")
        removed.unlink()
        added.write_text("新增社区服务工作情况汇报\n今年新增社区服务站点十二个，群众办事更加方便。\n", encoding="utf-8")
    else:
        if text.endswith(note):
            changed.write_text(text[: -len(note)], encoding="utf-8")
        if stash.exists():
            (corpus / stash.with_suffix(".name").read_text(encoding="utf-8")).write_bytes(stash.read_bytes())
            stash.unlink()
        added.unlink(missing_ok=True)


def fingerprint(index_dir: Path) -> frozenset:
    """Every stored document: paragraph id, file and hash, position, or an error marker."""
    ix = store.open_index(index_dir)
    with ix.reader() as reader:
        return frozenset((d.get("id"), d.get("filekey"), d.get("ordinal"), d.get("section"), d.get("error"))
                         for _, d in reader.iter_docs())


def cli(*args, timeout=600, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "indexer", *args], cwd=ROOT, env=ENV, capture_output=True,
                          text=True, timeout=timeout, **kw)


def probe_words(index_dir: Path, n: int = 20) -> list[str]:
    """The index's most frequent two-plus-character Chinese words: queries that must find something."""
    ix = store.open_index(index_dir)
    with ix.reader() as reader:
        words = [t.decode("utf-8") for _, t in reader.most_frequent_terms("text", number=400)]
    words = [w for w in words if len(w) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+", w)]
    return words[:n]


# ---------------------------------------------------------------- 1. crash trials

def crash_trials(work: Path, trials: int, copies: int, rng: random.Random, log) -> dict:
    corpus = work / "corpus"
    make_corpus(corpus, copies)
    reference, durations = {}, {}
    for state in (0, 1):
        toggle(corpus, state)
        ref = work / f"ref{state}"
        started = time.monotonic()
        done = cli("index", "--index", str(ref), "--corpus", str(corpus))
        durations["full"] = time.monotonic() - started
        assert done.returncode == 0, done.stderr
        reference[state] = fingerprint(ref)
    assert reference[0] != reference[1]
    index = work / "index"
    toggle(corpus, 0)
    assert cli("index", "--index", str(index), "--corpus", str(corpus)).returncode == 0
    toggle(corpus, 1)
    started = time.monotonic()
    assert cli("index", "--index", str(index), "--corpus", str(corpus)).returncode == 0
    durations["incremental"] = time.monotonic() - started
    probe = probe_words(index, 1)[0]

    rows, state = [], 1
    for trial in range(trials):
        kind = "full" if trial % 2 == 0 else "incremental"
        previous, state = state, 1 - state
        toggle(corpus, state)
        args = ["index", "--index", str(index), "--corpus", str(corpus)] + (["--rebuild"] if kind == "full" else [])
        delay = rng.uniform(0.05, durations[kind] * 1.1)
        proc = subprocess.Popen([sys.executable, "-m", "indexer", *args], cwd=ROOT, env=ENV,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        killed = proc.poll() is None
        if killed:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        problems = []
        if store.lock_held(index):
            problems.append("lock held")
        litter = store.leftovers(index)
        try:
            state_now = fingerprint(index)
            if state_now not in (reference[previous], reference[state]):
                problems.append("documents are neither the old nor the new state")
            if not Searcher(index, refresh_seconds=0).search(probe).total:
                problems.append("no answer")
        except Exception as exc:       # noqa: BLE001 - any failure to open is what we look for
            problems.append(f"cannot open: {type(exc).__name__}: {exc}")
        started = time.monotonic()
        again = cli("index", "--index", str(index), "--corpus", str(corpus))
        recovery = time.monotonic() - started
        if again.returncode != 0:
            problems.append("next index failed: " + again.stderr.strip()[-200:])
        elif fingerprint(index) != reference[state]:
            problems.append("next index differs from a fresh build")
        if store.leftovers(index):
            problems.append(f"litter left: {store.leftovers(index)}")
        rows.append({"kind": kind, "delay": round(delay, 2), "killed": killed, "litter": len(litter),
                     "recovery_s": round(recovery, 2), "problems": problems})
        log(f"  trial {trial + 1:2d} {kind:11s} kill at {delay:5.2f}s killed={killed!s:5s} "
            f"litter={len(litter):3d} {'OK' if not problems else problems}")
    return {
        "trials": trials,
        "killed_mid_run": sum(r["killed"] for r in rows),
        "survived": sum(not r["problems"] for r in rows),
        "with_litter_cleared": sum(r["litter"] > 0 and not r["problems"] for r in rows),
        "full_build_s": round(durations["full"], 2),
        "incremental_s": round(durations["incremental"], 2),
        "recovery_median_s": round(statistics.median(r["recovery_s"] for r in rows), 2) if rows else 0,
        "documents": len(reference[1]),
        "rows": rows,
    }


# ---------------------------------------------------------------- 2. load under reindex

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(index: Path, corpus: Path, threads: int, log_file: Path, extra_args=()):
    """`reportsearch serve` on a free port of 127.0.0.1; its log goes to log_file."""
    port = free_port()
    with open(log_file, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "indexer", "serve", "--index", str(index), "--corpus", str(corpus),
             "--port", str(port), "--threads", str(threads), *extra_args],
            cwd=ROOT, env=ENV, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc, port
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("server exited: " + log_file.read_text(errors="replace")[-500:])
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


def get_json(port: int, path: str, conn=None):
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        return response.status, json.loads(body.decode("utf-8"))
    finally:
        if own:
            conn.close()


def load(work: Path, seconds: float, clients: int, threads: int, copies: int, log) -> dict:
    """The same load twice on one server: alone (the baseline), then while the index is rebuilt."""
    corpus = work / "load-corpus"
    make_corpus(corpus, copies)
    index = work / "load-index"
    assert cli("index", "--index", str(index), "--corpus", str(corpus)).returncode == 0
    server, port = start_server(index, corpus, threads, work / "server.log")
    try:
        queries = [q for q in probe_words(index) if get_json(port, "/api/search?q=" + quote(q))[1].get("total")]
        assert queries, "no query with results"
        out = {}
        for name, reindex in (("baseline", False), ("reindex", True)):
            out[name] = _load_run(port, index, corpus, queries, seconds, clients, reindex)
            out[name].update(clients=clients, server_threads=threads)
            log(f"  {name}: {out[name]}")
        return out
    finally:
        stop_server(server)


def _load_run(port, index, corpus, queries, seconds, clients, reindex: bool, max_requests: int = 200_000) -> dict:
    """`clients` threads search for `seconds` (at most max_requests); with reindex, rebuilds run meanwhile."""
    stop = threading.Event()
    rebuilds = {"done": 0, "failed": 0}
    latencies, failures, empty = [], [], [0]
    lock = threading.Lock()

    def rebuild_loop():
        while reindex and not stop.is_set():
            done = cli("index", "--rebuild", "--index", str(index), "--corpus", str(corpus))
            rebuilds["done" if done.returncode == 0 else "failed"] += 1

    def client(seed: int):
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while not stop.is_set():
            q = rng.choice(queries)
            started = time.perf_counter()
            try:
                status, data = get_json(port, f"/api/search?q={quote(q)}&limit=10", conn)
            except Exception as exc:      # noqa: BLE001 - counted as an error, never hidden
                with lock:
                    failures.append(f"{type(exc).__name__}: {exc}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    failures.append(f"{status}: {data}")
                elif not data.get("results") or not data.get("total"):
                    empty[0] += 1
                if len(latencies) >= max_requests:
                    stop.set()
        conn.close()

    indexer = threading.Thread(target=rebuild_loop)
    indexer.start()
    pool = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for t in pool:
        t.start()
    stop.wait(seconds)
    stop.set()
    for t in pool:
        t.join()
    elapsed = time.monotonic() - started
    indexer.join()
    ordered = sorted(latencies)
    return {
        "seconds": round(elapsed, 1),
        "requests": len(latencies), "errors": len(failures), "empty": empty[0],
        "rate": round(len(latencies) / elapsed, 1),
        "p50_ms": round(1000 * ordered[len(ordered) // 2], 1) if ordered else None,
        "p95_ms": round(1000 * ordered[int(len(ordered) * 0.95)], 1) if ordered else None,
        "rebuilds_done": rebuilds["done"], "rebuilds_failed": rebuilds["failed"],
        "error_samples": failures[:5],
    }


# ---------------------------------------------------------------- 4. serving while commits delete files

def _fetch(port: int, path: str, conn) -> int:
    """The status of GET path (the body read and dropped)."""
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    return response.status


def mixed_paths(words: list[str]) -> list[str]:
    """A mixed query set: JSON and HTML searches of one and several words, a phrase, OR, a deep
    page, the facet fragment, report grouping."""
    two = [f"{a} {b}" for a, b in zip(words, words[1:])]
    paths = []
    for w in words:
        paths += ["/api/search?q=" + quote(w), "/?q=" + quote(w), "/?q=" + quote(w) + "&group=report",
                  "/api/search?q=" + quote(f'"{w}"') + "&offset=20", "/facets?q=" + quote(w)]
    for w in two:
        paths += ["/api/search?q=" + quote(w), "/?q=" + quote(w.replace(" ", " OR ")), "/?q=" + quote(w + " 火星")]
    return paths


def commits_under_load(work: Path, commits: int, clients: int, threads: int, copies: int, log) -> dict:
    """`clients` threads run the mixed query set while the whole index is rebuilt ``commits``
    times (each rebuild deletes every segment file): how many answers were 5xx."""
    corpus, index = work / "corpus", work / "index"
    make_corpus(corpus, copies)
    assert cli("index", "--index", str(index), "--corpus", str(corpus)).returncode == 0
    server, port = start_server(index, corpus, threads, work / "server.log")
    stop, lock = threading.Event(), threading.Lock()
    statuses: dict[int, int] = {}
    samples: list[str] = []
    try:
        paths = mixed_paths([q for q in probe_words(index, 12)])

        def client(seed: int):
            rng = random.Random(seed)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            while not stop.is_set():
                path = rng.choice(paths)
                try:
                    status = _fetch(port, path, conn)
                except Exception as exc:      # noqa: BLE001 - counted, never hidden
                    status = 0
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    with lock:
                        samples.append(f"{type(exc).__name__}: {exc}")
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
                    if status >= 500 and len(samples) < 10:
                        samples.append(f"{status} {path}")
            conn.close()

        pool = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        started = time.monotonic()
        for t in pool:
            t.start()
        done = failed = 0
        while done < commits:
            ok = cli("index", "--rebuild", "--index", str(index), "--corpus", str(corpus)).returncode == 0
            done, failed = done + ok, failed + (not ok)
            log(f"  commit {done}/{commits}: {sum(statuses.values())} requests, "
                f"{sum(n for s, n in statuses.items() if s >= 500 or s == 0)} 5xx/failed")
        stop.set()
        for t in pool:
            t.join()
        return {"commits": done, "failed_commits": failed, "seconds": round(time.monotonic() - started, 1),
                "requests": sum(statuses.values()), "statuses": {str(k): v for k, v in sorted(statuses.items())},
                "server_errors": sum(n for st, n in statuses.items() if st >= 500 or st == 0),
                "samples": samples, "clients": clients, "paths": len(paths)}
    finally:
        stop.set()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


# ---------------------------------------------------------------- 5. expensive requests on a big index

def worst_paths(words: list[str]) -> dict[str, str]:
    """The expensive requests of the hardening issue, as the caps let them through, and beyond."""
    chars = [w[0] for w in words] * 4
    return {
        "24 single characters (capped: 400)": "/api/search?q=" + quote(" ".join(chars[:24])),
        "12 single characters ANDed": "/api/search?q=" + quote(" ".join(chars[:12])),
        "12 single characters ORed": "/api/search?q=" + quote(" OR ".join(chars[:12])),
        "200-character unquoted query (capped: 400)": "/api/search?q=" + quote(("".join(words) * 20)[:200]),
        "long unquoted query at the cap": "/api/search?q=" + quote("".join(words)[:40]),
        "offset=10000": "/api/search?q=" + quote(words[0]) + "&offset=10000",
        "HTML page with 试试 suggestions": "/?q=" + quote(" ".join(chars[:6]) + " 火星人"),
        "12 single characters ORed, grouped by report (page)": "/?q=" + quote(" OR ".join(chars[:12])) + "&group=report",
        "12 single characters ANDed, grouped by report (API)": "/api/search?q=" + quote(" ".join(chars[:12]))
                                                               + "&group=report",
        "12 single characters ORed, exported (CSV)": "/export.csv?q=" + quote(" OR ".join(chars[:12])),
        "12 single characters ORed, facet counts": "/facets?q=" + quote(" OR ".join(chars[:12])),
    }


def _answer(port: int, path: str, conn) -> dict:
    """Status, time and size of GET path; for JSON, how many results came and whether marked incomplete."""
    started = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    out = {"status": response.status, "ms": round(1000 * (time.perf_counter() - started), 1), "bytes": len(body)}
    if response.getheader("Content-Type", "").startswith("application/json") and response.status == 200:
        data = json.loads(body)
        if "results" in data:
            out.update(results=len(data["results"]), incomplete=data.get("incomplete"))
    elif response.status == 200 and "结果不完整".encode("utf-8") in body:
        out["incomplete"] = True
    return out


def _warm(port: int, path: str, threads: int) -> None:
    """Requests from as many clients at once as the server has threads, twice: each thread opens
    its view of the index once (outside any request's budget, but inside that request's time)."""
    for _ in range(2):
        pool = [threading.Thread(target=get_json, args=(port, path)) for _ in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()


def budget_run(work: Path, paragraphs: int, threads: int, log, seconds: float = 20, rounds: int = 3) -> dict:
    """At ``paragraphs`` paragraphs (bench/corpus.py's generator, as bench/perf.py builds it): the
    time of each worst-case request, then a cheap query's latency alone and while four worst-case
    requests run at once."""
    sys.path.insert(0, str(ROOT / "bench"))
    from corpus import generate

    corpus, index = work / f"corpus-{paragraphs}", work / f"index-{paragraphs}"
    if not corpus.exists():
        generate(paragraphs, corpus)
    if not store.exists(index):
        t = time.monotonic()
        assert cli("index", "--index", str(index), "--corpus", str(corpus), timeout=3600).returncode == 0
        log(f"  built {paragraphs} paragraphs in {time.monotonic() - t:.0f} s")
    server, port = start_server(index, corpus, threads, work / "server.log")
    try:
        words = [w for w in probe_words(index, 30) if len(w) >= 2][:20]
        cheap = "/api/search?q=" + quote(words[0]) + "&limit=10"
        worst = worst_paths(words)
        first = get_json(port, cheap)[1]["results"][0]
        worst["permalink page (with similar paragraphs)"] = f"/p/{first['id']}?q=" + quote(words[0])
        worst["report page"] = f"/r/{first['report_id']}?q=" + quote(words[0])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        _warm(port, cheap, threads)
        single = {}
        for round_ in range(rounds):          # rounds apart, so that a burst of load does not hit one request thrice
            for name, path in worst.items():
                one = _answer(port, path, conn)
                took = single.get(name, {}).get("all_ms", []) + [one["ms"]]
                single[name] = dict(one, all_ms=took, ms=round(statistics.median(took), 1), max_ms=max(took))
        for name, one in single.items():
            log(f"  {name}: {one}")

        def timed(path, n):
            out = []
            for _ in range(n):
                t = time.perf_counter()
                _fetch(port, path, conn)
                out.append(1000 * (time.perf_counter() - t))
            return sorted(out)

        alone = timed(cheap, 40)
        stop = threading.Event()
        heavy = [p for name, p in worst.items() if "400" not in name][:4]
        heavy_status: dict[int, int] = {}

        def hammer(path):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            while not stop.is_set():
                st = _fetch(port, path, c)
                heavy_status[st] = heavy_status.get(st, 0) + 1
            c.close()

        pool = [threading.Thread(target=hammer, args=(p,)) for p in heavy]
        for t in pool:
            t.start()
        time.sleep(1)
        loaded, t0 = [], time.monotonic()
        while time.monotonic() - t0 < seconds:
            loaded += timed(cheap, 1)
        stop.set()
        for t in pool:
            t.join()
        loaded.sort()
        conn.close()
        pct = (lambda xs, p: round(xs[min(len(xs) - 1, int(len(xs) * p))], 1))
        return {"paragraphs": paragraphs, "single": single,
                "max_single_ms": max(v["max_ms"] for v in single.values()),
                "cheap_alone_p50_ms": pct(alone, 0.5), "cheap_alone_p95_ms": pct(alone, 0.95),
                "cheap_loaded_p50_ms": pct(loaded, 0.5), "cheap_loaded_p95_ms": pct(loaded, 0.95),
                "cheap_loaded_requests": len(loaded), "heavy_statuses": {str(k): v for k, v in heavy_status.items()}}
    finally:
        stop_server(server)


# ---------------------------------------------------------------- 8. a very long report's pages

def long_report_text(paragraphs: int = 40_000) -> str:
    """One report of ``paragraphs`` short paragraphs, about 4.8 MB of UTF-8 at the default."""
    body = "\n\n".join(f"第{n}段：本县推进第{n}项农村改革工作，完善土地流转服务体系，编号{n:05d}。" for n in range(paragraphs))
    return "某县农村改革工作总结报告\n\n" + body


def long_report_run(work: Path, threads: int, log, paragraphs: int = 40_000) -> dict:
    """The pages of one very long report (the hardening issue: a 4.8 MB one-report text gave a
    17.8 MB page in 11.6 s): its report page at the start and deep in, a permalink in the middle,
    the paragraph's JSON. Status, time and size of each."""
    corpus, index = work / "corpus", work / "index"
    corpus.mkdir(parents=True, exist_ok=True)
    text = long_report_text(paragraphs)
    (corpus / "长篇报告.txt").write_text(text, encoding="utf-8")
    if not store.exists(index):
        assert cli("index", "--index", str(index), "--corpus", str(corpus), timeout=3600).returncode == 0
    server, port = start_server(index, corpus, threads, work / "server.log")
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        middle = get_json(port, "/api/search?q=" + quote(f"编号{paragraphs // 2:05d}"))[1]["results"][0]
        rid, pid = middle["report_id"], middle["id"]
        paths = {"report page, start": f"/r/{rid}", "report page, highlighted": f"/r/{rid}?q=" + quote("土地流转"),
                 "report page, deep in": f"/r/{rid}?start={paragraphs // 2}",
                 "permalink in the middle": f"/p/{pid}?q=" + quote("土地流转"), "paragraph JSON": f"/api/p/{pid}"}
        pages = {}
        for name, path in paths.items():
            pages[name] = _answer(port, path, conn)
            log(f"  {name}: {pages[name]}")
        conn.close()
        return {"file_mb": round(len(text.encode("utf-8")) / 2**20, 1), "paragraphs": paragraphs, "pages": pages,
                "max_ms": max(v["ms"] for v in pages.values()), "max_kb": round(max(v["bytes"] for v in pages.values()) / 1024)}
    finally:
        stop_server(server)


# ---------------------------------------------------------------- 7. no index, then an index

def empty_index_run(work: Path, threads: int, log) -> dict:
    """A server started on an empty corpus, then indexed, then its index folder deleted, then
    indexed again, never restarted: the status of the search page and the API at each step, and
    how long it took to answer 200 after each index run."""
    empty, corpus, index = work / "empty-corpus", work / "corpus", work / "index"
    empty.mkdir(parents=True, exist_ok=True)
    make_corpus(corpus, 1)
    server, port = start_server(index, empty, threads, work / "server.log")

    def statuses() -> list[int]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            return [_fetch(port, path, conn) for path in ("/?q=" + quote("社区"), "/api/search?q=" + quote("社区"))]
        finally:
            conn.close()

    def recovered() -> tuple[list[int], float]:
        started = time.monotonic()
        while (now := statuses()) != [200, 200] and time.monotonic() - started < 30:
            time.sleep(0.1)
        return now, round(time.monotonic() - started, 1)

    steps = {}
    try:
        steps["empty corpus"] = statuses()
        assert cli("index", "--index", str(index), "--corpus", str(corpus)).returncode == 0
        steps["indexed"], steps["indexed_s"] = recovered()
        shutil.rmtree(index)
        steps["index folder deleted"] = statuses()
        assert cli("index", "--index", str(index), "--corpus", str(corpus)).returncode == 0
        steps["indexed again"], steps["indexed_again_s"] = recovered()
    finally:
        stop_server(server)
    log(f"  {steps}")
    return steps


# ---------------------------------------------------------------- 3. hostile files

GOOD_REPORTS = {
    "好/甲县土地流转工作汇报.txt": "甲县土地流转工作汇报\n甲县建立了土地流转服务中心，全县流转土地三万亩，农民增收明显。\n",
    "好/乙镇留守儿童情况汇报.txt": "乙镇留守儿童关爱情况汇报\n乙镇为全镇留守儿童建立了成长档案，每周开展一次关爱活动。\n",
    "好/丙区网格化管理调研报告.md": "# 丙区网格化管理调研报告\n\n丙区把全区划为三百个网格，每个网格配备一名专职网格员。\n",
    "好/丁街道便民服务.html": "<html><head><title>丁街道便民服务工作汇报</title></head><body><article><h1>丁街道便民服务工作汇报</h1>"
                          "<p>丁街道便民服务中心实行一站式服务，群众办事只进一扇门。</p></article></body></html>",
}
# Words that each good report must still be found by after the hostile run (other files may
# hold them too: the collection CSV holds the development collection).
GOOD_WORDS = {"土地流转": "好/甲县土地流转工作汇报.txt", "留守儿童": "好/乙镇留守儿童情况汇报.txt",
              "网格员": "好/丙区网格化管理调研报告.md", "一站式服务": "好/丁街道便民服务.html"}


def _zip_bomb(path: Path, unpacked_mb: int = 300) -> None:
    """A .docx whose document.xml unpacks to unpacked_mb of zeros (a few hundred KB packed)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            block = b"\0" * (1024 * 1024)
            for _ in range(unpacked_mb):
                f.write(block)


def _truncated_pdf() -> bytes:
    body = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
            b"3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj\n"
            b"4 0 obj << /Length 200 >> stream\nBT /F1 12 Tf (")
    return body   # cut off inside a content stream: no xref, no trailer, no %%EOF


def make_pdf(content: bytes, compress: bool = True) -> bytes:
    """A minimal one-page PDF whose page content is ``content`` (Flate-compressed by default)."""
    stream = zlib.compress(content, 9) if compress else content
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d%s >>\nstream\n" % (len(stream), b" /Filter /FlateDecode" if compress else b"")
        + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf_bomb(unpacked_mb: int = 200) -> bytes:
    """~200 KB of PDF whose one content stream inflates to ``unpacked_mb`` MB of spaces."""
    compressor = zlib.compressobj(9)
    head = b"BT /F1 12 Tf 72 720 Td ("
    parts = [compressor.compress(head)]
    block = b" " * (1024 * 1024)
    parts += [compressor.compress(block) for _ in range(unpacked_mb)]
    parts.append(compressor.compress(b") Tj ET") + compressor.flush())
    return make_pdf(b"".join(parts), compress=False).replace(
        b"/Length", b"/Filter /FlateDecode /Length", 1)


def pdf_dense(strings: int = 200_000) -> bytes:
    """~11 KB of PDF whose 4 MB page content draws 3.2 million characters: small to inflate, and
    costly to lay out (about 1 GB per million characters in the PDF library)."""
    return make_pdf(b"BT /F1 1 Tf 0 0 Td " + b"(AAAAAAAAAAAAAAAA) Tj " * strings + b"ET")


def make_hostile_corpus(corpus: Path, outside: Path) -> dict[str, str]:
    """Write good reports and bad files; return {name: expected outcome} for the bad ones.

    Outcomes: "skipped" (reported with a reason), "indexed" (searchable, safely), "partial" (indexed
    in part, what was left out said), "ignored" (not a corpus file at all: links out, pipes, hidden
    files), "skipped-if-read" (a format this build may have no reader for: ignored without one,
    reported and skipped with one).
    """
    corpus.mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    for name, text in GOOD_REPORTS.items():
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_text(text, encoding="utf-8")
    bad = corpus / "坏"
    bad.mkdir()
    rng = random.Random(7)
    expect = {}

    def put(name, data, outcome):
        (bad / name).write_bytes(data)
        expect[f"坏/{name}"] = outcome

    put("empty.txt", b"", "skipped")
    put("binary.txt", bytes(rng.randrange(256) for _ in range(20000)), "skipped")
    put("picture.txt", b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(5000)), "skipped")
    # 50 MB on one line: refused by size before any decoding or segmentation.
    with open(bad / "one-line-50MB.txt", "wb") as f:
        line = "一行没有换行的超长文字，".encode("utf-8")
        f.write(line * (50 * 1024 * 1024 // len(line)))
    expect["坏/one-line-50MB.txt"] = "skipped"
    put("mixed-utf8-gbk.txt", "戊县河长制工作汇报\n戊县全面推行河长制，".encode("utf-8")
        + "设立县乡村三级河长一百二十名。".encode("gbk") + b"\xff\n" + "河道保洁实现全覆盖。\n".encode("gbk")
        + "全县水质优良率达到百分之九十。\n".encode("utf-8"), "indexed")
    put("utf16le-no-bom.txt", "己县垃圾分类工作汇报\n己县在全县推行垃圾分类，设置分类投放点五百个。\n".encode("utf-16-le"), "indexed")
    put("utf16be-no-bom.txt", "庚县厕所革命情况汇报\n庚县新建改建农村卫生厕所八千户。\n".encode("utf-16-be"), "indexed")
    put("bom-then-gbk.txt", codecs.BOM_UTF8 + "辛县情况汇报\n".encode("gbk"), "skipped")
    put("script.html", (
        "<html><head><title>壬县平安建设工作汇报</title><script>alert('head')</script></head>"
        "<body onload=\"alert('load')\"><article><h1>壬县平安建设工作汇报</h1>"
        "<p onclick=\"alert('click')\">壬县开展平安建设，群众安全感达到百分之九十八。</p>"
        "<p><a href=\"javascript:alert('link')\">详情</a><img src=x onerror=\"alert('img')\"></p>"
        "<script>document.write('<p>注入的段落</p>')</script><style>p{color:red}</style>"
        "<iframe src=\"javascript:alert('frame')\"></iframe></article></body></html>").encode("utf-8"), "indexed")
    put("deep.html", ("<html><body>" + "<div>" * 100000 + "<p>癸县深层嵌套网页中的正文段落，记录基层治理的做法。</p>"
                      + "</div>" * 100000 + "</body></html>").encode("utf-8"), "indexed")
    put("unclosed.html", b"<html><body><p>\xe5\xad\x90\xe5\xb8\x82\xe6\x9c\xaa\xe9\x97\xad\xe5\x90\x88\xe6\xa0\x87\xe7\xad\xbe"
        + "的网页正文，记录社区养老服务的做法。<div><span><table><tr><td>表格".encode("utf-8"), "indexed")
    put("bogus-charset.html", '<html><head><meta charset="x-no-such-charset"></head><body><p>丑市未知编码声明的网页，'
        '记录老旧小区改造的经验。</p></body></html>'.encode("utf-8"), "indexed")
    put("huge.html", b"<html><body><p>" + b"x" * (17 * 1024 * 1024) + b"</p></body></html>", "skipped")
    put("汇报 材料 2024（终稿）.txt", "寅市营商环境工作汇报\n寅市推行证照分离改革，企业开办时间压缩到一天。\n".encode("utf-8"), "indexed")
    put("只有标点.txt", "，。、；：？！……——".encode("utf-8") * 10, "skipped")
    put("nul-bytes.txt", "卯县情况汇报\n卯县\x00推进\x00乡村振兴。\n".encode("utf-8") + b"\x00" * 3000, "skipped")
    put("old-word.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500, "skipped")
    put("million-lines.txt", b"1\n" * 200_000, "skipped")
    put("bidi-controls.txt", "辰县数字乡村工作汇报\n辰县\u202e建成\u202c益农信息社\u200b三百个。\n".encode("utf-8"), "indexed")
    put("markup.md", "# 巳县政务公开工作汇报\n\n巳县<script>alert(1)</script>公开政务信息[点这里](javascript:alert(1))两万条。\n"
        .encode("utf-8"), "indexed")
    put("long-name-" + "很长的文件名" * 12 + ".txt", "午县文件名很长的汇报\n午县推进移风易俗，红白喜事简办成为新风尚。\n"
        .encode("utf-8"), "indexed")
    _zip_bomb(bad / "zip-bomb.docx")
    expect["坏/zip-bomb.docx"] = "skipped-if-read"
    _office_files(bad, outside, expect)
    put("truncated.pdf", _truncated_pdf(), "skipped-if-read")
    _costly_files(corpus, bad, expect)
    # Not corpus files at all.
    (outside / "secret.txt").write_text("外部机密文件：不应被索引。\n", encoding="utf-8")
    (bad / "link-outside.txt").symlink_to(outside / "secret.txt")
    (bad / "dir-outside").symlink_to(outside, target_is_directory=True)
    (bad / "loop-a.txt").symlink_to(bad / "loop-b.txt")
    (bad / "loop-b.txt").symlink_to(bad / "loop-a.txt")
    (bad / "broken-link.txt").symlink_to(bad / "no-such-file.txt")
    os.mkfifo(bad / "named-pipe.txt")
    (bad / "folder.txt").mkdir()
    (bad / ".hidden.txt").write_text("隐藏文件中的内容。\n", encoding="utf-8")
    for name in ("link-outside.txt", "dir-outside/secret.txt", "loop-a.txt", "loop-b.txt", "broken-link.txt",
                 "named-pipe.txt", "folder.txt", ".hidden.txt"):
        expect[f"坏/{name}"] = "ignored"
    return expect


def _office_files(bad: Path, outside: Path, expect: dict[str, str]) -> None:
    """Archives and the office formats read since round twenty-four, made hostile: a bomb in a .zip and
    one nested in zips, an archive holding a readable report and an unreadable file, RTF nested past
    any real document, and an OpenDocument file naming a file outside the corpus as an entity."""
    _zip_bomb(bad / "zip-bomb.zip")
    expect["坏/zip-bomb.zip"] = "skipped"
    inner = io.BytesIO()
    _zip_bomb(inner)
    nested = inner.getvalue()
    for level in range(3):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(f"第{level}层.zip", nested)
        nested = out.getvalue()
    (bad / "nested-zips.zip").write_bytes(nested)
    expect["坏/nested-zips.zip"] = "skipped"
    with zipfile.ZipFile(bad / "attachments.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("附件1：未县高标准农田建设情况汇报.txt", "未县新建高标准农田三万亩，配套灌溉渠道一百二十公里。\n".encode("gbk"))
        z.writestr("附件2：旧幻灯片.ppt", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    expect["坏/attachments.zip"] = "partial"
    (bad / "deep.rtf").write_bytes(b"{\\rtf1" + b"{" * 100_000 + "申县深层嵌套的文字".encode("gbk") + b"}" * 100_001)
    expect["坏/deep.rtf"] = "skipped"
    content = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY secret SYSTEM "' + (outside / "secret.txt").as_uri()
               + '">]><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
               "<text:p>酉县文档里引用外部文件的实体：&secret;，正文照常索引，外部内容不得读入。</text:p>"
               "</office:text></office:body></office:document-content>")
    with zipfile.ZipFile(bad / "entity.odt", "w") as z:
        z.writestr("content.xml", content)
    expect["坏/entity.odt"] = "indexed"


def _long_folder(root: Path, name: str = "d" * 200, depth: int = 24) -> None:
    """A report at a path longer than PATH_MAX, made relative to each parent's handle."""
    fd = os.open(root, os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir(name, dir_fd=fd)
            child = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = child
        with open(os.open("深处.txt", os.O_WRONLY | os.O_CREAT, dir_fd=fd), "w", encoding="utf-8") as f:
            f.write("深处的报告\n很深的文件夹中的正文。\n")
    finally:
        os.close(fd)


COLLECTION = "坏/collection-124-reports.csv"


def _real_reports() -> list[tuple[str, str]]:
    """(title, text) of the development collection's reports, one per file or JSON line, in a
    fixed order: real, distinct reports (a few of them real copies of each other)."""
    import docx

    dev = ROOT / "bench" / "devcorpus"
    out = []
    for line in (dev / "wikisource-jsonl" / "government_work_reports.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        out.append((item["title"], item["content"]))
    for path in sorted(dev.rglob("*")):
        if path.suffix in (".txt", ".md"):
            out.append((path.stem, path.read_text(encoding="utf-8", errors="replace")))
        elif path.suffix == ".docx":
            out.append((path.stem, "\n".join(p.text for p in docx.Document(str(path)).paragraphs)))
    return out


def collection_csv(reports: int = 124) -> bytes:
    """A table of ``reports`` real reports, one per row (the development collection), together
    longer than one report may be: a collection must be limited per report, not per file."""
    rows = ["title,date,full_text"]
    chosen = _real_reports()[:reports]
    assert len(chosen) == reports and sum(len(t) for _, t in chosen) > MAX_TEXT_CHARS, "collection too small"
    for title, text in chosen:
        rows.append('"%s",,"%s"' % (title.replace('"', "'"), text.replace('"', "'")))
    return "\n".join(rows).encode("utf-8")


def many_paragraphs_docx(paragraphs: int = 242_001) -> bytes:
    """A small .docx (a few hundred KB) holding ``paragraphs`` paragraphs, written as raw XML."""
    import io

    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    rng = random.Random(1)
    words = "推进基层治理乡村振兴社区服务网格管理应急保障民生工程"
    body = "".join(f"<w:p><w:r><w:t>{n}{''.join(rng.choice(words) for _ in range(4))}</w:t></w:r></w:p>"
                   for n in range(paragraphs))
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                               'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
                               'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                               '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                               'officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                       'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                       '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        "word/document.xml": f'<?xml version="1.0"?><w:document {ns}><w:body>{body}</w:body></w:document>',
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return out.getvalue()


def _costly_files(corpus: Path, bad: Path, expect: dict[str, str]) -> None:
    """The files that cost most to read: each limit by what costs, and names and folders that
    cannot be stored or listed as they are."""
    def put(name, data, outcome):
        (bad / name).write_bytes(data)
        expect[f"坏/{name}"] = outcome

    put("pdf-bomb-200MB.pdf", pdf_bomb(200), "skipped")
    put("pdf-dense-page.pdf", pdf_dense(), "skipped")
    put("rows-480000.csv", b"title,text\n" + b"".join(
        "第%d条,情况良好%d\n".encode("utf-8") % (i, i) for i in range(480_000)), "partial")
    put(COLLECTION.split("/", 1)[1], collection_csv(), "indexed")
    put("docx-242001-paragraphs.docx", many_paragraphs_docx(), "partial")
    put("html-long-text.html", b"<html><body><p>" + "很长的网页正文。".encode("utf-8") * 600_000
        + b"</p></body></html>", "skipped")
    put("deep-nesting.json", b"[" * 100_000 + b"]" * 100_000, "skipped")
    # Names as unzip writes them from archives made on Chinese Windows (GBK), and worse.
    gbk = os.path.join(os.fsencode(bad), "工作".encode("gbk"))
    os.mkdir(gbk)
    with open(os.path.join(gbk, "报告.txt".encode("gbk")), "wb") as f:
        f.write("申县国企改革工作汇报\n申县完成国有企业公司制改制十二家。\n".encode("utf-8"))
    expect["坏/工作/报告.txt"] = "indexed"
    with open(os.path.join(os.fsencode(bad), b"\xff\xfe\x80.txt"), "wb") as f:
        f.write("酉县应急管理工作汇报\n酉县建成应急避难场所四十处。\n".encode("utf-8"))
    expect["坏/\\xff\\xfe\\x80.txt"] = "indexed"
    (corpus / "columns.ini").mkdir()
    expect["columns.ini"] = "skipped"
    _long_folder(bad)
    expect["坏/" + "d" * 200] = "reported"


def _tree_rss(pid: int) -> int:
    """Memory of a process and all its descendants (Linux /proc; 0 elsewhere), as proportional
    set size: forked workers share their parent's pages, which resident sizes would count twice."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/smaps_rollup").read_text()
            total += int(status.split("Pss:")[1].split()[0]) * 1024
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, IndexError, ValueError):
            continue
    return total


def run_measured(args: list[str], timeout: float) -> tuple[subprocess.CompletedProcess, int]:
    """The CLI run, and the peak memory (PSS) of it and its child processes together."""
    proc = subprocess.Popen([sys.executable, "-m", "indexer", *args], cwd=ROOT, env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    peak, done = [0], threading.Event()

    def poll():
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            time.sleep(0.05)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        done.set()
        if proc.poll() is None:
            proc.kill()
    watcher.join()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err), peak[0]


def hostile_run(work: Path, log) -> dict:
    corpus, outside, index = work / "hostile", work / "outside", work / "hostile-index"
    expect = make_hostile_corpus(corpus, outside)
    started = time.monotonic()
    done, peak = run_measured(["index", "--json", "--index", str(index), "--corpus", str(corpus)], timeout=600)
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(done.stdout)
    outcome = check_hostile(index, summary, expect)
    slowest, slowest_s = summary.get("slowest") or ["", 0]
    log(f"  {len(expect)} bad files: {outcome['handled']} handled as expected in {seconds:.1f}s, "
        f"peak memory {peak / 2**20:.0f} MB, slowest file {slowest} ({slowest_s:.1f} s)")
    for name, problem in outcome["problems"].items():
        log(f"    {name}: {problem}")
    return dict(outcome, seconds=round(seconds, 1), kinds=len(expect), peak_mb=round(peak / 2**20),
                slowest=slowest, slowest_s=round(slowest_s, 1), cases=_case_lines(summary, expect))


def _case_lines(summary: dict, expect: dict[str, str]) -> dict[str, str]:
    """What the run said about each bad file (its line in the summary), for the table."""
    out = {}
    for name in expect:
        said = summary["skipped"].get(name) or summary.get("partial", {}).get(name)
        if said is None:
            said = next((v for k, v in summary["skipped"].items() if k.startswith(name)), None)
        out[name] = said or ("indexed" if name in summary["added"] else "ignored")
    return out


def check_hostile(index: Path, summary: dict, expect: dict[str, str]) -> dict:
    from indexer.ingest.readers import supported

    seen = set(summary["added"]) | set(summary["skipped"])
    ix = store.open_index(index)
    with ix.reader() as reader:
        docs = [d for _, d in reader.iter_docs()]
    text_of, reports_of = {}, {}
    for d in docs:
        if "source" in d:                 # dedup records have no source
            text_of.setdefault(d["source"], []).append(d.get("text") or "")
            if d.get("text"):
                reports_of.setdefault(d["source"], set()).add(d.get("report_id"))
    problems = {}
    for name, want in expect.items():
        if want == "skipped-if-read":
            want = "skipped" if supported(Path(name)) else "ignored"
        if want == "skipped" and not (summary["skipped"].get(name) and not text_of.get(name, [""])[0]):
            problems[name] = f"expected reported and skipped, got {summary['skipped'].get(name) or 'indexed'}"
        elif want == "indexed" and not any(text_of.get(name, [])):
            problems[name] = f"expected indexed, got {summary['skipped'].get(name) or 'nothing'}"
        elif want == "partial" and not (summary.get("partial", {}).get(name) and any(text_of.get(name, []))):
            problems[name] = f"expected indexed in part and said, got {summary['skipped'].get(name) or 'all of it'}"
        elif want == "reported" and not any(k.startswith(name) for k in summary["skipped"]):
            problems[name] = "expected reported, but nothing was said"
        elif want == "ignored" and (name in seen or name in text_of):
            problems[name] = "expected ignored, but it was read"
    for d in docs:
        text = (d.get("text") or "") + (d.get("title") or "")
        if re.search(r"alert\(|javascript:|document\.write|\x00", text) and not d.get("source", "").endswith(".md"):
            problems[d.get("source", "?")] = f"unsafe text indexed: {text[:80]!r}"
        if "外部机密" in text or "隐藏文件" in text:
            problems[d.get("source", "?")] = "a file outside the corpus was indexed"
    searcher = Searcher(index, refresh_seconds=0)
    for word, source in GOOD_WORDS.items():
        if source not in {hit.source for hit in searcher.search(f'"{word}"', limit=100).hits}:
            problems[f"good:{word}"] = "a good report was lost"
    return {"handled": len(expect) - len([p for p in problems if p in expect]), "problems": problems,
            "collection_reports": len(reports_of.get(COLLECTION, ())),
            "collection_copies": sum(d.get("source") == COLLECTION for d in summary.get("duplicates", []))}


# ---------------------------------------------------------------- 4. disk full

def mount_small_disk(mount: Path, megabytes: int = 8) -> str | None:
    """Mount a tmpfs of ``megabytes`` at ``mount``; the reason it cannot be done, or None."""
    if not sys.platform.startswith("linux"):
        return "a size-limited tmpfs needs Linux"
    mount.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(mount)],
                              capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"cannot mount a tmpfs: {exc}"
    return None if done.returncode == 0 else f"cannot mount a tmpfs: {done.stderr.strip() or done.returncode}"


def stop_server(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        server.kill()


def unmount(mount: Path) -> None:
    # Lazily when busy (a killed indexer's child may still hold a file): never leave a mount behind.
    if subprocess.run(["umount", str(mount)], capture_output=True, timeout=30).returncode:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, timeout=30)


def disk_full_case(work: Path, index: Path, rebuild: bool = True, with_room: bool = False) -> dict:
    """A small index on a small disk, then a run of more than PARALLEL_BYTES of new text (two
    worker processes) that cannot fit: it must fail in one line, quickly, and clean up."""
    small, big = work / "small", work / "big"
    small.mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "corpus").rglob("*.txt"))[:1]:
        shutil.copy(path, small / path.name)
    assert cli("index", "--index", str(index), "--corpus", str(small)).returncode == 0
    before = fingerprint(index)
    make_corpus(big / "more", 25)                       # about 4 MB of text: the parallel path
    shutil.copytree(small, big, dirs_exist_ok=True)
    args = ["index", "--index", str(index), "--corpus", str(big)] + (["--rebuild"] if rebuild else [])
    started = time.monotonic()
    try:
        done = cli(*args, timeout=120)
        returncode, stderr = done.returncode, done.stderr
    except subprocess.TimeoutExpired:
        returncode, stderr = None, "hung: no exit within 120 s"
    seconds = time.monotonic() - started
    try:
        served = fingerprint(index) == before and Searcher(index, refresh_seconds=0).search("社区").total > 0
    except Exception:       # noqa: BLE001 - an index that no longer opens is what we look for
        served = False
    out = {"returncode": returncode, "stderr": stderr, "seconds": round(seconds, 1),
           "lock_held": store.lock_held(index), "litter": store.leftovers(index), "old_index_served": served}
    if with_room:
        # The same run where the disk has room: how much of the failing run's time was the run itself.
        roomy = work / "roomy-index"
        assert cli("index", "--index", str(roomy), "--corpus", str(small)).returncode == 0
        started = time.monotonic()
        assert cli("index", "--index", str(roomy), "--corpus", str(big), *args[5:], timeout=600).returncode == 0
        out["with_room_s"] = round(time.monotonic() - started, 1)
    return out


def disk_full_run(work: Path, log) -> dict:
    mount = work / "disk"
    reason = mount_small_disk(mount)
    if reason:
        log(f"  skipped: {reason}")
        return {"skipped": reason}
    try:
        out = {}
        for kind in ("rebuild", "incremental"):
            out[kind] = disk_full_case(work / kind, mount / kind, rebuild=kind == "rebuild", with_room=True)
            log(f"  {kind}: {out[kind]}")
            shutil.rmtree(mount / kind, ignore_errors=True)
        return out
    finally:
        unmount(mount)


# ---------------------------------------------------------------- main

PARTS = {"crash": "SIGKILL trials", "load": "searches under reindex", "hostile": "bad files",
         "disk": "disk full", "commits": "5xx while rebuilds commit", "empty": "no index, then one",
         "budget": "expensive requests on a big index", "report": "a very long report's pages"}

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the short CI run")
    parser.add_argument("--trials", type=int, help="crash trials (default 20, quick 2)")
    parser.add_argument("--seconds", type=float, help="load duration (default 30, quick 4)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads (default 8)")
    parser.add_argument("--threads", type=int, default=8, help="server threads (default 8)")
    parser.add_argument("--copies", type=int, help="copies of the bundled corpus (default 3, quick 1)")
    parser.add_argument("--only", help="which parts to run (default all; --quick: crash,load,hostile,disk), of: "
                                       + ", ".join(f"{k} ({v})" for k, v in PARTS.items()))
    parser.add_argument("--commits", type=int, default=20, help="rebuilds in the commits part (default 20)")
    parser.add_argument("--paragraphs", type=int, default=30000, help="paragraphs in the budget part (default 30000)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    trials = args.trials if args.trials is not None else (2 if args.quick else 20)
    seconds = args.seconds if args.seconds is not None else (4 if args.quick else 30)
    copies = args.copies if args.copies is not None else (1 if args.quick else 3)
    parts = set((args.only or ("crash,load,hostile,disk" if args.quick else ",".join(PARTS))).split(","))
    log = (lambda msg: print(msg, file=sys.stderr, flush=True)) if args.json else (lambda msg: print(msg, flush=True))
    work = args.keep or Path(tempfile.mkdtemp(prefix="reportsearch-reliability-"))
    work.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    figures = {}
    try:
        if "crash" in parts:
            log(f"1. SIGKILL during index runs: {trials} trials")
            figures["crash"] = crash_trials(work / "crash", trials, copies, rng, log)
        if "load" in parts:
            log(f"2. searches under reindex: {args.clients} clients, {seconds:.0f} s")
            figures["load"] = load(work / "load", seconds, args.clients, args.threads, copies, log)
        if "hostile" in parts:
            log("3. hostile and broken files")
            figures["hostile"] = hostile_run(work / "hostile", log)
        if "disk" in parts:
            log("4. disk full during a parallel run (a small tmpfs)")
            figures["disk"] = disk_full_run(work / "disk", log)
        if "commits" in parts:
            log(f"5. mixed searches while {args.commits} rebuilds commit: {args.clients} clients")
            (work / "commits").mkdir(parents=True, exist_ok=True)
            figures["commits"] = commits_under_load(work / "commits", args.commits, args.clients, args.threads,
                                                    copies, log)
        if "budget" in parts:
            log(f"6. expensive requests at {args.paragraphs} paragraphs")
            (work / "budget").mkdir(parents=True, exist_ok=True)
            figures["budget"] = budget_run(work / "budget", args.paragraphs, args.threads, log)
        if "empty" in parts:
            log("7. no index, then an index, then none, then one again (one server, never restarted)")
            figures["empty"] = empty_index_run(work / "empty", args.threads, log)
        if "report" in parts:
            log("8. the pages of a 4.8 MB one-report text")
            figures["report"] = long_report_run(work / "report", args.threads, log)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=1))
        return 0
    print()
    print("| check | result |")
    print("|---|---|")
    if "crash" in figures:
        c = figures["crash"]
        print(f"| SIGKILL trials survived | {c['survived']}/{c['trials']} ({c['killed_mid_run']} killed mid-run, "
              f"{c['with_litter_cleared']} left litter that the next run cleared) |")
        print(f"| corpus / full build / incremental / median recovery | {c['documents']} docs / {c['full_build_s']} s / "
              f"{c['incremental_s']} s / {c['recovery_median_s']} s |")
    if "load" in figures:
        base, lo = figures["load"]["baseline"], figures["load"]["reindex"]
        print(f"| searches alone ({base['clients']} clients, {base['server_threads']} server threads) | "
              f"{base['requests']} requests in {base['seconds']} s = {base['rate']} req/s, "
              f"p50 {base['p50_ms']} ms, p95 {base['p95_ms']} ms, {base['errors']} errors, {base['empty']} empty |")
        print(f"| searches under reindex | {lo['requests']} requests in {lo['seconds']} s = {lo['rate']} req/s "
              f"({lo['rate'] / max(base['rate'], 0.1):.2f}× baseline), p50 {lo['p50_ms']} ms, p95 {lo['p95_ms']} ms |")
        print(f"| errors / empty answers / rebuilds during load | {lo['errors']} / {lo['empty']} / "
              f"{lo['rebuilds_done']} done, {lo['rebuilds_failed']} failed |")
    if "commits" in figures:
        c = figures["commits"]
        print(f"| mixed searches while rebuilds commit ({c['clients']} clients) | {c['requests']} requests, "
              f"{c['commits']} commits, {c['server_errors']} 5xx/failed; statuses {c['statuses']} |")
    if "empty" in figures:
        e = figures["empty"]
        print(f"| no index, then one (page, API status) | empty corpus {e['empty corpus']}; indexed {e['indexed']} "
              f"after {e['indexed_s']} s; folder deleted {e['index folder deleted']}; indexed again "
              f"{e['indexed again']} after {e['indexed_again_s']} s; never restarted |")
    if "budget" in figures:
        b = figures["budget"]
        for name, one in b["single"].items():
            said = f", {one['results']} results" if "results" in one else ""
            print(f"| at {b['paragraphs']} paragraphs: {name} | {one['status']} in {one['ms']} ms (median of "
                  f"{len(one['all_ms'])}; slowest {one['max_ms']} ms){', marked incomplete' if one.get('incomplete') else ''}"
                  f"{said} |")
        print(f"| slowest expensive request at {b['paragraphs']} paragraphs (of all rounds) | {b['max_single_ms']} ms |")
        print(f"| cheap query p50/p95 alone / with 4 expensive running | {b['cheap_alone_p50_ms']}/"
              f"{b['cheap_alone_p95_ms']} ms / {b['cheap_loaded_p50_ms']}/{b['cheap_loaded_p95_ms']} ms "
              f"({b['cheap_loaded_requests']} requests; expensive ones answered {b['heavy_statuses']}) |")
    if "report" in figures:
        r = figures["report"]
        for name, one in r["pages"].items():
            print(f"| {r['file_mb']} MB one-report text ({r['paragraphs']} paragraphs): {name} | {one['status']} in "
                  f"{one['ms']} ms, {round(one['bytes'] / 1024)} KB |")
    if "hostile" in figures:
        h = figures["hostile"]
        print(f"| bad files handled | {h['handled']}/{h['kinds']} in {h['seconds']} s, good reports all found: "
              f"{not any(k.startswith('good:') for k in h['problems'])} |")
        print(f"| hostile run: peak memory (indexer and its children) / slowest file | {h['peak_mb']} MB / "
              f"{h['slowest']} {h['slowest_s']} s |")
        print(f"| 124-report CSV collection (124 real reports of the development collection, one per row) | "
              f"{h['collection_reports'] + h['collection_copies']} rows read: {h['collection_reports']} reports "
              f"indexed, {h['collection_copies']} recorded as copies of them |")
    if "disk" in figures:
        for kind, d in figures["disk"].items():
            if kind == "skipped":
                print(f"| disk full | skipped: {d} |")
                continue
            print(f"| disk full ({kind}, 2 workers) | exit {d['returncode']} in {d['seconds']} s: "
                  f"{d['stderr'].strip()}; lock held {d['lock_held']}, litter {len(d['litter'])}, "
                  f"old index served {d['old_index_served']}; the same run with room: {d.get('with_room_s')} s |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
