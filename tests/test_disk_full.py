"""A run that fills the disk, on the parallel path: one Chinese line within seconds, the lock
released, no file of the failed run left, the last committed index served as before.

Needs a small real file system: a tmpfs mounted with a size limit (root on Linux); skipped
with the reason where mounting is not permitted."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
import time

import pytest
from subprocesses import ENV, ROOT

from indexer.engine import store
from indexer.search.searcher import Searcher


def _bench():
    spec = importlib.util.spec_from_file_location("reliability", ROOT / "bench" / "reliability.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture()
def small_disk(tmp_path):
    bench = _bench()
    mount = tmp_path / "disk"
    reason = bench.mount_small_disk(mount, megabytes=8)
    if reason:
        pytest.skip(reason)
    yield bench, mount
    bench.unmount(mount)


@pytest.mark.parametrize("rebuild", [True, False], ids=["rebuild", "incremental"])
def test_disk_full_is_one_line_and_leaves_the_old_index(small_disk, tmp_path, rebuild):
    bench, mount = small_disk
    outcome = bench.disk_full_case(tmp_path / "work", mount / "index", rebuild=rebuild)
    assert outcome["returncode"] == 1
    assert outcome["stderr"].count("\n") == 1 and "磁盘空间不足" in outcome["stderr"], outcome["stderr"]
    assert outcome["seconds"] < 60
    assert not outcome["lock_held"] and not outcome["litter"]
    assert outcome["old_index_served"]
