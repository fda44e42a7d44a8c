"""The index's kept reports, looked up by LSH band: ``dedup.sqlite`` in the index folder.

In the flow files → text → clean → reports → paragraphs → analysis → index, this is what lets an
incremental run compare the reports it reads with the kept reports of the index (ingest.dedup)
without loading them all. The index holds a record of every kept report (engine.records), and
reading every one of them — 25,000 at a million paragraphs — and filing each under its sixteen
bands took seconds whatever the size of the change. This table holds the same kept reports, a row
each, and a row per band key: a run asks only for the bands of the reports it reads.

Kept in step with the index as furniture.json is: changed in one SQLite transaction just before
the run's commit, and stamped with the generation that commit makes. A table of another
generation (an index made before the table was kept, a commit that failed after the table was
written, a run killed in between) is not trusted: the run reads the records from the index, as
it always could, and writes the whole table again.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import closing
from pathlib import Path

from indexer.errors import ReportSearchError
from indexer.ingest import dedup

FILE_NAME = "dedup.sqlite"
VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS state (one INTEGER PRIMARY KEY CHECK (one = 1), version INTEGER NOT NULL,
                                  generation INTEGER NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS kept (rid INTEGER PRIMARY KEY, report_id TEXT NOT NULL, source TEXT NOT NULL,
                                 sig TEXT NOT NULL, size INTEGER NOT NULL, title TEXT NOT NULL, exact TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS kept_source ON kept(source);
CREATE TABLE IF NOT EXISTS band (key INTEGER NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (key, rid)) WITHOUT ROWID;
"""


def path_of(index_dir: Path) -> Path:
    return Path(index_dir) / FILE_NAME


def band_key(key: tuple) -> int:
    """A band key (dedup._bands) as a signed 64-bit integer. Two keys that collide only make a
    candidate that dedup compares by its signature; exact-text keys are checked against ``exact``."""
    text = f"{key[0]}:{key[1]}" if key[0] == "x" else f"{key[0]}:" + ",".join(map(str, key[1]))
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


class Stored:
    """The kept reports of one committed generation but those of ``exclude`` files: what
    dedup.Deduper asks about (its ``stored``). Rows come out in path order, then in the order of
    the reports in their file: the order in which a fresh build met them."""

    def __init__(self, db: sqlite3.Connection, exclude: set[str]):
        self._db = db
        self._exclude = set(exclude)
        self._reports: dict[str, tuple[list[int], int, str, str]] = {}

    def close(self) -> None:
        self._db.close()

    def candidates(self, key: tuple) -> list[tuple[str, int, str]]:
        """(source, order, report_id) of the kept reports filed under the band ``key``."""
        rows = self._db.execute("SELECT k.rid, k.report_id, k.source, k.sig, k.size, k.title, k.exact "
                                "FROM band b JOIN kept k ON k.rid = b.rid WHERE b.key = ?", (band_key(key),)).fetchall()
        out = []
        for rid, report_id, source, sig, size, title, exact in rows:
            if source in self._exclude or (key[0] == "x" and exact != key[1]):
                continue
            self._reports[report_id] = (json.loads(sig), size, source, title)
            out.append((source, rid, report_id))
        return sorted(out)

    def report(self, report_id: str) -> tuple[list[int], int, str, str]:
        """(signature, size, source, title) of a report ``candidates`` named."""
        return self._reports[report_id]

    def __bool__(self) -> bool:
        if not self._exclude:
            return self._db.execute("SELECT EXISTS (SELECT 1 FROM kept)").fetchall()[0][0] == 1
        sources = list(self._exclude)
        excluded = 0
        for start in range(0, len(sources), 500):
            part = sources[start:start + 500]
            excluded += self._db.execute(f"SELECT COUNT(*) FROM kept WHERE source IN ({','.join('?' * len(part))})",
                                         part).fetchall()[0][0]
        return self._db.execute("SELECT COUNT(*) FROM kept").fetchall()[0][0] > excluded


def open_stored(index_dir: Path, generation: int, exclude: set[str]) -> Stored | None:
    """The table of the committed ``generation``, or None when it is missing or of another one.
    Raises ReportSearchError, as dedup.Deduper.load does, for signatures made another way."""
    path = path_of(index_dir)
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(path, timeout=30)
        state = db.execute("SELECT version, generation, hash FROM state").fetchall()
    except sqlite3.Error:
        return None
    if len(state) != 1 or state[0][0] != VERSION or state[0][1] != generation:
        db.close()
        return None
    if state[0][2] != dedup.HASH and db.execute("SELECT EXISTS (SELECT 1 FROM kept)").fetchall()[0][0]:
        db.close()
        raise ReportSearchError(dedup.OTHER_HASH)
    return Stored(db, exclude)


def save(index_dir: Path, generation: int, added: list[dict], gone: set[str] | None = None) -> None:
    """Stamp the table with ``generation`` after deleting the kept reports of the ``gone`` files
    and adding those of ``added`` (records' meta, in the order they were kept). ``gone`` None:
    ``added`` is every kept report, and the table is written anew."""
    path = path_of(index_dir)
    if gone is None:
        for old in (path, path.with_name(path.name + "-journal")):    # a journal of the old table is no use
            old.unlink(missing_ok=True)
    with closing(sqlite3.connect(path, timeout=30)) as db:
        db.executescript(_SCHEMA)
        with db:                        # one transaction: a run killed in it leaves the table as it was
            if gone:
                _delete(db, gone)
            for meta in added:
                _add(db, meta)
            db.execute("INSERT OR REPLACE INTO state VALUES (1, ?, ?, ?)", (VERSION, generation, dedup.HASH))


def _delete(db: sqlite3.Connection, sources: set[str]) -> None:
    for source in sources:
        rows = db.execute("SELECT rid, sig, exact FROM kept WHERE source = ?", (source,)).fetchall()
        for rid, sig, exact in rows:
            db.executemany("DELETE FROM band WHERE key = ? AND rid = ?",
                           [(band_key(key), rid) for key in dedup.band_keys(json.loads(sig), exact)])
        db.execute("DELETE FROM kept WHERE source = ?", (source,))


def _add(db: sqlite3.Connection, meta: dict) -> None:
    rid = db.execute("INSERT INTO kept (report_id, source, sig, size, title, exact) VALUES (?, ?, ?, ?, ?, ?)",
                     (meta["report_id"], meta["source"], json.dumps(meta["sig"]), meta["size"], meta["title"],
                      meta["exact"])).lastrowid
    db.executemany("INSERT OR IGNORE INTO band VALUES (?, ?)",
                   [(band_key(key), rid) for key in dedup.band_keys(meta["sig"], meta["exact"])])
