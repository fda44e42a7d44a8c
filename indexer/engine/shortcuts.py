"""Reads a search makes hundreds of times, made cheaper on a view's reader.

Its place in the flow query → parse → search → highlight → results: inside the engine, under the
index view (indexer.engine.view), beneath Whoosh's public layer. A search asks for document
frequencies a hundred times and more (parsing, idf, the size estimate of the tiered query, the
cost checks), each a hashed lookup in every segment's terms file; and it reads a few hundred
stored paragraphs (ties ordered by position, the exact tier confirmed on the text, the page),
where Whoosh rebuilds each dict through a generator checking every key against the schema.
"""
from __future__ import annotations

from bisect import bisect_right

MEMO_LIMIT = 100_000     # answers a memo of a view's whole reader holds before it starts over


class Memo(dict):
    """Answers by (fieldname, text), at most ``limit`` of them: when full it starts over."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def answer(self, key, ask, *args):
        """The answer remembered for ``key``, else ``ask(*args)``, remembered."""
        got = self.get(key)
        if got is None and key not in self:
            if len(self) >= self.limit:
                self.clear()
            got = self[key] = ask(*args)
        return got


def memoise_lookups(reader) -> None:
    """Make ``reader.doc_frequency`` answer from a memo: a reader is a snapshot, whose document
    frequencies never change (Whoosh's own code and the scorers call it on the reader too).
    Each segment's reader as well: the exact tier and the kept lists ask them directly, and
    term lookups there (``postings.term_bytes``) are memoised on the same grounds. The
    segments' memos share one more MEMO_LIMIT, however many segments there are."""
    reader.doc_frequency = memoised(reader.doc_frequency, Memo(MEMO_LIMIT))
    leaves = [r for r, _ in reader.leaf_readers() if r is not reader]
    if not leaves:                          # one segment: the reader is its reader
        reader.term_memo = Memo(MEMO_LIMIT)
        return
    share = max(1024, MEMO_LIMIT // (2 * len(leaves)))
    for leaf in leaves:
        leaf.doc_frequency = memoised(leaf.doc_frequency, Memo(share))
        leaf.term_memo = Memo(share)


def memoised(ask, memo: Memo):
    """``ask(fieldname, text)`` answered from ``memo``."""

    def answer(fieldname, text):
        key = (fieldname, text)
        got = memo.get(key)          # asked hundreds of times a search: the common case inline
        return memo.answer(key, ask, fieldname, text) if got is None else got

    return answer


class StoredFields:
    """docnum → the stored fields of a document of ``reader``, read from its segment's stored
    column as Whoosh reads them, keeping the keys the schema knows (as Whoosh does)."""

    def __init__(self, reader):
        leaves = reader.leaf_readers()
        self._reader = reader
        self._offsets = [offset for _, offset in leaves]
        self._leaves = [leaf for leaf, _ in leaves]
        self._fast = all(hasattr(getattr(leaf, "_perdoc", None), "stored_fields") for leaf in self._leaves)
        self._names = frozenset(reader.schema.names())

    def __call__(self, docnum: int) -> dict:
        if not self._fast or docnum < 0:
            return self._reader.stored_fields(docnum)
        i = bisect_right(self._offsets, docnum) - 1
        leaf = self._leaves[i]
        if leaf.is_closed:
            return leaf.stored_fields(docnum - self._offsets[i])        # raises ReaderClosed
        names = self._names
        return {k: v for k, v in leaf._perdoc.stored_fields(docnum - self._offsets[i]).items() if k in names}
