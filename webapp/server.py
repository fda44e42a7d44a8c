"""Serve the app with waitress, a production WSGI server in pure Python (also on Windows).

Waitress reads each request fully in its own I/O loop before a worker thread sees it, so a slow
or hostile client cannot tie up the `threads` workers; the limits below bound what it reads.
With ``workers`` above one, as many processes serve one socket (webapp.workers), each with
``threads`` threads.
"""
from __future__ import annotations

import os
import socket
import sys
from functools import partial

# Requests are GETs with a short query (the app caps it at 200 characters); there is no upload.
MAX_HEADER_BYTES = 64 * 1024
MAX_BODY_BYTES = 64 * 1024
IDLE_SECONDS = 60
MAX_CONNECTIONS = 200


def run(config: dict, host: str = "127.0.0.1", port: int = 5000, threads: int = 4, workers: int = 1,
        also=None, log=None) -> int:
    """Serve the app built from ``config`` (webapp.create_app) until stopped; returns the signal
    that stopped a multi-process server (0 otherwise). With several workers, ``also`` (if given, a
    webapp.workers.Child) runs in a supervised process of its own beside them (the corpus watcher).
    OSError when host:port cannot be bound; ReportSearchError when the workers cannot be kept up."""
    from . import create_app

    more_open_files()
    app = create_app(config)
    if workers <= 1:
        print(f"reportsearch 正在运行：http://{host}:{port}/  （{threads} 个线程，按 Ctrl+C 停止）", file=sys.stderr,
              flush=True)
        _serve(app, threads, host=host, port=port)
        return 0
    sock = listening_socket(host, port)
    try:
        return _run_workers(app, config, sock, f"{host}:{port}", threads, workers, also,
                            log or (lambda line: print(f"reportsearch: {line}", file=sys.stderr, flush=True)))
    finally:
        sock.close()


def _run_workers(app, config: dict, sock: socket.socket, where: str, threads: int, workers: int, also,
                 log) -> int:
    """The parent warms the app, forks the other workers (and ``also``), then serves as worker 0
    until a stop signal (webapp.workers)."""
    import signal

    from . import replacement
    from . import workers as processes
    from .balance import Balance

    stopped: list[int] = []

    def stop(signum, frame):
        stopped.append(signum)
        raise processes.Stop(signum)

    previous = {s: signal.signal(s, stop) for s in processes.STOP_SIGNALS}
    supervisor = None
    try:
        prepare(app.extensions["reportsearch"])
        processes.share_before_fork()
        print(f"reportsearch 正在运行：http://{where}/  （{workers} 个进程，每个 {threads} 个线程，"
              "按 Ctrl+C 停止）", file=sys.stderr, flush=True)
        balance = Balance(workers)
        children = [processes.Child(
            argv=[sys.executable, "-m", "webapp.replacement",
                  replacement.spec(config, threads, slot, workers, sock, balance)],
            first=partial(_serve_gated, app, threads, sock, balance, slot),
            fds=(sock.fileno(), balance.fd), ended=partial(balance.forget, slot)) for slot in range(1, workers)]
        supervisor = processes.Supervisor(children + ([also] if also else []), log)
        supervisor.start()
        _serve_gated(app, threads, sock, balance, 0)
    except processes.Stop:
        pass
    finally:
        for s in processes.STOP_SIGNALS:
            signal.signal(s, signal.SIG_IGN)     # a second Ctrl+C does not cut the shutdown short
        if supervisor is not None:
            supervisor.stop_all()
        for s, handler in previous.items():
            signal.signal(s, handler)
    if supervisor is not None and supervisor.failure:
        from indexer.errors import ReportSearchError

        raise ReportSearchError(supervisor.failure)
    return stopped[0] if stopped else 0


# A word in nearly every work report: searching it builds what every search of this index state
# uses (see prepare).
WARM_WORD = "工作"


def prepare(searcher) -> None:
    """Load, before the fork, what the workers' searches would each load: the imports, the
    dictionary, and the data built once per index state that every search uses (the paragraphs
    with copies, the long posting lists read: indexer.engine.columns and .kept). Forked workers
    share those pages until they write to them; arrays of numbers are never written, so they stay
    shared. The view opened here is closed: every worker thread opens its own.

    Facet counts are not warmed: counting a word as common as this one took 1.0 s of the 2.4 s to
    the first answer at 1,000,000 paragraphs, for about 40 MB a worker builds itself on its first
    large count. Sharing lasts only until the next commit anyway: each worker then loads the new
    index state on its own."""
    import time

    if searcher.warm():
        try:
            searcher.search(WARM_WORD, limit=10, deadline=time.monotonic() + 2.0)
        except Exception:      # a warm-up only: a worker would meet the same error and report it
            pass
    searcher.close()


def _options(threads: int) -> dict:
    return dict(threads=threads, ident="reportsearch", clear_untrusted_proxy_headers=True,
                max_request_header_size=MAX_HEADER_BYTES, max_request_body_size=MAX_BODY_BYTES,
                channel_timeout=IDLE_SECONDS, connection_limit=MAX_CONNECTIONS,
                # poll, not select: every server thread opens the index's files, so a large index takes
                # the process past file descriptor 1024, which select() cannot watch (at 1,000,000
                # paragraphs the server died on its first request past that: "filedescriptor out of range")
                asyncore_use_poll=True)


def _serve(app, threads: int, **where) -> None:
    from waitress import serve

    serve(app, **_options(threads), **where)


def serve_worker(config: dict, threads: int, sock: socket.socket, balance, slot: int) -> None:
    """A worker started afresh (webapp.replacement): its own app, warmed, then served."""
    from . import create_app

    more_open_files()
    app = create_app(config)
    prepare(app.extensions["reportsearch"])
    _serve_gated(app, threads, sock, balance, slot)


def _serve_gated(app, threads: int, sock: socket.socket, balance, slot: int) -> None:
    """One worker: waitress on the shared socket, accepting only while not ahead of the others."""
    import logging

    from waitress.server import create_server

    logging.basicConfig()           # as waitress.serve does: its errors reach stderr
    server = create_server(app, sockets=[sock], **_options(threads))
    balance.gate(server, slot)
    server.run()


def bound_socket(host: str, port: int) -> socket.socket:
    """A socket bound to host:port as waitress binds its own (SO_REUSEADDR except on Windows, where
    it would let two servers share a port; IPv6 only for an IPv6 address). socket.gaierror when
    the address cannot be resolved, another OSError when it cannot be bound."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                         flags=socket.AI_PASSIVE)[0]
    sock = socket.socket(family, kind, proto)
    try:
        if os.name != "nt":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind(address)
    except BaseException:
        sock.close()
        raise
    return sock


def listening_socket(host: str, port: int, backlog: int = 1024) -> socket.socket:
    """A socket listening on host:port (bound_socket)."""
    sock = bound_socket(host, port)
    try:
        sock.listen(backlog)     # connections wait in the backlog while the workers start
    except BaseException:
        sock.close()
        raise
    return sock


def more_open_files(wanted: int = 65536) -> int:
    """Raise the soft limit on open files towards the hard one (Linux often starts at 1024, and
    each server thread opens every file of the index); returns the limit now in force."""
    try:
        import resource
    except ImportError:          # not on this platform
        return -1
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            return target
        except (ValueError, OSError):
            pass
    return soft
