"""Query-time synonyms for report vocabulary, from an editable plain-text file.

One group per line, words separated by spaces or '/'; '#' starts a comment. A query word
that belongs to a group also matches the group's other words, ranked below exact matches.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

from indexer.text.normalize import normalize

DEFAULT_SYNONYMS = Path(__file__).parent.parent / "data" / "synonyms.txt"
MAX_SYNONYMS = 8          # keeps a synonym match below the exact-match tier (see query.py)
_lock = threading.Lock()
_cache: tuple[Path | None, float, dict[str, list[str]]] | None = None


def synonyms_path() -> Path | None:
    path = os.environ.get("REPORTSEARCH_SYNONYMS")
    if path is not None:
        return Path(path) if path else None
    return DEFAULT_SYNONYMS


def parse_synonyms(text: str) -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        words = [w for w in line.replace("/", " ").replace("／", " ").split() if w]
        for word in words:
            others = [w for w in words if w != word]
            table.setdefault(normalize(word), [])
            table[normalize(word)] += [w for w in others if w not in table[normalize(word)]]
    return table


def _table() -> dict[str, list[str]]:
    """The synonym table, reloaded when the file changes (checked by mtime)."""
    global _cache
    path = synonyms_path()
    try:
        mtime = path.stat().st_mtime if path else 0.0
    except OSError:
        mtime = -1.0
    with _lock:
        if _cache is None or _cache[0] != path or _cache[1] != mtime:
            table = {}
            if path is not None and mtime >= 0:
                try:
                    table = parse_synonyms(path.read_text(encoding="utf-8-sig"))
                except (OSError, UnicodeDecodeError):
                    table = {}
            _cache = (path, mtime, table)
        return _cache[2]


def synonyms_of(word: str) -> list[str]:
    return list(_table().get(normalize(word), []))[:MAX_SYNONYMS]
