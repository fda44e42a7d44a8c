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
A file is parsed in two steps: its reader gives a Document (the costly step, done once), whose
candidate furniture lines (``edges``) the run collects from every file it reads before it knows
the collection's furniture; its paragraphs are made from the same Document once ``furniture``
is set. A read or parse wanted again later is held until then: in memory up to
``HELD_IN_MEMORY`` bytes, then in a temporary file, so that the corpus is never held in memory
whole.
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
from indexer.ingest.readers import MAX_FILE_BYTES, limits
from indexer.ingest.readers.tabular import SUFFIXES, options_digest, reader_options
from indexer.model import Document, Paragraph

HELD_IN_MEMORY = 64 * 1024 * 1024
NO_TEXT = "文件中没有可检索的正文"


@dataclass
class Parsed:
    """What one read of a file gave."""
    sha: str                      # content hash (with reader options) of the bytes read
    paragraphs: list[Paragraph] = field(default_factory=list)
    error: str | None = None      # why the file is not indexed, or None
    edges: set[str] = field(default_factory=set)    # candidate furniture lines (ingest.furniture)
    note: str | None = None       # what was left out of a file indexed in part (readers.limits)


@dataclass
class _Read:
    """A file read and through its reader, not yet made into paragraphs."""
    sha: str
    doc: Document | None
    error: str | None
    edges: set[str]
    note: str | None = None       # what its reader left out (readers.limits)


def read_bytes(path: Path) -> bytes:
    """Every read of a corpus file goes through here."""
    return path.read_bytes()


def unreadable_reason(exc: Exception) -> str:
    """The user-facing reason for a file that could not be read."""
    return str(exc if isinstance(exc, UnreadableFile) else UnreadableFile(f"无法读取：{exc.strerror or exc}"))


def _failed(exc: BaseException) -> str:
    """One Chinese line for a file whose reading or splitting failed (the run goes on)."""
    if isinstance(exc, (OSError, UnreadableFile)):
        return unreadable_reason(exc)
    if isinstance(exc, RecursionError):
        return "文件结构嵌套过深，无法解析，已跳过"
    if isinstance(exc, MemoryError):
        return "解析该文件所需内存过大，已跳过"
    return f"解析失败（程序错误 {type(exc).__name__}），已跳过"


def _stat(cf: CorpusFile, listed: bool = False) -> os.stat_result:
    """The file's stat (``listed``: the one taken when its folder was listed, if any)."""
    st = cf.listed if listed and cf.listed is not None else cf.path.stat()
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
        # The collection's learnt furniture: set by the run before any file is made into paragraphs.
        self.furniture: frozenset[str] = frozenset()
        self.slowest: tuple[str, float] = ("", 0.0)   # the file whose reading took longest, and its seconds

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
        before = _stat(cf, listed=True)          # taken before any read, as a digest needs
        content = self.digests.get(cf.source, before)
        if content is not None:
            return self._options_hash(cf, content)
        if indexed is None:
            return None
        data, sha = self._read(cf, before)
        if sha != indexed:
            self._hold(cf.source, self._document(cf, data, sha))
        return sha

    def settled_manifest(self) -> dict[str, str]:
        """{source: hash} of every file remembered when the run began (see indexer.settled)."""
        return {source: self._options_hash(CorpusFile(source, ""), content)
                for source, content in self.digests.remembered().items()}

    def settled_hash(self, cf: CorpusFile) -> str | None:
        """The file's hash from the digest this run will remember for it, if any."""
        content = self.digests.digest(cf.source)
        return None if content is None else self._options_hash(cf, content)

    def racy_hash(self, cf: CorpusFile) -> tuple[str, str] | None:
        """(content digest, hash) this run took of a file changed too lately for its digest to be
        remembered, if its stat then was the one it was listed with."""
        content = self.digests.racy_digest(cf.source, cf.listed) if cf.listed is not None else None
        return None if content is None else (content, self._options_hash(cf, content))

    def edges(self, cf: CorpusFile, sha: str | None) -> set[str]:
        """The file's candidate furniture lines, read now unless held (and then held for
        ``peek`` and ``take``); empty for a file that cannot be read. ``sha`` as for ``peek``."""
        return self._get(cf, sha).edges

    def peek(self, cf: CorpusFile, sha: str | None) -> Parsed:
        """The file's parse, read now unless held, and held for ``take``. ``sha``: its hash from
        ``check``, which stands for the file when it cannot be read (None: not known)."""
        got = self._get(cf, sha)
        if isinstance(got, _Read):
            got = self._paragraphs(cf, got)
            self._hold(cf.source, got)
        return got

    def take(self, cf: CorpusFile, sha: str | None) -> Parsed:
        """The file's parse, as ``peek``, for the last time: no longer held."""
        where = self._held.pop(cf.source, None)
        got = self._load(where) if where is not None else self._read_file(cf, sha)
        return self._paragraphs(cf, got) if isinstance(got, _Read) else got

    def _get(self, cf: CorpusFile, sha: str | None) -> "Parsed | _Read":
        where = self._held.get(cf.source)
        if where is not None:
            return self._load(where)
        got = self._read_file(cf, sha)
        self._hold(cf.source, got)
        return got

    def _options_hash(self, cf: CorpusFile, content: str) -> str:
        # A table's column mapping is part of what the file means: changing it reindexes the file.
        if not cf.source.lower().endswith(SUFFIXES):
            return content              # not a table (asked for every file, several times a run)
        return options_digest(content, reader_options(self.corpus_dir, cf.source))

    def _read(self, cf: CorpusFile, before: os.stat_result) -> tuple[bytes, str]:
        data = read_bytes(cf.path)
        content = digest(data)
        self.digests.put(cf.source, before, cf.path.stat(), content)
        return data, self._options_hash(cf, content)

    def _read_file(self, cf: CorpusFile, sha: str | None) -> _Read:
        try:
            data, sha = self._read(cf, _stat(cf))
        except (OSError, UnreadableFile) as exc:
            reason = unreadable_reason(exc)
            return _Read(sha or f"unreadable:{reason}", None, reason, set())
        return self._document(cf, data, sha)

    def _document(self, cf: CorpusFile, data: bytes, sha: str) -> _Read:
        # Imported by the first file parsed: a run with nothing to read does without the cleaning
        # and splitting code (and the hundred regular expressions it compiles on import).
        from indexer.ingest.pipeline import document_edges, file_document

        started = time.monotonic()
        try:
            with limits.noting() as notes:
                doc = file_document(data, cf.source, **reader_options(self.corpus_dir, cf.source))
            return _Read(sha, doc, None, document_edges(doc), "；".join(notes) or None)
        except Exception as exc:       # a reader bug must not stop the run
            return _Read(sha, None, _failed(exc), set())
        finally:
            seconds = time.monotonic() - started
            if seconds > self.slowest[1]:
                self.slowest = (cf.source, seconds)

    def _paragraphs(self, cf: CorpusFile, read: _Read) -> Parsed:
        from indexer.ingest.pipeline import document_paragraphs

        if read.error is not None:
            return Parsed(read.sha, error=read.error, edges=read.edges)
        try:
            with limits.noting() as notes:
                paragraphs = limits.cap_blocks(document_paragraphs(read.doc, cf.source, self.furniture))
        except Exception as exc:       # a bug in cleaning or splitting must not stop the run
            return Parsed(read.sha, error=_failed(exc), edges=read.edges)
        note = "；".join(([read.note] if read.note else []) + notes) or None
        return Parsed(read.sha, paragraphs, None if paragraphs else NO_TEXT, read.edges, note)

    def _hold(self, source: str, parsed: "Parsed | _Read") -> None:
        self._held[source] = self._spool.seek(0, io.SEEK_END)
        pickle.dump(parsed, self._spool, protocol=pickle.HIGHEST_PROTOCOL)

    def _load(self, where: int) -> "Parsed | _Read":
        self._spool.seek(where)
        return pickle.load(self._spool)
