"""Serve the app with waitress, a production WSGI server in pure Python (also on Windows)."""
from __future__ import annotations

import sys


def run(app, host: str = "127.0.0.1", port: int = 5000, threads: int = 8) -> None:
    from waitress import serve

    print(f"reportsearch 正在运行：http://{host}:{port}/  （按 Ctrl+C 停止）", file=sys.stderr, flush=True)
    serve(app, host=host, port=port, threads=threads, ident="reportsearch", clear_untrusted_proxy_headers=True)
