"""The `reportsearch` command as a user runs it: a real subprocess."""
import json
import subprocess
import sys

from subprocesses import ENV, ROOT


def run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "indexer", *args], cwd=cwd, env=ENV, capture_output=True,
                          text=True, timeout=120)


def test_index_then_search(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "r.txt").write_text("甲县一站式服务工作汇报\n甲县便民服务中心实行一站式服务，群众办事只进一扇门。\n",
                                  encoding="utf-8")
    first = run("index", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "新增 1 个文件" in first.stdout
    assert (tmp_path / ".index").is_dir()
    assert "索引已是最新" in run("index", cwd=tmp_path).stdout
    text = run("search", "一站式服务", cwd=tmp_path)
    assert text.returncode == 0 and "甲县一站式服务工作汇报" in text.stdout and "/p/" in text.stdout
    data = json.loads(run("search", "一站式服务", "--json", cwd=tmp_path).stdout)
    assert data["total"] == 1 and "<mark>" in data["results"][0]["snippet"]


def test_errors_are_one_line_messages(tmp_path):
    missing = run("search", "社区", "--index", str(tmp_path / "none"), cwd=tmp_path)
    assert missing.returncode == 1 and "索引不存在" in missing.stderr and "Traceback" not in missing.stderr
    bad = run("index", "--corpus", str(tmp_path / "nope"), cwd=tmp_path)
    assert bad.returncode == 1 and "语料目录不存在" in bad.stderr


def test_search_says_when_a_paragraph_is_listed_through_its_report(tmp_path):
    index = tmp_path / "index"
    assert run("index", "--corpus", str(ROOT / "corpus"), "--index", str(index), cwd=tmp_path).returncode == 0
    out = run("search", "大气污染治理", "--limit", "20", "--index", str(index), cwd=tmp_path).stdout
    assert "段提到“大气污染治理”，本段虽未全部提到检索词，也一并列出" in out


def test_numpy_starts_one_blas_thread_unless_the_user_says_otherwise():
    show = [sys.executable, "-c", "import indexer, os; print(os.environ['OPENBLAS_NUM_THREADS'])"]
    plain = {k: v for k, v in ENV.items() if k != "OPENBLAS_NUM_THREADS"}
    assert subprocess.run(show, env=plain, capture_output=True, text=True).stdout.strip() == "1"
    assert subprocess.run(show, env={**plain, "OPENBLAS_NUM_THREADS": "4"}, capture_output=True,
                          text=True).stdout.strip() == "4"
