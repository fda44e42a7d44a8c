"""The `reportsearch` command: thin argument parsing around the library.

Its two flows are the library's: files → … → index (index, watch), and query → parse → search →
highlight → text or JSON (search; JSON in indexer.search.results' shape); serve hands the
second to webapp.

Library errors (ReportSearchError) become one line on stderr and exit code 1; a bad
command line exits 2 (argparse).
"""
from __future__ import annotations

import argparse
import json
import re
import sys

from indexer.errors import ReportSearchError
from indexer.model import SECTION_SEPARATOR
from indexer.settings import SETTINGS, resolve

COMMANDS = {
    "index": "索引语料目录中的报告（增量：只处理新增、修改、删除的文件）",
    "search": "在命令行中检索",
    "serve": "启动检索网页（没有索引时先建立索引）",
    "watch": "监视语料目录，文件变化后几秒内自动更新索引",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reportsearch", description="中文工作报告全文检索")
    sub = parser.add_subparsers(dest="command", metavar="命令")
    sub.required = True
    commands = {name: sub.add_parser(name, help=text, description=text) for name, text in COMMANDS.items()}
    for setting in SETTINGS:
        for name, cmd in commands.items():
            if not setting.commands or name in setting.commands:
                cmd.add_argument(setting.flag, dest=setting.name, type=setting.type, default=None,
                                 help=f"{setting.help}（环境变量 {setting.env}，默认 {setting.default}）")
    commands["index"].add_argument("--rebuild", action="store_true", help="丢弃旧索引，从头重建")
    commands["index"].add_argument("--json", action="store_true", help="以 JSON 输出索引摘要")
    commands["serve"].add_argument("--watch", action="store_true", help="同时监视语料目录，文件变化后自动更新索引")
    search = commands["search"]
    search.add_argument("query", help="查询，例如：土地流转 或 \"一站式服务\"")
    search.add_argument("--limit", type=int, default=10, help="返回结果数（1–100，默认 10）")
    search.add_argument("--offset", type=int, default=0, help="跳过前若干条结果")
    search.add_argument("--json", action="store_true", help="输出与网页 API 相同的 JSON")
    return parser


def print_summary(summary, out=sys.stdout) -> None:
    if not summary.did_work:
        print(f"索引已是最新：{summary.unchanged} 个文件未变化，无需处理。", file=out)
    else:
        parts = [f"新增 {len(summary.added)} 个文件", f"更新 {len(summary.changed)} 个",
                 f"删除 {len(summary.deleted)} 个", f"未变化 {summary.unchanged} 个"]
        print("，".join(parts) + "。", file=out)
        print(f"本次写入 {summary.reports} 篇报告、{summary.paragraphs} 个段落，用时 {summary.seconds:.1f} 秒。",
              file=out)
    if summary.formats:
        print("文件格式：" + "、".join(f"{ext or '无扩展名'} {n} 个" for ext, n in sorted(summary.formats.items())),
              file=out)
    if summary.duplicates:
        print(f"重复报告 {len(summary.duplicates)} 篇（只索引一次，其余位置记录在检索结果中）：", file=out)
        for d in summary.duplicates:
            print(f"  {d['source']}《{d['title']}》与 {d['kept_source']}《{d['kept_title']}》重复"
                  f"（重合 {d['similarity']:.0%}）", file=out)
    if summary.skipped:
        print(f"跳过 {len(summary.skipped)} 个无法读取的文件（原因见下）。", file=out)
    for source, reason in sorted(summary.skipped.items()):
        print(f"已跳过 {source}：{reason}", file=sys.stderr)


def _terminal_snippet(html: str, color: bool) -> str:
    from html import unescape

    on, off = ("\033[1;31m", "\033[0m") if color else ("【", "】")
    return unescape(html.replace("<mark>", on).replace("</mark>", off))


def cmd_index(cfg, args) -> int:
    from indexer.update import update_index

    summary = update_index(cfg["index_dir"], cfg["corpus_dir"], rebuild=args.rebuild,
                           lock_timeout=cfg["lock_timeout"], log=lambda msg: print(msg, file=sys.stderr, flush=True))
    if args.json:
        print(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
    else:
        print_summary(summary)
    return 0


def cmd_search(cfg, args) -> int:
    from indexer.links import absolute, paragraph_path
    from indexer.search.searcher import Searcher
    from indexer.search.results import result_dict

    base = cfg["base_url"] or f"http://{cfg['host']}:{cfg['port']}"
    searcher = Searcher(cfg["index_dir"])
    result = searcher.search(args.query, limit=args.limit, offset=args.offset)
    url = lambda pid: absolute(base, paragraph_path(pid))  # noqa: E731
    if args.json:
        print(json.dumps(result_dict(result, url), ensure_ascii=False, indent=2))
        return 0
    print(f"找到 {result.total} 条结果（{result.took_ms:.0f} 毫秒）")
    color = sys.stdout.isatty()
    for n, hit in enumerate(result.hits, start=result.offset + 1):
        where = SECTION_SEPARATOR.join(x for x in (hit.title, hit.section) if x)
        print(f"\n{n}. {where}")
        print("   " + re.sub(r"\s+", " ", _terminal_snippet(hit.snippet, color)))
        if hit.through_report:
            print(f"   （{hit.through_report_note}）")
        print(f"   {url(hit.id)}")
    return 0


def _watcher(cfg, out):
    from indexer.watch import Watcher

    def updated(summary):
        print_summary(summary, out=out)
        out.flush()

    def failed(message):
        print(f"reportsearch: {message}", file=sys.stderr, flush=True)

    return Watcher(cfg["index_dir"], cfg["corpus_dir"], lock_timeout=cfg["lock_timeout"],
                   on_update=updated, on_error=failed)


def cmd_watch(cfg, args) -> int:
    import time

    watcher = _watcher(cfg, sys.stdout).start(initial=True)
    print(f"正在监视 {cfg['corpus_dir']}，文件变化后自动更新索引（按 Ctrl+C 停止）", file=sys.stderr, flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        watcher.stop()


def cmd_serve(cfg, args) -> int:
    from indexer.engine import store
    from indexer.update import update_index

    if not store.exists(cfg["index_dir"]):
        print(f"没有找到索引，正在从 {cfg['corpus_dir']} 建立……", file=sys.stderr)
        print_summary(update_index(cfg["index_dir"], cfg["corpus_dir"], lock_timeout=cfg["lock_timeout"]),
                      out=sys.stderr)
    from webapp import create_app  # the CLI is the one place that joins the two packages
    from webapp.server import run

    app = create_app({"INDEX_DIR": str(cfg["index_dir"]), "CORPUS_DIR": str(cfg["corpus_dir"]),
                      "BASE_URL": cfg["base_url"], "INLINE_FACETS": cfg["inline_facets"]})
    watcher = _watcher(cfg, sys.stderr).start(initial=True) if args.watch else None
    try:
        run(app, host=cfg["host"], port=cfg["port"], threads=cfg["threads"])
    finally:
        if watcher is not None:
            watcher.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        cfg = resolve(**{s.name: getattr(args, s.name, None) for s in SETTINGS})
    except ValueError as exc:
        print(f"reportsearch: 配置值无效：{exc}", file=sys.stderr)
        return 2
    handler = {"index": cmd_index, "search": cmd_search, "serve": cmd_serve, "watch": cmd_watch}[args.command]
    try:
        return handler(cfg, args)
    except ReportSearchError as exc:
        print(f"reportsearch: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("reportsearch: 已中断", file=sys.stderr)
        return 130
