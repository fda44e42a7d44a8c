"""text.gramkeys: the bigrams of analysis.bigrams as integers, in the terms' byte order."""
from __future__ import annotations

from collections import Counter
from itertools import chain

import pytest

from indexer.text.analysis import bigrams
from indexer.text.gramkeys import gram_keys, gram_text

VALUES = ["", "。", "社", "社区", "社区。社", "一站式服务、一条龙办理", "ＧＤＰ增长８.５%", "土地流轉面積",
          "a_b__c", "e-mail 2024-01-06", "x\ny", "𠀀𠀁a", "a𠀀", "İstanbul ΣΑΣ",
          "紧盯“十四五”规划", '深化"放管服"改革', "“两”新", "𠀀“𠀁”"]


@pytest.mark.parametrize("value", VALUES)
def test_the_same_bigrams_as_analysis(value):
    assert Counter(gram_text(k) for k in gram_keys(value).tolist()) == Counter(chain.from_iterable(bigrams(value)))


def test_keys_sort_as_the_terms_bytes():
    keys = sorted(set(chain.from_iterable(gram_keys(v).tolist() for v in VALUES)))
    terms = [gram_text(k) for k in keys]
    assert terms == sorted(terms, key=lambda t: t.encode("utf-8"))
    assert "社" in terms and "社区" in terms
