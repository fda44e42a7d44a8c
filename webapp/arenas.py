"""How many malloc arenas the server process may use: a process-wide setting made when the app is created.

glibc gives each thread that allocates its own arena, and an arena keeps the memory its thread
freed (fragments of the decoded blocks, sets and arrays a search makes and drops) for that thread
to reuse. Searches run one at a time (webapp.budget), yet each of the eight server threads kept its
own arena: at 1,000,000 paragraphs the server's memory after the benchmark's queries was about 100
MB higher with eight threads than with the threads sharing two arenas (MALLOC_ARENA_MAX=2; same
queries, same results). The interpreter lock already serialises most allocation, so sharing costs
little. Elsewhere than glibc this does nothing.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import sys

ARENAS = 2
_M_ARENA_MAX = -8             # glibc's mallopt parameter number (malloc.h)


def limit(arenas: int = ARENAS) -> bool:
    """Let the process's threads share at most ``arenas`` malloc arenas (glibc); True if set."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):      # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return mallopt(_M_ARENA_MAX, arenas) == 1
