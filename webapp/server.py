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

    print(f"reportsearch 正在运行：http://{host}:{port}/  （{threads} 个线程，按 Ctrl+C 停止）", file=sys.stderr,
          flush=True)
    serve(app, host=host, port=port, threads=threads, ident="reportsearch", clear_untrusted_proxy_headers=True,
          max_request_header_size=MAX_HEADER_BYTES, max_request_body_size=MAX_BODY_BYTES,
          channel_timeout=IDLE_SECONDS, connection_limit=MAX_CONNECTIONS)
