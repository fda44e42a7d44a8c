"""How many malloc arenas the server process may use: a process-wide setting made when the app is created.

glibc gives each thread that allocates its own arena, and an arena keeps the memory its thread
freed (fragments of the decoded blocks, sets and arrays a search makes and drops) for that thread
to reuse. Searches run one at a time (webapp.budget), yet each of the eight server threads kept its
own arena: at 1,000,000 paragraphs the server's memory after the benchmark's queries was about 100
MB higher with eight threads than with the threads sharing two arenas (MALLOC_ARENA_MAX=2; same
queries, same results). The interpreter lock already serialises most allocation, so sharing costs
little.

And glibc serves a large block from its own mapping, returned when freed, only above a threshold
that it raises to the size of each such block freed, up to 32 MB: after a search's first large
arrays, later ones came from the heap, and the heap kept their space. Fixing the threshold at
MAPPED keeps large blocks out of the heap: at 1,000,000 paragraphs the two server processes held
420 MB after the benchmark's queries, 332 MB with the threshold fixed (256 KB: 330, 4 MB: 358), with
latencies within the noise of the same runs (docs/performance.md). Elsewhere than glibc this does
nothing.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import sys

ARENAS = 2
MAPPED = 1024 * 1024          # bytes: a block this large or larger gets a mapping of its own
_M_ARENA_MAX = -8             # glibc's mallopt parameter numbers (malloc.h)
_M_MMAP_THRESHOLD = -3


def limit(arenas: int = ARENAS, mapped: int = MAPPED) -> bool:
    """Let the process's threads share at most ``arenas`` malloc arenas, and give every block of
    ``mapped`` bytes or more a mapping of its own (glibc); True if set."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):      # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return mallopt(_M_ARENA_MAX, arenas) == 1 and mallopt(_M_MMAP_THRESHOLD, mapped) == 1
