"""webapp.citations: every form of citation, with tiny literal inputs."""
import datetime

import pytest

from webapp.citations import all_forms, chinese_date, cited_url, gbt7714, plain, web_url

TODAY = datetime.date(2025, 3, 1)


def test_gbt7714_electronic_resource():
    assert gbt7714("嘉禾县城乡社区建设工作情况汇报", "2024-01-06", "https://www.jiahe.gov.cn/a.html", TODAY) == \
        "嘉禾县城乡社区建设工作情况汇报[EB/OL]. (2024-01-06)[2025-03-01]. https://www.jiahe.gov.cn/a.html."


def test_gbt7714_without_a_date_leaves_out_the_parenthesis():
    assert gbt7714("甲县汇报", "", "http://r/p/ab", TODAY) == "甲县汇报[EB/OL]. [2025-03-01]. http://r/p/ab."


def test_gbt7714_joins_a_title_broken_over_lines():
    assert gbt7714(" 甲县\n汇报 ", "2024", "u", TODAY) == "甲县 汇报[EB/OL]. (2024)[2025-03-01]. u."


@pytest.mark.parametrize("title, place, date, expected", [
    ("甲县汇报", "嘉禾县", "2024-01-06", "《甲县汇报》（嘉禾县，2024年1月6日）"),
    ("甲县汇报", "", "2024-01", "《甲县汇报》（2024年1月）"),
    ("甲县汇报", "嘉禾县", "", "《甲县汇报》（嘉禾县）"),
    ("甲县汇报", "", "", "《甲县汇报》"),
])
def test_plain_form(title, place, date, expected):
    assert plain(title, place, date) == expected


def test_chinese_date():
    assert [chinese_date(d) for d in ("2024-01-06", "2024-11", "2024", "去年", "")] == \
        ["2024年1月6日", "2024年11月", "2024年", "去年", ""]


@pytest.mark.parametrize("url, ok", [
    ("https://www.gov.cn/a.html", True), ("http://example.org/x?a=1", True), ("HTTPS://EXAMPLE.ORG", True),
    ("javascript:alert(1)", False), ("ftp://example.org/a", False), ("//example.org/a", False),
    ("https://", False), ("https://a b", False), ('https://a"onclick', False), ("", False), (None, False),
])
def test_only_web_addresses_become_links(url, ok):
    assert web_url(url) == (url.strip() if ok else "")


def test_a_citation_names_the_original_address_when_known():
    assert cited_url("https://www.gov.cn/a.html", "http://r/p/ab") == "https://www.gov.cn/a.html"
    assert cited_url("javascript:alert(1)", "http://r/p/ab") == "http://r/p/ab"
    assert cited_url("", "http://r/p/ab") == "http://r/p/ab"


def test_all_forms():
    item = {"title": "甲县汇报", "section": "一、基本情况", "text": "正文。", "date": "2024-01-06",
            "place": "嘉禾县", "source_url": "https://www.gov.cn/a.html"}
    assert all_forms(item, "http://r/p/ab", TODAY) == {
        "url": "http://r/p/ab",
        "source_url": "https://www.gov.cn/a.html",
        "link": "[甲县汇报 › 一、基本情况](http://r/p/ab)",
        "quote": "> 正文。\n\n[甲县汇报 › 一、基本情况](http://r/p/ab)",
        "gbt": "甲县汇报[EB/OL]. (2024-01-06)[2025-03-01]. https://www.gov.cn/a.html.",
        "plain": "《甲县汇报》（嘉禾县，2024年1月6日）",
    }


# ---- Markdown that stays text (hardening, minor): raw HTML and line breaks from q, titles, sections
from webapp.citations import markdown_link, markdown_text, one_line, quote_block  # noqa: E402


def test_markdown_text_escapes_html_and_folds_lines():
    assert markdown_text("<img src=x onerror=alert(1)>") == r"\<img src=x onerror=alert(1)\>"
    assert markdown_text("土地\n# 标题\r\n\n- 列表") == r"土地 # 标题 - 列表"
    assert markdown_text("a & b [c] `d` \\") == r"a \& b \[c\] \`d\` \\"
    assert one_line("  甲\u2028乙 \n 丙 ") == "甲 乙 丙"


def test_markdown_link_of_a_hostile_title_is_one_inert_line():
    link = markdown_link("报告<script>x</script>\n\n# 注入", "一、\r\n<b>节</b>", "http://127.0.0.1:5000/p/ab")
    assert link == (r"[报告\<script\>x\</script\> # 注入 › 一、 \<b\>节\</b\>](http://127.0.0.1:5000/p/ab)")
    assert "\n" not in link


def test_quote_block_escapes_inline_html():
    assert quote_block("甲<b>乙</b>\n<i>丙") == "> 甲\\<b\\>乙\\</b\\>\n> \\<i\\>丙"


def test_exported_markdown_heading_keeps_the_query_inert():
    from webapp.export import markdown
    note = markdown("<b>x</b>\n# y", "http://127.0.0.1:5000/?q=x", 0, [])
    assert note.splitlines()[0] == r"# 检索“\<b\>x\</b\> # y”的结果"


def test_an_exported_total_says_whether_it_was_counted():
    from webapp.export import markdown
    url = "http://127.0.0.1:5000/?q=x"
    assert markdown("x", url, 12, []).splitlines()[2].startswith("共 12 条，")
    assert markdown("x", url, 12, [], bound=True).splitlines()[2].startswith("至多 12 条，")
    assert markdown("x", url, 3, [], incomplete=True).splitlines()[2].startswith("至少 3 条（")
