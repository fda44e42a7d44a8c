"""The corpus files of one indexing run, each read and parsed at most once.

In the flow files → text → clean → reports → paragraphs → analysis → index, this is where a
run turns corpus files into their content hash and paragraphs (through ``pipeline``), for
``indexer.update`` to compare with the index and to write.

A run wants a file three times: its hash, to tell whether it changed since it was indexed; its
paragraphs, to check its reports against the kept copies of other files before anything is
written (indexer.ingest.dedup); and its paragraphs again when it writes them. A file is read the
first time it is wanted, and its hash always comes from the bytes it is parsed from:
- a file the index holds is hashed while the corpus is scanned (unless its stat is unchanged and
  its digest remembered, see ``digests``); if it changed, it is parsed from the same bytes;
- a file the index does not hold will be indexed whatever its hash: it is read only when its
  paragraphs are first wanted.
A parse wanted again later is held until then: in memory up to ``HELD_IN_MEMORY`` bytes, then in
a temporary file, so that the corpus is never held in memory whole.
"""
from __future__ import annotations

import io
import os
import pickle
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from indexer.errors import UnreadableFile
from indexer.ingest.digests import Digests
from indexer.ingest.files import CorpusFile, digest
from indexer.ingest.pipeline import file_paragraphs
from indexer.ingest.readers import MAX_FILE_BYTES, limits
from indexer.ingest.readers.tabular import options_digest, reader_options
from indexer.model import Paragraph

HELD_IN_MEMORY = 64 * 1024 * 1024
NO_TEXT = "文件中没有可检索的正文"


@dataclass
class Parsed:
    """What one read of a file gave."""
    sha: str                      # content hash (with reader options) of the bytes read
    paragraphs: list[Paragraph] = field(default_factory=list)
    error: str | None = None      # why the file is not indexed, or None
    note: str | None = None       # what was left out of a file indexed in part (readers.limits)


def read_bytes(path: Path) -> bytes:
    """Every read of a corpus file goes through here."""
    return path.read_bytes()


def unreadable_reason(exc: Exception) -> str:
    """The user-facing reason for a file that could not be read."""
    return str(exc if isinstance(exc, UnreadableFile) else UnreadableFile(f"无法读取：{exc.strerror or exc}"))


def _stat(cf: CorpusFile) -> os.stat_result:
    st = cf.path.stat()
    if st.st_size > MAX_FILE_BYTES:
        raise UnreadableFile(f"文件过大（{st.st_size // (1024 * 1024)} MB，上限 {MAX_FILE_BYTES // (1024 * 1024)} MB）")
    return st


class Reading:
    """One run's reads of the corpus folder (a context manager: closing saves the digests)."""

    def __init__(self, corpus_dir: Path, digests: Digests):
        self.corpus_dir = Path(corpus_dir)
        self.digests = digests
        self._held: dict[str, int] = {}          # source → where its Parsed is pickled in _spool
        self._spool = tempfile.SpooledTemporaryFile(max_size=HELD_IN_MEMORY)
        self.slowest: tuple[str, float] = ("", 0.0)   # the file whose parse took longest, and its seconds

    def __enter__(self) -> "Reading":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.save_digests()
        self._spool.close()

    def save_digests(self) -> None:
        self.digests.save()

    def check(self, cf: CorpusFile, indexed: str | None) -> str | None:
        """The file's hash, to compare with ``indexed`` (its hash in the index, None if not there).

        None, without reading, for a file the index does not hold and whose digest is not
        remembered: it is indexed whatever its hash, taken when it is read. A file read here
        that changed is parsed at once, for ``peek`` and ``take``. Raises OSError or
        UnreadableFile when the file cannot be read.
        """
        before = _stat(cf)
        content = self.digests.get(cf.source, before)
        if content is not None:
            return self._options_hash(cf, content)
        if indexed is None:
            return None
        data, sha = self._read(cf, before)
        if sha != indexed:
            self._hold(cf.source, self._parse(cf, data, sha))
        return sha

    def peek(self, cf: CorpusFile, sha: str | None) -> Parsed:
        """The file's parse, read now unless held, and held for ``take``. ``sha``: its hash from
        ``check``, which stands for the file when it cannot be read (None: not known)."""
        where = self._held.get(cf.source)
        if where is not None:
            return self._load(where)
        parsed = self._parse_file(cf, sha)
        self._hold(cf.source, parsed)
        return parsed

    def take(self, cf: CorpusFile, sha: str | None) -> Parsed:
        """The file's parse, as ``peek``, for the last time: no longer held."""
        where = self._held.pop(cf.source, None)
        return self._load(where) if where is not None else self._parse_file(cf, sha)

    def _options_hash(self, cf: CorpusFile, content: str) -> str:
        # A table's column mapping is part of what the file means: changing it reindexes the file.
        return options_digest(content, reader_options(self.corpus_dir, cf.source))

    def _read(self, cf: CorpusFile, before: os.stat_result) -> tuple[bytes, str]:
        data = read_bytes(cf.path)
        content = digest(data)
        self.digests.put(cf.source, before, cf.path.stat(), content)
        return data, self._options_hash(cf, content)

    def _parse_file(self, cf: CorpusFile, sha: str | None) -> Parsed:
        try:
            data, sha = self._read(cf, _stat(cf))
        except (OSError, UnreadableFile) as exc:
            reason = unreadable_reason(exc)
            return Parsed(sha or f"unreadable:{reason}", error=reason)
        return self._parse(cf, data, sha)

    def _parse(self, cf: CorpusFile, data: bytes, sha: str) -> Parsed:
        started = time.monotonic()
        try:
            return self._parse_timed(cf, data, sha)
        finally:
            seconds = time.monotonic() - started
            if seconds > self.slowest[1]:
                self.slowest = (cf.source, seconds)

    def _parse_timed(self, cf: CorpusFile, data: bytes, sha: str) -> Parsed:
        try:
            with limits.noting() as notes:
                paragraphs = file_paragraphs(data, cf.source, **reader_options(self.corpus_dir, cf.source))
                paragraphs = limits.cap_blocks(paragraphs)
        except (OSError, UnreadableFile) as exc:
            return Parsed(sha, error=unreadable_reason(exc))
        except RecursionError:
            return Parsed(sha, error="文件结构嵌套过深，无法解析，已跳过")
        except MemoryError:
            return Parsed(sha, error="解析该文件所需内存过大，已跳过")
        except Exception as exc:       # a reader bug must not stop the run
            return Parsed(sha, error=f"解析失败（程序错误 {type(exc).__name__}），已跳过")
        return Parsed(sha, paragraphs, None if paragraphs else NO_TEXT, "；".join(notes) or None)

    def _hold(self, source: str, parsed: Parsed) -> None:
        self._held[source] = self._spool.seek(0, io.SEEK_END)
        pickle.dump(parsed, self._spool, protocol=pickle.HIGHEST_PROTOCOL)

    def _load(self, where: int) -> Parsed:
        self._spool.seek(where)
        return pickle.load(self._spool)
