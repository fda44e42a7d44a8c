"""Real files made by the tests: a corpus folder of text reports, indexed (``corpus_index``),
and files of each format: Word via python-docx, PDF via reportlab, OpenDocument and PowerPoint
as the XML their writers put in a zip.

reportlab's built-in CID font STSong-Light writes Chinese with a real text layer and needs no
font file, so these PDFs are read back exactly as a user's exported PDF would be.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path


def corpus_index(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (relative path → UTF-8 text) into root/corpus, index them into
    root/index and return the index folder."""
    from indexer.update import update_index

    for name, text in files.items():
        path = root / "corpus" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    update_index(root / "index", root / "corpus")
    return root / "index"


def make_docx(title: str, items: list, created=None) -> bytes:
    """items: ("h1", text) headings, ("p", text) paragraphs, ("table", [[cell, …], …]) tables, ("title",
    text) more paragraphs in the Title style."""
    import docx

    document = docx.Document()
    document.add_heading(title, 0)
    for kind, value in items:
        if kind == "title":
            document.add_heading(value, 0)
        elif kind == "h1":
            document.add_heading(value, 1)
        elif kind == "table":
            table = document.add_table(rows=len(value), cols=len(value[0]))
            for r, row in enumerate(value):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
        else:
            document.add_paragraph(value)
    if created is not None:
        document.core_properties.created = created
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def make_pdf(paragraphs: list[str], header: str = "", chars_per_line: int = 30, lines_per_page: int = 12,
             title: str = "") -> bytes:
    """Paragraphs laid out as a word processor would: wrapped mid-sentence at a fixed width, the
    first line indented two characters, a running header and a page number on every page."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    size, left, top = 12, 72, 760
    lines = []                                  # (text, indent?)
    for para in paragraphs:
        first = True
        while para:
            width = chars_per_line - (2 if first else 0)
            lines.append((para[:width], first))
            para, first = para[width:], False
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    if title:
        pdf.setTitle(title)
    pages = [lines[i:i + lines_per_page] for i in range(0, len(lines), lines_per_page)] or [[]]
    for number, page in enumerate(pages, start=1):
        pdf.setFont("STSong-Light", size)
        if header:
            pdf.drawString(left, 800, header)
        for n, (text, indent) in enumerate(page):
            pdf.drawString(left + (2 * size if indent else 0), top - n * size * 1.5, text)
        pdf.drawString(290, 40, f"- {number} -")
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def make_scanned_pdf() -> bytes:
    """A PDF with drawings but no text layer, like a scan."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    pdf.rect(72, 600, 300, 150, fill=1)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def make_zip_bomb(megabytes: int = 20) -> bytes:
    """A .docx-shaped zip whose document.xml unpacks to many megabytes of zeros."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (megabytes * 1024 * 1024))
    return buf.getvalue()


ODF_NAMESPACES = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
      'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"')


def make_odt(body: str, styles: str = "", meta: str | None = None, kind: str = "text",
             prolog: str = "") -> bytes:
    """An OpenDocument file: ``body`` is the XML inside office:text (or office:``kind``)."""
    content = (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<office:document-content {ODF_NAMESPACES}>'
               f"<office:automatic-styles>{styles}</office:automatic-styles>"
               f"<office:body><office:{kind}>{body}</office:{kind}></office:body></office:document-content>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content)
        if meta is not None:
            archive.writestr("meta.xml", f'<office:document-meta {ODF_NAMESPACES}><office:meta>{meta}</office:meta>'
                                         "</office:document-meta>")
    return out.getvalue()


_A = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
_P = 'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def slide_shape(lines: list[str], placeholder: str | None = None) -> str:
    """A slide's text shape, one paragraph a line; ``placeholder``: title, ctrTitle, body …"""
    ph = f'<p:nvPr><p:ph type="{placeholder}"/></p:nvPr>' if placeholder else "<p:nvPr/>"
    paragraphs = "".join(f"<a:p><a:r><a:t>{line}</a:t></a:r></a:p>" for line in lines)
    return (f"<p:sp><p:nvSpPr><p:cNvPr id='2' name='x'/><p:cNvSpPr/>{ph}</p:nvSpPr>"
            f"<p:txBody>{paragraphs}</p:txBody></p:sp>")


def make_pptx(slides: dict[str, str], order: list[str]) -> bytes:
    """A presentation whose slide files are listed in ``order`` (names in the archive need not agree)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        ids = "".join(f'<p:sldId id="{256 + n}" r:id="rId{n}"/>' for n, _ in enumerate(order))
        archive.writestr("ppt/presentation.xml",
                         f"<p:presentation {_P} {_R}><p:sldIdLst>{ids}</p:sldIdLst></p:presentation>")
        rels = "".join(f'<Relationship Id="rId{n}" Type="slide" Target="slides/{name}"/>'
                       for n, name in enumerate(order))
        archive.writestr("ppt/_rels/presentation.xml.rels",
                         f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}'
                         "</Relationships>")
        for name, tree in slides.items():
            archive.writestr(f"ppt/slides/{name}",
                             f"<p:sld {_A} {_P} {_R}><p:cSld><p:spTree>{tree}</p:spTree></p:cSld></p:sld>")
    return out.getvalue()


def damaged_copies(data: bytes, seed: int, copies: int, most: int):
    """``copies`` versions of ``data``, each with 1 to ``most`` bytes overwritten at random."""
    import random

    rng = random.Random(seed)
    for _ in range(copies):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, most)):
            damaged[rng.randrange(len(data))] = rng.randrange(256)
        yield bytes(damaged)
