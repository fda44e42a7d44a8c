"""Our data as the index's documents: a paragraph's fields, and an unreadable file's marker.

In the flow files → text → clean → reports → paragraphs → analysis → index, this is where a
Paragraph becomes the fields of the schema (indexer.engine.schema); the analyzers turn the text
fields into terms when the writer adds the document.
"""
from __future__ import annotations

import functools
import json
from pathlib import PurePosixPath

from indexer.engine.schema import heading_and_text
from indexer.ingest.paragraphs import cjk_at_least
from indexer.ingest.pipeline import dupkey
from indexer.model import Paragraph

_META_FIELDS = ("date", "year", "place", "doctype")
SHORT_PARAGRAPH = 20     # CJK characters; shorter paragraphs are ranked down
SHORT_BOOST = 0.6


def paragraph_fields(p: Paragraph, filekey: str) -> dict:
    """The document of a paragraph of the file ``filekey`` (see store.filekey)."""
    meta = p.meta
    date = meta.get("date", "")
    fields = dict(
        id=p.id, report_id=p.report_id, title=p.report_title, title_grams=p.report_title,
        section=p.section, text=p.text, grams=heading_and_text(p.section, p.text), ordinal=p.ordinal,
        source=p.source,
        folder=_folder(p.source), filekey=filekey, dupkey=dupkey(p.text),
        date=date, year=date[:4] or meta.get("year", ""), place=meta.get("place", ""), doctype=meta.get("doctype", ""),
        author=meta.get("author", ""), meta=_extra_json(meta),
    )
    if not cjk_at_least(p.text, SHORT_PARAGRAPH):
        fields["_boost"] = SHORT_BOOST
    return fields


@functools.lru_cache(maxsize=1024)
def _folder(source: str) -> str:
    folder = PurePosixPath(source).parent.as_posix()
    return "" if folder == "." else folder


_last_meta: list = [None, ""]      # the paragraphs of a report share their metadata: encode it once


def _extra_json(meta: dict) -> str:
    """The metadata not kept in fields of their own, as JSON."""
    last, encoded = _last_meta
    if last != meta:
        extra = {k: v for k, v in meta.items() if k not in _META_FIELDS}
        encoded = json.dumps(extra, ensure_ascii=False)
        _last_meta[:] = [dict(meta), encoded]
    return encoded


def marker_fields(source: str, filekey: str, error: str) -> dict:
    """The document that stands for a file that could not be indexed, so that it is not read
    again until it changes (no text: no query finds it)."""
    return dict(source=source, filekey=filekey, error=error)

