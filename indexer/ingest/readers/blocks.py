"""What the word processors' readers share (.docx, .doc's kin .rtf, .odt, Word 2003 XML, slides):
which style names make a heading or the title, how a table row becomes a line, and a Document
collected block by block within the per-file limits.
"""
from __future__ import annotations

import re
from typing import Iterable

from indexer.ingest.readers import limits
from indexer.model import Document

HEADING_STYLE = re.compile(r"^(heading|标题)\s*(\d)$", re.I)
TITLE_STYLE = re.compile(r"^(title|标题)$", re.I)
_CJK_EDGE = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


def joined_line(left: str, right: str) -> str:
    """Two pieces of text a layout broke apart (a PDF's lines, a table cell's): joined directly
    where either side is Chinese, else by a space."""
    if _CJK_EDGE.match(left[-1:]) or _CJK_EDGE.match(right[:1]):
        return left + right
    return left + " " + right


def joined_title(left: str, right: str) -> str:
    """Two lines of one title: no space between Chinese characters."""
    return left + right if _CJK_EDGE.match(left[-1:]) and _CJK_EDGE.match(right[:1]) else f"{left} {right}"


def row_line(cells: Iterable[str]) -> str:
    """A table row as one line, its cells joined with " | ": empty cells left out, and a merged
    cell, which the formats give once per grid column it spans, said once."""
    out: list[str] = []
    for text in cells:
        if text and (not out or out[-1] != text):
            out.append(text)
    return " | ".join(out)


class Blocks:
    """A Document collected as a reader meets its paragraphs: the text's length checked as it grows,
    blocks past MAX_PARAGRAPHS_PER_FILE counted, not kept (a hostile file cannot fill memory with
    them), Title-style paragraphs in a row joined into the title."""

    def __init__(self, source: str = ""):
        self.doc = Document(source=source)
        self.chars = self.left_out = 0
        self._title_end = -1                 # where the blocks stood when the title's last line came

    def add(self, text: str, heading: bool = False) -> None:
        self.chars += len(text)
        limits.check_text_length(self.chars)
        if len(self.doc.blocks) >= limits.MAX_PARAGRAPHS_PER_FILE:
            self.left_out += 1
            return
        if heading:
            self.doc.headings.add(len(self.doc.blocks))
        self.doc.blocks.append(text)

    def title(self, text: str) -> bool:
        """Take a Title-style paragraph as the title, or as its next line; False (nothing taken)
        once other text came after the title: then it is body text."""
        doc = self.doc
        if doc.title and self._title_end != len(doc.blocks):
            return False
        doc.title = joined_title(doc.title, text) if doc.title else text
        self._title_end = len(doc.blocks)
        return True

    def done(self) -> Document:
        """The Document, having said how many blocks were left out."""
        if self.left_out:
            limits.note_left_out(len(self.doc.blocks), self.left_out)
        return self.doc
