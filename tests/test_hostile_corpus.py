"""A corpus of 30 kinds of bad files, indexed by the real CLI in a subprocess (so that a hang is
a timeout, not a stuck test run). Each is reported and skipped, indexed safely, or ignored;
the run completes; the good reports beside them are all found.

The corpus is bench/reliability.py's make_hostile_corpus(), so the script's figure and this test
describe the same files. The .docx zip bomb and the truncated PDF need readers this build may
lack: without one they are simply not corpus files; with one they must be reported and skipped.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import pytest
from subprocesses import ENV, ROOT, reliability_bench as _bench

from indexer.engine import store
from indexer.errors import UnreadableFile
from indexer.ingest.readers import limits
from indexer.search.searcher import Searcher

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes and symlinks need POSIX")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    bench = _bench()
    work = tmp_path_factory.mktemp("hostile")
    corpus, index = work / "corpus", work / "index"
    expect = bench.make_hostile_corpus(corpus, work / "outside")
    done = subprocess.run([sys.executable, "-m", "indexer", "index", "--json", "--index", str(index),
                           "--corpus", str(corpus)], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return bench, expect, json.loads(done.stdout), index, done.stderr


def test_at_least_twenty_kinds(hostile):
    _, expect, _, _, _ = hostile
    assert len(expect) >= 20


def test_every_bad_file_is_handled_and_no_good_report_lost(hostile):
    bench, expect, summary, index, _ = hostile
    outcome = bench.check_hostile(index, summary, expect)
    assert outcome["problems"] == {}
    assert summary["added"] and set(bench.GOOD_REPORTS) <= set(summary["added"])


def test_skipped_files_have_a_reason_in_chinese(hostile):
    _, _, summary, _, stderr = hostile
    assert summary["skipped"]
    for source, reason in summary["skipped"].items():
        assert any("\u4e00" <= c <= "\u9fff" for c in reason), (source, reason)
        assert f"已跳过 {source}" not in stderr or reason in stderr
    assert "文件过大" in summary["skipped"]["坏/one-line-50MB.txt"]
    assert "网页文件过大" in summary["skipped"]["坏/huge.html"]


def test_names_with_spaces_and_chinese_survive(hostile):
    _, _, summary, index, _ = hostile
    assert "坏/汇报 材料 2024（终稿）.txt" in summary["added"]
    hit = Searcher(index, refresh_seconds=0).search('"寅市推行证照分离"').hits[0]
    assert hit.source == "坏/汇报 材料 2024（终稿）.txt"


def test_mixed_encodings_decode_to_the_right_words(hostile):
    _, _, _, index, _ = hostile
    searcher = Searcher(index, refresh_seconds=0)
    for word in ("三级河长一百二十名", "河道保洁实现全覆盖", "全县水质优良率达到百分之九十", "分类投放点五百个", "卫生厕所八千户", "深层嵌套",
                 "丑市未知编码声明"):
        assert searcher.search(f'"{word}"').total == 1, word


def test_html_scripts_and_handlers_are_not_text(hostile):
    _, _, _, index, _ = hostile
    with store.open_index(index).reader() as reader:
        page = [d["text"] for _, d in reader.iter_docs() if d.get("source") == "坏/script.html"]
    assert any("平安建设" in t for t in page)
    joined = "".join(page)
    for bad in ("alert", "javascript", "document.write", "注入的段落", "color:red"):
        assert bad not in joined


def test_nothing_from_outside_the_corpus(hostile):
    _, _, summary, index, _ = hostile
    assert Searcher(index, refresh_seconds=0).search('"外部机密"').total == 0
    assert not [s for s in list(summary["added"]) + list(summary["skipped"]) if "outside" in s or "link" in s]


def test_second_run_does_no_work(hostile):
    _, _, _, index, _ = hostile
    corpus = index.parent / "corpus"
    done = subprocess.run([sys.executable, "-m", "indexer", "index", "--json", "--index", str(index),
                           "--corpus", str(corpus)], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=300)
    again = json.loads(done.stdout)
    assert not again["added"] and not again["changed"] and not again["deleted"]


# The safe-zip helper a .docx reader uses (indexer/ingest/readers/limits.py).

def test_zip_bomb_is_refused_by_declared_size(tmp_path):
    path = tmp_path / "bomb.docx"
    _bench()._zip_bomb(path, unpacked_mb=250)
    with zipfile.ZipFile(path) as zf, pytest.raises(UnreadableFile, match="压缩炸弹"):
        limits.check_zip(zf, path.stat().st_size)


def test_zip_bomb_member_is_cut_off_when_it_lies(tmp_path):
    path = tmp_path / "small.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<w:t>" + b"a" * 5000 + b"</w:t>")
    with zipfile.ZipFile(path) as zf:
        limits.check_zip(zf, path.stat().st_size)            # an ordinary small zip passes
        assert len(limits.read_member(zf, "word/document.xml")) == 5011
        with pytest.raises(UnreadableFile):
            limits.read_member(zf, "word/document.xml", limit=1000)
