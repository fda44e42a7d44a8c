"""The hits a search picks, in rank order, and the result ``Hit`` each one becomes.

Its place in the flow query → parse → search → highlight → results: a search run
(indexer.search.run) adds stored paragraphs to ``Picked`` as it ranks them; the page's share of
them becomes result hits (indexer.search.results), each with its snippet (indexer.search.highlight)
and the other places the same text was published.
"""
from __future__ import annotations

import json

from indexer.engine import records
from indexer.search.highlight import snippet
from indexer.search.ranking import stored_score, text_first
from indexer.search.results import Hit

ALSO_IN_LIMIT = 5


class Picked:
    """Hits in rank order, one per group of identical paragraphs (the best-ranked one)."""

    def __init__(self):
        self.clear()

    def clear(self) -> None:
        self.hits: list[tuple[float, dict]] = []
        self.docnums: set[int] = set()
        self.norms: dict[str, str] = {}  # id → normalised text, where already computed
        # id → (matches in its report, the word they contain), if found through its report
        self._through: dict[str, tuple[int, str]] = {}
        self._groups: set[str] = set()
        self._match: dict[str, str] = {}  # id → the tier it matched in (results.Hit.match)

    def add(self, docnum: int | None, score: float, doc: dict, norm: str | None = None,
            through_report: int = 0, through_word: str = "", match: str = "") -> None:
        if "text" not in doc:
            return                       # the marker of an unreadable file
        if docnum is not None:
            self.docnums.add(docnum)
        group = doc.get("dupkey") or doc["id"]
        if group not in self._groups:
            self._groups.add(group)
            self.hits.append((score, doc))
            if norm is not None:
                self.norms[doc["id"]] = norm
            if through_report:
                self._through[doc["id"]] = (through_report, through_word)
                match = "report"
            self._match[doc["id"]] = match or "some_words"

    def put_first(self, before: "Picked", after: list) -> None:
        """These hits become those of ``before`` as they are, then ``after`` (the rest of the exact
        tier, (score, doc) best first, from these), scaled below them (``ranking.text_first``)."""
        first = {doc["id"] for _, doc in before.hits}
        norms, matches = dict(self.norms), {doc["id"]: self.match(doc["id"]) for _, doc in after}
        docnums = self.docnums | before.docnums
        self.clear()
        for score, doc in text_first(before.hits + after, lambda doc: doc["id"] in first):
            pid = doc["id"]
            self.add(None, score, doc, before.norms.get(pid, norms.get(pid)),
                     match=before.match(pid) if pid in first else matches[pid])
        self.docnums = docnums

    def match(self, pid: str) -> str:
        return self._match.get(pid, "")

    def through(self, pid: str) -> tuple[int, str]:
        return self._through.get(pid, (0, ""))


def stored(doc: dict, key: str) -> str:
    """A stored field as text ("" when absent)."""
    value = doc.get(key)
    return "" if value is None else str(value)


def meta_of(doc: dict) -> dict:
    try:
        return json.loads(doc.get("meta") or "{}")
    except ValueError:
        return {}


def make_hit(view, doc: dict, score: float, needles: list[str], norm: str | None = None,
             through_report: int = 0, through_word: str = "", match: str = "") -> Hit:
    """The result hit for a picked paragraph: snippet, other copies of it and of its report."""
    also = []
    # A dupkey only this paragraph has (most of them) cannot list another copy: not searched.
    if doc.get("dupkey") and view.doc_frequency("dupkey", doc["dupkey"]) > 1:
        for other in view.documents(dupkey=doc["dupkey"]):
            if other["id"] != doc["id"] and len(also) < ALSO_IN_LIMIT:
                also.append({"id": other["id"], "title": other["title"], "source": other["source"]})
    meta = meta_of(doc)
    return Hit(
        id=doc["id"], report_id=doc["report_id"], title=doc["title"], section=stored(doc, "section"),
        text=doc["text"], snippet=snippet(doc["text"], needles, norm=norm), score=stored_score(score),
        source=doc["source"], date=stored(doc, "date"), year=stored(doc, "year"), place=stored(doc, "place"),
        doctype=stored(doc, "doctype"), also_in=also,
        source_url=meta.get("url", ""), member=meta.get("member", ""),
        locations=records.locations(view, doc["report_id"]),
        through_report=through_report, through_word=through_word, match=match,
    )
