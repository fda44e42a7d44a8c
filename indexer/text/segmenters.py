"""Which segmenter cuts text into words, loaded once per process with the user dictionary.

In the flow files → text → clean → reports → paragraphs → analysis → index, analysis asks this
module for a cutter by name:

* ``jieba``: the reference — jieba's dictionary and HMM through WordCut (indexer.text.wordcut,
  the same words as ``jieba.cut``). Always available.
* ``rjieba``: the same algorithm in Rust (indexer.text.fastcut), about ten times faster; used
  when its wheel is installed, unless ``REPORTSEARCH_SEGMENTER=jieba``.

An index records the segmenter that built it (indexer.engine.analyzer), and both its writes and
the queries run against it use that one, so words in the index and words of a query are always
cut alike; ``reportsearch index --rebuild`` moves an index to the preferred segmenter.
A cutter offers ``words(text)`` (word, start, end) and ``is_word(word)`` (a dictionary word
with a positive frequency).
"""
from __future__ import annotations

import importlib.util
import io
import logging
import os
import threading
import time
from pathlib import Path

from indexer.errors import ReportSearchError

JIEBA, RJIEBA = "jieba", "rjieba"
NAMES = (JIEBA, RJIEBA)
ENV = "REPORTSEARCH_SEGMENTER"
DEFAULT_USERDICT = Path(__file__).parent.parent / "data" / "userdict.txt"
_RECHECK_SECONDS = 2.0
_lock = threading.Lock()
_loaded: dict[str, tuple[object, tuple[str, float], float]] = {}    # name → (cutter, userdict state, checked)
_reloaded = [0]        # bumped whenever a cutter is (re)built, so that callers' caches can follow


class UnknownSegmenter(ReportSearchError):
    """REPORTSEARCH_SEGMENTER names no segmenter (the CLI prints the message, no traceback)."""


def available(name: str) -> bool:
    if name == JIEBA:
        return True
    return name == RJIEBA and importlib.util.find_spec("rjieba") is not None


def preferred() -> str:
    """The segmenter a new index is built with: REPORTSEARCH_SEGMENTER, else rjieba when installed."""
    chosen = os.environ.get(ENV, "").strip().lower()
    if chosen:
        if chosen not in NAMES:
            raise UnknownSegmenter(f"环境变量 {ENV} 的值 {chosen!r} 无效，应为 {' 或 '.join(NAMES)}")
        return chosen
    return RJIEBA if available(RJIEBA) else JIEBA


def userdict_path() -> Path | None:
    path = os.environ.get("REPORTSEARCH_USERDICT")
    if path is not None:
        return Path(path) if path else None
    return DEFAULT_USERDICT if DEFAULT_USERDICT.exists() else None


def _userdict_state() -> tuple[str, float]:
    path = userdict_path()
    try:
        return (str(path), path.stat().st_mtime) if path else ("", 0.0)
    except OSError:
        return (str(path), -1.0)


def dictionary_lines(path: Path) -> str:
    """The user dictionary without comments and blank lines (jieba would read them as words)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return ""
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def cutter(name: str):
    """The process-wide cutter ``name`` with the user dictionary.

    Rebuilt when the user dictionary file changes (checked at most every few seconds), so an
    edited dictionary takes effect at the next reindex without restarting anything.
    """
    now = time.monotonic()
    got = _loaded.get(name)
    if got is not None and now - got[2] < _RECHECK_SECONDS:
        return got[0]
    with _lock:
        state = _userdict_state()
        got = _loaded.get(name)
        if got is None or got[1] != state:
            lines = dictionary_lines(Path(state[0])) if state[0] and state[1] >= 0 else ""
            got = (_build(name, lines), state, now)
            _reloaded[0] += 1
        _loaded[name] = (got[0], state, now)
        return got[0]


def generation() -> int:
    """Changes whenever a cutter was rebuilt (for caches of segmented text)."""
    return _reloaded[0]


def reset() -> None:
    """Forget the loaded dictionaries, so the next use reloads them."""
    with _lock:
        _loaded.clear()
        _reloaded[0] += 1


def _build(name: str, lines: str):
    if name == RJIEBA:
        from indexer.text.fastcut import FastCut

        return FastCut(lines)
    if name != JIEBA:
        raise UnknownSegmenter(f"未知的分词器 {name!r}")
    import jieba

    from indexer.text.wordcut import JiebaCut

    jieba.setLogLevel(logging.WARNING)
    seg = jieba.Tokenizer()
    seg.initialize()
    if lines:
        seg.load_userdict(io.StringIO(lines))
    return JiebaCut(seg)
