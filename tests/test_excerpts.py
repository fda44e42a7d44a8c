"""摘录 export: the posted list checked (shape, size, text only), and the .docx and Markdown it
becomes — quotations, notes, GB/T 7714 citations and links, grouped by query or by report.
Through the real app over a real index; the .docx is read back with python-docx."""
import datetime
import io
import zipfile

import docx
import pytest
from fixture_files import corpus_index
from survey_corpus import FILES, PLAIN

from webapp import create_app
from webapp.excerpts import MAX_ITEMS, MAX_TEXT

TODAY = datetime.date.today().isoformat()


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    index = corpus_index(tmp_path_factory.mktemp("excerpts"), {**FILES, **PLAIN})
    return create_app({"INDEX_DIR": str(index), "TESTING": True}).test_client()


def marked(client, query: str, n: int = 1) -> list[dict]:
    """What the 摘录 button keeps of the first n results, as the page's script stores it."""
    hits = client.get(f"/api/search?q={query}&limit={n}").get_json()["results"]
    return [{k: h[k] for k in ("id", "report_id", "title", "section", "text", "date", "place", "source_url", "url")}
            | {"query": query, "note": ""} for h in hits]


def post(client, fmt: str, payload):
    return client.post(f"/api/excerpts/export.{fmt}", json=payload)


def document_text(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def test_docx_quotes_each_excerpt_with_its_note_citation_and_link(client):
    items = marked(client, "河北省低空经济") + marked(client, "己县")
    items[0]["note"] = "可用于第二部分"
    r = post(client, "docx", {"group": "query", "items": items})
    assert r.status_code == 200 and r.mimetype.endswith("wordprocessingml.document")
    assert "attachment" in r.headers["Content-Disposition"]
    text = document_text(r.data)
    assert text[0] == "摘录（2 条）"
    hebei, jixian = items
    at = text.index("检索词：河北省低空经济")
    assert text[at + 1] == "1. 《2025年河北省政府工作报告》（河北省，2025年1月10日）"
    assert text[at + 2] == hebei["text"]
    assert text[at + 3] == "备注：可用于第二部分"
    assert text[at + 4] == f"引文：2025年河北省政府工作报告[EB/OL]. (2025-01-10)[{TODAY}]. {hebei['source_url']}."
    assert text[at + 5] == f"链接：{hebei['url']}"
    at = text.index("检索词：己县")
    assert text[at + 2:at + 5] == [jixian["text"],             # no note: the citation follows the quote
                                   f"引文：己县低空经济发展情况汇报[EB/OL]. (2024-05-06)[{TODAY}]. {jixian['url']}.",
                                   f"链接：{jixian['url']}"]
    document = docx.Document(io.BytesIO(r.data))
    targets = {rel.target_ref for rel in document.part.rels.values() if rel.reltype.endswith("/hyperlink")}
    assert targets == {hebei["url"], jixian["url"]}
    assert any(p.style.name == "Quote" and p.text == hebei["text"] for p in document.paragraphs)


def test_docx_grouped_by_report(client):
    items = marked(client, "河北省低空经济", 2) + marked(client, "己县")
    text = document_text(post(client, "docx", {"group": "report", "items": items}).data)
    headings = [t for t in text if t.startswith("《") and not t[0].isdigit()]
    assert headings == ["《2025年河北省政府工作报告》（河北省，2025年1月10日）", "《己县低空经济发展情况汇报》（2024年5月6日）"]
    assert text[1].endswith("按报告分组")


def test_markdown_export(client):
    items = marked(client, "己县")
    items[0]["note"] = "第一行\n# 不是标题"
    r = post(client, "md", {"group": "query", "items": items})
    assert r.status_code == 200 and r.mimetype == "text/markdown"
    body = r.get_data(as_text=True)
    x = items[0]
    assert body == (f"# 摘录（1 条，按检索词）\n\n导出日期：{TODAY}\n\n## 检索词：己县\n\n"
                    f"1. 《己县低空经济发展情况汇报》（2024年5月6日）\n\n> {x['text']}\n\n"
                    "备注：第一行  \n\\# 不是标题\n\n"
                    f"引文：己县低空经济发展情况汇报[EB/OL]. (2024-05-06)[{TODAY}]. {x['url']}.\n\n"
                    f"链接：[己县低空经济发展情况汇报]({x['url']})\n")


def test_text_stays_text(client):
    """A formula, a field code or a control character in a paragraph or note is written as text."""
    item = {"title": "=HYPERLINK(\"http://evil\")", "text": "=1+1\x00\x07 { DDEAUTO c:\\\\cmd }\x1b",
            "note": "@SUM(A1)", "url": "javascript:alert(1)"}
    r = post(client, "docx", {"items": [item]})
    assert r.status_code == 200
    text = document_text(r.data)
    assert "=1+1 { DDEAUTO c:\\\\cmd }" in text and "备注：@SUM(A1)" in text
    xml = zipfile.ZipFile(io.BytesIO(r.data)).read("word/document.xml").decode()
    assert "fldSimple" not in xml and "instrText" not in xml and "evil" not in xml.split("HYPERLINK")[0]
    assert not [p for p in text if p.startswith("链接：")]          # a javascript: address is no link
    rels = zipfile.ZipFile(io.BytesIO(r.data)).read("word/_rels/document.xml.rels").decode()
    assert "javascript" not in rels


def test_the_permalink_is_made_from_the_id_not_taken_from_the_post(client):
    item = marked(client, "己县")[0] | {"url": "https://evil.example/p/x"}
    text = document_text(post(client, "docx", {"items": [item]}).data)
    assert f"链接：http://localhost/p/{item['id']}" in text and not any("evil" in t for t in text)


@pytest.mark.parametrize("payload, message", [
    (None, "请求须为 JSON"),
    ([], "请求须为 JSON"),
    ({"items": "x"}, "请求须为 JSON"),
    ({"items": []}, "摘录为空"),
    ({"group": "year", "items": [{"text": "a"}]}, "分组方式"),
    ({"items": ["a"]}, "第 1 条摘录格式不对"),
    ({"items": [{"text": ""}]}, "第 1 条摘录没有正文"),
    ({"items": [{"text": "a", "title": 3}]}, "第 1 条摘录的 title 须为文字"),
    ({"items": [{"text": "a"}, {"text": "x" * (MAX_TEXT + 1)}]}, "第 2 条摘录的 text 过长"),
    ({"items": [{"text": "a"}] * (MAX_ITEMS + 1)}, f"摘录最多 {MAX_ITEMS} 条"),
])
def test_a_bad_list_is_400_with_what_is_wrong(client, payload, message):
    r = client.post("/api/excerpts/export.docx", json=payload) if payload is not None else \
        client.post("/api/excerpts/export.docx", data="not json", content_type="application/json")
    assert r.status_code == 400
    assert message in r.get_json()["error"]["message"]


def test_the_largest_list_allowed_exports(client):
    items = [{"title": f"报告{n}", "text": "字" * MAX_TEXT, "query": "q"} for n in range(MAX_ITEMS)]
    r = post(client, "md", {"items": items})
    assert r.status_code == 200 and r.get_data(as_text=True).count("引文：") == MAX_ITEMS


def test_a_body_past_the_limit_is_413_and_other_formats_404(client):
    r = client.post("/api/excerpts/export.md", data=b"x" * (49 * 1024 * 1024), content_type="application/json")
    assert r.status_code == 413
    assert client.post("/api/excerpts/export.pdf", json={"items": [{"text": "a"}]}).status_code == 404
    assert client.get("/api/excerpts/export.docx").status_code == 405


def test_the_excerpts_page_is_served_without_inline_script(client):
    html = client.get("/excerpts").get_data(as_text=True)
    assert "我的摘录" in html and "<script>" not in html and "excerpts.js" in html
    assert "导出 Word 文档（.docx）" in html and "按报告" in html
