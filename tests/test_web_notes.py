"""From a hit to a note, through the real app over a real index of a small literal corpus:
citations, narrowing (facets, sort, URL state), reading in context, more like this, export."""
import csv
import io
import re
from urllib.parse import parse_qs, urlparse

import pytest
from fixture_files import corpus_index

from webapp import create_app
from webapp.citations import markdown_link, markdown_quote
from webapp.export import to_csv
from webapp.reading import outline
from webapp.suggest import relaxations

FILES = {
    "乡镇/甲县.txt": """甲县土地流转工作情况汇报
时间：2023-03-01 作者：县农业局
一、基本情况
甲县建立了土地流转服务中心，全县流转土地三万亩，农民增收明显。
二、主要做法
（一）搭建平台
县乡村三级土地流转服务网络全面建成，流转信息统一发布，做到供需对接。
（二）规范合同
统一使用土地流转示范合同文本，流转纠纷逐年下降，农户权益得到保障。
""",
    "乡镇/乙镇.txt": """乙镇土地流转调研报告
时间：2021-06-01
乙镇农户外出务工较多，大量承包地由种粮大户租种，土地流转价格每亩五百元。
乡镇建立农村产权交易平台，承包地经营权挂牌交易，租金按年支付给农户。
""",
    "城区/丙区.txt": """丙区社区服务工作汇报
时间：2022-09-15
丙区推行一站式服务，居民办事只进一扇门，社区服务中心全天受理。
城郊村的土地流转由街道统一备案，防止违规改变土地用途。
""",
    "丁县.txt": """丁县农村改革工作汇报
时间：2020-01-10
县乡村三级土地流转服务网络全面建成，流转信息统一发布，做到供需对接！
丁县组建农村产权交易中心，承包地经营权通过平台公开交易，租金按季度支付给农户。
""",
}


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return corpus_index(tmp_path_factory.mktemp("notes"), FILES)


@pytest.fixture(scope="module")
def client(index_dir):
    return create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()


def api(client, url):
    r = client.get(url)
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()


def first_hit(client, q):
    return api(client, f"/api/search?q={q}&limit=1")["results"][0]


# --- citations ------------------------------------------------------------------------------

def test_markdown_link_and_quote():
    assert markdown_link("甲县汇报", "一、基本情况", "https://r.example/p/ab") == \
        "[甲县汇报 › 一、基本情况](https://r.example/p/ab)"
    assert markdown_link("标题[1]", "", "u") == r"[标题\[1\]](u)"
    quote = markdown_quote("1. 第一条\n# 不是标题\n正文。", "甲县汇报", "", "https://r.example/p/ab")
    assert quote == "> 1\\. 第一条\n> \\# 不是标题\n> 正文。\n\n[甲县汇报](https://r.example/p/ab)"


def test_every_result_and_the_paragraph_page_offer_three_citations(client):
    html = client.get("/?q=土地流转").get_data(as_text=True)
    hits = html.count('class="hit"')
    assert hits >= 3
    for kind in ("link", "quote", "url"):
        assert html.count(f'data-kind="{kind}"') == hits
    hit = first_hit(client, "示范合同")
    page = client.get(f"/p/{hit['id']}").get_data(as_text=True)
    link = f"[甲县土地流转工作情况汇报 › 二、主要做法 › （二）规范合同](http://localhost/p/{hit['id']})"
    assert f'data-copy="{link}"' in page
    assert 'data-copy="&gt; 统一使用土地流转示范合同文本' in page
    assert f'data-copy="http://localhost/p/{hit["id"]}"' in page


def test_links_are_absolute_from_the_host_or_the_configured_base_url(index_dir):
    plain = create_app({"INDEX_DIR": str(index_dir), "HOST": "reports.lan"}).test_client()
    url = plain.get("/api/search?q=示范合同", base_url="http://reports.lan:8080").get_json()["results"][0]["url"]
    assert url.startswith("http://reports.lan:8080/p/")
    # A Host the server was not told about is refused, never written into a link (DNS rebinding).
    assert plain.get("/api/search?q=示范合同", base_url="http://evil.example:8080").status_code == 400
    proxied = create_app({"INDEX_DIR": str(index_dir), "BASE_URL": "https://example.org/reports/"}).test_client()
    hit = proxied.get("/api/search?q=示范合同").get_json()["results"][0]
    assert hit["url"] == f"https://example.org/reports/p/{hit['id']}"
    assert hit["citation"].endswith(f"(https://example.org/reports/p/{hit['id']})")
    page = proxied.get(f"/p/{hit['id']}").get_data(as_text=True)
    assert f'data-copy="https://example.org/reports/p/{hit["id"]}"' in page


# --- narrowing ------------------------------------------------------------------------------

def test_facet_counts_match_the_filtered_searches(client):
    data = api(client, "/api/search?q=土地流转&facets=1")
    facets = data["facets"]
    assert {f["value"] for f in facets["folder"]} == {"乡镇", "城区"}
    assert {f["value"] for f in facets["year"]} == {"2020", "2021", "2022", "2023"}
    assert all(f["title"] for f in facets["report"])
    for name in ("folder", "year", "report", "type"):
        for f in facets[name]:
            narrowed = api(client, f"/api/search?q=土地流转&{name}={f['value']}&limit=50")
            assert narrowed["total"] == f["count"] == len(narrowed["results"]), (name, f)
            assert narrowed["filters"] == {name: f["value"]}


def test_folder_filter_and_query_syntax_agree(client):
    by_param = api(client, "/api/search?q=土地流转&folder=乡镇&limit=50")
    by_syntax = api(client, "/api/search?q=土地流转 folder:乡镇&limit=50")
    assert {r["id"] for r in by_param["results"]} == {r["id"] for r in by_syntax["results"]}
    assert {r["source"].split("/")[0] for r in by_param["results"]} == {"乡镇"}


def test_sort_by_date(client):
    dates = [r["date"] for r in api(client, "/api/search?q=土地流转&sort=date&limit=50")["results"]]
    assert len(dates) >= 4 and dates == sorted(dates, reverse=True)
    # The same paragraphs in another order (a quoted phrase: a set small enough to list whole).
    relevance = api(client, '/api/search?q="土地流转"&limit=50')
    by_date = api(client, '/api/search?q="土地流转"&sort=date&limit=50')
    assert relevance["total"] == by_date["total"] <= 50
    # Paragraphs repeated in two reports show once; which copy represents them may differ.
    def texts(data):
        return sorted(re.sub(r"\W", "", r["text"]) for r in data["results"])
    assert texts(relevance) == texts(by_date)


def test_the_page_keeps_its_state_in_the_url(client):
    html = client.get("/?q=土地流转&year=2023&sort=date").get_data(as_text=True)
    assert "已筛选：" in html and "年份：2023" in html
    links = [a.replace("&amp;", "&") for a in re.findall(r'href="(/\?[^"]+)"', html)]
    remove = [u for u in links if "year=" not in u and "sort=date" in u]
    assert remove, "a link that drops the year filter and keeps the sort"
    para = re.search(r'class="title" href="(/p/[^"]+)"', html).group(1).replace("&amp;", "&")
    state = parse_qs(urlparse(para).query)
    assert state == {"q": ["土地流转"], "year": ["2023"], "sort": ["date"]}
    back = client.get(para).get_data(as_text=True)
    assert re.search(r'class="back" href="/\?q=[^"]*year=2023[^"]*sort=date', back.replace("&amp;", "&"))
    exports = re.findall(r'href="(/export\.(?:md|csv)\?[^"]+)"', html)
    assert len(exports) == 2 and all("year=2023" in e and "sort=date" in e for e in exports)


@pytest.mark.parametrize("url", ["/?q=土地流转&sort=newest", "/?q=土地流转&year=" + "9" * 300,
                                 "/api/search?q=土地流转&sort=x", "/export.csv?q=土地流转&sort=x"])
def test_bad_narrowing_is_a_clear_400(client, url):
    r = client.get(url)
    assert r.status_code == 400
    text = r.get_data(as_text=True)
    assert "排序方式" in text or "过长" in text


def test_facet_values_are_escaped(client):
    html = client.get('/?q=土地流转&folder=<script>alert(1)</script>').get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def _facet_sections(html: str) -> list[str]:
    return re.findall(r'<section class="facet".*?</section>', html, flags=re.S)


def test_a_large_result_list_comes_first_and_its_facets_after(index_dir, client):
    later = create_app({"INDEX_DIR": str(index_dir), "TESTING": True, "INLINE_FACETS": 0}).test_client()
    url = "/?q=土地流转&sort=date&year=2023"
    page = later.get(url).get_data(as_text=True)
    assert "<mark>" in page and not _facet_sections(page)
    slot = re.search(r'class="facets-slot" data-src="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert urlparse(slot).path == "/facets"
    assert parse_qs(urlparse(slot).query) == {"q": ["土地流转"], "year": ["2023"], "sort": ["date"]}
    fragment = later.get(slot)
    assert fragment.status_code == 200
    inline = client.get(url).get_data(as_text=True)          # the same counts, counted with the page
    assert _facet_sections(fragment.get_data(as_text=True)) == _facet_sections(inline) != []
    # Without the script: a link that renders the page with its facets.
    fallback = re.search(r'<a href="([^"]+)">直接显示</a>', page).group(1).replace("&amp;", "&")
    assert _facet_sections(later.get(fallback).get_data(as_text=True)) == _facet_sections(inline)
    # A report filter's chip still names the report, though nothing was counted.
    report = api(client, "/api/search?q=土地流转&facets=1")["facets"]["report"][0]
    chips = later.get(f"/?q=土地流转&report={report['value']}").get_data(as_text=True)
    assert f"报告：{report['title']}" in chips


def test_a_total_too_costly_to_count_is_given_as_a_bound_until_counted(seed_index, monkeypatch):
    """A total the search only bounds says so (至多); counting the facets, the JSON API's
    count=exact and the CLI give the list's length instead."""
    import indexer.search.searcher as searching

    monkeypatch.setattr(searching, "EXACT_COUNT_LIMIT", 0)       # every relevance total a bound
    app = create_app({"INDEX_DIR": str(seed_index), "TESTING": True, "INLINE_FACETS": 0})
    later, q = app.test_client(), "社区 居民"
    dated = api(later, f"/api/search?q={q}&limit=1&sort=date")        # date order counts its list
    length = dated["total"]
    assert not dated["total_is_estimate"] and length > 20
    bounded = api(later, f"/api/search?q={q}")
    assert bounded["total_is_estimate"] and bounded["total"] > length
    for asked in ("count=exact", "facets=1"):
        counted = api(later, f"/api/search?q={q}&{asked}")
        assert (counted["total"], counted["total_is_estimate"]) == (length, False), asked
    page = later.get(f"/?q={q}").get_data(as_text=True)
    assert re.search(r'找到 <span class="bound"[^>]*>至多 </span><strong class="list-total">(\d+)</strong>', page).group(1) \
        == str(bounded["total"])
    slot = re.search(r'class="facets-slot" data-src="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert f'data-total="{length}"' in later.get(slot).get_data(as_text=True)
    inline = app.test_client().get(f"/?q={q}&facets=all").get_data(as_text=True)    # counted with the page
    assert f'找到 <strong class="list-total">{length}</strong>' in inline and "至多" not in inline
    note = later.get(f"/export.md?q={q}").get_data(as_text=True)        # a note keeps the number
    assert f"共 {length} 条，以下" in note


def test_facets_fragment_bad_requests(client):
    assert client.get("/facets?q=土地流转&sort=x").status_code == 400
    assert "排序方式" in client.get("/facets?q=土地流转&sort=x").get_data(as_text=True)
    empty = client.get("/facets?q=")
    assert empty.status_code == 200 and not empty.get_data(as_text=True).strip()


# --- empty states -----------------------------------------------------------------------------

def test_relaxations():
    assert relaxations("土地流转 火星") == [("去掉“土地流转”", "火星"), ("去掉“火星”", "土地流转")]
    assert relaxations("“土地流转合同”")[0] == ("去掉引号", "土地流转合同")
    assert relaxations("土地") == []


def test_empty_result_offers_a_way_out(client):
    html = client.get("/?q=土地流转 火星基地").get_data(as_text=True)
    assert "没有找到与“土地流转 火星基地”相关的段落" in html
    assert "去掉“火星基地”" in html and "去掉“土地流转”" not in html     # only ways that find something
    filtered = client.get("/?q=一站式服务&folder=乡镇").get_data(as_text=True)
    assert "没有找到" in filtered and "去掉所有筛选条件" in filtered


def test_words_given_apart_list_those_with_most_of_them_after_those_with_all(client):
    """Since words given apart are relaxed (issue "Search quality…"), the list itself holds what
    dropping a word used to offer: the paragraph with all three words, then those with two."""
    html = client.get("/?q=承包地 租金 按年").get_data(as_text=True)
    assert html.count('class="hit"') == 3 and "其中 1 段同时含“承包地”“租金”“按年”" in html
    assert html.index("以下段落不含") > html.index('class="hit"')     # the divider after the first
    # Sorted by date the tiers mix: the count is said, no divider drawn.
    dated = client.get("/?q=承包地 租金 按年&sort=date").get_data(as_text=True)
    assert dated.count('class="hit"') == 3 and "其中 1 段同时含“承包地”“租金”“按年”" in dated
    assert "以下段落不含" not in dated
    assert "去掉“按年”" not in html and "只找到" not in html        # dropping a word finds no more
    assert "只找到" not in client.get("/?q=土地流转").get_data(as_text=True)


def test_a_page_past_the_end_says_so_and_leads_back(client):
    html = client.get("/?q=土地流转&page=50").get_data(as_text=True)
    assert "第 50 页已超出结果范围" in html and "没有找到" not in html
    assert "回到第 1 页" in html and "最后一页" not in html and 'class="pages"' not in html


# --- reading in context -----------------------------------------------------------------------

def test_outline_opens_headings_where_the_path_changes():
    paragraphs = [{"section": ""}, {"section": "一、概况"}, {"section": "一、概况"},
                  {"section": "一、概况 › （一）做法"}, {"section": "二、打算"}]
    out, toc = outline(paragraphs)
    assert [[(h["level"], h["text"]) for h in p["headings"]] for p in out] == [
        [], [(1, "一、概况")], [], [(2, "（一）做法")], [(1, "二、打算")]]
    assert [h["anchor"] for h in toc] == ["h1", "h2", "h3"]


def test_paragraph_page_shows_its_report_around_it(client):
    hit = first_hit(client, "示范合同")
    html = client.get(f"/p/{hit['id']}?q=土地流转").get_data(as_text=True)
    target = html.split('data-target="1"', 1)[1].split("</p>", 1)[0]
    assert "示范合同" in target and "<mark>土地流转</mark>" in target
    assert html.index("县乡村三级") < html.index('data-target="1"')       # the paragraph before it
    assert '<h3 id="h4" class="heading level2">（二）规范合同</h3>' in html
    assert 'rel="prev"' in html and 'class="back" href="/?q=' in html
    hits = int(re.search(r"本报告共 (\d+) 处匹配", html).group(1))
    article = html.split('<article class="report">', 1)[1].split("</article>", 1)[0]
    assert hits == article.count("<mark>") >= 3
    assert re.search(r'class="hit-prev" href="#[0-9a-f]{16}"', html)    # works without JavaScript
    assert 'aria-label="本报告目录"' in html


def test_report_page_lists_its_sections(client):
    hit = first_hit(client, "示范合同")
    html = client.get(f"/r/{hit['report_id']}").get_data(as_text=True)
    toc = html.split('aria-label="本报告目录"', 1)[1].split("</nav>", 1)[0]
    assert [t for t in re.findall(r">([^<>]+)</a>", toc)] == ["一、基本情况", "二、主要做法", "（一）搭建平台", "（二）规范合同"]


# --- more like this ---------------------------------------------------------------------------

def test_similar_paragraphs_come_from_other_reports_without_copies(client):
    hit = first_hit(client, "交易平台")                       # 乙镇's paragraph on trading land rights
    data = api(client, f"/api/p/{hit['id']}/similar")
    titles = [r["title"] for r in data["results"]]
    assert titles and titles[0] == "丁县农村改革工作汇报"       # the same matter in other words
    assert "乙镇土地流转调研报告" not in titles
    assert data["key_terms"] and all(r["url"].endswith(r["id"]) for r in data["results"])
    # 丁县 copied 甲县's paragraph on the three-level network: a copy is not a precedent.
    copied = first_hit(client, "供需对接")
    others = api(client, f"/api/p/{copied['id']}/similar")["results"]
    assert all("做到供需对接" not in r["text"] for r in others)
    html = client.get(f"/p/{hit['id']}").get_data(as_text=True)
    assert 'id="similar"' in html and "丁县农村改革工作汇报" in html.split('id="similar"', 1)[1]


# --- export -------------------------------------------------------------------------------------

def test_export_markdown_one_citation_per_result(client):
    r = client.get("/export.md?q=土地流转&folder=乡镇")
    assert r.status_code == 200 and r.mimetype == "text/markdown"
    assert "attachment" in r.headers["Content-Disposition"]
    body = r.get_data(as_text=True)
    results = api(client, "/api/search?q=土地流转&folder=乡镇&limit=50")["results"]
    items = re.findall(r"^\d+\. (\[.+\]\(.+\))$", body, re.M)
    assert items == [x["citation"] for x in results]
    assert "folder=%E4%B9%A1%E9%95%87" in body                 # the search itself, linkable


def test_export_csv(client):
    r = client.get("/export.csv?q=土地流转&sort=date")
    assert r.mimetype == "text/csv"
    raw = r.get_data(as_text=True)
    assert raw.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(raw[1:])))
    results = api(client, "/api/search?q=土地流转&sort=date&limit=50")["results"]
    assert rows[0][:5] == ["序号", "报告标题", "小节", "段落", "链接"]
    assert [row[4] for row in rows[1:]] == [x["url"] for x in results]
    assert [row[3] for row in rows[1:]] == [x["text"] for x in results]


def test_csv_cells_cannot_run_as_formulas():
    row = {"title": "=HYPERLINK(\"x\")", "section": "-1", "text": "正文", "url": "u", "date": "", "place": "",
           "doctype": "", "source": "@a"}
    cells = next(csv.reader(io.StringIO(to_csv([row]).splitlines()[1])))
    assert cells[1].startswith("'=") and cells[2] == "'-1" and cells[8] == "'@a" and cells[3] == "正文"


REPOSTED = """甲县合同管理工作汇报
一、基本情况
甲县全面推行农村土地承包经营权流转示范合同文本，签约率达到百分之九十五。
二、主要做法
县农经站每月抽查签约情况，发现问题及时纠正，确保农户权益不受侵害。
乡镇设立调解委员会，调处纠纷一百二十件，化解率逐年提高。
三、存在问题
部分农户法律意识淡薄，口头约定仍然存在，合同履约监督还需加强。
"""


def test_copies_of_a_report_count_once_in_totals_facets_and_pages(tmp_path):
    # Many copies of one report, as scraped collections have. Whoosh's own collapse counts
    # were wrong here: once the top-N heap is full it stops visiting paragraphs that match
    # only by title, so they were neither shown nor counted as copies.
    index = corpus_index(tmp_path, {name: REPOSTED for name in [f"转载/{n}.txt" for n in range(200)] + ["原文/甲县.txt"]})
    client = create_app({"INDEX_DIR": str(index)}).test_client()
    # The copies are one report indexed once (the first copy found, 原文/ sorts first); every
    # paragraph of it matches, since 合同 is in the title.
    distinct = 4
    data = api(client, "/api/search?q=合同&facets=1&limit=1")
    assert data["total"] == distinct
    assert {f["value"]: f["count"] for f in data["facets"]["folder"]} == {"原文": distinct}
    assert len(data["results"][0]["locations"]) >= 1
    narrowed = api(client, "/api/search?q=合同&folder=原文&limit=1")
    assert narrowed["total"] == distinct and narrowed["results"][0]["source"].startswith("原文/")
    pages = [api(client, f"/api/search?q=合同&limit=1&offset={o}")["results"] for o in range(distinct)]
    assert len({page[0]["id"] for page in pages}) == distinct
