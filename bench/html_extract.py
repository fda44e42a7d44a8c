"""Measure our HTML extractor against trafilatura on the gold set's HTML pages.

    python bench/html_extract.py [--gold DIR] [--verbose]

For every .html file named in the gold set (bench/structure/gold/*.json), per extractor: the
gold furniture lines that reach the extracted text ("furn leaked", of "furn"), and the gold body
paragraphs whose text is missing from it ("lost", of "paras"). Extractors: our reader alone
(indexer/ingest/readers/html.py: its blocks, before cleaning), our whole ingest (reader + clean,
the paragraphs of one file alone; and again with the furniture an index learns from the whole
collection folder of the page), and trafilatura's ``extract`` (plain
text, tables included) when it is installed — it is not a dependency. A measurement, not a
test: it always exits 0.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import re
import sys
import time
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from indexer.ingest.pipeline import file_paragraphs  # noqa: E402
from indexer.ingest.readers.html import read_html  # noqa: E402

_NONWORD = re.compile(r"[\W_]+")


def norm(s: str) -> str:
    return _NONWORD.sub("", unicodedata.normalize("NFKC", s or "")).lower()


def leaked(furniture: list[str], lines: list[str]) -> list[str]:
    """Gold furniture lines found in the extracted lines (the rule of bench/structure.py)."""
    texts = [norm(t) for t in lines]
    out = []
    for line in furniture:
        fl = norm(line)
        if len(fl) < 2:
            continue
        if any(t == fl or (len(fl) >= 8 and fl in t)
               or (len(fl) >= 4 and (t.startswith(fl) or t.endswith(fl)) and len(t) < len(fl) + 30)
               for t in texts):
            out.append(line)
    return out


def lost(paragraphs: list[str], lines: list[str]) -> list[str]:
    joined = "\n".join(norm(t) for t in lines)
    return [p for p in paragraphs if norm(p) and norm(p) not in joined]


def ours_reader(data: bytes, source: str) -> list[str]:
    return read_html(data, source).blocks


def ours_ingest(data: bytes, source: str) -> list[str]:
    return [p.text for p in file_paragraphs(data, source)]


_LEARNT = {}


def ours_learnt(data: bytes, source: str) -> list[str]:
    """The paragraphs an index holds: furniture learnt over the page's collection folder."""
    from pathlib import Path

    from indexer.ingest.files import discover
    from indexer.ingest.furniture import learn
    from indexer.ingest.pipeline import file_edges
    if "set" not in _LEARNT:
        table = {}
        for cf in discover(Path(ROOT) / "bench" / "devcorpus"):
            try:
                table[cf.source] = file_edges(cf.path.read_bytes(), cf.source)
            except Exception:                          # an unreadable file has no edges
                continue
        _LEARNT["set"] = learn(table)
    return [p.text for p in file_paragraphs(data, source, _LEARNT["set"])]


def trafilatura_extract(data: bytes, source: str) -> list[str]:
    import trafilatura
    text = trafilatura.extract(data, include_tables=True, include_comments=False) or ""
    return [line for line in text.splitlines() if line.strip()]


def extractors() -> dict:
    out = {"ours: reader": ours_reader, "ours: reader + clean": ours_ingest,
           "ours: + learnt furniture": ours_learnt}
    try:
        import trafilatura  # noqa: F401
        out["trafilatura"] = trafilatura_extract
    except ImportError as exc:
        print(f"trafilatura not installed ({exc}): measured ours only", file=sys.stderr)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", default=os.path.join(ROOT, "bench", "structure", "gold"))
    ap.add_argument("--verbose", action="store_true", help="list the leaked furniture lines (stderr)")
    args = ap.parse_args(argv)
    golds = [json.load(open(p, encoding="utf-8")) for p in sorted(glob.glob(os.path.join(args.gold, "*.json")))]
    golds = [g for g in golds if g["file"].lower().endswith((".html", ".htm"))]
    runs = extractors()
    print("| file | extractor | furn leaked | furn | lost | paras | ms |")
    print("|---|---|---|---|---|---|---|")
    totals = {name: [0, 0, 0, 0, 0.0] for name in runs}
    if "ours: + learnt furniture" in runs:
        ours_learnt(b"", "warm-up.html")            # learn once, outside the timings
    for g in golds:
        with open(os.path.join(ROOT, g["file"]), "rb") as fh:
            data = fh.read()
        furniture = [f for f in g.get("furniture", []) if len(norm(f)) >= 2]
        paragraphs = [p for r in g["reports"] for p in r["paragraphs"] if norm(p)]
        for name, run in runs.items():
            started = time.perf_counter()
            try:
                lines = run(data, g["file"])
            except Exception as exc:                    # a measurement: report and go on
                print(f"{g['file']}: {name} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
                lines = []
            ms = (time.perf_counter() - started) * 1000
            if args.verbose:
                for line in leaked(furniture, lines):
                    print(f"    {name} leaks: {line}", file=sys.stderr)
            f, p = len(leaked(furniture, lines)), len(lost(paragraphs, lines))
            t = totals[name]
            t[0] += f; t[1] += len(furniture); t[2] += p; t[3] += len(paragraphs); t[4] += ms
            print(f"| {os.path.basename(g['file'])} | {name} | {f} | {len(furniture)} | {p} | {len(paragraphs)} | {ms:.0f} |")
    for name, (f, nf, p, np_, ms) in totals.items():
        print(f"| **total** | {name} | {f} | {nf} | {p} | {np_} | {ms:.0f} |")
    return 0


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:  # a measurement: report and still exit 0
        print(f"html_extract.py failed: {type(exc).__name__}: {exc}", file=sys.stderr)
    sys.exit(0)
