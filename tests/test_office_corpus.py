"""RTF, OpenDocument and PowerPoint files dropped into a corpus are indexed and found like Word files."""
import shutil
from pathlib import Path

import pytest

from indexer.search.searcher import Searcher
from indexer.update import update_index
from webapp import create_app

OFFICE = Path(__file__).parent / "fixtures" / "office"


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    root = tmp_path_factory.mktemp("office")
    corpus, index = root / "corpus", root / "index"
    corpus.mkdir()
    shutil.copy(OFFICE / "吉林政府工作报告.rtf", corpus / "吉林.rtf")
    shutil.copy(OFFICE / "吉林政府工作报告.odt", corpus / "吉林.odt")      # the same report again
    shutil.copy(OFFICE / "汇报.pptx", corpus / "水利汇报.pptx")
    shutil.copy(OFFICE / "汇报.rtf", corpus / "水利附件.doc")             # RTF saved under a .doc name
    (corpus / "旧幻灯片.ppt").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    return update_index(index, corpus), index


def test_every_file_is_read_and_the_copy_is_found_as_one(indexed):
    summary, _ = indexed
    assert dict(summary.formats) == {".rtf": 1, ".odt": 1, ".pptx": 1, ".doc": 1}
    assert set(summary.skipped) == {"旧幻灯片.ppt"} and "损坏" in summary.skipped["旧幻灯片.ppt"]
    [dup] = summary.duplicates
    assert {dup["source"], dup["kept_source"]} == {"吉林.rtf", "吉林.odt"}


def test_reports_are_found_with_their_sections(indexed):
    _, index = indexed
    searcher = Searcher(index)
    hits = searcher.search('"季节性缺水"').hits
    assert {(h.source, h.title, h.section) for h in hits} == {
        ("水利汇报.pptx", "某县2024年农村饮水安全工作汇报", "二、工程建设"),
        ("水利附件.doc", "某县2024年农村饮水安全工作汇报", "（一）工程建设")}
    [table] = [h for h in searcher.search("管网改造", limit=20).hits if h.source == "水利汇报.pptx" and "|" in h.text]
    assert table.section == "二、工程建设" and "水厂 | 2座 | 5600" in table.text
    hits = searcher.search("吉林 冰雪经济", limit=5).hits
    assert hits and all(h.source in {"吉林.rtf", "吉林.odt"} for h in hits)


def test_the_page_shows_them(indexed):
    _, index = indexed
    client = create_app({"INDEX_DIR": str(index), "TESTING": True}).test_client()
    page = client.get("/?q=农村自来水普及率").get_data(as_text=True)
    assert "某县2024年农村饮水安全工作汇报" in page and "<mark" in page
