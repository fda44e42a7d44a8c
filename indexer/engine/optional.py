""""a, and b's score where b matches too" (a word and its title or heading boosts), as a Whoosh
query whose optional part keeps in step.

Its place in the flow query → parse → search → highlight → results: inside the engine; every
AndMaybe query object the search builds compiles to this class (indexer.engine.compile).

Whoosh 2.7's AndMaybeMatcher.skip_to(id) moves the optional matcher to ``id``, not to where the
required one landed. Inside an And (several words, each with its boosts) the intersection skips
its parts ahead; when the required part lands past ``id`` the optional one stays behind, and on
the document the And settles on, the optional score (the word in the title or a heading) is not
added. Which documents lose it depends on how the skips fall, so the same paragraph scored
differently when its matcher was reached another way. Whoosh is frozen, so the fix lives here.
"""
from __future__ import annotations

from whoosh import query as Q
from whoosh.matching import AndMaybeMatcher


class _Matcher(AndMaybeMatcher):
    def skip_to(self, id):
        moved = self.a.skip_to(id)
        if self.a.is_active() and self.b.is_active() and self.b.id() < self.a.id():
            moved = self.b.skip_to(self.a.id()) or moved
        return moved


class AndMaybe(Q.AndMaybe):
    """Whoosh's AndMaybe, with a matcher whose optional part follows the required one."""

    def matcher(self, searcher, context=None):
        return _Matcher(self.a.matcher(searcher, context), self.b.matcher(searcher, context))
