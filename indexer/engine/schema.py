"""The Whoosh schema: one document per paragraph (plus one marker per unreadable file).

Fields named ``*_grams`` hold character bigrams for exact-substring recall (``grams``: the
paragraph's heading and text); the word fields hold jieba words for ranking. Paragraph text
is indexed without positions (a large share of indexing time): "contains verbatim" is
answered as "has all the bigrams" and confirmed on the stored text (see indexer.search.searcher).
Titles are short and keep positions. ``filekey`` ("path\\thash") makes the indexed-file
manifest a plain lexicon read, committed atomically with the paragraphs it describes.
"""
from __future__ import annotations

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from indexer.engine.analyzer import GramTokenizer, WordTokenizer
from indexer.text import segmenters


def make_schema(segmenter: str | None = None) -> Schema:
    """The fields of a new index, its words cut by ``segmenter`` (by default the preferred one)."""
    words = WordTokenizer(segmenter or segmenters.preferred())
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


def heading_and_text(section: str | None, text: str) -> str:
    """What "contains the query verbatim" is asked of: a paragraph under the heading 四、暂住人口管理
    is about 暂住人口管理 whether or not its text repeats the words. (The line break keeps a
    phrase from running from the heading into the text.)"""
    return f"{section}\n{text}" if section else text


def segmenter_of(schema: Schema) -> str:
    """The segmenter an index's words were cut with (indexer.text.segmenters)."""
    return getattr(schema["text"].analyzer, "segmenter", segmenters.JIEBA)


def segmenter_problem(schema: Schema) -> str | None:
    """Why this machine cannot cut words as the index was cut (user-facing), or None."""
    name = segmenter_of(schema)
    if segmenters.available(name):
        return None
    return f"该索引用 {name} 分词建立，本机无法导入 {name}"


def schema_problems(stored: Schema, current: Schema) -> list[str]:
    """What an index made by another version lacks that this version needs (user-facing).

    A field's format may differ (older indexes kept positions in paragraph text, unused now);
    a missing field, or one of another kind or analysis, means adding to the index would fail
    or disagree with what is already there.
    """
    problems = []
    for name in current.names():
        if name not in stored:
            problems.append(f"缺少字段 {name}")
            continue
        old, new = stored[name], current[name]
        if type(old) is not type(new) or type(getattr(old, "analyzer", None)) is not type(getattr(new, "analyzer", None)):
            problems.append(f"字段 {name} 的类型不同")
    if "text" in stored and segmenter_problem(stored):
        problems.append(segmenter_problem(stored))
    return problems
