"""The Word 97–2003 binary format, as far as readers.doc needs it: pure functions over streams.

The ``WordDocument`` stream starts with the FIB, which says which table stream (``0Table`` or
``1Table``) holds the piece table (CLX) and how many characters the main text has (ccpText);
headers, footers, footnotes, comments and text boxes follow the main text and are not read.
Each piece is UTF-16LE or 8-bit "compressed" text (cp1252; in Chinese files it holds only ASCII
runs, if any: the real files tried had none). Which paragraph mark ends a table row (TTP), and
which paragraphs sit in a cell, comes from the paragraph properties (PAPX pages); the text is
marked with them for readers.doc; text deleted with changes tracked is found by the character
properties (CHPX pages) and left out. References: [MS-DOC] 2.5 (FIB), 2.9.38 (CLX), 2.9.175 (PapxFkp),
ChpxFkp and sprmCFRMarkDel for the deletions.
"""
from __future__ import annotations

import bisect
import datetime
import re
import struct

from indexer.errors import UnreadableFile
from indexer.ingest.readers import limits

_WORD_IDENT = 0xA5EC
_WORD97_NFIB = 0xC1               # Word 97 and later; Word 6.0/95 wrote 101–105
_FIB_FLAGS = 0x0A
_F_ENCRYPTED = 0x0100
_F_WHICH_TABLE = 0x0200
_PAGE = 512                       # an FKP page of paragraph properties

# The marks the text has (CELL ends a cell, and a row where the properties say TTP) and two of
# ours, for what the properties add; both of ours are control characters Word does not use.
PARAGRAPH, CELL = "\r", "\x07"
ROW = "\x1c"                      # ours: the mark that ends a table row
CELL_PARAGRAPH = "\x1d"           # ours: a paragraph mark inside a table cell

_SPRM_IN_TABLE, _SPRM_TTP, _SPRM_INNER_TTP = 0x2416, 0x2417, 0x244C
_SPRM_HUGE_PAPX, _SPRM_DEF_TABLE, _SPRM_CHG_TABS = 0x6646, 0xD608, 0xC615
_SPRM_RMARK_DEL = 0x0800          # a character property: deleted with changes tracked
_OPERAND = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}   # by spra, the sprm's top 3 bits

DAMAGED = "Word 文件已损坏或不完整，无法读取"
ENCRYPTED = "Word 文档已加密（设置了打开密码），无法读取；请去掉密码后另存"
WORD95 = "Word 6.0/95 及更早格式的文档暂不支持，请用 Word 或 WPS 另存为 .docx"


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


# --- the FIB and the SummaryInformation date --------------------------------------------------

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
                 fc_papx: int, lcb_papx: int, fc_chpx: int = 0, lcb_chpx: int = 0):
        self.table_stream = table_stream
        self.ccp_text = ccp_text
        self.fc_clx, self.lcb_clx = fc_clx, lcb_clx
        self.fc_papx, self.lcb_papx = fc_papx, lcb_papx
        self.fc_chpx, self.lcb_chpx = fc_chpx, lcb_chpx


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
    # (ccpText is the fourth), and fc/lcb pairs (the piece table is the 34th, PlcfBtePapx the 14th,
    # PlcfBteChpx the 13th).
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
    fc_chpx, lcb_chpx = struct.unpack_from("<II", word, fc_lcb + 8 * 12)
    if ccp_text < 0:
        raise UnreadableFile(DAMAGED)
    limits.check_text_length(ccp_text)
    return Fib("1Table" if flags & _F_WHICH_TABLE else "0Table", ccp_text, fc_clx, lcb_clx, fc_papx, lcb_papx,
               fc_chpx, lcb_chpx)


def stream_slice(data: bytes, start: int, length: int) -> bytes:
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
            raw = stream_slice(word, piece.fc, count)
            out.append(raw.decode("latin-1").translate(_CP1252))
        else:
            out.append(stream_slice(word, piece.fc, 2 * count).decode("utf-16-le", errors="replace"))
    return "".join(out)


# --- paragraph properties: which marks end a table row, which paragraphs are in a cell ---------

def _fkp_pages(word: bytes, table: bytes, fc: int, lcb: int):
    """(page, run count, the runs' fc bounds) of each 512-byte property page a bin table (PlcBte*,
    at ``fc`` in the table stream) points to in the WordDocument stream."""
    plc = stream_slice(table, fc, lcb)
    n = (len(plc) - 4) // 8
    for i in range(max(n, 0)):
        pn = struct.unpack_from("<I", plc, 4 * (n + 1) + 4 * i)[0] & 0x3FFFFF
        page = word[pn * _PAGE:(pn + 1) * _PAGE]
        if len(page) < _PAGE:
            raise UnreadableFile(DAMAGED)
        crun = page[_PAGE - 1]
        yield page, crun, struct.unpack_from(f"<{crun + 1}I", page, 0)


def paragraph_properties(word: bytes, table: bytes, data_stream: bytes, fib: Fib) -> list[tuple[int, int, int]]:
    """(fc start, fc end, flags) of every paragraph with table properties, sorted; flags: 1 in a
    table, 2 ends a row. Paragraphs without them (body text) are left out."""
    runs = []
    for page, crun, fcs in _fkp_pages(word, table, fib.fc_papx, fib.lcb_papx):
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


def _sprms(grpprl: bytes):
    """(sprm, operand) of each property modifier in ``grpprl``, as far as their lengths can be followed."""
    at = 0
    while at + 2 <= len(grpprl):
        sprm = struct.unpack_from("<H", grpprl, at)[0]
        at += 2
        spra = sprm >> 13
        if sprm == _SPRM_DEF_TABLE:
            size = 2 + struct.unpack_from("<H", grpprl, at)[0] - 1 if at + 2 <= len(grpprl) else len(grpprl)
        elif spra == 6:
            if at >= len(grpprl) or (sprm == _SPRM_CHG_TABS and grpprl[at] == 255):
                return                # a length this reader does not follow
            size = 1 + grpprl[at]
        else:
            size = _OPERAND[spra]
        yield sprm, grpprl[at:at + size]
        at += size


def _table_flags(grpprl: bytes, data_stream: bytes) -> int:
    flags = 0
    for sprm, operand in _sprms(grpprl):      # the table flags come first
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
    # The text's own (stray) copies of our marks become NULs, dropped later with the other controls.
    text = text.replace(ROW, "\0").replace(CELL_PARAGRAPH, "\0")
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


# --- character properties: text deleted with changes tracked ----------------------------------

def deleted_runs(word: bytes, table: bytes, fib: Fib) -> list[tuple[int, int]]:
    """(fc start, fc end) of every run of text marked deleted (sprmCFRMarkDel), sorted: a draft
    saved with changes tracked keeps what was struck out in its text, in place."""
    runs = []
    for page, crun, fcs in _fkp_pages(word, table, fib.fc_chpx, fib.lcb_chpx):
        for j in range(crun):
            offset = 2 * page[4 * (crun + 1) + j]
            if offset and any(sprm == _SPRM_RMARK_DEL and operand[:1] in (b"\x01", b"\x81")
                              for sprm, operand in _sprms(page[offset + 1:offset + 1 + page[offset]])):
                runs.append((fcs[j], fcs[j + 1]))
    runs.sort()
    return runs


def drop_deleted(text: str, pieces: list[Piece], runs: list[tuple[int, int]]) -> str:
    """``text`` (the pieces' characters from the first) without the characters that lie in ``runs``."""
    if not runs:
        return text
    starts = [run[0] for run in runs]
    gone = []
    for piece in pieces:
        if piece.cp >= len(text):
            break
        width = 1 if piece.compressed else 2
        first, last = piece.fc, piece.fc_of(min(piece.cp_end, len(text)))
        i = max(bisect.bisect_right(starts, first) - 1, 0)
        while i < len(runs) and runs[i][0] < last:
            a, b = max(runs[i][0], first), min(runs[i][1], last)
            if a < b:
                gone.append((piece.cp + (a - first) // width, piece.cp + -(-(b - first) // width)))
            i += 1
    out, at = [], 0
    for a, b in sorted(gone):
        out.append(text[at:max(a, at)])
        at = max(at, b)
    out.append(text[at:])
    return "".join(out)
