"""ingest.minhash gives the numbers of dedup's definition (a big-integer product per 5-gram)."""
from __future__ import annotations

import random

import pytest

from indexer.ingest import dedup, minhash


def reference(text: str) -> tuple[list[int], int]:
    """dedup's hash written out with Python integers, one 5-gram at a time."""
    units = text.encode("utf-32-le")
    grams = {units[i:i + 20] for i in range(0, len(units) - 16, 4)}
    sig = [None] * dedup.BINS
    for gram in grams:
        h = ((int.from_bytes(gram, "little") * dedup._MULTIPLIER) & ((1 << 192) - 1)) >> 128
        slot, value = h & (dedup.BINS - 1), h >> 6
        if sig[slot] is None or value < sig[slot]:
            sig[slot] = value
    return [dedup._EMPTY if v is None else v for v in sig], len(grams)


def texts() -> list[str]:
    rng = random.Random(5)
    alphabet = "土地流转社区服务abc1" + chr(0x10000) + chr(0x10FFFF) + chr(0xFFFF)
    out = ["土地流转土地流转土地流转", "一站式服务" * 40, "abcde", "社区社区社区社区"]
    out += ["".join(rng.choice(alphabet[:k]) for _ in range(n)) for n in (5, 6, 64, 300, 3000) for k in (2, 6, 14)]
    return out


@pytest.mark.parametrize("text", texts())
def test_hashes_and_distinct_count_match_the_definition(text):
    hashes, distinct = minhash.shingle_hashes(text, dedup._MULTIPLIER)
    sig, size = reference(text)
    assert distinct == size
    assert minhash.min_per_bin(hashes, dedup.BINS, dedup._EMPTY) == sig


def test_signature_of_a_long_text_is_the_reference_densified():
    text = "我镇积极探索土地流转的有效形式成立土地流转服务中心全年流转土地一千二百亩" * 3
    assert len(text) >= dedup.VECTOR_FROM
    sig, size = reference(text)
    assert dedup.signature_of(text) == (dedup._densify(sig), size)
