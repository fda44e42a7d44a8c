"""The Whoosh schema: one document per paragraph (plus one marker per unreadable file).

Fields named ``*_grams`` hold character bigrams for exact-substring recall; the word fields
hold jieba words for ranking. Paragraph text is indexed without positions (a large share of
indexing time): "contains verbatim" is answered as "has all the bigrams" and confirmed on
the stored text (see indexer.searching). Titles are short and keep positions. ``filekey`` ("path\\thash") makes the indexed-file manifest a
plain lexicon read, committed atomically with the paragraphs it describes.
"""
from __future__ import annotations

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from .analysis import GramTokenizer, WordTokenizer

SCHEMA_VERSION = "1"


def make_schema() -> Schema:
    words = WordTokenizer()
    grams = GramTokenizer()
    return Schema(
        id=ID(stored=True, unique=True),
        report_id=ID(stored=True),
        title=TEXT(analyzer=words, stored=True, phrase=False),
        title_grams=TEXT(analyzer=grams, phrase=True),
        section=TEXT(analyzer=words, stored=True, phrase=False),
        text=TEXT(analyzer=words, stored=True, phrase=False),
        grams=TEXT(analyzer=grams, phrase=False),
        ordinal=NUMERIC(stored=True, sortable=True),
        source=ID(stored=True),
        folder=ID(stored=True),
        filekey=ID(),
        dupkey=ID(stored=True),
        date=ID(stored=True, sortable=True),
        year=ID(stored=True),
        place=ID(stored=True),
        doctype=ID(stored=True),
        author=STORED,
        meta=STORED,
        error=STORED,
    )
