"""Everyday use at archive scale: a month of small reindexing runs, then the searches.

    python bench/daily.py                         # N = 100,000 paragraphs, 30 days
    python bench/daily.py --sizes 1000000 --days 20
    python bench/daily.py --index DIR --corpus DIR   # start from a copy of an index of DIR
    python bench/daily.py --other ../older-checkout  # that version alongside, day by day
    python bench/daily.py --batches 25            # the collection indexed a folder at a time instead

A fresh build is one shape of index; the one users search is the one their daily runs made:
each run adds its reports as a segment of its own, and changing or removing a report deletes
its paragraphs where they are. So: build (or copy) the index of the synthetic corpus
(bench/corpus.py), then, each day, add one new report; every third day change one added
before, every fifth remove one; each day is one `reportsearch index`, timed whole. Then the
bench's query mix (bench/perf.py), warm, as on the first day. With ``--other``, the code of
another checkout runs too, on its own copy of the index, the two taking turns to go first each
day (a busy machine's slow spells then fall on both). Prints the runs' times (median, 95th
percentile, slowest), the query latencies on the first day and after, and the segments.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, percentile
from corpus import generate
from perf import OUT, QUERIES, env, index_cmd, run_measured

# Run with a checkout's code (nothing of this one imported): the query mix, warm (perf.latencies'
# method: a round to warm up, three timed), as JSON; then the index's segments.
_QUERIES = """
import json, sys, time
from indexer.engine import store
from indexer.search.searcher import Searcher
queries = json.loads(sys.argv[2])
searcher = Searcher(sys.argv[1])
for q in queries:
    searcher.search(q, limit=10)
out = []
for _ in range(3):
    for q in queries:
        t = time.perf_counter()
        searcher.search(q, limit=10)
        out.append((time.perf_counter() - t) * 1000)
print(json.dumps([out, len(store.open_index(sys.argv[1])._segments())]))
"""


def new_report(folder: Path, seed: int) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        generate(40, Path(tmp), seed=seed)
        source = next(Path(tmp).rglob("*.txt"))
        path = folder / f"day-{seed}.txt"
        path.write_bytes(source.read_bytes())
    return path


def with_code(tree: Path, cmd: list[str]) -> subprocess.CompletedProcess:
    """Run ``cmd`` with ``tree``'s code: on the path, and the working directory (which `-m` and
    `-c` put first on the path)."""
    e = env()
    e["PYTHONPATH"] = str(tree)
    e["PYTHONPYCACHEPREFIX"] = str(OUT.resolve() / "pycache" / tree.name)
    return subprocess.run(cmd, env=e, cwd=tree, capture_output=True, text=True, check=True)


def queries(tree: Path, index: Path) -> tuple[float, float, int]:
    """(p50, p95) ms of the bench's query mix, warm, and the index's segments."""
    values, segments = json.loads(with_code(tree, [sys.executable, "-c", _QUERIES, str(index.resolve()),
                                                   json.dumps(QUERIES)]).stdout)
    return percentile(values, 50), percentile(values, 95), segments


def index_in_turn(trees: list[Path], indexes: list[Path], corpus: Path, step: int, res: list[dict]) -> None:
    """One `reportsearch index` of ``corpus`` with each tree's code into its index, timed whole;
    the trees take turns to go first (a busy machine's slow spells then fall on all of them)."""
    turn = list(range(len(trees)))
    for k in turn[step % len(turn):] + turn[:step % len(turn)]:
        started = time.perf_counter()
        with_code(trees[k], index_cmd(corpus.resolve(), indexes[k].resolve()))
        res[k]["runs"].append(time.perf_counter() - started)


def month(trees: list[Path], indexes: list[Path], corpus: Path, days: int) -> list[dict]:
    added = corpus / "daily"
    shutil.rmtree(added, ignore_errors=True)
    added.mkdir()
    res = [{"runs": [], "before": queries(tree, index)} for tree, index in zip(trees, indexes)]
    mine = []
    for day in range(1, days + 1):
        mine.append(new_report(added, seed=5000 + day))
        if day % 3 == 0 and len(mine) > 2:
            changed = mine[-3]
            changed.write_text(changed.read_text(encoding="utf-8") + f"\n第{day}天补充：工作持续推进。\n", encoding="utf-8")
        if day % 5 == 0 and len(mine) > 4:
            mine.pop(0).unlink()
        index_in_turn(trees, indexes, corpus, day, res)
    for r, tree, index in zip(res, trees, indexes):
        r["after"] = queries(tree, index)
    shutil.rmtree(added)
    return res


def grown(trees: list[Path], indexes: list[Path], corpus: Path, batches: int) -> list[dict]:
    """Index ``corpus`` a share of its files at a time, ``batches`` runs from an empty index."""
    files = sorted(p for p in corpus.rglob("*") if p.is_file())
    staged = OUT / "corpus-staged"
    shutil.rmtree(staged, ignore_errors=True)
    res = [{"runs": []} for _ in trees]
    for b in range(batches):
        for f in files[len(files) * b // batches:len(files) * (b + 1) // batches]:
            target = staged / f.relative_to(corpus)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, target)
        index_in_turn(trees, indexes, staged, b, res)
    for r, tree, index in zip(res, trees, indexes):
        r["after"] = queries(tree, index)
    shutil.rmtree(staged)
    return res


def report(n: int, days: int, names: list[str], res: list[dict], batches: int = 0) -> None:
    print(f"\nN = {n:,}, " + (f"indexed in {batches} runs from empty; first day: one full build\n" if batches
                             else f"{days} days (one `reportsearch index` a day)\n"))
    print("| | " + " | ".join(names) + " |\n|---|" + "---|" * len(names))
    print("| segments, first day → after | " + " | ".join(f"{r['before'][2]} → {r['after'][2]}" for r in res) + " |")
    print("| query p50 / p95, first day → after (ms) | " + " | ".join(
        f"{r['before'][0]:.1f} / {r['before'][1]:.1f} → {r['after'][0]:.1f} / {r['after'][1]:.1f}" for r in res) + " |")
    print("| daily run: median / 95th percentile / slowest (s) | " + " | ".join(
        f"{statistics.median(r['runs']):.2f} / {percentile(r['runs'], 95):.2f} / {max(r['runs']):.2f}" for r in res) + " |")
    for name, r in zip(names, res):
        print(f"\n{name}, every run: " + " ".join(f"{x:.2f}" for x in r["runs"]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100000])
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--index", type=Path, help="an index of --corpus to start from (copied, not changed)")
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--other", type=Path, help="a checkout of another version, run alongside on a copy of the index")
    ap.add_argument("--batches", type=int, default=0, help="index the corpus in this many runs from empty instead")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f} at start")
    trees = [ROOT] + ([args.other.resolve()] if args.other else [])
    for n in args.sizes:
        corpus = args.corpus or OUT / f"corpus-{n}"
        if not corpus.exists():
            generate(n, corpus)
        start = args.index
        if start is None:
            start = OUT / f"index-daily-{n}"
            shutil.rmtree(start, ignore_errors=True)
            run_measured(index_cmd(corpus, start))
        indexes = [OUT / f"index-daily-{n}-{k}" for k in range(len(trees))]
        for index in indexes:
            shutil.rmtree(index, ignore_errors=True)
            if not args.batches:
                shutil.copytree(start, index)
        if args.batches:
            res = grown(trees, indexes, corpus, args.batches)
            for r, tree in zip(res, trees):
                r["before"] = queries(tree, start)
        else:
            res = month(trees, indexes, corpus, args.days)
        report(n, args.days, ["this checkout"] + ([f"--other ({args.other})"] if args.other else []), res, args.batches)
        for index in indexes:
            shutil.rmtree(index, ignore_errors=True)


if __name__ == "__main__":
    main()
