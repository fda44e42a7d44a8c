"""The fast segmenters yield exactly jieba's words (HMM on), offsets and all: WordCut (jieba's
algorithm in one pass) and, where its wheel is installed, rjieba with jieba's cut of runs that
are not Chinese (indexer.text.fastcut)."""
from pathlib import Path

import pytest

from indexer.text.analysis import segment, segmenter
from indexer.text.normalize import normalize
from indexer.text.segmenters import JIEBA, NAMES, RJIEBA, available
from indexer.ingest.pipeline import file_paragraphs

CORPUS = Path(__file__).parent.parent / "corpus"
SEGMENTERS = [name for name in NAMES if available(name)]


def jieba_words(text):
    """The reference: jieba's own cut, punctuation and spaces dropped, offsets counted."""
    out, offset = [], 0
    for word in segmenter().cut(text, HMM=True):      # jieba.Tokenizer.cut itself
        end = offset + len(word)
        if any(c.isalnum() for c in word):
            out.append((word, offset, end))
        offset = end
    return out


@pytest.mark.parametrize("text", [
    "",
    "，。！？",
    "推进土地流转和一站式服务",
    "国务院部署河长制、网格化管理和新质生产力",          # user-dictionary words
    "张小明和李华在新塘村调研",                         # unknown names: jieba's HMM guesses them
    "2024年GDP增长5.2%，C++与Python3.12",               # ASCII inside and around the han class
    "全区8个街道社区劳动保障平台全部建成\r\n第二行\t第三行",
    "ｶﾀｶﾅとひらがな、한국어와 Ελληνικά",               # letters jieba yields one at a time
    "的的的的的的的的的的的的",
    "长江大桥长江大桥长江大桥",
    "一" * 300,
    "研究生命起源",                                     # ties and overlapping dictionary words
    "结婚的和尚未结婚的",
    "2024-01-06发布，e-mail：office@gov.cn，report_2024.txt，1-2月，6.5%-7%",   # rjieba keeps these whole
    "Ｃ＋＋和Ｂ超、Ｔ恤、卡拉ＯＫ",                      # dictionary words mixing letters and han
])
@pytest.mark.parametrize("name", SEGMENTERS)
def test_same_words_as_jieba(text, name):
    text = normalize(text)
    assert segment(text, name) == jieba_words(text)


@pytest.mark.parametrize("name", SEGMENTERS)
def test_same_words_as_jieba_on_the_bundled_corpus(name):
    paragraphs = [p for f in sorted(CORPUS.rglob("*")) if f.is_file()
                  for p in file_paragraphs(f.read_bytes(), f.name)]
    assert len(paragraphs) > 100
    for p in paragraphs:
        text = normalize(p.text)
        assert segment(text, name) == jieba_words(text), p.text[:40]


@pytest.mark.skipif(not available(RJIEBA), reason="rjieba is not installed")
def test_rjieba_knows_the_same_dictionary_words_as_jieba():
    from indexer.text.segmenters import cutter

    fast, reference = cutter(RJIEBA), cutter(JIEBA)
    words = ["国务院", "国务", "土地流转", "一站式服务", "流转", "新质生产力", "土地经", "甲乙丙丁", "gdp", "的"]
    assert [fast.is_word(w) for w in words] == [reference.is_word(w) for w in words]


def test_ties_go_to_the_longer_word_as_in_jieba(tmp_path):
    import jieba

    from indexer.text.wordcut import WordCut

    # 甲 and 乙 apart are exactly as probable as 甲乙: 4/16 × 4/16 = 1/16.
    (tmp_path / "dict.txt").write_text("甲 4\n乙 4\n甲乙 1\n丙 7\n", encoding="utf-8")
    tokenizer = jieba.Tokenizer(dictionary=str(tmp_path / "dict.txt"))
    tokenizer.tmp_dir = str(tmp_path)
    tokenizer.initialize()
    expected = [w for w in tokenizer.cut("甲乙丙", HMM=True)]
    assert expected == ["甲乙", "丙"]
    assert [w for w, _, _ in WordCut(tokenizer).words("甲乙丙")] == expected


@pytest.mark.parametrize("name", SEGMENTERS)
def test_user_dictionary_lines_mean_the_same_to_every_segmenter(tmp_path, monkeypatch, name):
    from indexer.text.analysis import reset_segmenter

    # A word with a frequency, one with only a part of speech (its frequency suggested, as
    # jieba's add_word does), one bare; comments and blank lines are left out.
    userdict = tmp_path / "userdict.txt"
    userdict.write_text("# 注释\n城乡融合示范片区\n河湖长制 n\n\n三农工作队 300 n\n", encoding="utf-8")
    monkeypatch.setenv("REPORTSEARCH_USERDICT", str(userdict))
    reset_segmenter()
    try:
        for text in ("我县建设城乡融合示范片区，推进河湖长制。", "融合示范片区建设", "三农工作队进村，城乡融合"):
            text = normalize(text)
            assert segment(text, name) == jieba_words(text)
        assert [w for w, _, _ in segment("城乡融合示范片区", name)] == ["城乡融合示范片区"]
    finally:
        monkeypatch.undo()
        reset_segmenter()
