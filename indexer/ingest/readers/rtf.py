"""RTF documents (.rtf, and RTF saved under a .doc or .wps name): the body text, in order.

RTF is 7-bit text with control words (``\\par``), groups (``{…}``) and the document's characters
either as bytes in a code page (``\\'d6\\'d0`` is 中 in GBK) or as ``\\uN`` code points followed by
a fallback the reader skips (``\\ucN`` says how long). The code page of bytes is the font's: a
font table entry gives each font a character set (``\\fcharset134`` is GBK), else the document's
``\\ansicpg`` holds. Word writes Chinese under an associated double-byte font (``\\dbch\\af13``),
so the first double-byte code page among the font, its associate and the document wins.

Read like a .docx: paragraph marks end blocks, a manual line break starts one, a table is one
block with a line per row and its cells joined with " | ", a paragraph is a heading when it has an
outline level or a heading style (标题 1 / heading 1), a Title-style paragraph gives the title.
Font, colour and style tables, document properties, pictures, embedded objects, headers,
footers, notes, text boxes, field instructions and every destination marked ``\\*`` are not text
of the document and are skipped; a field keeps its result; text deleted with tracked changes
(``\\deleted``) is not read, text inserted is.
"""
from __future__ import annotations

import codecs
import re

from indexer.errors import UnreadableFile
from indexer.ingest.readers.blocks import HEADING_STYLE, TITLE_STYLE, Blocks, row_line
from indexer.model import Document

NOT_RTF = "RTF 文件已损坏或无法解析"
# Real documents nest groups a few dozen deep; a deeper file is broken or hostile.
MAX_DEPTH = 512

_TOKEN = re.compile(rb"""
    \\([a-zA-Z]{1,32})(-?\d{1,10})?\x20?     # control word, its parameter, the space ending it
  | ((?:\\'[0-9a-fA-F]{2})+)                 # bytes in the current code page
  | \\(.)                                     # control symbol (a backslash and a line end is \par)
  | ([{}])
  | ([^\\{}\r\n]+)                            # bytes of text
  | [\r\n]+                                   # line ends in the file mean nothing
""", re.X | re.S)

_SKIPPED = frozenset(b"""fonttbl colortbl stylesheet info pict object header headerl headerr headerf footer
footerl footerr footerf footnote annotation atnid atnauthor atnref fldinst shp shpinst shppict nonshppict
themedata colorschememapping latentstyles datastore xmlnstbl listtable listoverridetable rsidtbl
generator pgdsctbl revtbl filetbl template docvar userprops xe tc txe bkmkstart bkmkend private pn""".split())
_SYMBOLS = {b"emdash": "—", b"endash": "–", b"bullet": "•", b"lquote": "‘", b"rquote": "’",
            b"ldblquote": "“", b"rdblquote": "”", b"emspace": " ", b"enspace": " ", b"qmspace": " ",
            b"tab": " "}
_CONTROL_SYMBOLS = {b"~": "\u00a0", b"_": "-", b"-": "", b"{": "{", b"}": "}", b"\\": "\\"}
# \fcharset → code page (Windows character sets); 1 (default) and 2 (symbol) follow the document.
_CHARSETS = {0: "cp1252", 77: "mac_roman", 128: "cp932", 129: "cp949", 134: "gb18030", 136: "cp950",
             161: "cp1253", 162: "cp1254", 163: "cp1258", 177: "cp1255", 178: "cp1256", 186: "cp1257",
             204: "cp1251", 222: "cp874", 238: "cp1250"}
_DOUBLE_BYTE = {"cp932", "cp949", "gb18030", "cp950"}


def _codepage(number: int) -> str | None:
    """\\ansicpg / \\cpg number → a Python codec name, or None when Python has none."""
    name = {936: "gb18030", 950: "cp950", 10000: "mac_roman"}.get(number, f"cp{number}")
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    return name


class _Group:
    """What a group inherits and may change: where its text goes, the \\uc count, the fonts."""

    __slots__ = ("dest", "uc", "font", "associated")

    def __init__(self, dest: str = "body", uc: int = 1, font: int = -1, associated: int = -1):
        self.dest, self.uc, self.font, self.associated = dest, uc, font, associated

    def copy(self) -> "_Group":
        return _Group(self.dest, self.uc, self.font, self.associated)


class _Reader:
    def __init__(self) -> None:
        self.document_codepage = "cp1252"
        self.fonts: dict[int, str] = {}           # font number → code page
        self.styles: dict[int, bytearray] = {}    # style number → its name, as bytes
        self.style_levels: dict[int, int] = {}    # style number → outline level
        self.defining = -1                        # the font or style a table entry defines
        self.created: dict[bytes, int] = {}       # \creatim's \yr \mo \dy
        self.blocks = Blocks()
        self.line: list[str] = []                 # the paragraph being read
        self.pending = bytearray()                # its latest bytes, not yet decoded
        self.pending_codepage = "cp1252"
        self.cell: list[str] = []                 # paragraphs of the table cell being read
        self.cells: list[str] = []                # cells of the row being read
        self.rows: list[str] = []                 # rows of the table being read
        self.high = 0                             # the first half of a surrogate pair
        self.default_font = -1
        self.pard()

    def pard(self) -> None:
        """\\pard: paragraph properties back to their defaults."""
        self.in_table = False
        self.level = -1
        self.style = 0

    # --- text ---------------------------------------------------------------------------------

    def codepage(self, group: _Group) -> str:
        font = self.fonts.get(group.font if group.font >= 0 else self.default_font)
        associated = self.fonts.get(group.associated)
        for page in (font, associated, self.document_codepage):
            if page in _DOUBLE_BYTE:
                return page
        return font or self.document_codepage

    def add_bytes(self, data: bytes, group: _Group) -> None:
        if group.dest == "style":
            self.styles.setdefault(self.defining, bytearray()).extend(data)
            return
        if group.dest != "body":
            return
        page = self.codepage(group)
        if page != self.pending_codepage:
            self.decode()
            self.pending_codepage = page
        self.pending += data

    def add_text(self, text: str, group: _Group) -> None:
        if group.dest == "body":
            self.decode()
            self.line.append(text)

    def add_code(self, code: int, group: _Group) -> None:
        """A \\uN character; characters beyond U+FFFF come as two halves (a surrogate pair)."""
        if 0xD800 <= code < 0xDC00:
            self.high = code
            return
        if 0xDC00 <= code < 0xE000:
            if self.high:
                self.add_text(chr(0x10000 + ((self.high - 0xD800) << 10) + code - 0xDC00), group)
            self.high = 0
            return
        self.high = 0
        self.add_text(chr(code), group)

    def decode(self) -> None:
        if self.pending:
            self.line.append(self.pending.decode(self.pending_codepage, errors="replace"))
            self.pending.clear()

    def take_line(self) -> str:
        self.decode()
        text = "".join(self.line).strip()
        self.line.clear()
        return text

    # --- structure ----------------------------------------------------------------------------

    def paragraph_end(self) -> None:
        text = self.take_line()
        if self.in_table:
            self.cell.append(text)
            return
        self.table_end()
        if not text:
            return
        name = self.styles.get(self.style, b"").decode(self.document_codepage, errors="replace").strip(" ;")
        if TITLE_STYLE.match(name) and self.blocks.title(text):
            return
        level = self.level if self.level >= 0 else self.style_levels.get(self.style, -1)
        self.blocks.add(text, heading=0 <= level < 9 or bool(HEADING_STYLE.match(name)))

    def cell_end(self) -> None:
        self.cell.append(self.take_line())
        self.cells.append(" ".join(part for part in self.cell if part))
        self.cell.clear()

    def row_end(self) -> None:
        if self.line or self.pending:          # text after the last \cell belongs to no cell
            self.cell_end()
        line = row_line(self.cells)
        if line:
            self.rows.append(line)
        self.cells.clear()

    def table_end(self) -> None:
        if self.cell or self.cells:
            self.row_end()
        if self.rows:
            self.blocks.add("\n".join(self.rows))
            self.rows.clear()

    # --- control words ------------------------------------------------------------------------

    def control(self, word: bytes, parameter: int | None, group: _Group) -> None:
        if word == b"uc" and parameter is not None:
            group.uc = max(0, parameter)
        elif word == b"deleted" and group.dest in ("body", "deleted"):
            # A tracked deletion: its text, and a paragraph mark it takes, are not the text as it now reads.
            group.dest = "body" if parameter == 0 else "deleted"
        elif word == b"plain" and group.dest == "deleted":
            group.dest = "body"
            group.font = group.associated = -1
        elif group.dest != "body":
            self.table_entry(word, parameter, group)
        elif word in (b"par", b"line", b"sect"):
            self.paragraph_end()
        elif word in (b"cell", b"nestcell"):
            self.cell_end()
        elif word in (b"row", b"nestrow"):
            self.row_end()
        elif word == b"pard":
            self.pard()
        elif word == b"intbl":
            self.in_table = True
        elif word == b"outlinelevel" and parameter is not None:
            self.level = parameter
        elif word == b"s" and parameter is not None:
            self.style = parameter
        elif word == b"f" and parameter is not None:
            group.font = parameter
        elif word == b"plain":
            group.font = group.associated = -1
        elif word == b"deff" and parameter is not None:
            self.default_font = parameter
        elif word == b"af" and parameter is not None:
            group.associated = parameter
        elif word == b"ansicpg" and parameter is not None:
            self.document_codepage = _codepage(parameter) or self.document_codepage
        elif word == b"mac":
            self.document_codepage = "mac_roman"
        elif word in _SYMBOLS:
            self.add_text(_SYMBOLS[word], group)

    def table_entry(self, word: bytes, parameter: int | None, group: _Group) -> None:
        """A control word in the font table, the style sheet or the creation date."""
        if parameter is None:
            return
        if group.dest == "fonts":
            if word == b"f":
                self.defining = parameter
            elif word == b"fcharset" and parameter in _CHARSETS:
                self.fonts[self.defining] = _CHARSETS[parameter]
            elif word == b"cpg" and _codepage(parameter):
                self.fonts[self.defining] = _codepage(parameter)
        elif group.dest == "style":
            if word in (b"s", b"cs", b"ds", b"ts"):
                # only \s styles are paragraph styles; the others are kept apart, never looked up
                self.defining = parameter if word == b"s" else -2 - parameter
            elif word == b"outlinelevel":
                self.style_levels[self.defining] = parameter
        elif group.dest == "created" and word in (b"yr", b"mo", b"dy"):
            self.created[word] = parameter


class _Groups:
    """The group being read and those it is in; what a token does depends on them."""

    def __init__(self, reader: _Reader):
        self.reader = reader
        self.stack: list[_Group] = []
        self.group = _Group()
        self.skip = 0              # fallback characters still to skip after a \uN
        self.starting = False      # just after "{": a destination's control word may follow
        self.starred = False       # "{\*": an optional destination, skipped unless we know it

    def brace(self, brace: bytes) -> None:
        self.skip = 0
        if brace == b"{":
            if len(self.stack) >= MAX_DEPTH:
                raise UnreadableFile(f"{NOT_RTF}（分组嵌套超过 {MAX_DEPTH} 层）")
            self.stack.append(self.group)
            self.group = self.group.copy()
            self.starting, self.starred = True, False
            if self.group.dest == "style":
                self.reader.defining = 0            # a style entry without \s is style 0
        elif self.stack:                            # a "}" too many is ignored
            self.group = self.stack.pop()
            self.starting = self.starred = False

    def word(self, word: bytes, number: int | None) -> None:
        if self.skip:
            self.skip -= 1
            return
        group = self.group
        if self.starting:
            self.starting = False
            if group.dest == "body" and (word in _SKIPPED or self.starred):
                group.dest = {b"fonttbl": "fonts", b"stylesheet": "style", b"info": "info"}.get(word, "skip")
                return
            if group.dest == "info" and word == b"creatim":
                group.dest = "created"
                return
        if word == b"u" and number is not None:
            self.reader.add_code(number % 65536, group)
            self.skip = group.uc
        else:
            self.reader.control(word, number, group)

    def symbol(self, symbol: bytes) -> None:
        if symbol == b"*":
            self.starred = True
            return
        if self.skip:
            self.skip -= 1
            return
        self.starting = False
        if symbol in (b"\n", b"\r"):
            if self.group.dest == "body":
                self.reader.paragraph_end()
        elif symbol in _CONTROL_SYMBOLS:
            self.reader.add_text(_CONTROL_SYMBOLS[symbol], self.group)

    def text(self, raw: bytes) -> None:
        if self.skip:
            dropped = min(self.skip, len(raw))
            raw, self.skip = raw[dropped:], self.skip - dropped
        self.starting = False
        if raw:
            self.reader.add_bytes(raw, self.group)


def read_rtf(data: bytes, source: str) -> Document:
    """A Document from RTF bytes; anything else under an .rtf name is read by what it holds."""
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        from indexer.ingest.readers.doc import read_by_content
        return read_by_content(data, source, NOT_RTF)
    reader = _Reader()
    groups = _Groups(reader)
    position = 0
    while token := _TOKEN.match(data, position):
        position = token.end()
        word, parameter, hexes, symbol, brace, text = token.groups()
        if brace:
            groups.brace(brace)
        elif word == b"bin" and parameter:          # raw bytes follow: not text, skipped as such
            position += max(0, int(parameter))
        elif word:
            groups.word(word, int(parameter) if parameter else None)
        elif symbol:
            groups.symbol(symbol)
        elif hexes:
            groups.text(bytes.fromhex(hexes.replace(b"\\'", b"").decode("ascii")))
        elif text:
            groups.text(text)
    reader.paragraph_end()
    reader.table_end()
    doc = reader.blocks.done()
    doc.source = source
    date = reader.created
    if 1900 < date.get(b"yr", 0) < 2200 and 1 <= date.get(b"mo", 0) <= 12 and 1 <= date.get(b"dy", 0) <= 31:
        doc.meta["file_date"] = f"{date[b'yr']:04d}-{date[b'mo']:02d}-{date[b'dy']:02d}"
    return doc
