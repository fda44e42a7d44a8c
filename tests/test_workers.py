"""`reportsearch serve --workers 2`: real server processes on 127.0.0.1 sharing one socket (the
parent serves as one worker, a forked child as the other).

Which worker answers a connection is read from /proc (the process that holds the server end of
that TCP connection), so these tests run where there is fork and /proc (Linux).
"""
from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from indexer.update import update_index
from subprocesses import ENV, ROOT, alive, children, free_port, start_server, stop
from webapp.balance import STALE, Balance
from webapp.workers import Child, Supervisor, default_workers

pytestmark = pytest.mark.skipif(not (hasattr(os, "fork") and Path("/proc/net/tcp").exists()),
                                reason="needs fork and Linux /proc")

REPORT_A = "甲县土地流转工作情况汇报\n一、基本情况\n甲县建立了土地流转服务中心，全县流转土地三万亩，农民增收明显。\n"
REPORT_B = "乙镇留守儿童关爱工作汇报\n乙镇为全镇留守儿童建立了成长档案，每周开展一次关爱活动。\n"


def owner(conn: http.client.HTTPConnection, server_port: int, pids: set[int]) -> int | None:
    """The process among ``pids`` that holds the server end of this client connection."""
    client_port = conn.sock.getsockname()[1]
    inode = None
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            cols = line.split()
            local, remote = int(cols[1].split(":")[1], 16), int(cols[2].split(":")[1], 16)
            if (local, remote) == (server_port, client_port):
                inode = cols[9]
    for pid in pids:
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                if os.readlink(f"/proc/{pid}/fd/{fd}") == f"socket:[{inode}]":
                    return pid
        except OSError:
            continue
    return None


def ask(conn: http.client.HTTPConnection, q: str) -> tuple[int, dict]:
    conn.request("GET", "/api/search?" + urllib.parse.urlencode({"q": q}))
    response = conn.getresponse()
    return response.status, json.loads(response.read())


def wait_for(check, seconds: float = 20.0) -> bool:
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        if check():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture()
def small_index(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "a.txt").write_text(REPORT_A, encoding="utf-8")
    update_index(index, corpus)
    return corpus, index


def test_default_is_two_workers_on_two_cores_and_one_on_one():
    assert default_workers(cores=1) == 1
    assert default_workers(cores=2) == 2
    assert default_workers(cores=16) == 2


def test_a_worker_ahead_of_a_live_one_steps_back():
    balance = Balance(3)
    for slot in range(3):
        balance.publish(slot, 0, now=100.0)
    assert all(balance.behind(slot, now=100.0) for slot in range(3))      # even: every one listens
    balance.publish(0, 1, now=100.0)
    assert not balance.behind(0, now=100.0) and balance.behind(1, now=100.0)
    balance.publish(1, 1, now=100.0)
    balance.publish(2, 2, now=100.0)
    assert balance.behind(0, now=100.0) and balance.behind(1, now=100.0) and not balance.behind(2, now=100.0)
    # slots 0 and 1 stop turning their loops (stuck, or dead and not yet replaced): not waited for
    balance.publish(2, 2, now=100.0 + STALE)
    assert balance.behind(2, now=100.0 + STALE)


def test_a_fresh_process_sees_the_page_through_its_descriptor_and_a_dead_worker_is_forgotten():
    made = Balance(2)
    attached = Balance(2, fd=made.fd)                   # as webapp.replacement maps it
    made.publish(0, 3, now=100.0)
    attached.publish(1, 1, now=100.0)
    assert not made.behind(0, now=100.0)                # slot 1 holds fewer: slot 0 waits
    made.forget(1)                                      # slot 1 died: not waited for at once
    assert made.behind(0, now=100.0) and attached.behind(0, now=100.0)


def test_eight_clients_at_once_are_split_between_the_workers(tmp_path, small_index):
    """Kept-alive connections opened together: each worker holds some (without webapp.balance the
    first worker to wake often took all eight)."""
    _, index = small_index
    proc, port = start_server(index, tmp_path / "serve.log", "--workers", "2")
    connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(8)]
    try:
        assert wait_for(lambda: len(children(proc.pid)) == 1)
        workers = children(proc.pid) | {proc.pid}
        # Both workers in their loops before the burst: a worker forked but not yet serving has
        # published no loop turn and is rightly passed over (as a stuck one would be).
        assert both_serving(port, workers)
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(8) as pool:
            assert all(status == 200 for status, _ in pool.map(lambda c: ask(c, "土地流转"), connections))
        owners = [owner(conn, port, workers) for conn in connections]
        assert min(owners.count(pid) for pid in workers) >= 3, owners
    finally:
        for conn in connections:
            conn.close()
        stop(proc)


def both_serving(port: int, workers: set[int], seconds: float = 30.0) -> bool:
    """Ask on new connections, one at a time, until every worker has answered one (a worker
    still starting takes none)."""
    seen, until = set(), time.monotonic() + seconds
    while time.monotonic() < until:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            status, _ = ask(conn, "留守儿童")
            seen.add(owner(conn, port, workers))
        finally:
            conn.close()
        if status != 200 or seen >= workers:
            break
        time.sleep(0.02)
    time.sleep(0.5)             # the closed connections leave the workers' published counts
    return seen >= workers


def test_every_worker_sees_a_reindex(tmp_path, small_index):
    corpus, index = small_index
    proc, port = start_server(index, tmp_path / "serve.log", "--workers", "2", "--corpus", str(corpus))
    connections = []
    try:
        assert wait_for(lambda: len(children(proc.pid)) == 1)
        workers = children(proc.pid) | {proc.pid}
        held: dict[int, http.client.HTTPConnection] = {}       # a kept-alive connection to each worker
        for _ in range(60):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connections.append(conn)
            status, data = ask(conn, "留守儿童")
            assert status == 200 and data["total"] == 0
            held.setdefault(owner(conn, port, workers), conn)
            if set(held) >= workers:
                break
        assert set(held) >= workers, f"connections reached only {set(held)} of {workers}"
        status, data = ask(held[min(workers)], '"')
        assert status == 400 and "没有可检索的文字" in data["error"]["message"]

        (corpus / "b.txt").write_text(REPORT_B, encoding="utf-8")
        update_index(index, corpus)
        # Committed before these requests: every worker answers from the new index at once, not
        # within its next refresh (a permalink copied from one worker's page must open on the other).
        for pid in workers:
            conn = held[pid]
            status, data = ask(conn, "留守儿童")
            assert data["total"] == 1, f"worker {pid} answered from the old index"
            assert data["results"][0]["title"] == "乙镇留守儿童关爱工作汇报"
            assert owner(conn, port, workers) == pid          # still the same worker's connection
        assert children(proc.pid) | {proc.pid} == workers     # none died on the way
    finally:
        for conn in connections:
            conn.close()
        stop(proc)
    assert "Traceback" not in (tmp_path / "serve.log").read_text(errors="replace")


def test_a_worker_that_dies_is_replaced(tmp_path, small_index):
    """The replacement is a fresh process (the parent has threads by then: no fork of it), it
    serves the socket beside the parent, and it sees the index as it is now."""
    corpus, index = small_index
    proc, port = start_server(index, tmp_path / "serve.log", "--workers", "2")
    try:
        assert wait_for(lambda: len(children(proc.pid)) == 1)
        victim, = children(proc.pid)
        os.kill(victim, signal.SIGKILL)
        now: set[int] = set()
        # One look at a time: a killed process is listed while it exits, then as a zombie (not listed).
        assert wait_for(lambda: len(now := children(proc.pid)) == 1 and victim not in now)
        fresh, = children(proc.pid)
        with open(f"/proc/{fresh}/cmdline", "rb") as f:
            assert b"webapp.replacement" in f.read()
        (corpus / "b.txt").write_text(REPORT_B, encoding="utf-8")
        update_index(index, corpus)
        assert both_serving(port, {proc.pid, fresh})
        for _ in range(6):                                    # fresh connections, either worker
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            assert ask(conn, "土地流转")[1]["total"] == 1
            assert ask(conn, "留守儿童")[1]["total"] == 1
            conn.close()
    finally:
        stop(proc)
    assert proc.returncode == 0
    log = (tmp_path / "serve.log").read_text()
    assert f"服务进程 {victim} 意外退出（信号 9），正在重新启动" in log
    assert "Traceback" not in log


def test_a_child_that_cannot_start_is_not_restarted_forever():
    lines, gave_up = [], threading.Event()
    supervisor = Supervisor([Child(argv=[sys.executable, "-c", "raise SystemExit(3)"])], lines.append,
                            give_up=gave_up.set)
    supervisor.start()
    try:
        assert gave_up.wait(60)
    finally:
        supervisor.stop_all()
    assert supervisor.failure == "服务进程连续 5 次启动后很快退出，已停止服务（原因见上面的信息）"
    assert len(lines) == 5 and all("意外退出（退出码 3），正在重新启动" in line for line in lines), lines


def _serve_in_own_group(index: Path, log: Path) -> tuple[subprocess.Popen, int]:
    """The server as a terminal starts it: leader of its own process group (Ctrl+C reaches all of it)."""
    port = free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "indexer", "serve", "--index", str(index), "--port", str(port),
                                 "--workers", "2"], cwd=ROOT, env=ENV, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    assert wait_for(lambda: len(children(proc.pid)) == 1, 60), log.read_text()
    assert wait_for(lambda: _answers(port), 60), log.read_text()
    return proc, port


def _answers(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        ok = ask(conn, "土地流转")[0] == 200
        conn.close()
        return ok
    except OSError:
        return False


def test_ctrl_c_stops_every_process(tmp_path, small_index):
    _, index = small_index
    proc, port = _serve_in_own_group(index, tmp_path / "serve.log")
    workers = children(proc.pid) | {proc.pid}
    try:
        os.killpg(proc.pid, signal.SIGINT)                    # what Ctrl+C sends: the whole group
        assert proc.wait(15) == 130
    finally:
        stop(proc)
    assert not [pid for pid in workers if alive(pid)]
    assert "已中断" in (tmp_path / "serve.log").read_text()
    assert not _answers(port)


def test_workers_end_when_the_server_is_killed(tmp_path, small_index):
    _, index = small_index
    proc, port = _serve_in_own_group(index, tmp_path / "serve.log")
    workers = children(proc.pid)
    try:
        proc.kill()                                           # no chance to stop them itself
        proc.wait(10)
        assert wait_for(lambda: not [pid for pid in workers if alive(pid)], 10), "orphaned workers kept running"
    finally:
        for pid in workers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
    assert not _answers(port)


def test_a_negative_count_is_one_chinese_line(tmp_path):
    out = subprocess.run([sys.executable, "-m", "indexer", "serve", "--index", str(tmp_path / "none"), "--workers", "-1",
                          "--port", str(free_port())], cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=60)
    assert out.returncode == 1
    assert out.stderr.strip() == ("reportsearch: 进程数须为 0（自动）或正整数，而不是 -1"
                                  "（--workers 或环境变量 REPORTSEARCH_WORKERS）")
    assert not (tmp_path / "none").exists()


def test_threads_per_process_unless_asked():
    from indexer.cli import serve_threads
    assert serve_threads(0, workers=1) == 4
    assert serve_threads(0, workers=2) == 3        # a lane each and one for a request while both are busy
    assert serve_threads(0, workers=3) == 3
    assert serve_threads(5, workers=2) == 5
