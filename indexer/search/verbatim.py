"""Does a paragraph say the query? The check on stored text that the index can only approximate.

Its place in the flow query → parse → search → highlight → results: the parse turns each clause
into runs of word characters (``ParsedQuery.checks``) and words (``word_checks``); the search
finds candidates by their bigrams and confirms them here on the stored, normalised text, where
a paragraph's heading counts as part of it (indexer.engine.schema.heading_and_text).
"""
from __future__ import annotations

from indexer.engine.schema import heading_and_text
from indexer.text.normalize import normalize
from indexer.text.quotes import contains


def is_exact(normalized_text: str, checks: list[list[list[str]]]) -> bool:
    """Does a paragraph (normalised) contain some alternative of every clause verbatim (a
    quotation mark inside it no break: “十四五”规划 says 十四五规划, indexer.text.quotes)?"""
    return all(any(all(contains(normalized_text, run) for run in alt) for alt in clause) for clause in checks)


def has_words(normalized_text: str, word_checks) -> bool:
    """Does a paragraph (normalised) have every word of some alternative of every clause?"""
    return all(any(all(contains(normalized_text, w) or (parts and all(p in normalized_text for p in parts))
                       for w, parts in alt) for alt in clause) for clause in word_checks)


def content(doc: dict, norm: str | None = None) -> str:
    """A paragraph's heading and text, normalised: what the query must contain (as indexed in
    ``grams``). ``norm``: its text normalised, when the caller has it already."""
    section = doc.get("section")
    return heading_and_text(normalize(section) if section else None,
                            normalize(doc.get("text", "")) if norm is None else norm)


def says(doc: dict, checks) -> bool:
    """Is the stored document a paragraph containing the clauses verbatim (``is_exact``)?"""
    return "text" in doc and is_exact(content(doc), checks)


def phrase_check(view, phrase_checks, limit: int):
    """For counting (facets.count, facets.distinct_total): docnums → those containing the
    quoted phrases verbatim, or None past ``limit``. None when the bigrams alone decide (no
    run of three or more characters, nor a mark inside one: a run of two is one bigram; the one
    across a decimal point or joining mark is marked apart, indexer.text.bridges)."""
    if not any(len(run) > 2 or not run.isalnum() for clause in phrase_checks for alt in clause for run in alt):
        return None

    def keep(docs):
        if len(docs) > limit:
            return None
        return [d for d in docs if says(view.stored_fields(d), phrase_checks)]
    return keep
