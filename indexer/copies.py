"""The index's kept reports as one incremental run sees them, in proportion to what it changes.

In the flow files → text → clean → reports → paragraphs → analysis → index, a run that writes
compares each report it reads with the reports the index keeps (ingest.dedup), and reads again
the unchanged files holding copies of the reports it deletes or changes (indexer.update). Both
used to read every kept report's and every duplicate's record from the index, whatever the size
of the change. Now the kept reports come from dedup_table, looked up by band, and the copies of
the reports going away from their records in the index, looked up by file. When the table cannot
be trusted (see dedup_table), the records are read whole, as before, and the table written anew.
"""
from __future__ import annotations

from pathlib import Path

from indexer import dedup_table
from indexer.engine import records, store
from indexer.ingest import dedup


class KeptReports:
    """One run's kept reports: the committed ones of ``generation`` and those the run keeps."""

    def __init__(self, ix, index_dir: Path, generation: int):
        self.ix, self.index_dir, self.generation = ix, Path(index_dir), generation
        self.added: list[dict] = []          # meta of the reports this run keeps, in order
        self._loaded: tuple = (None, None)   # (gone, Deduper) last made, see deduper
        self._trusted: bool | None = None    # whether the table answered for the generation
        self._opened: list[dedup_table.Stored] = []

    def deduper(self, gone: set[str], take: bool = False) -> dedup.Deduper:
        """The committed kept reports but those of ``gone`` files, made once per ``gone``: the
        files to redo are found with the deduper the run then fills. ``take``: the caller adds
        to it, so it is not handed out again."""
        key = frozenset(gone)
        if self._loaded[0] != key:
            stored = dedup_table.open_stored(self.index_dir, self.generation, gone)
            self._trusted = stored is not None
            self._opened += [stored] if stored is not None else []
            deduper = (dedup.Deduper(stored) if stored is not None
                       else dedup.Deduper.load(records.kept_reports(self.ix), exclude=gone))
            self._loaded = (key, deduper)
        deduper = self._loaded[1]
        if take:
            self._loaded = (None, None)
        return deduper

    def copies_of(self, sources: set[str], known: dict[str, str]) -> set[str]:
        """The files holding duplicates of the kept reports of ``sources`` (indexed files,
        ``known``: {source: hash}), as the committed index records them."""
        return records.copies_of(self.ix, [store.filekey(s, known[s]) for s in sorted(sources) if s in known])

    def keep(self, duplicate_records) -> None:
        """Note the dedup.Records of a file written in this run."""
        self.added += [r.meta for r in duplicate_records if r.kept]

    def save(self, generation: int, gone: set[str] | None) -> None:
        """Stamp the table with the ``generation`` the run's commit makes: the reports of the
        ``gone`` files out, the run's in. ``gone`` None: the run replaces the whole index."""
        self.close()
        if gone is not None and not self._trusted:
            everything = [r for r in records.kept_reports(self.ix) if r["source"] not in gone]
            dedup_table.save(self.index_dir, generation, everything + self.added)
        else:
            dedup_table.save(self.index_dir, generation, self.added, gone)

    def close(self) -> None:
        for stored in self._opened:
            stored.close()
        self._opened = []
