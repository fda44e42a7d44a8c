"""Performance at archive scale: ours against the obvious design, in one run.

    python bench/perf.py                 # N = 10,000 and 100,000
    python bench/perf.py --sizes 1000000 # the long run

For each N: a synthetic corpus (bench/corpus.py), full build of both designs (time, MB/s of
UTF-8 input, index size, peak RSS of the indexing process tree), warm query latency for
top-10 with snippets (ours: indexer.search.searcher.Searcher; obvious: QueryParser + highlights()),
HTTP API latency and server RSS and cold start (ours, `reportsearch serve` on 127.0.0.1),
and the cost of adding one report and of a run with nothing changed.
Timings on a shared machine are noisy: medians of repeated runs, ratios from the same run.
"""
from __future__ import annotations

import argparse
import json
import re
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from common import ROOT, Baseline, median, percentile

from corpus import generate

OUT = Path(__file__).parent / "out"
QUERIES = [
    # common terms
    "社区", "工作", "土地流转", "一站式服务", "社区建设",
    # two words
    "社区 就业", "拆迁 安置", "农村 医疗卫生", "土地流转 合同", "居委会 服务",
    # rare terms
    "黄标车", "秸秆禁烧", "新塘", "公租房", "星光计划",
    # quoted phrases
    '"社区服务中心"', '"打击传销"', '"城乡一体化"', '"下岗失业人员"', '"一村一社区"',
]


def env() -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT) + os.pathsep + e.get("PYTHONPATH", "")
    return e


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants (Linux /proc)."""
    total, stack = 0, [pid]
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    while stack:
        p = stack.pop()
        stack += children.get(p, [])
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def run_measured(cmd: list[str], cwd: Path | None = None) -> tuple[float, int, str]:
    """Run cmd; return (seconds, peak RSS in MB of its process tree, stdout)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    stop = threading.Event()

    def sample():
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss_kb(proc.pid))
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    elapsed = time.perf_counter() - started
    stop.set()
    sampler.join()
    if proc.returncode:
        raise SystemExit(f"{cmd} failed: {err[-2000:]}")
    return elapsed, peak // 1024, out


def dir_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def latencies(fn, queries, rounds: int = 3) -> list[float]:
    for q in queries:                       # warm up
        fn(q)
    out = []
    for _ in range(rounds):
        for q in queries:
            t = time.perf_counter()
            fn(q)
            out.append((time.perf_counter() - t) * 1000)
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_and_measure(index_dir: Path, corpus: Path) -> dict:
    port = free_port()
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "indexer", "serve", "--index", str(index_dir), "--corpus",
                             str(corpus), "--port", str(port)], env=env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api/search?"
    try:
        cold = None
        while time.perf_counter() - started < 60:
            try:
                with urllib.request.urlopen(url + urllib.parse.urlencode({"q": "社区"}), timeout=5) as r:
                    json.load(r)
                cold = time.perf_counter() - started
                break
            except OSError:
                time.sleep(0.02)

        def ask(q):
            with urllib.request.urlopen(url + urllib.parse.urlencode({"q": q, "limit": 10}), timeout=30) as r:
                data = json.load(r)
            assert "results" in data

        lat = latencies(ask, QUERIES)
        rss = tree_rss_kb(proc.pid) // 1024
    finally:
        proc.terminate()
        proc.wait(10)
    return {"cold_s": cold, "http": lat, "rss_mb": rss}


def one_report(corpus: Path) -> Path:
    """A new ~40-paragraph report file, generated with another seed (not a copy of one indexed)."""
    with tempfile.TemporaryDirectory() as tmp:
        generate(40, Path(tmp), seed=int(time.time()))
        source = next(Path(tmp).rglob("*.txt"))
        path = corpus / "added-report.txt"
        path.write_bytes(source.read_bytes())
    return path


def measure(n: int, keep: bool) -> dict:
    corpus = OUT / f"corpus-{n}"
    if not corpus.exists():
        generate(n, corpus)
    (corpus / "added-report.txt").unlink(missing_ok=True)
    mb = sum(f.stat().st_size for f in corpus.rglob("*.txt")) / 1e6
    ours_ix, base_ix = OUT / f"index-ours-{n}", OUT / f"index-base-{n}"
    for d in (ours_ix, base_ix):
        shutil.rmtree(d, ignore_errors=True)
    res: dict = {"n": n, "mb": mb}
    py = sys.executable
    res["ours_build"] = run_measured([py, "-m", "indexer", "index", "--corpus", str(corpus), "--index", str(ours_ix)])[:2]
    res["base_build"] = run_measured([py, str(Path(__file__).parent / "baseline_index.py"), str(corpus), str(base_ix)])[:2]
    res["ours_size"], res["base_size"] = dir_mb(ours_ix), dir_mb(base_ix)

    from indexer.search.searcher import Searcher
    searcher = Searcher(ours_ix)
    res["ours_q"] = latencies(lambda q: searcher.search(q, limit=10), QUERIES)
    searcher.close()
    base = Baseline(base_ix)
    res["base_q"] = latencies(lambda q: base.top_with_highlights(q, 10), QUERIES)
    res.update(serve_and_measure(ours_ix, corpus))

    added = one_report(corpus)
    res["add_one"], _, out = run_measured([py, "-m", "indexer", "index", "--corpus", str(corpus), "--index",
                                           str(ours_ix)])
    written = re.search(r"(\d+) 个段落", out)
    assert "新增 1 个文件" in out and written and int(written.group(1)) >= 30, out   # indexed, not a copy
    res["no_change"] = median([run_measured([py, "-m", "indexer", "index", "--corpus", str(corpus), "--index",
                                             str(ours_ix)])[0] for _ in range(3)])
    added.unlink()
    if not keep:
        shutil.rmtree(ours_ix, ignore_errors=True)
        shutil.rmtree(base_ix, ignore_errors=True)
    return res


def report(res: dict) -> None:
    n = res["n"]
    ob, bb = res["ours_build"], res["base_build"]
    rows = [
        ("full build (s)", f"{bb[0]:.1f}", f"{ob[0]:.1f}", f"{bb[0] / ob[0]:.2f}× faster"),
        ("build MB/s (UTF-8 input)", f"{res['mb'] / bb[0]:.2f}", f"{res['mb'] / ob[0]:.2f}", ""),
        ("indexer peak RSS (MB)", f"{bb[1]}", f"{ob[1]}", ""),
        ("index size (MB)", f"{res['base_size']:.0f}", f"{res['ours_size']:.0f}", ""),
    ]
    for label, key_b, key_o in (("query p50 (ms, top-10 + snippets, warm)", "base_q", "ours_q"),):
        bq, oq = res[key_b], res[key_o]
        rows += [
            ("query p50 (ms)", f"{percentile(bq, 50):.1f}", f"{percentile(oq, 50):.1f}",
             f"{percentile(bq, 50) / percentile(oq, 50):.2f}×"),
            ("query p95 (ms)", f"{percentile(bq, 95):.1f}", f"{percentile(oq, 95):.1f}",
             f"{percentile(bq, 95) / percentile(oq, 95):.2f}×"),
            ("query max (ms)", f"{max(bq):.1f}", f"{max(oq):.1f}", ""),
        ]
    rows += [
        ("HTTP API p50 / p95 (ms)", "", f"{percentile(res['http'], 50):.1f} / {percentile(res['http'], 95):.1f}", ""),
        ("server RSS (MB)", "", f"{res['rss_mb']}", ""),
        ("cold start to first answer (s)", "", f"{res['cold_s']:.2f}", ""),
        ("add one report (s, `reportsearch index`)", "", f"{res['add_one']:.2f}", ""),
        ("run with no change (s)", "", f"{res['no_change']:.2f}", ""),
    ]
    print(f"\n### N = {n:,} paragraphs ({res['mb']:.1f} MB UTF-8)\n")
    print("| measure | obvious design | reportsearch | ratio |\n|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    sys.stdout.flush()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    ap.add_argument("--keep", action="store_true", help="keep the built indexes under bench/out/")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    for n in args.sizes:
        report(measure(n, args.keep))


if __name__ == "__main__":
    main()
