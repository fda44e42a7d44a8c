import pytest
from fixture_files import corpus_index

from indexer.search.searcher import Searcher
from indexer.text.places import find_place, place_name, place_values


@pytest.mark.parametrize("text, place", [
    ("嘉禾县农村社区建设工作情况汇报", "嘉禾县"),
    ("攸县2023年政府工作报告", "攸县"),
    ("马边县关于留守儿童的调研报告", "马边彝族自治县"),         # a short form, by the full name
    ("马边彝族自治县教育工作汇报", "马边彝族自治县"),
    ("湖南省郴州市嘉禾县社区建设情况", "嘉禾县"),               # the most specific division wins
    ("郴州市城乡一体化调研报告", "郴州市"),
    ("湖南农村社区建设调研报告", "湖南省"),
    ("2025年广西政府工作报告", "广西壮族自治区"),                # a year opens a name
    ("北京2024年政府工作报告", "北京市"),
    ("宜宾市高县工作汇报", "高县"),
    ("提高县域经济发展水平的调研报告", None),                  # 高县 inside a word is no place
    ("洞庭湖北岸的渔民", None),                                # nor 湖北
    ("城乡社区建设工作情况汇报", None),
    ("推进老城区改造的情况汇报", None),
])
def test_find_place(text, place):
    assert find_place(text) == place


def test_place_name_only_for_a_whole_name():
    assert place_name("北京") == "北京市"
    assert place_name("宁夏") == "宁夏回族自治区"
    assert place_name("保定市") == "保定市"
    assert place_name("保定市政府") is None
    assert place_name("老城区") is None


def test_place_values_add_the_full_name():
    assert place_values("马边县") == ["马边县", "马边彝族自治县"]
    assert place_values("北京市") == ["北京市"]
    assert place_values("某某村") == ["某某村"]


REPORTS = {
    "北京/北京.txt": "北京2024年政府工作报告\n\n各位代表：过去一年，全市推进老旧小区改造，完成改造小区三百个。\n",
    "北京/北京市.txt": "北京市城市更新工作情况汇报\n\n北京市推进老旧小区改造，加装电梯五百部，居民满意度提升。\n",
    "广西/广西.txt": "2025年广西政府工作报告\n\n各位代表：全区推进老旧小区改造，惠及群众十万户。\n",
}


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    return Searcher(corpus_index(tmp_path_factory.mktemp("places"), REPORTS))


def test_one_place_is_one_facet_value_however_a_report_names_it(searcher):
    places = dict(searcher.facet_counts("老旧小区改造")["counts"]["place"])
    assert places == {"北京市": 2, "广西壮族自治区": 1}


@pytest.mark.parametrize("typed", ["北京", "北京市"])
def test_a_place_filter_finds_the_reports_of_a_place_however_it_is_typed(searcher, typed):
    by_query = searcher.search(f"老旧小区改造 place:{typed}")
    by_facet = searcher.search("老旧小区改造", filters={"place": typed})
    for result in (by_query, by_facet):
        assert {h.place for h in result.hits} == {"北京市"} and result.total == 2


@pytest.mark.parametrize("typed", ["-place:北京", "NOT place:北京", "-地区:北京市"])
def test_an_excluded_place_leaves_the_reports_of_other_places(searcher, typed):
    # It used to act as the filter itself: the excluded place's reports were all that came back.
    result = searcher.search(f"老旧小区改造 {typed}")
    assert {h.place for h in result.hits} == {"广西壮族自治区"} and result.total == 1


def test_a_short_form_finds_the_full_name(searcher):
    assert searcher.search("老旧小区改造", filters={"place": "广西"}).total == 1
    assert searcher.search("老旧小区改造 地区:广西").total == 1


def test_a_city_without_its_suffix_is_a_place_only_as_a_whole_name():
    assert find_place("乌鲁木齐") == "乌鲁木齐市"             # a report named by its file: 乌鲁木齐.docx
    assert place_name("长治") == "长治市"
    assert find_place("坚持长治久安的方针") is None           # inside text a word, not the city
