"""Web pages saved as one file (.mhtml/.mht, "网页，单个文件"): the page's HTML part, read as HTML."""
from __future__ import annotations

import email
import email.policy

from indexer.errors import UnreadableFile
from indexer.model import Document
from indexer.ingest.readers.html import read_html


def read_mhtml(data: bytes, source: str) -> Document:
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            html = part.get_payload(decode=True)
            if html:
                return read_html(html, source)
    raise UnreadableFile("MHTML 文件中没有找到网页正文（text/html 部分）")
