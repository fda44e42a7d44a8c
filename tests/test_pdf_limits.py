"""PDF decompression bombs: a page's content is measured before it is parsed, and the parser runs
in a child process with a memory cap and a timer, so that no PDF costs the indexer more than
its limits. Each bomb is one Chinese line; the next PDF is read as usual."""
from __future__ import annotations

import resource
import time

import pytest
from subprocesses import reliability_bench as _bench

from indexer.errors import UnreadableFile
from indexer.ingest.readers import isolate, limits, read_document

pytestmark = pytest.mark.skipif(not isolate.available(), reason="the PDF child process needs POSIX limits")


@pytest.fixture()
def fresh_child():
    isolate.stop()
    yield
    isolate.stop()            # later tests start a child with the normal limits


def _readable(bench):
    return read_document(bench.make_pdf(b"BT /F1 12 Tf 72 720 Td (Work report text) Tj ET"), "ok.pdf").blocks


def test_a_200_mb_content_stream_is_refused_before_parsing():
    bench = _bench()
    bomb = bench.pdf_bomb(200)
    assert len(bomb) < 300_000
    started = time.monotonic()
    with pytest.raises(UnreadableFile, match="解压后过大/解析超时，可能是恶意文件"):
        read_document(bomb, "bomb.pdf")
    assert time.monotonic() - started < 10
    assert _readable(bench) == ["Work report text"]


def test_a_dense_page_hits_the_child_memory_cap_not_the_indexer(monkeypatch, fresh_child):
    bench = _bench()
    monkeypatch.setattr(limits, "PDF_MEMORY_BYTES", 300 * 1024 * 1024)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(UnreadableFile, match="可能是恶意文件"):
        read_document(bench.pdf_dense(), "dense.pdf")
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024     # KB: not in this process
    assert _readable(bench) == ["Work report text"]          # a new child reads the next file


def test_a_page_that_takes_too_long_is_stopped(monkeypatch, fresh_child):
    bench = _bench()
    monkeypatch.setattr(limits, "PDF_PAGE_SECONDS", 0.5)
    started = time.monotonic()
    with pytest.raises(UnreadableFile, match="解析超时"):
        read_document(bench.pdf_dense(60_000), "slow.pdf")
    assert time.monotonic() - started < 5


def test_pdf_text_is_limited(monkeypatch, fresh_child):
    bench = _bench()
    monkeypatch.setattr(limits, "PDF_MEMORY_BYTES", 1024 * 1024 * 1024)
    content = b"BT /F1 12 Tf 72 720 Td " + b"(Report text line) Tj 0 -14 Td " * 40 + b"ET"
    assert read_document(bench.make_pdf(content), "fine.pdf").blocks
    # The child reads its limits when it starts: a low text limit is passed by a fresh child.
    monkeypatch.setattr(limits, "MAX_TEXT_CHARS", 100)
    monkeypatch.setattr(isolate, "available", lambda: False)             # in-process: same checks
    with pytest.raises(UnreadableFile, match="正文过长"):
        read_document(bench.make_pdf(content), "long.pdf")
