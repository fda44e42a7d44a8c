"""The write side of the engine against a real index in a temp folder: create, write a batch,
delete a file, commit, read the manifest, reopen — and an index this version cannot read."""
import subprocess
import sys
import types

import pytest

from indexer.engine import analyzer, records, store
from indexer.engine.batch import open_batch
from indexer.errors import IndexMissing
from indexer.ingest.dedup import Deduper
from indexer.model import Paragraph
from indexer.search.searcher import Searcher
from indexer.update import update_index
from subprocesses import ENV

TITLE_A, TITLE_B = "甲县土地流转工作情况汇报", "乙镇留守儿童关爱工作汇报"
TEXT_A = "甲县建立了土地流转服务中心，全县流转土地三万亩，农民增收明显。"
TEXT_B = "乙镇为全镇留守儿童建立了成长档案，每周开展一次关爱活动。"


def paragraph(source: str, title: str, text: str, ordinal: int = 0) -> Paragraph:
    return Paragraph(id=f"{source}-{ordinal}", report_id=f"{source}-r", report_title=title, section="一、基本情况",
                     ordinal=ordinal, source=source, text=text, meta={"date": "2019-03-01"})


def stored_texts(ix, sources=None):
    return sorted(d["text"] for d in store.stored_paragraphs(ix, sources))


@pytest.fixture
def written(tmp_path):
    """An index holding a.txt and b.txt (with their duplicate-report records) and an unreadable c.txt."""
    ix = store.create(tmp_path / "index")
    batch = open_batch(ix)
    deduper = Deduper()
    for source, title, text in (("a.txt", TITLE_A, TEXT_A), ("b.txt", TITLE_B, TEXT_B)):
        paragraphs, kept, _ = deduper.split([paragraph(source, title, text)], source)
        batch.add_file(source, f"sha-{source}", paragraphs, kept)
    batch.add_unreadable("c.txt", "unreadable:损坏", "损坏")
    batch.commit()
    return tmp_path / "index"


def test_a_committed_batch_is_what_a_reopened_index_holds(written):
    ix = store.open_index(written)
    generation, files = store.snapshot(ix)
    assert generation == 1
    assert files == store.indexed_files(ix) == {"a.txt": "sha-a.txt", "b.txt": "sha-b.txt",
                                                 "c.txt": "unreadable:损坏"}
    assert stored_texts(ix) == sorted([TEXT_A, TEXT_B])
    assert stored_texts(ix, ["a.txt"]) == [TEXT_A]
    assert sorted(r["source"] for r in records.kept_reports(ix)) == ["a.txt", "b.txt"]
    result = Searcher(written).search("土地流转")
    assert [(h.title, h.source) for h in result.hits] == [(TITLE_A, "a.txt")]


def test_removing_a_file_deletes_its_paragraphs_and_records(written):
    ix = store.open_index(written)
    batch = open_batch(ix)
    assert batch.generation == 1 and batch.files()["a.txt"] == "sha-a.txt"
    batch.remove("a.txt")
    batch.forget("a.txt", "sha-a.txt")
    # Not visible before the commit.
    assert set(store.indexed_files(store.open_index(written))) == {"a.txt", "b.txt", "c.txt"}
    batch.commit()
    ix = store.open_index(written)
    assert set(store.indexed_files(ix)) == {"b.txt", "c.txt"}
    assert stored_texts(ix) == [TEXT_B]
    assert [r["source"] for r in records.kept_reports(ix)] == ["b.txt"]
    assert Searcher(written).search("土地流转").total == 0


def test_a_cancelled_batch_leaves_the_index_and_no_files_behind(written):
    batch = open_batch(store.open_index(written))
    batch.remove("b.txt")
    batch.add_file("d.txt", "sha-d.txt", [paragraph("d.txt", TITLE_A, TEXT_A + "又")])
    batch.cancel()
    ix = store.open_index(written)
    assert set(store.indexed_files(ix)) == {"a.txt", "b.txt", "c.txt"}
    assert store.leftovers(written) == [] and not store.lock_held(written)


def test_a_replacing_batch_drops_everything_else(written):
    batch = open_batch(store.open_index(written), replace=True)
    batch.add_file("b.txt", "sha-b2", [paragraph("b.txt", TITLE_B, TEXT_B)])
    batch.commit()
    ix = store.open_index(written)
    assert store.indexed_files(ix) == {"b.txt": "sha-b2"}
    assert records.kept_reports(ix) == []
    assert store.leftovers(written) == []


# --- an index whose pickled schema names analyzers at a path that no longer exists ----------

def made_by_an_older_version(index_dir, module_name: str, monkeypatch) -> None:
    """Commit the index again with its analyzers pickled as classes of ``module_name``, as an
    older version would have written them, then let that path disappear."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    module = sys.modules.get(module_name) or types.ModuleType(module_name)
    with monkeypatch.context() as patch:
        patch.setitem(sys.modules, module_name, module)
        old = {}
        for name in ("WordTokenizer", "GramTokenizer"):
            old[name] = type(name, (getattr(analyzer, name),), {"__module__": module_name})
            patch.setattr(module, name, old[name], raising=False)
        storage = FileStorage(str(index_dir))
        toc = TOC.read(storage, store.INDEX_NAME)
        for name in toc.schema.names():
            field = toc.schema[name]
            if isinstance(getattr(field, "analyzer", None), analyzer._BaseTokenizer):
                field.analyzer = old[type(field.analyzer).__name__]()
        TOC(toc.schema, toc.segments, toc.generation + 1).write(storage, store.INDEX_NAME)


@pytest.mark.parametrize("old_path", ["indexer.analysis", "indexer.text.analysis"])
def test_an_index_made_before_the_analyzers_moved_is_rebuilt_by_the_next_run(tmp_path, monkeypatch, old_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "a.txt").write_text(f"{TITLE_A}\n{TEXT_A}\n", encoding="utf-8")
    update_index(index, corpus)
    made_by_an_older_version(index, old_path, monkeypatch)

    # Searching says what to do instead of failing deep inside Whoosh.
    assert store.exists(index)
    with pytest.raises(IndexMissing, match="reportsearch index"):
        store.open_index(index)
    with pytest.raises(IndexMissing, match="reportsearch index"):
        Searcher(index).search("土地流转")

    # The next `reportsearch index` rebuilds it, saying why in one line.
    said = []
    summary = update_index(index, corpus, log=said.append)
    assert summary.rebuilt and summary.added == ["a.txt"] and summary.paragraphs == 1
    assert len(said) == 1 and "旧版本" in said[0] and "重建" in said[0] and "\n" not in said[0]
    assert type(store.open_index(index).schema["text"].analyzer) is analyzer.WordTokenizer
    assert Searcher(index).search("土地流转").total == 1
    assert store.leftovers(index) == []
    assert not update_index(index, corpus).did_work


def test_indexing_and_searching_do_not_load_asyncio(tmp_path):
    """Whoosh's reader takes its one cached property from a package that imports asyncio
    (about 13 ms at every start); the engine gives it the standard library's instead."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("社区工作情况汇报\n\n社区开展了养老服务。\n\n社区举办了就业培训。\n", encoding="utf-8")
    index = tmp_path / "index"
    run = ("import sys; from indexer.cli import main\n"
           "for args in ([], ['--rebuild']):\n"
           f"    main(['index', '--corpus', {str(corpus)!r}, '--index', {str(index)!r}, *args])\n"
           f"main(['search', '--index', {str(index)!r}, '养老'])\n"
           "print(sorted(m for m in ('asyncio', 'cached_property') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", run], env=ENV, capture_output=True, text=True, timeout=120)
    assert out.stdout.splitlines()[-1] == "[]", out.stderr
    assert "找到 1 条结果" in out.stdout


def test_the_readers_deleted_documents_are_cached_as_before(written):
    """The stand-in decorator caches ``deleted_docs_set`` on the reader as the package did."""
    ix = store.open_index(written)
    batch = open_batch(ix)
    batch.remove("a.txt")
    batch.commit()
    with store.open_index(written).reader() as reader:
        leaves = [leaf for leaf, _offset in reader.leaf_readers()]
        assert any(leaf.deleted_docs_set for leaf in leaves)
        for leaf in leaves:
            assert "deleted_docs_set" in vars(leaf)          # kept on the reader once asked
            assert leaf.deleted_docs_set is vars(leaf)["deleted_docs_set"]
