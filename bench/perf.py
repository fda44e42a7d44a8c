"""Performance at archive scale: ours against the obvious design, in one run.

    python bench/perf.py                      # N = 10,000 and 100,000, three runs each
    python bench/perf.py --sizes 1000000 --runs 1   # the long run
    python bench/perf.py --jieba              # also build ours with jieba (REPORTSEARCH_SEGMENTER=jieba)
    python bench/perf.py --sizes 100000 --baseline-runs 1   # the obvious design in the first run only

For each N: a synthetic corpus (bench/corpus.py); then ``--runs`` times: full build of both
designs (time, MB/s of UTF-8 input, index size, peak RSS of the indexing process tree), warm
query latency for top-10 with snippets (ours: indexer.search.searcher.Searcher; obvious:
QueryParser + highlights(); ours also with the long posting lists it keeps, indexer.engine.kept,
forgotten before every query, as for a query whose common words no earlier query read), HTTP API latency one client at a time and with 8 concurrent clients
(requests/s), server RSS and cold start (ours, `reportsearch serve` on 127.0.0.1), and the cost of
adding one report (a new one each run) and of a run with nothing changed, as whole processes
(wall-clock and CPU seconds), and a warm searcher's first answer after the report was added.
Every figure is printed as the median of the runs with their range; ratios are per run, from
builds made in the same run. Processes write their bytecode to bench/out/pycache, as an
installed package has it compiled (PYTHONDONTWRITEBYTECODE would charge every start for
compiling our modules).
"""
from __future__ import annotations

import argparse
import json
import re
import os
import random
import resource
from concurrent.futures import ThreadPoolExecutor
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

# Topics, questions and words apart whose paragraphs are mostly not in the exact tier: the page is
# filled from the lower tiers, which Whoosh scores a match at a time (not in the mix above, whose
# figures they would swamp; reported on their own line).
# The query a warm searcher answers first after a report was added (what the cold start asks too).
FIRST_AFTER_ADDING = "社区"
TOPICS = [
    "如何推进社区养老服务", "农村土地流转的做法和成效", "城乡一体化建设推进情况", "拆迁安置补偿", "下岗职工再就业工作的经验",
    "网格化管理", "老旧小区改造", "居委会减负怎么办", "社区 就业 培训", "计划生育 流动人口",
]

CLIENTS = 8

# Server memory is read twice: after the mix above, and after BROAD more queries, each a few
# characters from a paragraph picked at random (seeded): the pages a day's varied questions touch,
# which the mix's twenty alone do not.
BROAD = 200


def env(**extra) -> dict:
    e = dict(os.environ, **extra)
    e["PYTHONPATH"] = str(ROOT) + os.pathsep + e.get("PYTHONPATH", "")
    e.pop("PYTHONDONTWRITEBYTECODE", None)
    e["PYTHONPYCACHEPREFIX"] = str(OUT / "pycache")
    return e


def tree_pids(pid: int) -> list[int]:
    """A process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    out, stack = [], [pid]
    while stack:
        p = stack.pop()
        out.append(p)
        stack += children.get(p, [])
    return out


def _kb(path: str, field: str) -> int:
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, summed: pages the processes share
    (a forked server's workers share the parent's) are counted once per process."""
    return sum(_kb(f"/proc/{p}/status", "VmRSS:") for p in tree_pids(pid))


def tree_pss_kb(pid: int) -> int:
    """Proportional set size of the tree, summed: a page shared by k processes counts 1/k in
    each, so the sum is the RAM the tree uses (Linux 4.14+: /proc/PID/smaps_rollup; 0 elsewhere)."""
    return sum(_kb(f"/proc/{p}/smaps_rollup", "Pss:") for p in tree_pids(pid))


def run_measured(cmd: list[str], cwd: Path | None = None, **extra_env) -> tuple[float, int, str]:
    """Run cmd; return (seconds, peak RSS in MB of its process tree, stdout)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env(**extra_env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
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


def children_cpu() -> float:
    """CPU seconds (user + sys) of the child processes waited for so far: on a busy machine the
    cost of a run, where its wall-clock time is mostly waiting for a core."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def dir_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def latencies(fn, queries, rounds: int = 3, before=None) -> list[float]:
    """Each query's milliseconds, ``rounds`` times over, after one warm-up round; ``before()``
    (untimed) runs before every timed query."""
    for q in queries:                       # warm up
        fn(q)
    out = []
    for _ in range(rounds):
        for q in queries:
            if before is not None:
                before()
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
    # The server as a user starts it: its default number of worker processes (webapp.workers).
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
        concurrent, per_second = concurrently(ask, QUERIES)
        rss, pss = tree_rss_kb(proc.pid) // 1024, tree_pss_kb(proc.pid) // 1024
        procs = len(tree_pids(proc.pid))
        with ThreadPoolExecutor(CLIENTS) as pool:        # both workers, as clients would
            list(pool.map(ask, broad_queries(corpus)))
        broad_rss, broad_pss = tree_rss_kb(proc.pid) // 1024, tree_pss_kb(proc.pid) // 1024
    finally:
        proc.terminate()
        proc.wait(10)
    return {"cold_s": cold, "http": lat, "http8": concurrent, "req_s": per_second, "rss_mb": rss, "pss_mb": pss,
            "procs": procs, "broad_rss_mb": broad_rss, "broad_pss_mb": broad_pss}


def broad_queries(corpus: Path, count: int = BROAD, seed: int = 20) -> list[str]:
    """``count`` queries of two to four Chinese characters, each cut from a random paragraph."""
    rng = random.Random(seed)
    files = sorted(corpus.rglob("*.txt"))
    out: list[str] = []
    while len(out) < count:
        lines = rng.choice(files).read_text(encoding="utf-8").splitlines()
        runs = re.findall(r"[\u4e00-\u9fff]{4,}", rng.choice(lines)) if lines else []
        if runs:
            run = rng.choice(runs)
            size = rng.randint(2, 4)
            at = rng.randrange(len(run) - size + 1)
            out.append(run[at:at + size])
    return out


def concurrently(ask, queries, rounds: int = 3) -> tuple[list[float], float]:
    """CLIENTS threads asking the query mix at once: (each request's ms, requests per second)."""
    work = [q for _ in range(rounds) for q in queries] * CLIENTS

    def timed(q):
        t = time.perf_counter()
        ask(q)
        return (time.perf_counter() - t) * 1000

    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        out = list(pool.map(timed, work))
    return out, len(work) / (time.perf_counter() - started)


def one_report(corpus: Path, seed: int) -> Path:
    """A new ~40-paragraph report file, generated with another seed (not a copy of one indexed)."""
    with tempfile.TemporaryDirectory() as tmp:
        generate(40, Path(tmp), seed=seed)
        source = next(Path(tmp).rglob("*.txt"))
        path = corpus / "added-report.txt"
        path.write_bytes(source.read_bytes())
    return path


def index_cmd(corpus: Path, index_dir: Path) -> list[str]:
    return [sys.executable, "-m", "indexer", "index", "--corpus", str(corpus), "--index", str(index_dir)]


def measure(n: int, run: int, keep: bool, with_jieba: bool, baseline: bool = True) -> dict:
    """One run at N paragraphs: every figure of the table, as numbers (without the obvious
    design's when not ``baseline``)."""
    corpus = OUT / f"corpus-{n}"
    if not corpus.exists():
        generate(n, corpus)
    (corpus / "added-report.txt").unlink(missing_ok=True)
    mb = sum(f.stat().st_size for f in corpus.rglob("*.txt")) / 1e6
    ours_ix, base_ix = OUT / f"index-ours-{n}", OUT / f"index-base-{n}"
    for d in (ours_ix, base_ix, OUT / f"index-jieba-{n}"):
        shutil.rmtree(d, ignore_errors=True)
    res: dict = {"mb": mb}
    res["ours_build"], res["ours_peak"], _ = run_measured(index_cmd(corpus, ours_ix))
    if baseline:
        res["base_build"], res["base_peak"], _ = run_measured([sys.executable, str(Path(__file__).parent / "baseline_index.py"),
                                                               str(corpus), str(base_ix)])
    if with_jieba:
        jieba_ix = OUT / f"index-jieba-{n}"
        res["jieba_build"], res["jieba_peak"], _ = run_measured(index_cmd(corpus, jieba_ix), REPORTSEARCH_SEGMENTER="jieba")
        shutil.rmtree(jieba_ix, ignore_errors=True)
    res["ours_size"] = dir_mb(ours_ix)
    if baseline:
        res["base_size"] = dir_mb(base_ix)
        res["build_ratio"] = res["base_build"] / res["ours_build"]

    from indexer.engine import kept
    from indexer.search.searcher import Searcher
    searcher = Searcher(ours_ix)
    ours_q = latencies(lambda q: searcher.search(q, limit=10), QUERIES)
    # The same, every posting list read afresh (none kept from an earlier query, long or short).
    unkept_q = latencies(lambda q: searcher.search(q, limit=10), QUERIES, before=kept.clear)
    dated_q = latencies(lambda q: searcher.search(q, limit=10, sort="date"), QUERIES)
    topic_q = latencies(lambda q: searcher.search(q, limit=10), TOPICS)
    searcher.close()
    measured = [("ours_q", ours_q), ("unkept_q", unkept_q), ("dated_q", dated_q), ("topic_q", topic_q)]
    if baseline:
        base = Baseline(base_ix)
        measured.append(("base_q", latencies(lambda q: base.top_with_highlights(q, 10), QUERIES)))
    for name, values in measured:
        res[f"{name}50"], res[f"{name}95"], res[f"{name}max"] = percentile(values, 50), percentile(values, 95), max(values)
    served = serve_and_measure(ours_ix, corpus)
    res.update(cold_s=served["cold_s"], rss_mb=served["rss_mb"], pss_mb=served["pss_mb"], req_s=served["req_s"],
               procs=served["procs"], broad_rss_mb=served["broad_rss_mb"], broad_pss_mb=served["broad_pss_mb"],
               http50=percentile(served["http"], 50), http95=percentile(served["http"], 95),
               http8_50=percentile(served["http8"], 50), http8_95=percentile(served["http8"], 95))

    # A server's searcher, warm, as it was before the report was added: its first answer after the
    # reindex builds what is built once per index state (indexer.engine.columns). It looks for a new
    # commit before every search: with the server's one-second interval, a reindex quicker than
    # that (100k: 0.4 s) left the "first answer after" to the state before the report.
    searcher = Searcher(ours_ix, refresh_seconds=0)
    for q in QUERIES:
        searcher.search(q, limit=10)
    generation = searcher.generation()
    added = one_report(corpus, seed=1000 + run)
    cpu = children_cpu()
    res["add_one"], _, out = run_measured(index_cmd(corpus, ours_ix))
    res["add_one_cpu"], cpu = children_cpu() - cpu, children_cpu()
    written = re.search(r"(\d+) 个段落", out)
    assert "新增 1 个文件" in out and written and int(written.group(1)) >= 30, out   # indexed, not a copy
    started = time.perf_counter()
    assert searcher.search(FIRST_AFTER_ADDING, limit=10).total > 0
    res["first_after_add"] = (time.perf_counter() - started) * 1000
    assert searcher.generation() > generation, "the first answer after adding came from the old state"
    searcher.close()
    res["no_change"] = run_measured(index_cmd(corpus, ours_ix))[0]
    res["no_change_cpu"] = children_cpu() - cpu
    added.unlink()
    if not keep:
        shutil.rmtree(ours_ix, ignore_errors=True)
        shutil.rmtree(base_ix, ignore_errors=True)
    return res


def figure(runs: list[dict], key: str, fmt: str = "{:.1f}") -> str:
    """The median of the runs, with their range when there are several."""
    values = [r[key] for r in runs if r.get(key) is not None]
    if not values:
        return ""
    text = fmt.format(median(values))
    return text + (f" ({fmt.format(min(values))}–{fmt.format(max(values))})" if len(values) > 1 else "")


def report(n: int, runs: list[dict]) -> None:
    mb = runs[0]["mb"]
    for r in runs:
        r["ours_mbs"] = mb / r["ours_build"]
        if "base_build" in r:
            r["base_mbs"] = mb / r["base_build"]
        if "jieba_build" in r:
            r["jieba_mbs"] = mb / r["jieba_build"]
    f = lambda key, fmt="{:.1f}": figure(runs, key, fmt)      # noqa: E731
    rows = [
        ("full build (s)", f("base_build"), f("ours_build"), f("build_ratio", "{:.2f}") + ("× faster" if f("build_ratio") else "")),
        ("build MB/s (UTF-8 input)", f("base_mbs", "{:.2f}"), f("ours_mbs", "{:.2f}"), ""),
        ("indexer peak RSS (MB)", f("base_peak", "{:.0f}"), f("ours_peak", "{:.0f}"), ""),
        ("index size (MB)", f("base_size", "{:.0f}"), f("ours_size", "{:.0f}"), ""),
        ("query p50 (ms, top-10 + snippets, warm)", f("base_q50"), f("ours_q50"), ""),
        ("query p95 (ms)", f("base_q95"), f("ours_q95"), ""),
        ("query max (ms)", f("base_qmax"), f("ours_qmax"), ""),
        ("query p50 / p95 (ms), no posting list kept from an earlier query", "",
         f"{f('unkept_q50')} / {f('unkept_q95')}", ""),
        ("query p50 / p95 (ms), the mix sorted by date", "", f"{f('dated_q50')} / {f('dated_q95')}", ""),
        ("query p50 / p95 (ms), topics and questions mostly below the exact tier (TOPICS)", "",
         f"{f('topic_q50')} / {f('topic_q95')}", ""),
        ("HTTP API p50 / p95 (ms), one client", "", f"{f('http50')} / {f('http95')}", ""),
        (f"HTTP API p50 / p95 (ms), {CLIENTS} clients", "", f"{f('http8_50')} / {f('http8_95')}", ""),
        (f"HTTP requests/s, {CLIENTS} clients", "", f("req_s", "{:.0f}"), ""),
        ("server processes (1: one serves alone; 2: the parent serves beside a forked worker)", "", f("procs", "{:.0f}"), ""),
        ("server memory: PSS summed over its processes (MB; RAM used, shared pages split)", "", f("pss_mb", "{:.0f}"), ""),
        ("server memory: RSS summed over its processes (MB; shared pages counted in each)", "", f("rss_mb", "{:.0f}"), ""),
        (f"server memory after {BROAD} more varied queries: PSS / RSS sums (MB)", "",
         f("broad_pss_mb", "{:.0f}") + " / " + f("broad_rss_mb", "{:.0f}"), ""),
        ("cold start to first answer (s)", "", f("cold_s", "{:.2f}"), ""),
        ("add one report (s, `reportsearch index`; CPU s)", "", f"{f('add_one', '{:.2f}')}; {f('add_one_cpu', '{:.2f}')}", ""),
        (f"a warm searcher's first answer after that (ms, {FIRST_AFTER_ADDING})", "", f("first_after_add", "{:.0f}"), ""),
        ("run with no change (s; CPU s)", "", f"{f('no_change', '{:.2f}')}; {f('no_change_cpu', '{:.2f}')}", ""),
    ]
    if "jieba_build" in runs[0]:
        rows.insert(2, ("full build with jieba (s, MB/s)", "", f"{f('jieba_build')} s, {f('jieba_mbs', '{:.2f}')} MB/s", ""))
    base_runs = sum(1 for r in runs if "base_build" in r)
    of_base = f"; the obvious design in {base_runs} of them" if base_runs < len(runs) else ""
    print(f"\n### N = {n:,} paragraphs ({mb:.1f} MB UTF-8), median of {len(runs)} run(s) (range){of_base}\n")
    print("| measure | obvious design | reportsearch | ratio |\n|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    sys.stdout.flush()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    ap.add_argument("--runs", type=int, default=3, help="runs per size; every figure is their median")
    ap.add_argument("--jieba", action="store_true", help="also build ours with jieba instead of rjieba")
    ap.add_argument("--keep", action="store_true", help="keep the built indexes under bench/out/")
    ap.add_argument("--baseline-runs", type=int, default=None,
                    help="build and query the obvious design in the first K runs only (default: every run); "
                         "its build is the slowest part of a run at 100,000 paragraphs and more")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, load average "
          f"{os.getloadavg()[0]:.1f} at start")
    for n in args.sizes:
        runs = []
        for run in range(args.runs):
            baseline = args.baseline_runs is None or run < args.baseline_runs
            runs.append(measure(n, run, args.keep, args.jieba, baseline))
            print(f"N = {n:,}, run {run + 1}: " + json.dumps({k: round(v, 3) for k, v in runs[-1].items()}),
                  file=sys.stderr, flush=True)
        report(n, runs)


if __name__ == "__main__":
    main()
