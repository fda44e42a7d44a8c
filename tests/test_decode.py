import codecs

import pytest

from indexer.ingest.decode import decode_bytes
from indexer.errors import UnreadableFile

TEXT = "城乡社区建设工作情况汇报\n土地流转服务中心"


@pytest.mark.parametrize("data", [
    TEXT.encode("utf-8"),
    codecs.BOM_UTF8 + TEXT.encode("utf-8"),
    TEXT.encode("utf-16"),                 # with BOM
    TEXT.encode("utf-16-le"),              # without BOM
    TEXT.encode("utf-16-be"),
    TEXT.encode("gbk"),
    TEXT.encode("gb18030"),
])
def test_decodes_common_encodings(data):
    assert decode_bytes(data) == TEXT


def test_mostly_utf8_file_with_a_gbk_line_keeps_both():
    data = "第一行是UTF-8文本。\n".encode("utf-8") * 5 + "第二行是GBK文本。\n".encode("gbk")
    text = decode_bytes(data)
    assert "第一行是UTF-8文本。" in text and "第二行是GBK文本。" in text


def test_binary_is_rejected_with_reason():
    with pytest.raises(UnreadableFile, match="编码|二进制"):
        decode_bytes(bytes(range(256)) * 40)
