"""What a search hands to its readers, and the one dict a paragraph becomes.

query → parse → search → highlight → (these objects) → page or JSON. The HTML pages, the JSON
API, the export and the CLI all read these objects; ``paragraph_dict`` is the only place a
paragraph is turned into a dict, whether it is a search hit or a stored paragraph.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial


INCOMPLETE_NOTE = "检索超过了时间限制，结果不完整：只列出了限定时间内找到的结果。可减少查询中的词或加上筛选条件后再试。"


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
    member: str = ""            # for a file in an archive (source), its name there: 附件/汇报.docx
    place: str = ""
    doctype: str = ""
    also_in: list[dict] = field(default_factory=list)   # the same paragraph elsewhere
    year: str = ""              # the date's, or for an undated report the year it is filed under
    source_url: str = ""                                 # where the report was published
    locations: list[dict] = field(default_factory=list) # other copies of the whole report (dedup)
    # Found through its report (indexer.search.about): how many of the report's paragraphs contain
    # the query word it is about (through_word); 0 for a paragraph found by its own words.
    through_report: int = 0
    through_word: str = ""
    # The tier it matched in: "exact" (the query as typed), "all_words" (every word, apart),
    # "synonym", "report" (through its report), "some_words"; "" when sorted by a field.
    match: str = ""

    @property
    def meta_line(self) -> str:
        """When, where, what kind and which file, as the result page shows them (CLI)."""
        source = f"{self.source} › {self.member}" if self.member else self.source
        when = self.date or (f"{self.year}年" if self.year else "")
        return " · ".join(part for part in (when, self.place, self.doctype, source) if part)

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
    exact_total: int | None = None   # paragraphs containing the query as typed (None: no exact tier)
    exact_words: tuple[str, ...] = ()   # what those paragraphs contain: each clause as typed
    exact_estimated: bool = False    # exact_total is an upper bound: too many matches to confirm them all

    @property
    def exact_note(self) -> str:
        """How many of the results contain the query as typed, when not all do (page and CLI):
        its topic for a question (银发经济 of 如何发展银发经济), every word of words typed apart."""
        if self.exact_total is None or self.exact_total == self.total and not self.exact_estimated:
            return ""
        words = ["“" + w.replace(" / ", "”或“") + "”" for w in self.exact_words] or [f"“{self.query}”"]
        said = f"含{words[0]}原文" if len(words) == 1 else "同时含" + "".join(words)
        if not self.exact_total:
            return f"没有段落{said}，以下均为部分匹配或相关段落"
        if self.exact_estimated:
            return f"其中至多 {self.exact_total} 段{said}（未逐段核对），其余为部分匹配或相关段落"
        return f"其中 {self.exact_total} 段{said}，其余为部分匹配或相关段落"
    incomplete: bool = False         # the request's time budget ran out: hits and total are what was found
    outdated_note: str = ""          # the index was read in part by older rules (indexer.status.SEARCH_OLD_RULES)

    @property
    def total_label(self) -> str:
        """The total as the CLI states it (the page as well): a lower bound when the search ran out
        of time, an upper bound when there were too many matches to count them one by one."""
        if self.incomplete:
            return f"至少 {self.total}"
        return f"至多 {self.total}" if self.estimated else str(self.total)

    @property
    def incomplete_note(self) -> str:
        """Why the list may be short (page and CLI); "" for a search that ended in time."""
        return INCOMPLETE_NOTE if self.incomplete else ""


@dataclass
class ParagraphView:
    """A paragraph with (a window of) its report around it, for the paragraph page."""

    id: str
    report_id: str
    title: str
    section: str
    source: str
    date: str
    ordinal: int
    report: list[dict]           # paragraphs of the report around it, in order: id, section, text
    first: int = 0               # where report[0] stands in the whole report
    size: int = 0                # paragraphs in the whole report

    @property
    def text(self) -> str:
        """The paragraph's own text, as listed in ``report``."""
        return next(p["text"] for p in self.report if p["id"] == self.id)


# The fields of each shape a paragraph takes, in the order its JSON lists them. A field is
# read from a search hit or ParagraphView (attribute) or a stored paragraph (dict key); "url"
# is the paragraph's permalink, made from its id.
HIT_FIELDS = ("id", "report_id", "title", "section", "text", "snippet", "url", "score", "source", "member", "date",
              "year", "doctype", "place", "source_url", "locations", "also_in", "through_report", "through_word",
              "match")
STORED_FIELDS = ("id", "report_id", "title", "section", "text", "source", "date", "url")
# A paragraph like another (indexer.search.similar): also its score, snippet and shared words.
SIMILAR_FIELDS = ("id", "report_id", "title", "section", "text", "source", "date", "score", "snippet",
                  "shared", "url")


def paragraph_dict(paragraph, url_for_id, fields: tuple[str, ...] = HIT_FIELDS) -> dict:
    """``paragraph`` (a Hit, a ParagraphView or a stored paragraph's dict) as a dict of ``fields``.

    ``url_for_id`` turns an id into a permalink, for "url" and for each "also_in" entry.
    """
    get = paragraph.__getitem__ if isinstance(paragraph, dict) else partial(getattr, paragraph)
    out = {}
    for name in fields:
        if name == "url":
            out[name] = url_for_id(get("id"))
        elif name == "also_in":
            out[name] = [dict(a, url=url_for_id(a["id"])) for a in get("also_in")]
        else:
            out[name] = get(name)
    return out


def result_dict(result: SearchResult, url_for_id) -> dict:
    """The JSON API's shape, shared by the web API and `reportsearch search --json`."""
    return {
        "query": result.query,
        "total": result.total,
        "total_is_estimate": result.estimated,
        "exact_total": result.exact_total,
        "exact_total_is_estimate": result.exact_estimated,
        "incomplete": getattr(result, "incomplete", False),
        "index_outdated": bool(getattr(result, "outdated_note", "")),
        "took_ms": result.took_ms,
        "offset": result.offset,
        "limit": result.limit,
        "results": [paragraph_dict(h, url_for_id) for h in result.hits],
    }


def group_dict(grouped, url_for_id) -> dict:
    """The JSON API's shape for results grouped by report (indexer.search.grouping.GroupedResult):
    per report its best paragraph (as paragraph_dict) and how many more of its paragraphs match."""
    return {
        "query": grouped.query,
        "group": "report",
        "total": grouped.total,
        "total_is_estimate": grouped.estimated,
        "groups_total": grouped.groups_total,
        "groups_total_is_estimate": grouped.groups_estimated,
        "incomplete": grouped.incomplete,
        "took_ms": grouped.took_ms,
        "offset": grouped.offset,
        "limit": grouped.limit,
        "results": [{"report_id": g.best.report_id, "title": g.best.title, "count": g.count, "more": g.more,
                     "best": paragraph_dict(g.best, url_for_id)} for g in grouped.groups],
    }
