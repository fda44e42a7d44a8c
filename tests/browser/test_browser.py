"""What a user does in a real browser: search, read, cite, come back months later."""
from __future__ import annotations

import csv
import io
import re
import urllib.request
from urllib.parse import quote

import pytest

CITED = "示范合同"            # the paragraph the user cites in the main walk-through


def clipboard(page) -> str:
    return page.evaluate("navigator.clipboard.readText()")


def copy(page, kind: str) -> str:
    """Click a paragraph's copy button and read the clipboard once the page says it copied:
    writing to the clipboard is asynchronous, and read at once on a loaded machine it still held
    the previous test's link."""
    button = f".para-tools button[data-kind={kind}]"
    page.click(button)
    page.wait_for_selector(button + ".done")
    return clipboard(page)


def search(page, site, query: str) -> None:
    page.goto(site.base + "/")
    page.keyboard.press("/")                                   # the search box takes the focus
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type(query)
    page.keyboard.press("Enter")
    page.wait_for_selector("p.stats")


def test_cite_a_paragraph_and_follow_the_link_after_a_reindex(page, site, shots):
    search(page, site, CITED)
    page.screenshot(path=str(shots / "search-desktop.png"))
    page.locator("ol.results .hit a.title").first.click()
    page.wait_for_selector("[data-target]")
    cited_text = page.inner_text("[data-target]")
    assert CITED in cited_text and page.locator("[data-target] mark").count() >= 1

    link = copy(page, "link")
    m = re.fullmatch(r"\[甲县土地流转工作情况汇报 › 二、主要做法 › （二）规范合同\]\((http://127\.0\.0\.1:\d+/p/([0-9a-f]+))\)", link)
    assert m, link
    url, pid = m.groups()
    quote = copy(page, "quote")
    assert quote.startswith("> 统一使用土地流转示范合同文本") and quote.endswith(link)
    assert copy(page, "url") == url
    assert page.inner_text(".para-tools button[data-kind=url]") == "已复制"

    # Months later: other files were added, changed and removed, another paragraph of the same
    # report was edited, and the collection was reindexed.
    site.write("己县.txt", "己县林权改革工作汇报\n己县完成集体林权确权发证，林地流转面积两万亩，林农收入稳步增长。\n")
    site.edit("城区/丙区.txt", "全天受理", "全天候受理")
    (site.corpus / "丁县.txt").unlink()
    site.edit("乡镇/甲县.txt", "三万亩", "三万五千亩")
    site.reindex("集体林权确权", lambda total: total == 1)

    page.goto(url)
    assert page.url == url
    assert page.inner_text("[data-target]") == cited_text
    assert page.locator(".notice").count() == 0
    assert page.evaluate("location.pathname") == f"/p/{pid}"


def test_an_edited_paragraph_opens_the_closest_one_with_a_notice(page, site):
    search(page, site, "儿童之家")
    page.locator("ol.results .hit a.title").first.click()
    url = copy(page, "url")
    site.edit("戊县.txt", "配备专职儿童主任", "每个儿童之家配备专职儿童主任")
    site.reindex("每个儿童之家", lambda total: total == 1)
    page.goto(url)
    assert "已被修改" in page.inner_text(".notice")
    assert "每个儿童之家配备专职儿童主任" in page.inner_text("[data-target]")
    page.click(".notice summary")
    assert "配备专职儿童主任，寒暑假" in page.inner_text("blockquote.retired")
    # The citation now points at the paragraph as it is.
    assert copy(page, "url") != url


def test_a_link_into_a_deleted_report_says_so_and_offers_a_search(page, site):
    search(page, site, "成长档案")
    page.locator("ol.results .hit a.title").first.click()
    url = copy(page, "url")
    site.write("庚县.txt", "庚县关爱留守儿童工作汇报\n庚县开展留守儿童关爱活动，建立档案，组织志愿者结对帮扶。\n")
    (site.corpus / "戊县.txt").unlink()
    site.reindex("成长档案", lambda total: total == 0)
    response = page.goto(url)
    assert response.status == 410
    assert "已不在索引中" in page.inner_text("h1")
    assert "成长档案" in page.inner_text("blockquote.retired")
    page.click("a.term-search")
    page.wait_for_selector("ol.results .hit")
    assert "庚县关爱留守儿童工作汇报" in page.inner_text("ol.results")


def test_narrow_sort_and_export_with_the_state_in_the_url(page, site):
    search(page, site, "土地流转")
    total = int(page.inner_text("p.stats strong"))
    page.click("section.facet[aria-labelledby=facet-folder] a:has-text('乡镇')")
    page.wait_for_url(re.compile(r"folder=%E4%B9%A1%E9%95%87"))
    assert int(page.inner_text("p.stats strong")) < total
    assert all(s.startswith("乡镇/") for s in page.locator(".hit .source").all_inner_texts())
    page.click("p.sort a:has-text('日期')")
    page.wait_for_url(re.compile(r"sort=date"))
    dates = [d for d in page.locator(".hit .meta span:first-child").all_inner_texts()]
    assert dates == sorted(dates, reverse=True)
    with page.expect_download() as download:
        page.click("p.export a:has-text('CSV')")
    rows = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8-sig").read())))
    assert rows[0][1] == "报告标题" and len(rows) - 1 == page.locator(".hit").count()
    # The filtered, sorted search is itself a link: reopening it gives the same list.
    listed = page.locator(".hit a.title").all_inner_texts()
    page.goto(page.url)
    assert page.locator(".hit a.title").all_inner_texts() == listed
    page.click(".chips a.chip")
    assert "folder=" not in page.url and "sort=date" in page.url


def test_reading_in_context_and_jumping_between_hits(page, site, shots):
    search(page, site, "土地流转")
    page.locator(".hit a.title", has_text="甲县土地流转工作情况汇报").first.click()
    page.wait_for_selector("[data-target]")
    page.wait_for_load_state("load")          # the deferred script listens for n/p only once it ran
    total = int(re.search(r"共 (\d+) 处", page.inner_text(".hitcount")).group(1))
    assert total == page.locator("article.report mark").count() >= 3
    page.keyboard.press("n")
    first = page.inner_text(".hitcount")
    assert re.fullmatch(rf"第 \d+ / {total} 处匹配", first)
    page.click("a.hit-next")
    second = page.inner_text(".hitcount")
    assert second != first and page.locator("mark.active").count() == 1
    page.click("a.hit-prev")
    assert page.inner_text(".hitcount") == first
    assert page.locator("details.toc summary").count() == 1
    page.screenshot(path=str(shots / "paragraph-desktop.png"))
    assert page.locator("#similar li").count() >= 1
    page.click("a.back")
    page.wait_for_selector("ol.results")
    assert page.input_value("#q") == "土地流转"


@pytest.mark.parametrize("width", [390])
def test_phone_layout(browser, site, shots, width):
    context = browser.new_context(viewport={"width": width, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.goto(site.base + "/?q=土地流转")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate("document.querySelector('details.facets').open") is False   # results first
    page.screenshot(path=str(shots / "search-phone.png"))
    page.locator(".hit a.title").first.click()
    page.wait_for_selector("[data-target]")
    page.wait_for_load_state("load")                          # the stylesheet is applied
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.para')).lineHeight)"
                         " / parseFloat(getComputedStyle(document.querySelector('.para')).fontSize)")
    assert "Noto Sans CJK SC" in font and line >= 1.6
    page.screenshot(path=str(shots / "paragraph-phone.png"))
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_facets_of_a_large_list_arrive_after_the_results(browser, site_facets_later, width):
    site = site_facets_later
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(site.base + "/?q=土地流转")
    assert page.locator(".hit").count() >= 3                      # the results are there at once
    page.wait_for_selector("section.facet[aria-labelledby=facet-folder]", state="attached")
    assert page.locator(".facets-wait").count() == 0
    # On a phone the loaded facets stay folded, as they are when counted with the page.
    assert page.evaluate("document.querySelector('details.facets').open") is (width > 820)
    if width <= 820:
        page.click("details.facets summary")
    total = int(page.inner_text("p.stats strong"))
    page.click("section.facet[aria-labelledby=facet-folder] a:has-text('乡镇')")
    page.wait_for_url(re.compile(r"folder=%E4%B9%A1%E9%95%87"))
    assert 0 < int(page.inner_text("p.stats strong")) < total
    assert all(s.startswith("乡镇/") for s in page.locator(".hit .source").all_inner_texts())
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
    assert not errors, errors


def test_a_total_first_given_as_a_bound_is_replaced_by_the_count(browser, site_many):
    site, q = site_many, "社区 服务"
    with urllib.request.urlopen(site.base + "/?q=" + quote(q), timeout=10) as r:
        served = r.read().decode("utf-8")
    bound = int(re.search(r'至多 </span><strong class="list-total">(\d+)</strong>', served).group(1))
    counted = site.get(f"/api/search?q={quote(q)}&count=exact")
    assert not counted["total_is_estimate"] and counted["total"] < bound
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(site.base + "/?q=" + quote(q))
    page.wait_for_selector("section.facet[aria-labelledby=facet-report]", state="attached")
    assert page.locator("p.stats .bound").count() == 0
    assert page.inner_text("p.stats strong.list-total") == str(counted["total"])
    context.close()
    assert not errors, errors


def test_a_synonym_is_marked_apart_with_the_word_it_stands_for(page, site):
    search(page, site, "承包地流转")
    syn = page.locator("ol.results mark.syn").first
    assert syn.inner_text() == "土地流转" and syn.get_attribute("title") == "同义词：承包地流转"
    colour = syn.evaluate("m => getComputedStyle(m).backgroundColor")
    plain = page.evaluate("""() => { const m = document.createElement('mark'); document.body.appendChild(m);
                                     return getComputedStyle(m).backgroundColor; }""")
    assert colour != plain
