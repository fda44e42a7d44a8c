"""The write side of the engine: one run's changes to the index, made under its write lock and
committed at once (a run killed half-way leaves the last committed state).

In the flow files → text → clean → reports → paragraphs → analysis → index, this is the index:
``update`` decides what changes, a Batch writes it. Everything of one file carries the file's
``filekey`` (store.filekey: path and content hash), which is what the manifest lists.
"""
from __future__ import annotations

import errno

from whoosh.writing import CLEAR

from indexer.engine import records, store
from indexer.engine.documents import marker_fields, paragraph_fields
from indexer.engine.merging import merge_policy
from indexer.engine.schema import make_schema
from indexer.engine.parallel import WorkerFailed
from indexer.errors import ReportSearchError
from indexer.model import Paragraph


class Batch:
    """Deletions and additions to the index, invisible to readers until ``commit``."""

    def __init__(self, writer, replace: bool):
        self._w = writer
        self._replace = replace

    @property
    def generation(self) -> int:
        """The committed generation these changes build on."""
        return self._w.generation - 1

    def files(self) -> dict[str, str]:
        """{source: content hash} of the files in the generation these changes build on."""
        with self._w.reader() as reader:
            return store.manifest(reader)

    def remove(self, source: str) -> None:
        """Delete a file's paragraphs (or its marker, if it could not be read)."""
        self._w.delete_by_term("source", source)

    def forget(self, source: str, digest: str) -> None:
        """Delete the duplicate-report records of a file as it was indexed (content hash ``digest``);
        its paragraphs carry the same filekey but go with ``remove``."""
        self._w.delete_by_term("filekey", store.filekey(source, digest))

    def add_file(self, source: str, digest: str, paragraphs: list[Paragraph], duplicate_records=()) -> None:
        """Add a file's paragraphs and its dedup.Records, as the file with content hash ``digest``."""
        key = store.filekey(source, digest)
        for record in duplicate_records:
            self._w.add_document(**records.document(record, key))
        for p in paragraphs:
            self._w.add_document(**paragraph_fields(p, key))

    def add_unreadable(self, source: str, digest: str, error: str) -> None:
        """Record that a file could not be indexed, and why."""
        self._w.add_document(**marker_fields(source, store.filekey(source, digest), error))

    def commit(self) -> None:
        # Replacing everything: the old segments are dropped, not merged.
        self._w.commit(mergetype=CLEAR if self._replace else merge_policy)

    def cancel(self) -> None:
        store.cancel(self._w)


def open_batch(ix, replace: bool = False, procs: int = 1, lock_timeout: float = 30.0, on_wait=None,
               standby=None) -> Batch:
    """Changes to ``ix``, once its write lock is ours (store.writer: waits, then IndexBusy).

    ``replace``: the changes replace the whole index, which then takes this version's schema.
    ``procs`` > 1: documents are analysed and written by that many worker processes;
    ``standby`` (engine.standby), by that worker.
    """
    w = store.writer(ix, lock_timeout=lock_timeout, procs=procs, on_wait=on_wait,
                     schema=make_schema() if replace else None, standby=standby)
    return Batch(w, replace)


def write_failure(exc: BaseException) -> ReportSearchError:
    """One line in Chinese for a run that failed while writing; the last committed index stays."""
    kept = "索引未更新，旧索引照常可用"
    if getattr(exc, "nospace", False) or getattr(exc, "errno", None) == errno.ENOSPC \
            or "disk is full" in str(exc) or "No space left" in str(exc):
        return ReportSearchError(f"磁盘空间不足，{kept}；请清理索引所在磁盘后重新运行 reportsearch index")
    if isinstance(exc, WorkerFailed):
        return ReportSearchError(f"{exc}，{kept}；请重新运行 reportsearch index")
    if isinstance(exc, OSError):
        return ReportSearchError(f"写入索引失败（{exc.strerror or type(exc).__name__}），{kept}")
    if isinstance(exc, RecursionError):
        return ReportSearchError(f"写入索引时数据嵌套过深，{kept}")
    if isinstance(exc, MemoryError):
        return ReportSearchError(f"写入索引时内存不足，{kept}")
    return ReportSearchError(f"写入索引失败（程序错误 {type(exc).__name__}），{kept}")
