"""Stage 2 of indexing: a file → a Document (title, text blocks, metadata).

One module per format; ``read_file`` picks the reader by file extension.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..errors import UnreadableFile
from ..model import Document
from . import html, text

Reader = Callable[[bytes, str], Document]

READERS: dict[str, Reader] = {
    ".txt": text.read_text,
    ".text": text.read_text,
    ".md": text.read_markdown,
    ".markdown": text.read_markdown,
    ".html": html.read_html,
    ".htm": html.read_html,
    ".xhtml": html.read_html,
}

# Files a user plausibly drops into the corpus that we recognise but cannot read.
KNOWN_UNSUPPORTED = {
    ".doc": "旧版 Word（.doc）格式暂不支持，请另存为 .docx 或 .txt",
    ".wps": "WPS 格式暂不支持，请另存为 .docx 或 .txt",
    ".rtf": "RTF 格式暂不支持，请另存为 .txt",
}

MAX_FILE_BYTES = 64 * 1024 * 1024


def supported(path: Path) -> bool:
    suffix = path.suffix.lower()
    return suffix in READERS or suffix in KNOWN_UNSUPPORTED


def read_document(data: bytes, source: str) -> Document:
    """Turn a file's bytes into a Document, or raise UnreadableFile with the reason."""
    suffix = Path(source).suffix.lower()
    if suffix in KNOWN_UNSUPPORTED:
        raise UnreadableFile(KNOWN_UNSUPPORTED[suffix])
    reader = READERS.get(suffix)
    if reader is None:
        raise UnreadableFile(f"不支持的文件类型：{suffix or '（无扩展名）'}")
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(f"文件过大（{len(data) // (1024 * 1024)} MB，上限 {MAX_FILE_BYTES // (1024 * 1024)} MB）")
    return reader(data, source)
