"""Do RTF, OpenDocument, Word 2003 XML and PDF read as the Word file they were saved from?

    python bench/formats.py [--soffice soffice] [--keep DIR] [--formats rtf odt xml doc pdf pdf2]

Every .docx of the development collection is saved again by LibreOffice (``soffice --headless
--convert-to``, which must be installed: it is not a dependency of the project) as .rtf, .odt,
Word 2003 XML, Word 97–2003 .doc and PDF, and each copy is read by our reader for its format
(``pdf2``: the PDF of a copy of the .docx set in two columns, as journals and bulletins are). A
copy agrees when its title, blocks (the paragraphs and table rows, in order), headings and
creation date equal those of the .docx as the .docx reader reads it; a PDF keeps no styles and
our .doc reader reads none, so for every format
the share of the .docx's paragraphs that the copy gives as exactly one block (spaces aside) is
printed too: for a PDF, how well its lines were joined back into paragraphs; and how many spaces
those paragraphs have that the .docx's have not (a PDF's layout spacing read as spaces). Prints, per format,
both figures and how long reading took, and the first difference of each copy that does not agree
(for the formats expected to agree).
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

from common import ROOT

from indexer.ingest.readers import read_document

FORMATS = {"rtf": ("rtf", "rtf"), "odt": ("odt", "odt"), "xml": ("xml:MS Word 2003 XML", "xml"),
           "doc": ("doc:MS Word 97", "doc"), "pdf": ("pdf", "pdf"), "pdf2": ("pdf", "pdf")}
# Formats that keep no styles or dates (a .doc is read without its heading styles): their copies
# are compared by paragraphs only.
UNSTYLED = {"doc", "pdf", "pdf2"}
# Every section of the document set in two columns 21 points apart (<w:cols> ends a section's properties).
_COLUMNS = re.compile(r"<w:cols\b[^>]*/>|<w:cols\b[^>]*>.*?</w:cols>", re.S)


def shown(doc) -> tuple:
    return doc.title, doc.blocks, sorted(doc.headings), doc.meta


def squeezed(text: str) -> str:
    return "".join(text.split())


def bare(text: str) -> str:
    """Without spaces and punctuation: LibreOffice's PDF export drops a comma or full stop that
    hangs past the margin of a narrow column, which no reader can bring back."""
    return re.sub(r"[\W_]+", "", text)


def two_columns(source: Path, folder: Path) -> Path:
    """A copy of the .docx ``source`` in ``folder``, every section set in two columns."""
    copy = folder / source.name
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as out:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "word/document.xml":
                xml = _COLUMNS.sub("", data.decode("utf-8"))
                data = xml.replace("</w:sectPr>", '<w:cols w:num="2" w:space="425"/></w:sectPr>').encode("utf-8")
            out.writestr(item, data)
    return copy


def compare(name: str, sources: list[Path], out: Path) -> None:
    """Read each copy in ``out`` against its .docx; print the format's figures."""
    suffix = FORMATS[name][1]
    agree, seconds, found, paragraphs, found_bare, spaces = 0, [], 0, 0, 0, 0
    for source in sources:
        word = read_document(source.read_bytes(), source.name)
        copy = out / f"{source.stem}.{suffix}"
        started = time.perf_counter()
        doc = read_document(copy.read_bytes(), f"{source.stem}.{'doc' if suffix == 'xml' else suffix}")
        seconds.append(time.perf_counter() - started)
        blocks = {squeezed(b): b for b in reversed(doc.blocks)}
        wanted = [squeezed(b) for b in word.blocks if squeezed(b)]
        found, paragraphs = found + sum(b in blocks for b in wanted), paragraphs + len(wanted)
        # Spaces the copy's text has that the Word file's has not (in the paragraphs read as one block).
        spaces += sum(max(0, len(blocks[squeezed(b)].split()) - len(b.split()))
                      for b in word.blocks if squeezed(b) in blocks)
        blocks_bare = {bare(b) for b in doc.blocks}
        found_bare += sum(bare(b) in blocks_bare for b in word.blocks if squeezed(b))
        if shown(doc) == shown(word):
            agree += 1
        elif name not in UNSTYLED:
            first = next((n for n, (a, b) in enumerate(zip(word.blocks, doc.blocks)) if a != b), None)
            print(f"  {name}: {source.name} differs (block {first}: {word.blocks[first][:40] if first is not None else ''!r})")
    seconds.sort()
    print(f"{name}: {agree}/{len(sources)} read exactly as their .docx; {found}/{paragraphs} "
          f"({100 * found / max(1, paragraphs):.1f}%) of the .docx paragraphs read as one block "
          f"({100 * found_bare / max(1, paragraphs):.1f}% with punctuation aside), {spaces} spaces more than in the .docx; "
          f"reading median {1000 * seconds[len(seconds) // 2]:.0f} ms, slowest {1000 * seconds[-1]:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--soffice", default="soffice")
    parser.add_argument("--keep", type=Path, help="keep the converted files in this folder")
    parser.add_argument("--formats", nargs="+", choices=sorted(FORMATS), default=list(FORMATS))
    args = parser.parse_args()
    if shutil.which(args.soffice) is None:
        raise SystemExit(f"{args.soffice} not found: install LibreOffice (Debian: libreoffice-writer-nogui)")
    sources = sorted((ROOT / "bench" / "devcorpus").rglob("*.docx"))
    work = args.keep or Path(tempfile.mkdtemp())
    for name in args.formats:
        out, given = work / name, sources
        if name == "pdf2":
            (work / "two-columns").mkdir(exist_ok=True)
            given = [two_columns(source, work / "two-columns") for source in sources]
        subprocess.run([args.soffice, "--headless", "--convert-to", FORMATS[name][0], "--outdir", str(out),
                        *map(str, given)], check=True, capture_output=True)
        compare(name, sources, out)
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
