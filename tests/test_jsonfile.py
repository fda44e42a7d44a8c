import json

import pytest

from indexer.jsonfile import replace_json


def test_replaces_the_file_whole(tmp_path):
    path = tmp_path / "status.json"
    replace_json(path, {"地区": "甲县"}, ensure_ascii=False)
    replace_json(path, {"地区": "乙县"}, ensure_ascii=False, indent=1)
    assert json.loads(path.read_text(encoding="utf-8")) == {"地区": "乙县"}
    assert "乙县" in path.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["status.json"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "digests.json"
    replace_json(path, {"files": {}})
    with pytest.raises(TypeError):
        replace_json(path, {"files": {"a.txt"}})          # a set: not JSON
    assert json.loads(path.read_text(encoding="utf-8")) == {"files": {}}
    assert [p.name for p in tmp_path.iterdir()] == ["digests.json"]


def test_when_the_file_cannot_be_put_in_place_its_temporary_is_removed(tmp_path):
    (tmp_path / "unchanged.json").mkdir()                  # os.replace cannot put a file there
    with pytest.raises(OSError):
        replace_json(tmp_path / "unchanged.json", {"files": 1})
    assert [p.name for p in tmp_path.iterdir()] == ["unchanged.json"]
