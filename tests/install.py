"""A copy of the project with its own .venv, installed by scripts/setup-venv.sh, for tests of the
scripts and of the README's commands.

The copy's .venv sees the packages of the interpreter running the tests (a .pth file), so its
first install builds only reportsearch itself, as a real `pip install -e .` with the machine's
pip settings; everything after that runs exactly as a user's would.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

from subprocesses import ROOT, free_port, stop

APP = ("scripts", "indexer", "webapp", "corpus", "setup.cfg", "pyproject.toml", "README.md")
# Environment without our PYTHONPATH: the copy runs its own installed code.
CLEAN = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
# pip pointed at an index that does not answer, and at nothing else.
OFFLINE = dict(CLEAN, PIP_INDEX_URL="http://127.0.0.1:9/", PIP_NO_INDEX="1", PIP_FIND_LINKS="",
               PIP_EXTRA_INDEX_URL="", PIP_CONFIG_FILE=os.devnull, PIP_DEFAULT_TIMEOUT="2", PIP_RETRIES="0")


def copy_project(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in APP:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, target / name)
    return target


def make_venv(project: Path) -> None:
    """An empty .venv that sees the running interpreter's packages."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(project / ".venv")], check=True)
    inner = subprocess.run([str(project / ".venv/bin/python"), "-c",
                            "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                           check=True, capture_output=True, text=True).stdout.strip()
    outer = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(inner) / "_outer_packages.pth").write_text("\n".join(sorted(outer)) + "\n", encoding="utf-8")


def setup(project: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "scripts/setup-venv.sh", "."], cwd=project, env=env or CLEAN,
                          capture_output=True, text=True, timeout=600)


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode("utf-8")


def serve_sh(project: Path, log: Path, env: dict, timeout: float = 120) -> tuple[subprocess.Popen, int]:
    """`bash scripts/serve.sh --port P` in the copy, once its page answers."""
    port = free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen(["bash", "scripts/serve.sh", "--port", str(port)], cwd=project, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    while True:
        try:
            get(f"http://127.0.0.1:{port}/")
            return proc, port
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                stop(proc)
                raise AssertionError(f"serve.sh did not serve:\n{log.read_text(errors='replace')}")
            time.sleep(0.2)


__all__ = ["CLEAN", "OFFLINE", "copy_project", "get", "make_venv", "serve_sh", "setup", "stop"]
