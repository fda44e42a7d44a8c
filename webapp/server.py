"""Serve the app with waitress, a production WSGI server in pure Python (also on Windows).

Waitress reads each request fully in its own I/O loop before a worker thread sees it, so a slow
or hostile client cannot tie up the `threads` workers; the limits below bound what it reads.
"""
from __future__ import annotations

import sys

# Requests are GETs with a short query (the app caps it at 200 characters); there is no upload.
MAX_HEADER_BYTES = 64 * 1024
MAX_BODY_BYTES = 64 * 1024
IDLE_SECONDS = 60
MAX_CONNECTIONS = 200


def run(app, host: str = "127.0.0.1", port: int = 5000, threads: int = 8) -> None:
    from waitress import serve

    more_open_files()

    print(f"reportsearch 正在运行：http://{host}:{port}/  （{threads} 个线程，按 Ctrl+C 停止）", file=sys.stderr,
          flush=True)
    serve(app, host=host, port=port, threads=threads, ident="reportsearch", clear_untrusted_proxy_headers=True,
          max_request_header_size=MAX_HEADER_BYTES, max_request_body_size=MAX_BODY_BYTES,
          channel_timeout=IDLE_SECONDS, connection_limit=MAX_CONNECTIONS,
          # poll, not select: every server thread opens the index's files, so a large index takes
          # the process past file descriptor 1024, which select() cannot watch (at 1,000,000
          # paragraphs the server died on its first request past that: "filedescriptor out of range")
          asyncore_use_poll=True)


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
