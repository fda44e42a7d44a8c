"""Facet columns: a field's value for every document, as one array, built once per index state.

Its place in the flow query → parse → search → highlight → results: inside the engine, under the
index view's ``column``, which the search's facet counts and report lookups read
(indexer.search.facets, indexer.search.about). Each column is built from the field's lexicon (read
as arrays, indexer.engine.lexicon) and, for the few terms whose documents are not one run, their
posting lists (read a block at a time, indexer.engine.postings), so a count costs an array lookup
per match.

A column depends only on the segments a searcher reads and their deletions, so it is kept per
such state, not per searcher: the server's threads each hold their own view of one commit and
share its columns, instead of each building them again (``dupkey`` alone, a term per paragraph,
took a second or more at 100,000 paragraphs). A reindex makes a new state; the columns of the
last two states are kept. What a column takes from one segment (its lexicon's terms, each
document's term) never changes, so it is kept per segment: after adding a report, a new state's
columns read only the new segment's lexicon (at 1,000,000 paragraphs the first search after each
reindex spent 0.5 of its 0.7 s reading every segment's lexicon again).
"""
from __future__ import annotations

import threading
import weakref
from array import array
from collections import Counter, OrderedDict
from collections.abc import Callable

import numpy as np

from indexer.engine import docsets, lexicon, postings

# Index states whose columns are kept (a reindex adds one): the newest, and the one before it for
# the threads still reading it while they move on. With four kept, a server at 1,000,000 paragraphs
# grew by 50, 47 and 31 MB over three reindexes (462 MB in all); with two it stays at 397.
_STATES = 2
_BY_STATE: "OrderedDict[tuple, dict]" = OrderedDict()
_BY_SEARCHER: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()    # states with no key
_LOCK = threading.RLock()     # held while building: one thread builds, the others wait and reuse
_PARTS: dict[tuple, tuple] = {}     # (segment id, field) → _part, for the segments of kept states
_NUMBERED: dict[str, tuple] = {}    # field → ({segment id: its terms' numbers}, count, values or None), as last built


def _state(searcher) -> tuple | None:
    """What identifies the documents a searcher sees: each segment's id (random, given when it
    was written) and how many of its documents are deleted (a segment's deletions only grow).
    None when a reader is not one Whoosh's segments (then the cache is per searcher)."""
    out = []
    for leaf, offset in searcher.reader().leaf_readers():
        segment = getattr(leaf, "segment", None)
        if segment is None:
            return None
        segment = segment()
        out.append((segment.segment_id(), segment.deleted_count(), offset))
    return tuple(out)


def _cache(searcher) -> dict:
    """The cache of derived data for the searcher's index state (call with _LOCK held)."""
    key = _state(searcher)
    if key is None:
        return _BY_SEARCHER.setdefault(searcher, {})
    cached = _BY_STATE.get(key)
    if cached is None:
        cached = _BY_STATE[key] = {}
        while len(_BY_STATE) > _STATES:
            _BY_STATE.popitem(last=False)
    else:
        _BY_STATE.move_to_end(key)
    return cached


def _column(searcher, field: str) -> tuple[list[str], array]:
    """(values, docnum → value index or -1) for a field, built once per index state and cached."""
    with _LOCK:
        cached = _cache(searcher)
        if field not in cached:
            cached[field] = _build(searcher, field)
        return cached[field]


def groups(searcher, field: str) -> array:
    """docnum → a number equal for documents with equal values of ``field`` (-1: none), built
    once per index state and cached: a column without its values, for fields whose values are
    only compared (``dupkey``: a million of them at a million paragraphs, never shown)."""
    with _LOCK:
        cached = _cache(searcher)
        key = ("groups", field)
        if key not in cached:
            cached[key] = cached[field][1] if field in cached else _build(searcher, field, values=False)[1]
        return cached[key]


def _build(searcher, field: str, values: bool = True) -> tuple[list[str] | None, array]:
    """(the values, or None unless ``values``; the column), from every segment's lexicon. A
    segment's terms file is read and let go before the next: only each document's term number in
    its segment and the terms as words (indexer.engine.lexicon.Keys) are kept until the end."""
    leaves = [(sub.reader(), offset) for sub, offset in searcher.leaf_searchers()]
    parts = []
    for reader, _ in leaves:
        part = _part(reader, field, values)
        if part is None:
            return _build_walking(searcher, field)
        parts.append(part)
    _forget_parts(searcher)
    numbers, found = _numbered(field, [reader.segment().segment_id() for reader, _ in leaves], parts, values)
    column = array("i", [-1]) * searcher.reader().doc_count_all()
    cells = np.frombuffer(column, dtype=np.int32)
    for (reader, offset), (_, local, _), number in zip(leaves, parts, numbers):
        if len(number):         # a segment without the field (one holding only unreadable files' markers)
            cells[offset:offset + len(local)] = np.where(local >= 0, number[np.maximum(local, 0)], -1)
        if reader.has_deletions():
            cells[np.fromiter(reader.deleted_docs_set, dtype=np.int64) + offset] = -1
    return found, column


def _numbered(field: str, segments: list, parts: list[tuple], values: bool) -> tuple[list[np.ndarray], list | None]:
    """Each segment's terms' group numbers (lexicon.group_ids), and each number's value (None
    unless ``values``). Only a reindex's new segments' terms are numbered when the segments
    numbered last are still most of the index: the first search after adding a report at
    1,000,000 paragraphs spent 160 of its 260 ms sorting every segment's terms again. Numbers of
    terms no longer in the index stay unused, until they would be as many as the terms."""
    last = _NUMBERED.get(field)
    known = [i for i, segment in enumerate(segments) if last is not None and segment in last[0]]
    fresh = [i for i, segment in enumerate(segments) if last is None or segment not in last[0]]
    terms = sum(len(keys.lengths) for keys, _, _ in parts)
    got = None
    if known and (last[2] is not None or not values) and last[1] <= 2 * terms and \
            sum(len(parts[i][0].lengths) for i in fresh) < sum(len(parts[i][0].lengths) for i in known):
        got = lexicon.extend_group_ids([(parts[i][0], last[0][segments[i]]) for i in known], last[1],
                                       [parts[i][0] for i in fresh])
    if got is None:
        numbers, count = lexicon.group_ids([keys for keys, _, _ in parts])
        found, named = ([None] * count if values else None), range(len(parts))
    else:
        added, count = got
        numbers = [None] * len(parts)
        for i in known:
            numbers[i] = last[0][segments[i]]
        for i, number in zip(fresh, added):
            numbers[i] = number
        found, named = ((last[2] + [None] * (count - last[1])) if values else None), fresh
    if found is not None:         # the values of the numbers given now
        for i in named:
            for name, n in zip(parts[i][2], numbers[i].tolist()):
                if found[n] is None:
                    found[n] = name.decode("utf-8")
    _NUMBERED[field] = (dict(zip(segments, (n.astype(np.int32, copy=False) for n in numbers))), count, found)
    return numbers, found


def _part(reader, field: str, values: bool) -> tuple | None:
    """A segment's share of a column: (its lexicon's keys, each of its documents' term number,
    the terms or None unless ``values``); None for a reader lexicon.read does not know. Kept per
    segment (deletions are applied by the caller, so a segment's part never changes)."""
    segment = getattr(reader, "segment", None)
    key = (segment().segment_id(), field) if segment is not None else None
    part = _PARTS.get(key)
    if part is None or (values and part[2] is None):
        lex = lexicon.read(reader, field)
        if lex is None:
            return None
        names = lex.terms() if values else None
        part = (lexicon.keys(lex), _term_of_document(reader, lex), names)
        if key is not None:
            _PARTS[key] = part
    return part


def _forget_parts(searcher) -> None:
    """Let go of the parts of segments that neither this searcher nor a kept state reads."""
    live = {segment_id for state in _BY_STATE for segment_id, _, _ in state}
    live.update(reader.segment().segment_id() for reader, _ in searcher.reader().leaf_readers()
                if getattr(reader, "segment", None) is not None)
    for key in [key for key in _PARTS if key[0] not in live]:
        del _PARTS[key]


def _term_of_document(reader, lex) -> np.ndarray:
    """Each document of the segment → the number of its term in ``lex`` (-1: none)."""
    local = np.full(reader.doc_count_all(), -1, dtype=np.int32)
    # The term info's first and last document bound a run of df documents: they are the postings
    # (every dupkey but a copied paragraph's: one document; a file's source or report id: its
    # paragraphs, written one after another). No posting list to read.
    run = (lex.last - lex.first + 1 == lex.df) & (lex.last < len(local))
    lengths = lex.df[run]
    starts = np.repeat(lex.first[run] - np.cumsum(lengths) + lengths, lengths)
    local[starts + np.arange(len(starts))] = np.repeat(np.flatnonzero(run), lengths)
    # Two documents apart (a paragraph and its one copy, elsewhere in the segment): the first and the last.
    pair = ~run & (lex.df == 2) & (lex.last < len(local))
    local[lex.first[pair]] = local[lex.last[pair]] = np.flatnonzero(pair)
    for i in np.flatnonzero(~run & ~pair).tolist():
        local[lexicon.posting_ids(reader, lex, i)] = i
    return local


def _build_walking(searcher, field: str) -> tuple[list[str], array]:
    """_build for readers lexicon.read does not know: Whoosh's lexicon walk."""
    values, index = [], {}
    column = array("i", [-1]) * searcher.reader().doc_count_all()
    for subsearcher, offset in searcher.leaf_searchers():
        reader = subsearcher.reader()
        for term, info in reader.iter_field(field):
            df, first, last = info.doc_frequency(), info.min_id(), info.max_id()
            if term not in index:
                index[term] = len(values)
                values.append(term.decode("utf-8"))
            i = index[term]
            if last - first + 1 == df:
                column[first + offset:last + offset + 1] = array("i", [i]) * df
                continue
            for docnum in postings.all_ids(reader.postings(field, term)):
                column[docnum + offset] = i
        if reader.has_deletions():
            for docnum in reader.deleted_docs_set:
                column[docnum + offset] = -1
    return values, column


def report_of(searcher):
    """docnum → its report's id ("" for a file marker), from the cached report_id column."""
    values, column = _column(searcher, "report_id")
    return lambda docnum: values[column[docnum]] if column[docnum] >= 0 else ""


def paragraph_count(searcher) -> int:
    """How many paragraphs the index holds (not counting duplicate records and file markers)."""
    return _derived(searcher, "paragraphs", lambda: _paragraphs(searcher))


def _paragraphs(searcher) -> int:
    _, column = _column(searcher, "report_id")
    return int(np.count_nonzero(np.frombuffer(column, dtype=np.int32) >= 0))   # array.count: 40 ms at 1,000,000


def shared(searcher, field: str) -> frozenset[int]:
    """Docnums whose value of ``field`` some other live document has too (a paragraph with copies,
    for ``dupkey``): what counting distinct values must look at one by one."""
    return _derived(searcher, ("shared", field), lambda: _shared(searcher, field))


def _shared(searcher, field: str) -> frozenset[int]:
    column = groups(searcher, field)
    sizes = Counter(column)
    return frozenset(d for d, v in enumerate(column) if v >= 0 and sizes[v] > 1)


_NO_ORDINAL = 2**31 - 1       # what the ordinal column gives a document stored without one


def collection_order(searcher, docnums: list[int], stored: Callable[[int], dict]) -> list[tuple]:
    """A sort key for each document that orders them as (source, ordinal, id) of their stored
    fields would (indexer.search.ranking.position), read from columns: the source's rank among
    the index's sources and the ordinal column; the stored id (``stored(docnum)``) only for
    documents sharing both with another of ``docnums``. Ordering a tie of a rare word's 200
    paragraphs read each one's stored fields (a zlib and a pickle call, most of such a search)."""
    values, column = _column(searcher, "source")
    ranks = _derived(searcher, ("ranks", "source"), lambda: _ranks(values))
    ordinals = searcher.reader().column_reader("ordinal")
    keys = []
    for docnum in docnums:
        value, ordinal = column[docnum], ordinals[docnum]
        if ordinal == _NO_ORDINAL:
            ordinal = stored(docnum).get("ordinal") or 0
        keys.append((ranks[value] if value >= 0 else -1, ordinal))
    shared = Counter(keys)
    return [(*key, (stored(d).get("id") or "") if shared[key] > 1 else "") for key, d in zip(keys, docnums)]


def _ranks(values: list[str]) -> list[int]:
    """value index → the value's place among the values in sorted order."""
    ranks = [0] * len(values)
    for rank, i in enumerate(sorted(range(len(values)), key=values.__getitem__)):
        ranks[i] = rank
    return ranks


def distinct(searcher, field: str, docs) -> int:
    """How many distinct values of ``field`` the documents ``docs`` (distinct docnums: a
    docsets.Matches or any iterable) have, each document without a value counting as one. Only
    documents whose value another document has too are looked at (for dupkey, paragraphs with
    copies: a few in a hundred), as arrays."""
    docs = docsets.as_array(docs)
    column, shared_mask = _derived(searcher, ("distinct", field), lambda: _shared_mask(searcher, field))
    with_copies = docs[shared_mask[docs]]
    return len(docs) - len(with_copies) + len(np.unique(column[with_copies]))


def values_among(searcher, field: str, docs) -> list[tuple[str, int]]:
    """The distinct values of ``field`` the documents ``docs`` have (as for ``distinct``), each
    with how many of them have it; a document without one adds none."""
    values, column = _column(searcher, field)
    # Counted by value number (-1, none, at 0): no sort of a million matches' values.
    counts = np.bincount(np.frombuffer(column, dtype=np.int32)[docsets.as_array(docs)] + 1, minlength=1)[1:]
    present = np.flatnonzero(counts)
    return [(values[i], n) for i, n in zip(present.tolist(), counts[present].tolist())]


def _shared_mask(searcher, field: str) -> tuple[np.ndarray, np.ndarray]:
    """(the field's column as an array, True at each document whose value another live document has)."""
    values = np.frombuffer(groups(searcher, field), dtype=np.int32)
    # Looked up in a byte a group, not its count: a million groups' counts miss the cache at random.
    many = np.bincount(values[values >= 0], minlength=1) > 1
    return values, many[np.maximum(values, 0)] & (values >= 0)


def _derived(searcher, key, make):
    with _LOCK:
        cached = _cache(searcher)
        if key not in cached:
            cached[key] = make()
        return cached[key]
