"""XML from files we did not write (.odt, .pptx, .ofd, Word 2003 XML): parsed with no entity
expanded and nothing fetched, so a file cannot read the machine's files or reach the network;
and the dates their properties give."""
from __future__ import annotations

from lxml import etree

from indexer.ingest.metadata import normalize_date

# Text nodes and depth within libxml2's default limits: no format here needs more.
XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
# For formats that keep pictures inline as base64 text (Word 2003 XML's w:binData): large text
# nodes allowed; the file's size is limited before it is parsed.
XML_LARGE_TEXT = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, recover=False)


def text_date(element) -> str | None:
    """The date an element's text gives (2024-05-06T09:30:00Z: its date part), or None."""
    return normalize_date((element.text or "").strip()[:10]) if element is not None else None
