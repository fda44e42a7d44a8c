"""A run with nothing to do, told from a few stats before Whoosh or any reader is loaded.

In the flow files → text → clean → reports → paragraphs → analysis → index, this comes first:
before the corpus is compared with the index (indexer.update). At a million paragraphs a run that
then found nothing to do spent most of its half second importing Whoosh and the readers, parsing
digests.json and checking 25,000 remembered digests. A run that found the corpus to be, file for
file, what the index holds (it settled, see indexer.settled) writes ``unchanged.json`` with
fingerprints of:
- the corpus as that run listed it: each file's path, size, modification and change times and
  inode, which is what a remembered digest is trusted by (ingest.digests), and columns.ini's stat;
- the index folder: every file's name and stat but those of status.json, which every run
  rewrites; a commit, the litter of a killed run, another digests.json, furniture or dedup table
  all change it;
- the code: our modules and the installed packages' folders, since another version may read
  files or the index differently.
While all of these are what they were, the long way would reach the same answer, so the run stops
here. A file changed too lately for its stat to vouch (ingest.digests' racy window: another change
in the same clock tick could leave the same stat) is recorded with its content digest and read
again by every run until one reads it past that window. A record that is missing, unreadable or
disagrees in anything sends the run the long way, which writes a new one.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from array import array
from pathlib import Path

from indexer.jsonfile import replace_json
from indexer.status import STATUS_FILE

FILE_NAME = "unchanged.json"
VERSION = 1
# The corpus's column mappings: ingest.readers.tabular.CONFIG_NAME, whose module is not loaded here.
CONFIG_NAME = "columns.ini"
# Written by every run, so never part of the index folder's fingerprint (with their temporary files).
_REWRITTEN = (STATUS_FILE, FILE_NAME)


def _sha1(lines) -> str:
    return hashlib.sha1("\n".join(lines).encode("utf-8", "surrogatepass")).hexdigest()


def _stamp(st: os.stat_result) -> str:
    return f"{st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {st.st_ino} {st.st_mode}"


def corpus_fingerprint(listed) -> str:
    """Of the corpus's files as (source, the stat it was listed with) (ingest.files.walk)."""
    # Packed, not formatted: 25,000 files at a million paragraphs. Times may be negative, inode
    # numbers may use all 64 bits.
    names, times, numbers = [], [], []
    name, time, number = names.append, times.extend, numbers.extend
    for source, st in listed:
        name(source)
        time((st.st_mtime_ns, st.st_ctime_ns))
        number((st.st_size, st.st_ino, st.st_mode))
    digest = hashlib.sha1("\n".join(names).encode("utf-8", "surrogatepass"))
    digest.update(array("q", times).tobytes())
    digest.update(array("Q", numbers).tobytes())
    return digest.hexdigest()


def config_stamp(corpus_dir: Path) -> str:
    path = os.path.join(corpus_dir, CONFIG_NAME)
    for look in (os.stat, os.lstat):      # a link's target; a broken link itself
        try:
            return _stamp(look(path))
        except OSError:
            pass
    return ""


def index_fingerprint(index_dir: Path) -> str | None:
    try:
        names = sorted(os.listdir(index_dir))
        return _sha1(f"{name}\t{_stamp(os.lstat(os.path.join(index_dir, name)))}" for name in names
                     if name not in _REWRITTEN and not name.startswith(tuple(f".{n}." for n in _REWRITTEN)))
    except OSError:          # a file removed while listed: another run is at work
        return None


def code_fingerprint() -> str:
    """Changes when our code or an installed package (Whoosh, a segmenter) changes."""
    lines = [sys.version]
    package = os.path.dirname(os.path.abspath(__file__))
    for folder, dirs, names in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        lines += [f"{folder}/{name}\t{_stamp(os.stat(os.path.join(folder, name)))}"
                  for name in sorted(names) if name.endswith(".py")]
    # Installing, upgrading or removing a package adds or removes folders in site-packages.
    for folder in sys.path:
        if folder.endswith("-packages") and os.path.isdir(folder):
            lines.append(f"{folder}\t{os.stat(folder).st_mtime_ns}")
    return _sha1(lines)


def before_scan(corpus_dir: Path) -> tuple[str, str]:
    """What a run's scan depends on besides the files (columns.ini, the code), taken before it:
    a change while the run goes on is then a change to the next run."""
    return config_stamp(corpus_dir), code_fingerprint()


class Look:
    """What ``check`` saw. ``quiet``: nothing changed since the record (``count`` files, and the
    problem with columns.ini the record holds). Otherwise ``listed`` keeps the corpus as walked,
    if it was, with its ``fingerprint``, so that the long way does not walk 25,000 files again."""

    def __init__(self, quiet: bool = False, count: int = 0, problem: str | None = None, listed=None,
                 scanned_with: tuple[str, str] | None = None, fingerprint: str | None = None):
        self.quiet, self.count, self.problem = quiet, count, problem
        self.listed, self.scanned_with, self.fingerprint = listed, scanned_with, fingerprint

    def corpus(self, corpus_dir: Path):
        """(the CorpusFiles, the problems met listing them) for the long way; ``scanned_with``
        (before_scan) is taken before they are listed."""
        from indexer.ingest.files import CorpusFile, discover

        if self.listed is not None:
            entries, problems = self.listed
            return [CorpusFile(source, real, st) for source, real, st in entries], problems
        self.scanned_with, problems, self.fingerprint = before_scan(corpus_dir), {}, None
        return discover(corpus_dir, problems), problems


def check(index_dir: Path, corpus_dir: Path) -> Look:
    """Whether nothing changed since the record was written. Lists the corpus (ingest.files.walk)
    only when the index folder, the code and columns.ini are as recorded."""
    path = os.path.join(index_dir, FILE_NAME)
    try:
        with open(path, encoding="utf-8") as f:
            kept = json.load(f)
    except (OSError, ValueError):
        return Look()
    if not isinstance(kept, dict) or kept.get("version") != VERSION or not isinstance(kept.get("pending"), list):
        return Look()
    scanned_with = before_scan(corpus_dir)
    if kept.get("index") != index_fingerprint(index_dir) or [kept.get("config"), kept.get("code")] != list(scanned_with) \
            or kept.get("corpus") != str(Path(corpus_dir).resolve()):
        return Look()
    from indexer.ingest.files import walk        # light: the readers are imported when a file is read

    try:
        pending = dict(kept["pending"])
    except (TypeError, ValueError):
        return Look()
    problems, entries, found = {}, [], {}

    def listed():
        for entry in walk(corpus_dir, problems):
            entries.append(entry)
            if entry[0] in pending:
                found[entry[0]] = entry
            yield entry[0], entry[2]

    fingerprint = corpus_fingerprint(listed())
    changed = Look(listed=(entries, problems), scanned_with=scanned_with, fingerprint=fingerprint)
    if fingerprint != kept.get("listed") or problems or len(entries) != kept.get("files"):
        return changed
    if pending:
        settled = _hash_again(pending, found)
        if settled is None:
            return changed
        if settled:                     # no longer in the racy window: their stat vouches from now on
            _write(Path(path), dict(kept, pending=[p for p in kept["pending"] if p[0] not in settled]))
    return Look(True, len(entries), kept.get("problem"))


def _hash_again(pending: dict[str, str], found: dict) -> set[str] | None:
    """The files changed too lately for their stat to vouch for them when the record was written:
    each is read again and must still hold the content recorded. Those whose digest is now taken
    past the racy window (ingest.digests) are returned; None if any differs."""
    from indexer.ingest.digests import racy

    settled = set()
    for source, content in pending.items():
        if source not in found:
            return None
        _, real, st = found[source]
        try:
            with open(real, "rb") as f:
                data = f.read()
            after = os.stat(real)
        except OSError:
            return None
        if hashlib.sha1(data).hexdigest() != content or _stamp(after) != _stamp(st):
            return None
        if not racy(st):
            settled.add(source)
    return settled


def _write(path: Path, record: dict) -> bool:
    try:
        replace_json(path, record, ensure_ascii=False)
    except OSError:
        return False
    return True


def remember(index_dir: Path, corpus_dir: Path, look: Look, files, pending: list[list[str]], problem: str | None,
             still) -> bool:
    """Write the record for ``files`` (a run's scan of ``look.corpus``, which found them to be what
    the index holds), ``pending`` (those of them changed too lately for their stat to vouch, as
    [source, content digest]: settled.settle) and ``problem`` (the run's columns.ini problem), if
    ``still()`` says the index folder is as that run left it: called between two listings of the
    folder, so that a commit made meanwhile by another writer cannot be vouched for. Best effort:
    False when not written."""
    index = index_fingerprint(index_dir)
    if index is None or not still() or index_fingerprint(index_dir) != index:
        return False
    listed = look.fingerprint or corpus_fingerprint((cf.source, cf.listed) for cf in files)
    return _write(Path(index_dir) / FILE_NAME, {
        "version": VERSION, "corpus": str(Path(corpus_dir).resolve()), "code": look.scanned_with[1],
        "config": look.scanned_with[0], "problem": problem, "index": index, "files": len(files), "pending": pending,
        "listed": listed})
