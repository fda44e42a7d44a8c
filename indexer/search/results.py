"""Searching, the last stage: what a search returns, and its one JSON shape.

The HTML page, the JSON API and the CLI all read these objects.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Hit:
    id: str
    report_id: str
    title: str
    section: str
    text: str
    snippet: str
    score: float
    source: str
    date: str = ""
    place: str = ""
    doctype: str = ""
    also_in: list[dict] = field(default_factory=list)   # the same paragraph elsewhere
    source_url: str = ""                                 # where the report was published
    locations: list[dict] = field(default_factory=list) # other copies of the whole report (dedup)
    # Found through its report (indexer.search.about): how many of the report's paragraphs contain
    # the query word it is about (through_word); 0 for a paragraph found by its own words.
    through_report: int = 0
    through_word: str = ""

    @property
    def through_report_note(self) -> str:
        """Why a paragraph found through its report is listed (page and CLI)."""
        if not self.through_report:
            return ""
        said = f"“{self.through_word}”" if self.through_word else "检索词"
        return f"所在报告有 {self.through_report} 段提到{said}，本段虽未全部提到检索词，也一并列出"


@dataclass
class SearchResult:
    query: str
    total: int
    took_ms: float
    offset: int
    limit: int
    hits: list[Hit]
    needles: list[str] = field(default_factory=list)
    estimated: bool = False          # total is an estimate (too many matches to count cheaply)


@dataclass
class ParagraphView:
    """A paragraph with the whole report around it, for the paragraph page."""

    id: str
    report_id: str
    title: str
    section: str
    source: str
    date: str
    ordinal: int
    report: list[dict]           # every paragraph of the report in order: id, section, text


def result_dict(result: SearchResult, url_for_id) -> dict:
    """The JSON API's shape, shared by the web API and `reportsearch search --json`."""
    return {
        "query": result.query,
        "total": result.total,
        "total_is_estimate": result.estimated,
        "took_ms": result.took_ms,
        "offset": result.offset,
        "limit": result.limit,
        "results": [
            {
                "id": h.id, "report_id": h.report_id, "title": h.title, "section": h.section,
                "text": h.text, "snippet": h.snippet, "url": url_for_id(h.id), "score": h.score,
                "source": h.source, "date": h.date, "doctype": h.doctype,
                "place": h.place, "source_url": h.source_url, "locations": h.locations,
                "also_in": [dict(a, url=url_for_id(a["id"])) for a in h.also_in],
                "through_report": h.through_report, "through_word": h.through_word,
            }
            for h in result.hits
        ],
    }


