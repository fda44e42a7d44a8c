"""Word documents (.docx): paragraphs and tables in document order, headings as Word marks them.

A paragraph in a heading style (Heading 1 / 标题 1 …) or with an outline level becomes a
section heading; the Title style gives the title; each table row becomes one text block,
its cells separated by " | ". A draft is read as it now stands (tracked insertions in, deletions
out); content controls are read, a table of contents and text boxes are not. A .docx is a zip
archive, so its sizes are checked before anything is unpacked (a zip bomb is refused with a reason).
"""
from __future__ import annotations

import io
import zipfile

from indexer.errors import UnreadableFile
from indexer.model import Document
from indexer.ingest.readers import OLE_MAGIC, limits
from indexer.ingest.readers.blocks import HEADING_STYLE, TITLE_STYLE, Blocks, row_line


def check_zip(data: bytes, kind: str = "Word 文件") -> set[str]:
    """The names of the archive's members; refuses archives that are not zips, are damaged, or
    unpack to an absurd size (limits.check_zip: 200 MB unpacked, a packing ratio of 100; real Word
    XML stays well under 20)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            limits.check_zip(archive, len(data))
            return set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError, EOFError):
        raise UnreadableFile(f"{kind}已损坏或不完整（不是有效的 zip 压缩包）") from None


def _heading_level(paragraph) -> int:
    """1–9 for a heading (style name or outline level), 0 for body text."""
    style = paragraph.style
    for _ in range(5):                       # follow a custom style to the heading style it is based on
        if style is None:
            break
        m = HEADING_STYLE.match((style.name or "").strip())
        if m:
            return max(1, int(m.group(2)))
        levels = style.element.xpath("./w:pPr/w:outlineLvl/@w:val")
        if levels and levels[0].isdigit() and int(levels[0]) < 9:
            return int(levels[0]) + 1
        style = style.base_style
    levels = paragraph._p.xpath("./w:pPr/w:outlineLvl/@w:val")
    if levels and levels[0].isdigit() and int(levels[0]) < 9:
        return int(levels[0]) + 1
    return 0


# The runs of a paragraph's text as it now reads: inserted text (tracked changes) counts, deleted
# or moved-away text does not; runs in content controls, smart tags and simple fields count; a text
# box's runs (a drawing inside a run) and ruby annotations are not the paragraph's, nor hidden text
# (w:vanish: a template's instructions, neither shown nor printed).
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_RUNS = ("./descendant::w:r[not(ancestor::w:del or ancestor::w:moveFrom or ancestor::w:txbxContent"
         " or ancestor::w:rt) and not(w:rPr/w:vanish[not(@w:val) or not(@w:val='0' or @w:val='false'"
         " or @w:val='off')])]")


def paragraph_text(paragraph) -> str:
    """A paragraph's text, as python-docx's Paragraph.text gives it but also from runs that are not
    the paragraph's children (inside w:ins, w:sdt, w:smartTag …), which Paragraph.text leaves out."""
    from docx.text.run import Run

    return "".join(Run(r, paragraph).text for r in paragraph._p.xpath(_RUNS))


def body_items(word):
    """The body's paragraphs and tables in order, also those inside block-level content controls
    (a cover page's title often is one), except a table of contents (its lines repeat headings)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    def walk(element):
        for child in element.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                yield Paragraph(child, word._body)
            elif tag == "tbl":
                yield Table(child, word._body)
            elif tag == "sdt" and not _is_contents(child):
                for content in child.iterchildren(_W + "sdtContent"):
                    yield from walk(content)

    return walk(word.element.body)


def _is_contents(sdt) -> bool:
    gallery = sdt.xpath("./w:sdtPr/w:docPartObj/w:docPartGallery/@w:val", namespaces={"w": _W[1:-1]})
    return any("contents" in value.lower() for value in gallery)


def _row_text(row) -> str:
    from docx.text.paragraph import Paragraph

    def cell_text(cell) -> str:
        text = " ".join(paragraph_text(Paragraph(p, cell)) for p in cell._tc.iterchildren(_W + "p"))
        return " ".join(text.split())

    return row_line(map(cell_text, row.cells))


def read_docx(data: bytes, source: str) -> Document:
    if data.startswith(OLE_MAGIC):
        # A Word 97–2003 file under a .docx name: read as what it is, as .doc files holding a .docx are.
        from indexer.ingest.readers.doc import word_document
        return word_document(data, source)
    check_zip(data)
    try:
        import docx
        from docx.table import Table

        word = docx.Document(io.BytesIO(data))
        # Its title rule only: blocks are counted here as they are (the rest of a long file is counted
        # by items, not read), not as Blocks.add counts them.
        collected = Blocks(source)
        doc = collected.doc
        chars = counted = 0
        items = body_items(word)
        for item in items:
            # The text so far, counted as it grows: a small .docx may unpack to a huge text.
            chars += sum(len(block) for block in doc.blocks[counted:])
            counted = len(doc.blocks)
            limits.check_text_length(chars)
            if counted >= limits.MAX_PARAGRAPHS_PER_FILE:
                # The rest is counted, not read (style lookups made 242,001 paragraphs take 76 s).
                more = 1 + sum(1 for _ in items)
                limits.note(f"段落过多（约 {counted + more} 个），只索引前 {counted} 个，其余约 {more} 个已跳过")
                break
            if isinstance(item, Table):
                # One block per table, a row per line: rows are too short to stand as paragraphs.
                rows = [text for text in (_row_text(row) for row in item.rows) if text]
                if rows:
                    doc.blocks.append("\n".join(rows))
                continue
            style = (item.style.name if item.style is not None else "") or ""
            lines = [line.strip() for line in paragraph_text(item).split("\n") if line.strip()]
            if not lines:
                continue
            # a title set in two Title paragraphs in a row (2026年河南省 / 政府工作报告) is one
            if TITLE_STYLE.match(style.strip()) and collected.title(" ".join(lines)):
                continue
            if _heading_level(item):
                doc.headings.add(len(doc.blocks))
                doc.blocks.append(" ".join(lines))
                continue
            doc.blocks += lines           # a manual line break in Chinese documents starts a paragraph
        limits.check_text_length(chars + sum(len(block) for block in doc.blocks[counted:]))
        doc.blocks = limits.cap_blocks(doc.blocks)
        doc.headings = {n for n in doc.headings if n < len(doc.blocks)}
        created = word.core_properties.created
    except UnreadableFile:
        raise
    except Exception as exc:              # python-docx raises KeyError, lxml errors, … on damaged files
        raise UnreadableFile(f"Word 文件已损坏或无法解析（{type(exc).__name__}）") from None
    if created is not None:
        doc.meta["file_date"] = created.strftime("%Y-%m-%d")
    return doc
