"""Run a reader that can be made to eat memory or time in a child process, with hard limits.

A PDF page's content is a compressed stream: 179 KB of file inflated to 23.7 GB inside pdfminer,
and a 15 KB one took 5.1 GB, before any limit on pages or text could look at it. Limits on what
the parser produces come too late, so the parser runs in a child process whose address space is
capped (RLIMIT_AS) and whose silence is timed: it reports after every page, and a child that
says nothing for ``PDF_PAGE_SECONDS`` (or works past ``PDF_FILE_SECONDS``) is killed. One child
serves a whole run; it is started again after it is killed.

Where a hard memory limit is not available (Windows), the reader runs in-process, with the
checks the reader makes itself.
"""
from __future__ import annotations

import atexit
import importlib
import os
import socket
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

from indexer.errors import UnreadableFile
from indexer.ingest.readers import limits

HOSTILE = "内容解压后过大/解析超时，可能是恶意文件，已跳过"
_lock = threading.Lock()
_child: "_Child | None" = None


def available() -> bool:
    try:
        import resource  # noqa: F401
    except ImportError:
        return False
    return hasattr(socket, "socketpair") and os.name == "posix"


def call(function: str, data: bytes, kind: str = "PDF"):
    """``function`` ("module:name", taking bytes and a progress callback) applied to ``data`` in
    the child; raises UnreadableFile with the function's reason, or ``kind`` + HOSTILE."""
    if not available():
        module, name = function.split(":")
        return getattr(importlib.import_module(module), name)(data, lambda: None)
    global _child
    with _lock:
        if _child is None or _child.proc.poll() is not None:
            _child = _Child()
        try:
            return _child.call(function, data, kind)
        except BaseException:
            if not _child.healthy:
                _child.stop()
                _child = None
            raise


class _Child:
    def __init__(self):
        mine, theirs = socket.socketpair()
        package_root = str(Path(__file__).resolve().parents[3])
        env = dict(os.environ, PYTHONPATH=package_root + os.pathsep + os.environ.get("PYTHONPATH", ""))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", __name__, str(theirs.fileno()), str(limits.PDF_MEMORY_BYTES)],
            pass_fds=(theirs.fileno(),), env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        theirs.close()
        self.conn = Connection(mine.detach())
        self.healthy = True

    def call(self, function: str, data: bytes, kind: str):
        self.healthy = False
        try:
            self.conn.send((function, data))
        except OSError:
            raise UnreadableFile(f"{kind} {HOSTILE}") from None
        deadline = time.monotonic() + limits.PDF_FILE_SECONDS
        while True:
            wait = min(limits.PDF_PAGE_SECONDS, deadline - time.monotonic())
            try:
                if wait <= 0 or not self.conn.poll(wait):
                    raise UnreadableFile(f"{kind} {HOSTILE}")
                status, value = self.conn.recv()
            except (EOFError, OSError):       # killed by its memory limit, or crashed
                raise UnreadableFile(f"{kind} {HOSTILE}") from None
            if status == "page":
                continue
            if status == "ok":
                self.healthy = True
                return value
            if status == "unreadable":
                self.healthy = True
                raise UnreadableFile(value)
            raise UnreadableFile(f"{kind} {HOSTILE}")       # "memory", "recursion", or a bug

    def stop(self) -> None:
        try:
            self.conn.close()
        except OSError:
            pass
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            pass


@atexit.register
def stop() -> None:
    """End the child process (a new one starts when next needed)."""
    global _child
    with _lock:
        if _child is not None:
            _child.stop()
            _child = None


# --- the child --------------------------------------------------------------------------------

def _serve(fd: int, memory: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    parent = os.getppid()
    threading.Thread(target=_end_when_orphaned, args=(parent,), daemon=True).start()
    conn = Connection(fd)
    while True:
        try:
            function, data = conn.recv()
        except (EOFError, OSError):
            return
        module, name = function.split(":")
        try:
            value = getattr(importlib.import_module(module), name)(data, lambda: conn.send(("page", None)))
            answer = ("ok", value)
        except UnreadableFile as exc:
            answer = ("unreadable", str(exc))
        except MemoryError:
            answer = ("memory", None)
        except RecursionError:
            answer = ("recursion", None)
        except Exception as exc:          # noqa: BLE001 - reported by the parent as a hostile file
            answer = ("error", type(exc).__name__)
        del data
        try:
            conn.send(answer)
        except MemoryError:
            answer = ("memory", None)
            conn.send(answer)
        if answer[0] == "memory":
            return                        # a fresh child for the next file


def _end_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


if __name__ == "__main__":
    _serve(int(sys.argv[1]), int(sys.argv[2]))
