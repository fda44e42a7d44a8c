"""More like this: paragraphs in *other* reports that deal with the same matter.

Its place in the flow query → parse → search → highlight → results: a search of its own, from
the paragraph page; the query is made here, run on the index view, and highlighted as any.

For precedent discovery the user does not know the words others used, so the query is built
from the paragraph itself: its key terms (tf·idf over the jieba word field, see ``key_terms``)
OR-ed together, each boosted by its weight.
The paragraph's own report is masked out, and so are its near-duplicates — the same text
copied into another report (same ``dupkey``, or character-bigram similarity above
``NEAR_DUPLICATE``) — because a copy is not a precedent. One paragraph per report, so that
the list shows different places.
"""
from __future__ import annotations

import math
import re
from collections import Counter

from indexer.engine import queries as Q
from indexer.search.highlight import snippet
from indexer.search.ranking import (KEY_TERMS, NEAR_DUPLICATE, SIMILAR_CANDIDATES, SIMILAR_COMMON_FLOOR,
                                    SIMILAR_COMMON_SHARE, stored_score)
from indexer.text.normalize import normalize

TOP = 5
COPIES_READ = 64        # a cost cap, not a tuned weight: matches read per candidate group at most
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


def key_terms(view, text: str, count: int = KEY_TERMS, known_only: bool = False) -> list[tuple[str, float]]:
    """(word, weight) pairs, best first: the words that can lead from this text to others.

    Weight is tf·idf against the live index. Words that no other paragraph has cannot connect
    to anything (Whoosh's Bo1 model ranks exactly those highest, so it is not used), and words
    in more than ``SIMILAR_COMMON_SHARE`` of all paragraphs (and more than ``SIMILAR_COMMON_FLOOR``) are report
    boilerplate; both are skipped, as are single characters and bare numbers. ``known_only``
    is for text that is no longer indexed (a retired paragraph): any live paragraph holding
    the word then counts.
    """
    words = Counter(w for w in view.analyze("text", text) if len(w) > 1 and _WORDLIKE.search(w))
    total = max(view.doc_count(), 1)
    least = 1 if known_only else 2             # the paragraph itself is one
    most = max(SIMILAR_COMMON_FLOOR, total * SIMILAR_COMMON_SHARE)
    out = []
    for word, tf in words.items():
        df = view.doc_frequency("text", word)
        # Not doc_frequency alone: a deleted paragraph's words count there until its segment is merged.
        if least <= df <= most and (not known_only or view.has_live_postings("text", word)):
            out.append((word, tf * math.log(total / df)))
    out.sort(key=lambda wt: (-wt[1], wt[0]))
    return out[:count]


def _one_per_copy(view, query, candidates: int):
    """(stored fields, score) of the best match of each of the ``candidates`` best copy groups
    (``dupkey``), best first: copies of one paragraph (a report reposted in many files) would
    otherwise fill the candidate list.

    Not the engine's collapse: on a field without a column Whoosh first reads every dupkey's
    postings into a cache, seconds on a large index for the first request after each commit,
    before any match is found. Reading more matches until enough groups are seen gives the
    same groups in the same order (the first match of a group is its best).
    """
    limit = candidates
    while True:
        hits = view.search(query, limit=limit)
        groups, seen = [], set()
        for hit in hits:
            key = hit.fields.get("dupkey")
            if key not in seen:
                seen.add(key)
                groups.append((hit.fields, hit.score))
                if len(groups) == candidates:
                    return groups
        if len(hits) < limit or limit >= candidates * COPIES_READ:
            return groups
        limit *= 4


def similar(view, pid: str, top: int = TOP) -> tuple[list[str], list[dict]]:
    """(key terms used, up to ``top`` similar paragraphs from other reports, best first)."""
    doc = view.document(id=pid)
    if doc is None:
        return [], []
    terms = key_terms(view, doc["text"])
    if not terms:
        return [], []
    query = Q.Or([Q.Term("text", w, boost=weight) for w, weight in terms])
    own = Q.Or([Q.Term("report_id", doc["report_id"]), Q.Term("dupkey", doc.get("dupkey") or "")])
    words = [w for w, _ in terms]
    out, seen_reports = [], set()
    for other, score in _one_per_copy(view, Q.AndNot(query, own), top * SIMILAR_CANDIDATES):
        if other["report_id"] in seen_reports:
            continue
        if similarity(doc["text"], other["text"]) >= NEAR_DUPLICATE:
            continue
        seen_reports.add(other["report_id"])
        out.append({
            "id": other["id"], "report_id": other["report_id"], "title": other["title"],
            "section": other.get("section") or "", "text": other["text"], "source": other["source"],
            "date": other.get("date") or "", "score": stored_score(score),
            "snippet": snippet(other["text"], words),
            "shared": [w for w in words if w in normalize(other["text"])],
        })
        if len(out) == top:
            break
    return words, out
