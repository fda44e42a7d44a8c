"""Search quality, ours against the obvious design, on the bundled corpus and the development collection.

    python bench/quality.py [--random 500] [--seed 7] [--no-dev] [--held-out FILE [FILE ...]] [--per-query]

1. Judged queries (bench/quality/judgments.json on the bundled corpus, tuned against;
   bench/quality/dev_judgments.json on bench/devcorpus/, written before any tuning and frozen:
   graded by reading the paragraphs; 2 = a real precedent on the topic, 1 = a relevant mention;
   each judgment names its paragraph by a verbatim anchor string; and the held-out sets on the
   development collection, by default bench/quality/holdout_judgments.json (the third set),
   bench/quality/holdout2_judgments.json (the fourth), bench/quality/holdout3_judgments.json
   (the fifth) and bench/quality/holdout4_judgments.json (the sixth), each committed before
   the ranking changes it checks and never tuned on):
   nDCG@10, P@5, recall@50, overall and per query form, and for every space-separated `words`
   query against its `joined` counterpart (the same words typed together). Each held-out set
   gets its own tables; with several, one line pools their queries.
2. Random word-aligned queries (1–3 consecutive jieba words of a random paragraph):
   exact-substring recall — every paragraph containing the query must be found. In the
   development collection it counts the paragraphs of the report copies our index keeps (a
   report held by several files is indexed once; see indexer.ingest.dedup), and is also given
   over every file's paragraphs.
3. Made pairs: every judged single-term query that segments into several words, asked again
   with the words typed apart (低空经济 → 低空 经济) and scored against the same judgments.

Paragraphs that are the same text (a report published twice) count as one unit for both
designs, since ours shows them as one result. In the development collection one report is
often held by several files (the national reports in three sources, split into paragraphs
differently); there the paragraphs an anchor names in the copies of a report count as one
unit as well. The collection's SOURCES.md (notes on where the files came from) is not indexed.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import tempfile
from pathlib import Path

from common import ROOT, Baseline, build_baseline

from indexer.ingest.files import discover
from indexer.ingest.pipeline import dupkey, file_paragraphs
from indexer.search.searcher import Searcher
from indexer.engine import store
from indexer.update import update_index

JUDGMENTS = Path(__file__).parent / "quality" / "judgments.json"
DEV_CORPUS = ROOT / "bench" / "devcorpus"
DEV_JUDGMENTS = Path(__file__).parent / "quality" / "dev_judgments.json"
HELD_OUT = [Path(__file__).parent / "quality" / name
            for name in ("holdout_judgments.json", "holdout2_judgments.json",
                         "holdout3_judgments.json", "holdout4_judgments.json", "holdout5_judgments.json",
                         "holdout6_judgments.json", "holdout7_judgments.json")]
DEV_NOTES = {"SOURCES.md"}          # the collection's notes on its sources, not a report
_CJK = re.compile(r"[\u4e00-\u9fff]")


def copy_collection(source: Path, dest: Path) -> Path:
    """A copy of a development collection without its notes on the sources (DEV_NOTES), so that
    only the collection is indexed."""
    shutil.copytree(source, dest, ignore=lambda d, names: [n for n in names if n in DEV_NOTES]
                    if Path(d) == Path(source) else [])
    return dest


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
                # A judged paragraph that the cleaner now reads as a section heading: the first
                # paragraph under that heading stands for it.
                hits = [p for p in paragraphs if j["anchor"] in (p.section or "").rpartition(" › ")[2]][:1]
            if not hits:
                raise SystemExit(f"anchor not found: {j['anchor']!r} ({item['query']})")
            for p in hits:
                g = group[p.id]
                grades[g] = max(grades.get(g, 0), int(j["grade"]))
        queries.append((item["query"], item.get("kind", "plain"), grades))
    return queries


def indexed_ids(index_dir: Path) -> set[str]:
    """The ids of the paragraphs our index holds (a report held by several files is indexed once)."""
    ix = store.open_index(index_dir)
    with ix.searcher() as searcher:
        return {f["id"] for f in searcher.all_stored_fields() if "text" in f and "id" in f}


def duplicate_groups(paragraphs) -> dict[str, str]:
    """Paragraph id → the id of the first paragraph with the same text (dupkey)."""
    first = {}
    return {p.id: first.setdefault(dupkey(p.text), p.id) for p in paragraphs}


def merge_anchor_copies(path: Path, paragraphs, group: dict[str, str]) -> dict[str, str]:
    """Join the units one anchor names: the same paragraph in copies of a report held by
    several files, where the copies differ slightly or are split differently."""
    parent = {g: g for g in set(group.values())}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    data = json.loads(path.read_text(encoding="utf-8"))
    for item in data["queries"]:
        for j in item["judgments"]:
            roots = {find(group[p.id]) for p in paragraphs if j["anchor"] in p.text}
            if len(roots) > 1:
                keep = min(roots)
                for r in roots:
                    parent[r] = keep
    return {pid: find(g) for pid, g in group.items()}


def judged_sets(tmp: Path):
    """Every judged set over the index of its corpus, built in ``tmp``, for the probes: (path,
    index folder, the corpus's paragraphs, the set's judged queries, duplicate groups)."""
    dev_dir = copy_collection(DEV_CORPUS, tmp / "devcorpus")
    for corpus, sets in ((ROOT / "corpus", [JUDGMENTS]), (dev_dir, [DEV_JUDGMENTS, *HELD_OUT])):
        index = tmp / "indexes" / corpus.name
        update_index(index, corpus, processes=1)
        paragraphs = corpus_paragraphs(corpus)
        for path in sets:
            group = duplicate_groups(paragraphs)
            if corpus == dev_dir:
                group = merge_anchor_copies(path, paragraphs, group)
            yield path, index, paragraphs, judged(path, paragraphs, group), group


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


def made_pairs(system, queries, group) -> list[dict]:
    """Every judged query of one term (plain, joined, synonym) that segments into several words,
    asked again with the words typed apart (低空经济 → 低空 经济), against the same judgments:
    the words form should score at least as well. Made, not judged anew: the judgments are of
    the topic, which both forms ask about."""
    from indexer.text.analysis import query_words

    out = []
    for q, kind, grades in queries:
        words = query_words(q)
        if kind not in ("plain", "joined", "synonym") or len(words) < 2:
            continue
        apart = " ".join(words)
        out.append({"query": q, "apart": apart,
                    "apart_ndcg": ndcg(units(system.ids(apart, 50), group), grades),
                    "joined_ndcg": ndcg(units(system.ids(q, 50), group), grades)})
    return out


def print_made_pairs(title: str, pairs: list[dict]) -> None:
    if not pairs:
        return
    n = len(pairs)
    worse = [p for p in pairs if p["apart_ndcg"] < p["joined_ndcg"] - 1e-9]
    print(f"| {title} | {n} | {sum(p['apart_ndcg'] for p in pairs) / n:.3f} | "
          f"{sum(p['joined_ndcg'] for p in pairs) / n:.3f} | {len(worse)} |")


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


def substring_recall(system, queries, paragraphs, group, all_results, scope=None) -> float:
    """``scope``: the ids of the paragraphs that count (default: all of them)."""
    total = found = 0
    for q in queries:
        expected = {group[p.id] for p in paragraphs if q in p.text and (scope is None or p.id in scope)}
        try:
            got = set(units(all_results(system, q), group))
        except Exception:
            got = set()
        total += len(expected)
        found += len(expected & got)
    return found / total if total else 1.0


def measure(corpus: Path, judgments: Path, workdir: Path, n_random: int, seed: int,
            merge_copies: bool = False, held_out: list[Path] = ()) -> dict:
    """Index ``corpus`` both ways under ``workdir`` and score the judged and random queries
    (and each of the ``held_out`` judged sets on the same collection, as result["held_out"])."""
    paragraphs = corpus_paragraphs(corpus)
    group = duplicate_groups(paragraphs)
    if merge_copies:
        group = merge_anchor_copies(judgments, paragraphs, group)

    update_index(workdir / "ours", corpus, processes=1)   # one process: the same order, the same ties, every run
    build_baseline(workdir / "baseline", paragraphs)
    ours, base = Ours(workdir / "ours"), Baseline(workdir / "baseline")

    queries = judged(judgments, paragraphs, group)
    rows = {"baseline": evaluate(base, queries, group), "ours": evaluate(ours, queries, group)}
    more = []
    for path in held_out:
        # Its own units: the copies its anchors name are joined for this set alone.
        more_group = merge_anchor_copies(path, paragraphs, duplicate_groups(paragraphs))
        more_queries = judged(path, paragraphs, more_group)
        more.append({"path": path, "paragraphs": paragraphs, "queries": more_queries, "group": more_group,
                     "rows": {"baseline": evaluate(base, more_queries, more_group),
                              "ours": evaluate(ours, more_queries, more_group)},
                     "pairs": made_pairs(ours, more_queries, more_group)})
    # The same engine with an empty synonym list: how much of the gain is the list's.
    saved = os.environ.get("REPORTSEARCH_SYNONYMS")
    os.environ["REPORTSEARCH_SYNONYMS"] = ""
    rows["nosyn"] = evaluate(ours, queries, group)
    for h in more:
        h["rows"]["nosyn"] = evaluate(ours, h["queries"], h["group"])
    if saved is None:
        del os.environ["REPORTSEARCH_SYNONYMS"]
    else:
        os.environ["REPORTSEARCH_SYNONYMS"] = saved
    rq = random_queries(paragraphs, n_random, seed)
    sub = {
        "baseline": substring_recall(base, rq, paragraphs, group, lambda s, q: s.ids(q, None)),
        "ours": substring_recall(ours, rq, paragraphs, group, lambda s, q: s.all_ids(q)),
    }
    result = {"paragraphs": paragraphs, "queries": queries, "rows": rows, "rq": rq, "sub": sub, "held_out": more,
              "pairs": made_pairs(ours, queries, group)}
    if merge_copies:
        # Where one report is held by several files and split into paragraphs differently, our
        # index keeps one copy: a paragraph of the other copies is not "missed" when its text
        # is found in the copy kept. So count the paragraphs of the kept copies only (both
        # designs), and keep the count over every file's paragraphs for reference.
        scope = indexed_ids(workdir / "ours")
        result["sub_all"], result["sub"] = sub, {
            "baseline": substring_recall(base, rq, paragraphs, group, lambda s, q: s.ids(q, None), scope),
            "ours": substring_recall(ours, rq, paragraphs, group, lambda s, q: s.all_ids(q), scope),
        }
    return result


def mean_of(rows, key, kind=None):
    vals = [r[key] for r in rows if kind is None or r["kind"] == kind]
    return sum(vals) / len(vals) if vals else float("nan")


METRICS = (("ndcg10", "nDCG@10"), ("p5", "P@5"), ("r50", "recall@50"))


def print_by_form(res) -> None:
    rows = res["rows"]
    kinds = sorted({k for _, k, _ in res["queries"]})
    print("| form | n | nDCG@10 obvious | nDCG@10 ours | P@5 obvious | P@5 ours | recall@50 obvious | recall@50 ours |")
    print("|---|---|---|---|---|---|---|---|")
    for kind in kinds:
        n = sum(1 for _, k, _ in res["queries"] if k == kind)
        cells = []
        for key, _ in METRICS:
            cells += [f"{mean_of(rows['baseline'], key, kind):.3f}", f"{mean_of(rows['ours'], key, kind):.3f}"]
        print(f"| {kind} | {n} | " + " | ".join(cells) + " |")


def print_words_joined(res) -> None:
    """Each space-separated `words` query beside its `joined` counterpart (same words, no spaces)."""
    rows = res["rows"]
    by_query = {r["query"]: i for i, r in enumerate(rows["ours"])}
    pairs = []
    for i, r in enumerate(rows["ours"]):
        if r["kind"] != "words":
            continue
        joined = "".join(r["query"].split())
        j = by_query.get(joined)
        if j is not None and rows["ours"][j]["kind"] == "joined":
            pairs.append((i, j))
    if not pairs:
        return
    print("| words query | joined query | nDCG@10 obvious words / joined | nDCG@10 ours words / joined "
          "| P@5 ours words / joined | recall@50 ours words / joined |")
    print("|---|---|---|---|---|---|")
    for i, j in pairs:
        b, o = rows["baseline"], rows["ours"]
        print(f"| {o[i]['query']} | {o[j]['query']} | {b[i]['ndcg10']:.3f} / {b[j]['ndcg10']:.3f} "
              f"| {o[i]['ndcg10']:.3f} / {o[j]['ndcg10']:.3f} | {o[i]['p5']:.2f} / {o[j]['p5']:.2f} "
              f"| {o[i]['r50']:.2f} / {o[j]['r50']:.2f} |")
    avg = lambda name, key, idx: sum(rows[name][k][key] for k in idx) / len(idx)
    w, jn = [i for i, _ in pairs], [j for _, j in pairs]
    print(f"| mean ({len(pairs)} pairs) | | {avg('baseline', 'ndcg10', w):.3f} / {avg('baseline', 'ndcg10', jn):.3f} "
          f"| {avg('ours', 'ndcg10', w):.3f} / {avg('ours', 'ndcg10', jn):.3f} "
          f"| {avg('ours', 'p5', w):.2f} / {avg('ours', 'p5', jn):.2f} "
          f"| {avg('ours', 'r50', w):.2f} / {avg('ours', 'r50', jn):.2f} |")


def print_per_query(res) -> None:
    rows = res["rows"]
    print("| query | form | nDCG@10 base | nDCG@10 ours | R@50 base | R@50 ours |\n|---|---|---|---|---|---|")
    for b, o in zip(rows["baseline"], rows["ours"]):
        print(f"| {b['query']} | {b['kind']} | {b['ndcg10']:.2f} | {o['ndcg10']:.2f} | {b['r50']:.2f} | {o['r50']:.2f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    ap.add_argument("--judgments", type=Path, default=JUDGMENTS)
    ap.add_argument("--dev-corpus", type=Path, default=DEV_CORPUS)
    ap.add_argument("--dev-judgments", type=Path, default=DEV_JUDGMENTS)
    ap.add_argument("--held-out", type=Path, nargs="+", default=HELD_OUT, metavar="FILE",
                    help="judged sets on the development collection kept out of all tuning "
                         "(default: every held-out set, the third to seventh judged sets)")
    ap.add_argument("--no-dev", action="store_true", help="only the bundled corpus")
    ap.add_argument("--random", type=int, default=500)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--per-query", action="store_true", help="print every judged query")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        bundled = measure(args.corpus, args.judgments, tmp / "bundled", args.random, args.seed)
        dev = None
        if not args.no_dev:
            dev_dir = copy_collection(args.dev_corpus, tmp / "devcorpus")
            dev = measure(dev_dir, args.dev_judgments, tmp / "dev", args.random, args.seed, merge_copies=True,
                          held_out=args.held_out)

    # The bundled corpus, as this script has always reported it.
    rows, queries, rq, sub = bundled["rows"], bundled["queries"], bundled["rq"], bundled["sub"]

    def mean(name, key, kind=None):
        return mean_of(rows[name], key, kind)

    print(f"corpus: {len(bundled['paragraphs'])} paragraphs; {len(queries)} judged queries; {len(rq)} random queries\n")
    print("| metric | obvious design | reportsearch | reportsearch, empty synonym list |")
    print("|---|---|---|---|")
    for key, label in METRICS:
        print(f"| {label} | {mean('baseline', key):.3f} | {mean('ours', key):.3f} | {mean('nosyn', key):.3f} |")
    print(f"| substring recall ({len(rq)} random queries) | {sub['baseline']:.1%} | {sub['ours']:.1%} | |")
    kinds = sorted({k for _, k, _ in queries})
    print("\nnDCG@10 by query form:\n\n| form | n | obvious design | reportsearch |\n|---|---|---|---|")
    for kind in kinds:
        n = sum(1 for _, k, _ in queries if k == kind)
        print(f"| {kind} | {n} | {mean('baseline', 'ndcg10', kind):.3f} | {mean('ours', 'ndcg10', kind):.3f} |")
    if args.per_query:
        print()
        print_per_query(bundled)

    if dev is None:
        return
    d = dev
    print(f"\n## Both judged sets\n\nbundled corpus: {len(bundled['paragraphs'])} paragraphs, {len(queries)} judged queries "
          f"(the ranking was tuned on them); development collection: {len(d['paragraphs'])} paragraphs, "
          f"{len(d['queries'])} judged queries (written before tuning, frozen)\n")
    print("| metric | bundled: obvious | bundled: ours | bundled: ours, no synonyms "
          "| development: obvious | development: ours | development: ours, no synonyms |")
    print("|---|---|---|---|---|---|---|")
    for key, label in METRICS:
        cells = [f"{mean_of(res['rows'][name], key):.3f}" for res in (bundled, d) for name in ("baseline", "ours", "nosyn")]
        print(f"| {label} | " + " | ".join(cells) + " |")
    print(f"| substring recall ({len(rq)} / {len(d['rq'])} random queries) | {sub['baseline']:.1%} | {sub['ours']:.1%} | "
          f"| {d['sub']['baseline']:.1%} | {d['sub']['ours']:.1%} | |")
    if "sub_all" in d:
        print(f"| substring recall, counting the paragraphs of report copies our index does not keep | | | "
              f"| {d['sub_all']['baseline']:.1%} | {d['sub_all']['ours']:.1%} | |")
    for title, res in (("bundled corpus", bundled), ("development collection", d)):
        print(f"\nBy query form, {title}:\n")
        print_by_form(res)
    print("\nSpace-separated words against the same words joined, development collection "
          "(the words form should score at least as well):\n")
    print_words_joined(d)
    if args.per_query:
        print()
        print_per_query(d)
    for h in d["held_out"]:
        print_held_out(h, args.per_query)
    if len(d["held_out"]) > 1:
        print_held_out_pooled(d["held_out"])
    print("\n## Words typed apart, made from the judged single-term queries\n\n"
          "Each judged plain, joined or synonym query that segments into several words, asked again with the "
          "words typed apart, against the same judgments (the words form should score at least as well):\n")
    print("| set | pairs | nDCG@10 apart | nDCG@10 together | apart worse |\n|---|---|---|---|---|")
    print_made_pairs("bundled corpus", bundled["pairs"])
    print_made_pairs("development collection", d["pairs"])
    for h in d["held_out"]:
        print_made_pairs(h["path"].name, h["pairs"])
    if args.per_query:
        print("\n| query | apart | nDCG@10 apart | nDCG@10 together |\n|---|---|---|---|")
        for p in bundled["pairs"] + d["pairs"] + [p for h in d["held_out"] for p in h["pairs"]]:
            print(f"| {p['query']} | {p['apart']} | {p['apart_ndcg']:.2f} | {p['joined_ndcg']:.2f} |")
    print_intervals([("bundled corpus", bundled)] + [("development collection", d)]
                    + [(h["path"].name, h) for h in d["held_out"]])


def interval(values: list[float], draws: int = 5000, seed: int = 1) -> tuple[float, float]:
    """95% bootstrap interval of the mean of ``values`` (queries drawn again with replacement)."""
    rng = random.Random(seed)
    means = sorted(sum(rng.choices(values, k=len(values))) / len(values) for _ in range(draws))
    return means[int(0.025 * draws)], means[int(0.975 * draws) - 1]


def print_intervals(sets) -> None:
    """How far each set's nDCG@10, and each query form's, would move with other queries of the
    same kind: a difference inside these intervals may be the queries' and not the ranking's."""
    print("\n## How much the figures depend on the queries chosen\n\n"
          "nDCG@10 (ours) with its 95% bootstrap interval over the set's queries, and the same for each query form:\n")
    print("| set | n | nDCG@10 | interval | forms: n, nDCG@10 (interval) |\n|---|---|---|---|---|")
    for name, res in sets:
        rows = res["rows"]["ours"]
        values = [r["ndcg10"] for r in rows]
        low, high = interval(values)
        forms = []
        for kind in sorted({r["kind"] for r in rows}):
            part = [r["ndcg10"] for r in rows if r["kind"] == kind]
            a, b = interval(part)
            forms.append(f"{kind} {len(part)}, {sum(part) / len(part):.2f} ({a:.2f}–{b:.2f})")
        print(f"| {name} | {len(values)} | {sum(values) / len(values):.3f} | {low:.3f}–{high:.3f} | {'; '.join(forms)} |")


def print_held_out(h, per_query: bool) -> None:
    """One held-out judged set: on the development collection, kept out of all tuning."""
    rows, name = h["rows"], h["path"].name
    print(f"\n## Held-out set {name}\n\ndevelopment collection, {len(h['queries'])} judged queries "
          "(written before the ranking changes they check, never tuned on)\n")
    print("| metric | obvious design | reportsearch | reportsearch, empty synonym list |\n|---|---|---|---|")
    for key, label in METRICS:
        print(f"| {label} | " + " | ".join(f"{mean_of(rows[n], key):.3f}" for n in ("baseline", "ours", "nosyn")) + " |")
    print(f"\nBy query form, {name}:\n")
    print_by_form(h)
    print(f"\nSpace-separated words against the same words joined, {name}:\n")
    print_words_joined(h)
    if per_query:
        print()
        print_per_query(h)


def print_held_out_pooled(sets) -> None:
    """One line: every held-out query counted once, whichever set holds it."""
    pooled = {n: [r for h in sets for r in h["rows"][n]] for n in ("baseline", "ours", "nosyn")}
    cells = "; ".join(f"{label} " + " / ".join(f"{mean_of(pooled[n], key):.3f}" for n in ("baseline", "ours", "nosyn"))
                      for key, label in METRICS)
    print(f"\nAll held-out queries pooled ({len(pooled['ours'])} queries, "
          f"{' + '.join(h['path'].name for h in sets)}), obvious / ours / ours with an empty synonym list: {cells}")


if __name__ == "__main__":
    main()
