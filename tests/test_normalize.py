from indexer.text.normalize import _recent, normalize


def test_width_case_and_script_are_folded_one_character_for_one():
    text = "全縣流轉土地３萬畝，ＡＢＣ　Hello"
    assert normalize(text) == "全县流转土地3万亩,abc hello"
    assert len(normalize(text)) == len(text)


def test_a_text_of_several_lines_is_normalised_line_by_line():
    assert normalize("一、土地流轉\n全縣流轉土地") == "一、土地流转\n全县流转土地"
    assert normalize("\n國務院\n") == "\n国务院\n"


def test_a_paragraph_under_its_heading_reuses_the_paragraphs_own_normalised_text():
    text = "乙鎮為全鎮留守兒童建立了成長檔案，每週開展一次關愛活動。"
    _recent.cache_clear()
    assert normalize(text) == "乙镇为全镇留守儿童建立了成长档案,每周开展一次关爱活动。"
    assert normalize("二、關愛留守兒童\n" + text) == "二、关爱留守儿童\n" + "乙镇为全镇留守儿童建立了成长档案,每周开展一次关爱活动。"
    assert _recent.cache_info().hits == 1        # the paragraph's line: converted once
