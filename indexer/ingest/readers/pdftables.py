"""Ruled tables on a PDF page, read a row at a time.

Read as lines of text, a table's row runs its cells together (新建农村饮水 处 12 13 108%), and a cell
whose text wraps leaves the rest on a line of its own (安全工程): the project is found by neither
half. Where a page's ruling lines make a table (two rows and two columns at least: a frame round
the text is none), each row becomes one block, its cells joined with " | " as a Word table's are
(readers.blocks.row_line), a wrapped cell's lines joined again, and the table's text is taken out
of the page's lines.

Pure functions; the PDF reader finds the tables (pdfplumber) and gives their rows here.
"""
from __future__ import annotations

import functools

from indexer.ingest.readers.blocks import joined_line

# Crossings of horizontal and vertical ruling lines on a page past which tables are not looked for:
# finding them grows steeply with the crossings (a 100 × 100 grid takes seconds), and a table of
# 120 rows and 9 columns has about 1,100; so many are a drawing or a chart's grid.
MAX_CROSSINGS = 5000


def too_dense(edges: list[tuple[str, float]]) -> bool:
    """Do the page's ruling lines, as (orientation "h" or "v", position), cross too often to look
    for tables among them?"""
    across = {round(at) for way, at in edges if way == "h"}
    down = {round(at) for way, at in edges if way == "v"}
    return len(across) * len(down) > MAX_CROSSINGS


def cell_text(text: str | None) -> str:
    """A cell's lines as one text, joined as a PDF's lines are (readers.blocks.joined_line)."""
    lines = [line.strip() for line in (text or "").split("\n") if line.strip()]
    return functools.reduce(joined_line, lines) if lines else ""


def row_text(cells: list[str | None]) -> str:
    """A row's cells with text, joined with " | " as a Word table's row is (readers.blocks.row_line;
    a merged cell is given once here, so two cells alike are two cells)."""
    return " | ".join(text for text in map(cell_text, cells) if text)


def is_table(cells: list[list]) -> bool:
    """Two rows and two columns with text at least."""
    return len(cells) >= 2 and max(sum(1 for cell in row if cell) for row in cells) >= 2


def place(lines: list, rows: list) -> list:
    """``lines`` in reading order with each table row put before the first line below it in its
    column (a row of column 0 before the first line below it in any), or at the end."""
    out = list(lines)
    for row in sorted(rows, key=lambda row: row.top):
        at = next((n for n, line in enumerate(out) if line.top > row.top and not line.whole
                   and (row.column == 0 or line.column == row.column)), len(out))
        out.insert(at, row)
    return out
