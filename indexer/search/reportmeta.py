"""A report's metadata beyond its paragraphs' text: place, type and original web address.

Reading in context (the paragraph and report pages) shows where a report was published, but
``Searcher.paragraph`` and ``Searcher.report`` return text, title, source and date only. Every
paragraph of a report carries its report's metadata, so one paragraph's stored fields
(``Searcher.report_paragraph``) yield them. (A search for the report's own title did too, but
in a report of 40,000 paragraphs that phrase matched all of them: 4 s for a paragraph's JSON.)
"""
from __future__ import annotations

from indexer.search.hits import meta_of, stored


def report_facts(searcher, report_id: str) -> dict[str, str]:
    """{"place", "doctype", "date", "year", "source_url", "member"} of a report; {} when it has no
    paragraph."""
    doc = searcher.report_paragraph(report_id) if report_id else None
    if doc is None:
        return {}
    meta = meta_of(doc)
    return {"place": stored(doc, "place"), "doctype": stored(doc, "doctype"), "date": stored(doc, "date"),
            "year": stored(doc, "year"), "source_url": meta.get("url", ""), "member": meta.get("member", "")}
