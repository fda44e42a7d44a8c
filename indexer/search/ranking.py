"""Ranking policy: the tiers a paragraph can rank in, their order, and every tuned constant.

Its place in the flow query → parse → search → highlight → results: the parse lays the tier
scores into the engine query it builds (indexer.search.tiers), the search adds, compares and
reorders scores only through the functions here (indexer.search.run), and both take their
numbers from here. The engine gets what it needs (BM25's parameters) as arguments.

Tiers, best first:
  1. exact     every clause verbatim in the paragraph (text or heading): EXACT_SCORE plus the
               bigrams' BM25; a small tier is read whole and ranked again (that score ×
               ``prominence``, paragraphs saying it before those under a heading naming it);
               for words typed apart with spaces, those saying them together come first, in
               the joined query's order (indexer.search.run)
  2. words     every word, each itself or through a synonym verbatim (SYNONYM_SCORE each, plus
               BM25), or a synonym of words typed apart taken together (老旧 小区 改造 →
               老旧小区整治): one list, by score
  3. report    the other paragraphs of a report about the query (indexer.search.about): those
               with some of the words by score, then those with none (THROUGH_REPORT_SCORE) in
               reading order
  4. partial   some of the words (PARTIAL_WEIGHT × BM25), or the report title containing the
               query (TITLE_MATCH_SCORE)
BM25 (a few dozen at most per word) orders paragraphs within a tier and never lifts one into
the tier above.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from indexer.engine.scoring import Bm25
from indexer.text.quotes import unquoted

# ---- Tiers: the scores the query gives (indexer.search.tiers) -------------------------------
EXACT_SCORE = 10000.0       # far above any BM25 sum: a verbatim match outranks everything else
SYNONYM_SCORE = 1000.0      # × at most a handful of synonyms in one paragraph: stays < EXACT_SCORE
TITLE_MATCH_SCORE = 5.0     # a paragraph matching only through its report's title: a weak signal
THROUGH_REPORT_SCORE = 0.0  # listed for its report alone: below every paragraph with a word
# Note: TITLE_BOOST and SECTION_BOOST weigh the full query's extra clauses, which only the lower
# tiers are ranked by; the exact tier is ranked by the exact pass, whose query holds the bigrams
# alone, so they have no effect there. Left as it is: changing it would change the rankings.
TITLE_BOOST = 2.0           # the report title naming the words says more than one mention in the text
SECTION_BOOST = 1.5         # a section heading naming them, a little less than the title
SYNONYM_WEIGHT = 0.5        # a synonym's BM25 counts half: the user did not type it
PARTIAL_WEIGHT = 0.5        # some of the words (拆迁 for 拆迁安置): a precedent often, half the weight
RAREST_GRAMS = 3            # a long phrase's exact tier asks for its 3 rarest bigrams: as selective,
                            # far cheaper; the stored text confirms the whole phrase anyway
SCORE_DECIMALS = 4          # scores are kept to 4 decimals: sums of the same terms in another
                            # order agree, and ties fall back to the paragraphs' position

# ---- BM25 (indexer.engine.scoring) ----------------------------------------------------------
BM25 = Bm25(
    k1=1.2,                 # the usual saturation: the fifth mention adds little to the fourth
    b=0.75,                 # the usual length normalisation for paragraph text
    short_b=0.3,            # titles and headings are short: normalise their length less
    exact_b=0.3,            # the exact pass's word fields, as short fields
)

# ---- The exact tier's pass (indexer.search.run) ---------------------------------------------
RERANK_LIMIT = 100          # paragraphs: an exact tier up to this size is read whole and ranked again
EXACT_SPARE_MIN = 2         # the exact pass asks for a few more than the page: most of the best
EXACT_SPARE_PER = 5         # are confirmed on the text (at least 2, or one per 5 wanted)
EXACT_GROWTH = 4            # not enough confirmed: ask again for 4 times as many
LOWER_FACTOR = 2            # the lower tiers' pass reads twice the missing hits, plus 10: enough
LOWER_EXTRA = 10            # for collapsing copies and dropping unconfirmed phrases
PROMINENCE_WINDOW = 30      # the lower pass's best this many (by BM25) ranked again by prominence: what
                            # a first page reads anyway (lower_room(10)); 100 ranked the judged sets alike
TIE_READ_LIMIT = 200        # paragraphs tied at a pass's cut read beyond it to order them by position

# ---- Reports about the query (indexer.search.about) -----------------------------------------
MIN_MATCHES = 3             # paragraphs of a report containing the query verbatim…
MIN_SHARE = 0.3             # …and at least this share of all its paragraphs
MAX_REPORT = 300            # paragraphs; a longer document is a collection, not one subject
MAX_EXACT = 100             # verbatim matches; a query found this often is a general word (社区 in
                            # community reports), not a subject that some reports are about
COMMON_FRACTION = 0.3       # a word in this share of all paragraphs means nothing alone: left out of
                            # the partial tier, and not a subject of reports when with other words

# ---- Cost: how much a search may read to count exactly (indexer.search.run) ------------------
EXACT_COUNT_LIMIT = 3000    # up to this many possible matches, totals are counted exactly…
COUNT_POSTINGS_LIMIT = 50_000   # …when counting them reads at most this many postings
# A quoted phrase is found by its bigrams, so counting its matches means reading them; beyond
# these many the total is an estimate and facet counts are the bigram matches.
COUNT_READ_LIMIT = 300      # stored paragraphs read to count a page's total
FACET_READ_LIMIT = 5000     # …and to count facets, asked for separately and less often
MAX_COUNTED = 200_000       # facet counts stop here: past it the numbers are only an indication
VALUE_GROUP = 100           # sorted by date: dates with up to this many matches together are searched at once

# ---- How a paragraph says the query (``prominence``) -----------------------------------------
# In its opening (heading or first sentence), or with figures in a sentence naming it (解决6000万
# 农村人口饮水安全问题: what was done, and how much), it is what the paragraph is about; as one item
# of an enumeration (医疗卫生、科技信息、就业指导……) or a glossary entry it is a passing mention.
# They adjust the order within a tier, never a paragraph's tier.
LEAD_BONUS = 0.25           # a quarter more for a paragraph about the query
LIST_DISCOUNT = 0.25        # a quarter less when every occurrence is a list item
LIST_REACH = 6              # characters either side of an occurrence looked at for 、
GLOSSARY_WEIGHT = 0.5       # a glossary entry (under 名词解释 and the like) says what a term means,
                            # not what was done about it: half, below a list item

# ---- More like this (indexer.search.similar) --------------------------------------------------
NEAR_DUPLICATE = 0.8        # bigram similarity above which a paragraph is a copy, not a precedent
KEY_TERMS = 12              # words of the paragraph that make the query
SIMILAR_COMMON_SHARE = 0.2  # words in more of the paragraphs than this are report boilerplate…
SIMILAR_COMMON_FLOOR = 10   # …but in a small collection no word is boilerplate yet
SIMILAR_CANDIDATES = 6      # candidates read per result shown: copies and the own report drop out


@dataclass(frozen=True)
class Budget:
    """What one search may read to count its matches exactly (see the constants above)."""

    exact_count: int
    count_postings: int
    count_read: int
    facet_read: int


# ---- Tier arithmetic ---------------------------------------------------------------------------
def exact(bigram_score: float) -> float:
    """The score of a paragraph the exact pass confirmed: the exact tier, by its bigram score."""
    return EXACT_SCORE + bigram_score


def in_exact_tier(score: float) -> bool:
    return score >= EXACT_SCORE


def within_exact(score: float) -> float:
    """An exact-tier score less the tier: what orders the paragraphs inside it."""
    return score - EXACT_SCORE


def unconfirmed(score: float) -> float:
    """The full query's score of a paragraph the exact pass did not confirm. There, a score in
    the exact tier means "all the bigrams, but not together": it ranks as a scattered match."""
    return score - EXACT_SCORE if score >= EXACT_SCORE else score


def position(doc: dict) -> tuple:
    """Where a paragraph stands in the collection (file, place in it, id): what orders equal
    scores, so that results do not depend on how the index was built (its document numbers
    differ with the number of processes that wrote it)."""
    return doc.get("source") or "", doc.get("ordinal") or 0, doc.get("id") or ""


def order_key(score: float, doc: dict) -> tuple:
    """Sort key, best first: the score (to SCORE_DECIMALS, so that sums in another order
    agree), then ``position``."""
    return -stored_score(score), position(doc)


def best_first(hits) -> list:
    """(score, stored paragraph) pairs, best first, equal scores in ``position`` order."""
    return sorted(hits, key=lambda pair: order_key(*pair))


def records_best_first(records) -> list:
    """Engine records (.score, .fields) best first, equal scores by position (the engine's
    order is the index's)."""
    return sorted(records, key=lambda r: order_key(r.score or 0.0, r.fields))


def text_first(hits, says: Callable[[dict], bool]) -> list:
    """The exact tier's (score, paragraph) pairs, best first, those whose own text ``says`` the
    query (its words, verbatim or apart) before those that contain it only through their section
    heading: under （四）深入推进"三去一降一补", a paragraph on 去产能 belongs to the subject but
    is not about the phrase searched for, while one under 四、暂住人口管理 that speaks of
    暂住人口的管理 is. The latter's scores within the tier are scaled by m / (m + top), m the
    lowest of the others and top their own highest: their order is kept, all of them below m."""
    hits = list(hits)
    saying = [within_exact(score) for score, doc in hits if says(doc)]
    heading = [within_exact(score) for score, doc in hits if not says(doc)]
    if saying and heading:
        low, top = min(saying), max(heading)
        scale = low / (low + top) if low + top > 0 else 0.0
        hits = [(score if says(doc) else exact(within_exact(score) * scale), doc) for score, doc in hits]
    return best_first(hits)


def lower_tiers(hits, all_words, about, factors: dict | None = None) -> tuple[list, list, list]:
    """The lower pass's hits, (full query score, stored paragraph), in the tiers below the
    exact one, each best first: words (``all_words(doc)``: every word, each itself or through
    a synonym), report (of the rest, those from a report in ``about``), partial (the rest).

    ``factors``: paragraph id → ``prominence``, for the first PROMINENCE_WINDOW paragraphs the
    pass read (``reweighed``): in the words and partial tiers they come first, ordered by their BM25
    times it, and the rest follow by BM25, so that the order does not depend on how many were read."""
    factors = factors or {}
    words, report, partial = [], [], []
    for score, doc in best_first((unconfirmed(s), d) for s, d in hits):
        if all_words(doc):
            words.append((score, doc))
        elif doc["report_id"] in about:
            report.append((without_synonym(score), doc))
        else:
            partial.append((without_synonym(score), doc))
    return reweighed(words, factors), best_first(report), reweighed(partial, factors)


def reweighed(hits, factors: dict) -> list:
    """(score, paragraph) pairs of one tier: those in ``factors`` first, by their score within
    the tier times the factor (a synonym's tier score kept whole), then the rest as they came."""
    inside = [(score - score % SYNONYM_SCORE + score % SYNONYM_SCORE * factors[doc["id"]], doc)
              for score, doc in hits if doc["id"] in factors]
    return best_first(inside) + [(score, doc) for score, doc in hits if doc["id"] not in factors]


def without_synonym(score: float) -> float:
    """The score of a paragraph with a synonym of some of several words typed apart but not
    all of them: it ranks by its BM25 among those with some of the words, not above them."""
    return score % SYNONYM_SCORE


def stored_score(score) -> float:
    """A hit's score as kept and shown; 0.0 where a search sorted by a field has none."""
    return round(score, SCORE_DECIMALS) if isinstance(score, (int, float)) else 0.0


def exact_page(want: int) -> int:
    """How many exact-tier candidates the first try of the exact pass asks for."""
    return want + max(EXACT_SPARE_MIN, want // EXACT_SPARE_PER)


def lower_room(missing: int) -> int:
    """How many the lower tiers' pass reads to fill ``missing`` places."""
    return missing * LOWER_FACTOR + LOWER_EXTRA


# ---- Ordering the exact tier -------------------------------------------------------------------
_SENTENCE_END = re.compile(r"[。；;！？!?]")
_CLAUSE_BREAK = re.compile(r"[，。；：,;:！？!?\n]")
# The glossary of a report (名词解释, 名词注释; an edition's 注释) defines terms it uses elsewhere.
_GLOSSARY = re.compile(r"名词解释|名词注释|名词释义|注释|释义")
_FIGURE = re.compile(r"[0-9]")                                 # 新建卫生室10个, 2024年
_OUTLINE = re.compile(r"[一二三四五六七八九十百0-9]+、")       # 三、 numbers a heading or point


def prominence(content: str, runs: list[str]) -> float:
    """A factor around 1 for a paragraph (normalised heading + "\\n" + text, or text) that
    contains some of ``runs`` verbatim: above 1 when one opens it or a sentence naming one gives
    figures, below when most of their occurrences are items of a 、-list, and lower still in a
    glossary. Quotation marks inside a phrase do not count (indexer.text.quotes)."""
    content = unquoted(content)
    runs = [r for r in dict.fromkeys(runs) if r and r in content]
    if not runs:
        return 1.0
    heading, newline, text = content.partition("\n")
    if not newline:
        heading, text = "", content
    lead = heading + "\n" + _SENTENCE_END.split(text, 1)[0]
    occurrences = listed = 0
    for run in runs:
        start = content.find(run)
        while start >= 0:
            end = start + len(run)
            before = _OUTLINE.sub("", _CLAUSE_BREAK.split(content[max(0, start - LIST_REACH):start])[-1])
            after = _CLAUSE_BREAK.split(content[end:end + LIST_REACH])[0]
            occurrences += 1
            listed += "、" in before or "、" in after
            start = content.find(run, end)
    opens = any(run in lead for run in runs)
    counts = any(_FIGURE.search(sentence) for sentence in _SENTENCE_END.split(text)
                 if any(run in sentence for run in runs))
    mentioned = GLOSSARY_WEIGHT if _GLOSSARY.search(heading) else 1 - LIST_DISCOUNT * listed / occurrences
    return (1 + LEAD_BONUS * (opens or counts)) * mentioned


def value_groups(values: list[tuple[str, int]], size: int = VALUE_GROUP):
    """Runs of consecutive (value, matches) with at most ``size`` matches together (or one value
    alone): the values a date-sorted page searches at once."""
    group, held = [], 0
    for value, count in values:
        if group and held + count > size:
            yield tuple(group), held
            group, held = [], 0
        group.append(value)
        held += count
    if group:
        yield tuple(group), held
