"""Word 97–2003 documents (.doc, and .wps files saved in the same format): the main text, in order.

A .doc is an OLE compound file (opened with olefile) whose ``WordDocument`` stream holds the
text, decoded by readers.word97: the main text only, without headers, footers, footnotes,
comments, text boxes and images. The text carries its own structure as control characters:
paragraph marks end blocks, cell and row marks make table rows (one line per row, cells joined
with " | ", one block per table, as the .docx reader does), fields keep their result and lose
their instruction. Which paragraph mark ends a table row, and which paragraphs sit in a cell, is
read from the paragraph properties.

Offices often save HTML, RTF, Word 2003 XML, plain text or .docx under a .doc name (and an .rtf
may hold any of them), so a file is read by what it holds, not by its name. Parsing needs no decompression and
allocates at most the file's streams and its ccpText characters, so it runs in-process (unlike
PDFs, see readers.isolate).
"""
from __future__ import annotations

import io
import re
import struct

from indexer.errors import UnreadableFile
from indexer.model import Document
from indexer.ingest.readers import OLE_MAGIC, limits, reader_for, word97
from indexer.ingest.readers.word97 import CELL, CELL_PARAGRAPH, DAMAGED, ENCRYPTED, PARAGRAPH, ROW, WORD95

LINE_BREAK, PAGE_BREAK, COLUMN_BREAK = "\x0b", "\x0c", "\x0e"
FIELD_BEGIN, FIELD_SEPARATOR, FIELD_END = "\x13", "\x14", "\x15"

LOCK_FILE = "这是 Office 打开文档时留下的临时锁定文件（~$ 开头），不含正文，已跳过"
NOT_WORD = "不是可识别的 Word 文档（文件内容不是 Word 97–2003 格式），已跳过"
WPS_OTHER = "这个 .wps 文件不是 Word 兼容格式（可能是早期 WPS 专有格式），暂不支持，请用 WPS 另存为 .docx"
# Other Office 97–2003 files under a Word name, by the stream that tells them: read as what they are.
_OTHER_OFFICE = {"Workbook": ".xls", "Book": ".xls", "PowerPoint Document": ".ppt"}


# --- telling what a file holds ----------------------------------------------------------------

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def sniff(data: bytes) -> str:
    """What the bytes are, whatever the file is called: "ole", "zip", "html", "mhtml", "rtf",
    "wordxml", "text" or "binary"."""
    if data.startswith(OLE_MAGIC[:4]):     # the first four bytes are enough to tell (and to refuse)
        return "ole"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom):]
    head = head.lstrip().lower()
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(b"mime-version:") or (b"\nmime-version:" in head[:1024] and b"multipart/related" in head):
        return "mhtml"
    if head.startswith((b"<html", b"<!doctype html", b"<head", b"<body", b"<meta", b"<!--")):
        return "html"
    if head.startswith(b"<w:worddocument"):
        return "wordxml"
    if head.startswith(b"<?xml"):
        if b"<w:worddocument" in head or b'progid="word.document"' in head:
            return "wordxml"
        if b"<html" in head:
            return "html"
    if b"\x00" not in data[:4096]:
        return "text"
    return "binary"


def read_doc(data: bytes, source: str) -> Document:
    """A .doc file, read by what it holds (Word 97–2003, .docx, RTF, Word 2003 XML, HTML, MHTML or
    plain text)."""
    return read_by_content(data, source, NOT_WORD)


def read_wps(data: bytes, source: str) -> Document:
    """A .wps file: WPS Office writes the Word 97–2003 format under this name; others are refused."""
    return read_by_content(data, source, WPS_OTHER)


def read_by_content(data: bytes, source: str, not_word: str) -> Document:
    """Whatever a word processor's file holds, read as what it is; ``not_word`` says why not."""
    name = source.replace("\\", "/").rsplit("/", 1)[-1]
    kind = sniff(data)
    if name.startswith("~$") and kind != "ole" and len(data) < 4096:
        raise UnreadableFile(LOCK_FILE)
    if kind == "ole":
        return word_document(data, source, not_word)
    if kind == "zip":
        from indexer.ingest.readers.docx import read_docx
        return read_docx(data, source)
    if kind == "html":
        from indexer.ingest.readers.html import read_html
        return read_html(data, source)
    if kind == "mhtml":
        from indexer.ingest.readers.mhtml import read_mhtml
        return read_mhtml(data, source)
    if kind == "rtf":
        from indexer.ingest.readers.rtf import read_rtf
        return read_rtf(data, source)
    if kind == "wordxml":
        from indexer.ingest.readers.wordxml import read_wordxml
        return read_wordxml(data, source)
    if kind == "text":
        from indexer.ingest.readers.text import read_text
        return read_text(data, source)
    if data[:2] in (b"\xdb\xa5", b"\xdc\xa5"):        # Word 1.x/2.0, before OLE files
        raise UnreadableFile(WORD95)
    raise UnreadableFile(not_word)


# --- the compound file -----------------------------------------------------------------------

def word_document(data: bytes, source: str, not_word: str = NOT_WORD) -> Document:
    """A Document from the bytes of an OLE compound file holding a Word 97–2003 document."""
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception:                 # olefile raises OSError or its own errors on a damaged header
        raise UnreadableFile(DAMAGED) from None
    try:
        if not ole.exists("WordDocument"):
            if ole.exists("EncryptedPackage"):      # a .docx with an open password
                raise UnreadableFile(ENCRYPTED)
            for stream, suffix in _OTHER_OFFICE.items():
                if ole.exists(stream):
                    return reader_for(suffix)(data, source)
            raise UnreadableFile(not_word)
        word = _stream(ole, "WordDocument")
        fib = word97.read_fib(word)
        table = _stream(ole, fib.table_stream) if ole.exists(fib.table_stream) else None
        if table is None:
            raise UnreadableFile(DAMAGED)
        data_stream = _stream(ole, "Data") if ole.exists("Data") else b""
        created = _created(ole)
    except UnreadableFile:
        raise
    except Exception:                 # a broken directory or sector chain
        raise UnreadableFile(DAMAGED) from None
    finally:
        ole.close()
    try:
        pieces = word97.read_pieces(word97.stream_slice(table, fib.fc_clx, fib.lcb_clx))
        text = word97.piece_text(word, pieces, fib.ccp_text)
    except (struct.error, IndexError, ValueError):
        raise UnreadableFile(DAMAGED) from None
    try:
        props = word97.paragraph_properties(word, table, data_stream, fib)
    except (UnreadableFile, struct.error, IndexError, ValueError):
        props = []                    # damaged properties: the text stands, tables come out as cells
    text = word97.mark_tables(text, pieces, props)
    try:
        deleted = word97.deleted_runs(word, table, fib)
    except (UnreadableFile, struct.error, IndexError, ValueError):
        deleted = []                  # damaged properties: read as if nothing was struck out
    text = word97.drop_deleted(text, pieces, deleted)
    doc = Document(source=source, blocks=limits.cap_blocks(text_blocks(strip_fields(text))))
    if created:
        doc.meta["file_date"] = created
    return doc


def _stream(ole, name: str) -> bytes:
    return ole.openstream(name).read()


def _created(ole) -> str | None:
    """The create date of the SummaryInformation property set, as docx's: a low-trust file_date.

    Read here rather than through olefile's get_metadata, whose property parser loops over any
    vector count a file declares (a damaged one took minutes). The title is left out: real files
    carry a template's ("XXX（单位）20XX年度…") or an office's name."""
    try:
        stream = _stream(ole, "\x05SummaryInformation")
    except Exception:                 # missing or damaged: the date is not worth refusing the text
        return None
    return word97.summary_created(stream)


# --- from the marked text to blocks -----------------------------------------------------------

def strip_fields(text: str) -> str:
    """Fields (begin instruction separator result end) keep their result, lose their instruction;
    a field without a separator (a page number's code, an index entry) leaves nothing."""
    if FIELD_BEGIN not in text and FIELD_SEPARATOR not in text and FIELD_END not in text:
        return text
    out = []                          # stray separators and ends (damaged nesting) are dropped
    stack: list[bool] = []            # per open field: its result has begun
    hidden = 0                        # open fields still in their instruction
    for char in text:
        if char == FIELD_BEGIN:
            stack.append(False)
            hidden += 1
        elif char == FIELD_SEPARATOR:
            if stack and not stack[-1]:
                stack[-1] = True
                hidden -= 1
        elif char == FIELD_END:
            if stack and not stack.pop():
                hidden -= 1
        elif not hidden:
            out.append(char)
    return "".join(out)


_SEPARATORS = re.compile(f"([{PARAGRAPH}{PAGE_BREAK}{COLUMN_BREAK}{CELL}{ROW}{CELL_PARAGRAPH}])")
_CONTROL = re.compile(r"[\x00-\x08\x0c-\x1f\x7f]")     # pictures, footnote and comment references, …


def _clean(text: str) -> str:
    return _CONTROL.sub("", text.replace("\x1e", "-").replace("\xa0", " ").replace("\t", " ").replace("\n", " "))


def text_blocks(text: str) -> list[str]:
    """Blocks from a document's marked text: a paragraph per block (a manual line break starts
    one too, as in the .docx reader), and a table as one block, a row per line, cells joined by
    " | ". Cell and row marks without the properties that tell a row's end come out as cells."""
    blocks: list[str] = []
    rows: list[str] = []              # of the table being read
    cells: list[str] = []             # of the row being read
    cell: list[str] = []              # paragraphs of the cell being read

    def flush_table() -> None:
        if cells:
            rows.append(" | ".join(cells))
            cells.clear()
        if rows:
            blocks.append("\n".join(rows))
            rows.clear()

    parts = _SEPARATORS.split(text)
    for i in range(0, len(parts), 2):
        words = _clean(parts[i])
        mark = parts[i + 1] if i + 1 < len(parts) else PARAGRAPH
        if mark == CELL_PARAGRAPH:
            cell.append(words)
        elif mark == CELL:
            cell.append(words)
            joined = " ".join(" ".join(cell).split())
            cell.clear()
            if joined:
                cells.append(joined)
        elif mark == ROW:
            if cells:
                rows.append(" | ".join(cells))
                cells.clear()
        else:
            flush_table()
            blocks += [line.strip() for line in words.split(LINE_BREAK) if line.strip()]
    flush_table()
    return blocks
