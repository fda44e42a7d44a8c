"""Long posting lists written decoded beside their segment, and read as written.

Its place in the flow: the index step writes them with each segment (indexer.engine.writer);
query → parse → search reads them, under the sets of matches and the exact top k (through
indexer.engine.kept). Reading a long list from Whoosh's blocks is a zlib and a pickle call per
128 postings; at a million paragraphs a long topic needs dozens of such lists in several fields,
more than a process can keep decoded (kept.BUDGET), so they were decoded again for every query.
Written once as the arrays the search uses (postings.PostingList: about 5 bytes a posting), a
list is read without decoding: one ``pread``, a copy from the page cache every server process
shares, each time it is needed (not kept: a million paragraphs' lists do not fit a budget, and
kept within 32 MB they made the bench's mix a few ms quicker at p95, for 32 MB more a process).
The file was read through a mapping at first: every list a server had read then stayed in its
resident memory (a million paragraphs, after two hundred varied queries: 387 MB over its two
processes).

One file a segment, named like the segment's own files (Whoosh deletes it with the segment):
the arrays, each 8-byte aligned, then the pickled directory (which term's list is where), then the
directory's offset and a magic string. The directory is a few arrays (_Directory): as a dict of
tuples, as files of the first version hold it, loading it took 15 ms a segment, 0.2 s of a server's
start at 1,000,000 paragraphs. A file that is missing, short or otherwise unreadable is not used:
the lists are then decoded from the blocks as before.
"""
from __future__ import annotations

import os
import pickle
import struct
import threading
import weakref

import numpy as np

from indexer.engine import fileread, postings

SUFFIX = ".lists"
_MAGIC = b"RSLISTS2"
_MAGIC_DICT = b"RSLISTS1"               # the first version's files: the directory a dict
_TRAILER = struct.Struct("<Q8s")        # the directory's offset, the magic
_ALIGN = 8
_OPEN = 64                              # segments whose files are held open at most


class ListsWriter:
    """Collects a segment's long lists as the segment is written, into ``segment``'s file."""

    def __init__(self, storage, segment, blocklimit: int):
        self._storage, self._segment, self._limit = storage, segment, blocklimit
        self._file = None
        self._at = 0
        self._directory: dict[tuple[str, bytes], tuple] = {}

    def add(self, fieldname: str, btext: bytes, ids, weights) -> None:
        """One term's list: ``ids`` ascending docnums, ``weights`` the float32 weights W3 stores."""
        ids = np.asarray(ids, dtype=np.int64)
        weights = np.asarray(weights, dtype=np.float32)
        ends = np.minimum(np.arange(self._limit, len(ids) + self._limit, self._limit, dtype=np.int64), len(ids))
        starts = ends - np.diff(ends, prepend=0)
        # What a block header holds (its last id and top weight), as the block writers compute them.
        maxweights = np.maximum(np.maximum.reduceat(weights, starts).astype(np.float64), 0.0)
        plist = postings._made(ids, weights.astype(np.float64), ends, ids[ends - 1], maxweights)
        self._directory[(fieldname, btext)] = tuple(self._write(a) for a in plist)

    def _write(self, a: np.ndarray | None):
        if a is None:
            return None
        if self._file is None:
            self._file = self._storage.create_file(self._segment.make_filename(SUFFIX))
        data = np.ascontiguousarray(a).tobytes()
        data += b"\0" * (-len(data) % _ALIGN)
        where, self._at = self._at, self._at + len(data)
        self._file.write(data)
        return a.dtype.str, where, len(a)

    def close(self) -> None:
        """Write the directory and close the file (no file when no list was long)."""
        if self._file is None:
            return
        directory = pickle.dumps(_Directory.packed(self._directory), protocol=pickle.HIGHEST_PROTOCOL)
        self._file.write(directory + _TRAILER.pack(self._at, _MAGIC))
        self._file.close()
        self._file = None


class _Directory:
    """(field, term bytes) → the (dtype, offset, length) of each of its list's arrays (None for
    an array it has not), kept as arrays: the fields, the dtypes, each list's field number, its
    term's end in the joined terms, and a table (lists × arrays × [dtype number, offset, length],
    -1 for none)."""

    def __init__(self, fields, dtypes, field_numbers, terms: bytes, term_ends, table):
        ends = term_ends.tolist()
        names = [fields[i] for i in field_numbers.tolist()]
        self._rows = dict(zip(zip(names, [terms[a:b] for a, b in zip([0] + ends[:-1], ends)]), range(len(ends))))
        self._dtypes, self._table = dtypes, table

    @staticmethod
    def packed(directory: dict) -> tuple:
        """What is pickled of ``directory`` (ListsWriter's dict): _Directory's arguments."""
        keys = list(directory)
        fields = sorted({field for field, _ in keys})
        dtypes = sorted({part[0] for parts in directory.values() for part in parts if part is not None})
        width = max((len(parts) for parts in directory.values()), default=0)
        table = np.full((len(keys), width, 3), -1, dtype=np.int64)
        for row, key in enumerate(keys):
            for column, part in enumerate(directory[key]):
                if part is not None:
                    table[row, column] = (dtypes.index(part[0]), part[1], part[2])
        return (fields, dtypes, np.array([fields.index(field) for field, _ in keys], dtype=np.int32),
                b"".join(term for _, term in keys), np.cumsum([len(term) for _, term in keys], dtype=np.int64), table)

    def get(self, key: tuple[str, bytes]):
        row = self._rows.get(key)
        if row is None:
            return None
        return tuple(None if number < 0 else (self._dtypes[number], offset, length)
                     for number, offset, length in self._table[row].tolist())


class _Lists:
    """A segment's file, open: a list's arrays, which lie one after another, are read at once
    (indexer.engine.fileread)."""

    def __init__(self, path: str):
        # Closed when the last reader lets go of it, not by forget(): a thread may be reading.
        self._fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        weakref.finalize(self, os.close, self._fd)
        size = os.fstat(self._fd).st_size
        if size < _TRAILER.size:
            raise ValueError("short")
        at, magic = _TRAILER.unpack(fileread.read_at(self._fd, size - _TRAILER.size, _TRAILER.size))
        if magic not in (_MAGIC, _MAGIC_DICT) or at > size - _TRAILER.size:
            raise ValueError("not a lists file")
        directory = pickle.loads(fileread.read_at(self._fd, at, size - _TRAILER.size - at))
        self._directory = _Directory(*directory) if magic == _MAGIC else directory
        self.path = path

    def get(self, fieldname: str, btext: bytes) -> postings.PostingList | None:
        parts = self._directory.get((fieldname, btext))
        if parts is None:
            return None
        present = [(np.dtype(p[0]), p[1], p[2]) for p in parts if p is not None]
        start = min(offset for _, offset, _ in present)
        end = max(offset + dtype.itemsize * count for dtype, offset, count in present)
        data = fileread.read_at(self._fd, start, end - start)
        return postings.PostingList(*(None if p is None else np.frombuffer(data, np.dtype(p[0]), p[2], p[1] - start)
                                      for p in parts))


_open: dict[str, _Lists | None] = {}
_lock = threading.Lock()


def posting_list(reader, fieldname: str, btext: bytes) -> postings.PostingList | None:
    """The term's list in this segment reader's segment as written decoded (deleted documents
    included, arrays read-only), or None when the segment has no such list or no readable file."""
    segment = reader.segment()
    key = segment.segment_id()
    lists = _open.get(key, False)
    if lists is False:
        lists = _opened(reader, segment)
    return None if lists is None else lists.get(fieldname, btext)


def forget() -> None:
    """Let go of every file (each is closed once no reader holds it, and opened again when next read)."""
    with _lock:
        _open.clear()


def _opened(reader, segment) -> _Lists | None:
    folder = getattr(getattr(reader, "_storage", None), "folder", None)
    lists = None
    if folder is not None:
        path = os.path.join(folder, segment.make_filename(SUFFIX))
        try:
            lists = _Lists(path)
        except (OSError, ValueError, EOFError, pickle.UnpicklingError, TypeError, AttributeError, IndexError):
            lists = None
    with _lock:
        # A reindex makes new segments: let go of files whose segment is gone, then of the oldest,
        # so that a long-running server does not hold deleted files' disk space.
        for old in [k for k, v in _open.items() if v is not None and not os.path.exists(v.path)]:
            del _open[old]
        while len(_open) >= _OPEN:
            del _open[next(iter(_open))]
        _open[segment.segment_id()] = lists
    return lists
