"""Query objects: what the search asks the engine for, in our own immutable terms.

Its place in the flow query → parse → search → highlight → results: the parse builds these
(indexer.search.tiers), the search hands them to an index view (indexer.engine.view), and the
engine compiles them to Whoosh queries (indexer.engine.compile), one for one: each class here
is the Whoosh query of the same name with the same arguments, so scores are Whoosh's own.

They are frozen dataclasses: equal when built alike, hashable, safe to share between threads
and between searches. ``with_boost`` returns a copy, as Whoosh's does.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterator, Union


def _tupled(obj, name: str) -> None:
    object.__setattr__(obj, name, tuple(getattr(obj, name)))


@dataclass(frozen=True)
class Term:
    """Documents whose ``field`` holds the term ``text``."""

    field: str
    text: str
    boost: float = 1.0

    def with_boost(self, boost: float) -> "Term":
        return replace(self, boost=boost)


@dataclass(frozen=True)
class Prefix:
    """Documents with a term in ``field`` starting with ``text``."""

    field: str
    text: str
    boost: float = 1.0

    def with_boost(self, boost: float) -> "Prefix":
        return replace(self, boost=boost)


@dataclass(frozen=True)
class Phrase:
    """Documents whose ``field`` has ``words`` in a row (the field must keep positions)."""

    field: str
    words: tuple[str, ...]
    boost: float = 1.0

    def __post_init__(self):
        _tupled(self, "words")

    def with_boost(self, boost: float) -> "Phrase":
        return replace(self, boost=boost)


@dataclass(frozen=True)
class And:
    """Every one of ``queries``; scores add up."""

    queries: tuple["Query", ...]
    boost: float = 1.0

    def __post_init__(self):
        _tupled(self, "queries")

    def with_boost(self, boost: float) -> "And":
        return replace(self, boost=boost)


@dataclass(frozen=True)
class Or:
    """Any of ``queries``; the scores of those that match add up."""

    queries: tuple["Query", ...]
    boost: float = 1.0

    def __post_init__(self):
        _tupled(self, "queries")

    def with_boost(self, boost: float) -> "Or":
        return replace(self, boost=boost)


@dataclass(frozen=True)
class AndNot:
    """``query`` less the documents ``excluded`` matches (which adds nothing to a score)."""

    query: "Query"
    excluded: "Query"


@dataclass(frozen=True)
class AndMaybe:
    """``query``, with ``optional`` adding its score where it matches too."""

    query: "Query"
    optional: "Query"


@dataclass(frozen=True)
class ConstantScore:
    """The documents ``query`` matches, each scoring ``score``."""

    query: "Query"
    score: float = 1.0


@dataclass(frozen=True)
class Every:
    """Every document."""


Query = Union[Term, Prefix, Phrase, And, Or, AndNot, AndMaybe, ConstantScore, Every]


def children(query: Query) -> tuple[Query, ...]:
    """The queries directly inside ``query`` (none for a leaf)."""
    if isinstance(query, (And, Or)):
        return query.queries
    if isinstance(query, AndNot):
        return query.query, query.excluded
    if isinstance(query, AndMaybe):
        return query.query, query.optional
    if isinstance(query, ConstantScore):
        return (query.query,)
    return ()


def leaves(query: Query) -> Iterator[Query]:
    """Every leaf (Term, Prefix, Phrase, Every) in the tree, depth first, as Whoosh lists them."""
    inner = children(query)
    if not inner:
        yield query
    for sub in inner:
        yield from leaves(sub)


def terms(query: Query, field: str) -> list[str]:
    """The texts of the Terms on ``field`` anywhere in the query."""
    return [leaf.text for leaf in leaves(query) if isinstance(leaf, Term) and leaf.field == field]
