"""Whether the corpus is, file for file, what the index holds, known without reading the index.

In the flow files → text → clean → reports → paragraphs → analysis → index, this sits between
the scan of the corpus (ingest.reading, ingest.digests) and the index's manifest (engine.store).
A run compares every file with the manifest, and reading the manifest walks a term per file in
every segment: a tenth of a second at a million paragraphs, for a run that then has nothing to
do. A run that saw every file's remembered digest agree with the index (a run with nothing to do,
or one that committed) records that commit in digests.json; while it is still the index's latest
commit, the manifest is the list of digests remembered then (files added, removed or touched
since are found by comparing the corpus with it, as with the manifest read from the index). The
record also names the furniture table's file (written with every commit, checked by every run
with nothing to do) and columns.ini (which a table's hash depends on): another file of either
sends the run to the index again.
"""
from __future__ import annotations

import os
from pathlib import Path

from indexer import furniture_table
from indexer.engine import store
from indexer.ingest.reading import Reading
from indexer.ingest.readers.tabular import CONFIG_NAME


def _commit(index_dir: Path, corpus_dir: Path, generation: int) -> list | None:
    toc, table = store.commit_stamp(index_dir, generation), furniture_table.stamp(index_dir)
    try:
        st = os.stat(Path(corpus_dir) / CONFIG_NAME)
        config = [st.st_ino, st.st_mtime_ns, st.st_size]
    except OSError:
        config = []
    return None if toc is None or table is None else [generation, *toc, *table, *config]


def manifest(ix, index_dir: Path, reading: Reading) -> tuple[int, dict[str, str]] | None:
    """(generation, {source: hash}) of the index as the digests last settled it, or None when
    they cannot tell (then read the index: store.snapshot)."""
    settled = reading.digests.settled
    if settled is None:
        return None
    generation = store.latest_generation(ix)
    if settled != _commit(index_dir, reading.corpus_dir, generation):
        return None
    return generation, reading.settled_manifest()


def settle(index_dir: Path, reading: Reading, scanned: list, shas: dict[str, str], generation: int) -> list | None:
    """Whether the ``scanned`` files, with the hashes ``shas`` of those this run indexed, are known
    to be the index at ``generation`` by their stat (indexer.unchanged): None if not; else the files
    changed too lately for that, as [source, content digest], to be hashed again until they are not.
    When there are none, record that commit with the digests."""
    pending = []
    for cf, readable, sha in scanned:
        indexed = shas.get(cf.source, sha)
        if not readable or indexed is None:
            return None
        if reading.settled_hash(cf) == indexed:
            continue
        racy = reading.racy_hash(cf)
        if racy is None or racy[1] != indexed:
            return None
        pending.append([cf.source, racy[0]])
    commit = _commit(index_dir, reading.corpus_dir, generation) if not pending else None
    if commit is not None:
        reading.digests.settle(commit)
    return pending
