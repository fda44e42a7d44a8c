"""The start scripts and the packaging, as a user meets them: a copy of the project, installed once."""
import os
import subprocess
import sys

from install import CLEAN, OFFLINE, get, serve_sh, setup, stop


def test_the_first_install_prints_no_setuptools_warnings(installed_project):
    log = (installed_project / ".venv/install.log").read_text(encoding="utf-8", errors="replace")
    assert "Successfully installed reportsearch" in log
    for noise in ("Package would be ignored", "Warning", "!!"):
        assert noise not in log, log


def test_serve_sh_starts_again_without_a_network(installed_project, tmp_path):
    stamp = installed_project / ".venv/reportsearch-installed"
    before = stamp.stat().st_mtime_ns
    for start in range(2):
        log = tmp_path / f"serve{start}.log"
        proc, port = serve_sh(installed_project, log, OFFLINE)
        try:
            status, page = get(f"http://127.0.0.1:{port}/?q=%E5%9C%9F%E5%9C%B0%E6%B5%81%E8%BD%AC")  # 土地流转
            assert status == 200 and "<mark>土地流转</mark>" in page
        finally:
            stop(proc)
        text = log.read_text(errors="replace")
        assert "正在把 reportsearch" not in text and "pip" not in text, text
    assert stamp.stat().st_mtime_ns == before


def test_a_changed_setup_cfg_reinstalls_and_offline_goes_on_with_what_is_installed(installed_project):
    cfg = installed_project / "setup.cfg"
    original = cfg.read_text(encoding="utf-8")
    cfg.write_text(original + "\n# changed\n", encoding="utf-8")
    try:
        offline = setup(installed_project, OFFLINE)
        assert offline.returncode == 0
        assert "正在把 reportsearch" in offline.stderr and "继续使用已安装的版本" in offline.stderr
    finally:
        cfg.write_text(original, encoding="utf-8")
    assert setup(installed_project, OFFLINE).stderr == ""       # back as it was installed: nothing to do


def test_a_plain_install_works_from_another_folder(installed_project, tmp_path):
    target = tmp_path / "site"
    built = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target),
                            str(installed_project)], env=CLEAN, capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    assert "Package would be ignored" not in built.stdout + built.stderr
    assert "Warning" not in built.stdout + built.stderr, built.stdout + built.stderr
    for data in ("indexer/data/userdict.txt", "webapp/templates/_status.html", "webapp/static/style.css"):
        assert (target / data).is_file(), data
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "corpus").mkdir(parents=True)
    (elsewhere / "corpus/r.txt").write_text("甲县一站式服务工作汇报\n甲县实行一站式服务。\n", encoding="utf-8")
    env = dict(CLEAN, PYTHONPATH=str(target))
    where = subprocess.run([sys.executable, "-c", "import indexer; print(indexer.__file__)"], cwd=elsewhere,
                           env=env, capture_output=True, text=True)
    assert where.stdout.startswith(str(target)), where
    for args in (["--help"], ["index"], ["search", "一站式服务"]):
        out = subprocess.run([sys.executable, "-m", "indexer", *args], cwd=elsewhere, env=env,
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
    page = subprocess.run([sys.executable, "-c", "from webapp import create_app; "
                           "print(create_app({'INDEX_DIR': '.index'}).test_client().get('/').status_code)"],
                          cwd=elsewhere, env=env, capture_output=True, text=True)
    assert page.stdout.strip() == "200", page.stderr
    assert os.listdir(elsewhere) == ["corpus", ".index"] or set(os.listdir(elsewhere)) == {"corpus", ".index"}
