import pytest

from indexer.search.highlight import Needle, Span, find_spans, highlight, snippet
from indexer.search.query import parse


def test_traditional_text_is_marked_where_it_was_written():
    assert highlight("推進土地流轉工作", ["土地流转"]) == "推進<mark>土地流轉</mark>工作"


def test_adjacent_hits_form_one_mark():
    assert highlight("加快社区服务中心建设", ["社区", "服务中心"]) == "加快<mark>社区服务中心</mark>建设"
    assert find_spans("社区服务中心", ["社区服务", "服务中心"]) == [Span(0, 6)]


def test_everything_else_is_escaped():
    html = highlight("<script>alert(1)</script>土地流转&", ["土地流转"])
    assert html == "&lt;script&gt;alert(1)&lt;/script&gt;<mark>土地流转</mark>&amp;"


def test_short_paragraph_is_shown_whole():
    assert snippet("全县土地流转面积达3万亩。", ["土地流转"]) == "全县<mark>土地流转</mark>面积达3万亩。"


LONG = ("今年以来，我县认真贯彻落实上级部署，各项工作稳步推进。" * 6
        + "一是建立土地流转服务中心，规范流转合同。"
        + "二是加强基础设施建设，改善人居环境。" * 8
        + "三是推行一站式服务，群众办事更加便捷。"
        + "四是抓好队伍建设。" * 4)


def test_snippet_covers_distinct_terms_far_apart():
    html = snippet(LONG, ["土地流转", "一站式服务"])
    assert "<mark>土地流转</mark>" in html and "<mark>一站式服务</mark>" in html
    assert "…" in html
    text = html.replace("<mark>", "").replace("</mark>", "")
    assert len(text) <= 260


def test_snippet_is_cut_at_sentence_boundaries():
    html = snippet(LONG, ["土地流转"])
    text = html.replace("<mark>", "").replace("</mark>", "").strip("…")
    assert text.endswith("。") and text in LONG
    assert 60 <= len(text) <= 220


def test_snippet_without_hits_is_the_opening():
    assert snippet(LONG, ["没有的词"]).startswith("今年以来")


SYNONYM = Needle("承包地流转", synonym_of="土地流转")


def test_a_synonym_is_marked_as_one_saying_which():
    html = highlight("推进承包地流转。", [Needle("土地流转"), SYNONYM])
    assert html == '推进<mark class="syn" title="同义词：土地流转">承包地流转</mark>。'


def test_the_query_word_beside_its_synonym_stays_plain():
    html = highlight("承包地流转和土地流转", [Needle("土地流转"), SYNONYM])
    assert html == ('<mark class="syn" title="同义词：土地流转">承包地流转</mark>和<mark>土地流转</mark>')


def test_a_synonym_title_is_escaped():
    html = highlight("甲乙", [Needle("甲乙", synonym_of='"><b>')])
    assert html == '<mark class="syn" title="同义词：&quot;&gt;&lt;b&gt;">甲乙</mark>'


ONE_STOP = Needle("一站式服务", words=(("一站式服务", ("一站式", "服务")),))


@pytest.mark.parametrize("text", ["提升政务服务水平，服务群众。", "推行一站式办理，提升政务服务。"])
def test_a_lone_part_of_a_word_is_not_marked(text):
    needles = [ONE_STOP, Needle("一站式办理", synonym_of="一站式服务")]
    assert "<mark>服务</mark>" not in highlight(text, needles)


def test_the_parts_of_a_word_are_marked_where_all_occur_apart():
    assert highlight("一站式窗口提供服务", [ONE_STOP]) == "<mark>一站式</mark>窗口提供<mark>服务</mark>"


def test_the_whole_word_present_leaves_its_parts_unmarked():
    assert highlight("一站式服务和政务服务", [ONE_STOP]) == "<mark>一站式服务</mark>和政务服务"


def test_parsed_query_marks_words_and_synonyms_not_parts():
    needles = parse("一站式服务").needles
    assert highlight("政务服务大厅", needles) == "政务服务大厅"
    assert highlight("推行一站式服务", needles) == "推行<mark>一站式服务</mark>"


def test_words_given_apart_are_marked_each_where_it_occurs():
    needles = parse("农村 饮水 安全").needles
    assert highlight("农村地区的饮水问题", needles) == "<mark>农村</mark>地区的<mark>饮水</mark>问题"


def test_snippet_marks_a_synonym_as_one():
    html = snippet(LONG.replace("土地流转", "承包地流转"), [Needle("土地流转"), SYNONYM])
    assert '<mark class="syn" title="同义词：土地流转">承包地流转</mark>' in html


ANTI_MONOPOLY = Needle("反垄断", part="垄断")
PART = '<mark class="part" title="部分匹配：反垄断">垄断</mark>'


def test_the_part_a_paragraph_matched_by_alone_is_marked_apart():
    assert highlight("依法查处垄断行为", [ANTI_MONOPOLY]) == f"依法查处{PART}行为"


@pytest.mark.parametrize("text, html", [
    ("强化反垄断执法，查处垄断行为", "强化<mark>反垄断</mark>执法，查处垄断行为"),      # the word itself is the match
    ("一站式窗口提供服务", "<mark>一站式</mark>窗口提供<mark>服务</mark>"),            # so are all its words apart
])
def test_a_part_is_not_marked_where_the_word_matched(text, html):
    one_stop = Needle(ONE_STOP.text, words=ONE_STOP.words, part="一站式")
    assert highlight(text, [ANTI_MONOPOLY, one_stop]) == html


def test_a_part_inside_the_query_s_own_mark_joins_it():
    spans = find_spans("反垄断", [Needle("反垄断"), Needle("垄断法", part="垄断")])
    assert spans == [Span(0, 3)]


CHILDCARE = [Needle("育儿补贴", words=(("育儿", ()), ("补贴", ()))),
             Needle("生育补贴", synonym_of="育儿补贴", words=(("生育", ()), ("补贴", ())))]


def test_a_synonym_s_words_found_apart_are_marked_as_the_synonym():
    html = highlight("鼓励生育，发放补贴", CHILDCARE)
    assert html == ('鼓励<mark class="syn" title="同义词：育儿补贴">生育</mark>，'
                    '发放<mark class="syn" title="同义词：育儿补贴">补贴</mark>')


def test_a_synonym_s_scattered_words_stay_unmarked_where_the_query_s_own_are_found():
    assert highlight("育儿服务、生育支持与补贴", CHILDCARE) == "<mark>育儿</mark>服务、生育支持与<mark>补贴</mark>"


BUSINESS = [Needle("营商环境"), Needle("优化营商环境", synonym_of="营商环境")]


def test_the_query_word_is_marked_everywhere_beside_a_synonym_holding_it():
    html = highlight("优化营商环境，营商环境持续改善", BUSINESS)
    assert html == "优化<mark>营商环境</mark>，<mark>营商环境</mark>持续改善"


def test_words_given_apart_are_marked_inside_a_synonym_of_them_joined():
    needles = parse("营商环境 优化").needles
    html = highlight("营商环境不断优化，实施优化营商环境行动", needles)
    assert html == "<mark>营商环境</mark>不断<mark>优化</mark>，实施<mark>优化营商环境</mark>行动"


def test_a_synonym_is_still_marked_where_it_holds_no_query_word():
    html = highlight("推行一站式办理和一站式服务", [ONE_STOP, Needle("一站式办理", synonym_of="一站式服务")])
    assert html == ('推行<mark class="syn" title="同义词：一站式服务">一站式办理</mark>和<mark>一站式服务</mark>')
