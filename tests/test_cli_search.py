"""`reportsearch search`: the query's own time, and links to where the server is configured to answer."""
import json
import os
import re
import subprocess
import sys

import pytest

from subprocesses import ENV


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    root = tmp_path_factory.mktemp("search")
    (root / "corpus").mkdir()
    (root / "corpus" / "r.txt").write_text("甲县一站式服务工作汇报\n甲县便民服务中心实行一站式服务，群众办事只进一扇门。\n",
                                           encoding="utf-8")
    run("index", cwd=root)
    return root


def run(*args, cwd, env=None):
    out = subprocess.run([sys.executable, "-m", "indexer", *args], cwd=cwd, env=env or ENV, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_the_time_reported_is_the_query_s_and_start_up_is_shown_apart(indexed):
    first = run("search", "一站式服务", cwd=indexed).splitlines()[0]
    assert re.fullmatch(r"找到 1 条结果（查询 \d+ 毫秒；启动 \d+\.\d 秒）", first), first


@pytest.mark.parametrize("args, env, prefix", [
    ((), {}, "http://127.0.0.1:5000/p/"),
    (("--port", "8123"), {}, "http://127.0.0.1:8123/p/"),
    ((), {"REPORTSEARCH_PORT": "8124"}, "http://127.0.0.1:8124/p/"),
    (("--host", "0.0.0.0", "--port", "8125"), {}, "http://127.0.0.1:8125/p/"),
    ((), {"REPORTSEARCH_BASE_URL": "https://reports.example.org"}, "https://reports.example.org/p/"),
    (("--base-url", "https://a.example.org/search"), {"REPORTSEARCH_PORT": "8126"}, "https://a.example.org/search/p/"),
])
def test_links_use_the_configured_address(indexed, args, env, prefix):
    text = run("search", "一站式服务", *args, cwd=indexed, env=dict(ENV, **env))
    links = [line.strip() for line in text.splitlines() if "/p/" in line]
    assert links and all(link.startswith(prefix) for link in links), text


def test_json_links_use_the_configured_address_too(indexed):
    data = json.loads(run("search", "一站式服务", "--json", "--port", "8127", cwd=indexed))
    assert data["results"][0]["url"].startswith("http://127.0.0.1:8127/p/")


def test_a_synonym_in_a_snippet_is_bracketed_apart_in_the_terminal():
    from indexer.cli import _terminal_snippet

    html = '推进<mark>土地流转</mark>和<mark class="syn" title="同义词：土地流转">承包地流转</mark>&amp;'
    assert _terminal_snippet(html, color=False) == "推进【土地流转】和〔承包地流转〕&"
    assert "\033[1;36m承包地流转" in _terminal_snippet(html, color=True)


def test_a_part_that_matched_alone_is_bracketed_apart_in_the_terminal():
    from indexer.cli import _terminal_snippet

    html = '查处<mark class="part" title="部分匹配：反垄断">垄断</mark>行为'
    assert _terminal_snippet(html, color=False) == "查处〈垄断〉行为"


def test_out_of_time_the_total_is_a_lower_bound_and_said(seed_index, tmp_path):
    out = run("search", "--index", str(seed_index), "--time-budget", "0", "社区", cwd=tmp_path).splitlines()
    assert re.fullmatch(r"找到 至少 \d+ 条结果（查询 \d+ 毫秒；启动 \d+\.\d 秒）", out[0]), out[0]
    assert "结果不完整" in out[1]
    assert "/p/" in "\n".join(out), "what was found is listed"


def test_a_reader_that_goes_away_ends_the_search_quietly(indexed):
    # reportsearch search … | head: the pipe is closed before anything is written.
    read, write = os.pipe()
    os.close(read)
    try:
        out = subprocess.run([sys.executable, "-m", "indexer", "search", "一站式服务"], cwd=indexed, env=ENV,
                             stdout=write, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write)
    assert out.returncode == 141 and out.stderr == ""


@pytest.mark.parametrize("words, found", [
    (("一站式", "服务"), 1),                       # words given apart are one query
    (("一站式服务", "-群众"), 0),                  # an exclusion is a word of the query, not an option
    (("-群众", "一站式服务", "--limit", "5"), 0),
    (("--limit", "5", "-扶贫", "一站式服务"), 1),
])
def test_the_query_may_be_several_words_exclusions_included(indexed, words, found):
    assert run("search", *words, cwd=indexed).startswith(f"找到 {found} 条结果")


def test_the_total_is_counted_not_bounded(seed_index, monkeypatch, capsys):
    """Where the page first gives an upper bound (too many matches to count cheaply), the
    command counts them: one search, one answer."""
    import indexer.search.searcher as searching
    from indexer.cli import main

    monkeypatch.setattr(searching, "EXACT_COUNT_LIMIT", 0)       # every relevance total a bound
    bounded = searching.Searcher(seed_index).search("社区 居民", limit=1)
    counted = searching.Searcher(seed_index).search("社区 居民", limit=1, sort="date")
    assert bounded.estimated and not counted.estimated and bounded.total > counted.total
    assert main(["search", "社区 居民", "--index", str(seed_index), "--limit", "1"]) == 0
    assert capsys.readouterr().out.startswith(f"找到 {counted.total} 条结果")


def test_each_result_names_its_file_place_and_kind(tmp_path):
    (tmp_path / "corpus" / "乡镇").mkdir(parents=True)
    (tmp_path / "corpus" / "乡镇" / "临泉汇报.txt").write_text(
        "临泉县2024年便民服务工作汇报\n时间：2024年3月5日\n临泉县便民服务中心实行一站式服务，群众办事只进一扇门。\n",
        encoding="utf-8")
    run("index", cwd=tmp_path)
    lines = run("search", "一站式服务", cwd=tmp_path).splitlines()
    at = next(n for n, line in enumerate(lines) if line.startswith("1. "))
    assert lines[at + 1].strip() == "2024-03-05 · 临泉县 · 工作汇报 · 乡镇/临泉汇报.txt", lines
