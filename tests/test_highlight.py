from indexer.search.highlight import find_spans, highlight, snippet


def test_traditional_text_is_marked_where_it_was_written():
    assert highlight("推進土地流轉工作", ["土地流转"]) == "推進<mark>土地流轉</mark>工作"


def test_adjacent_hits_form_one_mark():
    assert highlight("加快社区服务中心建设", ["社区", "服务中心"]) == "加快<mark>社区服务中心</mark>建设"
    assert find_spans("社区服务中心", ["社区服务", "服务中心"]) == [(0, 6)]


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
