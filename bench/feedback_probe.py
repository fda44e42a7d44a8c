"""Would pseudo-relevance feedback order the verbatim tier better? A probe, not part of the engine.

    python bench/feedback_probe.py [--weight 0.5] [--words-only]

Among paragraphs that all contain the query, the judged precedents (grade 2) are often the ones
whose topic is the query's, the passing mentions (grade 1) those that name it while speaking of
something else. The probe takes our first 50 results, averages the tf-idf vectors of the
verbatim tier's paragraphs (the query's own words left out), keeps the 30 heaviest words as the
query's topic, and multiplies each verbatim paragraph's score by 1 + weight × its cosine to that
topic; the other tiers stay as they are. It prints nDCG@10 for every judged set, beside ours.
"""
from __future__ import annotations

import argparse
import math
import tempfile
from collections import Counter
from pathlib import Path

import jieba

from quality import Ours, evaluate, judged_sets, mean_of
from indexer.search.ranking import EXACT_SCORE

WINDOW = 50          # results read, as the first pages of the bench's measures
TOPIC_WORDS = 30


def words(text: str, memo: dict = {}) -> list[str]:
    """Words of two or more characters with at least one Han character."""
    if text not in memo:
        memo[text] = [w for w in jieba.lcut(text) if len(w) >= 2 and any("\u4e00" <= c <= "\u9fff" for c in w)]
    return memo[text]


def document_frequencies(paragraphs) -> tuple[int, Counter]:
    df = Counter()
    for p in paragraphs:
        df.update(set(words(p.text)))
    return len(paragraphs), df


def unit_vector(counts: Counter, n: int, df: Counter) -> dict[str, float]:
    v = {w: (1 + math.log(t)) * math.log((n + 1) / (df.get(w, 0) + 1)) for w, t in counts.items()}
    norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
    return {w: x / norm for w, x in v.items()}


class WithFeedback(Ours):
    def __init__(self, index_dir: Path, stats, weight: float, words_only: bool):
        super().__init__(index_dir)
        self.n, self.df = stats
        self.weight, self.words_only = weight, words_only

    def ids(self, q: str, limit: int = 50) -> list[str]:
        hits = list(self.searcher.search(q, limit=WINDOW).hits)
        exact = [h for h in hits if h.match == "exact"]
        if len(exact) < 3 or (self.words_only and " " not in q.strip()):
            return [h.id for h in hits][:limit]
        own = set(words(q.replace(" ", ""))) | set(q.split())
        vectors = [unit_vector(Counter(w for w in words(h.text) if w not in own), self.n, self.df) for h in exact]
        topic = Counter()
        for v in vectors:
            topic.update(v)
        topic = dict(topic.most_common(TOPIC_WORDS))
        norm = math.sqrt(sum(x * x for x in topic.values())) or 1.0
        boost = {h.id: 1 + self.weight * sum(v.get(w, 0.0) * x for w, x in topic.items()) / norm
                 for h, v in zip(exact, vectors)}
        # verbatim scores carry the tier's offset; scale what is above it
        reordered = iter(sorted(exact, key=lambda h: -(h.score - EXACT_SCORE) * boost[h.id]))
        return [next(reordered).id if h.match == "exact" else h.id for h in hits][:limit]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weight", type=float, default=0.5)
    ap.add_argument("--words-only", action="store_true", help="only for words typed apart")
    args = ap.parse_args()
    jieba.setLogLevel(60)
    with tempfile.TemporaryDirectory() as tmp:
        print("| set | ours | with feedback |\n|---|---|---|")
        stats = {}
        for path, index, paragraphs, queries, group in judged_sets(Path(tmp)):
            if index not in stats:
                stats[index] = document_frequencies(paragraphs)
            ours = mean_of(evaluate(Ours(index), queries, group), "ndcg10")
            fed = mean_of(evaluate(WithFeedback(index, stats[index], args.weight, args.words_only), queries, group),
                          "ndcg10")
            print(f"| {path.name} | {ours:.3f} | {fed:.3f} |", flush=True)


if __name__ == "__main__":
    main()
