"""Corpus names the file system allows but the index cannot store as they are, and folders that
cannot be listed: each is indexed under a safe name or reported, and the run goes on."""
from __future__ import annotations

import os
import sys

import pytest

from indexer.ingest.files import discover, display_name
from indexer.search.searcher import Searcher
from indexer.update import update_index

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="byte file names are a POSIX matter")

GBK_FOLDER = "工作".encode("gbk")
GBK_FILE = "报告.txt".encode("gbk")
NEITHER = b"\xff\xfe\x80.txt"          # neither UTF-8 nor GB18030


def test_display_name_decodes_gbk_and_escapes_the_rest():
    assert display_name("报告.txt") == "报告.txt"
    assert display_name(os.fsdecode(GBK_FILE)) == "报告.txt"
    assert display_name(os.fsdecode(NEITHER)) == "\\xff\\xfe\\x80.txt"


def test_names_that_are_not_utf8_are_indexed_under_readable_names(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    folder = os.path.join(os.fsencode(corpus), GBK_FOLDER)
    os.mkdir(folder)
    with open(os.path.join(folder, GBK_FILE), "wb") as f:
        f.write("甲县土地流转工作汇报\n甲县建立了土地流转服务中心，全县流转土地三万亩。\n".encode("utf-8"))
    with open(os.path.join(os.fsencode(corpus), NEITHER), "wb") as f:
        f.write("乙镇留守儿童情况汇报\n乙镇为全镇留守儿童建立了成长档案。\n".encode("utf-8"))
    (corpus / "好.txt").write_text("丙区网格化管理调研报告\n丙区把全区划为三百个网格。\n", encoding="utf-8")

    summary = update_index(index, corpus)
    assert sorted(summary.added) == sorted(["工作/报告.txt", "\\xff\\xfe\\x80.txt", "好.txt"])
    assert not summary.skipped
    searcher = Searcher(index, refresh_seconds=0)
    assert searcher.search("土地流转").hits[0].source == "工作/报告.txt"
    assert searcher.search("留守儿童").total == 1
    assert not update_index(index, corpus).did_work       # the names are stable from run to run


def _deep_folder(root) -> str:
    """A folder whose path is longer than PATH_MAX (made relative to each parent's handle)."""
    fd = os.open(root, os.O_RDONLY)
    try:
        for _ in range(24):
            os.mkdir("d" * 200, dir_fd=fd)
            child = os.open("d" * 200, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = child
        with open(os.open("深处.txt", os.O_WRONLY | os.O_CREAT, dir_fd=fd), "w", encoding="utf-8") as f:
            f.write("深处的报告\n很深的文件夹中的正文。\n")
    finally:
        try:
            os.close(fd)
        except OSError:
            pass
    return "d" * 200


def test_a_path_beyond_path_max_is_reported_and_the_rest_indexed(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "好.txt").write_text("丙区网格化管理调研报告\n丙区把全区划为三百个网格。\n", encoding="utf-8")
    _deep_folder(corpus)
    problems = {}
    assert [cf.source for cf in discover(corpus, problems)] == ["好.txt"]
    assert problems and all("路径过长" in reason for reason in problems.values())
    summary = update_index(index, corpus)
    assert summary.added == ["好.txt"]
    assert any("路径过长" in reason for reason in summary.skipped.values())


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any folder")
def test_an_unreadable_folder_is_reported(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "锁住").mkdir(parents=True)
    (corpus / "锁住" / "a.txt").write_text("正文\n", encoding="utf-8")
    os.chmod(corpus / "锁住", 0)
    try:
        problems = {}
        assert discover(corpus, problems) == []
        assert "没有读取权限" in problems["锁住/"]
    finally:
        os.chmod(corpus / "锁住", 0o755)
