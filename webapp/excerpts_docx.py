"""摘录 as a Word document (.docx), built with python-docx from checked excerpts (webapp.excerpts).

Everything is written as plain text runs: a paragraph's words never become a field, a formula
or markup. The only structure added is ours — headings, the quotation style, and a hyperlink
(to an http(s) address only, which webapp.excerpts has checked) on each permalink.
"""
from __future__ import annotations

import datetime
import io

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

FONT = "宋体"                    # present on every office PC that writes Chinese reports


def build(group: str, items: list, today: datetime.date) -> bytes:
    """The document: a title, then per group a heading and per excerpt its quote, note, citation, link."""
    from .excerpts import GROUPINGS, grouped

    document = docx.Document()
    _styles(document)
    document.add_heading(f"摘录（{len(items)} 条）", level=0)
    document.add_paragraph(f"导出日期：{today.isoformat()}　{GROUPINGS[group]}分组")
    n = 0
    for heading, members in grouped(items, group):
        document.add_heading(heading, level=1)
        for x in members:
            n += 1
            document.add_heading(f"{n}. {x.short}" + (f" › {x.section}" if x.section else ""), level=2)
            for line in x.text.split("\n"):
                if line.strip():
                    document.add_paragraph(line.strip(), style="Quote")
            if x.note:
                document.add_paragraph("备注：" + x.note)
            document.add_paragraph("引文：" + x.citation(today))
            if x.url:
                _link_line(document, "链接：", x.url)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _styles(document) -> None:
    """A Chinese font for body text, headings and quotes (Word otherwise falls back per glyph)."""
    for style in document.styles:
        if style.type != WD_STYLE_TYPE.PARAGRAPH:
            continue
        style.font.name = FONT
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), FONT)
    document.styles["Normal"].font.size = Pt(12)
    document.styles["Quote"].font.color.rgb = RGBColor(0x33, 0x33, 0x33)


def _link_line(document, label: str, url: str) -> None:
    """A paragraph "label url" whose url is a hyperlink a reader can click in Word."""
    paragraph = document.add_paragraph(label)
    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "0563C1")
    props.extend([color, underline])
    text = OxmlElement("w:t")
    text.text = url
    run.extend([props, text])
    link.append(run)
    paragraph._p.append(link)
