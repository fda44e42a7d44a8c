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
    root = Path(corpus_dir).resolve()
    found, taken = [], set()
    problems = {} if problems is None else problems

    def shown(path: Path) -> str:
        return "/".join(display_name(part) for part in path.relative_to(root).parts)

    def walk_error(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else root
        name = shown(where) if where != root and root in where.parents else "."
        problems[name + "/"] = "文件夹" + _reason(exc)

    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=walk_error):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        # The folder's part of every source, once per folder: a million paragraphs are some
        # 25,000 files, and a run with nothing to do still lists them all.
        folder = shown(Path(dirpath)) if dirpath != str(root) else ""
        for name in sorted(filenames):
            if name.startswith((".", "~$")) or not supported_name(name):
                continue
            real = os.path.join(dirpath, name)
            source = f"{folder}/{display_name(name)}" if folder else display_name(name)
            try:
                st = _lstat(real)
                if st is None or stat.S_ISLNK(st.st_mode):
                    if st is not None:
                        try:
                            target = Path(real).resolve(strict=True)
                        except (OSError, RuntimeError):      # broken link or a loop
                            continue
                        if root not in target.parents:
                            continue
                    st = os.stat(real)
                if not stat.S_ISREG(st.st_mode):
                    continue
            except OSError as exc:
                if exc.errno not in (errno.ENOENT, errno.ELOOP):    # gone meanwhile, or a link loop
                    problems[source] = _reason(exc)
                continue
            if source in taken:      # two raw names that read the same: keep both, distinctly
                source = "/".join(os.fsencode(p).decode("utf-8", "backslashreplace")
                                  for p in Path(real).relative_to(root).parts)
            taken.add(source)
            found.append(CorpusFile(source, real, st))
    return found


def _lstat(path: str) -> os.stat_result | None:
    """The file's own stat (a link's, not its target's); None where Path.is_symlink would
    quietly say False (the file gone, or a path through something that is not a folder)."""
    try:
        return os.lstat(path)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP):
            return None
        raise


def digest(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()
