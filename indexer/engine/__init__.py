# ---- Search's interface (query objects, the read view, scoring parameters) -------------------
# indexer.search talks to the engine through these; they compile to Whoosh inside the engine.
from indexer.engine.queries import (And, AndMaybe, AndNot, ConstantScore, Every, Or, Phrase,  # noqa: F401
                                    Prefix, Query, Term)
from indexer.engine.scoring import Bm25, bm25_idf  # noqa: F401
from indexer.engine.view import IndexView, Record, SortBy, open_view  # noqa: F401
# ---- end of search's interface ------------------------------------------------------------------
