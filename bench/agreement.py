"""How far do two readers agree on the judged sets' grades? A check of the judgments, not of the engine.

    python bench/agreement.py

bench/quality/second_reading.json holds a second, blind reading of 217 paragraphs: for 12
queries of the development set and 10 of the third and fifth held-out sets (drawn at random,
one query per topic), the paragraphs of our first ten results, shuffled and graded 0/1/2 by the
same guideline from the query's stated need and the paragraph's text alone, without seeing the
frozen grade, the rank or the section. This prints, per set:

- how often the two readings give the same grade, and Cohen's kappa;
- on paragraphs both call relevant, how often they agree on precedent (2) against mention (1):
  the distinction nDCG@10 turns on, since nearly all of our first ten are relevant;
- nDCG@10 on the frozen grades of our ranking, and of our first ten reordered by the second
  reading: what a ranking that agreed with a second careful reader would score.
"""
from __future__ import annotations

import json
import tempfile
from collections import Counter
from pathlib import Path

from quality import ROOT, Ours, judged_sets, ndcg, units

READING = ROOT / "bench" / "quality" / "second_reading.json"


def kappa(pairs) -> float:
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[g] * second[g] for g in (0, 1, 2)) / n / n
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def main() -> None:
    readings = json.loads(READING.read_text(encoding="utf-8"))["readings"]
    wanted = {r["set"] for r in readings}
    print("| set | paragraphs (queries) | same grade | kappa | 2 vs 1 agree, both relevant | grades 0/1/2 frozen | "
          "grades 0/1/2 second | nDCG@10 ours | ours, first ten in the second reading's order |\n|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for path, index, paragraphs, queries, group in judged_sets(Path(tmp)):
            if path.name not in wanted:
                continue
            mine = [r for r in readings if r["set"] == path.name]
            frozen = {q: grades for q, _, grades in queries}
            second: dict[str, dict[str, int]] = {}
            for r in mine:
                unit = {group.get(p.id, p.id) for p in paragraphs if r["anchor"] in p.text}
                assert len(unit) == 1, r["anchor"]
                second.setdefault(r["query"], {})[unit.pop()] = r["grade"]
            pairs = [(frozen[q].get(u, 0), g) for q, graded in second.items() for u, g in graded.items()]
            relevant = [(a, b) for a, b in pairs if a and b]
            ours, reordered = [], []
            searcher = Ours(index)
            for q, graded in second.items():
                ranked = units(searcher.ids(q, 50), group)
                ours.append(ndcg(ranked, frozen[q]))
                top = sorted(ranked[:10], key=lambda u: -graded.get(u, 0))      # stable: ties keep our order
                reordered.append(ndcg(top + ranked[10:], frozen[q]))
            count = (lambda grades: "/".join(str(list(grades).count(k)) for k in (0, 1, 2)))
            print(f"| {path.name} | {len(pairs)} ({len(second)}) | {sum(a == b for a, b in pairs) / len(pairs):.0%} | "
                  f"{kappa(pairs):.2f} | {sum(a == b for a, b in relevant) / len(relevant):.0%} | "
                  f"{count([a for a, _ in pairs])} | {count([b for _, b in pairs])} | "
                  f"{sum(ours) / len(ours):.3f} | {sum(reordered) / len(reordered):.3f} |", flush=True)


if __name__ == "__main__":
    main()
