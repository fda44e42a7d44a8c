"""Zip archives (.zip): the reports in the files they hold, each read as a file of its own.

Government sites offer a notice's attachments as one 附件.zip, and people keep them so. Each
member of a readable format is read by its reader under the name ``附件.zip/三亚.docx`` (what
its title, place and year are found from, as for a file in a folder); the archive becomes a
Document of parts, which the pipeline cleans and splits one by one. A member that cannot be
read is said (``limits.note``) and the others are indexed; an archive with nothing readable is
skipped with the reasons. Names written by Chinese Windows (GBK, without zip's UTF-8 flag) are
decoded as such. Archives inside the archive are not opened (one level: a zip bomb cannot nest).
"""
from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import PurePosixPath

from indexer.errors import UnreadableFile
from indexer.ingest.readers import MAX_FILE_BYTES, limits, read_document, supported_name
from indexer.ingest.readers.docx import check_zip
from indexer.model import Document

KIND = "压缩包"
# The text of all members together: each member is limited as a file is, and 200 MB unpacked could
# still hold a hundred reports' worth of limits; past this the other members are counted, not read.
MAX_ARCHIVE_CHARS = 10 * limits.MAX_TEXT_CHARS
_ARCHIVES = {".zip", ".rar", ".7z"}
# What archivers and file managers add beside the files: never a report, never worth a word.
_NOT_FILES = ("__MACOSX/", ".DS_Store", "Thumbs.db", "desktop.ini")


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its writer meant it: zip stores UTF-8 only when flag 0x800 says so;
    Windows archivers write the system's code page (GBK in China), which Python reads as cp437."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437", errors="replace")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _passed_over(name: str) -> bool:
    """Members not worth a word: folders, what archivers add, Office lock files, and files of kinds
    a corpus folder would not show either (pictures …)."""
    base = PurePosixPath(name).name
    return (name.endswith("/") or any(part in name for part in _NOT_FILES) or base.startswith(("~$", "._"))
            or not supported_name(base))


def read_zip(data: bytes, source: str) -> Document:
    check_zip(data, KIND)
    parts: list[Document] = []
    reasons: list[str] = []
    chars = unread = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                name = member_name(info)
                suffix = PurePosixPath(name).suffix.lower()
                if _passed_over(name):
                    continue
                if chars > MAX_ARCHIVE_CHARS:
                    unread += 1
                    continue
                reason = _member_reason(info, suffix)
                if reason is None:
                    try:
                        member = limits.read_member(archive, info.filename, MAX_FILE_BYTES)
                        parts.append(read_document(member, f"{source}/{name}"))
                        chars += _chars(parts[-1])
                        continue
                    except UnreadableFile as exc:
                        reason = str(exc)
                    except NotImplementedError:
                        reason = "压缩方式不受支持，请解压后放入语料目录"
                    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
                        reason = "已损坏或不完整"
                reasons.append(f"{name}：{reason}")
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise UnreadableFile(f"{KIND}已损坏或不完整") from None
    if not parts:
        raise UnreadableFile(f"{KIND}里没有可读取的报告文件" + (f"（{'；'.join(reasons[:3])}）" if reasons else ""))
    for reason in reasons:
        limits.note(f"压缩包内 {reason}")
    if unread:
        limits.note(f"压缩包内文件的正文合计超过 {MAX_ARCHIVE_CHARS // 10_000} 万字，其余 {unread} 个文件未读取；请解压后放入语料目录")
    return Document(source=source, parts=parts)


def _chars(doc: Document) -> int:
    if doc.reports is not None:
        return sum(len(block.text) for report in doc.reports for block in report.blocks)
    return sum(map(len, doc.blocks))


def _member_reason(info: zipfile.ZipInfo, suffix: str) -> str | None:
    """Why a member of a known kind cannot be read, before reading it; None if it may be."""
    if suffix in _ARCHIVES:
        return "压缩包里的压缩包不会再解压，请先解压"
    if info.flag_bits & 0x1:
        return "已加密（设有密码），无法读取"
    if info.file_size > MAX_FILE_BYTES:
        return f"文件过大（{info.file_size // (1024 * 1024)} MB，上限 {MAX_FILE_BYTES // (1024 * 1024)} MB）"
    return None
