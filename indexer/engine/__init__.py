"""The engine: everything that knows Whoosh (see the map below)."""
import functools
import sys
import types


def _whoosh_without_asyncio() -> None:
    """Import Whoosh's reader with the standard library's ``functools.cached_property`` for the
    one property it caches (a segment's deleted documents, kept on the reader as the package
    keeps it). Whoosh-Reloaded takes that decorator from the ``cached_property`` package, which
    imports asyncio: about 13 ms at the start of every process that opens an index (an indexing
    run and each of its workers, the server, a search from the command line). The stand-in is
    withdrawn at once: any later importer of the package gets the package."""
    if "whoosh.reading" in sys.modules or "cached_property" in sys.modules:
        return
    stand_in = types.ModuleType("cached_property")
    stand_in.cached_property = functools.cached_property
    sys.modules["cached_property"] = stand_in
    try:
        import whoosh.reading  # noqa: F401
    finally:
        del sys.modules["cached_property"]


_whoosh_without_asyncio()

# --- Write side and index bookkeeping ---------------------------------------------------------
# Nothing else is imported here: importing one engine module must not load the others (a process
# that only searches has no use for batch or documents, which load every reader).
#   store      open or create an index, the write lock, leftovers of killed writers; the
#              manifest of indexed files (snapshot, indexed_files) and stored paragraphs
#   batch      one run's changes: open_batch(ix) → remove / forget / add_file / add_unreadable
#              → commit (or cancel)
#   documents  a Paragraph as the schema's fields; an unreadable file's marker
#   records    the duplicate-report records kept beside the paragraphs
#   schema, analyzer, writer: the fields, the tokenizers the schema pickles, the segment writer
# --- end of the write side ---------------------------------------------------------------------
# --- Read side, for indexer.search (nothing imported here either) ------------------------------
#   queries    our frozen query objects (Term, Prefix, Phrase, And, Or, AndNot, AndMaybe, ConstantScore, Every)
#   compile    each query object into the Whoosh query that runs it, once per object
#   view       open_view → IndexView: a point-in-time read of the index (search, top-k, stored fields)
#   scoring    the BM25F weightings, with the parameters search/ranking.py hands in
#   columns, postings, topk, treescan, docsets: Whoosh-specific speed-ups behind the view
#   exclusion, optional: Whoosh's AndNot and AndMaybe matchers, fixed
# --- end of the read side ----------------------------------------------------------------------
