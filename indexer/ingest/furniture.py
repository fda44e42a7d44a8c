"""Page furniture learnt from a collection: what repeats at the edges of many files.

In the flow files → text → clean → reports → paragraphs → analysis → index, this feeds clean.

A site's navigation, footer and page tools (政务信息, 网站地图, 主办：…, 关联稿件：) are not
sentences, sit among the first or last blocks of a page, and repeat across the files of a
collection saved from that site. No list of words can name them for every site; counting
can: an edge line that is short, reads as no sentence, and occurs at the edges of at least
``MIN_FILES`` distinct files is furniture. Pure functions: ``edge_lines`` gives one file's
candidates (as hashes of their normalised text, which the index keeps per file), ``learn``
turns the table of all files' candidates into the furniture set, which ``clean_blocks`` drops.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping

from indexer.ingest.clean import clean_inline
from indexer.ingest.paragraphs import heading_level, is_body
from indexer.ingest.reports import is_report_title

EDGE_BLOCKS = 40          # blocks at each end of a file where furniture is looked for
MIN_FILES = 3             # a line at the edges of this many files is furniture
LINE_MAX = 60             # furniture is short
_NON_WORD = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d+")
_SENTENCE = re.compile(r"[。！？!?；;]")


def line_key(line: str) -> str:
    """Equal for lines that differ only in spacing, punctuation, width or numbers
    (访问量：4859 and 访问量：199)."""
    text = _DIGITS.sub("0", _NON_WORD.sub("", unicodedata.normalize("NFKC", line)).lower())
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16] if text else ""


def is_candidate(line: str, following: str) -> bool:
    """Could be furniture: short, no sentence, not a heading or a report title, and not the
    lead-in of body text (各位代表：is followed by the report's first paragraph)."""
    # An empty label (附件：, 关联稿件：) may be furniture even where a bare 附件 heads an appendix.
    heading = heading_level(line) and not line.endswith(("：", ":"))
    return (0 < len(line) <= LINE_MAX and not _SENTENCE.search(line) and not heading
            and not is_report_title(line) and not is_body(following))


def is_learnt(line: str, furniture: frozenset[str]) -> bool:
    """The line is learnt furniture. Keys ignore punctuation, so 附件：(an empty label, learnt)
    and 附件 (an appendix heading) share one: a heading is never dropped for it."""
    heading = heading_level(line) and not line.endswith(("：", ":"))
    return not heading and line_key(line) in furniture


def edge_lines(blocks: list[str], edge: int = EDGE_BLOCKS) -> set[str]:
    """The keys of one file's candidate furniture lines among its first and last ``edge`` blocks."""
    lines = [line for line in (clean_inline(b) for b in blocks) if line]
    picked = set(range(min(edge, len(lines)))) | set(range(max(0, len(lines) - edge), len(lines)))
    out = set()
    for i in sorted(picked):
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if is_candidate(lines[i], following):
            key = line_key(lines[i])
            if key:
                out.add(key)
    return out


def learn(table: Mapping[str, Iterable[str]], min_files: int = MIN_FILES) -> frozenset[str]:
    """The furniture set from every file's candidate keys: keys found in ``min_files`` files."""
    counts = Counter(key for keys in table.values() for key in set(keys))
    return frozenset(key for key, n in counts.items() if n >= min_files)
