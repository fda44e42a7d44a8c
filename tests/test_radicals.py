"""Radicals written for characters (indexer.text.radicals): text read out of PDFs whose fonts give
one glyph to a character and to its radical."""
import unicodedata

import pytest

from indexer.text.normalize import normalize
from indexer.text.radicals import _TABLE, unify_radicals


@pytest.mark.parametrize("raw, expected", [
    ("市⼈⺠政府向⼤会报告⼯作", "市人民政府向大会报告工作"),      # Kangxi radicals and one of the supplement
    ("同⽐增⻓12%", "同比增长12%"),                            # ⻓ is the simplified 长, not 長
    ("⻔诊、⻋辆、⻜机、⻢路", "门诊、车辆、飞机、马路"),
    ("⿓", "龍"),
    ("\uf9d1\ufa0c", "\u516d\u5140"),                         # compatibility ideographs: 六 兀
    ("社区建设工作情况汇报", "社区建设工作情况汇报"),
])
def test_radicals_become_the_characters_they_stand_for(raw, expected):
    assert unify_radicals(raw) == expected


def test_every_replacement_is_one_unified_ideograph():
    for replacement in _TABLE.values():
        assert len(replacement) == 1 and unicodedata.name(replacement).startswith("CJK UNIFIED IDEOGRAPH")


def test_radicals_without_an_equivalent_character_stay():
    assert unify_radicals("\u2e80\u2e9a") == "\u2e80\u2e9a"       # no entry in Unicode's table


def test_a_query_pasted_from_a_pdf_finds_what_the_user_types():
    assert normalize("⼈⺠政府⼯作") == normalize("人民政府工作") == "人民政府工作"
