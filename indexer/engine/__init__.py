# --- Write side and index bookkeeping ---------------------------------------------------------
# Nothing is imported here: importing one engine module must not load the others (a process
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
