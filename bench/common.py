"""Shared by the benchmark scripts: the obvious design, built the obvious way.

"Baseline" = jieba's stock ChineseAnalyzer in a Whoosh TEXT field, the default QueryParser,
one writer, hit.highlights(). It indexes exactly the paragraphs our pipeline produces, so
the two designs are compared on the same units.
"""
from __future__ import annotations

import signal
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def baseline_schema():
    from jieba.analyse import ChineseAnalyzer
    from whoosh.fields import ID, TEXT, Schema

    return Schema(id=ID(stored=True, unique=True), title=TEXT(stored=True),
                  text=TEXT(stored=True, analyzer=ChineseAnalyzer()))


def build_baseline(index_dir: Path, paragraphs) -> None:
    from whoosh import index

    index_dir.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(index_dir), baseline_schema())
    writer = ix.writer()
    for p in paragraphs:
        writer.add_document(id=p.id, title=p.report_title, text=p.text)
    writer.commit()


class Baseline:
    def __init__(self, index_dir: Path):
        from whoosh import index
        from whoosh.qparser import QueryParser

        self.ix = index.open_dir(str(index_dir))
        self.parser = QueryParser("text", self.ix.schema)
        self.searcher = self.ix.searcher()

    def ids(self, q: str, limit: int | None = 50) -> list[str]:
        query = self.parser.parse(q)
        return [hit["id"] for hit in self.searcher.search(query, limit=limit)]

    def top_with_highlights(self, q: str, limit: int = 10) -> list[str]:
        results = self.searcher.search(self.parser.parse(q), limit=limit)
        return [hit.highlights("text") for hit in results]


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def stop(proc: subprocess.Popen, seconds: float = 10) -> None:
    """Stop a server the bench started: SIGTERM (it stops its workers), then SIGKILL after ``seconds``."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
