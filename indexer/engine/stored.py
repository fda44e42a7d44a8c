"""A segment's stored paragraphs, opened from its column file once and read by every view.

Its place in the flow query → parse → search → highlight → results: inside the engine, under the
index view's stored fields (the page's paragraphs, ties put in order, the exact tier confirmed on
the text). Whoosh's reader of the stored column loads two arrays when it opens, each paragraph's
length and offset (6 to 8 bytes a paragraph), and a server thread's view has its own: at a million
paragraphs that was 6.6 MB for each of the eight threads. Here the column file is opened once per
segment: both arrays are numpy views of a read-only mapping of the file (nothing on the heap,
shared by the threads and by any process serving the same index), and a paragraph's bytes are read
with pread on a descriptor the column keeps (indexer.engine.fileread). Reading them through the
mapping too made every page of text ever read count in each server process's resident memory:
at a million paragraphs, after ten varied queries, about 300 MB a process (issue: archive scale).
Read with pread, the same pages stay in the kernel's file cache, which the kernel gives back when
it needs the room. The descriptor and the mapping outlive the file's name (POSIX), so a view opened before
a commit deleted the file still reads it.

A segment's stored column never changes once written, and segments' ids are never reused, so a
column is kept by segment id for as long as some view holds it (views hold it strongly, the
cache weakly). Beneath Whoosh's public layer: the layout is W3's ``CompressedBytesColumn``
wrapped by a ``PickleColumn``.
"""
from __future__ import annotations

import mmap
import os
import threading
import weakref
import zlib
from pickle import loads

import numpy as np

from indexer.engine import fileread

_OFFSETS_WRITTEN = ord("X")     # the column's last byte when the offsets array is there too

_shared: "weakref.WeakValueDictionary[tuple, StoredColumn]" = weakref.WeakValueDictionary()
_lock = threading.Lock()


def layout(data, doccount: int) -> tuple[np.ndarray, np.ndarray]:
    """(each document's offset, its length) in the bytes of a W3 variable-bytes column holding
    ``doccount`` documents: arrays that are views of ``data`` (the offsets computed from the
    lengths when the column has no offsets array: a column of at most 32,768 documents)."""
    view = memoryview(data)
    last = len(view) - 1
    if view[last] == _OFFSETS_WRITTEN:
        lengths_code, offsets_code = chr(view[last - 2]), chr(view[last - 1])
        offsets_type = np.dtype(offsets_code).newbyteorder(">")
        offsets_at = last - 2 - doccount * offsets_type.itemsize
        offsets = np.frombuffer(data, dtype=offsets_type, count=doccount, offset=offsets_at)
        end = offsets_at
    else:
        lengths_code, offsets, end = chr(view[last]), None, last
    lengths_type = np.dtype(lengths_code).newbyteorder(">")
    lengths = np.frombuffer(data, dtype=lengths_type, count=doccount, offset=end - doccount * lengths_type.itemsize)
    if offsets is None:
        offsets = np.zeros(doccount, dtype=np.int64)
        np.cumsum(lengths[:-1], out=offsets[1:])
    return offsets, lengths


class StoredColumn:
    """docnum → the stored fields (a dict, or None for a document stored without any), as
    Whoosh's reader of the column gives them, from the open file descriptor ``fd`` (the column
    owns it: closed when the column is collected)."""

    def __init__(self, fd: int, doccount: int):
        self._fd = fd
        weakref.finalize(self, os.close, fd)
        self._map = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
        self._offsets, self._lengths = layout(self._map, doccount)

    def __getitem__(self, docnum: int):
        length = int(self._lengths[docnum])
        if not length:
            return None
        offset = int(self._offsets[docnum])
        raw = zlib.decompress(fileread.read_at(self._fd, offset, length))
        return loads(raw) if raw else None

    def __len__(self) -> int:
        return len(self._lengths)


def shared(segment_id: str, colfile, length: int, doccount: int) -> StoredColumn | None:
    """The stored column of segment ``segment_id``, opened from the open column file ``colfile``
    (Whoosh's StructFile over a real file of ``length`` bytes) unless a view already opened the
    same file; None when it cannot be mapped (not a real file, an empty one, another length), and
    the caller reads it as Whoosh does."""
    try:
        fileno = colfile.file.fileno()
        status = os.fstat(fileno)
    except (AttributeError, OSError, ValueError):
        return None
    if status.st_size != length or length == 0:
        return None
    key = (segment_id, status.st_dev, status.st_ino)     # a copied index folder maps its own files
    with _lock:
        column = _shared.get(key)
        if column is None:
            try:
                fd = os.dup(fileno)
            except OSError:
                return None
            try:
                column = StoredColumn(fd, doccount)
            except (OSError, ValueError):        # the column, collected, closes fd
                return None
            _shared[key] = column
        return column
