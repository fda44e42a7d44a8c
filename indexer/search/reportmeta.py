"""A report's metadata beyond its paragraphs' text: place, type and original web address.

Reading in context (the paragraph and report pages) shows where a report was published, but
``Searcher.paragraph`` and ``Searcher.report`` return text, title, source and date only. Every
search hit carries its report's metadata, so one search for the report's own title, restricted
to the report, yields them — through Searcher's public methods alone.
"""
from __future__ import annotations

from indexer.errors import QueryError

TITLE_CHARS = 60          # a phrase of the title's start finds the report as well as the whole title


def report_facts(searcher, report_id: str, title: str) -> dict[str, str]:
    """{"place", "doctype", "date", "source_url"} of a report; {} when its title cannot be searched."""
    words = title.replace('"', " ").strip()[:TITLE_CHARS].strip()
    if not words or not report_id:
        return {}
    try:
        result = searcher.search(f'title:"{words}"', limit=1, filters={"report": report_id})
    except QueryError:
        return {}
    if not result.hits:
        return {}
    hit = result.hits[0]
    return {"place": hit.place, "doctype": hit.doctype, "date": hit.date, "source_url": hit.source_url}
