"""Score the product's report/heading/paragraph structure against the hand-written gold set.

    python bench/structure.py [--gold DIR] [--json] [--verbose] [--learn-furniture | --index]

Runs the ingest pipeline on every file named in the gold set (bench/structure/gold/*.json) and
prints, per file and in totals (seed file and development collection separately): reports
expected/found, false splits, missed reports, heading precision/recall and level agreement,
furniture lines that reach paragraph or heading text, glued / wrongly split / lost paragraphs,
glued sign-offs, false and missed duplicates, and title correctness. A measurement, not a test:
it always exits 0.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import re
import sys
import unicodedata
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

# The one place that names the product's pipeline .
from indexer.ingest.pipeline import file_edges, file_reports, report_paragraphs  # noqa: E402

SEED_PREFIX = "corpus/"
MIN_ANCHOR = 4          # normalised characters
_NONWORD = re.compile(r"[\W_]+")


def norm(s: str) -> str:
    return _NONWORD.sub("", unicodedata.normalize("NFKC", s or "")).lower()


def product_duplicates(runs):
    """{(source, report index)} the product's dedup calls copies, files taken in path order."""
    try:
        from indexer.ingest import dedup
    except Exception as exc:                       # pragma: no cover - measurement only
        return None, f"dedup unavailable: {exc}"
    deduper = dedup.Deduper()
    flagged = set()
    for source in sorted(runs):
        paragraphs = runs[source]["paragraphs"]
        if paragraphs is None:
            continue
        by_report = dedup._by_report(paragraphs)
        order = {rid: k for k, rid in enumerate(runs[source]["report_ids"])}
        for report_id, paras in by_report.items():
            sig, size, exact = dedup._fingerprint(paras)
            found = deduper.match(sig, size, exact)
            if found is None:
                deduper.add(report_id, sig, size, source, paras[0].report_title, exact)
            else:
                flagged.add((source, order.get(report_id, -1)))
    return flagged, None


def learnt_furniture(golds):
    """The furniture the product learns from each collection as an index would hold it: every
    file of the collection folder of each gold file (the bundled seed's folder, or the whole
    development collection), as {gold file: furniture set}."""
    from pathlib import Path

    from indexer.ingest.files import discover
    from indexer.ingest.furniture import learn
    out, tables = {}, {}
    for g in golds:
        top = g["file"].split("/")[0] if g["file"].startswith(SEED_PREFIX) else "bench/devcorpus"
        if top not in tables:
            table = {}
            for cf in discover(Path(ROOT) / top):
                try:
                    table[cf.source] = file_edges(cf.path.read_bytes(), cf.source)
                except Exception:                          # an unreadable file has no edges
                    continue
            tables[top] = learn(table)
        out[g["file"]] = tables[top]
    return out


def indexed_furniture(golds):
    """As ``learnt_furniture``, but the set an index learns: each collection folder is indexed
    (update_index, into a temporary folder) and the set read from the table the index keeps."""
    import tempfile
    from pathlib import Path

    from indexer import furniture_table
    from indexer.engine import store
    from indexer.update import update_index
    out, sets = {}, {}
    for g in golds:
        top = g["file"].split("/")[0] if g["file"].startswith(SEED_PREFIX) else "bench/devcorpus"
        if top not in sets:
            with tempfile.TemporaryDirectory() as tmp:
                update_index(Path(tmp), Path(ROOT) / top)
                generation, _ = store.snapshot(store.open_index(Path(tmp)))
                table = furniture_table.load(Path(tmp), generation)
                sets[top] = furniture_table.furniture(table)
                print(f"{top}: {len(table)} files indexed, {len(sets[top])} furniture lines learnt", file=sys.stderr)
        out[g["file"]] = sets[top]
    return out


def run_product(path, furniture=frozenset()):
    with open(os.path.join(ROOT, path), "rb") as fh:
        data = fh.read()
    try:
        reports = file_reports(data, path, furniture)
        paragraphs = report_paragraphs(reports, path)
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}", "reports": [], "paragraphs": None, "report_ids": []}
    ids = []
    for p in paragraphs:
        if p.report_id not in ids:
            ids.append(p.report_id)
    return {"error": None, "reports": reports, "paragraphs": paragraphs, "report_ids": ids}


def score_file(gold, run, flagged):
    exp = gold["reports"]
    found_reports = run["reports"]
    paragraphs = run["paragraphs"] or []
    # found paragraphs grouped by report, in order
    by_rid = {}
    for p in paragraphs:
        by_rid.setdefault(p.report_id, []).append(p)
    found = []
    for k, rid in enumerate(run["report_ids"]):
        paras = by_rid[rid]
        rep = found_reports[k] if k < len(found_reports) else None
        heads = [b for b in (rep.blocks if rep else []) if b.heading_level]
        found.append({"title": paras[0].report_title, "paras": paras, "heads": heads,
                      "norms": [norm(p.text) for p in paras]})
    # reports whose blocks made no paragraph still count as found reports
    for k in range(len(run["report_ids"]), len(found_reports)):
        rep = found_reports[k]
        found.append({"title": rep.title, "paras": [], "heads": [b for b in rep.blocks if b.heading_level],
                      "norms": []})

    # match gold reports to found reports by the anchors they hold (one to one, greedy)
    anchors = [[norm(a) for a in r["paragraphs"] if norm(a)] for r in exp]
    votes = []
    for gi, anc in enumerate(anchors):
        for fi, f in enumerate(found):
            joined = "\n".join(f["norms"])
            n = sum(1 for a in anc if a in joined)
            if n:
                votes.append((n / max(1, len(anc)), n, gi, fi))
    votes.sort(reverse=True)
    g2f, f2g = {}, {}
    for share, n, gi, fi in votes:
        if gi in g2f or fi in f2g or share < 0.3:
            continue
        g2f[gi] = fi
        f2g[fi] = gi
    res = Counter()
    res["reports_expected"] = len(exp)
    res["reports_found"] = len(found)
    res["missed_reports"] = len(exp) - len(g2f)
    res["false_splits"] = len(found) - len(f2g)
    res["titles_ok"] = sum(1 for gi, fi in g2f.items() if norm(exp[gi]["title"]) == norm(found[fi]["title"]))
    res["titles_checked"] = len(g2f)

    # headings (file level, normalized text)
    exp_heads = Counter()
    exp_levels = {}
    for r in exp:
        for h in r["headings"]:
            exp_heads[norm(h["text"])] += 1
            exp_levels.setdefault(norm(h["text"]), h["level"])
    found_heads = Counter()
    found_levels = {}
    for f in found:
        for b in f["heads"]:
            found_heads[norm(b.text)] += 1
            found_levels.setdefault(norm(b.text), b.heading_level)
    matched = sum((exp_heads & found_heads).values())
    res["headings_expected"] = sum(exp_heads.values())
    res["headings_found"] = sum(found_heads.values())
    res["headings_matched"] = matched
    res["heading_levels_agree"] = sum(min(exp_heads[t], found_heads[t]) for t in exp_heads & found_heads
                                      if exp_levels[t] == found_levels[t])

    # furniture reaching text
    texts = [n for f in found for n in f["norms"]] + [norm(b.text) for f in found for b in f["heads"]]
    hits = []
    for line in gold.get("furniture", []):
        fl = norm(line)
        if len(fl) < 2:
            continue
        for t in texts:
            if t == fl or (len(fl) >= 8 and fl in t) or (len(fl) >= 4 and (t.startswith(fl) or t.endswith(fl))
                                                         and len(t) < len(fl) + 30):
                hits.append(line)
                break
    res["furniture_hits"] = len(hits)

    # paragraph boundaries
    all_anchors = [a for anc in anchors for a in anc]
    others = [norm(o) for r in exp for o in r.get("other", [])] + [norm(h["text"]) for r in exp for h in r["headings"]]
    furn = [norm(x) for x in gold.get("furniture", [])]
    signoffs = [norm(s) for r in exp if r.get("signoff") for s in (r["signoff"].get("author"), r["signoff"].get("date")) if s]
    flat = [n for f in found for n in f["norms"]]
    # Anchors of a few characters (a torn-off "2") say nothing about boundaries: they are in
    # every paragraph. A glue is an expected paragraph that starts inside a found one.
    usable = {a for a in all_anchors if len(a) >= MIN_ANCHOR}
    lost = glued = split = 0
    inside = set()
    for n in flat:
        inside |= {a for a in usable if a in n and not n.startswith(a)}
        if not n:
            continue
        starts = any(n.startswith(a) or a.startswith(n) for a in all_anchors)
        if not starts and not any(n.startswith(o) or o.startswith(n) for o in others if o) \
                and not any(n == x or (len(x) >= 4 and (x in n or n in x)) for x in furn if x) \
                and not any(n.startswith(s) for s in signoffs):
            split += 1
    starts = {a for a in usable if any(n.startswith(a) for n in flat)}
    glued = len(inside - starts)
    joined = "\n".join(flat)
    lost = sum(1 for a in usable if a not in joined)
    res["paragraphs_expected"] = len(usable)
    res["paragraphs_found"] = len(flat)
    res["glued"] = glued
    res["wrongly_split"] = split
    res["lost"] = lost

    # sign-offs glued into body text
    for r in exp:
        s = r.get("signoff")
        if not s:
            continue
        parts = [norm(x) for x in (s.get("author"), s.get("date")) if x]
        for n in flat:
            if any(p and p in n for p in parts) and len(n) > sum(len(p) for p in parts) + 6:
                res["glued_signoff"] += 1
                break

    # duplicates
    if flagged is not None:
        exp_dup = {gi for gi, r in enumerate(exp) if r.get("duplicate_of") is not None}
        src = gold["file"]
        for fi in range(len(found)):
            if (src, fi) in flagged and f2g.get(fi) not in exp_dup:
                res["false_duplicates"] += 1
        for gi in exp_dup:
            fi = g2f.get(gi)
            if fi is None or (src, fi) not in flagged:
                res["missed_duplicates"] += 1
    return res, hits


COLS = [("rep exp", "reports_expected"), ("found", "reports_found"), ("false split", "false_splits"),
        ("missed", "missed_reports"), ("head P", None), ("head R", None), ("lvl ok", None),
        ("furn", "furniture_hits"), ("glued", "glued"), ("split", "wrongly_split"), ("lost", "lost"),
        ("sign glued", "glued_signoff"), ("false dup", "false_duplicates"), ("missed dup", "missed_duplicates"),
        ("title ok", None)]


def row(name, r):
    hp = f"{r['headings_matched'] / r['headings_found']:.2f}" if r["headings_found"] else "-"
    hr = f"{r['headings_matched'] / r['headings_expected']:.2f}" if r["headings_expected"] else "-"
    lv = f"{r['heading_levels_agree']}/{r['headings_matched']}"
    to = f"{r['titles_ok']}/{r['titles_checked']}"
    vals = []
    for label, key in COLS:
        vals.append({"head P": hp, "head R": hr, "lvl ok": lv, "title ok": to}.get(label, str(r.get(key, 0)))
                    if key is None else str(r.get(key, 0)))
    return "| " + name + " | " + " | ".join(vals) + " |"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", default=os.path.join(ROOT, "bench", "structure", "gold"))
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--verbose", action="store_true", help="list furniture lines that reach the text")
    ap.add_argument("--learn-furniture", action="store_true",
                    help="learn page furniture from each whole collection first, as indexing does")
    ap.add_argument("--index", action="store_true",
                    help="index each whole collection (update_index) and use the furniture the index learnt")
    args = ap.parse_args(argv)
    golds = [json.load(open(p, encoding="utf-8")) for p in sorted(glob.glob(os.path.join(args.gold, "*.json")))]
    learnt = (indexed_furniture(golds) if args.index
              else learnt_furniture(golds) if args.learn_furniture else {})
    runs = {g["file"]: run_product(g["file"], learnt.get(g["file"], frozenset())) for g in golds}
    flagged, why = product_duplicates(runs)
    results = {}
    for g in golds:
        res, hits = score_file(g, runs[g["file"]], flagged)
        results[g["file"]] = {"figures": dict(res), "furniture_hits": hits, "error": runs[g["file"]]["error"]}
    groups = {"seed": [f for f in results if f.startswith(SEED_PREFIX)],
              "development collection": [f for f in results if not f.startswith(SEED_PREFIX)]}
    totals = {}
    for name, files in groups.items():
        t = Counter()
        for f in files:
            t.update(results[f]["figures"])
        totals[name] = dict(t)
    if args.json:
        print(json.dumps({"files": results, "totals": totals, "dedup_note": why}, ensure_ascii=False, indent=2))
        return 0
    header = "| file | " + " | ".join(label for label, _ in COLS) + " |"
    print(header)
    print("|" + "---|" * (len(COLS) + 1))
    for f, r in results.items():
        print(row(f.replace("bench/devcorpus/", ""), Counter(r["figures"])))
    for name, t in totals.items():
        print(row(f"**total: {name}**", Counter(t)))
    if why:
        print(f"\n{why}")
    for f, r in results.items():
        if r["error"]:
            print(f"\n{f}: {r['error']}")
        if args.verbose and r["furniture_hits"]:
            print(f"\n{f}: furniture in text:")
            for line in r["furniture_hits"]:
                print("   ", line)
    return 0


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:  # a measurement: report and still exit 0
        print(f"structure.py failed: {type(exc).__name__}: {exc}", file=sys.stderr)
    sys.exit(0)
