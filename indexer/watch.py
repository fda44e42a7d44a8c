"""Keep the index in line with the corpus folder while it changes (``reportsearch watch``,
``reportsearch serve --watch``).

watchdog reports file events; they are debounced (a copy of many files, or an editor's save
in several writes, becomes one reindex once the folder has been quiet for ``delay`` seconds)
and then ``update_index`` runs, which takes the index write lock, works incrementally, and
commits at once. A running server keeps answering from the last commit meanwhile and picks up
the new one by itself (indexer.search.searcher.Searcher refreshes).
"""
from __future__ import annotations

import threading
import time
from pathlib import Path, PurePath

from indexer.errors import ReportSearchError
from indexer.ingest.readers import supported
from indexer.ingest.readers.tabular import CONFIG_NAME
from indexer.update import Summary, update_index

DEBOUNCE_SECONDS = 1.0


def relevant(path: str, corpus_dir: Path, index_dir: Path | None = None) -> bool:
    """Does a change at this path concern the index? Hidden files, the index itself and files of
    unknown types do not; a folder might (a folder moved in or out holds reports)."""
    p = PurePath(path)
    try:
        parts = p.relative_to(corpus_dir).parts
    except ValueError:
        return False
    if not parts or any(part.startswith(".") or part.startswith("~$") for part in parts):
        return False
    if index_dir is not None and (p == index_dir or index_dir in p.parents):
        return False
    return p.name == CONFIG_NAME or supported(p) or not p.suffix


class Watcher:
    """Watches ``corpus_dir`` in a background thread and reindexes into ``index_dir``.

    ``on_update(summary)`` is called after each reindex that did work, ``on_error(message)``
    when one failed (the watcher goes on and retries on the next change).
    """

    def __init__(self, index_dir: Path, corpus_dir: Path, delay: float = DEBOUNCE_SECONDS,
                 lock_timeout: float = 30.0, on_update=None, on_error=None):
        self.index_dir = Path(index_dir).resolve()
        self.corpus_dir = Path(corpus_dir).resolve()
        self.delay = delay
        self.lock_timeout = lock_timeout
        self.on_update = on_update or (lambda summary: None)
        self.on_error = on_error or (lambda message: None)
        self._due: float | None = None
        self._wake = threading.Condition()
        self._stopping = False
        self._observer = None
        self._thread = None
        self.runs = 0

    # Called from watchdog's thread.
    def changed(self, path: str) -> None:
        if relevant(path, self.corpus_dir, self.index_dir):
            with self._wake:
                self._due = time.monotonic() + self.delay
                self._wake.notify()

    def start(self, initial: bool = False) -> "Watcher":
        """Start watching; with ``initial``, reindex at once for changes made while nobody watched."""
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event):
                if event.event_type in ("opened", "closed_no_write"):
                    return
                watcher.changed(event.src_path)
                if getattr(event, "dest_path", ""):
                    watcher.changed(event.dest_path)

        if not self.corpus_dir.is_dir():
            raise ReportSearchError(f"语料目录不存在：{self.corpus_dir}")
        try:
            self._observer = Observer()
            self._observer.schedule(Handler(), str(self.corpus_dir), recursive=True)
            self._observer.start()
        except OSError:
            # inotify watches exhausted (a huge tree) or unavailable: poll instead.
            self._observer = PollingObserver(timeout=2)
            self._observer.schedule(Handler(), str(self.corpus_dir), recursive=True)
            self._observer.start()
        if initial:
            with self._wake:
                self._due = time.monotonic()
        self._thread = threading.Thread(target=self._loop, name="reportsearch-watch", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._wake:
            self._stopping = True
            self._wake.notify()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
        if self._thread is not None:
            self._thread.join(timeout=self.lock_timeout + 5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _loop(self) -> None:
        while True:
            with self._wake:
                while not self._stopping and (self._due is None or time.monotonic() < self._due):
                    timeout = None if self._due is None else max(0.0, self._due - time.monotonic())
                    self._wake.wait(timeout)
                if self._stopping:
                    return
                self._due = None
            self.reindex()

    def reindex(self) -> Summary | None:
        try:
            summary = update_index(self.index_dir, self.corpus_dir, lock_timeout=self.lock_timeout)
        except ReportSearchError as exc:
            self.on_error(str(exc))
            return None
        except Exception as exc:            # keep watching (and serving) whatever one run hit
            self.on_error(f"索引更新失败：{type(exc).__name__}: {exc}")
            return None
        self.runs += 1
        if summary.did_work:
            self.on_update(summary)
        return summary
