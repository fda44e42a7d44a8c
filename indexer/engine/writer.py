"""Writing Whoosh segments fast: posting lists gathered in memory and written a block at a time.

Whoosh's SegmentWriter sends every posting through a sorting pool as a tuple, sorts them all at
commit, rereads each document's field length from disk for every posting and hands postings to
the block writer one call at a time. With jieba words plus character bigrams that per-posting
path was most of the indexing time. ``BulkWriter`` keeps the same on-disk format (a segment it
writes is read by plain Whoosh, tests/test_segment_writer.py compares the two byte for byte in
meaning) but keeps each term's postings in arrays, counts our tokenizers' terms with a Counter
and writes each posting list block by block.

``parallel.ParallelWriter`` runs BulkWriters in worker processes, each writing segments of its
own, for full builds on several cores.
"""
from __future__ import annotations

import struct
import zlib
from array import array
from collections import Counter
from operator import mul, sub

from whoosh.analysis import IDTokenizer
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo, dumps, length_to_byte
from whoosh.fields import ID
from whoosh.formats import Existence, Frequency
from whoosh.system import pack_int, pack_long, pack_uint, pack_ushort
from whoosh.writing import SegmentWriter

from indexer.engine.analyzer import _BaseTokenizer

_PACKED = [pack_uint(i) for i in range(256)]
_TERMINFO = W3TermInfo._struct     # flags, weight, doc frequency, min/max length, max weight, first/last id
COMPRESS_FROM = 64        # bytes of a block's pickle from which it is compressed
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
        super().__init__(ix, **kwargs)
        if schema is not None:
            self.schema = schema        # a rebuild writes the current schema, not the index's old one
        # Counted fields (_counted): field → term (str) → array of docnum, frequency, docnum, ...
        # and field → scale per docnum (field boost × document boost); 8 bytes a posting.
        self._pairs: dict[str, dict[str, array]] = {}
        self._scales: dict[str, array] = {}
        # The other fields, and postings of segments merged into this one: field → term → postings;
        # terms are str for our tokenizers' fields, else Whoosh's bytes.
        self._postings: dict[str, dict[str | bytes, _Postings]] = {}
        # Plain ID fields (_plain_id): field → term (bytes) → array of docnums.
        self._present: dict[str, dict[bytes, array]] = {}
        self._lengths: dict[str, array] = {}        # field → length per docnum (own documents)
        self._plans: dict[str, tuple] = {}
        self._cache: dict[tuple[str, object], list[tuple]] = {}
        self.posting_count = 0

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
        self.posting_count += count
        self._added = True
        self.docnum += 1

    def _add_counted(self, fieldname: str, field, value, docnum: int, boost: float) -> tuple[int, int]:
        """Postings of a field our tokenizers count (paragraph text and bigrams: the hot loop, two
        appends a posting); (field length, postings added)."""
        got = self._short_counts(fieldname, field, value)
        if got is None:
            counted = Counter(field.analyzer.terms(value))
            counts, length = counted.items(), sum(counted.values())
        else:
            counts, length = got
        self._note_scale(fieldname, docnum, field.format.field_boost * boost)
        terms = self._pairs.get(fieldname)
        if terms is None:
            terms = self._pairs[fieldname] = {}
        get = terms.get
        for term, freq in counts:
            a = get(term)
            if a is None:
                a = terms[term] = array("I")
            a.append(docnum)
            a.append(freq)
        return length, len(counts)

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

    def _short_counts(self, fieldname: str, field, value):
        """((term, frequency) pairs, length) of a title or heading, computed once: they repeat on
        every paragraph."""
        if not (isinstance(value, str) and len(value) <= 64):
            return None
        key = (fieldname, value)
        counts = self._cache.get(key)
        if counts is None:
            if len(self._cache) > _CACHED_ITEMS:
                self._cache.clear()
            counted = Counter(field.analyzer.terms(value))
            counts = self._cache[key] = (tuple(counted.items()), sum(counted.values()))
        return counts

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

    def _note_scale(self, fieldname: str, docnum: int, scale: float) -> None:
        _note(self._scales, "d", fieldname, docnum, scale)

    def _note_length(self, fieldname: str, docnum: int, length: int) -> None:
        _note(self._lengths, "I", fieldname, docnum, length)

    def add_postings_to_pool(self, reader, startdoc, docmap):
        # Segments merged into this one (Whoosh's merge policy) arrive after our own documents,
        # with higher docnums, so appending keeps every posting list in order.
        for fieldname, tbytes, docnum, weight, vbytes in self._process_posts(reader.iter_postings(), startdoc,
                                                                            docmap):
            term = tbytes.decode("utf-8") if _str_keys(self.schema[fieldname]) else tbytes
            _postings_of(self._postings.setdefault(fieldname, {}), term).add(docnum, weight, vbytes)

    def _flush_segment(self):
        self.perdocwriter.close()
        pdr = self.per_document_reader()
        try:
            self._write_postings(pdr)
        finally:
            pdr.close()
        self.fieldwriter.close()

    def _field_lengths(self, pdr, fieldname: str) -> array:
        lengths = self._lengths.get(fieldname, array("I"))
        if len(lengths) < self.docnum:        # merged documents, or documents without the field
            lengths = array("I", lengths)
            lengths.extend(pdr.doc_field_length(d, fieldname) or 0 for d in range(len(lengths), self.docnum))
        return lengths

    def _write_postings(self, pdr) -> None:
        fw = self.fieldwriter
        for fieldname in sorted(set(self._postings) | set(self._pairs) | set(self._present)):
            field = self.schema[fieldname]
            # A field's own postings are in one of _pairs and _present; _postings holds those of
            # other fields and of merged segments, whose documents come after our own.
            own_terms = self._pairs.get(fieldname) or self._present.get(fieldname) or {}
            pairs = fieldname in self._pairs
            others = self._postings.get(fieldname, {})
            scales = self._scales.get(fieldname)
            lengths = self._field_lengths(pdr, fieldname) if field.scorable else None
            fixed = field.format.fixed_value_size()
            fw.start_field(fieldname, field)
            prefix = pack_ushort(fw._fieldid)
            # UTF-8 keeps code point order, so str keys sort as their bytes do.
            for term in (sorted(own_terms.keys() | others.keys()) if own_terms and others
                         else sorted(own_terms or others)):
                own, merged = own_terms.get(term), others.get(term)
                if own is not None:
                    if pairs:
                        ids, freqs = own[0::2], own[1::2]
                        weights = array("f", map(mul, freqs, map(scales.__getitem__, ids)))
                        values = struct.pack(f"!{len(freqs)}I", *freqs)     # Frequency's values, joined
                    else:
                        ids, values = own, b""                  # Existence: frequency 1, no values
                        weights = array("f", map(scales.__getitem__, ids))
                    if merged is not None:
                        ids = ids + merged.ids
                        weights += merged.weights
                        if fixed and fixed > 0:
                            values += b"".join(filter(None, merged.values))
                else:
                    ids, weights, values = merged.ids, merged.weights, merged.values
                    if fixed and fixed > 0:
                        values = b"".join(filter(None, values))
                _write_term(fw, prefix + (term.encode("utf-8") if isinstance(term, str) else term),
                            ids, weights, values, fixed, lengths)
            fw.finish_field()
        self._postings, self._pairs, self._present, self._scales = {}, {}, {}, {}


def _write_term(fw, keybytes: bytes, ids: array, weights: array, values, fixed: int | None, lengths) -> None:
    """Write one term's posting list and its term info as Whoosh's W3FieldWriter would after
    start_term, an add per posting and finish_term (the same bytes), without a call per posting
    or the writer objects Whoosh makes per term and per block.

    ``values``: for a format of fixed value size, the values joined into one bytes object;
    otherwise a list with one bytes object per posting.
    """
    postfile = fw._postfile
    limit, comp = fw._codec._blocklimit, fw._codec._compression
    offset = postfile.tell()
    out = [WHOOSH3_HEADER_MAGIC]
    n = len(ids)
    total = 0                          # W3TermInfo's statistics, as its add_block keeps them
    minlength, maxlength, maxweight = None, 0, 0
    for start in range(0, n, limit):
        end = min(start + limit, n)
        block_ids = ids[start:end].tolist()
        block_weights = weights[start:end]
        count = end - start
        total += sum(block_weights)
        top = max(0, max(block_weights))
        if lengths is not None:
            block_lengths = list(filter(None, map(lengths.__getitem__, block_ids)))
            low = min(block_lengths) if block_lengths else None
            high = max(block_lengths) if block_lengths else 0
        else:
            low, high = None, 0
        minlength = low if minlength is None else min(minlength, low)
        maxlength = max(maxlength, high)
        maxweight = max(maxweight, top)
        if block_weights.count(1.0) == count:
            mini_weights = None
        elif block_weights.count(block_weights[0]) == count:
            mini_weights = block_weights[0]
        else:
            mini_weights = tuple(block_weights)
        if fixed is None or fixed < 0:
            block_values = tuple(v for v in values[start:end] if v)
        elif fixed == 0:
            block_values = None
        else:
            block_values = values[start * fixed:end * fixed]
        data = dumps((tuple(map(sub, block_ids, [0] + block_ids[:-1])), mini_weights, block_values), 2)
        # Whoosh meant to leave tiny blocks uncompressed, but a slip in its code compresses every
        # one. Most blocks hold a posting or two: zlib makes them no smaller and took two fifths
        # of the time of writing a segment. The block's header says which (readers check it).
        level = comp if len(data) >= COMPRESS_FROM else 0
        if level:
            data = zlib.compress(data, level)
        info = dumps((count, block_ids[-1], top, level, length_to_byte(low), length_to_byte(high)), 2)
        size = len(info) + len(data)
        out += (pack_int(-size if end == n else size), info, data)
    written = b"".join(out)
    postfile.write(written)
    terminfo = _TERMINFO.pack(False, total, n, 0 if minlength is None else length_to_byte(minlength),
                              length_to_byte(maxlength), maxweight, ids[0], ids[-1])
    fw._tindex.add(keybytes, terminfo + pack_long(offset) + pack_int(len(written)))
