"""Which files make up the corpus, and what each one holds now.

In the flow files → text → clean → reports → paragraphs → analysis → index, this is files.
"""
from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from indexer.ingest.readers import supported


@dataclass(frozen=True)
class CorpusFile:
    source: str          # path relative to the corpus folder, with '/' separators
    path: Path


def discover(corpus_dir: Path) -> list[CorpusFile]:
    """Every supported file under the corpus folder, recursively, in a stable order.

    Hidden files and folders are skipped; symbolic links are followed only when they stay
    inside the corpus folder, so a link cannot pull outside files into the index. Only regular
    files count: reading a named pipe or a device called report.txt would block or never end.
    """
    root = Path(corpus_dir).resolve()
    found = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith((".", "~$")):
                continue
            path = Path(dirpath) / name
            if not supported(path):
                continue
            if path.is_symlink():
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError):      # broken link or a loop
                    continue
                if root not in target.parents:
                    continue
            if not _regular_file(path):
                continue
            found.append(CorpusFile(path.relative_to(root).as_posix(), path))
    return found


def _regular_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def digest(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()
