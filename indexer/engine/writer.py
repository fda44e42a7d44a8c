"""Writing Whoosh segments fast: posting lists gathered in memory and written a block at a time.

Whoosh's SegmentWriter sends every posting through a sorting pool as a tuple, sorts them all at
commit, rereads each document's field length from disk for every posting and hands postings to
the block writer one call at a time. With jieba words plus character bigrams that per-posting
path was most of the indexing time. ``BulkWriter`` keeps the same on-disk format (a segment it
writes is read by plain Whoosh, tests/test_segment_writer.py compares the two byte for byte in
meaning) but keeps our tokenizers' terms as one integer a token (indexer.engine.tally), sorted
into posting lists at the end, and writes the lists a field at a time (indexer.engine.w3blocks).

``parallel.ParallelWriter`` runs BulkWriters in worker processes, each writing segments of its
own, for full builds on several cores.
"""
from __future__ import annotations

from array import array
from functools import partial

from whoosh.analysis import IDTokenizer
from whoosh.fields import ID
from whoosh.formats import Existence, Frequency
from whoosh.system import pack_uint, pack_ushort
from whoosh.writing import SegmentWriter

from indexer.engine.analyzer import GramTokenizer, _BaseTokenizer

# numpy and the modules built on it are imported with the first writer (load): store imports
# this module, and a run with nothing to index should not pay for importing numpy.
np = Tally = MAX_DOCS = write_lists = write_term = gram_keys = ListsWriter = segment_lists = None


def load() -> None:
    """Import what writing needs (also done ahead by a worker standing by, engine.standby)."""
    global np, Tally, MAX_DOCS, write_lists, write_term, gram_keys, ListsWriter, segment_lists
    if np is None:
        import numpy
        from indexer.engine import decoded, postings, tally, w3blocks
        from indexer.text import gramkeys

        Tally, MAX_DOCS, gram_keys = tally.Tally, tally.MAX_DOCS, gramkeys.gram_keys
        write_lists, write_term = w3blocks.write_lists, w3blocks.write_term
        ListsWriter, segment_lists = decoded.ListsWriter, postings.segment_lists
        np = numpy

_PACKED = [pack_uint(i) for i in range(256)]
_CACHED_ITEMS = 4096       # short field values whose index items are remembered


def _packed(freq: int) -> bytes:
    return _PACKED[freq] if freq < 256 else pack_uint(freq)


class _Postings:
    """One term's postings in this segment: docnums, weights and encoded values, in doc order."""

    __slots__ = ("ids", "weights", "values")

    def __init__(self):
        self.ids = array("I")
        self.weights = array("f")
        self.values: list[bytes] = []

    def add(self, docnum: int, weight: float, value: bytes) -> None:
        self.ids.append(docnum)
        self.weights.append(weight)
        self.values.append(value)


def _postings_of(terms: dict, term) -> _Postings:
    p = terms.get(term)
    if p is None:
        p = terms[term] = _Postings()
    return p


def _counted(field) -> bool:
    """Whether a field's terms are counted by our tokenizers with plain frequencies: its postings
    are kept as (docnum, frequency) pairs, their weights made from the document's boost when the
    segment is written."""
    return isinstance(field.analyzer, _BaseTokenizer) and type(field.format) is Frequency


def _plain_id(field) -> bool:
    """An ID field as the schema declares them: one term, the whole value, frequency 1."""
    return type(field) is ID and type(field.analyzer) is IDTokenizer and type(field.format) is Existence


def _str_keys(field) -> bool:
    """Whether this writer keys a field's terms by str (our tokenizers' fields) or by bytes."""
    return isinstance(field.analyzer, _BaseTokenizer)


def _note(table: dict, typecode: str, fieldname: str, docnum: int, value) -> None:
    """Record a document's value in a field's array, zeros for the documents before it that had none."""
    values = table.get(fieldname)
    if values is None:
        values = table[fieldname] = array(typecode)
    if len(values) < docnum:
        values.extend([0] * (docnum - len(values)))
    values.append(value)


def _items(field, value) -> list[tuple]:
    """(term, frequency, weight, value bytes) for any field, through Whoosh's own format code."""
    items = field.index(value)
    if _str_keys(field):
        return [(t.decode("utf-8"), f, w, v) for t, f, w, v in items]
    return list(items)


class BulkWriter(SegmentWriter):
    """A SegmentWriter whose postings bypass the sorting pool (same segment format)."""

    def __init__(self, ix, schema=None, **kwargs):
        load()
        super().__init__(ix, **kwargs)
        if schema is not None:
            self.schema = schema        # a rebuild writes the current schema, not the index's old one
        # Counted fields (_counted): field → its tokens (indexer.engine.tally), and field → scale
        # per docnum (field boost × document boost), by which frequencies become weights.
        self._tallies: dict = {}
        self._scales: dict[str, array] = {}
        # The other fields, and postings of segments merged into this one: field → term → postings;
        # terms are str for our tokenizers' fields, else Whoosh's bytes.
        self._postings: dict[str, dict[str | bytes, _Postings]] = {}
        # Plain ID fields (_plain_id): field → term (bytes) → array of docnums.
        self._present: dict[str, dict[bytes, array]] = {}
        self._lengths: dict[str, array] = {}        # field → length per docnum (own documents)
        self._plans: dict[str, tuple] = {}
        self._cache: dict[tuple[str, object], list[tuple]] = {}
        self.token_count = 0      # tokens of counted fields and postings of the others (parallel: segment size)

    def add_document(self, **fields):
        self._check_state()
        pdw, docnum = self.perdocwriter, self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(self.schema, fieldnames)
        plans = self._plans
        pdw.start_doc(docnum)
        count = 0
        try:
            for fieldname in fieldnames:
                value = fields[fieldname]
                if value is None:
                    continue
                plan = plans.get(fieldname) or self._plan(fieldname)
                field, add, scorable, stored_too, column, boostkey, storedkey = plan
                length = 0
                if add is not None:
                    boost = float(fields[boostkey]) if boostkey in fields else docboost
                    length, n = add(fieldname, field, value, docnum, boost)
                    count += n
                    if scorable:
                        self._note_length(fieldname, docnum, length)
                    else:
                        length = 0
                stored = fields.get(storedkey, value)
                pdw.add_field(fieldname, field, stored if stored_too else None, length)
                if column and stored is not None:
                    pdw.add_column_value(fieldname, column, field.to_column_value(stored))
        except Exception:
            pdw.cancel_doc()
            raise
        pdw.finish_doc()
        self.token_count += count
        self._added = True
        self.docnum += 1

    def _add_counted(self, fieldname: str, field, value, docnum: int, boost: float) -> tuple[int, int]:
        """Tokens of a field our tokenizers count (paragraph text and bigrams: the hot path, see
        indexer.engine.tally); (field length, tokens added)."""
        if docnum >= MAX_DOCS:
            raise ValueError(f"BulkWriter: more than {MAX_DOCS} documents in one segment")
        tally = self._tallies.get(fieldname)
        if tally is None:
            tally = self._tallies[fieldname] = Tally()
        if isinstance(field.analyzer, GramTokenizer):
            shifted = tally.shift(gram_keys(value))
        else:
            shifted = self._word_keys(fieldname, field, value, tally)
        self._note_scale(fieldname, docnum, field.format.field_boost * boost)
        if len(shifted):
            tally.add_shifted(shifted, docnum)
        return len(shifted), len(shifted)

    def _add_present(self, fieldname: str, field, value, docnum: int, boost: float) -> tuple[int, int]:
        """Postings of a plain ID field. Existence: frequency 1, weight the field boost, no value;
        a str is one term, the whole value. Each term's docnums alone, weighed when written."""
        self._note_scale(fieldname, docnum, field.format.field_boost * boost)
        terms = self._present.get(fieldname)
        if terms is None:
            terms = self._present[fieldname] = {}
        texts = (value.encode("utf-8"),) if isinstance(value, str) else [t for t, _, _, _ in field.index(value)]
        for term in texts:
            a = terms.get(term)
            if a is None:
                a = terms[term] = array("I")
            a.append(docnum)
        return len(texts), len(texts)

    def _add_other(self, fieldname: str, field, value, docnum: int, boost: float) -> tuple[int, int]:
        """Postings of any other field (title bigrams with positions, the ordinal), as Whoosh's
        format code gives them."""
        terms = self._postings.get(fieldname)
        if terms is None:
            terms = self._postings[fieldname] = {}
        length = count = 0
        for term, freq, weight, vbytes in self._other_items(fieldname, field, value):
            _postings_of(terms, term).add(docnum, weight * boost, vbytes)
            length += freq
            count += 1
        return length, count

    def _plan(self, fieldname: str) -> tuple:
        """What add_document needs of a field, looked up once per writer: (field, the method that
        keeps its postings or None when not indexed, scorable, stored, column type, the keys of
        its boost and of a stored value that differs from the indexed one)."""
        field = self.schema[fieldname]
        if field.separate_spelling() or field.vector:
            raise NotImplementedError(f"BulkWriter: spelling/vector field {fieldname!r}")
        add = None
        if field.indexed:
            add = self._add_counted if _counted(field) else self._add_present if _plain_id(field) else self._add_other
        plan = (field, add, bool(field.scorable), bool(field.stored), field.column_type,
                "_%s_boost" % fieldname, "_stored_%s" % fieldname)
        self._plans[fieldname] = plan
        return plan

    def _word_keys(self, fieldname: str, field, value, tally):
        """The shifted keys of a value's words (Tally.word_keys); computed once for a title or
        heading: they repeat on every paragraph."""
        if not (isinstance(value, str) and len(value) <= 64):
            return tally.word_keys(field.analyzer.terms(value))
        key = (fieldname, value)
        keys = self._cache.get(key)
        if keys is None:
            if len(self._cache) > _CACHED_ITEMS:
                self._cache.clear()
            keys = self._cache[key] = tally.word_keys(field.analyzer.terms(value))
        return keys

    def _other_items(self, fieldname: str, field, value) -> list[tuple]:
        """_items, remembered for short values that repeat (a title's bigrams with positions,
        a paragraph's ordinal)."""
        if not (isinstance(value, int) or isinstance(value, str) and len(value) <= 64):
            return _items(field, value)
        key = (fieldname, value)
        items = self._cache.get(key)
        if items is None:
            if len(self._cache) > _CACHED_ITEMS:
                self._cache.clear()
            items = self._cache[key] = _items(field, value)
        return items

    def documents(self) -> int:
        """The documents added to this writer so far (merged segments' not counted before they are merged)."""
        return self.docnum

    def _note_scale(self, fieldname: str, docnum: int, scale: float) -> None:
        _note(self._scales, "d", fieldname, docnum, scale)

    def _note_length(self, fieldname: str, docnum: int, length: int) -> None:
        _note(self._lengths, "I", fieldname, docnum, length)

    def add_postings_to_pool(self, reader, startdoc, docmap):
        # Segments merged into this one (Whoosh's merge policy) arrive after our own documents,
        # with higher docnums, so appending keeps every posting list in order.
        # Read a list at a time (Whoosh's iter_postings looks each term up and makes a matcher for it:
        # nine segments of one report each took 4 s to merge).
        for fieldname, tbytes, ids, weights, values in segment_lists(reader):
            if fieldname not in self.schema:
                continue
            if docmap is None:
                ids = [startdoc + i for i in ids]
            else:                                  # deleted documents are not in docmap
                kept = [n for n, i in enumerate(ids) if i in docmap]
                if not kept:
                    continue
                ids, weights, values = [docmap[ids[n]] for n in kept], [weights[n] for n in kept], [values[n] for n in kept]
            term = tbytes.decode("utf-8") if _str_keys(self.schema[fieldname]) else tbytes
            p = _postings_of(self._postings.setdefault(fieldname, {}), term)
            p.ids.extend(ids)
            p.weights.extend(weights)
            p.values.extend(values)

    def _flush_segment(self):
        self.perdocwriter.close()
        pdr = self.per_document_reader()
        # Long lists are also written decoded, beside the segment (indexer.engine.decoded).
        lists = ListsWriter(self.storage, self.newsegment, self.fieldwriter._codec._blocklimit)
        try:
            self._write_postings(pdr, lists)
        finally:
            pdr.close()
            lists.close()
        self.fieldwriter.close()

    def _field_lengths(self, pdr, fieldname: str) -> array:
        lengths = self._lengths.get(fieldname, array("I"))
        if len(lengths) < self.docnum:        # merged documents, or documents without the field
            lengths = array("I", lengths)
            lengths.extend(pdr.doc_field_length(d, fieldname) or 0 for d in range(len(lengths), self.docnum))
        return lengths

    def _write_postings(self, pdr, lists) -> None:
        fw = self.fieldwriter
        for fieldname in sorted(set(self._postings) | set(self._tallies) | set(self._present)):
            field = self.schema[fieldname]
            own = self._own_lists(fieldname, field)
            # Postings of merged segments (_postings) belong to documents after our own.
            others = self._postings.get(fieldname, {})
            lengths = self._field_lengths(pdr, fieldname) if field.scorable else None
            fw.start_field(fieldname, field)
            prefix = pack_ushort(fw._fieldid)
            keep = partial(lists.add, fieldname)
            if others:
                _write_merged(fw, prefix, own, others, field.format.fixed_value_size(), lengths, keep)
            else:
                lengths = np.frombuffer(lengths, dtype=np.uint32) if lengths else None
                for group in own:
                    write_lists(fw, prefix, *group, lengths, keep)
            fw.finish_field()
        self._postings, self._tallies, self._present, self._scales = {}, {}, {}, {}

    def _own_lists(self, fieldname: str, field):
        """This writer's own postings of a field, in groups of whole terms, as write_lists takes
        them: (sorted terms, where each term's postings start, docnums, weights, values)."""
        scales = self._scales.get(fieldname)
        tally = self._tallies.get(fieldname)
        if tally is not None:
            scales = np.frombuffer(scales, dtype=np.float64)
            for terms, starts, ids, freqs in tally.groups(isinstance(field.analyzer, GramTokenizer)):
                weights = scales[ids]
                weights *= freqs
                yield terms, starts, ids, weights.astype(np.float32), freqs.astype(">u4").tobytes()
            return
        present = self._present.get(fieldname)
        if present:
            terms = sorted(present)                                   # Existence: frequency 1, no values
            sizes = np.fromiter(map(len, map(present.__getitem__, terms)), dtype=np.int64, count=len(terms))
            starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
            ids = np.frombuffer(b"".join(present[t].tobytes() for t in terms), dtype=np.uint32)
            weights = np.frombuffer(scales, dtype=np.float64)[ids].astype(np.float32)
            yield terms, starts, ids, weights, None


def _write_merged(fw, prefix: bytes, own, others: dict, fixed: int | None, lengths, keep) -> None:
    """Write a field's posting lists term by term, this writer's own postings (``own``, the
    groups _own_lists gives) followed by those of merged segments (``others``)."""
    own_terms = {}
    for terms, starts, ids, weights, values in own:
        ends = np.append(starts[1:], len(ids)).tolist()
        for term, s, e in zip(terms, starts.tolist(), ends):
            own_terms[term] = (array("I", ids[s:e].tobytes()), array("f", weights[s:e].tobytes()),
                               values[s * 4:e * 4] if values is not None else b"")
    # UTF-8 keeps code point order, so str keys sort as their bytes do.
    for term in sorted(own_terms.keys() | others.keys()):
        mine, merged = own_terms.get(term), others.get(term)
        if mine is not None:
            ids, weights, values = mine
            if merged is not None:
                ids, weights = ids + merged.ids, weights + merged.weights
                if fixed and fixed > 0:
                    values += b"".join(filter(None, merged.values))
        else:
            ids, weights, values = merged.ids, merged.weights, merged.values
            if fixed and fixed > 0:
                values = b"".join(filter(None, values))
        write_term(fw, prefix + (term.encode("utf-8") if isinstance(term, str) else term),
                   ids, weights, values, fixed, lengths, keep)
