"""Would fewer paragraphs of one report in a row put more precedents on the first page? A probe,
not part of the engine.

    python bench/diversity_probe.py [--decay 0.7 0.5]

A user looking for how other places handled something wants several places on the first page;
a report that names the query in many paragraphs can fill it. The probe takes our first 50
results and, inside each tier (verbatim, all words, synonym, through the report, some words; the
tiers stay in their order), picks greedily the paragraph whose score above the tier's lowest,
times ``decay`` to the power of how many paragraphs of its report are already listed, is highest
(maximal marginal relevance with the report as the only redundancy). It prints nDCG@10 for
every judged set, beside ours. One constant; ``decay`` 1 is our ranking.
"""
from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from itertools import groupby
from pathlib import Path

import jieba
from quality import Ours, evaluate, judged_sets, mean_of

WINDOW = 50


class Diverse(Ours):
    def __init__(self, index_dir: Path, decay: float):
        super().__init__(index_dir)
        self.decay = decay

    def ids(self, q: str, limit: int = 50) -> list[str]:
        hits = list(self.searcher.search(q, limit=WINDOW).hits)
        seen: Counter = Counter()
        out: list[str] = []
        for _, tier in groupby(hits, key=lambda h: (h.match, bool(h.through_report))):
            left = list(tier)
            floor = min(h.score for h in left)
            while left:
                best = max(left, key=lambda h: (h.score - floor + 1e-6) * self.decay ** seen[h.report_id])
                left.remove(best)
                seen[best.report_id] += 1
                out.append(best.id)
        return out[:limit]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--decay", type=float, nargs="+", default=[0.7])
    args = ap.parse_args()
    jieba.setLogLevel(60)
    with tempfile.TemporaryDirectory() as tmp:
        print("| set | ours | " + " | ".join(f"decay {d}" for d in args.decay) + " |")
        print("|---|---|" + "---|" * len(args.decay))
        for path, index, _, queries, group in judged_sets(Path(tmp)):
            row = [mean_of(evaluate(Ours(index), queries, group), "ndcg10")]
            row += [mean_of(evaluate(Diverse(index, d), queries, group), "ndcg10") for d in args.decay]
            print(f"| {path.name} | " + " | ".join(f"{x:.3f}" for x in row) + " |", flush=True)


if __name__ == "__main__":
    main()
