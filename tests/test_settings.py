"""Every setting is documented in the README."""
from pathlib import Path

from indexer.settings import FILE_SETTINGS, SETTINGS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme():
    for setting in SETTINGS:
        assert setting.env in README, setting.env
        assert setting.flag in README, setting.flag
    for env in FILE_SETTINGS:
        assert env in README, env
