"""Every setting, declared once: its default, its CLI flag, its environment variable, its help.

The CLI builds its flags from this table, the web app reads the same values, and a test
checks that README.md documents each one.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable


@dataclass(frozen=True)
class Setting:
    name: str                 # attribute and flag name: index_dir → --index-dir
    flag: str
    env: str
    default: Any
    type: Callable[[str], Any]
    help: str
    commands: tuple[str, ...]  # subcommands that take it; () = all
    metavar: str = "值"        # the placeholder in --help: --port 端口


SETTINGS = (
    Setting("index_dir", "--index", "REPORTSEARCH_INDEX", ".index", Path, "索引目录", (), "目录"),
    Setting("corpus_dir", "--corpus", "REPORTSEARCH_CORPUS", "corpus", Path, "语料目录（放报告文件的文件夹）", (), "目录"),
    Setting("host", "--host", "REPORTSEARCH_HOST", "127.0.0.1", str,
            "网页服务监听地址（search 用它生成结果的链接）", ("serve", "search"), "地址"),
    Setting("port", "--port", "REPORTSEARCH_PORT", 5000, int,
            "网页服务端口（search 用它生成结果的链接）", ("serve", "search"), "端口"),
    Setting("threads", "--threads", "REPORTSEARCH_THREADS", 0, int,
            "网页服务每个进程的线程数；0 为自动：一个进程时 4 个，多个进程时每个 3 个",
            ("serve",), "数目"),
    Setting("workers", "--workers", "REPORTSEARCH_WORKERS", 0, int,
            "网页服务进程数；0 为自动：至少 2 个 CPU 核且系统支持 fork 时 2 个，否则 1 个（Windows 上总是 1 个）",
            ("serve",), "数目"),
    Setting("base_url", "--base-url", "REPORTSEARCH_BASE_URL", "", str,
            "生成永久链接用的网址前缀（在反向代理后时设置，如 https://reports.example.org）", ("serve", "search"), "网址"),
    Setting("inline_facets", "--inline-facets", "REPORTSEARCH_INLINE_FACETS", 2000, int,
            "结果数不超过此值时筛选统计随检索页一起生成；更多时页面先显示结果，统计随后载入", ("serve",), "数目"),
    Setting("time_budget", "--time-budget", "REPORTSEARCH_TIME_BUDGET", 1.5, float,
            "每个检索请求最多用时的秒数；超过时返回已找到的结果并注明“结果不完整”", ("serve", "search"), "秒数"),
    Setting("lock_timeout", "--lock-timeout", "REPORTSEARCH_LOCK_TIMEOUT", 30.0, float,
            "另一个索引进程正在写入时最多等待的秒数", ("index", "serve"), "秒数"),
)
# Files the analyzer and query parser read; documented here so that the README lists them.
FILE_SETTINGS = {
    "REPORTSEARCH_USERDICT": "jieba 用户词典文件（默认 indexer/data/userdict.txt）；修改后需 reportsearch index --rebuild",
    "REPORTSEARCH_SYNONYMS": "同义词表文件（默认 indexer/data/synonyms.txt）；修改后立即生效",
    "REPORTSEARCH_SEGMENTER": "新建或重建索引用的分词器：rjieba 或 jieba（默认装有 rjieba 时用它）；已有索引沿用原分词器",
}


KINDS = {int: "整数", float: "数字"}


def setting(name: str) -> Setting:
    return next(s for s in SETTINGS if s.name == name)


def value(setting: Setting, given: Any = None) -> Any:
    """The flag's value if given, else the environment variable, else the default.

    A bad environment value raises ValueError with a message for the user."""
    if given is not None:
        return given
    raw = os.environ.get(setting.env)
    if raw not in (None, ""):
        try:
            return setting.type(raw)
        except ValueError:
            kind = KINDS.get(setting.type, "")
            raise ValueError(f"环境变量 {setting.env} 的值 {raw!r} 无效" + (f"，应为{kind}" if kind else "")) from None
    return setting.type(setting.default) if isinstance(setting.default, str) else setting.default


def resolve(**given: Any) -> dict[str, Any]:
    return {s.name: value(s, given.get(s.name)) for s in SETTINGS}
