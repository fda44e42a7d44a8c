from indexer.ingest.clean import clean_blocks
from indexer.ingest.furniture import edge_lines, learn, line_key

BODY = "过去的一年，全市经济运行稳中有进，主要目标任务圆满完成，人民生活持续改善。"


def page(title):
    return ["政务信息", "××要闻", title, "各位代表：", BODY, BODY, "网站地图", "主办：××市人民政府办公厅", "访问量：4859"]


def test_edge_lines_are_short_non_sentences_not_headings_titles_or_lead_ins():
    keys = edge_lines(page("2026年××市政府工作报告"))
    assert line_key("政务信息") in keys and line_key("网站地图") in keys
    for kept in ("各位代表：", BODY, "2026年××市政府工作报告"):
        assert line_key(kept) not in keys
    assert line_key("访问量：199") == line_key("访问量：4859")      # numbers do not tell pages apart


def test_lines_at_the_edges_of_three_files_are_learnt_and_dropped():
    table = {f"{n}.html": edge_lines(page(f"{n}年政府工作报告")) for n in (2021, 2022)}
    assert line_key("网站地图") not in learn(table)                   # two files are not a pattern
    table["2023.html"] = edge_lines(page("2023年政府工作报告"))
    furniture = learn(table)
    assert line_key("网站地图") in furniture
    assert clean_blocks(page("2024年政府工作报告"), furniture=furniture).blocks == [
        "2024年政府工作报告", "各位代表：", BODY, BODY]


def test_a_learnt_empty_label_never_drops_a_heading_of_the_same_words():
    furniture = learn({f"{n}.html": edge_lines([BODY, "附件：", "关联稿件："]) for n in range(3)})
    assert clean_blocks([BODY, "附件", "附件："], furniture=furniture).blocks == [BODY, "附件"]
