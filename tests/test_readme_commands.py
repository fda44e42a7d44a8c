"""The README's commands, copied and run verbatim in an installed copy of the project.

Every line of a ```bash block is either run here (the ones that are safe to run: index, search,
status, --help) or listed as started elsewhere (serve.sh and the server: tests/test_scripts.py;
test.sh: CI itself); a new line of neither kind fails the test, so the README cannot gain a
command nobody has tried.
"""
import errno
import re
import subprocess

from indexer.cli import port_error
from install import CLEAN
from subprocesses import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
RUN = re.compile(r"^\.venv/bin/reportsearch (index|search|status)\b|^\.venv/bin/reportsearch --help$")
ELSEWHERE = re.compile(r"^(bash scripts/(serve|test)\.sh|\.venv/bin/reportsearch (serve|watch))\b")
ENGLISH = re.compile(r"Traceback|usage:|error:|Warning")


def bash_lines() -> list[str]:
    lines = []
    for block in re.findall(r"^```bash\n(.*?)^```", README, re.S | re.M):
        for line in block.splitlines():
            command = re.sub(r"\s+#.*$", "", line).strip()
            if command and not command.startswith("#"):
                lines.append(command)
    return lines


def test_every_bash_line_is_run_here_or_elsewhere():
    lines = bash_lines()
    assert len([c for c in lines if RUN.search(c)]) >= 5
    assert [c for c in lines if not (RUN.search(c) or ELSEWHERE.search(c))] == []


def test_the_readme_commands_run_as_written(installed_project):
    for command in [c for c in bash_lines() if RUN.search(c)]:
        out = subprocess.run(["bash", "-c", command], cwd=installed_project, env=CLEAN, capture_output=True,
                             text=True, timeout=300)
        assert out.returncode == 0, f"{command}\n{out.stderr}"
        assert out.stdout.strip(), command
        assert not ENGLISH.search(out.stdout + out.stderr), f"{command}\n{out.stdout}\n{out.stderr}"


def test_the_busy_port_line_is_what_serve_says():
    line = re.search(r"^reportsearch: 端口 5000 已被占用.*$", README, re.M).group(0)
    assert str(port_error("127.0.0.1", 5000, OSError(errno.EADDRINUSE, "in use"))) == line[len("reportsearch: "):]
