"""The index's table of candidate furniture lines: ``furniture.json`` in the index folder.

In the flow files → text → clean → reports → paragraphs → analysis → index, this is what lets
an indexing run learn the collection's page furniture (indexer.ingest.furniture) without
reading the files it does not reindex. Per corpus file it keeps the content hash the file was
indexed with and the keys of its candidate furniture lines. The furniture is every key found in
``furniture.MIN_FILES`` files; since a file's paragraphs depend on it only through the file's
own candidates (ingest.pipeline.document_reports), the unchanged files to parse again when the
furniture changes are those whose candidates gained or lost furniture status.

Written whole, atomically (a temporary file renamed), just before the run's commit, with the
generation that commit makes: a table of another generation (an index made before the table
was kept, a commit that failed) is not trusted, and every file is then read again.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from indexer.jsonfile import replace_json

FILE_NAME = "furniture.json"
VERSION = 1


@dataclass(frozen=True)
class Entry:
    sha: str                  # the content hash the file was indexed with
    edges: frozenset[str]     # keys of its candidate furniture lines


def load(index_dir: Path, generation: int) -> dict[str, Entry]:
    """{source: Entry} of the committed ``generation``; empty when the table is missing,
    unreadable or of another generation."""
    try:
        data = json.loads((Path(index_dir) / FILE_NAME).read_text(encoding="utf-8"))
        if data.get("version") != VERSION or data.get("generation") != generation:
            return {}
        return {source: Entry(sha, frozenset(edges)) for source, (sha, edges) in data["files"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def stamp(index_dir: Path) -> list[int] | None:
    """What tells this table's file from another (inode, modification time, size); None if missing."""
    try:
        st = os.stat(Path(index_dir) / FILE_NAME)
    except OSError:
        return None
    return [st.st_ino, st.st_mtime_ns, st.st_size]


def save(index_dir: Path, table: dict[str, Entry], generation: int) -> None:
    files = {source: [e.sha, sorted(e.edges)] for source, e in sorted(table.items())}
    replace_json(Path(index_dir) / FILE_NAME, {"version": VERSION, "generation": generation, "files": files})


def known_edges(table: dict[str, Entry], source: str, sha: str | None) -> frozenset[str] | None:
    """The file's candidates if the table holds them for this content, else None."""
    entry = table.get(source)
    return entry.edges if entry is not None and sha is not None and entry.sha == sha else None


def furniture(table: dict[str, Entry]) -> frozenset[str]:
    from indexer.ingest.furniture import learn       # only runs that write learn the furniture

    return learn({source: e.edges for source, e in table.items()})


def touched(edges: frozenset[str], before: frozenset[str], after: frozenset[str]) -> bool:
    """A file with these candidates reads differently under ``after`` than under ``before``."""
    return bool(edges & (before ^ after))
