"""How far a long indexing run is, and how long it still needs, on stderr.

Counted in bytes, not files: one large file weighs what it holds, and the indexer advances the
count paragraph by paragraph inside a file, so the estimate moves during a long file too. At a
terminal it is a bar redrawn in place; in a log (stderr not a terminal, or a server that called
``log_lines()``) it is a line every LOG_EVERY seconds. Runs shorter than QUIET seconds show
nothing.
"""
from __future__ import annotations

import sys
import time

QUIET = 2.0          # seconds before anything is shown
LOG_EVERY = 5.0      # seconds between two log lines
REDRAW_EVERY = 0.2   # seconds between two redraws of the bar
_as_lines = False


def log_lines(on: bool = True) -> None:
    """For this process (a server), report progress as log lines even when stderr is a terminal."""
    global _as_lines
    _as_lines = on


def size(n: float) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} KB"


BYTES = "bytes"


def duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} 秒"
    if seconds < 3600:
        return f"{seconds // 60} 分 {seconds % 60} 秒"
    return f"{seconds // 3600} 小时 {seconds % 3600 // 60} 分"


class Progress:
    """``advance(n)`` as work is done, ``close()`` at the end; ``unit`` BYTES, or a word for
    counted things ("个文件")."""

    def __init__(self, total: int, label: str = "索引中", stream=None, lines: bool | None = None,
                 clock=time.monotonic, unit: str = "个文件"):
        self.total, self.label, self.done, self.unit = max(int(total), 0), label, 0, unit
        self.stream = stream or sys.stderr
        tty = getattr(self.stream, "isatty", lambda: False)()
        self.lines = (_as_lines or not tty) if lines is None else lines
        self.every = LOG_EVERY if self.lines else REDRAW_EVERY
        self.clock = clock
        self.started = self._shown_at = clock()
        self.shown = False

    def advance(self, n: float = 1) -> None:
        self.done = min(self.total, self.done + n)
        now = self.clock()
        if now - self.started < QUIET or now - self._shown_at < (self.every if self.shown or self.lines else 0):
            return
        self._shown_at, self.shown = now, True
        if self.lines:
            self.stream.write(self.describe(now) + "\n")
        else:
            self.stream.write("\r" + self.bar(now) + " " * 4)
        self.stream.flush()

    def left(self, now: float) -> float | None:
        """Seconds still needed at the pace so far (None until there is a pace to go by)."""
        elapsed = now - self.started
        if self.done <= 0 or elapsed <= 0:
            return None
        return elapsed * (self.total - self.done) / self.done

    def _share(self) -> int:
        return int(100 * self.done / self.total) if self.total else 100

    def _left(self, now: float) -> str:
        left = self.left(now)
        return "预计还需 " + (duration(left) if left is not None else "（估算中）")

    def _amount(self, n: float) -> str:
        return size(n) if self.unit == BYTES else f"{int(n)}"

    def _of(self) -> str:
        unit = "" if self.unit == BYTES else f" {self.unit}"
        return f"{self._amount(self.done)} / {self._amount(self.total)}{unit}"

    def describe(self, now: float) -> str:
        return f"{self.label}：{self._share()}%（{self._of()}），已用 {duration(now - self.started)}，{self._left(now)}"

    def bar(self, now: float, width: int = 24) -> str:
        filled = int(width * self._share() / 100)
        return f"{self.label} [{'#' * filled}{'.' * (width - filled)}] {self._share()}% {self._of()}，{self._left(now)}"

    def close(self) -> None:
        if not self.shown:
            return
        spent = duration(self.clock() - self.started)
        if self.lines:
            self.stream.write(f"{self.label}：完成（{self._amount(self.total)}{'' if self.unit == BYTES else ' ' + self.unit}），用时 {spent}\n")
        else:
            self.stream.write("\r" + self.bar(self.clock()) + " " * 4 + "\n")
        self.stream.flush()
