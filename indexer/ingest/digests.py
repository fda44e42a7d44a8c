"""The content digest of each corpus file, remembered by the file's stat.

In the flow files → text → clean → reports → paragraphs → analysis → index, this belongs to
files: what each one holds now, without reading it when nothing changed.
A run compares every file's digest with the manifest of the index, so a run with nothing
changed used to read and hash the whole corpus (4 s at a million paragraphs). As git's index
does, a digest is reused while the file's size, modification and change times and inode are
what they were when it was hashed. A file hashed within ``RACY_SECONDS`` of its last change is
not remembered: on a file system with coarse timestamps a second change in the same tick would
keep the stat. The cache is only ever a shortcut: lost, stale or unreadable, files are hashed.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

FILE_NAME = "digests.json"
RACY_SECONDS = 2.0


def _stamp(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


class Digests:
    """{source: digest} for one corpus folder, kept beside the index."""

    def __init__(self, index_dir: Path, corpus_dir: Path):
        self.path = Path(index_dir) / FILE_NAME
        self.corpus = str(Path(corpus_dir).resolve())
        self._old: dict[str, list] = {}
        self._new: dict[str, list] = {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("corpus") == self.corpus and isinstance(data.get("files"), dict):
                self._old = data["files"]
        except (OSError, ValueError, AttributeError):
            pass
        self._saved = self._old

    def get(self, source: str, st: os.stat_result) -> str | None:
        """The remembered digest, if the file's stat is unchanged since it was hashed."""
        entry = self._old.get(source)
        if isinstance(entry, list) and len(entry) == 5 and entry[:4] == _stamp(st):
            self._new[source] = entry
            return entry[4]
        return None

    def put(self, source: str, before: os.stat_result, after: os.stat_result, digest: str) -> None:
        """Remember a digest computed between two stats of the file (kept only if they agree)."""
        stamp = _stamp(before)
        if stamp == _stamp(after) and time.time_ns() - max(stamp[1], stamp[2]) > RACY_SECONDS * 1e9:
            self._new[source] = stamp + [digest]

    def save(self) -> None:
        """Keep what this run saw (files gone from the corpus are forgotten); best effort. A run
        saves after its scan and again at its end, for the files it read only then."""
        if self._new == self._saved:
            return
        tmp = self.path.with_name(f".{FILE_NAME}.{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps({"corpus": self.corpus, "files": self._new}), encoding="utf-8")
            os.replace(tmp, self.path)
            self._saved = dict(self._new)
        except OSError:
            try:
                tmp.unlink()
            except OSError:
                pass
