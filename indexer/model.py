"""Data objects that flow through the indexing pipeline.

files → (readers) Document → (reports) Report → (paragraphs) Paragraph → index
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Joins a paragraph's heading path (一、… › （一）…) and, where a paragraph is named, its
# report's title to that path: the stored ``section`` field, citations and the CLI all use it.
SECTION_SEPARATOR = " › "


@dataclass
class Document:
    """Text extracted from one file, before it is split into reports.

    ``blocks`` are the file's text blocks in order (lines or HTML block elements);
    ``headings`` marks the blocks the source format itself declared as headings
    (HTML <h2>, Word heading styles), by index into ``blocks``.
    """

    source: str                      # path relative to the corpus folder
    title: str = ""
    blocks: list[str] = field(default_factory=list)
    headings: set[int] = field(default_factory=set)
    meta: dict[str, str] = field(default_factory=dict)
    # A file that already knows its report boundaries (one report per CSV row)
    # sets this, and report splitting is skipped.
    reports: list["Report"] | None = None
    # A file that holds files (a .zip): each read as a file of its own, cleaned and split apart.
    parts: list["Document"] | None = None


@dataclass
class Block:
    """One cleaned block of a report: a heading or a paragraph candidate."""

    text: str
    heading_level: int = 0           # 0 = body text


@dataclass
class Report:
    title: str
    blocks: list[Block] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)


@dataclass
class Paragraph:
    """The unit of search."""

    id: str
    report_id: str
    report_title: str
    section: str                     # heading path, SECTION_SEPARATOR-joined, may be empty
    ordinal: int                     # position of the paragraph in its report
    source: str
    text: str
    meta: dict[str, str] = field(default_factory=dict)
