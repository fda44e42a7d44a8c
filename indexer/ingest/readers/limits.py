"""Size limits that keep one hostile or broken file from taking the indexer's memory or time.

Each limit is far above any real report, raises UnreadableFile with a reason a user can act
on, and is checked before the expensive step (decoding, parsing, unzipping).
"""
from __future__ import annotations

import contextlib
import contextvars
import re
import zipfile

from indexer.errors import UnreadableFile

# A file's text: 2 million characters is about a thousand printed pages. Indexing costs about
# 4 s and 120 MB per million characters on one line, so a 50 MB one-line file (~17 million
# characters) would take minutes and gigabytes; it is reported instead.
MAX_TEXT_CHARS = 2_000_000
# No text encoding needs more than 4 bytes a character: a bigger file cannot pass MAX_TEXT_CHARS,
# so it is refused before decoding.
MAX_TEXT_BYTES = 4 * MAX_TEXT_CHARS
# Saved web pages carry markup, inline styles and base64 images besides the text.
MAX_HTML_BYTES = 16 * 1024 * 1024
# Real pages nest a few dozen elements deep; deeper elements are flattened into their parent.
MAX_HTML_DEPTH = 128
# ...and its characters outside tags: a page whose text alone is over MAX_TEXT_CHARS is refused
# before it is parsed (a 16 MB page took 68 s and 1.2 GB to parse, only to be refused after).
MAX_HTML_TAGS = 300_000
# Zip containers (.docx): the whole unpacked size, the packing ratio and the number of members.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 100
MAX_ZIP_MEMBERS = 10_000
# Tables (.csv/.json/.jsonl) hold many reports: limited per report (MAX_TEXT_CHARS per row) and
# in the number of rows, not as one text. 480,000 tiny rows cost 279 s, 6.5 GB and a 1.2 GB
# index; every report also makes later runs compare against it (dedup).
MAX_REPORTS_PER_FILE = 10_000
# Paragraphs of one file, whatever its format (a 387 KB .docx held 242,001 paragraphs).
MAX_PARAGRAPHS_PER_FILE = 50_000
# PDF: the decompressed size of a page's content streams (a 179 KB file inflated to 23.7 GB),
# and what the child process that parses PDFs may use (see readers.isolate).
MAX_PDF_PAGE_CONTENT = 16 * 1024 * 1024
MAX_PDF_CONTENT = 128 * 1024 * 1024
PDF_MEMORY_BYTES = 640 * 1024 * 1024     # the child's address space; the indexer stays under 1 GB
PDF_PAGE_SECONDS = 20
PDF_FILE_SECONDS = 300


_TAG = re.compile(r"<[^<>]*>")


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def check_text_bytes(size: int) -> None:
    if size > MAX_TEXT_BYTES:
        raise UnreadableFile(f"文本文件过大（{_mb(size)}，上限 {_mb(MAX_TEXT_BYTES)}），不像一篇报告，已跳过；请拆分成多个文件")


def check_text_chars(text: str) -> None:
    check_text_length(len(text))


def check_text_length(length: int) -> None:
    if length > MAX_TEXT_CHARS:
        raise UnreadableFile(f"正文过长（{length // 10000} 万字，上限 {MAX_TEXT_CHARS // 10000} 万字），"
                             "不像一篇报告，已跳过；请拆分成多个文件")


def check_html_bytes(size: int) -> None:
    if size > MAX_HTML_BYTES:
        raise UnreadableFile(f"网页文件过大（{_mb(size)}，上限 {_mb(MAX_HTML_BYTES)}），已跳过")


def check_html_text(markup: str) -> None:
    """Refuse a page by its number of tags and its text length, before it is parsed."""
    tags = markup.count("<")
    if tags > MAX_HTML_TAGS:
        raise UnreadableFile(f"网页元素过多（约 {tags // 10000} 万个，上限 {MAX_HTML_TAGS // 10000} 万个），已跳过")
    # Characters outside tags bound the text from above (scripts and styles included).
    text = len(markup) - sum(len(m) for m in _TAG.findall(markup))
    if text > MAX_TEXT_CHARS:
        raise UnreadableFile(f"网页正文过长（约 {text // 10000} 万字，上限 {MAX_TEXT_CHARS // 10000} 万字），"
                             "不像一篇报告，已跳过；请拆分成多个文件")


# --- what was left out of a file that is indexed in part -------------------------------------

_notes: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("limits_notes", default=None)


@contextlib.contextmanager
def noting():
    """Collect the notes readers make while one file is read (see ``note``)."""
    notes: list[str] = []
    token = _notes.set(notes)
    try:
        yield notes
    finally:
        _notes.reset(token)


def note(message: str) -> None:
    """Say (in Chinese) what a reader left out of a file it still indexes; the run reports it.

    A side channel, because what a reader returns goes through the pipeline's pure stages,
    which keep only the text."""
    notes = _notes.get()
    if notes is not None:
        notes.append(message)


def cap_blocks(blocks: list, kind: str = "段落") -> list:
    """The first MAX_PARAGRAPHS_PER_FILE blocks, noting how many were left out."""
    if len(blocks) <= MAX_PARAGRAPHS_PER_FILE:
        return blocks
    note_left_out(MAX_PARAGRAPHS_PER_FILE, len(blocks) - MAX_PARAGRAPHS_PER_FILE, kind)
    return blocks[:MAX_PARAGRAPHS_PER_FILE]


def note_left_out(kept: int, left_out: int, kind: str = "段落") -> None:
    """Say that a file had more blocks than MAX_PARAGRAPHS_PER_FILE (readers that count the rest
    without keeping them, so a hostile file cannot fill memory with them)."""
    note(f"{kind}过多（{kept + left_out} 个），只索引前 {kept} 个，其余 {left_out} 个已跳过")


def check_zip(zf: zipfile.ZipFile, packed_size: int) -> None:
    """Refuse a zip (e.g. a .docx) that would unpack to far more than it weighs: a zip bomb.

    Uses the sizes the archive declares; ``read_member`` also stops a member that lies about its size.
    """
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise UnreadableFile(f"压缩包内文件过多（{len(infos)} 个），可能是恶意文件，已跳过")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNZIPPED_BYTES:
        raise UnreadableFile(f"解压后过大（{_mb(total)}，上限 {_mb(MAX_UNZIPPED_BYTES)}），可能是恶意文件（压缩炸弹），已跳过")
    if total > 1024 * 1024 and total > MAX_ZIP_RATIO * max(packed_size, 1):
        raise UnreadableFile(f"压缩比异常（{total // max(packed_size, 1)} 倍），可能是恶意文件（压缩炸弹），已跳过")


def read_member(zf: zipfile.ZipFile, name: str, limit: int = MAX_UNZIPPED_BYTES) -> bytes:
    """One member's bytes, stopping at ``limit`` even when its declared size is false."""
    with zf.open(name) as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise UnreadableFile(f"压缩包成员 {name} 解压后超过 {_mb(limit)}，可能是恶意文件（压缩炸弹），已跳过")
    return data
