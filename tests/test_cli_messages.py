"""Everything the command line says is Chinese, and a failure says what to do: real subprocesses."""
import re
import socket
import subprocess
import sys

import pytest

from subprocesses import ENV

# Words of argparse's own English that must never reach a user.
ENGLISH = re.compile(r"usage:|error:|options|positional arguments|show this help|unrecognized|invalid|"
                     r"required|expected|argument|choose from|Traceback")


def run(*args, cwd, env=None):
    return subprocess.run([sys.executable, "-m", "indexer", *args], cwd=cwd, env=env or ENV,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("args, says", [
    ((), "缺少必需的参数：命令"),
    (("serach", "x"), "没有这个选项：'serach'"),
    (("search",), "缺少必需的参数：查询"),
    (("search", "社区", "--bogus"), "无法识别的参数：--bogus"),
    (("serve", "--port", "abc"), "参数 --port：值 'abc' 无效，应为整数"),
    (("search", "社区", "--limit"), "参数 --limit：后面需要一个值"),
    (("index", "--lock-timeout", "soon"), "值 'soon' 无效，应为数字"),
])
def test_a_bad_command_line_is_answered_in_chinese(tmp_path, args, says):
    out = run(*args, cwd=tmp_path)
    assert out.returncode == 2
    assert says in out.stderr
    assert out.stderr.startswith("用法：reportsearch")
    assert "--help 查看说明" in out.stderr
    assert not ENGLISH.search(out.stderr), out.stderr


@pytest.mark.parametrize("args", [("--help",), ("search", "-h"), ("serve", "--help"), ("status", "--help")])
def test_help_is_chinese(tmp_path, args):
    out = run(*args, cwd=tmp_path)
    assert out.returncode == 0 and out.stderr == ""
    assert out.stdout.startswith("用法：reportsearch")
    assert "-h, --help" in out.stdout and "显示本帮助并退出" in out.stdout and "选项" in out.stdout
    assert not ENGLISH.search(out.stdout), out.stdout
    # Flag placeholders are words too: --port 端口, not --port PORT.
    assert not re.search(r"--[a-z-]+ [A-Z_]+\b", out.stdout), out.stdout


def test_the_subcommands_are_listed(tmp_path):
    out = run("--help", cwd=tmp_path).stdout
    assert "位置参数" in out
    for command in ("index", "search", "serve", "watch", "status"):
        assert command in out


def test_a_bad_environment_value_names_the_variable(tmp_path):
    out = run("serve", cwd=tmp_path, env=dict(ENV, REPORTSEARCH_PORT="五千"))
    assert out.returncode == 2
    assert out.stderr.strip() == "reportsearch: 环境变量 REPORTSEARCH_PORT 的值 '五千' 无效，应为整数"


@pytest.mark.parametrize("port", ["70000", "65536", "0"])
@pytest.mark.parametrize("command", [("serve",), ("search", "社区")])
@pytest.mark.parametrize("given", ["flag", "env"])
def test_a_port_out_of_range_is_one_chinese_line(tmp_path, port, command, given):
    # getaddrinfo would take 70000 as port 4464 without a word.
    args, env = ((*command, "--port", port), ENV) if given == "flag" else (command, dict(ENV, REPORTSEARCH_PORT=port))
    out = run(*args, "--index", str(tmp_path / "none"), cwd=tmp_path, env=env)
    assert out.returncode == 1
    assert out.stderr.strip() == (f"reportsearch: 端口须为 1 到 65535 之间的整数，而不是 {port}"
                                  "（--port 或环境变量 REPORTSEARCH_PORT）")
    assert not (tmp_path / "none").exists()


@pytest.mark.parametrize("command", ["index", "watch"])
def test_from_another_folder_index_says_where_it_looked_and_how_to_point_elsewhere(tmp_path, command):
    out = run(command, cwd=tmp_path)
    assert out.returncode == 1
    line = out.stderr.strip()
    assert "\n" not in line
    assert f"语料目录不存在：{tmp_path.resolve() / 'corpus'}" in line
    assert "--corpus" in line and "REPORTSEARCH_CORPUS" in line


@pytest.mark.parametrize("command", [("search", "社区"), ("status",)])
def test_from_another_folder_search_and_status_say_where_the_index_was_looked_for(tmp_path, command):
    out = run(*command, cwd=tmp_path)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    line = out.stderr.strip()
    assert "\n" not in line
    assert f"索引不存在：{tmp_path.resolve() / '.index'}" in line
    assert "--index" in line and "REPORTSEARCH_INDEX" in line and "reportsearch index" in line


def test_a_busy_port_is_one_chinese_line_and_a_failure(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = run("serve", "--index", str(tmp_path / "none"), "--port", str(port), cwd=tmp_path)
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert f"端口 {port} 已被占用" in lines[0]
    assert "--port" in lines[0] and "REPORTSEARCH_PORT" in lines[0]
    assert "正在运行" not in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "none").exists()      # checked before building an index


def test_a_listening_address_that_cannot_be_read_is_one_chinese_line(tmp_path):
    out = run("serve", "--index", str(tmp_path / "none"), "--host", "bad host!", cwd=tmp_path)
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert "无法识别监听地址 bad host!:5000" in lines[0] and "--host" in lines[0]
    assert "Traceback" not in out.stderr
    assert not (tmp_path / "none").exists()


def test_a_damaged_index_is_one_chinese_line_and_a_rebuild_mends_it(tmp_path):
    """An index that lacks a file its last commit names (deleted by hand, lost to the disk): the
    run says so and how to mend it, in one line; `index --rebuild` mends it without reading it."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "a.txt").write_text("甲县土地流转工作情况汇报\n甲县建立了土地流转服务中心，全县流转土地三万亩。\n", encoding="utf-8")
    assert run("index", "--corpus", str(corpus), "--index", str(index), cwd=tmp_path).returncode == 0
    lost = sorted(index.glob("*.trm"))[0]
    lost.unlink()
    (corpus / "b.txt").write_text("乙镇留守儿童关爱工作汇报\n乙镇为全镇留守儿童建立了成长档案。\n", encoding="utf-8")
    out = run("index", "--corpus", str(corpus), "--index", str(index), cwd=tmp_path)
    assert out.returncode == 1
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "索引已损坏" in lines[0] and lost.name in lines[0], out.stderr
    assert "reportsearch index --rebuild" in lines[0] and not ENGLISH.search(out.stderr)
    searched = run("search", "土地流转", "--index", str(index), cwd=tmp_path)
    assert searched.returncode == 1 and searched.stderr.count("\n") == 1, searched.stderr
    assert "索引已损坏" in searched.stderr and "--rebuild" in searched.stderr and not ENGLISH.search(searched.stderr)
    mended = run("index", "--rebuild", "--corpus", str(corpus), "--index", str(index), cwd=tmp_path)
    assert mended.returncode == 0, mended.stderr
    found = run("search", "留守儿童", "--index", str(index), cwd=tmp_path)
    assert found.returncode == 0 and "乙镇留守儿童关爱工作汇报" in found.stdout
    assert run("index", "--corpus", str(corpus), "--index", str(index), cwd=tmp_path).returncode == 0
