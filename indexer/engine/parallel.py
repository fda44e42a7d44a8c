"""Full builds on several cores: BulkWriters (indexer.engine.writer) in worker processes.

The parent sends documents in batches to ``procs`` workers; each indexes them into segments of
its own and hands back their descriptions, which the parent commits with its own changes.
"""
from __future__ import annotations

import errno
import multiprocessing
import os
import queue
import threading
import time
import traceback
from typing import NamedTuple

from indexer.engine.merging import merge_into
from indexer.engine.writer import BulkWriter

class WorkerFailed(RuntimeError):
    """A worker process died or failed; ``nospace`` when it ran out of disk space."""
    nospace = False


# A worker starts a new segment after this many tokens (8 bytes each held, indexer.engine.tally;
# about 25 million postings), or before its documents outgrow a segment's docnums.
SEGMENT_TOKENS = 30_000_000
BATCH = 256                       # documents per job sent to a worker


def _work(storage, indexname: str, kwargs: dict, jobs, results, parent: int, lock_fd: int | None) -> None:
    """A worker process: index batches of documents into segments of its own until told to stop.

    A forked worker shares the parent's open lock file, and an flock lasts while any process
    holds it: closed here, so that a killed parent releases the index. A worker whose parent
    is gone (killed, perhaps halfway through sending a batch, which leaves a read waiting
    forever) is ended by a watchdog thread.
    """
    if lock_fd is not None:
        try:
            os.close(lock_fd)
        except OSError:
            pass
    threading.Thread(target=end_when_orphaned, args=(parent,), daemon=True).start()
    write(storage, indexname, kwargs, jobs, results)


def write(storage, indexname: str, kwargs: dict, jobs, results) -> None:
    """Index the batches of ``jobs`` into segments; put ("ok", their descriptions) in ``results``."""
    from indexer.engine.tally import MAX_DOCS

    try:
        # A rebuild passes the current schema: the index's own may not even unpickle.
        ix = storage.open_index(indexname, schema=kwargs.get("schema"))
        segments = []
        w = BulkWriter(ix, _lk=False, **kwargs)
        while (batch := jobs.get()) is not None:
            if isinstance(batch, Merge):
                for segment in batch.segments:
                    merge_into(w, segment)
                continue
            for fields in batch:
                w.add_document(**fields)
            if w.token_count >= SEGMENT_TOKENS or w.docnum >= MAX_DOCS // 2:
                segments.append(w._finalize_segment())
                w = BulkWriter(ix, _lk=False, **kwargs)
        if w._added:
            segments.append(w._finalize_segment())
        else:
            w._close_segment()
        results.put(("ok", segments))
    except BaseException as exc:     # its segment files are litter, removed by the parent (store.cancel)
        results.put(("nospace" if getattr(exc, "errno", None) == errno.ENOSPC else "error", traceback.format_exc()))


class Merge(NamedTuple):
    """A job: merge these segments (their deletions with them) into the worker's last one."""
    segments: list


def end_when_orphaned(parent: int) -> None:
    """End this process once ``parent`` has ended. A forked or spawned worker sees its parent
    change; one from a fork server does not (every child of that server keeps it running, so
    it outlives the process that started it), and asks after ``parent`` by its pid."""
    if os.getppid() == parent:
        while os.getppid() == parent:
            time.sleep(0.5)
    else:
        while _running(parent):
            time.sleep(0.5)
    os._exit(1)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    try:        # a zombie (ended, not yet waited for) still takes signals: /proc, where there is one, tells
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return True


def _context():
    """How to start workers: forked, the quickest, unless other threads run (a watcher, a server's).
    A fork copies only the calling thread, and a lock another thread holds at that moment stays
    held in the child for ever (a searching thread inside the dictionary's recheck hangs the
    worker). Then from a fork server: a process of its own, started afresh once, with the
    writing code imported."""
    ctx = multiprocessing.get_context()
    if ctx.get_start_method() != "fork" or threading.active_count() == 1 \
            or "forkserver" not in multiprocessing.get_all_start_methods():
        return ctx
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([__name__])
    return ctx


def forked() -> bool:
    """Whether workers started now are forked from this process (and inherit what it has loaded)."""
    return _context().get_start_method() == "fork"


class ParallelWriter(BulkWriter):
    """Documents go in batches to ``procs`` worker processes, each writing segments of its own.

    This writer itself holds the lock and does what touches existing segments: deletions,
    Whoosh's merge policy, the commit of the new table of contents. Worker segments are not
    merged (merging costs as much as the parallel part saves).
    """

    def __init__(self, ix, procs: int = 2, batchsize: int | None = None, standby=None, **kwargs):
        super().__init__(ix, **kwargs)
        self._procs, self._batchsize, self._kwargs = procs, batchsize or BATCH, kwargs   # schema included
        self._batch: list[dict] = []
        self._workers: list = []
        self._jobs = self._results = None
        self._standby = standby            # its one worker, already started (engine.standby)
        self._sent = 0                     # documents given to the workers
        self._merges = None                # segments for the one worker to merge (add_reader)

    def documents(self) -> int:
        return self._sent + self.docnum

    def add_document(self, **fields):
        self._check_state()
        self._sent += 1
        self._batch.append(fields)
        if len(self._batch) >= self._batchsize:
            self._send()

    def begin(self) -> None:
        """Give the worker standing by its order, if not done yet. Not in the constructor: once
        this writer exists, store.writer removes the files no commit uses, which would take those
        of a segment the worker had begun."""
        if self._standby is not None:
            worker, self._jobs, self._results = self._standby.take(self.storage, self.indexname, self._kwargs)
            self._workers.append(worker)
            self._standby = None

    def _send(self) -> None:
        if not self._batch:
            return
        self.begin()
        if not self._workers:
            ctx = _context()
            self._jobs, self._results = ctx.Queue(self._procs * 2), ctx.Queue()
            lock_fd = getattr(self.writelock, "fd", None) if ctx.get_start_method() == "fork" else None
            for _ in range(self._procs):
                worker = ctx.Process(target=_work, daemon=True,
                                     args=(self.storage, self.indexname, self._kwargs, self._jobs, self._results,
                                           os.getpid(), lock_fd))
                worker.start()
                self._workers.append(worker)
        self._put(self._batch)
        self._batch = []

    def _put(self, job) -> None:
        """Send a job, never waiting forever on a full queue whose workers are gone."""
        while True:
            try:
                return self._jobs.put(job, timeout=1.0)
            except queue.Full:
                if any(not w.is_alive() for w in self._workers):
                    self._failed()

    def _failed(self, status: str = "died"):
        """Stop the workers; raise WorkerFailed, saying whether one ran out of disk space."""
        statuses = {status}
        while (reply := self._results.get(timeout=0.1) if not self._results.empty() else None) is not None:
            statuses.add(reply[0])
        self._stop_workers()
        failure = WorkerFailed("索引子进程写入时磁盘空间不足" if "nospace" in statuses else "索引子进程出错或意外退出")
        failure.nospace = "nospace" in statuses
        raise failure

    def _collect(self) -> list:
        """Wait for every worker's segments; raise if one failed or died."""
        segments, pending = [], len(self._workers)
        while pending:
            try:
                status, value = self._results.get(timeout=1.0)
            except queue.Empty:
                codes = [w.exitcode for w in self._workers]       # None while running
                if any(code not in (None, 0) for code in codes) or None not in codes:
                    self._failed()          # one dead worker is enough: the others may wait forever
                continue
            pending -= 1
            if status != "ok":
                self._failed(status)
            segments += value
        for w in self._workers:
            w.join()
        # Every job was read: the queues' feeder threads end at once. Left to the garbage
        # collector, they outlive the run, and a process with threads forks no worker to
        # stand by (engine.standby) in its next run.
        for q in (self._jobs, self._results):
            q.close()
            q.join_thread()
        self._workers = []
        return segments

    def _stop_workers(self) -> None:
        """End every worker within seconds, and let this process exit even with jobs unsent
        (a queue's feeder thread otherwise blocks interpreter exit until they are read)."""
        for w in self._workers:
            w.terminate()
        deadline = time.monotonic() + 3
        for w in self._workers:
            w.join(max(0.1, deadline - time.monotonic()))
            if w.is_alive():
                w.kill()
                w.join(1)
        for q in (self._jobs, self._results) if self._workers else ():
            q.cancel_join_thread()
            q.close()
        self._workers = []

    def add_reader(self, reader):
        """A segment the merge policy merges: into the one worker's segment, where the run's new
        documents are (a small run), so that they make one segment; else into this writer's own."""
        if self._merges is not None:
            self._merges.append(reader.segment())
        else:
            super().add_reader(reader)

    def commit(self, mergetype=None, optimize=None, merge=None):
        self._check_state()
        self._send()
        if len(self._workers) == 1:
            self._merges = []
        else:                    # the workers finish their segments while this writer merges
            for _ in self._workers:
                self._put(None)
        finalsegments = self._merge_segments(mergetype, optimize, merge)
        if self._merges is not None:
            if self._merges:
                self._put(Merge(self._merges))
            self._put(None)
        finalsegments += self._collect() if self._workers else []
        if self._added:          # old segments merged into this writer's own
            finalsegments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(finalsegments)
        self._finish()

    def cancel(self):
        self._stop_workers()
        super().cancel()
