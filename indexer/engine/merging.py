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
a small segment on most days (the median run 0.83 s up to 1.06), rarely more.

What one run merges is bounded (merging writes about 1,800 documents a second): ``MERGE_MOST``,
or 1/``MERGE_SHARE`` of the index when that is more. The share keeps the segments from growing by
one a run: with a fixed bound alone, runs that each add more than it (a folder of reports dropped
in at a time) left one segment a run for ever (26 after 25 runs of 100 reports, the median query
4 → 21 ms; bench/daily.py --batches). The segments of a full build (each about 1/12 of a million
paragraphs) stay out of reach, left to ``reportsearch index --rebuild``.
"""
from __future__ import annotations

from whoosh.reading import SegmentReader

MERGE_MOST = 5_000       # documents one run merges at most…
MERGE_SHARE = 8          # …or this share of the index (1/8), when that is more


def merge_policy(writer, segments: list) -> list:
    """Merge what the policy above says into ``writer``; return the segments kept as they are."""
    live = sorted((s for s in segments if s.doc_count() > 0), key=lambda s: s.doc_count())
    count = merged_count(writer.documents(), [(s.doc_count(), s.doc_count_all()) for s in live])
    for segment in live[:count]:
        merge_into(writer, segment)
    return live[count:]


def merged_count(gathered: int, sizes: list[tuple[int, int]]) -> int:
    """How many of the segments a run adding ``gathered`` documents merges, given each one's
    (live, written) documents, smallest first: a prefix, each no larger than what is gathered
    before it, written documents within ``MERGE_MOST`` or ``1/MERGE_SHARE`` of the index."""
    most = max(MERGE_MOST, (gathered + sum(live for live, _ in sizes)) // MERGE_SHARE)
    merged = 0
    for count, (live, written) in enumerate(sizes):
        if live > gathered or merged + written > most:
            return count
        gathered += live
        merged += written
    return len(sizes)


def merge_into(writer, segment) -> None:
    """Add ``segment``'s documents (less its deleted ones) to ``writer``'s new segment."""
    reader = SegmentReader(writer.storage, writer.schema, segment)
    try:
        writer.add_reader(reader)
    finally:
        reader.close()
