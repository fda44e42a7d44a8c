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

Every TOC holds the pickled schema, analyzers included (indexer.engine.analyzer). An index made
by a version whose analyzers lived elsewhere cannot be unpickled: ``open_index`` reports it as an
index to rebuild (IndexMissing), and ``open_to_update`` opens it with the current schema so that
``reportsearch index`` can rebuild it by itself.
"""
from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, EmptyIndexError, LockError

from indexer.errors import IndexBusy, IndexDamaged, IndexMissing
from indexer.engine.schema import make_schema, schema_problems, segmenter_of
from indexer.text import segmenters
from indexer.engine.parallel import ParallelWriter
from indexer.engine.writer import BulkWriter

INDEX_NAME = "paragraphs"


def exists(index_dir: Path) -> bool:
    if not Path(index_dir).is_dir():
        return False
    try:
        # Given a schema, Whoosh does not unpickle the stored one: an index this version cannot
        # read still exists (open_index says what to do about it).
        whoosh_index.open_dir(str(index_dir), indexname=INDEX_NAME, schema=make_schema())
    except EmptyIndexError:
        return False
    return True


def has_documents(index_dir: Path) -> bool:
    """Does index_dir hold a committed index with at least one document? (A first build stopped
    early leaves an empty one.)"""
    if not exists(index_dir):
        return False
    ix = whoosh_index.open_dir(str(index_dir), indexname=INDEX_NAME, schema=make_schema())
    return ix.doc_count_all() > 0


def _load(index_dir: Path):
    """(the index, None), or (None, why) when the schema pickled in it cannot be loaded."""
    try:
        return whoosh_index.open_dir(str(index_dir), indexname=INDEX_NAME), None
    except (ImportError, AttributeError) as exc:       # a class the pickle names no longer exists
        return None, f"{type(exc).__name__}: {exc}"


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
    """The index in index_dir; IndexMissing when there is none or this version cannot read it."""
    if not exists(index_dir):
        if create_missing:
            return create(index_dir, lock_timeout)
        raise IndexMissing(f"索引不存在：{index_dir}（请先运行 reportsearch index）")
    ix, error = _load(index_dir)
    if error is not None:
        raise IndexMissing(f"索引由旧版本的 reportsearch 创建，无法读取：{index_dir}（请运行 reportsearch index 重建索引）")
    return ix


def open_to_update(index_dir: Path, lock_timeout: float = 30.0):
    """(index, None) for the index in index_dir, created if missing; or, when its schema cannot be
    loaded, (the index read with the current schema, why) — fit only to be rebuilt."""
    if not exists(index_dir):
        return create(index_dir, lock_timeout), None
    ix, error = _load(index_dir)
    if error is None:
        return ix, None
    # Stored fields and the list of segments read the same with the current schema, and that is
    # all that retiring the old paragraphs and replacing every segment need.
    ix = whoosh_index.open_dir(str(index_dir), indexname=INDEX_NAME, schema=make_schema())
    return ix, f"索引由旧版本的 reportsearch 创建，本版本无法读取（{error}），现在重建索引"


def writer(ix, lock_timeout: float = 30.0, procs: int = 1, on_wait=None, schema=None, standby=None):
    """A writer that waits for the lock, then says clearly who holds it.

    Once the lock is ours, files left by a writer that was killed are removed. With procs > 1,
    documents are analysed and written by that many processes, each into segments of its own
    (see indexer.engine.parallel). compound=False:
    readers map segment files instead of copying a compound file into memory each time a
    searcher opens. ``schema``: what the commit records instead of the index's own (a rebuild
    replaces every segment, so it may change the schema). ``standby``: the worker (engine.standby)
    that writes the documents, procs being 1.
    """
    def attempt():
        try:
            if procs > 1 or standby is not None:
                return ParallelWriter(ix, procs=procs, compound=False, schema=schema, standby=standby)
            return BulkWriter(ix, compound=False, schema=schema)
        except LockError:
            return None

    w = _wait(attempt, lock_timeout, on_wait)
    keep = {w.newsegment.segment_id()} if hasattr(w, "newsegment") else set()
    _remove(ix.storage.folder, _litter(ix.storage.folder, keep=keep, scratch=False))
    if standby is not None:
        w.begin()               # after the removal, which would take files its worker had begun
    return w


def cancel(w) -> None:
    """Cancel a writer: stop its workers, delete every file it (or its workers) wrote, release
    the lock. Never raises, and never waits long: it runs when a run fails, perhaps because the
    disk is full, when closing a file raises again (Whoosh's own cancel then keeps the lock)."""
    folder = w.storage.folder
    try:
        if isinstance(w, ParallelWriter):
            w._stop_workers()
        searcher = getattr(w, "_searcher", None)
        for step in (w._close_segment, w._tempstorage.destroy, getattr(searcher, "_orig_close", None)):
            if step is None:
                continue
            try:
                step()
            except Exception:       # noqa: BLE001 - files half written are removed just below
                pass
        # The lock is still ours: whatever no commit uses was written by this run (or a killed one).
        _remove(folder, _litter(folder))
    except Exception:               # noqa: BLE001 - the next writer clears what is left
        pass
    finally:
        w.is_closed = True
        try:
            if w.writelock:
                w.writelock.release()
        except Exception:           # noqa: BLE001
            pass


def _litter(folder: str, keep: set[str] = frozenset(), scratch: bool = True) -> list[str]:
    """Files a killed writer left: only meaningful while no writer is running."""
    folder = Path(folder)
    if not exists(folder):
        return []
    # The segment list is all this needs: given a schema, Whoosh skips unpickling the stored one
    # (which an index made by an older version may not allow).
    toc = TOC.read(FileStorage(str(folder)), INDEX_NAME, schema=make_schema())
    live = {seg.segment_id() for seg in toc.segments} | set(keep)
    out = []
    for path in folder.iterdir():
        name = path.name
        current_toc = name == _toc_name(toc.generation)
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


def outdated(ix) -> list[str]:
    """What the index lacks that this version needs (user-facing; [] when it is current)."""
    return schema_problems(ix.schema, make_schema())


def segmenter(ix, replace: bool = False) -> str:
    """The segmenter a write to ``ix`` cuts words with: the index's own, or for a ``replace``
    (a rebuild) the preferred one (indexer.text.segmenters)."""
    return segmenters.preferred() if replace else segmenter_of(ix.schema)


def _toc_name(generation: int) -> str:
    return f"_{INDEX_NAME}_{generation}.toc"       # Whoosh's name for a generation's table of contents


def commit_stamp(index_dir: Path, generation: int) -> tuple[int, int] | None:
    """What tells this commit of ``generation`` from another of the same number (a folder deleted
    and indexed again restarts its generations); None when that generation is gone."""
    try:
        toc = os.stat(Path(index_dir) / _toc_name(generation))
    except OSError:
        return None
    return toc.st_ino, toc.st_mtime_ns


def latest_generation(ix) -> int:
    """The generation of the index's latest commit (from the names of its files; nothing read)."""
    return ix.latest_generation()


def missing_file(exc: BaseException, index_dir: Path) -> str | None:
    """The name of the index's own file whose absence ``exc`` reports (a damaged index: a file
    deleted by hand, or lost to the disk), or None for any other error."""
    name = getattr(exc, "filename", None)
    if not isinstance(exc, FileNotFoundError) or not name:
        return None
    path = Path(name)
    return path.name if path.parent.resolve() == Path(index_dir).resolve() else None


def damaged(exc: BaseException, index_dir: Path) -> IndexDamaged | None:
    """What to raise instead of ``exc`` when it says the index lacks one of its files (user-facing);
    None for any other error."""
    name = missing_file(exc, index_dir)
    if name is None:
        return None
    return IndexDamaged(f"索引已损坏：缺少文件 {name}。请运行 reportsearch index --rebuild 重建索引"
                        f"（语料不受影响；也可以删除索引目录 {index_dir} 后重新运行 reportsearch index）")


def snapshot(ix) -> tuple[int, dict[str, str]]:
    """The committed generation and its manifest ({source path: content hash}), read together."""
    with ix.reader() as reader:
        return reader.generation(), manifest(reader)


def stored_paragraphs(ix, sources: list[str] | None = None) -> list[dict]:
    """The stored fields of every paragraph of the committed index, or of the files ``sources``."""
    with ix.searcher() as searcher:
        if sources is None:
            docs = searcher.all_stored_fields()
        else:
            docs = (d for s in sources for d in searcher.documents(source=s))
        return [d for d in docs if d.get("id")]


def paragraph_counts(ix, sources: list[str]) -> tuple[int, int]:
    """(reports, paragraphs) of the files ``sources`` in the committed index."""
    reports, paragraphs = set(), 0
    with ix.searcher() as searcher:
        for source in sources:
            for docnum in searcher.document_numbers(source=source):
                report = searcher.stored_fields(docnum).get("report_id")
                if report:                  # a file that could not be read has a marker, no paragraph
                    reports.add(report)
                    paragraphs += 1
    return len(reports), paragraphs


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
