"""Which worker process accepts the next connection (webapp.workers).

The workers poll one listening socket, and the kernel wakes them all; the first to call accept()
takes the connection. When 8 clients connect at once that is often the same worker for all 8 (the
other is not scheduled in time on a busy machine), and with kept-alive connections one worker then
serves every client all along while the other idles: measured at 100,000 paragraphs, the busiest
worker did 0.63–1.00 of the work (docs/scaling.md, "多个服务进程").

So each worker publishes, in a page shared by all (a shared mapping of an unnamed file, made
before the fork; a replacement started afresh maps it from the descriptor it inherits),
how many connections it holds open and when its I/O loop last ran; a worker that holds more than
the least loaded live worker stops listening until that one catches up. A worker whose loop has not
run for STALE seconds (stuck, or dead and not yet replaced) is not waited for; waitress's loop wakes
at least every second, so a worker that stepped back looks again within that time.
"""
from __future__ import annotations

import mmap
import os
import tempfile
import time

STALE = 2.0        # seconds without a loop turn: that worker is not counted
SLOT = 2           # doubles per worker: open connections, time of the last loop turn


class Balance:
    def __init__(self, workers: int, fd: int | None = None):
        """A new page for ``workers``, or (``fd``) the page another process made."""
        self.workers = workers
        size = max(mmap.PAGESIZE, workers * SLOT * 8)
        if fd is None:
            self._file = tempfile.TemporaryFile()
            os.ftruncate(self._file.fileno(), size)
            fd = self._file.fileno()
        self.fd = fd
        self._page = mmap.mmap(fd, size)
        self._cells = memoryview(self._page).cast("d")

    def publish(self, slot: int, open_connections: int, now: float) -> None:
        self._cells[slot * SLOT] = open_connections
        self._cells[slot * SLOT + 1] = now

    def forget(self, slot: int) -> None:
        """A worker that died: not waited for, even before its last loop turn is STALE."""
        self.publish(slot, 0, 0.0)

    def behind(self, slot: int, now: float) -> bool:
        """True unless another live worker holds fewer open connections than this one."""
        mine = self._cells[slot * SLOT]
        for other in range(self.workers):
            if other != slot and now - self._cells[other * SLOT + 1] < STALE and self._cells[other * SLOT] < mine:
                return False
        return True

    def gate(self, server, slot: int) -> None:
        """Make a waitress server listen only while it is not ahead of the others."""
        listening = server.readable           # waitress's own: False past its connection limit

        def readable() -> bool:
            now = time.monotonic()
            self.publish(slot, len(server.active_channels), now)
            return listening() and self.behind(slot, now)

        server.readable = readable
        self.publish(slot, 0, time.monotonic())
