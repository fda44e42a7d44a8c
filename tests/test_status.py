"""`reportsearch status` and the home page say what the index holds, and remember skipped files."""
import json
import subprocess
import sys

from subprocesses import ENV
from webapp import create_app

REPORT = "甲县一站式服务工作汇报\n甲县便民服务中心实行一站式服务，群众办事只进一扇门。\n"
OTHER = "# 乙县土地流转工作汇报\n\n乙县成立土地流转服务中心，全县流转土地三万亩。\n"
DOC_REASON = "Word 文件已损坏"


def run(*args, cwd):
    out = subprocess.run([sys.executable, "-m", "indexer", *args], cwd=cwd, env=ENV, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def status(cwd) -> dict:
    return json.loads(run("status", "--json", cwd=cwd))


def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(REPORT, encoding="utf-8")
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0 not a report")
    return folder


def test_status_counts_reports_paragraphs_and_files_by_format(tmp_path):
    folder = corpus(tmp_path)
    (folder / "b.md").write_text(OTHER, encoding="utf-8")
    run("index", cwd=tmp_path)
    data = status(tmp_path)
    assert (data["reports"], data["paragraphs"], data["files"]) == (2, 2, 2)
    assert data["formats"] == {".md": 1, ".txt": 1}
    assert data["corpus"] == str(folder.resolve()) and data["updated"]
    text = run("status", cwd=tmp_path)
    assert "报告 2 篇，段落 2 个，来自 2 个文件：.md 1 个、.txt 1 个" in text
    assert "最后更新：" in text and "未知" not in text
    # The record is written whole and leaves nothing else in the index folder.
    assert not [p.name for p in (tmp_path / ".index").iterdir() if p.name.endswith(".tmp")]


def test_a_skipped_file_is_remembered_across_runs_until_it_is_gone(tmp_path):
    folder = corpus(tmp_path)
    run("index", cwd=tmp_path)
    (folder / "b.md").write_text(OTHER, encoding="utf-8")
    second = run("index", cwd=tmp_path)
    assert "另有 1 个文件此前已跳过" in second
    skipped = status(tmp_path)["skipped"]
    assert list(skipped) == ["old.doc"] and DOC_REASON in skipped["old.doc"]
    text = run("status", cwd=tmp_path)
    assert "跳过 1 个无法读取的文件：" in text and "old.doc：" in text
    (folder / "old.doc").unlink()
    run("index", cwd=tmp_path)
    assert status(tmp_path)["skipped"] == {}
    assert "没有跳过的文件" in run("status", cwd=tmp_path)


def test_a_skipped_file_made_readable_leaves_the_list(tmp_path):
    folder = corpus(tmp_path)
    (folder / "c.txt").write_bytes(b"")
    run("index", cwd=tmp_path)
    assert set(status(tmp_path)["skipped"]) == {"c.txt", "old.doc"}
    (folder / "c.txt").write_text(OTHER, encoding="utf-8")
    run("index", cwd=tmp_path)
    data = status(tmp_path)
    assert set(data["skipped"]) == {"old.doc"} and data["files"] == 2


def test_an_index_without_a_record_still_has_its_counts(tmp_path):
    corpus(tmp_path)
    run("index", cwd=tmp_path)
    (tmp_path / ".index" / "status.json").unlink()
    data = status(tmp_path)
    assert data["paragraphs"] == 1 and data["skipped"] is None
    assert "尚无记录" in run("status", cwd=tmp_path)


def test_the_home_page_shows_the_status(tmp_path):
    corpus(tmp_path)
    run("index", cwd=tmp_path)
    client = create_app({"INDEX_DIR": str(tmp_path / ".index"), "TESTING": True}).test_client()
    page = client.get("/").get_data(as_text=True)
    assert "索引中有 <strong>1</strong> 篇报告、<strong>1</strong> 个段落，来自 1 个文件（.txt 1 个）" in page
    assert "跳过了 1 个无法读取的文件" in page and "<code>old.doc</code>" in page
    assert "索引概况" not in client.get("/?q=一站式服务").get_data(as_text=True)


def test_the_library_records_the_run_itself(seed_index, client):
    # The session index was built by update_index directly, with no command line around it.
    assert (seed_index / "status.json").is_file()
    assert "索引中有 <strong>" in client.get("/").get_data(as_text=True)


def test_the_home_page_without_a_record_has_no_status(tmp_path):
    corpus(tmp_path)
    run("index", cwd=tmp_path)
    (tmp_path / ".index" / "status.json").unlink()
    client = create_app({"INDEX_DIR": str(tmp_path / ".index"), "TESTING": True}).test_client()
    assert "索引概况" not in client.get("/").get_data(as_text=True)


def test_counts_follow_a_changed_file_not_its_deleted_paragraphs(tmp_path):
    folder = corpus(tmp_path)
    (folder / "b.md").write_text(OTHER, encoding="utf-8")
    run("index", cwd=tmp_path)
    (folder / "a.txt").write_text(REPORT + "甲县推行帮办代办，企业开办一日办结。\n", encoding="utf-8")
    run("index", cwd=tmp_path)
    data = status(tmp_path)
    assert (data["reports"], data["paragraphs"], data["files"]) == (2, 3, 2)


def test_totals_carried_from_run_to_run_are_those_counted_in_the_index(tmp_path):
    from indexer import status
    from indexer.jsonfile import replace_json
    from indexer.update import update_index

    folder, index = corpus(tmp_path), tmp_path / "index"
    update_index(index, folder)
    steps = [lambda: (folder / "b.md").write_text(OTHER, encoding="utf-8"),
             lambda: (folder / "c.txt").write_text(REPORT.replace("甲县", "丙县") + OTHER, encoding="utf-8"),
             lambda: (folder / "a.txt").write_text(REPORT + OTHER.replace("乙县", "丁县"), encoding="utf-8"),
             lambda: (folder / "b.md").unlink(),
             lambda: (folder / "d.txt").write_text(REPORT, encoding="utf-8")]     # a copy: recorded, not indexed
    for step in steps:
        before = status.load(index)
        step()
        update_index(index, folder)
        data = status.load(index)
        assert data["generation"] == before["generation"] + 1          # carried, not counted again
        counted = status.counts(index, data["skipped"])
        assert {k: data[k] for k in counted} == counted
    # The totals come from the last record only when it is of the generation the run built on.
    for generation, off in ((data["generation"], 1000), (data["generation"] - 1, 0)):
        last = status.load(index)
        replace_json(index / status.STATUS_FILE, dict(last, reports=last["reports"] - 1000, generation=generation))
        (folder / "e.txt").write_text(OTHER.replace("乙县", f"戊{generation}县"), encoding="utf-8")
        update_index(index, folder)
        assert status.load(index)["reports"] == status.counts(index, {})["reports"] - off


def test_an_index_read_by_older_rules_says_so_until_it_is_rebuilt(tmp_path):
    from indexer import status as records
    from indexer.jsonfile import replace_json

    folder, index = corpus(tmp_path), tmp_path / ".index"
    first = run("index", cwd=tmp_path)
    assert status(tmp_path)["reading"] == records.READING_RULES
    assert records.OLD_RULES not in first + run("status", cwd=tmp_path)
    # As an index of an earlier version left it: its record knows nothing of the rules.
    last = records.load(index)
    replace_json(index / records.STATUS_FILE, {k: v for k, v in last.items() if k != "reading"})
    (folder / "b.md").write_text(OTHER, encoding="utf-8")
    second = run("index", cwd=tmp_path)                 # reads b.md alone: a.txt keeps its old reading
    assert records.OLD_RULES in second and records.OLD_RULES in run("status", cwd=tmp_path)
    assert status(tmp_path)["reading"] == 1
    third = run("index", "--rebuild", cwd=tmp_path)
    assert records.OLD_RULES not in third + run("status", cwd=tmp_path)
    assert status(tmp_path)["reading"] == records.READING_RULES


def test_a_search_of_an_index_read_by_older_rules_says_so_until_it_is_rebuilt(tmp_path):
    # A query the newer rules answer (a figure) may find less in files the older ones read; the
    # search itself says why, in the CLI, the page, the API and on the home page.
    from indexer import status as records
    from indexer.jsonfile import replace_json

    folder, index = corpus(tmp_path), tmp_path / ".index"
    run("index", cwd=tmp_path)
    last = records.load(index)
    replace_json(index / records.STATUS_FILE, dict(last, reading=records.READING_RULES - 1))
    # REFRESH_SECONDS 0: the rebuild below can take less than the default second between checks.
    client = create_app({"INDEX_DIR": str(index), "CORPUS_DIR": str(folder), "REFRESH_SECONDS": 0}).test_client()

    def said() -> list[bool]:
        page = client.get("/", query_string={"q": "一站式服务"}).get_data(as_text=True)
        home = client.get("/").get_data(as_text=True)
        api = client.get("/api/search", query_string={"q": "一站式服务"}).get_json()
        grouped = client.get("/api/search", query_string={"q": "一站式服务", "group": "report"}).get_json()
        return [records.SEARCH_OLD_RULES in run("search", "一站式服务", cwd=tmp_path),
                records.SEARCH_OLD_RULES in page, records.SEARCH_OLD_RULES in home,
                api["index_outdated"], grouped["index_outdated"]]

    assert said() == [True] * 5
    run("index", "--rebuild", cwd=tmp_path)
    assert said() == [False] * 5


def test_files_skipped_under_older_rules_are_read_again_without_a_rebuild(tmp_path):
    from indexer import status as records
    from indexer.jsonfile import replace_json

    folder, index = corpus(tmp_path), tmp_path / ".index"
    run("index", cwd=tmp_path)
    assert "另有 1 个文件此前已跳过" in run("index", cwd=tmp_path)          # not read again: same rules
    # As an older version left it, when it could not read a file this one reads: b.md was skipped.
    (folder / "b.md").write_text(OTHER, encoding="utf-8")
    run("index", cwd=tmp_path)
    last = records.load(index)
    replace_json(index / records.STATUS_FILE,
                 dict({k: v for k, v in last.items() if k != "skips_read_by"},
                      skipped={**last["skipped"], "b.md": "旧版本不能读取的格式"}))
    again = json.loads(run("index", "--json", cwd=tmp_path))
    assert "b.md" in again["changed"] and not again["added"]
    assert set(status(tmp_path)["skipped"]) == {"old.doc"}              # read again, still unreadable
    assert status(tmp_path)["skips_read_by"] == records.READING_RULES
    assert "乙县土地流转工作汇报" in run("search", "土地流转服务中心", cwd=tmp_path)
    assert json.loads(run("index", "--json", cwd=tmp_path))["changed"] == []   # once
