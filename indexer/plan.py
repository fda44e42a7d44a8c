"""What a run does to each file: the corpus as scanned, compared with the index's manifest.

Pure bookkeeping for indexer.update, which knows the order of a run.
"""
from __future__ import annotations

from indexer.ingest.files import CorpusFile
from indexer.summary import Summary

# (file, whether it could be read, its hash: None for a file not in the index, hashed when read)
Scanned = tuple[CorpusFile, bool, "str | None"]


def file_size(cf: CorpusFile) -> int:
    """The file's size in bytes (0 when it cannot be read): the weight of its work."""
    try:
        return cf.path.stat().st_size
    except OSError:
        return 0


def plan(scanned: list[Scanned], known: dict[str, str], summary: Summary) -> list[Scanned]:
    """The files to (re)index against the manifest ``known``; fills added/changed/deleted/unchanged."""
    summary.added, summary.changed, summary.unchanged = [], [], 0
    todo = []
    for cf, readable, sha in scanned:
        if sha is not None and known.get(cf.source) == sha:
            summary.unchanged += 1
            continue
        if readable:
            (summary.changed if cf.source in known else summary.added).append(cf.source)
        todo.append((cf, readable, sha))
    summary.deleted = sorted(set(known) - {cf.source for cf, _, _ in scanned})
    return todo


def recheck(scanned: list[Scanned], sources: set[str]) -> list[Scanned]:
    """Unchanged files to read again because the kept copy of one of their reports is going away."""
    return [(cf, readable, sha) for cf, readable, sha in scanned if cf.source in sources and readable]
