"""How long a user waits for the search page: first start from a fresh clone, and starts after that.

    python bench/startup.py [--runs 3]

Clones the committed HEAD of this repository into a temp folder and times `bash scripts/serve.sh`
from the command to the first page served:
  - first start: creates .venv, installs with pip (needs a package index), indexes corpus/;
  - restart: everything in place (the usual morning);
  - restart, offline: pip pointed at an index that does not answer (an office PC without internet);
  - restart, pip every time (baseline): the stamp removed before each start, as serve.sh behaved
    before it recorded its installs.
Prints medians in seconds, and the ratio of the baseline to a restart.
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from common import stop

ROOT = Path(__file__).resolve().parent.parent
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
OFFLINE = dict(ENV, PIP_INDEX_URL="http://127.0.0.1:9/", PIP_NO_INDEX="1", PIP_FIND_LINKS="",
               PIP_EXTRA_INDEX_URL="", PIP_CONFIG_FILE=os.devnull, PIP_DEFAULT_TIMEOUT="2", PIP_RETRIES="0")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(project: Path, env: dict, log: Path, timeout: float = 900) -> float:
    """Seconds from `bash scripts/serve.sh` to the home page answering 200; the server is stopped."""
    port = free_port()
    began = time.perf_counter()
    with open(log, "ab") as out:
        proc = subprocess.Popen(["bash", "scripts/serve.sh", "--port", str(port)], cwd=project, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    if response.status == 200:
                        return time.perf_counter() - began
            except OSError:
                pass
            if proc.poll() is not None or time.perf_counter() - began > timeout:
                raise SystemExit(f"serve.sh did not serve; see {log}")
            time.sleep(0.05)
    finally:
        stop(proc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reportsearch-startup-") as tmp:
        project, log = Path(tmp) / "clone", Path(tmp) / "serve.log"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(project)], check=True)
        rows = [("first start (fresh clone)", [start(project, ENV, log)])]
        rows.append(("restart", [start(project, ENV, log) for _ in range(args.runs)]))
        rows.append(("restart, offline", [start(project, OFFLINE, log) for _ in range(args.runs)]))
        baseline = []
        for _ in range(args.runs):
            (project / ".venv/reportsearch-installed").unlink()
            baseline.append(start(project, ENV, log))
        rows.append(("restart, pip every time (baseline)", baseline))
    print(f"{'start':40} {'median s':>9} {'runs':>5}")
    for name, times in rows:
        print(f"{name:40} {statistics.median(times):9.2f} {len(times):5d}")
    restart = statistics.median(rows[1][1])
    print(f"\nbaseline / restart: {statistics.median(baseline) / restart:.1f}x")


if __name__ == "__main__":
    main()
