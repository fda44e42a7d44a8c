"""The only module that opens Whoosh indexes and writers.

Whoosh's write lock is an OS file lock (fcntl/msvcrt), released by the kernel when a writer
process dies, so a killed indexer leaves no stale lock behind; a second writer waits up to
``lock_timeout`` seconds and then reports IndexBusy.
"""
from __future__ import annotations

import time
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.multiproc import MpWriter

from .errors import IndexBusy, IndexMissing
from .schema import make_schema

INDEX_NAME = "paragraphs"


def exists(index_dir: Path) -> bool:
    return Path(index_dir).is_dir() and whoosh_index.exists_in(str(index_dir), indexname=INDEX_NAME)


def create(index_dir: Path):
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    return FileStorage(str(index_dir)).create_index(make_schema(), indexname=INDEX_NAME)


def open_index(index_dir: Path, create_missing: bool = False):
    if not exists(index_dir):
        if create_missing:
            return create(index_dir)
        raise IndexMissing(f"索引不存在：{index_dir}（请先运行 reportsearch index）")
    return whoosh_index.open_dir(str(index_dir), indexname=INDEX_NAME)


def writer(ix, lock_timeout: float = 30.0, procs: int = 1):
    """A writer that waits for the lock, then says clearly who holds it.

    With procs > 1, documents are analysed and written by that many processes, each into a
    segment of its own (no merge at commit: merging costs as much as the parallel part saves).
    compound=False: readers map segment files instead of copying a compound file into memory
    each time a searcher opens.
    """
    deadline = time.monotonic() + lock_timeout
    while True:
        try:
            if procs > 1:
                return MpWriter(ix, procs=procs, batchsize=256, multisegment=True,
                                subargs={"compound": False, "limitmb": 256}, compound=False)
            return ix.writer(compound=False, limitmb=256)
        except LockError:
            if time.monotonic() >= deadline:
                raise IndexBusy("另一个索引进程正在写入该索引，请稍后再试") from None
            time.sleep(0.2)


def indexed_files(ix) -> dict[str, str]:
    """{source path: content hash} of every file in the committed index."""
    with ix.reader() as reader:
        out = {}
        for term in reader.lexicon("filekey"):
            # Terms of deleted documents stay in the lexicon until their segment is merged.
            if not reader.postings("filekey", term).is_active():
                continue
            path, _, digest = term.decode("utf-8").rpartition("\t")
            out[path] = digest
        return out


def filekey(source: str, digest: str) -> str:
    return f"{source}\t{digest}"
