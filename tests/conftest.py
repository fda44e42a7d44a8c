"""Shared fixtures: the real indexer run on the bundled corpus into a temp dir, and the real app."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer.update import update_index
from webapp import create_app

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> Path:
    index_dir = tmp_path_factory.mktemp("seed") / "index"
    summary = update_index(index_dir, CORPUS)
    assert summary.paragraphs > 100
    return index_dir


@pytest.fixture(scope="session")
def app(seed_index):
    return create_app({"INDEX_DIR": str(seed_index), "TESTING": True})


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def corpus_copy(tmp_path) -> Path:
    """A private corpus folder the test may change."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture(scope="session")
def installed_project(tmp_path_factory) -> Path:
    """A copy of the project whose .venv scripts/setup-venv.sh installed (see tests/install.py)."""
    from install import copy_project, make_venv, setup

    project = copy_project(tmp_path_factory.mktemp("installed") / "reportsearch")
    make_venv(project)
    first = setup(project)
    if first.returncode != 0:
        pytest.skip(f"the first install needs pip to reach a package index:\n{first.stderr}")
    return project
