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


def words_match(text: str, parsed) -> str:
    """The tier of a paragraph (its normalised ``content``) ranked with those having every word:
    "all_words", "synonym" (every clause, one through a synonym) or "some_words" (most clauses
    verbatim, not all)."""
    if has_words(text, tuple(clause[:1] for clause in parsed.word_checks)):
        return "all_words"
    if has_words(text, parsed.word_checks) or any(s in text for s in parsed.together_synonyms):
        return "synonym"
    return "some_words"


def figures(checks: list[list[list[str]]]) -> set[str]:
    """The runs of ``checks`` that open or close with a digit: figures, which a paragraph may say
    inside a longer number (3.5% in 123.5%)."""
    return {run for clause in checks for alt in clause for run in alt if _edge_digit(run[:1]) or _edge_digit(run[-1:])}


def stands_whole(normalized_text: str, runs) -> bool:
    """Does the paragraph say each figure of ``runs`` that it says at all as a number of its own at
    least once: no digit, nor a digit and decimal point, running on before a leading digit or after
    a trailing one (3.5% in 增长3.5%, not in 增长123.5% or 13.5%)? A figure said only across a
    quotation mark is taken as whole."""
    return all(_whole(normalized_text, run) for run in runs)


def _whole(text: str, run: str) -> bool:
    lead, trail = _edge_digit(run[0]), _edge_digit(run[-1])
    at = text.find(run)
    if at < 0:
        return True
    while at >= 0:
        end = at + len(run)
        if not (lead and _runs_on(text, at - 1, -1)) and not (trail and _runs_on(text, end, 1)):
            return True
        at = text.find(run, at + 1)
    return False


def _runs_on(text: str, at: int, step: int) -> bool:
    """Does a number go on at ``at`` (a digit there, or a decimal point and then a digit)?"""
    char = text[at] if 0 <= at < len(text) else ""
    if char == ".":
        at += step
        char = text[at] if 0 <= at < len(text) else ""
    return _edge_digit(char)


def _edge_digit(char: str) -> bool:
    return "0" <= char <= "9" if char else False


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
