"""PowerPoint 97–2003 presentations (.ppt): the slides' text in presentation order.

Read as a .pptx is (readers.pptx): the first slide's title is the document's title, every other
slide's title a heading, each paragraph of the other text a block. A .ppt is an OLE compound
file whose ``PowerPoint Document`` stream is a tree of records (8-byte headers: version and
instance, type, length; version 0xF marks a container). Which records are current is found as
PowerPoint finds it, since a file saved quickly keeps old versions of its slides beside the new:
the ``Current User`` stream points to the last edit, each edit (UserEditAtom) to a persist
directory (object id → offset) and to the edit before; the document's slide list
(SlideListWithText, instance 0) names each slide's object id in order, with the text of its
placeholders (title, body) after it; the slide's own records hold its other text boxes, or a
reference to a placeholder's text. Masters, notes, pictures and embedded objects are not read.
A file whose pointers do not hold is read from its slides in the order they are stored.
"""
from __future__ import annotations

import io
import struct

from indexer.errors import UnreadableFile
from indexer.ingest.readers import limits
from indexer.ingest.readers.doc import sniff
from indexer.model import Document

KIND = "演示文稿（.ppt）"
DAMAGED = f"{KIND}已损坏或不完整"
DPS_OTHER = "这个 .dps 文件不是 PowerPoint 兼容格式，暂不支持，请用 WPS 另存为 .pptx"
_HEADER = struct.Struct("<HHI")
_DOCUMENT, _SLIDE, _SLIDE_LIST, _SLIDE_PERSIST = 0x03E8, 0x03EE, 0x0FF0, 0x03F3
_TEXT_HEADER, _TEXT_CHARS, _TEXT_BYTES, _OUTLINE_REF = 0x0F9F, 0x0FA0, 0x0FA8, 0x0F9E
_CLIENT_TEXTBOX, _USER_EDIT, _PERSIST_DIRECTORY = 0xF00D, 0x0FF5, 0x1772
_TITLE_TYPES = {0, 6}           # TextHeaderAtom: title, centred title
_NOT_SHOWN = {2}                # notes
_MAX_EDITS = 10_000
_MAX_DEPTH = 64


def _records(data: bytes, start: int, end: int):
    """(type, instance, is container, body start, body end) of the records in [start, end)."""
    while start + 8 <= end:
        version_instance, kind, length = _HEADER.unpack_from(data, start)
        body = start + 8
        stop = min(end, body + length)
        yield kind, version_instance >> 4, (version_instance & 0xF) == 0xF, body, stop
        start = body + length


def _text(data: bytes, kind: int, start: int, end: int) -> str:
    raw = data[start:end]
    return raw.decode("utf-16-le", errors="replace") if kind == _TEXT_CHARS else raw.decode("latin-1")


def _persist_offsets(data: bytes, current_user: bytes) -> tuple[dict[int, int], int]:
    """(object id → offset of its record, the document's object id), newest edit first."""
    if len(current_user) < 20:
        raise ValueError("no current user")
    edit = struct.unpack_from("<I", current_user, 16)[0]
    offsets: dict[int, int] = {}
    document, seen = None, set()
    while edit and edit not in seen and len(seen) < _MAX_EDITS:
        seen.add(edit)
        _, kind, length = _HEADER.unpack_from(data, edit)
        if kind != _USER_EDIT or length < 20:
            raise ValueError("not an edit")
        last_edit, directory, document_id = struct.unpack_from("<III", data, edit + 8 + 8)
        document = document_id if document is None else document
        _, kind, length = _HEADER.unpack_from(data, directory)
        if kind != _PERSIST_DIRECTORY:
            raise ValueError("not a persist directory")
        at, end = directory + 8, min(len(data), directory + 8 + length)
        while at + 4 <= end:
            entry = struct.unpack_from("<I", data, at)[0]
            first, count = entry & 0xFFFFF, entry >> 20
            for n, offset in enumerate(struct.unpack_from(f"<{count}I", data, at + 4)):
                offsets.setdefault(first + n, offset)
            at += 4 + 4 * count
        edit = last_edit
    if document is None or document not in offsets:
        raise ValueError("no document")
    return offsets, document


def _slide_list(data: bytes, document: int) -> list[tuple[int, list[tuple[int, str]]]]:
    """[(slide object id, its placeholders' texts as (text type, text))] in presentation order."""
    _, kind, length = _HEADER.unpack_from(data, document)
    if kind != _DOCUMENT:
        raise ValueError("not the document")
    slides: list[tuple[int, list[tuple[int, str]]]] = []
    for kind, instance, _, start, end in _records(data, document + 8, document + 8 + length):
        if kind != _SLIDE_LIST or instance != 0:
            continue
        text_type = 4
        for kind, _, _, body, stop in _records(data, start, end):
            if kind == _SLIDE_PERSIST and stop - body >= 4:
                slides.append((struct.unpack_from("<I", data, body)[0], []))
            elif kind == _TEXT_HEADER and stop - body >= 4:
                text_type = struct.unpack_from("<I", data, body)[0]
            elif kind in (_TEXT_CHARS, _TEXT_BYTES) and slides:
                slides[-1][1].append((text_type, _text(data, kind, body, stop)))
    return slides


def _boxes(data: bytes, start: int, end: int, placeholders: list[tuple[int, str]], depth: int = 0):
    """The (text type, text) of a slide's text boxes in the order they are drawn."""
    if depth > _MAX_DEPTH:
        return
    for kind, _, container, body, stop in _records(data, start, end):
        if kind == _CLIENT_TEXTBOX:
            text_type = 4
            for inner, _, _, at, until in _records(data, body, stop):
                if inner == _TEXT_HEADER and until - at >= 4:
                    text_type = struct.unpack_from("<I", data, at)[0]
                elif inner in (_TEXT_CHARS, _TEXT_BYTES):
                    yield text_type, _text(data, inner, at, until)
                elif inner == _OUTLINE_REF and until - at >= 4:
                    index = struct.unpack_from("<i", data, at)[0]
                    if 0 <= index < len(placeholders):
                        yield placeholders[index]
        elif container:
            yield from _boxes(data, body, stop, placeholders, depth + 1)


def _slides(data: bytes, current_user: bytes) -> list[list[tuple[int, str]]]:
    """Each slide's texts, in presentation order."""
    try:
        offsets, document = _persist_offsets(data, current_user)
        listed = _slide_list(data, offsets[document])
    except (ValueError, struct.error):
        listed = None
    if not listed:          # no usable pointers: the slides as stored
        return [list(_boxes(data, body, stop, [])) for kind, _, _, body, stop in _records(data, 0, len(data))
                if kind == _SLIDE]
    out = []
    for slide_id, placeholders in listed:
        at = offsets.get(slide_id)
        texts: list[tuple[int, str]] = []
        if at is not None and at + 8 <= len(data):
            _, kind, length = _HEADER.unpack_from(data, at)
            if kind == _SLIDE:
                texts = list(_boxes(data, at + 8, min(len(data), at + 8 + length), placeholders))
        used = {id(t) for t in texts}
        out.append(texts + [t for t in placeholders if id(t) not in used])
    return out


def read_dps(data: bytes, source: str) -> Document:
    """A .dps file (WPS 演示), read as what its bytes are: PowerPoint 97–2003's compound file, which
    WPS writes under this name, or a .pptx's zip; anything else is refused with the way out."""
    kind = sniff(data)
    if kind == "zip":
        from indexer.ingest.readers.pptx import read_pptx
        return read_pptx(data, source)
    if kind == "ole":
        return read_ppt(data, source)
    raise UnreadableFile(DPS_OTHER)


def read_ppt(data: bytes, source: str) -> Document:
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception:          # olefile raises OSError or its own errors on a damaged header
        raise UnreadableFile(DAMAGED) from None
    try:
        if ole.exists("EncryptedSummary"):
            raise UnreadableFile(f"{KIND}已加密（设有打开密码），无法读取")
        if not ole.exists("PowerPoint Document"):
            raise UnreadableFile(f"不是可识别的{KIND}（可能是更早的 PowerPoint 格式），已跳过")
        stream = ole.openstream("PowerPoint Document").read()
        current = ole.openstream("Current User").read() if ole.exists("Current User") else b""
    except UnreadableFile:
        raise
    except Exception:
        raise UnreadableFile(DAMAGED) from None
    finally:
        ole.close()
    return slides_document(stream, current, source)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\x0b", "\r").split("\r") if line.strip()]


def slides_document(stream: bytes, current_user: bytes, source: str) -> Document:
    """The Document of a ``PowerPoint Document`` stream, its ``Current User`` stream beside it.

    As in a .pptx, a slide's first title comes first, whatever its place among the shapes."""
    doc = Document(source=source)
    chars = 0
    for number, texts in enumerate(_slides(stream, current_user)):
        # "*" alone is a page number or date field; notes are not the slide's text.
        texts = [(kind, lines) for kind, lines in ((k, _lines(t)) for k, t in texts)
                 if kind not in _NOT_SHOWN and lines not in ([], ["*"])]
        title = next((t for t in texts if t[0] in _TITLE_TYPES), None)
        chars += sum(len(line) for _, lines in texts for line in lines)
        limits.check_text_length(chars)
        if title is not None and number == 0 and not doc.title:
            doc.title = " ".join(title[1])
        elif title is not None:
            doc.headings.add(len(doc.blocks))
            doc.blocks.append(" ".join(title[1]))
        for text in texts:
            if text is not title:
                doc.blocks += text[1]
    doc.blocks = limits.cap_blocks(doc.blocks)
    doc.headings = {n for n in doc.headings if n < len(doc.blocks)}
    return doc
