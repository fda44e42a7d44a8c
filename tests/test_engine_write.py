"""The write side of the engine against a real index in a temp folder — for now, an index this
version cannot read."""
import sys
import types

import pytest

from indexer.engine import analyzer, store
from indexer.errors import IndexMissing
from indexer.search.searcher import Searcher
from indexer.update import update_index

TITLE_A = "甲县土地流转工作情况汇报"
TEXT_A = "甲县建立了土地流转服务中心，全县流转土地三万亩，农民增收明显。"


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
