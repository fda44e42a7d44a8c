"""Where a PDF page is set in two columns, and the order to read it in.

A line of text, as a PDF tool finds it, runs across the page at one height: on a page in two
columns it joins a line of the left column to the line of the right one beside it, and the page
reads as nonsense (项目投资趋稳回升。高位推动扩大有效投 合作经营资格核准证书). The columns show as
a gutter: an empty strip down the middle of the page that the lines beside it stop at and start
after. A line's text is cut into stretches wherever a character's width or more is empty; the
gutter is the widest strip in the middle of the page that the fewest stretches run through, and
the page is in columns when hardly any do, a quarter of the lines at least lie on each side, and
each side's typical line fills it (prose in columns, not the ragged cells of a table). Lines that
do run through it (a title across both columns) cut the page into bands; each band is read left
column first.

Pure functions on the (x0, x1) boxes of each line's characters; the PDF reader reads each side by
them, a character on the side its middle is on.
"""
from __future__ import annotations

from typing import NamedTuple

MIN_LINES = 8           # fewer lines on a page than this say nothing about columns
_LEFT_HALF = set("，。、．")
SIDE_FULL = 0.7         # a column's typical line fills this share of its side of the page


class Gutter(NamedTuple):
    left: float         # where the left column's characters end
    right: float        # where the right column's start
    size: float         # the type's size: a gap this wide or more between two characters is a break

    @property
    def middle(self) -> float:
        return (self.left + self.right) / 2


def ink(text: str, x0: float, x1: float) -> tuple[float, float]:
    """Where a character's ink is: a full-width comma or full stop sits in the left half of its box,
    which at the end of a column's line hangs out into the gutter."""
    return (x0, (x0 + x1) / 2) if text in _LEFT_HALF else (x0, x1)


def core(x0: float, x1: float) -> tuple[float, float]:
    """The middle half of a character's box: a full-width comma's box reaches past the margin
    (hanging punctuation) with no ink there."""
    quarter = (x1 - x0) / 4
    return x0 + quarter, x1 - quarter


def pieces(spans: list[tuple[float, float]], size: float) -> list[tuple[float, float]]:
    """A line's characters as stretches of text, parted where a character's width or more is empty."""
    spans = sorted(core(*span) for span in spans)
    out = [list(spans[0])]
    for x0, x1 in spans[1:]:
        if x0 - out[-1][1] >= size:
            out.append([x0, x1])
        else:
            out[-1][1] = max(out[-1][1], x1)
    return [(a, b) for a, b in out]


def _emptiest(stretches: list[tuple[float, float]], low: float, high: float) -> tuple[int, float, float]:
    """Between ``low`` and ``high``, the widest stretch the fewest ``stretches`` run through:
    (how many, from, to). One sweep along the page: a page may hold many thousands."""
    events = sorted([(a, 1) for a, _ in stretches] + [(b, -1) for _, b in stretches])
    count = sum(change for x, change in events if x <= low)
    points = [low] + sorted({x for x, _ in events if low < x < high}) + [high]
    changes = iter([(x, change) for x, change in events if low < x < high])
    pending = next(changes, None)
    best = None
    for p, q in zip(points, points[1:]):
        while pending is not None and pending[0] <= p:
            count += pending[1]
            pending = next(changes, None)
        if best is None or count < best[0]:
            best = [count, p, q]
        elif count == best[0] and best[2] == p:
            best[2] = q                                 # the same stretch goes on
        elif count == best[0] and q - p > best[2] - best[1]:
            best = [count, p, q]
    return best[0], best[1], best[2]


def find_gutter(lines: list[list[tuple[float, float]]], size: float) -> Gutter | None:
    """The gutter between two columns on a page whose lines have characters at ``lines`` (each
    line's character boxes as (x0, x1)), in type of ``size`` points; None when the page is not in
    columns."""
    parts = [pieces(spans, size) for spans in lines if spans]
    if len(parts) < MIN_LINES:
        return None
    left = min(p[0][0] for p in parts)
    right = max(p[-1][1] for p in parts)
    across, a, b = _emptiest([piece for p in parts for piece in p],
                             left + 0.3 * (right - left), left + 0.7 * (right - left))
    if 7 * across > len(parts) or b - a < size / 2:
        return None
    gutter = Gutter(a, b, size)
    lefts = [max(x1 for _, x1 in p if x1 <= a) - p[0][0] for p in parts if p[0][1] <= a]
    rights = [p[-1][1] - min(x0 for x0, _ in p if x0 >= b) for p in parts if p[-1][0] >= b]
    if 4 * min(len(lefts), len(rights)) < len(parts):
        return None                # most lines on one side: a ragged page, not two columns
    if (sorted(lefts)[len(lefts) // 2] < SIDE_FULL * (a - left)
            or sorted(rights)[len(rights) // 2] < SIDE_FULL * (right - b)):
        return None                # a side of short pieces: a table's cells, not a column
    return gutter


def crosses(spans: list[tuple[float, float]], gutter: Gutter) -> bool:
    """Does a line run through the gutter (a title over both columns)?"""
    return any(a < gutter.middle < b for a, b in pieces(spans, gutter.size))


def bands(tops: list[tuple[float, float, bool]]) -> list[tuple[float, float] | int]:
    """The page's reading order from its lines' (top, bottom, crosses) in order down the page:
    each run of lines beside the gutter as its (top, bottom) band, to be read left column first,
    and each line across the gutter as its index."""
    out: list[tuple[float, float] | int] = []
    start = None
    for n, (top, bottom, across) in enumerate(tops):
        if across:
            if start is not None:
                out.append((start, tops[n - 1][1]))
                start = None
            out.append(n)
        elif start is None:
            start = top
    if start is not None:
        out.append((start, tops[-1][1]))
    return out


def between(lines: list) -> float | None:
    """Where one page's lines (readers.pdf.Line) part into columns: midway from the left column's
    furthest end to the right column's nearest start; None for a page not read in two."""
    ends = [line.x1 for line in lines if line.column == 1]
    starts = [line.x0 for line in lines if line.column == 2]
    return (max(ends) + min(starts)) / 2 if ends and starts else None


def fill_in(pages: list) -> list:
    """Pages of lines (readers.pdf.Line) where a page in a document set in columns that holds only
    one column's lines (the end of a section, the columns not balanced) has them marked as that
    column too: measured against the whole page, each of its lines would look short."""
    middles = sorted(middle for middle in map(between, pages) if middle is not None)
    if not middles:
        return pages
    middle = middles[len(middles) // 2]
    out = []
    for page in pages:
        if page and all(line.column == 0 for line in page):
            if all(line.x1 < middle for line in page):
                page = [line._replace(column=1) for line in page]
            elif all(line.x0 > middle for line in page):
                page = [line._replace(column=2) for line in page]
        out.append(page)
    return out
