"""The only module that opens Whoosh indexes and writers.

Crash safety, as Whoosh provides it and as tests/test_crash.py checks it:
- A commit writes new segment files, then the table of contents (_paragraphs_N.toc) under a
  temporary name, then renames it: a reader sees the old generation or the new, never half.
- The write lock (paragraphs_WRITELOCK) is an OS file lock (fcntl/msvcrt). The file stays on
  disk but the kernel releases the lock when its process dies, even by SIGKILL, so a killed
  indexer leaves no stale lock; a second writer waits up to ``lock_timeout`` seconds and then
  reports IndexBusy.
- What a killed writer does leave is litter: segment files no TOC names, a temporary TOC that
  Whoosh never deletes, its scratch folder. ``writer()`` clears it once it holds the lock.
- Creating an index deletes every TOC in the folder, so it too happens under the lock: two
  indexers started at once on an empty folder must not wipe each other's first commit.
"""
from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, LockError

from indexer.errors import IndexBusy, IndexMissing
from indexer.engine.schema import make_schema
from indexer.engine.writer import BulkWriter, ParallelWriter

INDEX_NAME = "paragraphs"


def exists(index_dir: Path) -> bool:
    return Path(index_dir).is_dir() and whoosh_index.exists_in(str(index_dir), indexname=INDEX_NAME)


_BUSY = "另一个索引进程正在写入该索引，请稍后再试（或用 --lock-timeout 等待更久）"
_TEMP_TOC = re.compile(rf"^_{INDEX_NAME}_[0-9]+\.toc\..+$")
_SEGMENT = re.compile(rf"^({INDEX_NAME}_[0-9a-z]+)\.")
_SCRATCH = f"{INDEX_NAME}.tmp"


def _write_lock(index_dir: Path):
    # The same lock file Whoosh's writer takes (ix.lock("WRITELOCK")).
    return FileStorage(str(index_dir)).lock(f"{INDEX_NAME}_WRITELOCK")


def _wait(acquire, lock_timeout: float, on_wait=None):
    """Call acquire() until it returns a truthy value; IndexBusy after lock_timeout seconds."""
    deadline = time.monotonic() + lock_timeout
    waited = False
    while True:
        got = acquire()
        if got:
            return got
        if time.monotonic() >= deadline:
            raise IndexBusy(_BUSY)
        if not waited and on_wait is not None:
            on_wait("另一个索引进程正在写入该索引，等待其完成……")
        waited = True
        time.sleep(0.2)


def create(index_dir: Path, lock_timeout: float = 30.0):
    """Create an empty index, unless another process created it while we waited for the lock."""
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    lock = _write_lock(index_dir)
    _wait(lock.acquire, lock_timeout)
    try:
        if exists(index_dir):
            return whoosh_index.open_dir(str(index_dir), indexname=INDEX_NAME)
        return FileStorage(str(index_dir)).create_index(make_schema(), indexname=INDEX_NAME)
    finally:
        lock.release()


def open_index(index_dir: Path, create_missing: bool = False, lock_timeout: float = 30.0):
    if not exists(index_dir):
        if create_missing:
            return create(index_dir, lock_timeout)
        raise IndexMissing(f"索引不存在：{index_dir}（请先运行 reportsearch index）")
    return whoosh_index.open_dir(str(index_dir), indexname=INDEX_NAME)


def writer(ix, lock_timeout: float = 30.0, procs: int = 1, on_wait=None, schema=None):
    """A writer that waits for the lock, then says clearly who holds it.

    Once the lock is ours, files left by a writer that was killed are removed. With procs > 1,
    documents are analysed and written by that many processes, each into segments of its own
    (see indexer.engine.writer). compound=False:
    readers map segment files instead of copying a compound file into memory each time a
    searcher opens. ``schema``: what the commit records instead of the index's own (a rebuild
    replaces every segment, so it may change the schema).
    """
    def attempt():
        try:
            if procs > 1:
                return ParallelWriter(ix, procs=procs, compound=False, schema=schema)
            return BulkWriter(ix, compound=False, schema=schema)
        except LockError:
            return None

    w = _wait(attempt, lock_timeout, on_wait)
    keep = {w.newsegment.segment_id()} if hasattr(w, "newsegment") else set()
    _remove(ix.storage.folder, _litter(ix.storage.folder, keep=keep, scratch=False))
    return w


def cancel(w) -> None:
    """Cancel a writer and delete the segment files it had started (Whoosh leaves them)."""
    folder, segment = w.storage.folder, w.newsegment.segment_id()
    w.cancel()
    _remove(folder, [p.name for p in Path(folder).iterdir() if p.name.startswith(segment + ".")])


def _litter(folder: str, keep: set[str] = frozenset(), scratch: bool = True) -> list[str]:
    """Files a killed writer left: only meaningful while no writer is running."""
    folder = Path(folder)
    if not exists(folder):
        return []
    toc = TOC.read(FileStorage(str(folder)), INDEX_NAME)
    live = {seg.segment_id() for seg in toc.segments} | set(keep)
    out = []
    for path in folder.iterdir():
        name = path.name
        current_toc = name == f"_{INDEX_NAME}_{toc.generation}.toc"
        if _TEMP_TOC.match(name) or (TOC._pattern(INDEX_NAME).match(name) and not current_toc):
            out.append(name)
        elif (m := _SEGMENT.match(name)) and m.group(1) not in live:
            out.append(name)
        elif scratch and name == _SCRATCH:
            out.append(name)
    return sorted(out)


def _remove(folder: str, names: list[str]) -> None:
    for name in names:
        path = Path(folder) / name
        try:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        except OSError:
            pass        # a reader on Windows may still hold an old file; the next writer retries


def tidy(index_dir: Path) -> None:
    """Clear a killed writer's litter if no writer is running now (never waits)."""
    lock = _write_lock(index_dir)
    if lock.acquire():
        try:
            _remove(str(index_dir), _litter(str(index_dir)))
        finally:
            lock.release()


def leftovers(index_dir: Path) -> list[str]:
    """Files in the index folder that no committed state uses (for checks; [] when clean)."""
    return _litter(str(index_dir))


def lock_held(index_dir: Path) -> bool:
    """True while a live process holds the write lock (a killed one never does)."""
    if not Path(index_dir).is_dir():
        return False
    lock = _write_lock(index_dir)
    if lock.acquire():
        lock.release()
        return False
    return True


def indexed_files(ix) -> dict[str, str]:
    """{source path: content hash} of every file in the committed index."""
    with ix.reader() as reader:
        return manifest(reader)


def manifest(reader) -> dict[str, str]:
    """{source path: content hash} of every file a reader (of an index or a writer) sees."""
    out = {}
    # Segment by segment: asking the whole index about each term looks it up in every segment,
    # which at a million paragraphs made a run with nothing to do take seconds.
    for leaf, _ in reader.leaf_readers():
        deletions = leaf.has_deletions()
        for term in leaf.lexicon("filekey"):
            # Terms of deleted documents stay in the lexicon until their segment is merged.
            if deletions and not leaf.postings("filekey", term).is_active():
                continue
            path, _, digest = term.decode("utf-8").rpartition("\t")
            out[path] = digest
    return out


def filekey(source: str, digest: str) -> str:
    return f"{source}\t{digest}"
