"""More like this: copies of one paragraph count once among the candidates, without the
engine's collapse (which reads every dupkey's postings before the first match)."""
import pytest

from indexer.engine import queries as Q
from indexer.search.searcher import Searcher
from indexer.search.similar import _one_per_copy
from indexer.update import update_index

COPIED = "推进土地流转，建立县乡村三级流转服务网络，做到供需对接。"
FILES = {f"{county}县.txt": f"{county}县工作汇报\n{COPIED}\n{county}县{deed}。\n"
         for county, deed in zip("甲乙丙丁戊", ["修缮灌溉渠道四十公里", "新建村级服务站十二个", "组织专家下乡培训",
                                              "引进龙头企业两家", "设立矛盾调解室"])}
FILES["己县.txt"] = "己县工作汇报\n己县推进土地流转，流转服务中心收费公开。\n己县发放扶持资金八百万元。\n"


@pytest.fixture(scope="module")
def view(tmp_path_factory):
    root = tmp_path_factory.mktemp("copies")
    for name, text in FILES.items():
        (root / "corpus").mkdir(exist_ok=True)
        (root / "corpus" / name).write_text(text, encoding="utf-8")
    update_index(root / "index", root / "corpus")
    return Searcher(root / "index")._current()


def test_copies_of_one_paragraph_are_one_candidate_and_the_next_group_is_read_on(view):
    query = Q.Or([Q.Term("text", "土地流转"), Q.Term("text", "流转")])
    every = view.search(query, limit=None)
    keys = [hit.fields["dupkey"] for hit in every]
    assert len(keys) == 6 and len(set(keys)) == 2          # five copies and one other paragraph
    groups = _one_per_copy(view, query, candidates=2)       # the first page holds copies alone
    assert [fields["dupkey"] for fields, _ in groups] == list(dict.fromkeys(keys))
    assert groups[0][1] == every[0].score                   # each group by its best match
    assert len(_one_per_copy(view, query, candidates=5)) == 2
