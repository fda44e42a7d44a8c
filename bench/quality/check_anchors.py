"""Check a judged set's anchors against the development collection's paragraphs, before it is used.

    python bench/quality/check_anchors.py bench/quality/holdout2_judgments.json [--corpus bench/devcorpus]

The paragraphs are the product's own split (indexer.ingest.pipeline.file_paragraphs over the
collection, SOURCES.md left out), as bench/quality.py reads them. For every anchor it reports:
  - no paragraph holds it, nor the last part of a paragraph's section heading (bench/quality.py
    would stop on it);
  - it holds in paragraphs that are not copies of one another: their text around the anchor
    differs (a copy of a report in another file, or held twice by one page, split differently,
    still holds the same text around it);
  - the same anchor twice in one query.
Exit status 1 when anything is reported. It reads text only: no index, no search.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BENCH))

from common import ROOT  # noqa: E402  (puts the project on the path)

from indexer.ingest.files import discover  # noqa: E402
from indexer.ingest.pipeline import file_paragraphs  # noqa: E402

NOTES = {"SOURCES.md"}
AROUND = 12    # characters each side of the anchor that copies must share


def paragraphs(corpus: Path) -> list[tuple[str, str, str]]:
    """(file, text, last part of the section heading) of every paragraph, the notes left out."""
    out = []
    for cf in discover(corpus):
        if cf.path.name in NOTES and cf.path.parent == corpus:
            continue
        out += [(str(cf.path), p.text, (p.section or "").rpartition(" › ")[2])
                for p in file_paragraphs(cf.path.read_bytes(), cf.source)]
    return out


def context(text: str, anchor: str) -> str:
    at = text.index(anchor)
    return text[max(0, at - AROUND): at + len(anchor) + AROUND]


def same_paragraph(a: tuple, b: tuple, anchor: str) -> bool:
    """Whether two paragraphs holding ``anchor`` are copies of one paragraph."""
    if a[1] == b[1]:
        return True
    ca, cb = context(a[1], anchor), context(b[1], anchor)
    # A copy split elsewhere may end close to the anchor: then one context holds the other.
    return ca in b[1] or cb in a[1]


def problems(data: dict, paras: list[tuple[str, str]]) -> list[str]:
    out = []
    for item in data["queries"]:
        seen = set()
        for j in item["judgments"]:
            anchor = j["anchor"]
            if anchor in seen:
                out.append(f"{item['query']}: anchor twice: {anchor!r}")
            seen.add(anchor)
            hits = [p for p in paras if anchor in p[1]]
            if not hits and not any(anchor in p[2] for p in paras):
                out.append(f"{item['query']}: no paragraph holds {anchor!r}")
            elif hits and not all(same_paragraph(hits[0], h, anchor) for h in hits[1:]):
                where = sorted({Path(h[0]).name for h in hits})
                out.append(f"{item['query']}: {anchor!r} holds in {len(hits)} different paragraphs ({', '.join(where)})")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("judgments", type=Path)
    ap.add_argument("--corpus", type=Path, default=ROOT / "bench" / "devcorpus")
    args = ap.parse_args()
    data = json.loads(args.judgments.read_text(encoding="utf-8"))
    paras = paragraphs(args.corpus.resolve())
    found = problems(data, paras)
    n = sum(len(item["judgments"]) for item in data["queries"])
    print(f"{len(paras)} paragraphs; {len(data['queries'])} queries, {n} judgments; {len(found)} problems")
    for line in found:
        print(line)
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
