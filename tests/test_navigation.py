from indexer.ingest.navigation import LINK_RUN_MIN, breadcrumbs, field_tables, link_lists

BODY = "各位代表！使命催人奋进，奋斗创造未来。让我们更加紧密地团结在一起，奋力谱写新篇章。"
DEPARTMENTS = ["省政府各部门", "省政府办公厅", "省发展和改革委员会", "省教育厅", "省科学技术厅", "省工业和信息化厅",
               "省民族事务委员会", "省公安厅", "省民政厅", "省司法厅"]


def test_a_long_run_of_short_unpunctuated_lines_is_a_link_list():
    lines = [BODY] + DEPARTMENTS + ["政府工作报告——2025年1月13日在河北省第十四届人民代表大会第三次会议上"]
    assert link_lists(lines) == set(range(1, 1 + len(DEPARTMENTS)))


def test_lines_furniture_by_their_own_shape_do_not_break_a_run():
    lines = [BODY] + DEPARTMENTS[:5] + ["|"] + DEPARTMENTS[5:] + ["网站标识码：1300000013"]
    assert link_lists(lines, lambda line: line == "|") == set(range(1, len(lines) - 1)) - {6}


def test_a_list_saved_alone_is_its_text():
    assert link_lists(DEPARTMENTS * 2) == set()


def test_a_short_run_is_kept():
    assert link_lists([BODY] + DEPARTMENTS[:LINK_RUN_MIN - 1] + [BODY]) == set()


def test_a_list_announced_by_a_lead_in_is_kept():
    assert link_lists(["参加会议的单位有："] + DEPARTMENTS + [BODY]) == set()


def test_the_last_short_line_over_body_text_is_a_heading_not_a_link():
    lines = DEPARTMENTS + ["“十四五”时期工作回顾", BODY]
    assert link_lists(lines) == set(range(len(DEPARTMENTS)))


def test_a_table_of_figures_is_kept():
    cells = ["主要工业产品产量", "产品名称", "计量单位", "产量", "饮料酒", "千升", "15767", "18.64",
             "塑料制品", "吨", "183946", "12.5"]
    assert link_lists([BODY] + cells + [BODY]) == set()


def test_numbered_headings_and_clauses_break_a_run():
    headings = ["一、基本情况", "二、主要做法", "三、存在问题", "四、下步打算"]
    assert link_lists(DEPARTMENTS[:4] + headings + DEPARTMENTS[:3]) == set()
    assert link_lists(["资金筹措难，", "土地征收难，"] * 5) == set()


def test_a_field_table_loses_its_labels_and_values_but_not_its_date():
    lines = ["014717475N/2023-0040295", "索 引 号：", "014717475N/2023-0040296", "发布机构：", "宜春市统计局",
             "发文日期：", "2023-04-18", "公开方式：", "主动公开", "分类：", "统计公报", BODY]
    assert field_tables(lines, keep=lambda line: line == "2023-04-18") == {1, 2, 3, 4, 5, 7, 8, 9, 10}


def test_a_lead_in_with_a_short_line_after_it_is_no_field_table():
    lines = ["存在问题：", "资金不足", BODY, "下步打算：", "加大投入", BODY]
    assert field_tables(lines) == set()


def test_a_breadcrumb_laid_out_one_item_a_line():
    lines = [BODY, "您当前的位置 ：", "河北人大", ">>", "新闻中心", ">>", "时政要闻", "政府工作报告"]
    assert breadcrumbs(lines) == {1, 2, 3, 4, 5, 6}
    assert breadcrumbs(["收入", ">", "支出", BODY]) == set()        # one sign between two words
