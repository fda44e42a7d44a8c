"""A run that fills the disk, on the parallel path: one Chinese line within seconds, the lock
released, no file of the failed run left, the last committed index served as before.

Needs a small real file system: a tmpfs mounted with a size limit (root on Linux); skipped
with the reason where mounting is not permitted."""
from __future__ import annotations

import pytest
from subprocesses import reliability_bench as _bench


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
    # Progress lines ("索引中：48%…") may come first on a slow machine; the failure is one line.
    said = [line for line in outcome["stderr"].splitlines() if not line.startswith("索引中")]
    assert len(said) == 1 and "磁盘空间不足" in said[0], outcome["stderr"]
    assert outcome["seconds"] < 60
    assert not outcome["lock_held"] and not outcome["litter"]
    assert outcome["old_index_served"]
