"""A server worker started afresh, to replace one that died: ``python -m webapp.replacement SPEC``.

The parent serves with threads of its own by then, so it cannot fork a copy of itself safely
(webapp.workers); this process builds its own app from SPEC, JSON with the app's config, the
threads, the worker's slot and the number of workers, and the descriptors it inherited: the
listening socket and the page the workers balance connections through (webapp.balance).
"""
from __future__ import annotations

import json
import os
import socket
import sys


def spec(config: dict, threads: int, slot: int, workers: int, sock: socket.socket, balance) -> str:
    return json.dumps({"config": config, "threads": threads, "slot": slot, "workers": workers,
                       "socket": sock.fileno(), "balance": balance.fd}, ensure_ascii=False)


def main(text: str) -> int:
    from .workers import as_child, end_when_orphaned

    as_child()
    end_when_orphaned(os.getppid())
    given = json.loads(text)
    from .balance import Balance
    from .server import serve_worker

    sock = socket.socket(fileno=given["socket"])
    balance = Balance(given["workers"], fd=given["balance"])
    serve_worker(given["config"], given["threads"], sock, balance, given["slot"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
