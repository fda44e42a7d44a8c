"""XML from files we did not write (.odt, .pptx, .ofd, Word 2003 XML): parsed with no entity
expanded and nothing fetched, so a file cannot read the machine's files or reach the network."""
from __future__ import annotations

from lxml import etree

# Text nodes and depth within libxml2's default limits: no format here needs more.
XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
# For formats that keep pictures inline as base64 text (Word 2003 XML's w:binData): large text
# nodes allowed; the file's size is limited before it is parsed.
XML_LARGE_TEXT = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, recover=False)
