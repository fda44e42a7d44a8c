"""One search: the state of one query being answered, from the parsed query to the page's hits.

Its place in the flow query → parse → search → highlight → results: the Searcher
(indexer.search.searcher) parses the query and starts a ``SearchRun`` over its thread's index
view; the run picks hits tier by tier (the policy and its numbers: indexer.search.ranking),
counts them, and makes the page's share into result hits with snippets (indexer.search.hits).

Relevance order takes two passes. The exact tier alone first, cheap (no positions, no lower
tiers): the best paragraphs having all the query's bigrams, confirmed on their stored text. The
full tiered query only when the exact tier cannot fill the page, with the exact hits masked out,
and the reports about the query (indexer.search.about) read for the paragraphs they bring.
"""
from __future__ import annotations

from collections import Counter

import numpy as np

from indexer.engine import docsets
from indexer.engine import queries as Q
from indexer.engine.view import Record, SortBy
from indexer.search import about as context
from indexer.search import facets, ranking, tiers, ties, verbatim
from indexer.search.about import About, about_query, report_paragraphs, with_reports
from indexer.search.hits import Picked, make_hit
from indexer.search.ranking import RERANK_LIMIT, THROUGH_REPORT_SCORE, Budget, prominence, stored_score
from indexer.search.results import Hit
from indexer.search.verbatim import content, has_words, is_exact, phrase_check, says, words_match
from indexer.text.normalize import normalize


class SearchRun:
    """One query against one index view: what it asks (parsed query, filters, budget) and
    what it has found so far (``picked``, in rank order)."""

    def __init__(self, view, parsed, filters: dict | None, budget: Budget):
        self.view = view
        self.parsed = parsed
        self.filters = filters
        self.budget = budget
        self.full = facets.restrict(parsed.query, filters)       # every tier, within the filters
        self.lower = facets.restrict(parsed.lower, filters)      # all but the exact tier (tiers.Compiled)
        self.picked = Picked()
        # Paragraphs containing the query as typed (the exact tier), copies counted once;
        # None for a query without an exact tier (title:…).
        self.exact_total: int | None = None
        self.exact_estimated = False          # exact_total counts bigram matches not confirmed verbatim
        self.about: About | None = None       # the reports about the query, when already known

    def page(self, offset: int, limit: int, sort: str = "relevance") -> tuple[int, bool, list[Hit]]:
        """(total, whether the total is an estimate, the hits from ``offset`` on)."""
        want = offset + limit
        if sort == "relevance":
            total, estimated = self._ranked(want)
        else:
            total, estimated = self._by_field(want, facets.SORT_BY[facets.validate({}, sort)[1]])
            exact = self.parsed.exact
            self.exact_total = None if exact is None else self._count_exact(facets.restrict(exact, self.filters), False)
        if estimated and self.exact_total is not None and self.parsed.phrase_checks == self.parsed.checks:
            # Every word quoted: only the exact tier is listed, and its count (a bound when not
            # confirmed on the text) is closer than the engine's bound on the whole query's.
            total, estimated = max(self.exact_total, len(self.picked.hits)), self.exact_estimated
        hits = [make_hit(self.view, doc, score, self.parsed.needles, self.picked.norms.get(doc["id"]),
                         *self.picked.through(doc["id"]), match=self.picked.match(doc["id"]))
                for score, doc in self.picked.hits[offset:want]]
        return total, estimated, hits

    def found_so_far(self, offset: int, limit: int, sort: str = "relevance") -> tuple[int, list[Hit]]:
        """(how many hits were found, the hits from ``offset`` on) when the time budget ran out
        before ``page`` finished: the paragraphs picked so far, best first (or in the sort's
        order, as they were found). A lower bound on the total, never an estimate."""
        ordered = self.picked.hits
        if sort == "relevance":
            ordered = sorted(ordered, key=lambda pair: -pair[0])      # stable: ties keep their order
        hits = [make_hit(self.view, doc, score, self.parsed.needles, self.picked.norms.get(doc["id"]),
                         *self.picked.through(doc["id"]), match=self.picked.match(doc["id"]))
                for score, doc in ordered[offset:offset + limit]]
        return len(ordered), hits

    def facet_counts(self, top: int | None = facets.TOP_VALUES) -> dict:
        """Paragraph counts per report, folder, year, place and type (facets.count), with the
        paragraphs listed through their reports, so that a count is the length of the list its
        link shows; and ``total``, the length of the whole list (None when not counted exactly)."""
        query, keep = self._every_match()
        counts, total = facets.count(self.view, query, self.filters, top=top, keep=keep)
        return {"counts": counts, "total": total,
                "titles": facets.report_titles(self.view, [v for v, _ in counts["report"]])}

    def counted_total(self) -> int | None:
        """The list's length counted one by one, as facet_counts counts it (where ``page`` gives an
        upper bound); None when that would read more than the facets may."""
        query, keep = self._every_match()
        return facets.distinct_total(self.view, facets.restrict(query, self.filters), keep)

    def _every_match(self):
        """(the query with the paragraphs listed through their reports, its ``_shown`` for counting)."""
        about = about_query(self.view, self.parsed)
        return with_reports(self.parsed.query, about, self.parsed, None), self._shown(self.budget.facet_read, about)

    def _by_field(self, want: int, sort_by: SortBy) -> tuple[int, bool]:
        """Sorted by a field (dates, newest first): the values the matches have, in that order,
        and the paragraphs of each value in relevance order, a search of that value's own
        (``_within``). The same paragraphs as in relevance order, those found through their
        report included, and counted exactly when that reads little.

        Whoosh's sorted search visits every match a document at a time in Python, scoring each
        for the ties: seconds for a common word at 100,000 paragraphs. Here the matches are one
        set (indexer.engine.docsets), and only the values the page reaches are searched, a few
        at once where each has few matches (``ranking.value_groups``)."""
        about = about_query(self.view, self.parsed)
        full = with_reports(self.full, about, self.parsed, self.filters)
        docs = self.view.matches(full)
        values = sorted(self.view.values_among(sort_by.field, docs), reverse=sort_by.reverse)
        for group, held in ranking.value_groups(values):
            if len(self.picked.hits) >= want:
                break
            self._within(sort_by, group, held, want, about)
        keep = self._shown(self.budget.count_read, about)
        kept = keep(docs) if keep is not None else docs
        if kept is None:
            return max(len(self.picked.hits), self._estimate()), True
        return max(facets.distinct(self.view, kept), len(self.picked.hits)), False

    def _within(self, sort_by: SortBy, values: tuple[str, ...], held: int, want: int, about: About) -> None:
        """Add to ``picked`` the paragraphs with these values of the sort field, in its order and
        best first within a value, until it holds ``want`` or they have no more (copies of
        paragraphs already picked under another value are not added again). Several values are
        searched together (``ranking.value_groups``) asking for at least all their ``held`` matches: every one
        comes, and sorting them by value keeps the search's relevance order within each. The groups
        do not depend on the page, so neither does the order: page 2 continues page 1."""
        field, ask = sort_by.field, max(want, held) if len(values) > 1 else want
        while True:
            narrowed = {**(self.filters or {}), field: values if len(values) > 1 else values[0]}
            run = SearchRun(self.view, self.parsed, narrowed, self.budget)
            run.about = about          # decided over the whole collection, as here
            run._ranked(ask, count=False)
            hits = run.picked.hits
            if len(values) > 1:        # a stable sort: equal values keep their relevance order
                hits = sorted(hits, key=lambda pair: pair[1].get(field) or "", reverse=sort_by.reverse)
            for score, doc in hits:
                pid = doc["id"]
                self.picked.add(None, score, doc, run.picked.norms.get(pid), *run.picked.through(pid),
                                match=run.picked.match(pid))
            # Fewer than asked: none left. Else more are asked for when copies took places; the
            # longer list begins with the same paragraphs, which are not added twice.
            if len(self.picked.hits) >= want or len(hits) < ask or len(values) > 1:
                return
            ask *= 2

    def _ranked(self, want: int, count: bool = True) -> tuple[int, bool]:
        """Relevance order in two passes; returns (total, whether total is an estimate). Without
        ``count`` (one date's share of a date-sorted page, counted as a whole), neither the
        total nor ``exact_total`` is counted: the total returned is the hits', an estimate."""
        parsed, picked = self.parsed, self.picked
        exact = facets.restrict(parsed.exact, self.filters) if parsed.exact is not None else None
        exact_done = exact is None or self._exact_pass(exact, want)
        if count:
            self.exact_total = self._count_exact(exact, exact_done)
        if not exact_done or len(picked.hits) >= want:
            return self._total(len(picked.hits)) if count else (len(picked.hits), True)
        # At least PROMINENCE_WINDOW: those are ranked again, whatever the page size.
        room = max(ranking.lower_room(want - len(picked.hits)), ranking.PROMINENCE_WINDOW)
        ranked, exhausted = ties.top_k(self.view, self.lower, room, mask=picked.docnums)
        lower, records = Picked(), self._records(ranked)
        self._collect(records, lower)
        about = self._about()
        if about:
            # Every match in a report about the query is read, however small the page, so that where
            # each one ranks (and every page) does not depend on it; filter=, not And: the pass's scores.
            in_reports = self.view.search(self.lower, limit=None, mask=picked.docnums | lower.docnums,
                                          filter=context.report_query(list(about), None))
            self._collect(ranking.records_best_first(in_reports), lower)
        clause_hits = self._clause_hits(about, picked.docnums | lower.docnums)
        texts = {doc["id"]: (content(doc), "text" in doc) for _, doc in lower.hits}     # normalised once
        matched = {pid: words_match(text, parsed) for pid, (text, _) in texts.items()}
        words, report, partial = ranking.lower_tiers(
            lower.hits, lambda doc: matched[doc["id"]] != "some_words", about, self._prominence(records, texts))
        for score, doc in words:
            picked.add(None, score, doc, match=matched[doc["id"]])
        unread = self._through_reports(about, lower.docnums, report, room, clause_hits)
        for score, doc in partial:
            picked.add(None, score, doc, match="some_words")
        picked.docnums |= lower.docnums
        if exhausted:
            return len(picked.hits) + unread, False          # every match was seen
        if not count:
            return len(picked.hits), True
        total, estimated = self._total(len(picked.hits), about)
        return (total + unread if estimated else total), estimated

    def _count_exact(self, exact, exact_done: bool) -> int | None:
        """How many paragraphs contain the query as typed: the exact hits when all were seen,
        else counted (confirmed on the stored text when few; else the bigram count)."""
        if exact is None:
            return None
        if exact_done:
            return sum(1 for score, _ in self.picked.hits if ranking.in_exact_tier(score))
        docs = self.view.matches(exact)          # once: confirmed or not, the same matches
        keep = phrase_check(self.view, self.parsed.checks, self.budget.count_read)
        confirmed = keep(docs) if keep is not None else None
        self.exact_estimated = keep is not None and confirmed is None
        return facets.distinct(self.view, confirmed if confirmed is not None else docs)

    def _exact_pass(self, exact, want: int) -> bool:
        """Fill ``picked`` with exact-tier hits, best first; True when all of them were seen.

        When the rarest bigram is in at most RERANK_LIMIT paragraphs, every match is read and
        ranked again (``_rerank``). With more, reading them all would cost too much, and the
        bigram score stands. A query with a figure (``verbatim.figures``) reads the best
        RERANK_LIMIT + 1 at least, whatever the page: ranked again when that was all of them, and in
        any case those saying the figure as a number of its own come first: 增长3.5% before 增长123.5%.
        Words typed apart: those saying them together first (``_together_pass``)."""
        before, seen = self._together_pass(want)
        if not seen or len(before.hits) >= want:
            self.picked.put_first(before, [])
            return False            # the page is full before the rest of the tier is read
        view, picked, first = self.view.exact_tier, self.picked, before.docnums
        want -= len(before.hits)    # and the rest read past them: a mask costs the fast top k
        k = ranking.exact_page(want) + len(first)
        rerank = tiers.rarest(view, self.parsed.exact) <= RERANK_LIMIT
        figures = verbatim.figures(self.parsed.checks)
        window = RERANK_LIMIT + 1 if figures else 0
        if rerank or figures:
            k = max(k, RERANK_LIMIT + 1)
        confirmed = {}      # docnum → (doc, norm, content) or None: each candidate read once over the tries
        ranker = view.ranker(exact)         # and the lists read once
        while True:
            ranked, exhausted = ties.top_k(view, exact, k, ranker=ranker)
            picked.clear()          # after: a search out of time keeps the hits of the last pass
            # Alternatives (OR) and figures make tiers.rarest no bound; then whether the tier is
            # small enough is known here, and must not depend on the page size.
            rerank = (rerank or bool(figures)) and exhausted and len(ranked) <= RERANK_LIMIT
            contents, own, whole = {}, set(), set()
            for read, (score, docnum) in enumerate(ranked, 1):
                if docnum in first:
                    continue
                if docnum not in confirmed:
                    confirmed[docnum] = self._confirm(view.stored_fields(docnum))
                if confirmed[docnum] is not None:
                    doc, norm, text = confirmed[docnum]
                    picked.add(docnum, ranking.exact(score), doc, norm, match="exact")
                    contents[doc["id"]] = text
                    if rerank and has_words(norm, self.parsed.word_checks):
                        own.add(doc["id"])       # only a reranked tier orders by it
                    if read <= window and verbatim.stands_whole(text, figures):
                        whole.add(doc["id"])
                    if len(picked.hits) >= want and not rerank and read >= window:
                        break          # the page is full: the rest would only be read and dropped
            if exhausted or len(picked.hits) >= want:
                if rerank:
                    self._rerank(contents, own)
                if figures:
                    picked.hits = ranking.text_first(picked.hits, lambda doc: doc["id"] in whole)
                if before.hits:
                    picked.put_first(before, picked.hits)
                return exhausted
            k *= ranking.EXACT_GROWTH

    def _together_pass(self, want: int) -> tuple[Picked, bool]:
        """Words typed apart (智慧 城市): the exact tier of them typed together (智慧城市) as that query ranks
        it, and whether all was seen. The term first, as Meilisearch's proximity rule puts words side by side."""
        together = self.parsed.together
        if together is None or together.exact is None:
            return Picked(), True
        run = SearchRun(self.view, together, self.filters, self.budget)
        return run.picked, run._exact_pass(facets.restrict(together.exact, self.filters), want)

    def _confirm(self, doc: dict) -> tuple | None:
        """(doc, its normalised text, its content) when its text says the query as typed, else None."""
        if "text" not in doc:
            return None
        norm = normalize(doc["text"])
        text = content(doc, norm)
        return (doc, norm, text) if is_exact(text, self.parsed.checks) else None

    def _rerank(self, contents: dict, own: set) -> None:
        """The whole exact tier ranked again: by its bigram score (the words said most often,
        rare ones weighing most) times ``ranking.prominence`` (the query opening the paragraph,
        giving figures, or only listed in it); those in ``own`` (their text has the query's words)
        before those that have them only in their section heading (``ranking.text_first``)."""
        runs = [run for clause in self.parsed.checks for alternative in clause for run in alternative]

        def score(bigram_score: float, doc: dict) -> float:
            return ranking.exact(ranking.within_exact(bigram_score) * prominence(contents[doc["id"]], runs))

        self.picked.hits = ranking.text_first(((score(*pair), pair[1]) for pair in self.picked.hits),
                                              lambda doc: doc["id"] in own)

    def _prominence(self, records: list[Record], texts: dict) -> dict:
        """Paragraph id → ``ranking.prominence`` of the query's words (synonyms included), for
        the paragraphs among the best PROMINENCE_WINDOW of the lower pass: how they say the words
        they have. ``texts``: id → (normalised content, whether it has text), of the pass's hits."""
        runs = [word for clause in self.parsed.word_checks for alternative in clause for word, _ in alternative]
        window = (r.fields["id"] for r in records[:ranking.PROMINENCE_WINDOW])
        return {pid: prominence(texts[pid][0], runs) for pid in window if pid in texts and texts[pid][1]}

    def _about(self) -> About:
        """about_query, from the exact tier already picked when no filter narrowed it."""
        parsed = self.parsed
        if self.about is not None:
            return self.about
        if parsed.phrase_checks:
            return About()          # quotes ask for the words themselves
        if self.filters or parsed.filters or len(parsed.checks) > 1:
            return about_query(self.view, parsed)
        counts = Counter(d["report_id"] for s, d in self.picked.hits if ranking.in_exact_tier(s))
        about, word = About(), parsed.clause_words[0] if parsed.clause_words else ""
        for report in context.reports_about(self.view, counts):
            about.add(report, counts[report], word)
        return about

    def _clause_hits(self, about: About, seen: set[int]) -> list[Record]:
        """For several words, the paragraphs of the reports about them that match some of the
        words, best first: the query as a whole does not match them, so the pass above did not
        score them."""
        if not about or len(self.parsed.clause_queries) < 2:
            return []
        return ranking.records_best_first(self.view.search(
            Q.Or(self.parsed.clause_queries), limit=None, filter=report_paragraphs(about, self.parsed, self.filters),
            mask=seen))

    def _through_reports(self, about: About, seen: set[int], with_words: list, room: int,
                         clause_hits: list[Record] = ()) -> int:
        """Add the report tier to picked: the paragraphs of the reports about the query with
        some of its words (all read: ``with_words``; for several words, also ``clause_hits``),
        then up to ``room`` of those with none. Returns how many of those were left unread."""
        if not about:
            return 0
        picked = self.picked
        for score, doc in with_words:
            picked.add(None, score, doc, **about.via(doc["report_id"]))
        for record in clause_hits:
            picked.add(record.docnum, stored_score(record.score), record.fields,
                       **about.via(record.fields["report_id"]))
        restrict = lambda q: context.narrowed(q, self.parsed, self.filters)
        found, total = context.paragraphs(self.view, list(about), restrict, self.parsed.excluded,
                                          picked.docnums | seen, room)
        for docnum, doc in found:
            picked.add(docnum, THROUGH_REPORT_SCORE, doc, **about.via(doc["report_id"]))
        return total - len(found)

    def _total(self, seen: int, about: About | None = None) -> tuple[int, bool]:
        """Count the matches exactly when there are few and counting them reads few postings
        (and few stored paragraphs, to confirm quoted phrases); else the engine's cheap upper
        bound. An exact count includes the paragraphs found through their report (``about``,
        found here when not given), as the list does however long it is.

        Few matches can still mean many postings: the paragraphs with 一村一社区 are found
        through 社区 too, a bigram in most paragraphs, and listing them all costs more than
        the rest of the query.
        """
        view, budget = self.view, self.budget
        estimate = self._estimate()
        if estimate <= budget.exact_count and view.count_postings(self.full, budget.count_postings) \
                <= budget.count_postings:
            about = about_query(view, self.parsed) if about is None else about
            full = with_reports(self.full, about, self.parsed, self.filters)
            counted = facets.distinct_total(view, full, self._shown(budget.count_read, about))
            if counted is not None:
                return max(seen, counted), False
        return max(seen, estimate), True

    def _estimate(self) -> int:
        """The engine's cheap upper bound on the matches."""
        return min(self.view.estimate_size(self.full), self.view.paragraph_count())

    def _shown(self, limit: int, about: Counter):
        """For counting: docnums → those the list shows, or None past ``limit`` stored paragraphs
        to read. A paragraph matched by the exact tier's bigrams alone is listed only when its
        text says the query (tiers.Compiled.lower); quoted phrases are confirmed as always."""
        phrase = phrase_check(self.view, self.parsed.phrase_checks, limit)
        if self.parsed.lower is self.parsed.query:
            return phrase
        below = with_reports(self.lower, about, self.parsed, self.filters)

        def keep(docs):
            lower, only_exact = docsets.split(docs, self.view.matches(below))
            if len(only_exact) > limit:
                return None
            said = [d for d in only_exact.tolist() if says(self.view.stored_fields(d), self.parsed.checks)]
            kept = docsets.Matches(docsets.merged(lower.array, np.array(said, dtype=lower.array.dtype)))
            return phrase(kept) if phrase is not None else kept
        return keep

    def _records(self, ranked: list[tuple[float, int]]) -> list[Record]:
        return [Record(docnum, score, self.view.stored_fields(docnum)) for score, docnum in ranked]

    def _collect(self, records: list[Record], picked: Picked, about: About | None = None) -> None:
        """Add matches to picked; ``about`` marks those without the query's words as found
        through their report."""
        checks = self.parsed.phrase_checks
        for record in records:
            doc = record.fields
            # Quoted phrases must be verbatim; the index only knows their bigrams.
            if not checks or is_exact(content(doc), checks):
                via = about.via(doc.get("report_id")) if about else {}
                if via and "text" in doc and has_words(content(doc), self.parsed.word_checks):
                    via = {}
                picked.add(record.docnum, stored_score(record.score), doc, **via)

