"""Surveying and citing from the result list: group=report, the original address (原文链接),
citations in every form, and facets that show all their values — through the real app over a
real index of fourteen provincial reports (tests/survey_corpus.py)."""
import datetime
import re
from pathlib import Path
from html.parser import HTMLParser

import pytest
from fixture_files import corpus_index
from survey_corpus import FILES, PLAIN, PROVINCES

from indexer.search import facets
from webapp import create_app

Q = "低空经济"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    index = corpus_index(tmp_path_factory.mktemp("survey"), {**FILES, **PLAIN})
    return create_app({"INDEX_DIR": str(index), "TESTING": True}).test_client()


def api(client, url):
    r = client.get(url)
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()


class Links(HTMLParser):
    """Every <a> of a page: its attributes and text."""

    def __init__(self):
        super().__init__()
        self.links, self._open = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._open = dict(attrs, text="")
            self.links.append(self._open)

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data

    def handle_endtag(self, tag):
        if tag == "a":
            self._open = None


def links(html: str) -> list[dict]:
    parser = Links()
    parser.feed(html)
    return parser.links


# --- survey by report -----------------------------------------------------------------------

def test_group_report_lists_each_report_once_with_its_best_paragraph_and_how_many_more(client):
    flat = api(client, f"/api/search?q={Q}&limit=100")["results"]
    data = api(client, f"/api/search?q={Q}&group=report&limit=100")
    assert data["group"] == "report" and data["total"] == len(flat)
    assert data["groups_total"] == len(PROVINCES) + 3 == len(data["results"])
    assert data["groups_total_is_estimate"] is False
    first_of = {}
    for hit in flat:
        first_of.setdefault(hit["report_id"], hit["id"])
    assert [g["report_id"] for g in data["results"]] == list(first_of)          # best paragraph first
    for g in data["results"]:
        assert g["best"]["id"] == first_of[g["report_id"]]
        inside = api(client, g["more_url"].replace("http://localhost", ""))
        assert g["count"] == inside["total"] == sum(h["report_id"] == g["report_id"] for h in flat)
        assert g["more"] == g["count"] - 1
        assert g["best"]["citations"]["gbt"].endswith(g["best"]["source_url"] + ".") or not g["best"]["source_url"]
    hebei = next(g for g in data["results"] if g["title"] == "2025年河北省政府工作报告")
    assert hebei["count"] == 4 and hebei["more"] == 3


def test_group_report_pages_count_reports(client):
    pages = [api(client, f"/api/search?q={Q}&group=report&limit=5&offset={o}")["results"] for o in (0, 5, 10, 15)]
    ids = [g["report_id"] for page in pages for g in page]
    assert len(ids) == len(set(ids)) == len(PROVINCES) + 3


def test_group_report_page_offers_the_rest_of_each_report_in_place(client):
    html = client.get(f"/?q={Q}&group=report").get_data(as_text=True)
    assert html.count('class="hit group"') == 10
    assert "分布在 <strong class=\"groups-total\">17</strong> 篇报告中" in html
    toggles = [a for a in links(html) if "more-toggle" in a.get("class", "")]
    assert toggles and all(re.fullmatch(r"本报告还有 \d+ 段", a["text"]) for a in toggles)
    # Without the script the link opens the report's paragraphs as a page; the script reads data-src.
    first = toggles[0]
    assert "report=" in first["href"] and "group=" not in first["href"]
    more = api(client, first["data-src"])
    n = int(re.search(r"\d+", first["text"]).group())
    assert [h["id"] for h in more["results"] if h["id"] != first["data-best"]] and more["total"] == n + 1
    # The switch is in the URL, and every link of the page keeps it.
    switch = [a for a in links(html) if a["text"] == "逐段"]
    assert switch and "group=" not in switch[0]["href"]
    assert 'aria-current="true">按报告</strong>' in html
    page2 = [a for a in links(html) if a.get("rel") == "next"]
    assert page2 and "group=report" in page2[0]["href"] and "page=2" in page2[0]["href"]


def test_a_bad_group_is_400(client):
    assert client.get(f"/api/search?q={Q}&group=place").status_code == 400
    assert client.get(f"/?q={Q}&group=place").status_code == 400


# --- the original address ----------------------------------------------------------------------

def source_links(html):
    return [a for a in links(html) if a["text"] == "原文链接"]


def test_results_show_the_original_address_only_when_it_is_a_web_address(client):
    html = client.get(f"/?q={Q}&limit=10").get_data(as_text=True)
    shown = source_links(html)
    assert shown and all(a["href"].startswith("https://www.gov.example/") for a in shown)
    assert all(a["rel"] == "noopener noreferrer" for a in shown)
    assert "javascript:" not in html
    # 嘉禾县's javascript: address and 茶陵县's missing one are not links.
    for title in ("嘉禾县", "茶陵县"):
        data = api(client, f"/api/search?q={title}&limit=1")["results"][0]
        one = client.get(f"/?q={title}").get_data(as_text=True)
        assert source_links(one) == [] and data["title"] == "政府工作报告"


def test_paragraph_and_report_pages_show_the_original_address_and_cite_it(client):
    hit = api(client, f"/api/search?q=河北省{Q}&limit=1")["results"][0]
    page = client.get(f"/p/{hit['id']}").get_data(as_text=True)
    assert [a["href"] for a in source_links(page)] == [hit["source_url"]]
    today = datetime.date.today().isoformat()
    gbt = f"2025年河北省政府工作报告[EB/OL]. (2025-01-10)[{today}]. {hit['source_url']}."
    assert f'data-copy="{gbt}"' in page and 'data-kind="plain"' in page
    assert 'data-copy="《2025年河北省政府工作报告》（河北省，2025年1月10日）"' in page
    report = client.get(f"/r/{hit['report_id']}").get_data(as_text=True)
    assert [a["href"] for a in source_links(report)] == [hit["source_url"]] and "河北省" in report
    para = api(client, f"/api/p/{hit['id']}")
    assert para["source_url"] == hit["source_url"] and para["citations"] == hit["citations"]


def test_without_an_original_address_the_citation_names_the_permalink(client):
    hit = api(client, "/api/search?q=己县&limit=1")["results"][0]
    assert hit["source_url"] == ""
    page = client.get(f"/p/{hit['id']}").get_data(as_text=True)
    assert source_links(page) == []
    assert hit["citations"]["gbt"].endswith(f"]. http://localhost/p/{hit['id']}.")
    assert "(2024-05-06)" in hit["citations"]["gbt"]


def test_every_result_offers_every_citation_form_with_plain_labels(client):
    html = client.get(f"/?q={Q}").get_data(as_text=True)
    hits = html.count('class="hit"')
    for kind, label in (("gbt", "复制引文（国标格式）"), ("plain", "复制引文（简明格式）"), ("link", "复制 Markdown 链接")):
        assert html.count(f'data-kind="{kind}"') == hits and html.count(label) == hits


# --- facets -----------------------------------------------------------------------------------

def facet_items(html: str, name: str) -> list[str]:
    section = re.search(rf'<section class="facet" aria-labelledby="facet-{name}">(.*?)</section>', html, re.S)
    return re.findall(r'<span class="facet-label">(.*?)</span><span class="count">', section.group(1), re.S)


def test_a_facet_shows_its_top_values_then_all_of_them(client):
    html = client.get(f"/?q={Q}").get_data(as_text=True)
    assert len(facet_items(html, "place")) == facets.TOP_VALUES
    more = [a for a in links(html) if a["text"] == "更多…" and a.get("data-facet") == "place"]
    assert more and more[0]["data-src"].startswith("/facets?")
    every = client.get(more[0]["href"]).get_data(as_text=True)
    places = facet_items(every, "place")
    assert set(PROVINCES) | {"嘉禾县", "茶陵县"} <= {re.sub("<.*", "", p).strip() for p in places}
    fragment = client.get(more[0]["data-src"]).get_data(as_text=True)
    assert len(facet_items(fragment, "place")) == len(places)
    assert "更多…" not in re.search(r'aria-labelledby="facet-place">(.*?)</section>', fragment, re.S).group(1)


def test_reports_titled_alike_are_told_apart_by_place_and_date(client):
    html = client.get(f"/?q={Q}&more=report").get_data(as_text=True)
    labels = [re.sub(r"\s+", " ", re.sub("<[^>]+>", "", x)).strip() for x in facet_items(html, "report")]
    assert "政府工作报告 嘉禾县 · 2024-02-01" in labels and "政府工作报告 茶陵县 · 2023-02-01" in labels
    assert "2025年河北省政府工作报告" in labels          # a title of its own needs nothing beside it


def test_facet_counts_never_wrap():
    css = (Path(__file__).resolve().parent.parent / "webapp" / "static" / "style.css").read_text(encoding="utf-8")
    rule = re.findall(r"\.count \{([^}]*)\}", css)
    assert any("white-space: nowrap" in r and "flex: none" in r for r in rule)


def test_every_value_of_a_facet_counts_exactly_what_its_link_lists(client):
    """The full list is counted over every match, not over the first results of the ranked list."""
    every = client.get(f"/?q={Q}&more=place").get_data(as_text=True)
    section = re.search(r'aria-labelledby="facet-place">(.*?)</section>', every, re.S).group(1)
    pairs = re.findall(r'<span class="facet-label">([^<]*)</span><span class="count">(\d+)</span>', section)
    assert len(pairs) > facets.TOP_VALUES
    for place, count in pairs:
        total = client.get(f"/api/search?q={Q}&place={place.strip()}&limit=1").get_json()["total"]
        assert int(count) == total, place
