import pytest
"""The analyzers keep Whoosh's contract: ordinal positions, character offsets, pickling."""
import pickle

from indexer.engine.analyzer import GramTokenizer, WordTokenizer
from indexer.text.analysis import (
    decompose,
    inner_words,
    query_words,
    reset_segmenter,
)
from indexer.search.searcher import Searcher
from indexer.engine.store import open_index
from indexer.update import update_index


def tokens(tokenizer, text, mode="index"):
    return [(t.text, t.pos, t.startchar, t.endchar)
            for t in tokenizer(text, positions=True, chars=True, mode=mode)]


def test_positions_are_ordinals_and_subwords_share_them():
    out = tokens(WordTokenizer(), "国务院部署工作")
    assert ("国务院", 0, 0, 3) in out and ("国务", 0, 0, 2) in out
    assert [pos for text, pos, *_ in out if text in ("部署", "工作")] == [1, 2]


def test_query_mode_has_no_subwords():
    assert [t for t, *_ in tokens(WordTokenizer(), "国务院", mode="query")] == ["国务院"]


def test_offsets_point_into_the_original_text():
    text = "推進土地流轉，ＧＤＰ增長"
    for word, _, start, end in tokens(WordTokenizer(), text):
        assert len(text[start:end]) == len(word)
    assert ("土地流转", 1, 2, 6) in tokens(WordTokenizer(), text)


def test_bigrams_are_positioned_by_character():
    assert tokens(GramTokenizer(), "新塘村，县") == [("新塘", 0, 0, 2), ("塘村", 1, 1, 3), ("县", 4, 4, 5)]
    # and across a quotation mark inside a phrase, at its first character (indexer.text.quotes)
    assert ("五规", 5, 5, 7) in tokens(GramTokenizer(), "紧盯“十四五”规划")


def test_analyzers_pickle():
    for tokenizer in (WordTokenizer(), GramTokenizer()):
        assert pickle.loads(pickle.dumps(tokenizer)) == tokenizer


def test_decompose():
    assert decompose("土地流转") == ["土地", "流转"]
    assert decompose("国务院") == []


def test_inner_words_are_the_longest_dictionary_words_inside():
    assert inner_words("反内卷") == ["内卷"]
    assert inner_words("新质生产力") == ["生产力"]        # not 生产 as well: it is inside 生产力
    assert inner_words("内卷") == []


def test_user_dictionary_change_takes_effect_on_reindex(tmp_path, monkeypatch):
    word = "城乡融合示范片区"
    userdict = tmp_path / "userdict.txt"
    userdict.write_text("# 空\n", encoding="utf-8")
    monkeypatch.setenv("REPORTSEARCH_USERDICT", str(userdict))
    reset_segmenter()
    try:
        assert query_words(word) != [word]
        corpus = tmp_path / "corpus"
        corpus.mkdir()
        (corpus / "r.txt").write_text(f"某县工作汇报\n我县建设{word}，推动城乡融合发展。\n", encoding="utf-8")
        update_index(tmp_path / "ix", corpus)
        userdict.write_text(f"{word} 100 n\n", encoding="utf-8")
        reset_segmenter()
        assert query_words(word) == [word]
        update_index(tmp_path / "ix", corpus, rebuild=True)
        with open_index(tmp_path / "ix").searcher() as s:
            assert s.frequency("text", word) == 1
        assert Searcher(tmp_path / "ix").search(word).total == 1
    finally:
        monkeypatch.delenv("REPORTSEARCH_USERDICT")
        reset_segmenter()


def test_terms_are_the_texts_of_the_index_pieces():
    """What the bulk writer counts (terms, in any order) is what the tokens say, for short
    values and for paragraphs long enough to take the path without offsets."""
    from indexer.engine.analyzer import GramTokenizer, WordTokenizer
    from indexer.text import segmenters

    long = ("中华人民共和国国务院办公厅印发2024-01-06通知，e-mail与c++、report_2024.txt，"
            "推进土地流轉與國務院部署的社区建设工作，一站式服务大厅2006-2020年规划纲要") * 2
    assert len(long) > 64
    cut = [WordTokenizer(name) for name in segmenters.NAMES if segmenters.available(name)]
    for text in ("土地流转", "ＧＤＰ增长8.5%，土地流轉", "一", "社区、社区 a", "", long):
        for tokenizer in [GramTokenizer(), *cut]:
            assert sorted(tokenizer.terms(text)) == sorted(t for t, _, _ in tokenizer.pieces(text, "index")), text


@pytest.mark.parametrize("text, runs", [
    ("3.5%", ["3.5%"]), ("增长5%左右", ["增长5%左右"]), ("1+n", ["1+n"]), ("5g+工业互联网", ["5g+工业互联网"]),
    ("2021-2025", ["2021", "2025"]), ("社区、治安", ["社区", "治安"]), ("“1+n”政策体系", ["1+n", "政策体系"]),
])
def test_verbatim_runs_keep_the_marks_inside_a_token(text, runs):
    from indexer.text.analysis import VERBATIM_RUN
    assert VERBATIM_RUN.findall(text) == runs
