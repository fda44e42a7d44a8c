"""Browser tests: the real server (`python -m indexer serve`) on 127.0.0.1 over a temp index,
driven by Debian's chromium through Playwright. No browser is ever downloaded.

Without chromium (or Playwright) the tests are skipped with the reason — except under CI
(the CI environment variable set), where that is a failure: CI must really run them.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from subprocesses import ROOT, free_port

from indexer.update import update_index

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

FILES = {
    "乡镇/甲县.txt": """甲县土地流转工作情况汇报
时间：2023-03-01 作者：县农业局
一、基本情况
甲县建立了土地流转服务中心，全县流转土地三万亩，农民增收明显。
二、主要做法
（一）搭建平台
县乡村三级土地流转服务网络全面建成，流转信息统一发布，做到供需对接。
（二）规范合同
统一使用土地流转示范合同文本，流转纠纷逐年下降，农户权益得到保障。
三、下一步打算
继续扩大适度规模经营，培育家庭农场，带动农民增收致富，力争土地流转面积再增一万亩。
""",
    "乡镇/乙镇.txt": """乙镇土地流转调研报告
时间：2021-06-01
乙镇农户外出务工较多，大量承包地由种粮大户租种，土地流转价格每亩五百元。
乡镇建立农村产权交易平台，承包地经营权挂牌交易，租金按年支付给农户。
""",
    "城区/丙区.txt": """丙区社区服务工作汇报
时间：2022-09-15
丙区推行一站式服务，居民办事只进一扇门，社区服务中心全天受理。
城郊村的土地流转由街道统一备案，防止违规改变土地用途。
""",
    "丁县.txt": """丁县农村改革工作汇报
时间：2020-01-10
丁县组建农村产权交易中心，承包地经营权通过平台公开交易，租金按季度支付给农户。
""",
    "戊县.txt": """戊县留守儿童关爱工作汇报
时间：2024-02-01
戊县为留守儿童建立成长档案，每周开展一次关爱活动，志愿者定期上门家访。
全县设立儿童之家四十个，配备专职儿童主任，寒暑假开放阅览室。
""",
}


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Site:
    """The corpus, the index and the running server; ``reindex`` runs the real indexer."""

    def __init__(self, root: Path, *serve_args: str, files: dict[str, str] = FILES):
        self.corpus, self.index = root / "corpus", root / "index"
        for name, text in files.items():
            self.write(name, text)
        update_index(self.index, self.corpus)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
        self.log = open(root / "server.log", "w+", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "indexer", "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--index", str(self.index), "--corpus", str(self.corpus), "--threads", "4", *serve_args],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.wait_until(lambda: self.get("/api/search?q=土地流转")["total"] > 0, "server start")

    def write(self, name: str, text: str) -> None:
        path = self.corpus / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.corpus / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")

    def get(self, path: str):
        with urllib.request.urlopen(self.base + urllib.request.quote(path, safe="/?=&:%"), timeout=10) as r:
            return json.loads(r.read().decode("utf-8"))

    def wait_until(self, condition, what: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                self.log.seek(0)
                pytest.fail(f"server exited during {what}:\n{self.log.read()}")
            try:
                if condition():
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting for {what}")
            time.sleep(0.2)

    def reindex(self, visible_query: str, expected_total) -> None:
        """Reindex, then wait until the running server sees it (a phrase whose total changes)."""
        update_index(self.index, self.corpus)
        phrase = quote(f'"{visible_query}"')
        self.wait_until(lambda: expected_total(self.get(f"/api/search?q={phrase}")["total"]),
                        f"the server to see the reindex ({visible_query})")

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture(scope="session")
def browser():
    executable = _chromium()
    reason = None
    if executable is None:
        reason = "chromium is not installed (apt-get install chromium)"
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            reason = "the playwright package is not installed (pip install -e '.[test]')"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run under CI: {reason}")
        pytest.skip(f"browser tests skipped: {reason}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def site(tmp_path_factory, browser):
    site = Site(tmp_path_factory.mktemp("browser"))
    yield site
    site.close()


@pytest.fixture(scope="session")
def site_facets_later(tmp_path_factory, browser):
    """The same site, served so that every result list loads its facet counts after the page."""
    site = Site(tmp_path_factory.mktemp("browser-later"), "--inline-facets", "0")
    yield site
    site.close()


def _many_reports(n: int = 80, paragraphs: int = 40) -> dict[str, str]:
    """``n`` reports of distinct paragraphs made of the same few phrases: more matches than a
    search counts one by one (indexer.search.ranking.EXACT_COUNT_LIMIT) for its common words."""
    import random

    rng = random.Random(7)
    phrases = ["社区建设稳步推进", "居民服务不断完善", "群众满意度明显提高", "网格管理全面覆盖", "养老服务持续加强",
               "就业帮扶精准到户", "环境整治成效明显", "文化活动丰富多彩", "矛盾纠纷就地化解", "志愿服务蔚然成风"]
    return {f"街道/{f}.txt": "\n".join([f"第{f}街道社区工作情况汇报", "时间：2023-03-01"] + [
        "，".join(rng.sample(phrases, 4)) + f"，片区今年办成实事{rng.randint(3, 99999)}件。" for _ in range(paragraphs)])
        for f in range(n)}


@pytest.fixture(scope="session")
def site_many(tmp_path_factory, browser):
    """A site with 3,200 paragraphs, where a common word's total is first given as a bound."""
    site = Site(tmp_path_factory.mktemp("browser-many"), files={**FILES, **_many_reports()})
    yield site
    site.close()


@pytest.fixture(scope="session")
def shots(tmp_path_factory) -> Path:
    """Where screenshots go: SCREENSHOT_DIR if set (to look at them), else a temp dir."""
    target = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path_factory.mktemp("screenshots"))
    target.mkdir(parents=True, exist_ok=True)
    return target


@pytest.fixture(scope="session")
def survey_site(tmp_path_factory, browser):
    """The same site with fourteen provincial reports on 低空经济 (tests/survey_corpus.py) and a long
    report, for surveying by report, facets, excerpts and the notice of an edited paragraph."""
    from survey_corpus import FILES as SURVEY, LONG

    root = tmp_path_factory.mktemp("browser-survey")
    for name, text in {**SURVEY, **LONG}.items():
        path = root / "corpus" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    site = Site(root)
    yield site
    site.close()


@pytest.fixture()
def survey_page(browser, survey_site):
    yield from _page(browser, survey_site)


@pytest.fixture()
def page(browser, site):
    yield from _page(browser, site)


def _page(browser, site, width: int = 1280, height: int = 900):
    """A desktop page that may use the clipboard; it fails the test on any console error or any
    request that leaves the server (the page must work offline: no CDN, no web fonts)."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN", accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.base)
    page = context.new_page()
    problems = []

    def console(message):
        # A page served with an error status (a 410 for a deleted report) is logged as a failed
        # load of the document itself; the test checks that status, so only other errors count.
        if message.type != "error":
            return
        if message.text.startswith("Failed to load resource") and message.location.get("url") == page.url:
            return
        problems.append(f"console: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("request", lambda r: r.url.startswith((site.base, "data:", "blob:" + site.base))
            or problems.append(f"request: {r.url}"))
    yield page
    context.close()
    assert not problems, problems
