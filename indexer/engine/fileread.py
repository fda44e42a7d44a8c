"""Bytes at an offset of an open file, read with ``os.pread``: how the engine reads stored text and
long posting lists. Read through a mapping, every page a server had read stayed in its resident
memory for as long as it ran (docs/scaling.md, round twenty-six); read so, the pages are the kernel's
file cache, shared by every process and given back when the room is needed.
"""
from __future__ import annotations

import os
import threading

_pread = getattr(os, "pread", None)
_lock = threading.Lock()


def read_at(fd: int, offset: int, length: int) -> bytes:
    """``length`` bytes of the file open as ``fd`` from ``offset`` (fewer at its end)."""
    if _pread is not None:
        return _pread(fd, length, offset)
    with _lock:                             # no pread (Windows): seek and read, one thread at a time
        os.lseek(fd, offset, os.SEEK_SET)
        return os.read(fd, length)
