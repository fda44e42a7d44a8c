"""Several server processes on one listening socket (issue: archive scale, concurrency).

A search is CPU-bound Python: the threads of one process share one core (webapp.budget runs the
cheap ones one at a time for that reason), so only a second process puts a second core to work.
The parent binds the socket and warms the app (imports, the dictionary), then forks the workers:
they share those pages copy-on-write, and each serves the one socket with its own waitress. The
kernel wakes every worker polling the socket; the first to call accept() takes the connection,
and a worker busy in a search polls late, so an idle one tends to take it.

The parent only supervises: it restarts a worker that dies, and on SIGINT or SIGTERM stops them
all. A worker ignores SIGINT (Ctrl+C reaches the whole process group; its parent stops it with
SIGTERM) and ends itself when its parent is gone, so no worker outlives the server.
Only where there is fork (not on Windows).
"""
from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import time
from typing import Callable

from indexer.errors import ReportSearchError

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
STOP_SECONDS = 5.0          # then SIGKILL
QUICK_DEATH = 5.0           # a worker that dies this soon after its start is restarted after a pause
QUICK_DEATHS = 5            # in a row: the server gives up (a worker that cannot start at all)


def can_fork() -> bool:
    return hasattr(os, "fork")


def default_workers(cores: int | None = None) -> int:
    """Two processes on a machine with two cores or more, else one (measured on two cores:
    docs/scaling.md, "多个服务进程")."""
    cores = os.cpu_count() if cores is None else cores
    return 2 if can_fork() and (cores or 1) >= 2 else 1


class Stop(Exception):
    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _raise_stop(signum, frame):
    raise Stop(signum)


def _end_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGTERM)


class Supervisor:
    """Runs each of ``targets`` in a forked process and keeps them running until a stop signal.

    ``run`` returns the signal that stopped it; ``log`` receives one line per event."""

    def __init__(self, targets: list[Callable[[], None]], log: Callable[[str], None]):
        self.targets, self.log = targets, log
        self.children: dict[int, tuple[int, float]] = {}     # pid → (its target, when it started)

    def _spawn(self, which: int) -> int:
        parent = os.getpid()
        # No stop signal between fork and the bookkeeping: every child is either recorded or not born.
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            try:
                pid = os.fork()
            except OSError as exc:
                raise ReportSearchError(f"无法启动服务进程：{exc.strerror or exc}") from None
            if pid == 0:
                self._child(self.targets[which], parent)      # never returns
            self.children[pid] = (which, time.monotonic())
            return pid
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)

    def _child(self, target: Callable[[], None], parent: int) -> None:
        code = 1
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
            threading.Thread(target=_end_when_orphaned, args=(parent,), daemon=True).start()
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

    def run(self) -> int:
        previous = {s: signal.signal(s, _raise_stop) for s in STOP_SIGNALS}
        quick = 0
        try:
            for which in range(len(self.targets)):
                self._spawn(which)
            while True:
                pid, status = os.wait()
                if pid not in self.children:
                    continue
                which, started = self.children.pop(pid)
                self.log(f"服务进程 {pid} 意外退出（{_how(status)}），正在重新启动")
                quick = quick + 1 if time.monotonic() - started < QUICK_DEATH else 0
                if quick >= QUICK_DEATHS:
                    raise ReportSearchError(f"服务进程连续 {quick} 次启动后很快退出，已停止服务（原因见上面的信息）")
                if quick:
                    time.sleep(1.0)
                self._spawn(which)
        except Stop as stop:
            return stop.signum
        finally:
            for s in STOP_SIGNALS:
                signal.signal(s, signal.SIG_IGN)     # a second Ctrl+C does not cut the shutdown short
            self.stop_all()
            for s, handler in previous.items():
                signal.signal(s, handler)

    def stop_all(self) -> None:
        for pid in self.children:
            _kill(pid, signal.SIGTERM)
        until = time.monotonic() + STOP_SECONDS
        while self.children and time.monotonic() < until:
            for pid in list(self.children):
                try:
                    done, _ = os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    done = pid
                if done:
                    del self.children[pid]
            time.sleep(0.02)
        for pid in self.children:
            _kill(pid, signal.SIGKILL)
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        self.children.clear()


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
