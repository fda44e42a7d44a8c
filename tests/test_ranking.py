"""Search quality behaviours on a small literal corpus, through real index runs."""
import random

import pytest
from engine_support import weighting
from fixture_files import corpus_index

from indexer.search import searcher as searching
from indexer.engine import store
from indexer.search.ranking import EXACT_SCORE, in_exact_tier, prominence, text_first
from indexer.search.searcher import Searcher

REPORTS = {
    "a.txt": "甲县土地流转工作汇报\n甲县建立了土地流转服务中心，规范流转程序，全县流转土地三万亩，农民增收明显。\n",
    "b.txt": "乙县农业工作汇报\n乙县加强土地管理，推进农业结构调整，鼓励农户之间的流转与合作，提高生产效率。\n",
    "c.txt": "丙县承包地工作汇报\n丙县引导农户依法将承包地流转给种植大户，签订规范合同，保障农民收益。\n",
    "d.txt": "丁縣農村工作匯報\n丁縣推進土地流轉，成立合作社，帶動農戶增收。\n",
    "e.txt": "戊镇便民服务工作汇报\n戊镇便民服务中心实行一站式服务，设立ＧＤＰ统计窗口，２０２４年办件三千件。\n",
    "f.txt": "己镇工作汇报\n己镇围绕土地流转开展了大量工作：建立流转服务站，培育新型经营主体，制定流转合同范本，流转面积逐年增加，土地流转规范有序。\n",
    "h.txt": "辛镇工作汇报\n辛镇重视土地流转。\n辛镇今年完成了道路硬化、路灯安装和绿化美化等多项民生工程，群众满意度明显提高。\n",
    "g.txt": "庚县留守儿童关爱工作汇报\n庚县为农村留守儿童建立成长档案，每周开展关爱活动。\n",
    "copy/a.txt": "甲县土地流转工作汇报（转载）\n甲县建立了土地流转服务中心，规范流转程序，全县流转土地三万亩，农民增收明显。\n",
}


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    return Searcher(corpus_index(tmp_path_factory.mktemp("ranking"), REPORTS))


def titles(searcher, q):
    return [h.title for h in searcher.search(q, limit=20).hits]


def test_contiguous_above_scattered(searcher):
    ranked = titles(searcher, "土地流转")
    assert "乙县农业工作汇报" in ranked                    # 土地 … 流转, scattered: found, but last
    assert ranked[-1] == "乙县农业工作汇报"


def test_exact_above_synonym(searcher):
    ranked = titles(searcher, "土地流转")
    assert "丙县承包地工作汇报" in ranked                  # 承包地流转 is a listed synonym
    assert ranked.index("丙县承包地工作汇报") > ranked.index("甲县土地流转工作汇报")
    assert ranked.index("丙县承包地工作汇报") > ranked.index("丁縣農村工作匯報")


def test_traditional_report_found_by_simplified_query(searcher):
    hits = {h.title: h for h in searcher.search("土地流转", limit=20).hits}
    assert "<mark>土地流轉</mark>" in hits["丁縣農村工作匯報"].snippet
    assert "丁縣農村工作匯報" in titles(searcher, "土地流轉")


def test_fullwidth_and_halfwidth_match(searcher):
    assert titles(searcher, "GDP") == ["戊镇便民服务工作汇报"]
    assert titles(searcher, "2024") == ["戊镇便民服务工作汇报"]
    assert "<mark>ＧＤＰ</mark>" in searcher.search("gdp").hits[0].snippet


def test_synonym_of_rural_left_behind_children(searcher):
    assert titles(searcher, "留守儿童") == ["庚县留守儿童关爱工作汇报"]


def test_substantive_paragraph_above_a_very_short_one(searcher):
    ranked = titles(searcher, "土地流转")
    assert ranked.index("己镇工作汇报") < ranked.index("辛镇工作汇报")


def test_near_duplicates_collapse_into_one_result(searcher):
    hits = searcher.search('"土地流转服务中心"', limit=20).hits
    assert len(hits) == 1
    # The copy is either a repeated paragraph (also_in) or a whole duplicate report (locations).
    others = hits[0].also_in + hits[0].locations
    assert {hits[0].source} | {o["source"] for o in others} == {"a.txt", "copy/a.txt"}


def test_exclusion_rules_out_only_paragraphs_containing_the_text(searcher):
    kept = titles(searcher, "流转 -土地流转")
    assert "乙县农业工作汇报" in kept          # 土地 … 流转, scattered: does not contain 土地流转
    assert "丙县承包地工作汇报" in kept        # only 流转
    assert not {"甲县土地流转工作汇报", "己镇工作汇报", "丁縣農村工作匯報"} & set(kept)


def test_title_field_search(searcher):
    assert set(titles(searcher, "title:便民服务")) == {"戊镇便民服务工作汇报"}


COMMUNITY = "城区社区工作汇报\n" + "".join(
    f"第{n}社区开展{what}，居民参与踊跃，社区面貌焕然一新。\n"
    for n, what in zip("一二三四五六七八九十", ["文艺汇演", "义诊活动", "环境整治", "法律讲座", "读书活动",
                                         "亲子运动会", "垃圾分类宣传", "便民集市", "敬老活动", "消防演练"])
) + (
    "第十一社区组建治安巡逻队，夜间巡逻不间断。\n"
    "社区书记带领社区干部走访社区居民，" + "、".join(f"社区{room}" for room in "活动室 食堂 图书室 卫生站 托育点 "
    "书画室 棋牌室 健身房 议事厅 调解室 警务室 心理室 服务站 志愿站 超市 菜场".split()) + "全部开放，"
    "社区环境整治和治安工作同步推进，治安形势平稳，社区居民满意。\n"
)


def one_report_index(root, text: str):
    """An index of a corpus holding one report file."""
    return corpus_index(root, {"report.txt": text})


@pytest.fixture(scope="module")
def community(tmp_path_factory):
    return one_report_index(tmp_path_factory.mktemp("community"), COMMUNITY)


SAYS_MORE = COMMUNITY.split("第十一社区")[0] + (
    "今年各社区还要重视治安，做好居民的宣传教育工作。\n"
    "第十一社区组建治安巡逻队，夜间巡逻不间断，社区治安案件同比下降三成，社区居民安全感明显提升，"
    "治安志愿者队伍不断壮大，社区治安防控网络覆盖每个楼栋，巡逻队员由退休干部、楼栋长和青年志愿者组成，"
    "分早中晚三班轮流上岗，重点时段增加巡逻频次，遇到可疑情况及时报告，邻里之间互相照应，"
    "老人和孩子出门更放心，商户夜间经营也更踏实，辖区群众纷纷点赞，周边小区也前来学习经验。\n"
)


def test_several_words_rank_like_one_by_how_much_the_paragraph_says_them(tmp_path):
    # Both paragraphs have 社区 and 治安. The short one only names them; the long one says
    # what was done, naming them again and again: as for one word, it comes first (its length
    # is not held against it: in real reports the precedents are the long paragraphs).
    hits = Searcher(one_report_index(tmp_path, SAYS_MORE)).search("社区 治安").hits
    assert [h.text[:5] for h in hits][:2] == ["第十一社区", "今年各社区"]


def test_a_word_in_every_paragraph_weighs_almost_nothing(community):
    # BM25's idf, not Whoosh's log(N / (df + 1)) + 1, which never falls below 1.
    with store.open_index(community).searcher(weighting=weighting()) as searcher:
        assert searcher.idf("text", "社区") < 0.25 < 1.5 < searcher.idf("text", "治安")


HEADED = (
    "甲镇社会治理工作汇报\n"
    "一、暂住人口管理\n"
    "我镇共有出租房屋三百余户，逐户登记造册，签订治安责任书，做到底数清、情况明。\n"
    "二、其他工作\n"
    "我镇全年做好计划生育、暂住人口管理、安全生产等各项工作，群众满意度稳步提升。\n"
    "三、人口普查\n"
    "我镇人口普查工作顺利完成，对暂住在辖区的外地人员加强服务管理，登记率达到百分之百。\n"
)


@pytest.fixture(scope="module")
def headed(tmp_path_factory):
    return Searcher(one_report_index(tmp_path_factory.mktemp("headed"), HEADED))


def test_a_heading_naming_the_query_counts_as_containing_it(headed):
    # The first paragraph's text has none of the words; its heading is the query. It ranks with
    # the verbatim mention, above the paragraph with the words scattered.
    hits = [h.text[:6] for h in headed.search("暂住人口管理").hits]
    assert sorted(hits[:2]) == ["我镇全年做好", "我镇共有出租"] and hits[2:] == ["我镇人口普查"]
    assert sorted(h.text[:6] for h in headed.search("“暂住人口管理”").hits) == ["我镇全年做好", "我镇共有出租"]


def test_a_paragraph_saying_the_query_ranks_before_one_only_under_a_heading_naming_it(headed):
    # 我镇共有出租 opens under the heading 暂住人口管理 but never says it: it follows the paragraph
    # that does, though its heading gives it the stronger opening and it comes first in the report.
    assert [h.text[:6] for h in headed.search("暂住人口管理").hits] == ["我镇全年做好", "我镇共有出租", "我镇人口普查"]


def test_words_apart_in_the_text_count_as_saying_the_query(tmp_path):
    # Under 一、暂住人口管理 a paragraph on 暂住人口的管理 speaks of the subject itself: it keeps
    # its place by score, before the later paragraph that names the subject in passing.
    report = ("乙镇工作汇报\n一、暂住人口管理\n加强暂住人口的登记和服务管理，全镇暂住人口登记率达到百分之百。\n"
              "二、其他工作\n全镇做好计划生育、暂住人口管理、安全生产等各项工作。\n")
    hits = Searcher(one_report_index(tmp_path, report)).search("暂住人口管理").hits
    assert [h.text[:6] for h in hits] == ["加强暂住人口", "全镇做好计划"]


def test_text_first_keeps_scores_in_the_order_it_ranks():
    doc = lambda pid, says: {"id": pid, "says": says, "source": "a.txt", "ordinal": pid}
    hits = [(EXACT_SCORE + 30, doc(1, False)), (EXACT_SCORE + 10, doc(2, True)), (EXACT_SCORE + 20, doc(3, False)),
            (EXACT_SCORE + 12, doc(4, True))]
    ranked = text_first(hits, lambda d: d["says"])
    assert [d["id"] for _, d in ranked] == [4, 2, 1, 3]
    scores = [s for s, _ in ranked]
    assert scores == sorted(scores, reverse=True) and scores[2] < EXACT_SCORE + 10 and in_exact_tier(scores[3])


def test_a_phrase_does_not_run_from_heading_into_text(headed):
    assert headed.search("“人口管理我镇”").hits == []


def test_prominence_favours_an_opening_and_discounts_a_list_item():
    runs = ["医疗卫生"]
    opening = "医疗卫生工作取得新进展。全县新建卫生室十个。"
    middle = "全县新建卫生室十个。医疗卫生工作取得新进展。"
    listed = "全县新建卫生室十个。加大对医疗卫生、科技信息、文化教育的投入。"
    assert prominence(opening, runs) > prominence(middle, runs) > prominence(listed, runs)
    assert prominence(middle, runs) == 1.0 and prominence("没有检索词", runs) == 1.0
    # The heading is part of the opening; a 、 across a clause break is no list.
    assert prominence("三、医疗卫生\n全县新建卫生室十个。", runs) == prominence(opening, runs)
    assert prominence("全县新建卫生室十个。配齐设备、培训人员，医疗卫生工作取得进展。", runs) == 1.0


def test_prominence_counts_figures_given_where_the_query_is_named_as_being_about_it():
    runs = ["医疗卫生"]
    opening = "医疗卫生工作取得新进展。全县新建卫生室十个。"
    figures = "全县新建卫生室十个。医疗卫生投入增加到1200万元。"
    elsewhere = "全县新建卫生室10个。医疗卫生工作取得新进展。"
    assert prominence(figures, runs) == prominence(opening, runs) > prominence(elsewhere, runs) == 1.0


MENTIONS = (
    "甲县卫生工作汇报\n"
    "今年县财政加大对教育、医疗卫生、交通、水利等民生领域的投入，卫生院和卫生室建设稳步推进。\n"
    "医疗卫生服务能力明显增强，全县新建乡镇医院三所，群众看病更加方便。\n"
)


def test_a_paragraph_about_the_query_ranks_above_one_that_lists_it(tmp_path):
    # Both say 医疗卫生 once; the one opening with it is about it, the other names it in a list
    # of fields (scoring.prominence), and has more of its bigrams (卫生院, 卫生室), which alone
    # would rank it first.
    hits = Searcher(one_report_index(tmp_path, MENTIONS)).search("医疗卫生").hits
    assert [h.text[:4] for h in hits] == ["医疗卫生", "今年县财"]


def test_a_quoted_phrase_counts_only_paragraphs_that_say_it(tmp_path, monkeypatch):
    # 社区服务站…事务中心 has every bigram of 社区服务中心, apart: the index alone cannot tell.
    verbatim = [f"第{n}社区服务中心开展便民活动，群众满意。" for n in "一二三"]
    apart = [f"第{n}社区服务站设在村部，事务中心负责登记。" for n in "四五六七"]
    index = one_report_index(tmp_path, "庚县社区工作汇报\n" + "\n".join(verbatim + apart) + "\n")
    s = Searcher(index)
    page = s.search("“社区服务中心”", limit=2)
    assert len(page.hits) == 2 and (page.total, page.estimated) == (3, False)
    counts = s.facet_counts("“社区服务中心”")["counts"]
    assert [n for _, n in counts["report"]] == [3]
    assert s.search("“社区服务中心”", limit=2, sort="date").total == 3
    from indexer.search import run as running
    monkeypatch.setattr(running, "RERANK_LIMIT", 2)              # the page's search reads a few…
    monkeypatch.setattr(searching, "COUNT_READ_LIMIT", 5)      # …and counting would read too many: say so
    page = s.search("“社区服务中心”", limit=2)
    assert (page.total, page.estimated) == (7, True)


def test_a_quoted_phrase_past_the_count_budget_is_counted_by_its_exact_tier(tmp_path, monkeypatch):
    # Past the budget for counting the whole query, the total was the engine's bound on its
    # bigram matches ("about 7", where date order said 3); every word quoted, the list holds the
    # exact tier alone, and that is counted.
    verbatim = [f"第{n}社区服务中心开展便民活动，群众满意。" for n in "一二三"]
    apart = [f"第{n}社区服务站设在村部，事务中心负责登记。" for n in "四五六七"]
    s = Searcher(one_report_index(tmp_path, "庚县社区工作汇报\n" + "\n".join(verbatim + apart) + "\n"))
    monkeypatch.setattr(searching, "EXACT_COUNT_LIMIT", 2)
    for sort in ("relevance", "date"):
        page = s.search("“社区服务中心”", limit=2, sort=sort)
        assert (page.total, page.estimated, page.exact_total) == (3, False, 3), sort


def test_an_exact_count_not_confirmed_on_the_text_says_so(tmp_path, monkeypatch):
    # More candidates than a page reads and than a count may confirm: the count is their number
    # (every bigram present), an upper bound, and the page says so instead of stating it as fact.
    from indexer.search import run as running
    verbatim = [f"第{n}社区服务中心开展便民活动，群众满意。" for n in "一二三"]
    apart = [f"第{n}社区服务站设在村部，事务中心负责登记。" for n in "四五六七八九"]
    s = Searcher(one_report_index(tmp_path, "庚县社区工作汇报\n" + "\n".join(verbatim + apart) + "\n"))
    assert (s.search("社区服务中心", limit=1).exact_total, s.search("社区服务中心", limit=1).exact_estimated) == (3, False)
    monkeypatch.setattr(running, "RERANK_LIMIT", 2)
    monkeypatch.setattr(searching, "COUNT_READ_LIMIT", 5)
    page = s.search("社区服务中心", limit=1)
    assert (page.exact_total, page.exact_estimated) == (9, True)
    assert page.exact_note == "其中至多 9 段含“社区服务中心”原文（未逐段核对），其余为部分匹配或相关段落"
    from indexer.search.results import result_dict
    assert result_dict(page, lambda pid: pid)["exact_total_is_estimate"] is True


def test_an_excluded_word_keeps_out_the_first_match_too(tmp_path):
    # 社区 is indexed before the first paragraph with 最令, which also says 社区: Whoosh's own
    # AndNot let such a first match through (indexer.engine.exclusion).
    index = one_report_index(tmp_path, "辛县社区工作汇报\n辛县社区建设稳步推进。\n"
                                       "最令社区干部头疼的是报表太多。\n最令群众满意的是办事方便。\n")
    s = Searcher(index)
    for sort in ("relevance", "date"):
        hits = s.search("最令 -社区", sort=sort).hits
        assert [h.text for h in hits] == ["最令群众满意的是办事方便。"], sort
    assert [n for _, n in s.facet_counts("最令 -社区")["counts"]["report"]] == [1]


RELOCATION = {
    "a.txt": "甲县工作汇报\n甲县完成拆迁安置房建设一千套。\n甲县拆迁工作依法进行，补偿款按时发放。\n"
             "甲县新建安置小区两个，群众满意。\n甲县农业生产稳定增长。\n",
    "b.txt": "乙县工作汇报\n" + "".join(f"乙县第{n}季度农业生产稳定。\n" for n in "一二三四五六"),
}


@pytest.fixture(scope="module")
def relocation(tmp_path_factory):
    from indexer.search.searcher import Searcher
    from fixture_files import corpus_index
    return Searcher(corpus_index(tmp_path_factory.mktemp("relocation"), RELOCATION))


@pytest.mark.parametrize("query", ["拆迁 安置", "拆迁\u3000安置"])
def test_words_given_apart_relax_to_most_of_them(relocation, query):
    # The paragraph with both words first, then those with one of them: a space never finds
    # fewer paragraphs than the same words written together.
    apart = [h.text[:6] for h in relocation.search(query, limit=20).hits]
    joined = [h.text[:6] for h in relocation.search("拆迁安置", limit=20).hits]
    assert apart[0] == "甲县完成拆迁"
    assert sorted(apart[1:]) == sorted(["甲县拆迁工作", "甲县新建安置"])
    assert set(joined) <= set(apart)


def test_each_result_says_which_tier_matched_and_the_total_says_how_many_are_exact(relocation):
    result = relocation.search("拆迁安置", limit=20)
    assert [h.match for h in result.hits][:1] == ["exact"]
    assert {h.match for h in result.hits[1:]} == {"some_words"}
    assert result.exact_total == 1 and result.total == len(result.hits) == 3
    assert result.exact_note == "其中 1 段含“拆迁安置”原文，其余为部分匹配或相关段落"
    from indexer.search.results import result_dict
    data = result_dict(result, lambda pid: pid)
    assert data["exact_total"] == 1 and data["results"][0]["match"] == "exact"


INNER = {
    "a.txt": "甲市工作汇报\n甲市依法查处垄断行为，清理妨碍公平竞争的规定。\n",
    "b.txt": "乙县工作汇报\n乙县推进农业生产，粮食产量稳定。\n",
    "c.txt": "丙县工作汇报\n丙县多渠道促进就业，新增就业岗位三千个。\n",
}


@pytest.mark.parametrize("query, title", [("反垄断", "甲市工作汇报"), ("稳就业", "丙县工作汇报")])
def test_a_word_found_nowhere_verbatim_finds_the_words_inside_it(tmp_path, query, title):
    # 反垄断 is one dictionary word that no report here writes; 垄断 inside it is the topic. It
    # ranks with some of the words, and the count says none holds the query as typed.
    searcher = Searcher(corpus_index(tmp_path, INNER))
    result = searcher.search(query, limit=10)
    assert [(h.title, h.match) for h in result.hits] == [(title, "some_words")]
    assert result.exact_total == 0
    assert result.exact_note == f"没有段落含“{query}”原文，以下均为部分匹配或相关段落"
    part = "垄断" if query == "反垄断" else "就业"
    assert f'<mark class="part" title="部分匹配：{query}">{part}</mark>' in result.hits[0].snippet
    assert [n.part for n in searcher.highlight_terms(query) if not n.synonym_of] == [part]   # paragraph page


SLOGANS = {
    "a.txt": "甲市工作汇报\n甲市紧盯“十四五”规划目标任务，深化“放管服”改革，开展“两新”行动。\n",
    "b.txt": "乙县工作汇报\n乙县深入推进“十百千万”工程，完成十四五时期的规划编制。\n",
    "c.txt": "丙县工作汇报\n丙县学习运用“千万工程”经验，推进十四五规划实施。\n",
}


@pytest.fixture(scope="module")
def slogans(tmp_path_factory):
    return Searcher(corpus_index(tmp_path_factory.mktemp("slogans"), SLOGANS))


def test_a_quoted_slogan_is_found_as_typed_without_its_quotes(slogans):
    # Reports quote their programmes: “十四五”规划 says 十四五规划, and is counted and marked so.
    result = slogans.search("十四五规划", limit=10)
    exact = {h.title: h for h in result.hits if h.match == "exact"}
    assert result.exact_total == 2 and set(exact) == {"甲市工作汇报", "丙县工作汇报"}
    assert "紧盯“<mark>十四五”规划</mark>目标" in exact["甲市工作汇报"].snippet
    assert slogans.search("放管服改革", limit=10).exact_total == 1


def test_a_phrase_inside_another_quoted_name_is_not_verbatim(slogans):
    # 千万 in “十百千万”工程 belongs to another programme: not 千万工程 as typed.
    result = slogans.search("千万工程", limit=10)
    assert [h.title for h in result.hits if h.match == "exact"] == ["丙县工作汇报"]
    assert result.exact_total == 1


def test_prominence_counts_a_glossary_entry_below_a_list_item():
    runs = ["以旧换新"]
    glossary = "附件 名词解释\n以旧换新：以旧商品折价换购新商品，以旧换新补贴由财政承担。"
    listed = "全县新建卫生室十个。推动设备更新、以旧换新、文旅消费。"
    assert prominence(glossary, runs) < prominence(listed, runs) < 1.0
    assert prominence("名词注释\n以旧换新：以旧商品折价换购新商品。", runs) == prominence(glossary, runs)


GLOSSED = (
    "甲县政府工作报告\n"
    "一、扩大消费\n"
    "全县开展家电以旧换新活动，发放补贴两千万元，带动家电销售五亿元，惠及群众三万户。\n"
    "七、名词解释\n"
    "以旧换新：消费者交回旧家电，以旧换新补贴按新品价格的一成发放，以旧换新活动由商务部门组织。\n"
)


def test_what_was_done_ranks_above_the_glossary_entry_that_says_it_more_often(tmp_path):
    hits = Searcher(one_report_index(tmp_path, GLOSSED)).search("以旧换新").hits
    assert "名词解释" in hits[-1].section and [h.text[:4] for h in hits] == ["全县开展", "以旧换新"]


APART = {
    "a.txt": "甲县工作汇报\n"
             "甲县完成拆迁安置，群众满意。\n"
             "甲县推进老旧小区整治，惠及居民三千户。\n"
             "甲县依法征收集体土地，完成年度任务。\n"
             "甲县安置退役军人，安置率达到百分之百。\n",
    "b.txt": "乙县工作汇报\n" + "".join(f"乙县第{n}季度农业生产稳定。\n" for n in "一二三四五六七八"),
}


@pytest.fixture(scope="module")
def apart(tmp_path_factory):
    from indexer.search.searcher import Searcher
    from fixture_files import corpus_index
    return Searcher(corpus_index(tmp_path_factory.mktemp("apart"), APART))


def test_words_typed_apart_keep_the_synonyms_of_the_words_together(apart):
    # 老旧小区整治 is a synonym of 老旧小区改造: typed with spaces, the words find it too, in
    # the synonym tier, and it is marked as a synonym.
    hits = apart.search("老旧 小区 改造").hits
    assert hits[0].text.startswith("甲县推进老旧小区整治")
    assert hits[0].match == "synonym"
    assert "老旧小区整治" in [n.text for n in apart.search("老旧 小区 改造").needles if n.synonym_of == "老旧小区改造"]


def test_a_synonym_of_one_word_alone_ranks_among_some_of_the_words(apart):
    # 征收 (a synonym of 拆迁) without 安置 is one of the words, not all of them: it ranks with
    # the paragraphs having some of the words, by BM25, so the one saying 安置 twice comes first.
    hits = [(h.text[:6], h.match) for h in apart.search("拆迁 安置", limit=20).hits]
    assert hits[0] == ("甲县完成拆迁", "exact")
    assert ("甲县依法征收", "some_words") in hits
    assert hits.index(("甲县安置退役", "some_words")) < hits.index(("甲县依法征收", "some_words"))


@pytest.mark.parametrize("query, said", [
    ("拆迁 安置", "其中 1 段同时含“拆迁”“安置”，其余为部分匹配或相关段落"),
    ("如何做好拆迁安置", "其中 1 段含“拆迁安置”原文，其余为部分匹配或相关段落"),
])
def test_the_exact_count_says_what_those_paragraphs_contain(relocation, query, said):
    # Words typed apart are all in those paragraphs, not as typed; a question's topic is.
    assert relocation.search(query, limit=20).exact_note == said


def test_reweighed_orders_the_window_by_prominence_and_keeps_the_rest_after_it():
    from indexer.search.ranking import SYNONYM_SCORE, reweighed
    hits = [(12.0, {"id": "a"}), (SYNONYM_SCORE + 10.0, {"id": "b"}), (8.0, {"id": "c"}), (7.0, {"id": "d"})]
    ranked = reweighed(hits, {"a": 0.5, "b": 1.0, "c": 1.25})
    assert [doc["id"] for _, doc in ranked] == ["b", "c", "a", "d"]
    assert [score for score, _ in ranked] == [SYNONYM_SCORE + 10.0, 10.0, 6.0, 7.0]


SCATTERED = {
    "a.txt": "甲县工作汇报\n"
             "今年推进道路、饮水、用电、安全等民生工作。\n"
             "饮水工程建设加快，新建供水站12处，全县群众用水的安全得到保障，受益人口三千人。\n"
             + "".join(f"甲县第{n}季度农业生产稳定。\n" for n in "一二三四五六七八"),
}


def test_words_found_apart_rank_by_how_the_paragraph_says_them(tmp_path):
    # Neither paragraph has 水库, so both rank with some of the words; the short one only lists
    # the two it has, the other opens with 饮水 and gives figures: it is the precedent, first.
    hits = Searcher(corpus_index(tmp_path, SCATTERED)).search("饮水 安全 水库").hits
    assert {h.match for h in hits} == {"some_words"}
    assert [h.text[:4] for h in hits][:2] == ["饮水工程", "今年推进"]


FIGURES = {
    "a.txt": "甲县工作汇报\n甲县地区生产总值增长3.5%，居全市第一。\n",
    "b.txt": "乙县工作汇报\n乙县粮食增长3%，新建学校5所。\n",
    "c.txt": "丙县工作汇报\n丙县构建“1+N”政策体系，出台配套文件。\n",
    "d.txt": "丁县工作汇报\n丁县出台1个总体方案和N个专项方案，完善政策体系。\n",
    "e.txt": "戊县工作汇报\n戊县财政收入增长5%左右，好于预期。\n",
    "f.txt": "己县工作汇报\n己县新建5个站点，左右两岸同步推进。\n",
}


@pytest.mark.parametrize("query, exact", [("增长3.5%", ["甲县工作汇报"]), ("“1+N”政策体系", ["丙县工作汇报"])])
def test_a_figure_or_a_joined_token_is_verbatim_only_where_written_whole(tmp_path, query, exact):
    # 增长3.5% is not said by a paragraph with 增长3 and a 5 somewhere, nor 1+N by one with 1 … N.
    hits = Searcher(corpus_index(tmp_path, FIGURES)).search(query, limit=10).hits
    assert [h.title for h in hits if h.match == "exact"] == exact


@pytest.mark.parametrize("query, exact", [("3.5%", ["甲县工作汇报"]), ("3.5", ["甲县工作汇报"]),
                                          ("5%左右", ["戊县工作汇报"]), ("1+N", ["丙县工作汇报"])])
def test_a_figure_alone_finds_where_it_is_written_inside_a_sentence(tmp_path, query, exact):
    # In 增长3.5% the 3 ends the run 增长3: the bigram across the decimal point (3 and a marked 5) is
    # what the index has of it, so 3.5 alone is found (it found nothing) and counted exactly.
    result = Searcher(corpus_index(tmp_path, FIGURES)).search(query, limit=10)
    assert [h.title for h in result.hits if h.match == "exact"] == exact
    assert result.exact_total == 1


SCATTERED_FIGURES = {
    "a.txt": "甲县工作汇报\n二、20xx年新农村建设完成情况\n社区:累计建成100户;修建道路0.3公里。\n",
    "b.txt": "乙县工作汇报\n乙县自2003年起实施新农村建设，累计建成安置房300套。\n",
}


def test_a_paragraph_with_only_the_bigrams_of_a_figure_is_no_result(tmp_path):
    # 20 (heading), 00 and 03 (100户, 0.3公里) are every bigram of 2003, scattered: the exact tier's
    # candidate, rejected on the text, used to come back below it as a partial match, in the
    # list, its count, the facets and a list sorted by date.
    searcher = Searcher(corpus_index(tmp_path, SCATTERED_FIGURES))
    for sort in ("relevance", "date"):
        result = searcher.search("2003", limit=10, sort=sort)
        assert [h.title for h in result.hits] == ["乙县工作汇报"] and result.total == 1
    assert [count for _, count in searcher.facet_counts("2003")["counts"]["report"]] == [1]
    assert [h.title for h in searcher.search("建设", limit=10).hits]    # still found by its words


def test_a_quoted_phrase_with_other_words_lists_the_same_paragraphs_in_every_order(tmp_path):
    # Every hit must hold the quoted phrase; the query did not say so, so a list sorted by date
    # read the newest paragraphs having only 改革, dropped them all and showed nothing.
    reform = "".join(f"第{i}项改革任务按期完成，群众满意度不断提升。\n" for i in range(80))
    other = "".join(f"第{i}个村新修道路一公里，安装路灯十盏。\n" for i in range(200))   # 改革 not common
    files = {"a.txt": f"甲县改革工作汇报\n{reform}2024年3月5日\n", "c.txt": f"丙县工作汇报\n{other}2023年3月5日\n",
             "b.txt": "乙县工作汇报\n乙县深化“放管服”改革，企业开办一日办结。\n2020年3月5日\n"}
    searcher = Searcher(corpus_index(tmp_path, files))
    for sort in ("relevance", "date"):
        result = searcher.search("“放管服” 改革", limit=10, sort=sort)
        assert [h.title for h in result.hits] == ["乙县工作汇报"] and result.total == 1, sort


def test_sorted_by_date_reads_past_candidates_the_text_rejects(tmp_path):
    # The newest hundred paragraphs have every bigram of 2003 (20 in the heading) but not 2003:
    # the first window read in date order holds none the list shows, so it reads further.
    villages = "".join(f"第{i}村累计建成100户，修建道路0.3公里。\n" for i in range(100))
    files = {"a.txt": f"甲县工作汇报\n二、20xx年新农村建设完成情况\n{villages}2024年3月5日\n",
             "b.txt": "乙县工作汇报\n乙县自2003年起实施新农村建设。\n2020年3月5日\n"}
    result = Searcher(corpus_index(tmp_path, files)).search("2003", limit=10, sort="date")
    assert [h.title for h in result.hits] == ["乙县工作汇报"] and result.total == 1


def test_sorted_by_date_keeps_relevance_order_and_tiers_within_a_date(tmp_path):
    # One report, one date: the paragraph saying 社区养老 as typed comes before the one that says
    # its words often but apart, as in relevance order, and each says which tier it matched in.
    files = {"a.txt": "甲县工作汇报\n甲县社区建设成效明显，社区服务、社区治理、社区文化全面加强；养老床位增加，养老机构改造，养老补贴提高。\n"
                      "甲县各项工作稳步推进，经济运行平稳，民生保障有力，其中社区养老也有进展，教育卫生文化体育事业全面发展。\n2024年3月5日\n",
             "b.txt": "乙县工作汇报\n乙县发展社区养老服务。\n2020年3月5日\n"}
    searcher = Searcher(corpus_index(tmp_path, files))
    by_date = searcher.search("社区养老", limit=10, sort="date").hits
    relevance = searcher.search("社区养老", limit=10).hits
    assert [(h.id, h.match) for h in by_date] == [(h.id, h.match) for h in sorted(relevance, key=lambda h: h.date,
                                                                                  reverse=True)]
    assert [(h.date, h.match) for h in by_date] == [("2024-03-05", "exact"), ("2024-03-05", "all_words"),
                                                   ("2020-03-05", "exact")]


def test_sorted_by_date_pages_continue_one_another_across_dates_searched_together(tmp_path):
    # Thirty reports, one date each, with few matches apiece: dates are searched several at once,
    # and every page size gives one list, newest first, each date's paragraphs best first.
    words = "道路 学校 医院 水利 电网 桥梁 供水 燃气 公园 广场 市场 仓储 物流 冷链 养殖 果园 茶园 林场 渔港 码头".split()
    files = {}
    for i in range(30):
        other = "、".join(random.Random(i).sample(words, 8))      # reports unlike one another: no copies
        body = "".join(f"{i}号镇第{j}项：推进土地流转，规范流转合同。\n" if j % 2 else
                       f"{i}号镇第{j}项：土地整治和流转服务同步推进。\n" for j in range(1 + i % 3))
        files[f"r{i:02d}.txt"] = f"{i}号镇工作汇报\n{i}号镇今年建设{other}等项目。\n{body}{2000 + i}年3月5日\n"
    searcher = Searcher(corpus_index(tmp_path, files))
    whole = searcher.search("土地流转", limit=100, sort="date")
    assert whole.total == len(whole.hits) == 60 and len({h.date for h in whole.hits}) == 30
    assert [h.date for h in whole.hits] == sorted((h.date for h in whole.hits), reverse=True)
    for size in (3, 7, 20):
        paged = [h.id for offset in range(0, 60, size)
                 for h in searcher.search("土地流转", limit=size, offset=offset, sort="date").hits]
        assert paged == [h.id for h in whole.hits], size
    for date in {h.date for h in whole.hits}:
        tiers = [h.match for h in whole.hits if h.date == date]
        assert tiers == sorted(tiers, key=["exact", "all_words", "some_words"].index), date


def test_sorted_by_date_a_date_s_order_does_not_depend_on_the_page_size(tmp_path):
    # 甲镇's two paragraphs rank by prominence only among a search's best by BM25; 乙镇's forty
    # outrank them there when both dates are searched at once. Which dates go together must not
    # depend on the page asked for, or pages of three would not continue one another.
    filler = "全镇经济运行平稳，财政收入稳步增长，民生保障有力，教育卫生文化体育事业全面发展。" * 3
    words = "道路 学校 医院 水利 电网 桥梁 供水 燃气 公园 广场".split()
    files = {"a.txt": f"甲镇工作汇报\n土地整治全面推进，流转面积不断扩大。{filler}\n"
                      "今年各项工作稳步推进。其中土地和流转工作也有进展。\n2030年3月5日\n",
             "b.txt": "乙镇工作汇报\n" + "".join(f"第{j}村{words[j % 10]}：土地{j}亩参与流转，流转土地{j + 3}亩。\n"
                                          for j in range(40)) + "2029年3月5日\n"}
    searcher = Searcher(corpus_index(tmp_path, files))
    whole = [h.id for h in searcher.search("土地流转", limit=100, sort="date").hits]
    paged = [h.id for offset in range(0, 6, 3) for h in searcher.search("土地流转", limit=3, offset=offset, sort="date").hits]
    assert len(whole) == 42 and paged == whole[:6]


def test_a_two_digit_phrase_is_counted_on_the_text_not_by_its_bigram(tmp_path):
    # The bigram across the decimal point of 3.5% is marked apart from 35, so the total sorted by
    # date and the facets count only 35所.
    searcher = Searcher(corpus_index(tmp_path, {**FIGURES, "g.txt": "庚县工作汇报\n庚县新建学校35所，改善办学条件。\n"}))
    for sort in ("relevance", "date"):
        result = searcher.search('"35"', limit=10, sort=sort)
        assert [h.title for h in result.hits] == ["庚县工作汇报"] and result.total == 1, sort
    assert [count for _, count in searcher.facet_counts('"35"')["counts"]["report"]] == [1]


def test_a_figure_is_counted_among_many_numbers_holding_its_digits(tmp_path):
    # 3.5 and the 35 of 2035年 were one bigram: 3.5 had every paragraph naming 2035年 as its
    # candidates, read one by one (seconds at 100,000 paragraphs); sorted by date, past the read
    # budget, it listed none.
    plans = "".join(f"第{i}个村到2035年建成美丽乡村示范村。\n" for i in range(320))
    searcher = Searcher(corpus_index(tmp_path, {"z.txt": f"庚县远景规划工作汇报\n{plans}2024年3月5日\n", **FIGURES}))
    for sort in ("relevance", "date"):
        result = searcher.search("3.5", limit=10, sort=sort)
        assert [h.title for h in result.hits] == ["甲县工作汇报"] and result.total == 1, sort
    assert [count for _, count in searcher.facet_counts("3.5")["counts"]["report"]] == [1]


def test_a_figure_written_as_a_number_of_its_own_ranks_before_one_inside_a_longer_number(tmp_path):
    # 3.5% is in 增长13.5% and 23.5% as a substring, and stays found there; but a reader searching a
    # figure wants the paragraphs that give it first, however often the others hold its digits.
    files = {"a.txt": "甲县工作汇报\n甲县工业增加值增长13.5%，利润增长23.5%，税收增长33.5%。\n",
             "b.txt": "乙县工作汇报\n乙县坚持稳中求进，全面落实各项政策措施，经济运行总体平稳，地区生产总值增长3.5%。\n"}
    searcher = Searcher(corpus_index(tmp_path, files))
    for query in ("3.5%", "3.5"):
        assert [h.title for h in searcher.search(query, limit=10).hits] == ["乙县工作汇报", "甲县工作汇报"], query


def test_the_exact_pass_reads_each_candidate_once_however_often_it_asks_for_more(tmp_path, monkeypatch):
    # Few paragraphs say 社区服务中心; many have its bigrams apart. The exact pass asks the engine
    # for more candidates until the page is full or none are left: each is read from the store
    # and checked on its text once, not again on every try, and the query's lists are read for one
    # ranking, asked again for more.
    from indexer.engine.view import IndexView
    from indexer.search import run as running

    verbatim = [f"第{n}社区服务中心开展便民活动，群众满意。" for n in "一二三"]
    apart = [f"第{n}号社区服务站设在村部，事务中心负责登记{n}户。" for n in range(150)]
    s = Searcher(one_report_index(tmp_path, "庚县社区工作汇报\n" + "\n".join(verbatim + apart) + "\n"))
    monkeypatch.setattr(running, "RERANK_LIMIT", 2)          # not read whole at once: asked for in steps
    read = []
    monkeypatch.setattr(IndexView, "stored_fields", lambda self, docnum, _read=IndexView.stored_fields:
                        (self is self.exact_tier and read.append(docnum)) or _read(self, docnum))
    rankings = []
    monkeypatch.setattr(IndexView, "ranker", lambda self, *args, _ranker=IndexView.ranker:
                        (self is self.exact_tier and rankings.append(args)) or _ranker(self, *args))
    page = s.search("“社区服务中心”", limit=10)
    assert sorted(h.text for h in page.hits) == sorted(verbatim)
    assert len(set(read)) == len(verbatim + apart) and len(read) == len(set(read))     # read, once
    assert len(rankings) == 1


def test_date_order_of_reports_without_dates_is_their_relevance_order(tmp_path):
    # Every match has the one value "" (no date): searched without a date filter, as in relevance order.
    towns = "甲乙丙丁戊己庚辛壬癸"
    work = ["开展便民活动", "建设养老驿站", "组织志愿巡逻", "举办就业培训", "调解邻里纠纷"]
    reports = {f"{t}.txt": f"{t}镇社区工作汇报\n{t}镇社区服务中心{work[i % 5]}，服务居民{100 + 37 * i}人次。\n"
               f"{t}镇还{work[(i + 2) % 5]}，{'社区' * (i % 3)}群众满意度提高到{80 + i}%。\n" for i, t in enumerate(towns)}
    s = Searcher(corpus_index(tmp_path, reports))
    for limit in (5, 20):
        by_date, ranked = s.search("社区 服务", limit=limit, sort="date"), s.search("社区 服务", limit=limit)
        assert [h.id for h in by_date.hits] == [h.id for h in ranked.hits]
        assert by_date.total == ranked.total >= 10


TOGETHER = {
    "a.txt": "甲市工作汇报\n"
             "甲市推进城市更新，建设智慧社区，智慧停车、智慧安防覆盖城市主要街道，城市管理效率明显提升，城市运行更加智慧。\n",
    "b.txt": "乙市工作汇报\n乙市建设智慧城市，上线一网统管平台。\n",
    "c.txt": "丙市工作汇报\n丙市智慧城市建设加快，城市大脑接入数据20亿条。\n",
}


def test_words_typed_apart_list_the_paragraphs_saying_them_together_first(tmp_path):
    # 甲市 says 智慧 and 城市 most, but apart; the user who typed 智慧 城市 wants 智慧城市 first.
    searcher = Searcher(corpus_index(tmp_path, TOGETHER))
    result = searcher.search("智慧 城市")
    assert [h.title for h in result.hits] == ["丙市工作汇报", "乙市工作汇报", "甲市工作汇报"]
    assert [h.title for h in result.hits][:2] == [h.title for h in searcher.search("智慧城市").hits][:2]
    assert {h.match for h in result.hits} == {"exact"} and result.exact_total == 3
    pages = [searcher.search("智慧 城市", limit=1, offset=n).hits[0].title for n in range(3)]
    assert pages == [h.title for h in result.hits]


def test_words_listed_with_a_mark_are_not_read_as_one_term(tmp_path):
    # 智慧、城市 lists two things: the paragraph saying both most comes first, as before.
    hits = Searcher(corpus_index(tmp_path, TOGETHER)).search("智慧、城市").hits
    assert hits[0].title == "甲市工作汇报"
