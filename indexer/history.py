"""Retired paragraphs: what an old permalink pointed to, so that it never dies.

Paragraph ids are content hashes (pipeline.report_paragraphs), so a link survives reindexing
and edits elsewhere by itself. When a file changes or disappears, ``update`` calls ``retire``
*before* deleting the file's documents: every paragraph the file had is written to a small
SQLite file next to the Whoosh index (``history.sqlite``). Writing first is safe: if the run
is killed before its commit, the paragraphs are still live and ``resolve`` looks in the live
index first, so the extra rows are never used. A row is replaced when the same id retires
again (its text came back and went again), so the latest record wins.

``resolve`` turns any id into what to show:
  live     the paragraph exists (whatever happened around it)
  edited   its report exists, the paragraph changed: open the closest surviving paragraph
  removed  its report exists, nothing close survives: open the paragraph at its old place
  moved    its report is gone, the same text lives on in a report of the same title or file
  gone     its report is gone: say so, show the old text, offer a search for its key terms
  unknown  never seen (a typo, or retired before this record existed)
The web app only reads this file; the indexer is its one writer.
"""
from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from indexer.engine.store import stored_paragraphs

FILE_NAME = "history.sqlite"
EDITED_MIN_SIMILARITY = 0.3     # below this the paragraph counts as removed, not edited
KEY_TERMS = 4

_SCHEMA = """
CREATE TABLE IF NOT EXISTS retired (
    id TEXT PRIMARY KEY,
    report_id TEXT NOT NULL,
    source TEXT NOT NULL,
    title TEXT NOT NULL,
    section TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    text TEXT NOT NULL,
    dupkey TEXT NOT NULL,
    retired_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS retired_report ON retired(report_id);
"""
_COLUMNS = ("id", "report_id", "source", "title", "section", "ordinal", "text", "dupkey")


@dataclass
class Retired:
    id: str
    report_id: str
    source: str
    title: str
    section: str
    ordinal: int
    text: str
    dupkey: str


@dataclass
class Resolution:
    status: str                      # live | edited | removed | moved | gone | unknown
    id: str | None = None            # the live paragraph to open, if any
    retired: Retired | None = None   # what the link pointed to, when it is not live
    key_terms: list[str] = field(default_factory=list)   # for the search offered when gone


def path_of(index_dir: Path) -> Path:
    return Path(index_dir) / FILE_NAME


# --- writing (indexer only) ------------------------------------------------------------------

def retire(index_dir: Path, ix, sources: list[str], everything: bool = False) -> int:
    """Record every committed paragraph of ``sources`` (or of the whole index) as retired.

    Called before the documents are deleted; returns the number of paragraphs recorded.
    """
    if not sources and not everything:
        return 0
    docs = stored_paragraphs(ix, None if everything else sources)
    rows = [tuple(_text(d.get(c)) if c != "ordinal" else int(d.get(c) or 0) for c in _COLUMNS) for d in docs]
    if not rows:
        return 0
    now = time.time()
    with closing(_connect(index_dir, write=True)) as db, db:
        db.executemany(f"INSERT OR REPLACE INTO retired ({', '.join(_COLUMNS)}, retired_at) "
                       f"VALUES ({', '.join('?' * (len(_COLUMNS) + 1))})", [r + (now,) for r in rows])
    return len(rows)


def _text(value) -> str:
    return "" if value is None else str(value)


def _connect(index_dir: Path, write: bool = False) -> sqlite3.Connection:
    path = path_of(index_dir)
    if write:
        db = sqlite3.connect(path, timeout=30)
        db.executescript(_SCHEMA)
    else:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    return db


# --- reading ---------------------------------------------------------------------------------

def _rows(index_dir: Path, where: str, args: tuple) -> list[Retired]:
    if not path_of(index_dir).exists():
        return []
    try:
        with closing(_connect(index_dir)) as db:
            rows = db.execute(f"SELECT {', '.join(_COLUMNS)} FROM retired WHERE {where}", args).fetchall()
    except sqlite3.Error:
        # Locked past the timeout by a long indexing run, or unreadable: an old link then reads
        # as unknown for a moment, which beats an error page.
        return []
    return [Retired(*r) for r in rows]


def lookup(index_dir: Path, pid: str) -> Retired | None:
    rows = _rows(index_dir, "id = ?", (pid,))
    return rows[0] if rows else None


def report_rows(index_dir: Path, report_id: str) -> list[Retired]:
    """The retired paragraphs of a report, in their old order."""
    return _rows(index_dir, "report_id = ? ORDER BY ordinal", (report_id,))


def closest(text: str, ordinal: int, candidates: list[dict]) -> tuple[dict, float]:
    """The candidate most like ``text``; ties and weak matches go to the nearest position."""
    # Imported here: the indexer, which only retires paragraphs, does not load the search modules.
    from indexer.search.similar import similarity

    return max(((c, similarity(text, c["text"])) for c in candidates),
               key=lambda cs: (round(cs[1], 3), -abs(cs[0]["ordinal"] - ordinal)))


def nearest(ordinal: int, candidates: list[dict]) -> dict:
    return min(candidates, key=lambda c: (abs(c["ordinal"] - ordinal), c["ordinal"]))


def resolve(view, index_dir: Path, pid: str) -> Resolution:
    """What to show for paragraph id ``pid``, given a read view of the live index (indexer.engine.view)."""
    if view.document(id=pid) is not None:
        return Resolution("live", pid)
    old = lookup(index_dir, pid)
    if old is None:
        return Resolution("unknown")
    siblings = [d for d in view.documents(report_id=old.report_id) if d.get("id")]
    if siblings:
        best, score = closest(old.text, old.ordinal, siblings)
        if score >= EDITED_MIN_SIMILARITY:
            return Resolution("edited", best["id"], old)
        return Resolution("removed", nearest(old.ordinal, siblings)["id"], old)
    for doc in view.documents(dupkey=old.dupkey):
        # The same text in a report of the same title (file moved) or the same file (title edited);
        # the same text in an unrelated report (boilerplate) is not a successor.
        if doc.get("id") and (doc.get("title") == old.title or doc.get("source") == old.source):
            return Resolution("moved", doc["id"], old)
    return Resolution("gone", None, old, key_terms(view, old.text))


def key_terms(view, text: str, count: int = KEY_TERMS) -> list[str]:
    """Words that characterise text and still occur somewhere in the live index."""
    from indexer.search.similar import key_terms as similar_terms

    return [w for w, _ in similar_terms(view, text, count, known_only=True)]


def resolve_report(view, index_dir: Path, report_id: str) -> Resolution:
    """The same for a report link: live, moved (to the report holding its text) or gone."""
    if view.document(report_id=report_id) is not None:
        return Resolution("live", report_id)
    rows = report_rows(index_dir, report_id)
    if not rows:
        return Resolution("unknown")
    for row in rows:
        for doc in view.documents(dupkey=row.dupkey):
            if doc.get("id") and (doc.get("title") == row.title or doc.get("source") == row.source):
                return Resolution("moved", doc["report_id"], row)
    text = "\n".join(r.text for r in rows[:20])
    return Resolution("gone", None, rows[0], key_terms(view, text))
