"""The same report in two files is indexed once: MinHash signatures and the choice of copies.

In the flow files → text → clean → reports → paragraphs → analysis → index, this sits between
paragraphs and the index. Reports are republished on several sites and collected twice in one
file. Each report gets a MinHash signature over the character 5-grams of its normalised
paragraph text (one-permutation hashing: one hash per shingle, the minimum per bin, so a long
report costs milliseconds). A report is a copy of one seen before when at least ``CONTAINED`` of
its 5-grams are in the other (estimated from the signatures and the 5-gram counts): the copy
adds nothing to search, so it is not indexed, only recorded. A longer version of a report seen
before is indexed as well — hiding it would hide the text only it has; their equal paragraphs
collapse at query time.

Pure: what is kept and what is a copy is decided here, from ``Record``s; the index stores the
records beside the paragraphs and reads them back (indexer.engine.records):
  - a kept report: filed under its own id, with its signature, source and title;
  - a duplicate:   filed under the id of its kept copy, with its own source and title.

Incremental runs stay correct with one rule: when a file is reindexed or deleted, every file
holding a duplicate of one of its reports is reindexed too (transitively). So when the file with
the kept copy disappears, the next copy is read again, found unique, and becomes searchable;
when the kept copy changes, its duplicates are compared again with what it now says.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from indexer.errors import ReportSearchError
from indexer.ingest import minhash
from indexer.model import Paragraph
from indexer.text.normalize import word_characters

BINS = 64                    # a power of two: signature_of takes the bin from the low bits
ROWS = 4                     # bins per LSH band: 16 bands find pairs above ~0.5 Jaccard similarity
CONTAINED = 0.8
SHINGLE = 5
_EMPTY = -1


@dataclass(frozen=True)
class Record:
    """What the index remembers about one report of a file, besides its paragraphs."""
    kept: bool           # True: a kept report; False: a duplicate of one
    report_id: str       # the kept report's id (for a duplicate: the id of its kept copy)
    meta: dict


def _words(texts: list[str]) -> str:
    return "".join(map(word_characters, texts))


# Multiply-shift hashing of a 5-gram read as one 160-bit number (its UTF-32 code units): the
# top 64 of the low 192 bits of key × an odd 192-bit constant. A universal hash, and several
# times cheaper in Python than a cryptographic digest per 5-gram. HASH names it in the stored
# records, so that an index whose signatures were made otherwise asks for a rebuild.
HASH = "ms192"
_MULTIPLIER = 0xC6A4A7935BD1E995_9E3779B97F4A7C15_F39CC0605CEDC835
_LOW192 = (1 << 192) - 1
VECTOR_FROM = 64             # characters from which signature_of hashes with numpy


def signature(texts: list[str]) -> tuple[list[int], int]:
    """MinHash of a report's paragraphs (one-permutation hashing over character 5-grams), and
    the number of distinct 5-grams."""
    return signature_of(_words(texts))


def signature_of(text: str) -> tuple[list[int], int]:
    """signature() of the paragraphs' joined word characters (``_words``)."""
    if not text:
        return [_EMPTY] * BINS, 0
    if len(text) >= VECTOR_FROM:      # the same numbers, every 5-gram at once (ingest.minhash)
        hashes, size = minhash.shingle_hashes(text, _MULTIPLIER)
        return _densify(minhash.min_per_bin(hashes, BINS, _EMPTY)), size
    units = text.encode("utf-32-le")
    width = 4 * SHINGLE
    grams = {units[i:i + width] for i in range(0, max(4, len(units) - width + 4), 4)}
    fold, mul, low = int.from_bytes, _MULTIPLIER, _LOW192
    none = 1 << 64
    sig = [none] * BINS
    for gram in grams:
        h = ((fold(gram, "little") * mul) & low) >> 128
        slot, value = h & (BINS - 1), h >> 6           # the bits above the bin's 6 (BINS = 64)
        if value < sig[slot]:
            sig[slot] = value
    return _densify([_EMPTY if v == none else v for v in sig]), len(grams)


def _densify(sig: list[int]) -> list[int]:
    """Fill empty bins from the next filled bin to the right (rotation densification), so that
    short reports, which leave most bins empty, still compare and band like long ones."""
    if all(v == _EMPTY for v in sig):
        return sig
    out = list(sig)
    for i, value in enumerate(sig):
        if value == _EMPTY:
            step = 1
            while sig[(i + step) % BINS] == _EMPTY:
                step += 1
            out[i] = sig[(i + step) % BINS] + step * (1 << 58)     # the offset keeps borrowed values apart
    return out


def similarity(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of two reports' 5-gram sets (bins empty in both are ignored)."""
    used = [(x, y) for x, y in zip(a, b) if x != _EMPTY or y != _EMPTY]
    if not used:
        return 0.0
    return sum(1 for x, y in used if x == y) / len(used)


def containment(a: list[int], a_size: int, b: list[int], b_size: int) -> float:
    """Estimated share of a's 5-grams that are also in b: |A∩B| = J(|A|+|B|)/(1+J)."""
    j = similarity(a, b)
    if not a_size:
        return 0.0
    return min(1.0, j * (a_size + b_size) / (1 + j) / a_size)


def band_keys(sig: list[int], exact: str) -> list[tuple]:
    """The keys a report is filed under: its exact text, and each of its filled LSH bands."""
    keys = [("x", exact)]        # exact text: catches copies of reports too short to fill the bins
    for i in range(0, BINS, ROWS):
        band = tuple(sig[i:i + ROWS])
        if _EMPTY not in band:
            keys.append((i, band))
    return keys


OTHER_HASH = "该索引的重复报告记录由旧版本的 reportsearch 创建，请运行 reportsearch index --rebuild 重建索引"


class Deduper:
    """The kept reports seen so far: the index's (loaded, or looked up in ``stored``), then those
    added as files are read.

    ``stored`` (indexer.dedup_table.Stored) answers for the kept reports of the index by band key,
    so that a run compares a new report only with the reports it shares a band with; its
    candidates come in path order, and are met with the ones added in this run in that order, as
    a fresh build meets them. Without it, the index's kept reports are ``load``ed whole.
    """

    def __init__(self, stored=None):
        self.kept: dict[str, tuple[list[int], int, str, str]] = {}   # report_id → (sig, size, source, title)
        self.buckets: dict[tuple, list[str]] = {}
        self.stored = stored

    @classmethod
    def load(cls, kept_records: list[dict], exclude: set[str]) -> "Deduper":
        """The kept reports of the committed index (from their records' meta), except those of
        files about to be reindexed."""
        deduper = cls()
        for record in kept_records:
            if record.get("hash") != HASH:
                raise ReportSearchError(OTHER_HASH)
            if record["source"] not in exclude:
                deduper.add(record["report_id"], record["sig"], record["size"], record["source"],
                            record["title"], record["exact"])
        return deduper

    def add(self, report_id: str, sig: list[int], size: int, source: str, title: str, exact: str) -> None:
        self.kept[report_id] = (sig, size, source, title)
        for key in band_keys(sig, exact):
            self.buckets.setdefault(key, []).append(report_id)

    def any_kept(self) -> bool:
        return bool(self.kept) or bool(self.stored)

    def report(self, report_id: str) -> tuple[list[int], int, str, str]:
        """(signature, size, source, title) of a kept report."""
        found = self.kept.get(report_id)
        return found if found is not None else self.stored.report(report_id)

    def _bucket(self, key: tuple) -> list[str]:
        here = self.buckets.get(key, [])
        if self.stored is None:
            return here
        # Added in this run: their files are not among the stored ones (excluded, or new).
        ordered = self.stored.candidates(key) + [(self.kept[r][2], i, r) for i, r in enumerate(here)]
        return [report_id for _, _, report_id in sorted(ordered)]

    def match(self, sig: list[int], size: int, exact: str) -> tuple[str, float] | None:
        """The kept report that already holds (nearly) all of this one, with the share held, or None."""
        best = None
        for key in band_keys(sig, exact):
            for other in self._bucket(key):
                other_sig, other_size = self.report(other)[:2]
                score = 1.0 if key[0] == "x" else containment(sig, size, other_sig, other_size)
                if score >= CONTAINED and (best is None or score > best[1]):
                    best = (other, score)
        return best

    def rivals(self, paragraphs: list[Paragraph], source: str) -> set[str]:
        """Files later in path order whose kept reports these paragraphs' reports copy.

        A fresh build reads files in path order and keeps the first copy; an incremental run
        that adds an earlier copy must read those files again to end in the same state.
        """
        out = set()
        for paras in _by_report(paragraphs).values():
            sig, size, exact = _fingerprint(paras)
            found = self.match(sig, size, exact)
            if found is not None and self.report(found[0])[2] > source:
                out.add(self.report(found[0])[2])
        return out

    def split(self, paragraphs: list[Paragraph], source: str):
        """Paragraphs of one file → (paragraphs to index, Records, duplicates found)."""
        keep, records, duplicates = [], [], []
        for report_id, paras in _by_report(paragraphs).items():
            sig, size, exact = _fingerprint(paras)
            title = paras[0].report_title
            found = self.match(sig, size, exact)
            if found is None:
                self.add(report_id, sig, size, source, title, exact)
                keep += paras
                meta = {"report_id": report_id, "source": source, "title": title, "sig": sig, "size": size,
                        "exact": exact, "hash": HASH}
                records.append(Record(True, report_id, meta))
                continue
            kept_id, score = found
            kept_source, kept_title = self.report(kept_id)[2:]
            meta = {"report_id": report_id, "source": source, "title": title, "of": kept_id,
                    "similarity": round(score, 3)}
            records.append(Record(False, kept_id, meta))
            duplicates.append({"source": source, "title": title, "kept_source": kept_source,
                               "kept_title": kept_title, "similarity": round(score, 3)})
        return keep, records, duplicates


def _fingerprint(paras: list[Paragraph]) -> tuple[list[int], int, str]:
    """A report's signature, its 5-gram count and the hash of its exact word characters."""
    words = _words([p.text for p in paras])
    sig, size = signature_of(words)
    return sig, size, hashlib.sha1(words.encode("utf-8")).hexdigest()[:16]


def _by_report(paragraphs: list[Paragraph]) -> dict[str, list[Paragraph]]:
    reports: dict[str, list[Paragraph]] = {}
    for p in paragraphs:
        reports.setdefault(p.report_id, []).append(p)
    return reports
