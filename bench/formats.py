"""Do RTF, OpenDocument and Word 2003 XML read as the Word file they were saved from?

    python bench/formats.py [--soffice soffice] [--keep DIR]

Every .docx of the development collection is saved again by LibreOffice (``soffice --headless
--convert-to``, which must be installed: it is not a dependency of the project) as .rtf, .odt and
Word 2003 XML, and each copy is read by our reader for its format. A copy agrees when its title,
blocks (the paragraphs and table rows, in order), headings and creation date equal those of the
.docx as the .docx reader reads it. Prints, per format, how many agree and how long reading took,
and the first difference of each copy that does not agree.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from common import ROOT

from indexer.ingest.readers import read_document

FORMATS = {"rtf": ("rtf", "rtf"), "odt": ("odt", "odt"), "Word 2003 XML": ("xml:MS Word 2003 XML", "xml")}


def shown(doc) -> tuple:
    return doc.title, doc.blocks, sorted(doc.headings), doc.meta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--soffice", default="soffice")
    parser.add_argument("--keep", type=Path, help="keep the converted files in this folder")
    args = parser.parse_args()
    if shutil.which(args.soffice) is None:
        raise SystemExit(f"{args.soffice} not found: install LibreOffice (Debian: libreoffice-writer-nogui)")
    sources = sorted((ROOT / "bench" / "devcorpus").rglob("*.docx"))
    work = args.keep or Path(tempfile.mkdtemp())
    for name, (target, suffix) in FORMATS.items():
        out = work / suffix
        subprocess.run([args.soffice, "--headless", "--convert-to", target, "--outdir", str(out), *map(str, sources)],
                       check=True, capture_output=True)
        agree, seconds = 0, []
        for source in sources:
            word = read_document(source.read_bytes(), source.name)
            copy = out / f"{source.stem}.{suffix}"
            started = time.perf_counter()
            doc = read_document(copy.read_bytes(), f"{source.stem}.{'doc' if suffix == 'xml' else suffix}")
            seconds.append(time.perf_counter() - started)
            if shown(doc) == shown(word):
                agree += 1
                continue
            first = next((n for n, (a, b) in enumerate(zip(word.blocks, doc.blocks)) if a != b), None)
            print(f"  {name}: {source.name} differs (block {first}: {word.blocks[first][:40] if first is not None else ''!r})")
        seconds.sort()
        print(f"{name}: {agree}/{len(sources)} read as their .docx; reading median {1000 * seconds[len(seconds) // 2]:.0f} ms, "
              f"slowest {1000 * seconds[-1]:.0f} ms")
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
