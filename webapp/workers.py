"""Several server processes on one listening socket (issue: archive scale, concurrency).

A search is CPU-bound Python: the threads of one process share one core (webapp.budget runs the
cheap ones one at a time for that reason), so only a second process puts a second core to work.
The parent binds the socket and warms the app (imports, the dictionary), forks the other workers,
then serves too: they share the warmed pages copy-on-write, and each serves the one socket with its
own waitress. The kernel wakes every worker polling the socket; the first to call accept() takes
the connection, and a worker busy in a search polls late, so an idle one tends to take it.

Why the parent serves instead of only supervising: an idle parent holds every warmed page too, so
the server's resident memory summed over its processes counted them three times for two workers
(1,000,000 paragraphs: 564 MB, of which the parent 166).

A thread of the parent supervises: it replaces a child that dies, and on SIGINT or SIGTERM the
parent stops them all. The parent has threads by then, and forking a process with threads copies
whatever locks they hold, so a replacement is a fresh process (``python -m webapp.replacement``)
that builds its own app. A child ignores SIGINT (Ctrl+C reaches the whole process group; its
parent stops it with SIGTERM) and ends itself when its parent is gone, so no child outlives the
server. Only where there is fork (not on Windows).
"""
from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from typing import Callable

from indexer.errors import ReportSearchError

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
STOP_SECONDS = 5.0          # then SIGKILL
QUICK_DEATH = 5.0           # a child that dies this soon after its start is replaced after a pause
QUICK_DEATHS = 5            # in a row: the server gives up (a child that cannot start at all)
LOOK_SECONDS = 0.2          # how often the supervising thread looks for a dead child


def can_fork() -> bool:
    return hasattr(os, "fork")


def default_workers(cores: int | None = None) -> int:
    """Two processes on a machine with two cores or more, else one (measured on two cores:
    docs/scaling.md, "多个服务进程")."""
    cores = os.cpu_count() if cores is None else cores
    return 2 if can_fork() and (cores or 1) >= 2 else 1


class Stop(SystemExit):
    """A stop signal, raised in the main thread: a SystemExit, so waitress's loop ends on it as on
    Ctrl+C (shutting its threads down) and returns."""


def end_when_orphaned(parent: int) -> None:
    """In a child: a thread that ends the process once ``parent`` is gone (killed, crashed)."""
    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, daemon=True).start()


def as_child() -> None:
    """How a child takes signals: SIGINT ignored (its parent stops it), SIGTERM ends it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


@dataclass
class Child:
    """A process the supervisor keeps running: ``first`` runs in a fork at the start (sharing the
    parent's warmed pages); ``argv`` starts it afresh, with ``fds`` inherited, when it has to be
    replaced (or at the start, without ``first``)."""
    argv: list[str]
    first: Callable[[], None] | None = None
    fds: tuple[int, ...] = ()
    ended: Callable[[], None] | None = None      # called when it died, before its replacement starts


class Supervisor:
    """Starts ``children`` and replaces one that dies, until stopped; ``log`` receives one line per
    event. ``failure`` says why it gave up; it then calls ``give_up`` (by default: its own process
    gets SIGTERM, the server stops)."""

    def __init__(self, children: list[Child], log: Callable[[str], None], give_up: Callable[[], None] | None = None):
        self.specs, self.log = children, log
        self.give_up = give_up or (lambda: os.kill(os.getpid(), signal.SIGTERM))
        self.running: dict[int, tuple[int, float, subprocess.Popen | None]] = {}  # pid → (which, start, proc)
        self.failure: str | None = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    def start(self) -> None:
        """Start every child: call before the process starts any thread (they are forked)."""
        for which, spec in enumerate(self.specs):
            if spec.first:
                self._fork(which)
            else:
                self._exec(which)
        threading.Thread(target=self._supervise, daemon=True, name="supervisor").start()

    def _fork(self, which: int) -> None:
        parent = os.getpid()
        # No stop signal between fork and the bookkeeping: every child is either recorded or not born.
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            try:
                pid = os.fork()
            except OSError as exc:
                raise ReportSearchError(f"无法启动服务进程：{exc.strerror or exc}") from None
            if pid == 0:
                _child(self.specs[which].first, parent)      # never returns
            self.running[pid] = (which, time.monotonic(), None)
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)

    def _exec(self, which: int) -> None:
        spec = self.specs[which]
        try:
            proc = subprocess.Popen(spec.argv, pass_fds=spec.fds, env=_importable_env())
        except OSError as exc:
            raise ReportSearchError(f"无法启动服务进程：{exc.strerror or exc}") from None
        self.running[proc.pid] = (which, time.monotonic(), proc)

    def _ended(self) -> list[tuple[int, int, float, int]]:
        """The children that have ended since the last look: (pid, which, started, wait status)."""
        out = []
        for pid, (which, started, proc) in list(self.running.items()):
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done, status = pid, 0
            if done:
                if proc is not None:
                    proc.returncode = os.waitstatus_to_exitcode(status)
                del self.running[pid]
                out.append((pid, which, started, status))
        return out

    def _supervise(self) -> None:
        quick = 0
        while not self._stopping.wait(LOOK_SECONDS):
            with self._lock:
                if self._stopping.is_set():
                    return
                for pid, which, started, status in self._ended():
                    self.log(f"服务进程 {pid} 意外退出（{_how(status)}），正在重新启动")
                    if self.specs[which].ended:
                        self.specs[which].ended()
                    quick = quick + 1 if time.monotonic() - started < QUICK_DEATH else 0
                    if quick >= QUICK_DEATHS:
                        self.failure = f"服务进程连续 {quick} 次启动后很快退出，已停止服务（原因见上面的信息）"
                        return self.give_up()
                    if quick:
                        time.sleep(1.0)
                    try:
                        self._exec(which)
                    except ReportSearchError as exc:
                        self.failure = str(exc)
                        return self.give_up()

    def stop_all(self) -> None:
        self._stopping.set()
        with self._lock:
            for pid in self.running:
                _kill(pid, signal.SIGTERM)
            until = time.monotonic() + STOP_SECONDS
            while self.running and time.monotonic() < until:
                self._ended()
                time.sleep(0.02)
            for pid in self.running:
                _kill(pid, signal.SIGKILL)
                try:
                    os.waitpid(pid, 0)
                except ChildProcessError:
                    pass
            self.running.clear()


def _child(target: Callable[[], None], parent: int) -> None:
    code = 1
    try:
        as_child()
        end_when_orphaned(parent)
        target()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:
        import traceback
        traceback.print_exc()
    finally:
        sys.stderr.flush()
        os._exit(code)           # not the parent's atexit handlers, nor its buffered output


def _importable_env() -> dict:
    """The environment for a fresh child: this process's, with the folder holding these packages
    first on the path, so ``python -m`` finds the same code however the server was started."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.environ.get("PYTHONPATH", "")
    return dict(os.environ, PYTHONPATH=here + (os.pathsep + path if path else ""))


def _kill(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"信号 {os.WTERMSIG(status)}"
    return f"退出码 {os.waitstatus_to_exitcode(status)}"


def share_before_fork() -> None:
    """Move what exists now out of the collector's reach: a collection in a worker would write
    to every object it visits and so copy the parent's pages it shares (Python's gc.freeze docs)."""
    gc.collect()
    gc.freeze()
