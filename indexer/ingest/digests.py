"""The content digest of each corpus file, remembered by the file's stat.

In the flow files → text → clean → reports → paragraphs → analysis → index, this belongs to
files: what each one holds now, without reading it when nothing changed.
A run compares every file's digest with the manifest of the index, so a run with nothing
changed used to read and hash the whole corpus (4 s at a million paragraphs). As git's index
does, a digest is reused while the file's size, modification and change times and inode are
what they were when it was hashed. A file hashed within ``RACY_SECONDS`` of its last change is
not remembered: on a file system with coarse timestamps a second change in the same tick would
keep the stat. The cache is only ever a shortcut: lost, stale or unreadable, files are hashed.

The file may also name the commit of the index whose files are exactly these, with these
digests (``settled``, set by the run that knew it): while that commit is the index's latest and
every file's stat is unchanged, a run knows the index's manifest without reading it. The record
carries a fingerprint of the digests it vouches for: edited or half-written, it vouches for none.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

from indexer.jsonfile import replace_json

FILE_NAME = "digests.json"
RACY_SECONDS = 2.0


def _fingerprint(files: dict[str, list]) -> str | None:
    try:
        text = "\n".join(f"{source}\t{entry[4]}" for source, entry in files.items())
    except (TypeError, IndexError, KeyError):
        return None
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def _stamp(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def racy(st: os.stat_result) -> bool:
    """Changed so lately that another change might yet leave the same stat."""
    return time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) <= RACY_SECONDS * 1e9


class Digests:
    """{source: digest} for one corpus folder, kept beside the index."""

    def __init__(self, index_dir: Path, corpus_dir: Path):
        self.path = Path(index_dir) / FILE_NAME
        self.corpus = str(Path(corpus_dir).resolve())
        self._old: dict[str, list] = {}
        self._new: dict[str, list] = {}
        self.settled: list | None = None        # the commit these files were exactly the index of
        self._settled: list | None = None       # set by this run (see settle)
        self.racy: dict[str, list] = {}         # digests taken too soon after a change (see put)
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("corpus") == self.corpus and isinstance(data.get("files"), dict):
                self._old = data["files"]
                settled = data.get("settled")
                if isinstance(settled, list) and len(settled) > 1 and settled[-1] == _fingerprint(self._old):
                    self.settled = settled[:-1]
        except (OSError, ValueError, AttributeError):
            pass
        self._saved = (self._old, data.get("settled") if self.settled is not None else None)

    def get(self, source: str, st: os.stat_result) -> str | None:
        """The remembered digest, if the file's stat is unchanged since it was hashed."""
        entry = self._old.get(source)
        if isinstance(entry, list) and len(entry) == 5 and entry[:4] == _stamp(st):
            self._new[source] = entry
            return entry[4]
        return None

    def remembered(self) -> dict[str, str]:
        """{source: digest} of the files the cache held when the run began."""
        return {source: entry[4] for source, entry in self._old.items()}

    def digest(self, source: str) -> str | None:
        """The digest this run saw for a file and will remember, if any."""
        entry = self._new.get(source)
        return entry[4] if entry is not None else None

    def settle(self, commit: list) -> None:
        """Record that the files this run saw, with their digests, are exactly the index's files
        at ``commit``."""
        self._settled = commit

    def put(self, source: str, before: os.stat_result, after: os.stat_result, digest: str) -> None:
        """Remember a digest computed between two stats of the file (kept only if they agree)."""
        stamp = _stamp(before)
        if stamp != _stamp(after):
            return
        if racy(before):
            self.racy[source] = stamp + [digest]      # this run's only: see indexer.unchanged
        else:
            self._new[source] = stamp + [digest]

    def racy_digest(self, source: str, st: os.stat_result) -> str | None:
        """The digest this run took of a file too soon after its change to remember it, if the
        file's stat was ``st`` then."""
        entry = self.racy.get(source)
        return entry[4] if entry is not None and entry[:4] == _stamp(st) else None

    def save(self) -> None:
        """Keep what this run saw (files gone from the corpus are forgotten); best effort. A run
        saves after its scan and again at its end, for the files it read only then. The old
        ``settled`` holds as long as the files are the same; another set of files drops it."""
        settled = self._settled or (self.settled if self._new == self._old else None)
        if settled is not None:
            settled = settled + [_fingerprint(self._new)]
        if (self._new, settled) == self._saved:
            return
        try:
            replace_json(self.path, {"corpus": self.corpus, "files": self._new, "settled": settled})
            self._saved = (dict(self._new), settled)
        except OSError:
            pass
