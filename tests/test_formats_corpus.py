"""A corpus with a file of every format, made here, indexed for real and searched as users do."""
import csv
import datetime
import io
import json

import pytest
from fixture_files import make_docx, make_pdf, make_scanned_pdf, make_zip_bomb

from indexer.cli import print_summary
from indexer.search.searcher import Searcher
from indexer.update import update_index
from webapp import create_app

DOCX_BODY = "攸县围绕留守儿童关爱保护，建立了县、乡、村三级关爱网络，为全县一万二千名留守儿童建立成长档案。"
PDF_PARAS = [
    "嘉禾县农村社区建设工作情况汇报",
    "嘉禾县围绕建设城乡一体化示范县的总体目标，按照就地城镇化、就近市民化的总体思路，把农村社区建设与城乡一体化建设同步推进，"
    "着力推动基础设施、公共服务向乡村延伸，促进城乡公共资源均衡配置。",
    "一、主要做法",
    "全县建成农村社区服务中心三十三个，实现了公共服务全覆盖，群众满意度明显提升，民调排名由全省第一百二十八位跃升为第九位。",
    "嘉禾县民政局",
    "2024年1月6日",
]
GBK_TEXT = ("乙镇土地流转工作汇报\n时间：2023-11-20\n"
            "乙镇建立了土地流转服务中心，全镇流转土地三万亩，农民人均增收两千元。\n")
HTML = """<html><head><meta charset="utf-8"><title>马边县控辍保学调研报告 - 某某网</title>
<meta name="pubdate" content="2023-09-01"></head><body>
<nav><a href="/">网站首页</a> <a href="/a">新闻中心</a> <a href="/b">政务公开</a></nav>
<div class="sidebar"><a href="/x">热门文章推荐阅读</a><a href="/y">另一篇热门</a></div>
<article><h1>马边县控辍保学调研报告</h1>
<p>马边县把控辍保学作为脱贫攻坚的重要任务，建立县、乡、村、校四级联控联保责任制，辍学学生全部劝返复学。</p>
<h2>一、存在问题</h2><p>部分偏远村寨家长对教育重视不够，送子女上学的意愿不强，需要持续做好宣传动员工作。</p>
</article><footer>版权所有 某某网 备案号12345</footer></body></html>"""
CSV_ROWS = [
    ["标题", "正文", "发布日期", "地区", "source_url", "栏目"],
    ["茶陵县公租房建设情况汇报", "茶陵县今年新建公租房八百套，全部分配到位，住房困难家庭实现应保尽保。", "2022-05-01", "茶陵县",
     "https://example.org/chaling", "住房保障"],
    # The Word report below, republished on a site and exported again: same text, other layout.
    ["攸县留守儿童关爱工作情况汇报", DOCX_BODY + "\n一、主要做法\n建立成长档案，每月开展一次家访活动，落实结对帮扶责任人。\n"
     "乡镇 留守儿童 帮扶人\n网岭镇 1200 300\n2024年3月5日", "2024-03-05", "", "https://example.org/youxian", "民政"],
    ["炎陵县河长制工作汇报", "炎陵县全面推行河长制，县乡村三级河长巡河常态化，河道水质稳定达到二类标准。", "2023-08-15",
     "炎陵县", "https://example.org/yanling", "生态"],
]


def csv_text():
    out = io.StringIO()
    csv.writer(out).writerows(CSV_ROWS)
    return out.getvalue()


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    root = tmp_path_factory.mktemp("formats")
    corpus, index = root / "corpus", root / "index"
    (corpus / "网页").mkdir(parents=True)
    (corpus / "攸县汇报.docx").write_bytes(make_docx("攸县留守儿童关爱工作情况汇报", [
        ("p", DOCX_BODY), ("h1", "一、主要做法"), ("p", "建立成长档案，每月开展一次家访活动，落实结对帮扶责任人。"),
        ("table", [["乡镇", "留守儿童", "帮扶人"], ["网岭镇", "1200", "300"]]), ("p", "2024年3月5日")],
        created=datetime.datetime(2020, 1, 2)))
    (corpus / "嘉禾县汇报.pdf").write_bytes(make_pdf(PDF_PARAS, header="嘉禾县人民政府办公室", lines_per_page=6))
    (corpus / "扫描件.pdf").write_bytes(make_scanned_pdf())
    (corpus / "乙镇.txt").write_bytes(GBK_TEXT.encode("gbk"))
    (corpus / "网页" / "马边县.html").write_text(HTML, encoding="utf-8")
    (corpus / "汇总.csv").write_text(csv_text(), encoding="utf-8-sig")
    (corpus / "汇总.jsonl").write_text(json.dumps(
        {"title": "安仁县稻田综合种养调研报告", "full_text": "安仁县推广稻虾共生模式，带动三千农户增收。", "date": "2021-10-01",
         "province": "湖南省", "url": "https://example.org/anren"}, ensure_ascii=False) + "\n", encoding="utf-8")
    (corpus / "汇总.json").write_text(json.dumps({"data": [
        {"标题": "桂东县生态旅游工作总结", "正文": "桂东县依托森林资源发展生态旅游，全年接待游客二百万人次。", "日期": "2020年12月30日"}
    ]}, ensure_ascii=False), encoding="utf-8")
    (corpus / "旧文件.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    (corpus / "损坏.docx").write_bytes((corpus / "攸县汇报.docx").read_bytes()[:3000])
    (corpus / "炸弹.docx").write_bytes(make_zip_bomb())
    (corpus / "统计表.xlsx").write_bytes(b"PK\x03\x04")
    summary = update_index(index, corpus)
    return summary, index


def test_summary_counts_formats_skips_and_duplicates(indexed):
    summary, _ = indexed
    assert dict(summary.formats) == {".docx": 1, ".pdf": 1, ".txt": 1, ".html": 1, ".csv": 1, ".jsonl": 1, ".json": 1}
    reasons = summary.skipped
    assert set(reasons) == {"扫描件.pdf", "旧文件.doc", "损坏.docx", "炸弹.docx", "统计表.xlsx"}
    assert "没有文字层" in reasons["扫描件.pdf"] and "损坏" in reasons["旧文件.doc"]
    assert "损坏" in reasons["损坏.docx"] and "压缩炸弹" in reasons["炸弹.docx"] and "损坏" in reasons["统计表.xlsx"]
    # The 攸县 report is both a Word file and a row of the CSV export: indexed once.
    [dup] = summary.duplicates
    assert {dup["source"], dup["kept_source"]} == {"攸县汇报.docx", "汇总.csv"}
    assert summary.reports == 8          # docx, pdf, txt, html, 2 csv rows (+1 duplicate), jsonl, json
    out = io.StringIO()
    print_summary(summary, out=out)
    text = out.getvalue()
    assert "文件格式：" in text and ".pdf 1 个" in text and "重复报告 1 篇" in text and "跳过 5 个" in text


@pytest.mark.parametrize("q, title, meta", [
    ("三级关爱网络", "攸县留守儿童关爱工作情况汇报", {"place": "攸县", "doctype": "情况汇报"}),
    ("农村社区服务中心", "嘉禾县农村社区建设工作情况汇报", {"place": "嘉禾县", "date": "2024-01-06"}),
    ("土地流转服务中心", "乙镇土地流转工作汇报", {"date": "2023-11-20", "doctype": "工作汇报"}),
    ("控辍保学", "马边县控辍保学调研报告", {"place": "马边彝族自治县", "date": "2023-09-01", "doctype": "调研报告"}),
    ("公租房", "茶陵县公租房建设情况汇报", {"place": "茶陵县", "date": "2022-05-01",
                                          "source_url": "https://example.org/chaling"}),
    ("稻虾共生", "安仁县稻田综合种养调研报告", {"place": "湖南省", "source_url": "https://example.org/anren"}),
    ("生态旅游", "桂东县生态旅游工作总结", {"place": "桂东县", "date": "2020-12-30", "doctype": "工作总结"}),
])
def test_every_format_is_found_with_its_metadata(indexed, q, title, meta):
    _, index = indexed
    hits = Searcher(index).search(q).hits
    assert hits and hits[0].title == title
    for key, value in meta.items():
        assert getattr(hits[0], key) == value, key


def test_layout_noise_is_not_indexed(indexed):
    _, index = indexed
    searcher = Searcher(index)
    for noise in ("网站首页", "热门文章", "备案号", "嘉禾县人民政府办公室"):
        assert searcher.search(f'"{noise}"').total == 0, noise
    # The PDF's lines were rejoined: a phrase that crossed a line break is found verbatim.
    assert searcher.search('"总体目标，按照就地城镇化"').total == 1
    # Word headings are sections; a Word table is one paragraph of rows.
    [table] = searcher.search("网岭镇").hits
    assert table.section == "一、主要做法" and "乡镇 | 留守儿童 | 帮扶人" in table.text


@pytest.mark.parametrize("q, titles", [
    ("place:攸县", {"攸县留守儿童关爱工作情况汇报"}),
    ("year:2023", {"乙镇土地流转工作汇报", "马边县控辍保学调研报告", "炎陵县河长制工作汇报"}),
    ("type:调研报告", {"马边县控辍保学调研报告", "安仁县稻田综合种养调研报告"}),
    ("地区:嘉禾县 社区", {"嘉禾县农村社区建设工作情况汇报"}),
    ("folder:网页", {"马边县控辍保学调研报告"}),
])
def test_metadata_filters(indexed, q, titles):
    _, index = indexed
    assert {h.title for h in Searcher(index).search(q, limit=50).hits} == titles


def test_api_carries_metadata_and_other_copies(indexed):
    _, index = indexed
    client = create_app({"INDEX_DIR": str(index), "TESTING": True}).test_client()
    data = client.get('/api/search?q="三级关爱网络"').get_json()
    [hit] = data["results"]
    assert hit["place"] == "攸县" and hit["date"] == "2024-03-05" and hit["doctype"] == "情况汇报"
    others = {hit["source"]} | {loc["source"] for loc in hit["locations"]}
    assert others == {"攸县汇报.docx", "汇总.csv"}
    assert client.get("/api/search?q=公租房").get_json()["results"][0]["source_url"] == "https://example.org/chaling"


def test_unchanged_corpus_is_not_reread(indexed):
    _, index = indexed
    again = update_index(index, index.parent / "corpus")
    assert not again.did_work and again.skipped == {}
