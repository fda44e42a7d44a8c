"""Everyday use at archive scale: a month of small reindexing runs, then the searches.

    python bench/daily.py                         # N = 100,000 paragraphs, 30 days
    python bench/daily.py --sizes 1000000 --days 20
    python bench/daily.py --index DIR --corpus DIR   # start from a copy of an index already built

A fresh build is one shape of index; the one users search is the one their daily runs made:
each run adds its reports as a small segment of its own, and changing or removing a report
deletes its paragraphs where they are. So: build (or copy) the index of the synthetic corpus
(bench/corpus.py), then, each day, add one new report; every third day change one added
before, every fifth remove one; each day is one `reportsearch index`, timed whole. Then the
bench's query mix (bench/perf.py), warm, as on the first day. Prints the runs' times
(median, 95th percentile, slowest), the query latencies before and after, and the segments.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from common import percentile
from corpus import generate
from perf import OUT, QUERIES, index_cmd, latencies, run_measured


def new_report(folder: Path, seed: int) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        generate(40, Path(tmp), seed=seed)
        source = next(Path(tmp).rglob("*.txt"))
        path = folder / f"day-{seed}.txt"
        path.write_bytes(source.read_bytes())
    return path


def queries(index: Path) -> tuple[float, float, int]:
    """(p50, p95) ms of the bench's query mix, warm, and the index's segments."""
    from indexer.engine import store
    from indexer.search.searcher import Searcher

    searcher = Searcher(index)
    values = latencies(lambda q: searcher.search(q, limit=10), QUERIES)
    searcher.close()
    return percentile(values, 50), percentile(values, 95), len(store.open_index(index)._segments())


def month(index: Path, corpus: Path, days: int) -> dict:
    added = corpus / "daily"
    shutil.rmtree(added, ignore_errors=True)
    added.mkdir()
    before = queries(index)
    runs, mine = [], []
    for day in range(1, days + 1):
        mine.append(new_report(added, seed=5000 + day))
        if day % 3 == 0 and len(mine) > 2:
            changed = mine[-3]
            changed.write_text(changed.read_text(encoding="utf-8") + f"\n第{day}天补充：工作持续推进。\n", encoding="utf-8")
        if day % 5 == 0 and len(mine) > 4:
            mine.pop(0).unlink()
        seconds, _, out = run_measured(index_cmd(corpus, index))
        runs.append(seconds)
    after = queries(index)
    shutil.rmtree(added)
    return {"runs": runs, "before": before, "after": after}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100000])
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--index", type=Path, help="an index of --corpus to start from (copied, not changed)")
    ap.add_argument("--corpus", type=Path)
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f} at start")
    for n in args.sizes:
        corpus = args.corpus or OUT / f"corpus-{n}"
        if not corpus.exists():
            generate(n, corpus)
        index = OUT / f"index-daily-{n}"
        shutil.rmtree(index, ignore_errors=True)
        if args.index:
            shutil.copytree(args.index, index)
        else:
            run_measured(index_cmd(corpus, index))
        res = month(index, corpus, args.days)
        runs = res["runs"]
        (p50a, p95a, sa), (p50b, p95b, sb) = res["before"], res["after"]
        print(f"\nN = {n:,}, {args.days} days (one `reportsearch index` a day)\n")
        print("| | first day | after the month |\n|---|---|---|")
        print(f"| query p50 / p95 (ms) | {p50a:.1f} / {p95a:.1f} | {p50b:.1f} / {p95b:.1f} |")
        print(f"| segments | {sa} | {sb} |")
        print(f"\ndaily run: median {statistics.median(runs):.2f} s, 95th percentile {percentile(runs, 95):.2f} s, "
              f"slowest {max(runs):.2f} s; every run: {' '.join(f'{r:.2f}' for r in runs)}")
        shutil.rmtree(index, ignore_errors=True)


if __name__ == "__main__":
    main()
