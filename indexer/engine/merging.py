"""Which segments a run's commit merges into the segment it writes (its merge policy).

Each run that adds reports writes them as a segment of its own, and every query pays for each
segment (a lookup of each of its terms, a short list read: about 0.6 ms a segment at 100,000
paragraphs, bench/daily.py). Whoosh's policy (MERGE_SMALL) lets about ten one-report segments
gather before it merges them, then merges ever larger groups at once, and it keeps for ever a
segment whose every document was deleted: after a month of daily runs at 100,000 paragraphs the
index had 14 segments, the median query took more than twice as long as on the first day, and
two of the thirty runs took about six seconds.

Here a segment whose documents were all deleted is dropped, and the others are merged as a
binary counter carries: smallest first, each while it holds no more documents than the run adds
plus what it has merged so far. Segments then stay about a doubling apart: a month of daily runs
leaves three small ones (5 segments in all; the median query 20 ms down to 11), and a run merges
a small segment on most days (the median run 0.83 s up to 1.06), rarely more. ``MERGE_MOST``
bounds one run's merging (about 1,200 documents a second): the segments of a full build, and
those grown past it, are left to ``reportsearch index --rebuild``.
"""
from __future__ import annotations

from whoosh.reading import SegmentReader

MERGE_MOST = 5_000       # documents one run merges at most


def merge_policy(writer, segments: list) -> list:
    """Merge what the policy above says into ``writer``; return the segments kept as they are."""
    gathered, merged = writer.documents(), 0
    live = sorted((s for s in segments if s.doc_count() > 0), key=lambda s: s.doc_count())
    while live and live[0].doc_count() <= gathered and merged + live[0].doc_count_all() <= MERGE_MOST:
        segment = live.pop(0)
        merge_into(writer, segment)
        gathered += segment.doc_count()
        merged += segment.doc_count_all()
    return live


def merge_into(writer, segment) -> None:
    """Add ``segment``'s documents (less its deleted ones) to ``writer``'s new segment."""
    reader = SegmentReader(writer.storage, writer.schema, segment)
    try:
        writer.add_reader(reader)
    finally:
        reader.close()
