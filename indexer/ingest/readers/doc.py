"""Word 97–2003 documents (.doc, and .wps files saved in the same format): the main text, in order.

A .doc is an OLE compound file. Its ``WordDocument`` stream starts with the FIB, which says which
table stream (``0Table``/``1Table``) holds the piece table (CLX) and how many characters the main
text has (ccpText); headers, footers, footnotes, comments and text boxes follow the main text and
are left out. Each piece of the piece table is UTF-16LE or 8-bit "compressed" text (cp1252; in
Chinese files it holds the ASCII runs). The text carries its own structure as control characters:
paragraph marks end blocks, cell and row marks make table rows (one line per row, cells joined
with " | ", one block per table, as the .docx reader does), fields keep their result and lose
their instruction. Which paragraph mark ends a table row, and which paragraphs sit in a cell, is
read from the paragraph properties (PAPX pages).

Offices often save HTML, RTF, plain text or .docx under a .doc name, so a file is read by what it
holds, not by its name. Parsing needs no decompression and allocates at most the file's streams
and its ccpText characters, so it runs in-process (unlike PDFs, see readers.isolate).
"""
from __future__ import annotations

import bisect
import datetime
import io
import re
import struct

from indexer.errors import UnreadableFile
from indexer.model import Document
from indexer.ingest.readers import limits

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WORD_IDENT = 0xA5EC
_WORD97_NFIB = 0xC1               # Word 97 and later; Word 6.0/95 wrote 101–105
_FIB_FLAGS = 0x0A
_F_ENCRYPTED = 0x0100
_F_WHICH_TABLE = 0x0200
_PAGE = 512                       # an FKP page of paragraph properties

# The text's own marks (MS-DOC 2.8.x), and two of ours for what the paragraph properties add:
PARAGRAPH, LINE_BREAK, PAGE_BREAK, COLUMN_BREAK = "\r", "\x0b", "\x0c", "\x0e"
CELL = "\x07"                     # ends a table cell, and (with the TTP property) a row
ROW = "\x1c"                      # ours: the mark that ends a table row
CELL_PARAGRAPH = "\x1d"           # ours: a paragraph mark inside a table cell
FIELD_BEGIN, FIELD_SEPARATOR, FIELD_END = "\x13", "\x14", "\x15"

_SPRM_IN_TABLE, _SPRM_TTP, _SPRM_INNER_TTP = 0x2416, 0x2417, 0x244C
_SPRM_HUGE_PAPX, _SPRM_DEF_TABLE, _SPRM_CHG_TABS = 0x6646, 0xD608, 0xC615
_OPERAND = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}   # by spra, the sprm's top 3 bits

DAMAGED = "Word 文件已损坏或不完整，无法读取"
ENCRYPTED = "Word 文档已加密（设置了打开密码），无法读取；请去掉密码后另存"
WORD95 = "Word 6.0/95 及更早格式的文档暂不支持，请用 Word 或 WPS 另存为 .docx"
LOCK_FILE = "这是 Office 打开文档时留下的临时锁定文件（~$ 开头），不含正文，已跳过"
RTF = "这是 RTF 格式的文件（扩展名为 .doc），暂不支持，请用 Word 或 WPS 另存为 .docx"
WORD_XML = "这是 Word 2003 XML 格式的文件，暂不支持，请用 Word 或 WPS 另存为 .docx"
NOT_WORD = "不是可识别的 Word 文档（文件内容不是 Word 97–2003 格式），已跳过"
WPS_OTHER = "这个 .wps 文件不是 Word 兼容格式（可能是早期 WPS 专有格式），暂不支持，请用 WPS 另存为 .docx"
_OTHER_OFFICE = {"Workbook": "Excel 表格", "Book": "Excel 表格", "PowerPoint Document": "演示文稿"}


def _cp1252_table() -> dict[int, str]:
    # The spec's substitutions for 8-bit text are cp1252's; its five undefined bytes stay as Latin-1.
    table = {}
    for b in range(0x80, 0xA0):
        try:
            table[b] = bytes([b]).decode("cp1252")
        except UnicodeDecodeError:
            pass
    return table


_CP1252 = _cp1252_table()


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
    if head.startswith((b"<html", b"<!doctype html", b"<head", b"<body", b"<meta")):
        return "html"
    if head.startswith(b"<?xml"):
        if b"<w:worddocument" in head or b'progid="word.document"' in head:
            return "wordxml"
        if b"<html" in head:
            return "html"
    if b"\x00" not in data[:4096]:
        return "text"
    return "binary"


def read_doc(data: bytes, source: str) -> Document:
    """A .doc file, read by what it holds (Word 97–2003, .docx, HTML, MHTML or plain text)."""
    return _read(data, source, NOT_WORD)


def read_wps(data: bytes, source: str) -> Document:
    """A .wps file: WPS Office writes the Word 97–2003 format under this name; others are refused."""
    return _read(data, source, WPS_OTHER)


def _read(data: bytes, source: str, not_word: str) -> Document:
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
        raise UnreadableFile(RTF)
    if kind == "wordxml":
        raise UnreadableFile(WORD_XML)
    if kind == "text":
        from indexer.ingest.readers.text import read_text
        return read_text(data, source)
    if data[:2] in (b"\xdb\xa5", b"\xdc\xa5"):        # Word 1.x/2.0, before OLE files
        raise UnreadableFile(WORD95)
    raise UnreadableFile(not_word)


# --- the compound file and the FIB ------------------------------------------------------------

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
            for stream, what in _OTHER_OFFICE.items():
                if ole.exists(stream):
                    raise UnreadableFile(f"这是{what}（旧版 Office 格式），不是 Word 文档，已跳过")
            raise UnreadableFile(not_word)
        word = _stream(ole, "WordDocument")
        fib = read_fib(word)
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
        pieces = read_pieces(_slice(table, fib.fc_clx, fib.lcb_clx))
        text = piece_text(word, pieces, fib.ccp_text)
        props = paragraph_properties(word, table, data_stream, fib)
    except (struct.error, IndexError, ValueError):
        raise UnreadableFile(DAMAGED) from None
    text = mark_tables(text, pieces, props)
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
    return summary_created(stream)


_CREATE_DTM, _VT_FILETIME = 12, 64
_FILETIME_EPOCH = datetime.datetime(1601, 1, 1)


def summary_created(stream: bytes) -> str | None:
    """PIDSI_CREATE_DTM of a SummaryInformation stream as YYYY-MM-DD, or None."""
    try:
        section = struct.unpack_from("<I", stream, 28 + 16)[0]     # the first section's offset
        count = struct.unpack_from("<I", stream, section + 4)[0]
        for i in range(min(count, 64)):
            pid, offset = struct.unpack_from("<II", stream, section + 8 + 8 * i)
            if pid != _CREATE_DTM:
                continue
            kind, ticks = struct.unpack_from("<IQ", stream, section + offset)
            if kind != _VT_FILETIME:
                return None
            created = _FILETIME_EPOCH + datetime.timedelta(microseconds=ticks // 10)
            return created.strftime("%Y-%m-%d") if 1990 <= created.year <= 2100 else None
    except (struct.error, OverflowError):
        pass
    return None


class Fib:
    """What this reader needs of the File Information Block."""

    def __init__(self, table_stream: str, ccp_text: int, fc_clx: int, lcb_clx: int,
                 fc_papx: int, lcb_papx: int):
        self.table_stream = table_stream
        self.ccp_text = ccp_text
        self.fc_clx, self.lcb_clx = fc_clx, lcb_clx
        self.fc_papx, self.lcb_papx = fc_papx, lcb_papx


def read_fib(word: bytes) -> Fib:
    """The FIB of a WordDocument stream; raises UnreadableFile for an encrypted, older or broken one."""
    if len(word) < 0x9A:
        raise UnreadableFile(DAMAGED)
    ident, nfib = struct.unpack_from("<HH", word, 0)
    if ident != _WORD_IDENT:
        raise UnreadableFile(DAMAGED)
    if nfib < _WORD97_NFIB:
        raise UnreadableFile(WORD95)
    flags = struct.unpack_from("<H", word, _FIB_FLAGS)[0]
    if flags & _F_ENCRYPTED:
        raise UnreadableFile(ENCRYPTED)
    # FibBase (32 bytes), then three arrays, each after its count: 16-bit words, 32-bit longs
    # (ccpText is the fourth), and fc/lcb pairs (the piece table is the 34th, PlcfBtePapx the 14th).
    at = 0x20
    csw = struct.unpack_from("<H", word, at)[0]
    at += 2 + 2 * csw
    cslw = struct.unpack_from("<H", word, at)[0]
    longs = at + 2
    at = longs + 4 * cslw
    pairs = struct.unpack_from("<H", word, at)[0]
    if cslw < 4 or pairs < 34 or at + 2 + 8 * 34 > len(word):
        raise UnreadableFile(DAMAGED)
    ccp_text = struct.unpack_from("<i", word, longs + 12)[0]
    fc_lcb = at + 2
    fc_clx, lcb_clx = struct.unpack_from("<II", word, fc_lcb + 8 * 33)
    fc_papx, lcb_papx = struct.unpack_from("<II", word, fc_lcb + 8 * 13)
    if ccp_text < 0:
        raise UnreadableFile(DAMAGED)
    limits.check_text_length(ccp_text)
    return Fib("1Table" if flags & _F_WHICH_TABLE else "0Table", ccp_text, fc_clx, lcb_clx, fc_papx, lcb_papx)


def _slice(data: bytes, start: int, length: int) -> bytes:
    if start + length > len(data):
        raise UnreadableFile(DAMAGED)
    return data[start:start + length]


# --- the piece table --------------------------------------------------------------------------

class Piece:
    """Characters [cp, cp_end) of the document, stored at byte ``fc`` of the WordDocument stream."""
    __slots__ = ("cp", "cp_end", "fc", "compressed")

    def __init__(self, cp: int, cp_end: int, fc: int, compressed: bool):
        self.cp, self.cp_end, self.fc, self.compressed = cp, cp_end, fc, compressed

    def __repr__(self) -> str:
        return f"Piece({self.cp}, {self.cp_end}, {self.fc}, {self.compressed})"

    def fc_of(self, cp: int) -> int:
        """The byte offset of character ``cp`` in the WordDocument stream."""
        return self.fc + (cp - self.cp) * (1 if self.compressed else 2)


def read_pieces(clx: bytes) -> list[Piece]:
    """The pieces of a CLX: property runs (0x01) are skipped, then the piece table (0x02)."""
    at = 0
    while at < len(clx) and clx[at] == 0x01:
        at += 3 + struct.unpack_from("<H", clx, at + 1)[0]
    if at >= len(clx) or clx[at] != 0x02:
        raise UnreadableFile(DAMAGED)
    size = struct.unpack_from("<I", clx, at + 1)[0]
    plc = clx[at + 5:at + 5 + size]
    n = (len(plc) - 4) // 12
    if n < 1 or size != len(plc) or (size - 4) % 12:
        raise UnreadableFile(DAMAGED)
    cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
    pieces = []
    for i in range(n):
        fc = struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * i + 2)[0]
        compressed = bool(fc & 0x40000000)
        fc &= 0x3FFFFFFF
        if cps[i + 1] < cps[i]:
            raise UnreadableFile(DAMAGED)
        pieces.append(Piece(cps[i], cps[i + 1], fc // 2 if compressed else fc, compressed))
    return pieces


def piece_text(word: bytes, pieces: list[Piece], ccp_text: int) -> str:
    """The first ``ccp_text`` characters (the main text) as the pieces give them."""
    out = []
    for piece in pieces:
        if piece.cp >= ccp_text:
            break
        count = min(piece.cp_end, ccp_text) - piece.cp
        if piece.compressed:
            raw = _slice(word, piece.fc, count)
            out.append(raw.decode("latin-1").translate(_CP1252))
        else:
            out.append(_slice(word, piece.fc, 2 * count).decode("utf-16-le", errors="replace"))
    return "".join(out)


# --- paragraph properties: which marks end a table row, which paragraphs are in a cell ---------

def paragraph_properties(word: bytes, table: bytes, data_stream: bytes, fib: Fib) -> list[tuple[int, int, int]]:
    """(fc start, fc end, flags) of every paragraph with table properties, sorted; flags: 1 in a
    table, 2 ends a row. Paragraphs without them (body text) are left out."""
    plc = _slice(table, fib.fc_papx, fib.lcb_papx)
    n = (len(plc) - 4) // 8
    runs = []
    for i in range(max(n, 0)):
        pn = struct.unpack_from("<I", plc, 4 * (n + 1) + 4 * i)[0] & 0x3FFFFF
        page = word[pn * _PAGE:(pn + 1) * _PAGE]
        if len(page) < _PAGE:
            raise UnreadableFile(DAMAGED)
        crun = page[_PAGE - 1]
        fcs = struct.unpack_from(f"<{crun + 1}I", page, 0)
        for j in range(crun):
            offset = 2 * page[4 * (crun + 1) + 13 * j]
            if not offset:
                continue
            cb = page[offset]
            start, size = (offset + 2, 2 * page[offset + 1]) if cb == 0 else (offset + 1, 2 * cb - 1)
            flags = _table_flags(page[start + 2:start + size], data_stream)     # after the style (istd)
            if flags:
                runs.append((fcs[j], fcs[j + 1], flags))
    runs.sort()
    return runs


def _table_flags(grpprl: bytes, data_stream: bytes) -> int:
    flags, at = 0, 0
    while at + 2 <= len(grpprl):
        sprm = struct.unpack_from("<H", grpprl, at)[0]
        at += 2
        spra = sprm >> 13
        if sprm == _SPRM_DEF_TABLE:
            size = 2 + struct.unpack_from("<H", grpprl, at)[0] - 1 if at + 2 <= len(grpprl) else len(grpprl)
        elif spra == 6:
            if at >= len(grpprl) or (sprm == _SPRM_CHG_TABS and grpprl[at] == 255):
                break                 # a length this reader does not follow; the flags come first
            size = 1 + grpprl[at]
        else:
            size = _OPERAND[spra]
        operand = grpprl[at:at + size]
        at += size
        if sprm == _SPRM_IN_TABLE and operand[:1] == b"\x01":
            flags |= 1
        elif sprm in (_SPRM_TTP, _SPRM_INNER_TTP) and operand[:1] == b"\x01":
            flags |= 3
        elif sprm == _SPRM_HUGE_PAPX and len(operand) == 4:
            # Properties too large for the page (a wide table's row) live in the Data stream.
            where = struct.unpack_from("<I", operand)[0]
            if where + 2 <= len(data_stream):
                cb = struct.unpack_from("<H", data_stream, where)[0]
                flags |= _table_flags(data_stream[where + 2:where + 2 + cb], b"")
    return flags


def mark_tables(text: str, pieces: list[Piece], runs: list[tuple[int, int, int]]) -> str:
    """``text`` with the cell marks that end a row made ROW, and the paragraph marks inside a
    cell made CELL_PARAGRAPH (same length: the field stripping that follows needs no positions)."""
    text = text.replace(ROW, "").replace(CELL_PARAGRAPH, "") if ROW in text or CELL_PARAGRAPH in text else text
    if not runs:
        return text
    starts = [run[0] for run in runs]
    chars = list(text)
    piece_at = [piece.cp for piece in pieces]
    for m in re.finditer("[\r\x07]", text):
        cp = m.start()
        piece = pieces[bisect.bisect_right(piece_at, cp) - 1]
        fc = piece.fc_of(cp)
        i = bisect.bisect_right(starts, fc) - 1
        if i < 0 or not runs[i][0] <= fc < runs[i][1]:
            continue
        flags = runs[i][2]
        if m.group() == CELL and flags & 2:
            chars[cp] = ROW
        elif m.group() == PARAGRAPH and flags & 1:
            chars[cp] = CELL_PARAGRAPH
    return "".join(chars)


# --- from the marked text to blocks -----------------------------------------------------------

def strip_fields(text: str) -> str:
    """Fields (begin instruction separator result end) keep their result, lose their instruction;
    a field without a separator (a page number's code, an index entry) leaves nothing."""
    if FIELD_BEGIN not in text and FIELD_SEPARATOR not in text and FIELD_END not in text:
        return text
    out = []
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
                hidden -= 1       # a stray separator or end (damaged nesting) is dropped
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
