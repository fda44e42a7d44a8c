"""Plain text and Markdown: every non-empty line is a block (both blank lines and single
line breaks separate paragraphs in real reports)."""
from __future__ import annotations

import re

from indexer.ingest.decode import decode_bytes
from indexer.model import Document
from indexer.ingest.readers import limits

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_INLINE = re.compile(r"(\*\*|__|`|~~)")
_MD_LIST = re.compile(r"^\s*([-*+]|>)\s+")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def split_lines(text: str) -> list[str]:
    return [line for line in (raw.strip() for raw in text.splitlines()) if line]


def read_text(data: bytes, source: str) -> Document:
    return Document(source=source, blocks=limits.cap_blocks(split_lines(decode_bytes(data))))


def read_markdown(data: bytes, source: str) -> Document:
    doc = Document(source=source)
    for line in limits.cap_blocks(split_lines(decode_bytes(data))):
        m = _MD_HEADING.match(line)
        if m:
            heading = _MD_INLINE.sub("", m.group(2))
            if len(m.group(1)) == 1 and not doc.title:
                doc.title = heading
                continue
            doc.headings.add(len(doc.blocks))
            doc.blocks.append(heading)
            continue
        line = _MD_LINK.sub(r"\1", _MD_LIST.sub("", line))
        line = _MD_INLINE.sub("", line)
        if line.strip("-*_ ") :
            doc.blocks.append(line)
    return doc
