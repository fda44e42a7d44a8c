"""Search quality, ours against the obvious design, on the bundled corpus.

    python bench/quality.py [--random 500] [--seed 7]

1. Judged queries (bench/quality/judgments.json: graded by reading the paragraphs; 2 = a real
   precedent on the topic, 1 = a relevant mention; each judgment names its paragraph by a
   verbatim anchor string): nDCG@10, P@5, recall@50.
2. Random word-aligned queries (1–3 consecutive jieba words of a random paragraph):
   exact-substring recall — every paragraph containing the query must be found.

Paragraphs that are the same text (a report published twice) count as one unit for both
designs, since ours shows them as one result.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import tempfile
from pathlib import Path

from common import ROOT, Baseline, build_baseline

from indexer.ingest.files import discover
from indexer.ingest.pipeline import dupkey, file_paragraphs
from indexer.search.searcher import Searcher
from indexer.update import update_index

JUDGMENTS = Path(__file__).parent / "quality" / "judgments.json"
_CJK = re.compile(r"[\u4e00-\u9fff]")


def corpus_paragraphs(corpus: Path):
    out = []
    for cf in discover(corpus):
        out += file_paragraphs(cf.path.read_bytes(), cf.source)
    return out


class Ours:
    def __init__(self, index_dir: Path):
        self.searcher = Searcher(index_dir)

    def ids(self, q: str, limit: int = 50) -> list[str]:
        result = self.searcher.search(q, limit=min(limit, 100))
        return [h.id for h in result.hits]

    def all_ids(self, q: str) -> list[str]:
        return self.searcher.matching_ids(q)


def units(ids: list[str], group: dict[str, str]) -> list[str]:
    """Result ids → duplicate groups, first occurrence kept."""
    seen, out = set(), []
    for pid in ids:
        g = group.get(pid, pid)
        if g not in seen:
            seen.add(g)
            out.append(g)
    return out


def ndcg(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    dcg = sum((2 ** grades.get(u, 0) - 1) / math.log2(i + 2) for i, u in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def judged(path: Path, paragraphs, group):
    data = json.loads(path.read_text(encoding="utf-8"))
    queries = []
    for item in data["queries"]:
        grades: dict[str, int] = {}
        for j in item["judgments"]:
            hits = [p for p in paragraphs if j["anchor"] in p.text]
            if not hits:
                raise SystemExit(f"anchor not found: {j['anchor']!r} ({item['query']})")
            for p in hits:
                g = group[p.id]
                grades[g] = max(grades.get(g, 0), int(j["grade"]))
        queries.append((item["query"], item.get("kind", "plain"), grades))
    return queries


def evaluate(system, queries, group):
    rows = []
    for q, kind, grades in queries:
        try:
            ranked = units(system.ids(q, 50), group)
        except Exception:          # the baseline's parser can fail on some inputs
            ranked = []
        relevant = {u for u, g in grades.items() if g > 0}
        rows.append({
            "query": q, "kind": kind,
            "ndcg10": ndcg(ranked, grades),
            "p5": sum(1 for u in ranked[:5] if u in relevant) / 5,
            "r50": len(relevant & set(ranked[:50])) / len(relevant) if relevant else 1.0,
        })
    return rows


def random_queries(paragraphs, n: int, seed: int) -> list[str]:
    import jieba

    rng = random.Random(seed)
    out = []
    while len(out) < n:
        p = rng.choice(paragraphs)
        words = [w for w in jieba.cut(p.text) if w.strip()]
        if not words:
            continue
        start = rng.randrange(len(words))
        size = rng.randint(1, 3)
        piece = words[start:start + size]
        q = "".join(piece)
        # Word-aligned pieces of real text, at least 2 Chinese characters, no punctuation.
        if len(_CJK.findall(q)) < 2 or not all(any(c.isalnum() for c in w) for w in piece):
            continue
        out.append(q)
    return out


def substring_recall(system, queries, paragraphs, group, all_results) -> float:
    total = found = 0
    for q in queries:
        expected = {group[p.id] for p in paragraphs if q in p.text}
        try:
            got = set(units(all_results(system, q), group))
        except Exception:
            got = set()
        total += len(expected)
        found += len(expected & got)
    return found / total if total else 1.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    ap.add_argument("--judgments", type=Path, default=JUDGMENTS)
    ap.add_argument("--random", type=int, default=500)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--per-query", action="store_true", help="print every judged query")
    args = ap.parse_args()

    paragraphs = corpus_paragraphs(args.corpus)
    keys = {p.id: dupkey(p.text) for p in paragraphs}
    first = {}
    group = {pid: first.setdefault(key, pid) for pid, key in keys.items()}

    with tempfile.TemporaryDirectory() as tmp:
        update_index(Path(tmp) / "ours", args.corpus)
        build_baseline(Path(tmp) / "baseline", paragraphs)
        ours, base = Ours(Path(tmp) / "ours"), Baseline(Path(tmp) / "baseline")

        queries = judged(args.judgments, paragraphs, group)
        rows = {"baseline": evaluate(base, queries, group), "ours": evaluate(ours, queries, group)}
        # The same engine with an empty synonym list: how much of the gain is the list's.
        saved = os.environ.get("REPORTSEARCH_SYNONYMS")
        os.environ["REPORTSEARCH_SYNONYMS"] = ""
        rows["nosyn"] = evaluate(ours, queries, group)
        if saved is None:
            del os.environ["REPORTSEARCH_SYNONYMS"]
        else:
            os.environ["REPORTSEARCH_SYNONYMS"] = saved
        rq = random_queries(paragraphs, args.random, args.seed)
        sub = {
            "baseline": substring_recall(base, rq, paragraphs, group, lambda s, q: s.ids(q, None)),
            "ours": substring_recall(ours, rq, paragraphs, group, lambda s, q: s.all_ids(q)),
        }

    def mean(name, key, kind=None):
        vals = [r[key] for r in rows[name] if kind is None or r["kind"] == kind]
        return sum(vals) / len(vals) if vals else float("nan")

    print(f"corpus: {len(paragraphs)} paragraphs; {len(queries)} judged queries; {len(rq)} random queries\n")
    print("| metric | obvious design | reportsearch | reportsearch, empty synonym list |")
    print("|---|---|---|---|")
    for key, label in (("ndcg10", "nDCG@10"), ("p5", "P@5"), ("r50", "recall@50")):
        print(f"| {label} | {mean('baseline', key):.3f} | {mean('ours', key):.3f} | {mean('nosyn', key):.3f} |")
    print(f"| substring recall ({len(rq)} random queries) | {sub['baseline']:.1%} | {sub['ours']:.1%} | |")
    kinds = sorted({k for _, k, _ in queries})
    print("\nnDCG@10 by query form:\n\n| form | n | obvious design | reportsearch |\n|---|---|---|---|")
    for kind in kinds:
        n = sum(1 for _, k, _ in queries if k == kind)
        print(f"| {kind} | {n} | {mean('baseline', 'ndcg10', kind):.3f} | {mean('ours', 'ndcg10', kind):.3f} |")
    if args.per_query:
        print("\n| query | form | nDCG@10 base | nDCG@10 ours | R@50 base | R@50 ours |\n|---|---|---|---|---|---|")
        for b, o in zip(rows["baseline"], rows["ours"]):
            print(f"| {b['query']} | {b['kind']} | {b['ndcg10']:.2f} | {o['ndcg10']:.2f} | {b['r50']:.2f} | {o['r50']:.2f} |")


if __name__ == "__main__":
    main()
