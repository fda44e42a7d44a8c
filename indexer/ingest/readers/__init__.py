"""A file → a Document (title, text blocks, metadata).

In the flow files → text → clean → reports → paragraphs → analysis → index, this is text.

One module per format; ``read_document`` picks the reader by file extension.
"""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Callable

from indexer.errors import UnreadableFile
from indexer.model import Document

Reader = Callable[..., Document]          # (data, source, **options) → Document
# The compound-file signature every Word and Excel 97–2003 file opens with, whatever its name.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Each reader by module and function, imported when a file of its kind is first read: a run that
# reads only text files (or none, when nothing changed) never loads BeautifulSoup or pdfplumber.
READERS: dict[str, tuple[str, str]] = {
    ".txt": ("text", "read_text"),
    ".text": ("text", "read_text"),
    ".md": ("text", "read_markdown"),
    ".markdown": ("text", "read_markdown"),
    ".html": ("html", "read_html"),
    ".htm": ("html", "read_html"),
    ".xhtml": ("html", "read_html"),
    ".mhtml": ("mhtml", "read_mhtml"),
    ".mht": ("mhtml", "read_mhtml"),
    ".docx": ("docx", "read_docx"),
    ".doc": ("doc", "read_doc"),
    ".wps": ("doc", "read_wps"),
    ".rtf": ("rtf", "read_rtf"),
    ".odt": ("odt", "read_odt"),
    ".pptx": ("pptx", "read_pptx"),
    ".ppt": ("ppt", "read_ppt"),
    ".pps": ("ppt", "read_ppt"),             # a PowerPoint show: the .ppt format, opened as a show
    ".dps": ("ppt", "read_dps"),             # WPS 演示: PowerPoint's format under WPS's name
    ".ppsx": ("pptx", "read_pptx"),          # the same of .pptx
    ".pdf": ("pdf", "read_pdf"),
    ".ofd": ("ofd", "read_ofd"),
    ".csv": ("tabular", "read_csv"),
    ".tsv": ("tabular", "read_csv"),
    ".json": ("tabular", "read_json"),
    ".jsonl": ("tabular", "read_jsonl"),
    ".xlsx": ("sheets", "read_sheets"),
    ".xls": ("sheets", "read_sheets"),
    ".et": ("sheets", "read_sheets"),        # WPS 表格: the .xls format (BIFF8) with a stream of WPS's own
    ".zip": ("archive", "read_zip"),
}


def reader_for(suffix: str) -> Reader | None:
    """The reader of files ending in ``suffix`` (lower case), or None."""
    where = READERS.get(suffix)
    if where is None:
        return None
    return getattr(importlib.import_module(f"{__name__}.{where[0]}"), where[1])

# Files a user plausibly drops into the corpus that we recognise but cannot read.
KNOWN_UNSUPPORTED = {
    ".caj": "CAJ 格式暂不支持，请另存为 PDF",
    ".rar": "RAR 压缩包暂不支持，请先解压到语料目录（.zip 压缩包会直接读取）",
    ".7z": "7z 压缩包暂不支持，请先解压到语料目录（.zip 压缩包会直接读取）",
}

MAX_FILE_BYTES = 64 * 1024 * 1024


def supported(path: Path) -> bool:
    return supported_name(path.name)


def supported_name(name: str) -> bool:
    """supported() for a file name, without making a Path of it (the corpus walk asks for every file)."""
    dot = name.rfind(".")
    suffix = name[dot:].lower() if 0 < dot < len(name) - 1 else ""      # as Path.suffix
    return suffix in READERS or suffix in KNOWN_UNSUPPORTED


def read_document(data: bytes, source: str, **options) -> Document:
    """Turn a file's bytes into a Document, or raise UnreadableFile with the reason.

    ``options`` are passed to readers that take them (a table's column mapping).
    """
    suffix = Path(source).suffix.lower()
    if suffix in KNOWN_UNSUPPORTED:
        raise UnreadableFile(KNOWN_UNSUPPORTED[suffix])
    reader = reader_for(suffix)
    if reader is None:
        raise UnreadableFile(f"不支持的文件类型：{suffix or '（无扩展名）'}")
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(f"文件过大（{len(data) // (1024 * 1024)} MB，上限 {MAX_FILE_BYTES // (1024 * 1024)} MB）")
    return reader(data, source, **options) if options else reader(data, source)
