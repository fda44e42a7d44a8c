"""Web pages saved as a single file (.mhtml): the HTML part is read like a saved .html page."""
import email.mime.multipart
import email.mime.text

import pytest

from indexer.errors import UnreadableFile
from indexer.ingest.pipeline import file_paragraphs
from indexer.ingest.readers.mhtml import read_mhtml


def mhtml(html: str, charset: str) -> bytes:
    message = email.mime.multipart.MIMEMultipart("related")
    message.attach(email.mime.text.MIMEText(html, "html", charset))
    message.attach(email.mime.text.MIMEText("body { color: red }", "css"))
    return message.as_bytes()


def test_the_html_part_is_read_without_chrome():
    page = ('<html><head><meta charset="gbk"><title>炎陵县河长制工作汇报 - 某某网</title></head><body>'
            '<nav><a href="/">网站首页</a><a href="/n">新闻中心</a></nav>'
            '<div class="content"><p>炎陵县全面推行河长制，县乡村三级河长巡河常态化，河道水质稳定达到二类标准。</p></div>'
            '</body></html>')
    data = mhtml(page, "gbk")
    assert read_mhtml(data, "a.mhtml").title == "炎陵县河长制工作汇报"
    [p] = file_paragraphs(data, "a.mhtml")
    assert p.text.startswith("炎陵县全面推行河长制") and p.meta["place"] == "炎陵县"


def test_no_html_part():
    message = email.mime.text.MIMEText("只是文字", "plain", "utf-8")
    with pytest.raises(UnreadableFile, match="没有找到网页正文"):
        read_mhtml(message.as_bytes(), "a.mht")
