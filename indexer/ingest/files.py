"""Which files make up the corpus, and what each one holds now.

In the flow files → text → clean → reports → paragraphs → analysis → index, this is files.
"""
from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from indexer.ingest.readers import supported_name


@dataclass(frozen=True)
class CorpusFile:
    source: str          # path relative to the corpus folder, with '/' separators; always valid UTF-8
    real: str            # the real path, which may hold bytes that are not UTF-8
    # Its stat when the folder was listed (its target's, for a link), so that a run with
    # nothing to do asks each file once (ingest.reading compares it with the remembered digest).
    listed: os.stat_result | None = field(default=None, compare=False, repr=False)

    @property
    def path(self) -> Path:
        # Made when wanted: a run with nothing to do lists 25,000 files at a million paragraphs
        # and opens none of them.
        return Path(self.real)


def display_name(name: str) -> str:
    """A file or folder name as text that can be stored and shown.

    Names that are not UTF-8 reach Python with lone surrogates (PEP 383) and would make the
    index writer raise UnicodeEncodeError. Most come from zip archives made on Chinese Windows
    (GBK names written as they are by unzip): those are decoded as GB18030; anything else keeps
    its bytes as \\xNN escapes, so that the name stays unique and readable.
    """
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        pass
    raw = os.fsencode(name)
    try:
        text = raw.decode("gb18030")
        if text.isprintable() and "/" not in text:
            return text
    except UnicodeDecodeError:
        pass
    return raw.decode("utf-8", "backslashreplace")


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENAMETOOLONG:
        return "路径过长，超出系统限制，已跳过"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "没有读取权限，已跳过"
    return f"无法读取（{exc.strerror or type(exc).__name__}），已跳过"


def discover(corpus_dir: Path, problems: dict[str, str] | None = None) -> list[CorpusFile]:
    """Every supported file under the corpus folder, recursively, in a stable order.

    Hidden files and folders are skipped; symbolic links are followed only when they stay
    inside the corpus folder, so a link cannot pull outside files into the index. Only regular
    files count: reading a named pipe or a device called report.txt would block or never end.
    A folder or file that cannot be listed or examined (no permission, a path too long) is
    recorded in ``problems`` as {display path: reason in Chinese}, and the walk goes on.
    """
    return [CorpusFile(source, real, st) for source, real, st in walk(corpus_dir, problems)]


def walk(corpus_dir: Path, problems: dict[str, str] | None = None):
    """discover's files as (source, real path, stat), without making an object of each."""
    root = Path(corpus_dir).resolve()
    taken = set()
    problems = {} if problems is None else problems
    # Folders as os.walk(followlinks=False) visits them, top-down in name order; a folder's
    # part of every source is made once per folder (a million paragraphs are some 25,000 files,
    # and a run with nothing to do lists them all).
    stack = [(str(root), "")]
    while stack:
        top, folder = stack.pop()
        prefix = folder + "/" if folder else ""
        subfolders = []
        for entry in sorted(_listing(top, folder, problems), key=_name):
            name = entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if not name.startswith(".") and not entry.is_symlink():
                    subfolders.append((entry.path, prefix + display_name(name)))
                continue
            if name.startswith((".", "~$")) or not supported_name(name):
                continue
            source = prefix + display_name(name)
            st = _regular(entry) or _examine(entry, root, source, problems)
            if st is None:
                continue
            if source in taken:      # two raw names that read the same: keep both, distinctly
                source = "/".join(os.fsencode(p).decode("utf-8", "backslashreplace")
                                  for p in Path(entry.path).relative_to(root).parts)
            taken.add(source)
            yield source, entry.path, st
        stack += reversed(subfolders)


def _regular(entry: os.DirEntry) -> os.stat_result | None:
    """The stat of a regular file that is not a link (the common case, one lstat), else None."""
    # os.lstat, not entry.stat: on Windows a DirEntry's stat has no inode, which digests compare.
    try:
        st = os.lstat(entry.path)
    except OSError:
        return None
    return st if stat.S_ISREG(st.st_mode) else None


def _name(entry: os.DirEntry) -> str:
    return entry.name


def _listing(top: str, folder: str, problems: dict[str, str]) -> list[os.DirEntry]:
    """The folder's entries; none, and a problem recorded, when it cannot be listed."""
    try:
        with os.scandir(top) as it:
            return list(it)
    except OSError as exc:
        problems[(folder or ".") + "/"] = "文件夹" + _reason(exc)
        return []


def _examine(entry: os.DirEntry, root: Path, source: str, problems: dict[str, str]) -> os.stat_result | None:
    """The stat of a regular file to index (its target's, for a link inside the corpus), else None."""
    try:
        st = _lstat(entry)
        if st is None or stat.S_ISLNK(st.st_mode):
            if st is not None:
                try:
                    target = Path(entry.path).resolve(strict=True)
                except (OSError, RuntimeError):      # broken link or a loop
                    return None
                if root not in target.parents:
                    return None
            st = os.stat(entry.path)
        return st if stat.S_ISREG(st.st_mode) else None
    except OSError as exc:
        if exc.errno not in (errno.ENOENT, errno.ELOOP):    # gone meanwhile, or a link loop
            problems[source] = _reason(exc)
        return None


def _lstat(entry: os.DirEntry) -> os.stat_result | None:
    """The file's own stat (a link's, not its target's); None where Path.is_symlink would
    quietly say False (the file gone, or a path through something that is not a folder)."""
    try:
        return os.lstat(entry.path)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP):
            return None
        raise


def digest(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()
