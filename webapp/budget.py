"""Each request's time budget, and the lanes searches run in (issue: hardening, 6).

Where the flow is bounded: before a view searches, the request gets a deadline (the setting
time_budget, in seconds) that the search and its "试试" suggestions share; past it the page or
JSON shows what was found, marked incomplete. A search that looks expensive (many words, a long
text, a deep page) waits for the one expensive lane, so a few of them cannot take every server
thread from the cheap searches, which never wait for it. Cheap searches run one at a time in
their own lane: a search is CPU-bound Python, and on CPython threads searching at once only
share one core and take more CPU each (8 clients on the development collection: 42 ms of CPU
a search with 8 at once, 20 ms one at a time; 28 against 52 searches a second). A cheap search
that cannot enter its lane within its budget runs anyway, and its deadline cuts it short.
The lanes are per process: with several server processes (webapp.workers), one cheap search
runs in each at once, one per core.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager

from flask import current_app, g

from .errors import fail

EXPENSIVE_WORDS = 4          # typed words
EXPENSIVE_CHARS = 30         # characters of the query
EXPENSIVE_OFFSET = 500       # results skipped
BUSY = "服务器正忙于其他复杂检索，请稍后再试（或减少查询中的词）"


def start() -> None:
    """Give this request its deadline (called before every request); the first search of a thread
    loads the dictionary and opens the index first, outside the budget."""
    warmed = current_app.extensions["reportsearch.warmed"]
    if not getattr(warmed, "done", False):
        warmed.done = current_app.extensions["reportsearch"].warm()
    g.deadline = time.monotonic() + float(current_app.config.get("TIME_BUDGET", 1.5))


def deadline() -> float | None:
    return g.get("deadline")


def left() -> float:
    """Seconds left of this request's budget (0 when none)."""
    d = deadline()
    return max(0.0, d - time.monotonic()) if d is not None else float("inf")


def expensive(q: str, offset: int = 0) -> bool:
    return len(q) > EXPENSIVE_CHARS or len(q.split()) > EXPENSIVE_WORDS or offset >= EXPENSIVE_OFFSET


@contextmanager
def lane(q: str, offset: int = 0):
    """Run the body in the expensive lane if the search looks expensive (503 when the lane stays
    busy for the whole budget), else in the cheap lane (or at once when it stays busy for the
    whole budget)."""
    costly = expensive(q, offset)
    gate: threading.Semaphore = current_app.extensions["reportsearch.lane" if costly else "reportsearch.cheap"]
    entered = gate.acquire(timeout=min(left(), 60.0))
    if not entered and costly:
        fail(503, BUSY)
    try:
        yield
    finally:
        if entered:
            gate.release()


def register(app) -> None:
    app.extensions["reportsearch.lane"] = threading.Semaphore(1)
    app.extensions["reportsearch.cheap"] = threading.Semaphore(1)
    app.extensions["reportsearch.warmed"] = threading.local()       # per thread: views are
    app.before_request(start)
