"""Duplicate-report records in the index: how indexer.ingest.dedup's Records are stored and read.

Each record is a pseudo-document beside the paragraphs, with no ``source`` field so that no
query can ever match it; it is found by ``dupkey`` and removed with its file by ``filekey``:
  - a kept report:  dupkey "sig:<report_id>", meta: its signature, source and title;
  - a duplicate:    dupkey "dup:<report_id of the kept copy>", meta: its own source and title.
"""
from __future__ import annotations

import json
import threading

from indexer.engine import store

SIG, DUP = "sig:", "dup:"

# One run asks for the records several times, and reading thousands of stored documents takes
# a while: the last generations' are remembered. Indexing runs in threads too (watch, tests),
# hence the lock.
_CACHED = 8
_cache: dict[tuple, list[dict]] = {}
_lock = threading.Lock()


def document(record, filekey: str) -> dict:
    """The fields of the pseudo-document for a dedup.Record of the file ``filekey``."""
    if record.kept:
        return dict(dupkey=SIG + record.report_id, filekey=filekey, meta=json.dumps(record.meta))
    return dict(dupkey=DUP + record.report_id, filekey=filekey, meta=json.dumps(record.meta, ensure_ascii=False))


def kept_reports(ix) -> list[dict]:
    """The meta of every kept report's record in the committed index."""
    return _records(ix, SIG)


def copies_of(ix, filekeys: list[str]) -> set[str]:
    """The files holding duplicates of the kept reports of the files ``filekeys`` (store.filekey),
    from their records in the committed index: looked up, not read all."""
    out = set()
    with ix.searcher() as searcher:
        for key in filekeys:
            for docnum in searcher.document_numbers(filekey=key):
                fields = searcher.stored_fields(docnum)
                if not fields.get("dupkey", "").startswith(SIG) or fields.get("source"):
                    continue                 # a paragraph of the file, not a kept report's record
                dupkey = DUP + fields["dupkey"][len(SIG):]
                if searcher.doc_frequency("dupkey", dupkey):
                    out |= {json.loads(doc["meta"])["source"] for doc in searcher.documents(dupkey=dupkey)}
    return out


def _records(ix, prefix: str) -> list[dict]:
    with ix.reader() as reader:
        generation = reader.generation()
        # A folder deleted and indexed again restarts its generations: the commit tells them apart.
        key = (str(ix.storage.folder), generation, store.commit_stamp(ix.storage.folder, generation), prefix)
        with _lock:
            if key not in _cache:
                if len(_cache) > _CACHED:
                    _cache.clear()
                _cache[key] = [json.loads(meta) for _, meta in sorted(_metas(reader, prefix))]
            return _cache[key]


def _metas(reader, prefix: str) -> list[tuple[int, str]]:
    """(docnum, meta) of the live records whose dupkey starts with ``prefix``.

    Segment by segment, term by term: a Prefix query unions a matcher per record (thousands at
    100,000 paragraphs), which made reading the records the largest cost of adding one report.
    """
    out = []
    for leaf, base in reader.leaf_readers():
        deletions = leaf.has_deletions()
        for term, info in leaf.iter_prefix("dupkey", prefix):
            if info.doc_frequency() == 1:       # most records: the term info names the document
                docnums = [info.min_id()]
                if deletions and leaf.is_deleted(docnums[0]):
                    continue
            else:
                docnums = leaf.postings("dupkey", term).all_ids()     # deleted documents left out
            out += [(base + docnum, leaf.stored_fields(docnum)["meta"]) for docnum in docnums]
    return out


def locations(searcher, report_id: str) -> list[dict]:
    """The other copies of a kept report: [{"source", "title"}], for search results."""
    out = []
    if not searcher.doc_frequency("dupkey", DUP + report_id):
        return out                   # most reports: no duplicate, no record to look for
    for doc in searcher.documents(dupkey=DUP + report_id):
        record = json.loads(doc.get("meta") or "{}")
        out.append({"source": record.get("source", ""), "title": record.get("title", "")})
    return out
