"""The order of ingest for one file, from its bytes to its paragraphs:

bytes → (readers) Document → (clean) Cleaned → (reports) Report → (paragraphs) Paragraph

In the flow files → text → clean → reports → paragraphs → analysis → index, that is everything
before analysis. Pure: no index, no file system; ``reading`` feeds it a run's files, ``update``
writes the results.
"""
from __future__ import annotations

import hashlib
from collections import Counter

from indexer.ingest.clean import clean_blocks
from indexer.ingest.furniture import edge_lines
from indexer.ingest.metadata import doctype, enrich
from indexer.model import Document, Paragraph, Report
from indexer.text.normalize import normalize, word_characters
from indexer.text.radicals import unify_radicals
from indexer.ingest.paragraphs import sectioned_paragraphs
from indexer.ingest.readers import read_document
from indexer.ingest.reports import split_reports


def _hash(*parts: str, size: int = 16) -> str:
    return hashlib.sha1("\x00".join(parts).encode("utf-8")).hexdigest()[:size]


def dupkey(text: str) -> str:
    """Equal for paragraphs that differ only in punctuation, spacing, width or script."""
    return _hash(word_characters(text))


def file_document(data: bytes, source: str, **options) -> Document:
    """The file as its reader sees it (the one costly step); raises UnreadableFile.
    ``options`` go to the reader (a table's column mapping)."""
    return read_document(data, source, **options)


def document_edges(doc: Document) -> set[str]:
    """The document's candidate furniture lines (see ``furniture``)."""
    if doc.parts is not None:
        return set().union(*(document_edges(part) for part in doc.parts))
    return set() if doc.reports is not None else edge_lines(doc.blocks)


def document_reports(doc: Document, source: str, furniture: frozenset[str] = frozenset()) -> list[Report]:
    """Clean and split one read file, and fill each report's metadata.

    ``furniture``: the collection's learnt furniture lines. Only those among the file's own
    candidate lines (``document_edges``) are dropped, so that what a file gives depends on the
    learnt set only through its candidates, which the index keeps per file: that is what lets
    an incremental run tell which unchanged files a change of the set touches.
    """
    if doc.parts is not None:
        reports = []
        for part in doc.parts:
            member = part.source.removeprefix(source + "/")     # which file of the archive: shown with it
            for report in document_reports(part, part.source, furniture):
                report.meta["member"] = member
                reports.append(report)
        return reports
    if doc.reports is not None:
        reports = doc.reports
    else:
        own = frozenset(furniture & edge_lines(doc.blocks)) if furniture else frozenset()
        cleaned = clean_blocks(doc.blocks, doc.headings, own)
        cleaned.meta = {**doc.meta, **cleaned.meta}
        reports = split_reports(cleaned, source, unify_radicals(doc.title) or cleaned.title)
    for report in reports:
        report.meta = enrich(report.title, [b.text for b in report.blocks], report.meta)
    return reports


def file_edges(data: bytes, source: str, **options) -> set[str]:
    """The file's candidate furniture lines (see ``furniture``); raises UnreadableFile."""
    return document_edges(file_document(data, source, **options))


def file_reports(data: bytes, source: str, furniture: frozenset[str] = frozenset(),
                 **options) -> list[Report]:
    """Read, clean and split one file (``document_reports``); raises UnreadableFile."""
    return document_reports(file_document(data, source, **options), source, furniture)


def report_paragraphs(reports: list[Report], source: str) -> list[Paragraph]:
    """Number the reports' paragraphs and give each a stable id.

    Ids depend on the file, the report title and the paragraph text, not on positions, so
    editing one paragraph leaves the links to every other paragraph intact.
    """
    out = []
    titles = Counter()
    for report in reports:
        titles[report.title] += 1
        report_id = _hash(source, report.title, str(titles[report.title]), size=12)
        texts = Counter()
        meta = dict(report.meta)
        meta.setdefault("doctype", doctype(report.title))
        for ordinal, section in enumerate(sectioned_paragraphs(report.blocks)):
            key = normalize(section.text)
            texts[key] += 1
            out.append(Paragraph(
                id=_hash(report_id, key, str(texts[key])),
                report_id=report_id,
                report_title=report.title,
                section=section.heading,
                ordinal=ordinal,
                source=source,
                text=section.text,
                meta=meta,
            ))
    return out


def document_paragraphs(doc: Document, source: str, furniture: frozenset[str] = frozenset()) -> list[Paragraph]:
    return report_paragraphs(document_reports(doc, source, furniture), source)


def file_paragraphs(data: bytes, source: str, furniture: frozenset[str] = frozenset(),
                    **options) -> list[Paragraph]:
    return report_paragraphs(file_reports(data, source, furniture, **options), source)
