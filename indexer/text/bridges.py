"""The bigrams across marks that stand inside a token: indexed and asked for like any other.

Two kinds of mark sit between word characters without ending what a reader would type whole:

* quotation marks inside a phrase (“十四五”规划, found as 十四五规划: indexer.text.quotes);
* a decimal point or joining mark between letters or digits (3.5%, 1+N, 5G+工业: ``JOINING``),
  and a percent sign after a digit (5%左右: ``PERCENT``), which a query keeps in one verbatim run
  (indexer.text.analysis.VERBATIM_RUN).

The bigram across each (五规, 35, 1n, 5左) is added to a text's bigrams on both sides. Without it the
digits of 增长3.5% are two runs, 增长3 and 5: a query for 3.5% asked for a bigram starting with 3
that the paragraph lacks, and counted every paragraph with a 3 and a 5 somewhere.
"""
from __future__ import annotations

import re

from indexer.text.quotes import joints

# As normalised: letters are lower case, full-width marks folded.
JOINING = r"(?<=[0-9a-z])[.+/:](?=[^\W_])"
PERCENT = r"(?<=[0-9])%"
_INSIDE = re.compile(rf"{JOINING}|{PERCENT}(?=[^\W_])")
_ANY_MARK = re.compile(r"[.+/:%]")


def bridges(text: str) -> list[tuple[int, int]]:
    """(offset of the word character before, offset of the one after) of each mark inside a
    token of normalised text: the quotation joints, then the joining marks and percent signs."""
    found = list(joints(text))
    if _ANY_MARK.search(text) is not None:
        found += [(m.start() - 1, m.end()) for m in _INSIDE.finditer(text)]
    return found


def may_bridge(pair: str) -> bool:
    """Can the indexed bigram ``pair`` (normalised) stand for two characters with a joining mark or
    percent sign between them (35 of 3.5, 5左 of 5%左右)? Then a paragraph holding it need not
    hold ``pair`` as written."""
    return pair[:1].isascii() and pair[:1].isalnum()
