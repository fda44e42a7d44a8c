"""Stage 7 of indexing: bring the index in line with the corpus folder.

Incremental by content hash: new files are added, changed files reindexed, deleted files
dropped, and a run with nothing to do opens no writer at all. A file that cannot be read is
reported and recorded (so it is not retried until it changes); the rest of the run goes on.
Everything is committed at once, so a run killed half-way leaves the last committed state.
"""
from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from indexer.ingest import dedup
from indexer import history
from indexer.engine import records, store
from indexer.engine.batch import open_batch
from indexer.errors import ReportSearchError, UnreadableFile
from indexer.ingest.digests import Digests
from indexer.ingest.files import CorpusFile, digest, discover
from indexer.text.analysis import segmenter
from indexer.ingest.pipeline import file_paragraphs
from indexer.progress import Progress
from indexer.ingest.readers.tabular import options_digest, reader_options

PARALLEL_BYTES = 2_000_000   # below this much new text, one process indexes faster


@dataclass
class Summary:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: dict[str, str] = field(default_factory=dict)      # source → reason
    formats: Counter = field(default_factory=Counter)
    duplicates: list[dict] = field(default_factory=list)       # reports indexed once, see dedup
    reports: int = 0
    paragraphs: int = 0
    seconds: float = 0.0
    rebuilt: bool = False

    @property
    def did_work(self) -> bool:
        return bool(self.added or self.changed or self.deleted or self.rebuilt)

    def as_dict(self) -> dict:
        return {
            "added": self.added, "changed": self.changed, "deleted": self.deleted,
            "unchanged": self.unchanged, "skipped": self.skipped,
            "formats": dict(self.formats), "reports": self.reports,
            "paragraphs": self.paragraphs, "duplicates": self.duplicates,
            "seconds": round(self.seconds, 3), "rebuilt": self.rebuilt,
        }


def _read(cf: CorpusFile) -> bytes:
    from indexer.ingest.readers import MAX_FILE_BYTES

    size = cf.path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise UnreadableFile(f"文件过大（{size // (1024 * 1024)} MB，上限 {MAX_FILE_BYTES // (1024 * 1024)} MB）")
    return cf.path.read_bytes()


def _scan(corpus_dir: Path, summary: Summary, digests: Digests) -> list[tuple[CorpusFile, bool, str]]:
    """Every corpus file with whether it could be read and its hash (content and reader options).

    Files are read only to be hashed, and not at all while their stat says they are unchanged;
    the files to index are read again when their turn comes, so the corpus is never held in
    memory whole.
    """
    scanned = []
    for cf in discover(corpus_dir):
        try:
            before = cf.path.stat()
            content = digests.get(cf.source, before)
            if content is None:
                content = digest(_read(cf))
                digests.put(cf.source, before, cf.path.stat(), content)
        except (OSError, UnreadableFile) as exc:
            reason = _unreadable(exc)
            summary.skipped[cf.source] = reason
            scanned.append((cf, False, f"unreadable:{reason}"))
            continue
        # A table's column mapping is part of what the file means: changing it reindexes the file.
        scanned.append((cf, True, _hash(corpus_dir, cf, content)))
    digests.save()
    return scanned


def _hash(corpus_dir: Path, cf: CorpusFile, content: str) -> str:
    return options_digest(content, reader_options(corpus_dir, cf.source))


def _unreadable(exc: Exception) -> str:
    return str(exc if isinstance(exc, UnreadableFile) else UnreadableFile(f"无法读取：{exc.strerror or exc}"))


def _size(cf: CorpusFile) -> int:
    try:
        return cf.path.stat().st_size
    except OSError:
        return 0


def _plan(scanned, known: dict[str, str], summary: Summary) -> list[tuple[CorpusFile, bool, str]]:
    """The files to (re)index against the manifest ``known``; fills added/changed/deleted/unchanged."""
    summary.added, summary.changed, summary.unchanged = [], [], 0
    todo = []
    for cf, readable, sha in scanned:
        if known.get(cf.source) == sha:
            summary.unchanged += 1
            continue
        if readable:
            (summary.changed if cf.source in known else summary.added).append(cf.source)
        todo.append((cf, readable, sha))
    summary.deleted = sorted(set(known) - {cf.source for cf, _, _ in scanned})
    return todo


def _copies_to_redo(ix, corpus_dir: Path, scanned, todo, gone: set[str]):
    """Add the unchanged files whose duplicate records this run would make stale, in path order.

    Two cases (see indexer.ingest.dedup): files holding copies of a report whose file is reindexed or
    deleted, and files whose kept copy an earlier file (in path order) now also holds. Reading
    them again, in path order, ends in the state a fresh build would reach.
    """
    frontier = set(gone)
    fresh = [item for item in todo if item[1]]
    while frontier or fresh:
        more = (dedup.files_to_recheck(records.kept_reports(ix), records.duplicates(ix), frontier)
                if frontier else set())
        deduper = dedup.Deduper.load(records.kept_reports(ix), exclude=gone)
        for cf, _, _ in (fresh if deduper.kept else []):     # nothing kept: no rivals to find
            try:
                more |= deduper.rivals(file_paragraphs(_read(cf), cf.source, **reader_options(corpus_dir, cf.source)),
                                       cf.source)
            except Exception:            # reported when the file is indexed below
                continue
        more -= gone
        fresh = _recheck(scanned, more)
        todo += fresh
        gone |= more
        frontier = more
    return sorted(todo, key=lambda item: item[0].source), gone


def _recheck(scanned, sources: set[str]):
    """Unchanged files to read again because the kept copy of one of their reports is going away."""
    return [(cf, readable, sha) for cf, readable, sha in scanned if cf.source in sources and readable]


def update_index(index_dir: Path, corpus_dir: Path, rebuild: bool = False, lock_timeout: float = 30.0,
                 processes: int = 0, log=None) -> Summary:
    """Index the corpus folder into index_dir; return what was done."""
    started = time.monotonic()
    summary = Summary(rebuilt=rebuild)
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise ReportSearchError(f"语料目录不存在：{corpus_dir}")
    ix, unreadable = store.open_to_update(index_dir, lock_timeout=lock_timeout)
    if unreadable is not None:
        if log is not None:
            log(unreadable)            # one line: why this run rebuilds the index
        rebuild = summary.rebuilt = True
    problems = store.outdated(ix)
    if problems and not rebuild:
        raise ReportSearchError(f"该索引由其他版本的 reportsearch 创建（{'；'.join(problems)}），"
                                f"请运行 reportsearch index --rebuild 重建索引")
    scanned = _scan(corpus_dir, summary, Digests(index_dir, corpus_dir))
    generation, known = store.snapshot(ix)
    if rebuild:
        known = {}
    todo = _plan(scanned, known, summary)
    if not (todo or summary.deleted or rebuild):
        store.tidy(index_dir)       # a run killed after its commit may have left old files
        summary.seconds = time.monotonic() - started
        return summary

    work = sum(_size(cf) for cf, readable, _ in todo if readable)
    procs = processes if processes else (os.cpu_count() or 1)
    if work < PARALLEL_BYTES:
        procs = 1                        # starting workers costs more than a small batch
    if procs > 1:
        segmenter()                      # load the dictionary once; workers inherit it
    batch = open_batch(ix, replace=rebuild, procs=procs, lock_timeout=lock_timeout, on_wait=log)
    try:
        if not rebuild:
            # The plan above was made before we held the lock: another indexer may have committed
            # since (two started at once both see a new file as new). Plan again from the state
            # this writer builds on, so nothing is added twice; if the other did it all, stop.
            if batch.generation != generation:
                known = batch.files()
                todo = _plan(scanned, known, summary)
            if not (todo or summary.deleted):
                batch.cancel()
                summary.seconds = time.monotonic() - started
                return summary
        gone = set(summary.deleted) | {cf.source for cf, _, _ in todo if cf.source in known}
        if not rebuild:
            todo, gone = _copies_to_redo(ix, corpus_dir, scanned, todo, gone)
        # Remember what old permalinks pointed to before their documents go (issue 4).
        history.retire(index_dir, ix, summary.deleted + [cf.source for cf, _, _ in todo if cf.source in known],
                       everything=rebuild)
        deduper = dedup.Deduper() if rebuild else dedup.Deduper.load(records.kept_reports(ix), exclude=gone)
        for source in gone:
            if source in known:
                batch.forget(source, known[source])
        for source in summary.deleted:
            batch.remove(source)
        progress = Progress(len(todo), "索引中")
        for cf, readable, sha in todo:
            if not rebuild and cf.source in known:
                batch.remove(cf.source)
            paragraphs, error = [], summary.skipped.get(cf.source)
            if readable:
                try:
                    data = _read(cf)
                    sha = _hash(corpus_dir, cf, digest(data))     # what is indexed is what was read
                    paragraphs = file_paragraphs(data, cf.source, **reader_options(corpus_dir, cf.source))
                    if not paragraphs:
                        error = "文件中没有可检索的正文"
                except (OSError, UnreadableFile) as exc:
                    error = _unreadable(exc)
                except Exception as exc:       # a reader bug must not stop the run
                    error = f"解析失败：{type(exc).__name__}: {exc}"
            if error:
                summary.skipped[cf.source] = error
                # A marker so the file is not read again until it changes.
                batch.add_unreadable(cf.source, sha, error)
            else:
                paragraphs, kept_or_copies, duplicates = deduper.split(paragraphs, cf.source)
                batch.add_file(cf.source, sha, paragraphs, kept_or_copies)
                summary.duplicates += duplicates
                summary.formats[Path(cf.source).suffix.lower()] += 1
                summary.reports += len({p.report_id for p in paragraphs})
                summary.paragraphs += len(paragraphs)
            progress.advance()
        progress.close()
        batch.commit()
    except BaseException:
        batch.cancel()
        raise
    for source in summary.skipped:
        if source in summary.added:
            summary.added.remove(source)
    summary.seconds = time.monotonic() - started
    return summary
