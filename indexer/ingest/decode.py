"""Bytes of a file → str.

In the flow files → text → clean → reports → paragraphs → analysis → index, this is text, for
the readers of plain text, tables and web pages.

Reports arrive as UTF-8 (with or without BOM), UTF-16 (often without BOM when exported
from old Windows tools) and GB18030/GBK. Strict decoders are tried in order of how
unambiguous they are; charset-normalizer is the last resort.
"""
from __future__ import annotations

import codecs
import re

from indexer.errors import UnreadableFile

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _utf16_without_bom(data: bytes) -> str | None:
    """Guess BOM-less UTF-16 from where the NUL bytes sit (ASCII and CJK both leave some)."""
    if len(data) < 4 or len(data) % 2:
        return None
    sample = data[:4096]
    even_nul = sample[0::2].count(0)
    odd_nul = sample[1::2].count(0)
    half = len(sample) // 2
    for encoding, nul in (("utf-16-le", odd_nul), ("utf-16-be", even_nul)):
        if nul > half * 0.1 and nul > 2 * (even_nul + odd_nul - nul):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def _utf8_and_gbk(line: bytes) -> str:
    """A line with UTF-8 and GBK text side by side (pasted in mid-line), read piece by piece.

    Chinese in UTF-8 is three bytes, in GBK two: take a valid three-byte UTF-8 character, else a
    GBK pair, else one replacement character for a byte that is neither.
    """
    out, i, n = [], 0, len(line)
    while i < n:
        b = line[i]
        if b < 0x80:
            out.append(chr(b))
            i += 1
            continue
        for width, encoding in ((3, "utf-8"), (4, "utf-8"), (2, "gb18030"), (2, "utf-8")):
            try:
                char = line[i:i + width].decode(encoding)
            except UnicodeDecodeError:
                continue
            if len(char) == 1:
                out.append(char)
                i += width
                break
        else:
            out.append("\ufffd")
            i += 1
    return "".join(out)


def _mixed_lines(data: bytes) -> str | None:
    """Mostly-UTF-8 files with a few GBK lines (pasted from another source) decode line by line.

    Whole-file GB18030 would "succeed" on such a file and turn every UTF-8 line into mojibake.
    """
    lines = data.split(b"\n")
    non_ascii = [line for line in lines if not line.isascii()]
    if not non_ascii:
        return None
    utf8_ok = 0
    for line in non_ascii:
        try:
            line.decode("utf-8")
            utf8_ok += 1
        except UnicodeDecodeError:
            pass
    if utf8_ok < 0.5 * len(non_ascii):
        return None
    out = []
    for line in lines:
        for encoding in ("utf-8", "gb18030"):
            try:
                out.append(line.decode(encoding))
                break
            except UnicodeDecodeError:
                continue
        else:
            out.append(_utf8_and_gbk(line))
    text = "\n".join(out)
    return text if _looks_like_text(text) else None


# Control characters other than tab, line feed, form feed and carriage return; and U+FFFD, what a
# decoder puts for bytes it could not read.
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ufffd]")


def _looks_like_text(text: str) -> bool:
    if not text:
        return True
    head = text[:20000]
    return len(_NOT_TEXT.findall(head)) <= max(2, len(head) // 200)


def decode_bytes(data: bytes, limit: bool = True) -> str:
    """Decode a report file, or raise UnreadableFile saying why.

    With ``limit``, text too long to be a report is refused (readers.limits); the HTML reader
    turns it off because markup is not text, and limits the page by its own rules.
    """
    # Imported here: readers imports this module.
    from indexer.ingest.readers import limits

    if limit:
        limits.check_text_bytes(len(data))
    text = _decode_any(data)
    if limit:
        limits.check_text_chars(text)
    return text


def _decode_any(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise UnreadableFile(f"文件以 {encoding} 标记开头，但内容无法按此编码解码：{exc.reason}") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and _looks_like_text(text):
        return text
    text = _utf16_without_bom(data)
    if text is not None and _looks_like_text(text):
        return text
    text = _mixed_lines(data)
    if text is not None:
        return text
    if b"\x00" not in data:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            text = None
        if text is not None and _looks_like_text(text):
            return text
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        text = str(best)
        if _looks_like_text(text):
            return text
    raise UnreadableFile("无法识别文件编码，或文件不是文本（可能是二进制文件）")
