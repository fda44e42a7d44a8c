"""A worker process forked as a run starts, to write a small batch: it loads what writing needs
while the run decides what to write.

Adding one report to an index of 100,000 paragraphs took about 0.8 s, and a quarter of it was
loading: the word cutter's dictionary (a tenth of a second or more, holding the GIL, so that a
thread cannot overlap it) and numpy with the writing code. Nothing of it depends on what the run
will find, so a worker forked before the run imports its modules does it on the other core while
the parent scans, reads and deduplicates. A ParallelWriter (indexer.engine.parallel) then takes it
as its one worker; a run with nothing for it, or with enough text for workers of its own,
dismisses it.

Light on purpose: imported before anything heavy, so that the fork comes early.
"""
from __future__ import annotations

import multiprocessing
import os
import threading


class Standby:
    """The worker: told which cutter to load (``cut_with``), then taken by a writer or dismissed."""

    def __init__(self):
        ctx = multiprocessing.get_context()
        self.jobs, self.results = ctx.Queue(4), ctx.Queue()
        self.process = ctx.Process(target=_stand_by, daemon=True, args=(self.jobs, self.results, os.getpid()))
        self.process.start()
        self.taken = False

    def cut_with(self, segmenter: str) -> None:
        """Load the cutter ``segmenter`` (indexer.text.segmenters), the index being known."""
        self.jobs.put(segmenter)

    def take(self, storage, indexname: str, kwargs: dict):
        """(the process, its job and result queues), told to write into ``indexname``: for a
        writer holding the index's lock, which stops the process when done or cancelled."""
        self.taken = True
        self.jobs.put((storage, indexname, kwargs))
        return self.process, self.jobs, self.results

    def dismiss(self) -> None:
        """End the worker unless a writer took it. Until taken it holds no lock and has written
        nothing: it is stopped where it is, not waited for."""
        if self.taken:
            return
        self.taken = True
        self.process.terminate()
        self.process.join(3)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(1)
        for q in (self.jobs, self.results):     # what was sent is small: the feeder threads end at once
            q.close()
            q.join_thread()


def start(processes: int = 0) -> Standby | None:
    """A Standby, or None where it cannot help: one process asked for, one core, workers not
    forked (a spawned one imports everything again, which costs more than it saves), or other
    threads running. A fork copies no thread but the caller's, and a lock another one held stays
    held in the child; the process that runs with threads (``reportsearch watch``) lives long and
    has what the worker would load loaded already."""
    if processes == 1 or (os.cpu_count() or 1) < 2 or multiprocessing.get_start_method() != "fork" \
            or threading.active_count() > 1:
        return None
    return Standby()


def _stand_by(jobs, results, parent: int) -> None:
    """The worker's life: load the writing code, then the cutter named, then write what the
    order says (indexer.engine.parallel); None instead of either ends it."""
    from indexer.engine import parallel, writer
    from indexer.text.segmenters import cutter

    threading.Thread(target=parallel.end_when_orphaned, args=(parent,), daemon=True).start()
    writer.load()
    segmenter = jobs.get()
    if segmenter is None:
        return
    try:
        cutter(segmenter)
    except Exception:       # noqa: BLE001 - an unknown or missing cutter: the writer meets it again and says so
        pass
    order = jobs.get()
    if order is not None:
        parallel.write(*order, jobs, results)
