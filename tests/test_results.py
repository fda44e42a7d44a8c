"""A paragraph's one serializer (indexer.search.results.paragraph_dict) and the shapes built on it:
the search API and `reportsearch search --json`, the paragraph API, similar paragraphs, the export."""
import csv
import io

import pytest

from indexer.search.results import (HIT_FIELDS, SIMILAR_FIELDS, STORED_FIELDS, Hit, ParagraphView,
                                    SearchResult, paragraph_dict, result_dict)
from indexer.search.searcher import Searcher
from webapp.export import CSV_COLUMNS, CSV_FIELDS


def url(pid):
    return "/p/" + pid


HIT = Hit(id="aa01", report_id="r1", title="甲县汇报", section="一、基本情况", text="甲县建立服务中心。",
          snippet="甲县建立<mark>服务中心</mark>。", score=1.5, source="甲县.txt", date="2023-03-01",
          place="甲县", doctype="汇报", also_in=[{"id": "bb02", "title": "乙县汇报"}],
          through_report=2, through_word="服务中心")
VIEW = ParagraphView(id="aa01", report_id="r1", title="甲县汇报", section="一、基本情况", source="甲县.txt",
                     date="2023-03-01", ordinal=1,
                     report=[{"id": "aa00", "section": "", "text": "前言。"},
                             {"id": "aa01", "section": "一、基本情况", "text": "甲县建立服务中心。"}])
STORED = {"id": "aa01", "report_id": "r1", "title": "甲县汇报", "section": "一、基本情况",
          "text": "甲县建立服务中心。", "source": "甲县.txt", "date": "2023-03-01", "score": 0.7,
          "snippet": "甲县建立服务中心。", "shared": ["服务中心"]}


def test_a_hit_has_every_field_in_order_and_its_links():
    d = paragraph_dict(HIT, url)
    assert tuple(d) == HIT_FIELDS
    assert d["url"] == "/p/aa01" and d["also_in"] == [{"id": "bb02", "title": "乙县汇报", "url": "/p/bb02"}]
    assert d["through_report"] == 2 and d["source_url"] == "" and d["locations"] == []
    assert HIT.also_in == [{"id": "bb02", "title": "乙县汇报"}]          # the hit itself is left alone


def test_a_view_and_a_stored_paragraph_give_what_the_hit_gives():
    from_view = paragraph_dict(VIEW, url, STORED_FIELDS)
    from_dict = paragraph_dict(STORED, url, STORED_FIELDS)
    assert from_view == from_dict == {k: v for k, v in paragraph_dict(HIT, url).items() if k in STORED_FIELDS}
    assert tuple(from_view) == STORED_FIELDS and VIEW.text == "甲县建立服务中心。"
    assert paragraph_dict(STORED, url, SIMILAR_FIELDS)["shared"] == ["服务中心"]


def test_a_stored_paragraph_missing_a_field_is_an_error_not_a_blank():
    with pytest.raises(KeyError):
        paragraph_dict({"id": "aa01"}, url, STORED_FIELDS)


def test_result_dict_lists_its_hits_through_the_serializer():
    result = SearchResult(query="服务中心", total=1, took_ms=1.0, offset=0, limit=10, hits=[HIT], estimated=True)
    data = result_dict(result, url)
    assert list(data) == ["query", "total", "total_is_estimate", "exact_total", "exact_total_is_estimate", "incomplete",
                          "index_outdated", "took_ms", "offset", "limit", "results"]
    assert data["results"] == [paragraph_dict(HIT, url)] and data["total_is_estimate"] is True


# --- the four shapes over the real app ------------------------------------------------------------

COMMON = ("id", "report_id", "title", "section", "text", "source", "date", "url")


def test_every_shape_keeps_its_fields(client):
    hit = client.get("/api/search?q=土地流转&limit=1").get_json()["results"][0]
    assert set(hit) == set(HIT_FIELDS) | {"citation", "citations"}
    assert set(hit["citations"]) == {"markdown", "gbt", "plain"}
    para = client.get(f"/api/p/{hit['id']}").get_json()
    assert set(para) == set(STORED_FIELDS) | {"requested_id", "status", "notice", "citation", "citations", "quote",
                                              "place", "source_url", "member"}
    similar = client.get(f"/api/p/{hit['id']}/similar").get_json()["results"]
    assert similar and all(set(s) == set(SIMILAR_FIELDS) | {"citation", "citations", "place", "source_url"}
                           for s in similar)
    rows = list(csv.reader(io.StringIO(client.get("/export.csv?q=土地流转").get_data(as_text=True)[1:])))
    assert tuple(rows[0]) == CSV_COLUMNS == ("序号", "报告标题", "小节", "段落", "链接", "日期", "地区", "类型", "文件")


def test_the_four_shapes_agree_on_the_fields_they_share(client, seed_index):
    found = client.get("/api/search?q=土地流转&limit=10").get_json()["results"]
    rows = list(csv.DictReader(io.StringIO(client.get("/export.csv?q=土地流转").get_data(as_text=True)[1:])))
    searcher = Searcher(seed_index)          # what `reportsearch search --json` prints
    cli = result_dict(searcher.search("土地流转", limit=10), lambda pid: "http://localhost/p/" + pid)
    searcher.close()
    assert cli["results"] == [{k: v for k, v in r.items() if k not in ("citation", "citations")} for r in found]
    for hit, row in zip(found, rows):
        para = client.get(f"/api/p/{hit['id']}").get_json()
        assert {k: para[k] for k in COMMON} == {k: hit[k] for k in COMMON}
        assert {k: para[k] for k in ("citation", "citations", "place", "source_url", "member")} == \
            {k: hit[k] for k in ("citation", "citations", "place", "source_url", "member")}
        assert {field: row[header] for field, header in CSV_FIELDS.items()} == {k: str(hit[k]) for k in CSV_FIELDS}
        for s in client.get(f"/api/p/{hit['id']}/similar").get_json()["results"]:
            other = client.get(f"/api/p/{s['id']}").get_json()
            shared = COMMON + ("citation", "citations", "place", "source_url")
            assert {k: other[k] for k in shared} == {k: s[k] for k in shared}
