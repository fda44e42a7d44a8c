"""Bring the index in line with the corpus folder: the one module that knows the order of a run.

In the flow files → text → clean → reports → paragraphs → analysis → index, this drives the
whole of it for a folder: find the files and their hashes (ingest.files, ingest.reading),
compare them with the index's manifest, find the copies of reports whose records go stale
(ingest.dedup), and write one batch (engine.batch).

Incremental by content hash: new files are added, changed files reindexed, deleted files
dropped; a run with nothing to do opens no writer, nor even the index when a few stats show
nothing changed since a run that vouched for it (indexer.unchanged). A file that cannot be read
is reported and recorded (not retried until it changes); the rest of the run goes on. All is
committed at once: a run killed half-way leaves the last committed state.
"""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from indexer import furniture_table, status, unchanged
from indexer.errors import ReportSearchError, UnreadableFile
from indexer.ingest.digests import Digests
from indexer.ingest.files import CorpusFile
from indexer.plan import Scanned, file_size, plan, recheck
from indexer.progress import BYTES, Progress
from indexer.summary import Summary

if TYPE_CHECKING:
    from indexer.copies import KeptReports
    from indexer.engine.batch import Batch
    from indexer.ingest import dedup
    from indexer.ingest.reading import Reading
# Whoosh, the readers and what only writing needs are imported by the functions that use them:
# a run that finds nothing changed (indexer.unchanged) stops before any of them is loaded.

PARALLEL_BYTES = 2_000_000   # below this much new text, one process indexes faster
CHUNK = 200                  # paragraphs written between two progress updates within one file


def update_index(index_dir: Path, corpus_dir: Path, rebuild: bool = False, lock_timeout: float = 30.0,
                 processes: int = 0, log=None) -> Summary:
    """Index the corpus folder into index_dir; return what was done."""
    started = time.monotonic()
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise ReportSearchError(f"语料目录不存在：{corpus_dir}")
    retry = [] if rebuild else status.skips_to_retry(status.load(index_dir) or {})
    look = unchanged.Look() if rebuild or retry else unchanged.check(index_dir, corpus_dir)
    if look.quiet:
        summary = Summary(unchanged=look.count, skipped={unchanged.CONFIG_NAME: look.problem} if look.problem else {})
        _record(index_dir, corpus_dir, summary, None, log)
    else:
        summary = _update(_Run(Path(index_dir), corpus_dir, rebuild, lock_timeout, log, look, retry), processes)
    summary.seconds = time.monotonic() - started
    return summary


def _update(run: "_Run", processes: int) -> Summary:
    """The long way: compare the corpus with the index, write what changed, record the run."""
    from indexer.engine import standby

    run.standby = standby.start(processes)      # first: the fork comes before the imports below
    try:
        return _update_index(run, processes)
    except FileNotFoundError as exc:
        from indexer.engine import store

        if (damage := store.damaged(exc, run.index_dir)) is None:
            raise
        raise damage from None
    finally:
        if run.standby is not None:
            run.standby.dismiss()


def _update_index(run: "_Run", processes: int) -> Summary:
    """The run itself: open, scan, write, record (its worker and a damaged index are _update's)."""
    from indexer import settled
    from indexer.engine import store
    from indexer.ingest.reading import Reading

    try:
        ix = run.open()
    except OSError as exc:                   # creating the index on a full or read-only disk
        from indexer.engine.batch import write_failure

        raise write_failure(exc) from None
    if run.standby is not None:
        run.standby.cut_with(store.segmenter(ix, run.rebuild))
    pending = None
    with Reading(run.corpus_dir, Digests(run.index_dir, run.corpus_dir)) as reading:
        todo = run.scan(ix, reading)
        if todo or run.summary.deleted or run.rebuild or (not run.settled and run.table_stale()):
            run.write(ix, reading, todo, processes)
        else:
            store.tidy(run.index_dir)       # a run killed after its commit may have left old files
        if run.committed is not None or run.kept is None:    # the index is known to hold what was scanned
            generation = run.committed if run.committed is not None else run.generation
            pending = settled.settle(run.index_dir, reading, run.scanned, run.shas, generation)
        run.summary.slowest = reading.slowest
    summary = run.summary
    for source in summary.skipped:
        if source in summary.added:
            summary.added.remove(source)
    change = None
    if run.committed is not None and not run.rebuild:
        change = status.Change(run.committed - 1, run.committed, [cf.source for cf, _, _ in run.scanned],
                               summary.reports - run.removed[0], summary.paragraphs - run.removed[1])
    _record(run.index_dir, run.corpus_dir, summary, change, run.log)
    if pending is not None and run.listed_whole:      # after closing the reading, which saves digests.json
        unchanged.remember(run.index_dir, run.corpus_dir, run.look, [cf for cf, _, _ in run.scanned], pending,
                           summary.skipped.get(unchanged.CONFIG_NAME),
                           lambda: store.latest_generation(ix) == generation and not store.leftovers(run.index_dir))
    return summary


def _record(index_dir: Path, corpus_dir: Path, summary: Summary, change: status.Change | None, log) -> None:
    """Remember the run for `reportsearch status` and the home page (indexer.status)."""
    try:
        status.record(index_dir, corpus_dir, summary, change)
    except Exception as exc:          # the index is committed; only its summary could not be kept
        if log is not None:
            log(f"无法记录索引概况：{type(exc).__name__}: {exc}")


def _add_in_chunks(batch: Batch, source: str, sha: str, paragraphs, kept_or_copies, size: int,
                   progress: Progress) -> None:
    """batch.add_file, CHUNK paragraphs at a time, advancing the progress by each chunk's share
    of the file's bytes, so that a long file moves the estimate while it is written."""
    total = sum(len(p.text) for p in paragraphs) or 1
    for start in range(0, max(len(paragraphs), 1), CHUNK):
        chunk = paragraphs[start:start + CHUNK]
        batch.add_file(source, sha, chunk, kept_or_copies if start == 0 else ())
        progress.advance(size * sum(len(p.text) for p in chunk) / total if paragraphs else size)


class _Run:
    """One update_index call: the corpus as scanned, the index's manifest, and what was done."""

    def __init__(self, index_dir: Path, corpus_dir: Path, rebuild: bool, lock_timeout: float, log,
                 look: unchanged.Look, retry: list[str]):
        self.index_dir, self.corpus_dir, self.look, self.retry = index_dir, corpus_dir, look, retry
        self.rebuild, self.lock_timeout, self.log = rebuild, lock_timeout, log
        self.summary = Summary(rebuilt=rebuild)
        self.generation = -1
        self.known: dict[str, str] = {}          # the manifest: {source: hash} of indexed files
        self.scanned: list[Scanned] = []
        self.edges: dict[str, frozenset[str]] = {}    # source → candidate furniture lines
        self.shas: dict[str, str] = {}                 # source → hash it was indexed with, this run
        self.kept: KeptReports | None = None           # the index's kept reports, once writing
        self.gone: set[str] = set()                    # files whose documents this run deletes
        self.removed = (0, 0)                          # (reports, paragraphs) of the files it deletes
        self.committed: int | None = None              # the generation its commit made
        self.settled = False                           # the manifest was known without reading it
        self.listed_whole = False                      # no folder or file failed to be listed
        self.standby = None                            # a worker loading the cutter meanwhile (engine.standby)

    def open(self):
        """The index, created if missing; one this version cannot read is rebuilt, saying why."""
        from indexer.engine import store

        ix, unreadable = store.open_to_update(self.index_dir, lock_timeout=self.lock_timeout)
        if unreadable is not None:
            if self.log is not None:
                self.log(unreadable)
            self.rebuild = self.summary.rebuilt = True
        problems = store.outdated(ix)
        if problems and not self.rebuild:
            raise ReportSearchError(f"该索引由其他版本的 reportsearch 创建（{'；'.join(problems)}），"
                                    f"请运行 reportsearch index --rebuild 重建索引")
        return ix

    def scan(self, ix, reading: Reading) -> list[Scanned]:
        """Scan the corpus against the committed manifest; the files to (re)index."""
        from indexer import settled
        from indexer.engine import store
        from indexer.ingest.readers.tabular import CONFIG_NAME, config_problem

        files, problems = self.look.corpus(self.corpus_dir)       # listed once a run
        self.listed_whole = not problems
        self.summary.skipped.update(problems)
        problem = config_problem(self.corpus_dir)
        if problem:
            self.summary.skipped[CONFIG_NAME] = problem
        if self.rebuild:                 # the old index is not read: it may be damaged
            self.generation, known = store.latest_generation(ix), {}
        else:
            found = settled.manifest(ix, self.index_dir, reading)
            self.settled = found is not None
            self.generation, known = found if found is not None else store.snapshot(ix)
        # A file skipped under older rules gets a hash that never matches: read again as changed.
        self.known = {} if self.rebuild else {**known, **{s: "" for s in self.retry if s in known}}
        self.scanned = [self._scan_file(reading, cf) for cf in files]
        reading.save_digests()
        return plan(self.scanned, self.known, self.summary)

    def table_stale(self) -> bool:
        """The furniture table does not cover every unchanged file (an index made before it was kept,
        or a commit that failed after the table was written): the run must read those files again."""
        table = furniture_table.load(self.index_dir, self.generation)
        return any(readable and furniture_table.known_edges(table, cf.source, sha) is None
                   for cf, readable, sha in self.scanned)

    def _scan_file(self, reading: Reading, cf: CorpusFile) -> Scanned:
        try:
            return cf, True, reading.check(cf, self.known.get(cf.source))
        except (OSError, UnreadableFile) as exc:
            from indexer.ingest.reading import unreadable_reason

            reason = unreadable_reason(exc)
            self.summary.skipped[cf.source] = reason
            return cf, False, f"unreadable:{reason}"

    def write(self, ix, reading: Reading, todo: list[Scanned], processes: int) -> None:
        """Open a batch (waiting for the write lock), fill it and commit it."""
        from indexer.copies import KeptReports
        from indexer.engine import parallel, store
        from indexer.engine.batch import open_batch, write_failure
        from indexer.text.segmenters import cutter

        work = sum(file_size(cf) for cf, readable, _ in todo if readable)
        procs = processes if processes else (os.cpu_count() or 1)
        if work < PARALLEL_BYTES:
            procs = 1                        # starting workers costs more than a small batch
        standby = self.standby if procs == 1 and work else None
        if standby is None and self.standby is not None:
            self.standby.dismiss()
        if procs > 1 and parallel.forked():
            cutter(store.segmenter(ix, self.rebuild))    # load the dictionary once; workers inherit it
        batch = open_batch(ix, replace=self.rebuild, procs=procs, lock_timeout=self.lock_timeout,
                           on_wait=self.log, standby=standby)
        self.kept = KeptReports(ix, self.index_dir, batch.generation)
        try:
            if not self.rebuild:
                todo = self._replan(batch, reading, todo)
            todo = self._learn_furniture(reading, todo, batch.generation)
            if not self.rebuild and not (todo or self.summary.deleted):
                batch.cancel()
                return
            self._fill(batch, ix, reading, todo)
            # Before the commit, while the lock is ours: a writer that takes the lock next finds
            # the table of the generation it builds on. A commit that fails leaves a table of
            # a generation never made, which the next run does not trust.
            self._save_table(batch.generation + 1)
            self.kept.save(batch.generation + 1, None if self.rebuild else self.gone)
            batch.commit()
            self.committed = batch.generation + 1
        except BaseException as exc:
            self.kept.close()
            batch.cancel()                   # releases the lock and removes this run's files
            if isinstance(exc, (KeyboardInterrupt, SystemExit, ReportSearchError)) \
                    or store.missing_file(exc, self.index_dir):
                raise
            raise write_failure(exc) from exc

    def _learn_furniture(self, reading: Reading, todo: list[Scanned], generation: int) -> list[Scanned]:
        """Learn the collection's furniture from every file's candidate lines, before any file
        is made into paragraphs, and add the unchanged files it reads differently.

        Candidates of the files to index come from the read the run makes of them anyway;
        those of unchanged files from the table kept with the index (read again only when it
        does not hold them, and then reindexed too). An unchanged file is reindexed when one
        of its candidates gained or lost furniture status: the run ends as a fresh build would.
        """
        from indexer.ingest.furniture import learn

        table = {} if self.rebuild else furniture_table.load(self.index_dir, generation)
        before = furniture_table.furniture(table)
        redo = {cf.source for cf, _, _ in todo}
        stale = set()
        self.edges = {}
        for cf, readable, sha in self.scanned:
            edges = frozenset()
            if readable and cf.source in redo:
                edges = frozenset(reading.edges(cf, sha))
            elif readable:
                edges = furniture_table.known_edges(table, cf.source, sha)
                if edges is None:
                    edges = frozenset(reading.edges(cf, sha))
                    stale.add(cf.source)
            self.edges[cf.source] = edges
        after = learn(self.edges)
        reading.furniture = after
        touched = stale | {source for source, edges in self.edges.items()
                           if source not in redo and furniture_table.touched(edges, before, after)}
        todo = todo + recheck(self.scanned, touched - redo)
        return sorted(todo, key=lambda item: item[0].source)

    def _save_table(self, generation: int) -> None:
        table = {cf.source: furniture_table.Entry(self.shas.get(cf.source, sha), self.edges.get(cf.source, frozenset()))
                 for cf, _, sha in self.scanned if self.shas.get(cf.source, sha) is not None}
        furniture_table.save(self.index_dir, table, generation)

    def _replan(self, batch: Batch, reading: Reading, todo: list[Scanned]) -> list[Scanned]:
        """The plan was made before the lock was ours: another indexer may have committed since
        (two started at once both see a new file as new). Plan again from the state this batch
        builds on, so that nothing is added twice."""
        if batch.generation == self.generation:
            return todo
        self.known = batch.files()
        self.scanned = [self._scan_file(reading, cf) if sha is None and cf.source in self.known
                        else (cf, readable, sha) for cf, readable, sha in self.scanned]
        return plan(self.scanned, self.known, self.summary)

    def _fill(self, batch: Batch, ix, reading: Reading, todo: list[Scanned]) -> None:
        """Delete what goes, then index the files of ``todo`` (and the copies they affect) in path order."""
        from indexer import history
        from indexer.engine import store
        from indexer.ingest import dedup

        summary, known = self.summary, self.known
        gone = set(summary.deleted) | {cf.source for cf, _, _ in todo if cf.source in known}
        if not self.rebuild:
            todo, gone = self._copies_to_redo(ix, reading, todo, gone)
        # Remember what old permalinks pointed to before their documents go (issue 4).
        retiring = summary.deleted + [cf.source for cf, _, _ in todo if cf.source in known]
        try:
            history.retire(self.index_dir, ix, retiring, everything=self.rebuild)
            self.removed = store.paragraph_counts(ix, retiring)
        except FileNotFoundError as exc:        # a damaged index, rebuilt: its paragraphs cannot be read
            if not self.rebuild or not (name := store.missing_file(exc, self.index_dir)):
                raise
            if self.log is not None:
                self.log(f"旧索引缺少文件 {name}，其中段落的链接不再能指向新位置")
        deduper = dedup.Deduper() if self.rebuild else self.kept.deduper(gone, take=True)
        self.gone = gone
        for source in gone:
            if source in known:
                batch.forget(source, known[source])
        for source in summary.deleted:
            batch.remove(source)
        # By bytes, not files: one large file weighs what it holds (and advances as it is written).
        progress = Progress(sum(file_size(cf) for cf, readable, _ in todo if readable), "索引中", unit=BYTES)
        for cf, readable, sha in todo:
            if not self.rebuild and cf.source in known:
                batch.remove(cf.source)
            self._index_file(batch, reading, deduper, cf, readable, sha, progress)
        progress.close()

    def _index_file(self, batch: Batch, reading: Reading, deduper: dedup.Deduper, cf: CorpusFile,
                    readable: bool, sha: str | None, progress: Progress) -> None:
        summary = self.summary
        size = file_size(cf) if readable else 0
        paragraphs, error = [], summary.skipped.get(cf.source)
        if readable:
            parsed = reading.take(cf, sha)        # what is indexed is what was read: its hash too
            sha, paragraphs, error = parsed.sha, parsed.paragraphs, parsed.error
            if parsed.note and not error:
                summary.partial[cf.source] = parsed.note
        self.shas[cf.source] = sha
        if error:
            summary.skipped[cf.source] = error
            # A marker so the file is not read again until it changes.
            batch.add_unreadable(cf.source, sha, error)
            progress.advance(size)
            return
        paragraphs, kept_or_copies, duplicates = deduper.split(paragraphs, cf.source)
        self.kept.keep(kept_or_copies)
        _add_in_chunks(batch, cf.source, sha, paragraphs, kept_or_copies, size, progress)
        summary.duplicates += duplicates
        summary.formats[Path(cf.source).suffix.lower()] += 1
        summary.reports += len({p.report_id for p in paragraphs})
        summary.paragraphs += len(paragraphs)

    def _copies_to_redo(self, ix, reading: Reading, todo: list[Scanned], gone: set[str]):
        """Add the unchanged files whose duplicate records this run would make stale, in path order.

        Two cases (see indexer.ingest.dedup): files holding copies of a report whose file is
        reindexed or deleted, and files whose kept copy an earlier file (in path order) now also
        holds. Reading them again, in path order, ends in the state a fresh build would reach.
        """
        frontier = set(gone)
        fresh = [item for item in todo if item[1]]
        while frontier or fresh:
            more = self.kept.copies_of(frontier, self.known) if frontier else set()
            deduper = self.kept.deduper(gone)
            for cf, _, sha in (fresh if deduper.any_kept() else []):     # nothing kept: no rivals to find
                more |= deduper.rivals(reading.peek(cf, sha).paragraphs, cf.source)
            more -= gone
            fresh = recheck(self.scanned, more)
            todo += fresh
            gone |= more
            frontier = more
        return sorted(todo, key=lambda item: item[0].source), gone
