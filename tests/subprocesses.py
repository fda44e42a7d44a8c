"""Running the real command in tests: the repo on PYTHONPATH, free ports, a served index."""
from __future__ import annotations

import os
import signal
import importlib.util
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Subprocesses import this checkout, whatever else is installed.
ENV = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))


def alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie does not): Linux, from /proc."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def parents() -> dict[int, int]:
    """{pid: its parent's pid} of every process that runs (zombies left out): Linux, from /proc."""
    out = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    state, parent = f.read().rsplit(")", 1)[1].split()[:2]
            except (OSError, ValueError):
                continue
            if state != "Z":
                out[int(entry)] = int(parent)
    return out


def children(pid: int) -> set[int]:
    return {child for child, parent in parents().items() if parent == pid}


def descendants(pid: int) -> set[int]:
    """Its children, theirs, and so on."""
    tree, found, frontier = parents(), set(), {pid}
    while frontier:
        frontier = {child for child, parent in tree.items() if parent in frontier}
        found |= frontier
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(index: Path, log: Path, *args: str, env: dict | None = None, cwd: Path = ROOT,
                 timeout: float = 60) -> tuple[subprocess.Popen, int]:
    """`reportsearch serve` on a free port of 127.0.0.1, once it accepts connections."""
    port = free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "indexer", "serve", "--index", str(index), "--port", str(port),
                                 *args], cwd=cwd, env=env or ENV, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc, port
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                stop(proc)
                raise AssertionError(f"server did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.1)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def reliability_bench():
    """bench/reliability.py as a module: the hostile files and small disks it makes serve the tests too."""
    spec = importlib.util.spec_from_file_location("reliability", ROOT / "bench" / "reliability.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
