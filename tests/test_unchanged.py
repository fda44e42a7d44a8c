"""A run with nothing changed stops before reading the index (indexer.unchanged), and only then."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from indexer import status, unchanged
from indexer.engine import store
from indexer.ingest import digests
from indexer.search.searcher import Searcher
from indexer.update import update_index
from subprocesses import ENV, ROOT

REPORT = "甲县土地流转工作情况汇报\n甲县建立了土地流转服务中心，全县流转土地三万亩，农民增收明显。\n"


@pytest.fixture
def settled(monkeypatch):
    # Files written by a test are younger than the digest cache's racy window: close it, so
    # that a run can vouch for them (tests/test_digests.py keeps the window's own test).
    monkeypatch.setattr(digests, "RACY_SECONDS", 0.0)


@pytest.fixture
def long_runs(monkeypatch):
    """How many runs compared the corpus with the index (store.open_to_update, counted; it changes nothing)."""
    count, opening = [0], store.open_to_update

    def counting(*args, **kwargs):
        count[0] += 1
        return opening(*args, **kwargs)

    monkeypatch.setattr(store, "open_to_update", counting)
    return count


@pytest.fixture
def indexed(tmp_path, settled, long_runs):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "a.txt").write_text(REPORT, encoding="utf-8")
    (corpus / "b.txt").write_text(REPORT.replace("甲县", "乙县").replace("三万亩", "八千亩"), encoding="utf-8")
    update_index(index, corpus)
    assert (index / unchanged.FILE_NAME).exists()
    return corpus, index


def quiet(corpus, index, long_runs) -> bool:
    """A run that found nothing to do without comparing the corpus with the index."""
    before = long_runs[0]
    summary = update_index(index, corpus)
    return not summary.did_work and long_runs[0] == before


def test_a_run_after_a_settled_one_stops_early(indexed, long_runs):
    corpus, index = indexed
    summary = update_index(index, corpus)
    assert long_runs[0] == 1 and not summary.did_work and summary.unchanged == 2
    assert quiet(corpus, index, long_runs)


def put_back_mtime(path, text):
    st = path.stat()
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


CHANGES = {
    # (what to do to the corpus, the summary's field that must name the file, the files it names)
    "edited, same size": (lambda c: (c / "a.txt").write_text(REPORT.replace("三万亩", "五万亩"), encoding="utf-8"),
                          "changed", ["a.txt"]),
    "edited, same modification time, other size":
        (lambda c: put_back_mtime(c / "a.txt", REPORT.replace("三万亩", "五万多亩")), "changed", ["a.txt"]),
    "edited, same size and modification time":
        (lambda c: put_back_mtime(c / "a.txt", REPORT.replace("三万亩", "五万亩")), "changed", ["a.txt"]),
    "added": (lambda c: (c / "c.txt").write_text(REPORT.replace("甲县", "丙县"), encoding="utf-8"), "added", ["c.txt"]),
    "deleted": (lambda c: (c / "b.txt").unlink(), "deleted", ["b.txt"]),
    "renamed": (lambda c: (c / "b.txt").rename(c / "d.txt"), "added", ["d.txt"]),
    "moved into a folder": (lambda c: ((c / "sub").mkdir(), (c / "b.txt").rename(c / "sub" / "b.txt")),
                            "deleted", ["b.txt"]),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_every_change_to_the_corpus_takes_the_long_way(indexed, long_runs, change):
    corpus, index = indexed
    assert quiet(corpus, index, long_runs)
    act, field, expect = CHANGES[change]
    act(corpus)
    before = long_runs[0]
    summary = update_index(index, corpus)
    assert long_runs[0] == before + 1 and getattr(summary, field) == expect
    assert quiet(corpus, index, long_runs)          # the run that wrote vouches for what it wrote
    if change.startswith("edited"):       # no paragraph says it now (万亩 alone still finds the new one)
        assert Searcher(index).search("三万亩").exact_total == 0


def test_what_the_record_does_not_vouch_for_takes_the_long_way(indexed, long_runs):
    corpus, index = indexed
    litter = index / f"{store.INDEX_NAME}_0123456789abcdef.trm"     # as a writer killed half-way leaves

    def killed_writer():
        litter.write_bytes(b"\0" * 16)

    def other_digests():
        data = (index / digests.FILE_NAME).read_text(encoding="utf-8")
        (index / digests.FILE_NAME).write_text(data + " ", encoding="utf-8")

    def another_commit():
        kept = (index / unchanged.FILE_NAME).read_bytes()
        update_index(index, corpus, rebuild=True)
        (index / unchanged.FILE_NAME).write_bytes(kept)

    def record_of_another_shape():
        data = json.loads((index / unchanged.FILE_NAME).read_text(encoding="utf-8"))
        (index / unchanged.FILE_NAME).write_text(json.dumps(dict(data, pending=[["gone.txt", "0" * 40], 1])),
                                                 encoding="utf-8")

    def pending_file_gone():
        data = json.loads((index / unchanged.FILE_NAME).read_text(encoding="utf-8"))
        (index / unchanged.FILE_NAME).write_text(json.dumps(dict(data, pending=[["gone.txt", "0" * 40]])),
                                                 encoding="utf-8")

    for change in (killed_writer, other_digests, another_commit,
                   lambda: (corpus / "columns.ini").write_text("[*.csv]\ntitle = 名称\n", encoding="utf-8"),
                   lambda: (index / unchanged.FILE_NAME).write_text("{not json", encoding="utf-8"),
                   record_of_another_shape, pending_file_gone):
        assert quiet(corpus, index, long_runs)
        change()
        assert not quiet(corpus, index, long_runs), change
    assert not litter.exists() and store.leftovers(index) == []


def test_an_early_stop_reports_what_the_long_way_would(tmp_path, settled, long_runs):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "a.txt").write_text(REPORT, encoding="utf-8")
    (corpus / "bad.docx").write_bytes(b"not a zip file")
    (corpus / "columns.ini").mkdir()                 # a problem reported by every run
    first = update_index(index, corpus)
    assert set(first.skipped) == {"bad.docx", "columns.ini"}
    (index / unchanged.FILE_NAME).unlink()
    again = update_index(index, corpus)              # the long way with nothing to do
    early = update_index(index, corpus)
    assert long_runs[0] == 2
    assert early.as_dict() | {"seconds": 0} == again.as_dict() | {"seconds": 0}
    assert set(status.load(index)["skipped"]) == {"bad.docx", "columns.ini"}


def test_the_early_stop_loads_neither_whoosh_nor_the_readers(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "a.txt").write_text(REPORT, encoding="utf-8")       # just now: read again by the next run
    loaded = ("import sys; from indexer.cli import main; main(sys.argv[1:]); "
              "print(sorted(m for m in sys.modules if m.startswith(('whoosh', 'numpy', 'indexer.engine', "
              "'indexer.ingest.reading', 'indexer.ingest.readers.'))))")
    args = ["index", "--corpus", str(corpus), "--index", str(index)]
    first = subprocess.run([sys.executable, "-c", loaded, *args], env=ENV, capture_output=True, text=True, timeout=120)
    assert "新增 1 个文件" in first.stdout and "whoosh" in first.stdout
    second = subprocess.run([sys.executable, "-c", loaded, *args], env=ENV, capture_output=True, text=True, timeout=120)
    assert second.stdout.splitlines() == ["索引已是最新：1 个文件未变化，无需处理。", "[]"], second.stderr


def test_the_code_fingerprint_follows_the_code(tmp_path):
    shutil.copytree(ROOT / "indexer", tmp_path / "indexer", ignore=shutil.ignore_patterns("__pycache__", "data"))

    def fingerprint():
        env = dict(ENV, PYTHONPATH=str(tmp_path))
        return subprocess.run([sys.executable, "-c", "from indexer import unchanged; print(unchanged.code_fingerprint())"],
                              env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path).stdout

    before = fingerprint()
    assert before and fingerprint() == before
    with open(tmp_path / "indexer" / "engine" / "schema.py", "a", encoding="utf-8") as f:
        f.write("# another version\n")
    assert fingerprint() != before


def test_a_file_changed_lately_is_read_again_until_its_stat_can_vouch(tmp_path, monkeypatch, long_runs):
    monkeypatch.setattr(digests, "RACY_SECONDS", 3600.0)      # every file changed "just now"
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "a.txt").write_text(REPORT, encoding="utf-8")
    record = index / unchanged.FILE_NAME
    pending = lambda: [source for source, _ in json.loads(record.read_text(encoding="utf-8"))["pending"]]  # noqa: E731
    assert update_index(index, corpus).added == ["a.txt"] and pending() == ["a.txt"]
    assert quiet(corpus, index, long_runs) and pending() == ["a.txt"]
    # Read again, it must still hold what was indexed: a recorded digest it does not match sends the run the long way.
    data = json.loads(record.read_text(encoding="utf-8"))
    data["pending"] = [["a.txt", "0" * 40]]
    record.write_text(json.dumps(data), encoding="utf-8")
    assert not quiet(corpus, index, long_runs) and pending() == ["a.txt"]
    # Read once past the racy window, its stat vouches for it from then on.
    monkeypatch.setattr(digests, "RACY_SECONDS", 0.0)
    assert quiet(corpus, index, long_runs) and pending() == []
    assert quiet(corpus, index, long_runs)


def test_the_early_check_names_columns_ini_as_the_tables_do():
    from indexer.ingest.readers.tabular import CONFIG_NAME

    assert unchanged.CONFIG_NAME == CONFIG_NAME
