"""Reading, citing and writing in a real browser: the notice of an edited paragraph seen on
arrival, surveying by report, a facet's every value, and 摘录 from mark to .docx."""
from __future__ import annotations

import re

import docx
import pytest
from survey_corpus import PROVINCES

Q = "低空经济"


def in_view(page, selector: str) -> bool:
    """The element is wholly inside the viewport and not under the sticky reading bar."""
    return page.evaluate("""(sel) => {
        const r = document.querySelector(sel).getBoundingClientRect();
        const bar = document.querySelector('.readbar');
        const top = bar ? bar.getBoundingClientRect().bottom : 0;
        return r.top >= top - 1 && r.bottom <= window.innerHeight + 1;
    }""", selector)


def test_the_notice_of_an_edited_paragraph_is_in_view_on_arrival(survey_page, survey_site):
    page, site = survey_page, survey_site
    hit = site.get("/api/search?q=" + "积分超市&limit=1")["results"][0]
    url = hit["url"]
    site.edit("县级/庚县.txt", "覆盖九成行政村", "覆盖全部行政村")
    site.reindex("覆盖全部行政村", lambda total: total == 1)
    page.goto(url)
    assert "已被修改" in page.inner_text("#notice")
    assert page.evaluate("window.scrollY") > 500               # the paragraph is far down the report
    assert in_view(page, "#notice") and in_view(page, "[data-target]")
    assert "覆盖全部行政村" in page.inner_text("[data-target]")
    # The notice is beside the paragraph it is about: right above it.
    assert page.evaluate("document.getElementById('notice').nextElementSibling.hasAttribute('data-target')")


def test_survey_by_report_opens_a_reports_other_paragraphs_in_place(survey_page, survey_site, shots):
    page, site = survey_page, survey_site
    page.goto(site.base + "/?q=" + Q)
    page.click("p.grouping a:has-text('按报告')")
    page.wait_for_url(re.compile(r"group=report"))
    titles = page.locator("li.group h2 a.title").all_inner_texts()
    assert len(titles) == len(set(titles)) == 10                # one paragraph per report
    page.evaluate("window.notReloaded = true")
    group = page.locator("li.group", has=page.locator("a.title", has_text="2025年河北省政府工作报告"))
    if group.count() == 0:
        page.click("nav.pages a[rel=next]")
        page.evaluate("window.notReloaded = true")
        group = page.locator("li.group", has=page.locator("a.title", has_text="2025年河北省政府工作报告"))
    toggle = group.locator("a.more-toggle")
    assert toggle.inner_text() == "本报告还有 3 段"
    url = page.url
    toggle.click()
    group.locator("ol.more-hits li").first.wait_for()
    assert page.evaluate("window.notReloaded") is True and page.url == url
    assert group.locator("ol.more-hits li").count() == 3
    assert group.locator("ol.more-hits mark").count() >= 3     # highlighted, as in the list
    assert toggle.get_attribute("aria-expanded") == "true"
    best = group.locator("h2 a.title").get_attribute("href")
    assert all(best.split("?")[0] != a.split("?")[0]
               for a in group.locator("ol.more-hits a").evaluate_all("l => l.map(a => a.getAttribute('href'))"))
    page.screenshot(path=str(shots / "survey-by-report.png"), full_page=False)
    toggle.click()                                               # and closes again
    assert group.locator("ol.more-hits").is_hidden() and toggle.inner_text() == "本报告还有 3 段"


def test_a_facet_shows_every_value_in_place_and_counts_stay_on_one_line(survey_page, survey_site):
    page, site = survey_page, survey_site
    page.goto(site.base + "/?q=" + Q)
    places = page.locator("section.facet[aria-labelledby=facet-place] li")
    assert places.count() == 12
    for count in page.locator("section.facet .count").all():
        box = count.bounding_box()
        line = float(count.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
        assert box["height"] <= line * 1.2                      # one line: 103 never becomes 10/3
    page.evaluate("window.notReloaded = true")
    page.click("section.facet[aria-labelledby=facet-place] a.facet-more")
    places.nth(12).wait_for()
    assert page.evaluate("window.notReloaded") is True
    shown = page.locator("section.facet[aria-labelledby=facet-place] .facet-label").all_inner_texts()
    assert set(PROVINCES) <= set(shown)
    page.click("section.facet[aria-labelledby=facet-place] a:has-text('广东省')")
    page.wait_for_url(re.compile("place="))
    assert "广东省" in page.inner_text(".chips")


def mark_and_check(page, button) -> None:
    button.click()
    assert button.get_attribute("aria-pressed") == "true" and button.inner_text() == "已摘录 ✓"


def test_excerpts_from_mark_to_docx(survey_page, survey_site, shots):
    page, site = survey_page, survey_site
    # Mark two results of one search, and a paragraph from its page after another search.
    page.goto(site.base + "/?q=河北省" + Q)
    first, second = page.locator("li.hit").nth(0), page.locator("li.hit").nth(1)
    marked = [first.locator("p.snippet").inner_text(), second.locator("p.snippet").inner_text()]
    mark_and_check(page, first.locator("button.excerpt-toggle"))
    mark_and_check(page, second.locator("button.excerpt-toggle"))
    assert page.inner_text(".excerpt-count") == "（2）"
    page.goto(site.base + "/?q=成长档案")
    page.locator("li.hit a.title").first.click()
    page.wait_for_selector("[data-target]")
    mark_and_check(page, page.locator(".para-tools button.excerpt-toggle"))
    third = page.inner_text("[data-target]").lstrip("¶").strip()
    cited = site.get("/api/p/" + page.evaluate("location.pathname").split("/")[-1])
    page.reload()                                              # kept in the browser
    assert page.locator(".para-tools button.excerpt-toggle").get_attribute("aria-pressed") == "true"

    page.click("a.excerpts-link")
    page.wait_for_selector("ol.excerpt-list li")
    texts = page.locator("ol.excerpt-list .excerpt-text").all_inner_texts()
    assert texts[:2] == marked and texts[2] == third
    # The third to the top, a note on it, the second (now third) dropped.
    page.click("ol.excerpt-list li:nth-child(3) button.excerpt-up")
    page.click("ol.excerpt-list li:nth-child(2) button.excerpt-up")
    page.fill("ol.excerpt-list li:nth-child(1) textarea.excerpt-note", "用于第三部分：县级探索")
    page.click("ol.excerpt-list li:nth-child(3) button.excerpt-remove")
    page.reload()
    page.wait_for_selector("ol.excerpt-list li")
    assert page.locator("ol.excerpt-list .excerpt-text").all_inner_texts() == [third, marked[0]]
    assert page.input_value("ol.excerpt-list li:nth-child(1) textarea.excerpt-note") == "用于第三部分：县级探索"
    page.screenshot(path=str(shots / "excerpts.png"), full_page=True)

    page.check("input[name=group][value=report]")
    with page.expect_download() as download:
        page.click("button[data-export=docx]")
    assert download.value.suggested_filename.endswith(".docx")
    text = [p.text for p in docx.Document(download.value.path()).paragraphs]
    assert text[0] == "摘录（2 条）"
    assert text[2] == cited["citations"]["plain"] and text[2].startswith("《戊县留守儿童关爱工作汇报》")
    at = text.index(third)
    assert text[at + 1] == "备注：用于第三部分：县级探索"
    assert text[at + 2] == "引文：" + cited["citations"]["gbt"]
    assert re.fullmatch(r"引文：戊县留守儿童关爱工作汇报\[EB/OL\]\. \(2024-02-01\)\[\d{4}-\d\d-\d\d\]\. "
                        rf"{re.escape(site.base)}/p/[0-9a-f]+\.", text[at + 2])
    at = text.index(marked[0])
    assert text[at + 1].startswith("引文：2025年河北省政府工作报告[EB/OL]. (2025-01-10)[")
    assert text[at + 1].endswith("]. https://www.gov.example/0/report.html.")
    assert text[at + 2].startswith(f"链接：{site.base}/p/")

    with page.expect_download() as download:
        page.click("button[data-export=md]")
    body = open(download.value.path(), encoding="utf-8").read()
    assert body.startswith("# 摘录（2 条，按报告）") and "> " + third in body
    assert "已导出" in page.inner_text(".export-status")


@pytest.mark.parametrize("width", [375])
def test_excerpts_on_a_phone(browser, survey_site, shots, width):
    site = survey_site
    context = browser.new_context(viewport={"width": width, "height": 800}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(site.base + "/?q=" + Q + "&group=report")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.locator("li.hit button.excerpt-toggle").first.tap()
    page.locator("a.more-toggle").first.tap()
    page.locator("ol.more-hits button.excerpt-toggle").first.wait_for()
    page.locator("ol.more-hits button.excerpt-toggle").first.tap()
    assert page.inner_text(".excerpt-count") == "（2）"
    page.goto(site.base + "/excerpts")
    page.wait_for_selector("ol.excerpt-list li")
    assert page.locator("ol.excerpt-list li").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.locator("ol.excerpt-list li:nth-child(2) button.excerpt-up").tap()
    for button in page.locator("ol.excerpt-list li:nth-child(1) .excerpt-tools button").all():
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width and box["height"] >= 32
    page.screenshot(path=str(shots / "excerpts-phone.png"), full_page=True)
    with page.expect_download() as download:
        page.locator("button[data-export=docx]").tap()
    assert [p.text for p in docx.Document(download.value.path()).paragraphs][0] == "摘录（2 条）"
    context.close()
    assert not errors, errors
