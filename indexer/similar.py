"""More like this: paragraphs in *other* reports that deal with the same matter.

For precedent discovery the user does not know the words others used, so the query is built
from the paragraph itself: its key terms (Whoosh's Bo1 expansion model over the word field,
weighted against the whole index, so common report boilerplate weighs little) OR-ed together.
The paragraph's own report is masked out, and so are its near-duplicates — the same text
copied into another report (same ``dupkey``, or character-bigram similarity above
``NEAR_DUPLICATE``) — because a copy is not a precedent. One paragraph per report, so that
the list shows different places.
"""
from __future__ import annotations

import re

from whoosh import query as Q

from .highlight import snippet
from .normalize import normalize

NEAR_DUPLICATE = 0.8
KEY_TERMS = 12
TOP = 5
_WORDLIKE = re.compile(r"[\u3400-\u9fffA-Za-z]")


def bigrams(text: str) -> set[str]:
    """Character bigrams of the letters and digits of text (normalised), for similarity."""
    chars = [c for c in normalize(text) if c.isalnum()]
    if len(chars) == 1:
        return {chars[0]}
    return {chars[i] + chars[i + 1] for i in range(len(chars) - 1)}


def similarity(a: str, b: str) -> float:
    """Dice coefficient of character bigrams: 1.0 for the same words, 0.0 for nothing shared."""
    x, y = bigrams(a), bigrams(b)
    if not x or not y:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))


def key_terms(searcher, text: str, count: int = KEY_TERMS, known_only: bool = False) -> list[tuple[str, float]]:
    """(word, weight) pairs, best first; single characters and bare numbers carry no topic.

    With ``known_only``, words no live paragraph contains are dropped: the expansion model
    rates an unknown word highest, but a search for it finds nothing.
    """
    terms = searcher.key_terms_from_text("text", text, numterms=count * 4, normalize=False)
    out = [(w, weight) for w, weight in terms if len(w) > 1 and _WORDLIKE.search(w)]
    if known_only:
        out = [(w, weight) for w, weight in out if _live(searcher, w)]
    return out[:count]


def _live(searcher, word: str) -> bool:
    # Not doc_frequency: a deleted paragraph's words count there until its segment is merged.
    reader = searcher.reader()
    return ("text", word) in reader and reader.postings("text", word).is_active()


def similar(searcher, pid: str, top: int = TOP) -> tuple[list[str], list[dict]]:
    """(key terms used, up to ``top`` similar paragraphs from other reports, best first)."""
    doc = searcher.document(id=pid)
    if doc is None:
        return [], []
    terms = key_terms(searcher, doc["text"])
    if not terms:
        return [], []
    query = Q.Or([Q.Term("text", w, boost=weight) for w, weight in terms])
    own = Q.Or([Q.Term("report_id", doc["report_id"]), Q.Term("dupkey", doc.get("dupkey") or "")])
    words = [w for w, _ in terms]
    out, seen_keys, seen_reports = [], set(), set()
    for hit in searcher.search(query, limit=top * 6, mask=own, terms=False):
        other = hit.fields()
        if other.get("dupkey") in seen_keys or other["report_id"] in seen_reports:
            continue
        if similarity(doc["text"], other["text"]) >= NEAR_DUPLICATE:
            continue
        seen_keys.add(other.get("dupkey"))
        seen_reports.add(other["report_id"])
        out.append({
            "id": other["id"], "report_id": other["report_id"], "title": other["title"],
            "section": other.get("section") or "", "text": other["text"], "source": other["source"],
            "date": other.get("date") or "", "score": round(hit.score, 4),
            "snippet": snippet(other["text"], words),
            "shared": [w for w in words if w in normalize(other["text"])],
        })
        if len(out) == top:
            break
    return words, out
