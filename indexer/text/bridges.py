"""The bigrams across marks that stand inside a token: indexed and asked for like any other.

Two kinds of mark sit between word characters without ending what a reader would type whole:

* quotation marks inside a phrase (“十四五”规划, found as 十四五规划: indexer.text.quotes);
* a decimal point or joining mark between letters or digits (3.5%, 1+N, 5G+工业: ``JOINING``),
  and a percent sign after a digit (5%左右: ``PERCENT``), which a query keeps in one verbatim run
  (indexer.text.analysis.VERBATIM_RUN).

The bigram across each is added to a text's bigrams on both sides (``bridges``). Without it the
digits of 增长3.5% are two runs, 增长3 and 5: a query for 3.5% asked for a bigram starting with 3
that the paragraph lacks, and counted every paragraph with a 3 and a 5 somewhere.

Across a quotation mark it is the plain bigram (五规), as a user types the phrase without its marks.
Across a decimal point, joining mark or percent sign it is marked: its second character is moved to
a private-use plane (``MARKED``) that normalised text never holds. A user types 3.5 with its point,
and a plain 35 would make every 35 of 2035年 or 350 a candidate for it (and 3.5 one for 35): at
100,000 paragraphs, 3.5% had 14,000 candidates for one paragraph saying it.
"""
from __future__ import annotations

import re

from indexer.text.quotes import joints

# As normalised: letters are lower case, full-width marks folded.
JOINING = r"(?<=[0-9a-z])[.+/:](?=[^\W_])"
PERCENT = r"(?<=[0-9])%"
_INSIDE = re.compile(rf"{JOINING}|{PERCENT}(?=[^\W_])")
_ANY_MARK = re.compile(r"[.+/:%]")


# A supplementary private-use plane: a character after a joining mark is indexed as itself plus
# this, when that fits below 0x110000 (not for the rare characters past 0x1ffff: plain, as before).
MARKED = 0xF0000
_MARKABLE = 0x110000 - MARKED


def bridges(text: str) -> list[tuple[int, int, str]]:
    """(offset of the word character before, offset of the one after, the bigram across) of each
    mark inside a token of normalised text: the quotation joints, then the joining marks and
    percent signs."""
    found = [(i, j, text[i] + text[j]) for i, j in joints(text)]
    if _ANY_MARK.search(text) is not None:
        found += [(m.start() - 1, m.end(), text[m.start() - 1] + _marked(text[m.end()])) for m in _INSIDE.finditer(text)]
    return found


def _marked(char: str) -> str:
    return chr(MARKED + ord(char)) if ord(char) < _MARKABLE else char
