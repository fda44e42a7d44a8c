"""The `reportsearch` command: thin argument parsing around the library.

Its two flows are the library's: files → … → index (index, watch), and query → parse → search →
highlight → text or JSON (search; JSON in indexer.search.results' shape); serve hands the
second to webapp; status reads what the last run recorded (indexer.status).

Library errors (ReportSearchError) become one line on stderr and exit code 1; a bad
command line exits 2 (argparse, in Chinese: indexer.arguments).
"""
from __future__ import annotations

import errno
import json
import os
import re
import signal
import sys
import time
from pathlib import Path

from indexer.arguments import ArgumentParser
from indexer.errors import ReportSearchError
from indexer.settings import SETTINGS, resolve, setting

COMMANDS = {
    "index": "索引语料目录中的报告（增量：只处理新增、修改、删除的文件）",
    "search": "在命令行中检索",
    "serve": "启动检索网页（没有索引时先建立索引）",
    "watch": "监视语料目录，文件变化后几秒内自动更新索引",
    "status": "显示索引的概况：报告、段落、各格式文件数、跳过的文件及原因、最后更新时间",
}


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="reportsearch", description="中文工作报告全文检索")
    sub = parser.add_subparsers(dest="command", metavar="命令")
    sub.required = True
    commands = {name: sub.add_parser(name, help=text, description=text) for name, text in COMMANDS.items()}
    for s in SETTINGS:
        for name, cmd in commands.items():
            if not s.commands or name in s.commands:
                cmd.add_argument(s.flag, dest=s.name, type=s.type, default=None, metavar=s.metavar,
                                 help=f"{s.help}（环境变量 {s.env}，默认{f' {s.default}' if s.default != '' else '为空'}）")
    commands["index"].add_argument("--rebuild", action="store_true", help="丢弃旧索引，从头重建")
    commands["index"].add_argument("--json", action="store_true", help="以 JSON 输出索引摘要")
    commands["status"].add_argument("--json", action="store_true", help="以 JSON 输出")
    commands["serve"].add_argument("--watch", action="store_true", help="同时监视语料目录，文件变化后自动更新索引")
    search = commands["search"]
    search.add_argument("query", nargs="+", metavar="查询",
                        help="查询，例如：土地流转 或 \"一站式服务\"（几个词可以分开写：拆迁 安置 -补偿）")
    search.add_argument("--limit", type=int, default=10, metavar="条数", help="返回结果数（1–100，默认 10）")
    search.add_argument("--offset", type=int, default=0, metavar="条数", help="跳过前若干条结果")
    search.add_argument("--json", action="store_true", help="输出与网页 API 相同的 JSON")
    # The search options that take no value (-h, --json): _dash_query tells them from the query's words.
    parser.search_flags = frozenset(o for a in search._actions if a.nargs == 0 for o in a.option_strings)
    return parser


def _missing(name: str, path: Path, what: str) -> ReportSearchError:
    """Where the command looked, and how to point it elsewhere."""
    s = setting(name)
    return ReportSearchError(f"{what}不存在：{Path(path).resolve()}（用 {s.flag} 目录 或环境变量 {s.env} 指定其他位置）")


def need_corpus(cfg) -> Path:
    if not Path(cfg["corpus_dir"]).is_dir():
        raise _missing("corpus_dir", cfg["corpus_dir"], "语料目录")
    return cfg["corpus_dir"]


def need_index(cfg) -> Path:
    from indexer.engine import store

    if not store.exists(cfg["index_dir"]):
        error = _missing("index_dir", cfg["index_dir"], "索引")
        raise ReportSearchError(f"{error}；还没有建立索引时先运行 reportsearch index")
    return cfg["index_dir"]


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
    for source, note in sorted(summary.partial.items()):
        print(f"部分索引 {source}：{note}", file=sys.stderr)


def _terminal_snippet(html: str, color: bool) -> str:
    """A snippet's HTML for the terminal: the query's words in red (or 【】), synonyms in cyan
    (or 〔〕), a part of a word that matched alone underlined (or 〈〉, see indexer.search.highlight)."""
    from html import unescape

    on, off = ("\033[1;31m", "\033[0m") if color else ("【", "】")
    syn_on, syn_off = ("\033[1;36m", "\033[0m") if color else ("〔", "〕")
    part_on, part_off = ("\033[4m", "\033[0m") if color else ("〈", "〉")
    out = re.sub(r'<mark class="syn"[^>]*>(.*?)</mark>', lambda m: syn_on + m.group(1) + syn_off, html)
    out = re.sub(r'<mark class="part"[^>]*>(.*?)</mark>', lambda m: part_on + m.group(1) + part_off, out)
    return unescape(out.replace("<mark>", on).replace("</mark>", off))


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cmd_index(cfg, args) -> int:
    import gc

    from indexer import status
    from indexer.update import update_index

    # A run allocates hundreds of thousands of small containers that are never cycles (the JSON
    # of digests.json and furniture.json, stats, terms): at the default threshold (700) adding one
    # report at a million paragraphs ran four full collections, an eighth of its time. The process
    # ends with the run, so cycles may wait longer.
    gc.set_threshold(50_000, 20, 20)
    summary = update_index(cfg["index_dir"], need_corpus(cfg), rebuild=args.rebuild,
                           lock_timeout=cfg["lock_timeout"], log=_log)
    recorded = status.load(cfg["index_dir"]) or {}          # written by update_index (indexer.status)
    earlier = sorted(set(recorded.get("skipped") or ()) - set(summary.skipped))
    if args.json:
        print(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
        return 0
    print_summary(summary)
    if earlier:
        # Unchanged since an earlier run skipped them: not read again, still not in the index.
        print(f"另有 {len(earlier)} 个文件此前已跳过，未再读取（原因见 reportsearch status）。")
    if recorded and status.outdated_reading(recorded):
        print(f"提示：{status.OLD_RULES}。")
    return 0


def cmd_status(cfg, args) -> int:
    from indexer import status

    data = status.current(need_index(cfg))
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print("\n".join(status.lines(data)))
    return 0


def link_base(cfg) -> str:
    """Where the server for these settings answers: the base URL, else host and port
    (a wildcard listening address is reached as 127.0.0.1)."""
    host = "127.0.0.1" if cfg["host"] in ("", "0.0.0.0", "::") else cfg["host"]
    host = f"[{host}]" if ":" in host else host
    return cfg["base_url"] or f"http://{host}:{cfg['port']}"


def need_port(cfg) -> int:
    """The port, if a TCP port can be it. getaddrinfo takes 70000 as 70000 - 65536 = 4464 without a
    word, and 0 would listen on a port the links and the Host check (webapp.security) do not know."""
    port = cfg["port"]
    if not 1 <= port <= 65535:
        raise ReportSearchError(f"端口须为 1 到 65535 之间的整数，而不是 {port}（--port 或环境变量 REPORTSEARCH_PORT）")
    return port


def cmd_search(cfg, args) -> int:
    from indexer.links import absolute, paragraph_path
    from indexer.model import SECTION_SEPARATOR
    from indexer.search.searcher import Searcher
    from indexer.search.results import result_dict

    need_port(cfg)               # the links name it
    query = " ".join(args.query)   # words given apart on the command line are one query
    started = time.perf_counter()
    searcher = Searcher(need_index(cfg))
    # The first search opens the index and loads the dictionaries; searched again, the query
    # costs what it costs in the running server, which is the time reported.
    searcher.search(query, limit=1)
    startup = time.perf_counter() - started
    # One search, one answer: the total is counted, not bounded, where time allows.
    result = searcher.search(query, limit=args.limit, offset=args.offset,
                             deadline=time.monotonic() + cfg["time_budget"], count_all=True)
    base = link_base(cfg)
    url = lambda pid: absolute(base, paragraph_path(pid))  # noqa: E731
    if args.json:
        print(json.dumps(result_dict(result, url), ensure_ascii=False, indent=2))
        return 0
    print(f"找到 {result.total_label} 条结果（查询 {result.took_ms:.0f} 毫秒；启动 {startup:.1f} 秒）")
    for note in (result.outdated_note, result.incomplete_note, result.exact_note):
        if note:
            print(note)
    color = sys.stdout.isatty()
    previous = None
    for n, hit in enumerate(result.hits, start=result.offset + 1):
        if previous == "exact" and hit.match != "exact":
            print("\n—— 以下段落不含查询原文：部分匹配、同义词或相关段落 ——")
        previous = hit.match
        where = SECTION_SEPARATOR.join(x for x in (hit.title, hit.section) if x)
        print(f"\n{n}. {where}")
        print(f"   {hit.meta_line}")
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
        _log(f"reportsearch: {message}")

    return Watcher(cfg["index_dir"], cfg["corpus_dir"], lock_timeout=cfg["lock_timeout"],
                   on_update=updated, on_error=failed)


def cmd_watch(cfg, args) -> int:
    need_corpus(cfg)
    watcher = _watcher(cfg, sys.stdout).start(initial=True)
    _log(f"正在监视 {Path(cfg['corpus_dir']).resolve()}，文件变化后自动更新索引（按 Ctrl+C 停止）")
    _until_stopped(watcher)


def _until_stopped(watcher) -> None:
    """Let a started watcher work until this process is stopped, then stop it."""
    try:
        while True:
            time.sleep(3600)
    finally:
        watcher.stop()


def port_error(host: str, port: int, exc: OSError) -> ReportSearchError:
    """Why the server cannot listen on host:port, in one line that says what to do."""
    change = f"用 --port 或环境变量 REPORTSEARCH_PORT 换一个端口，例如 --port {port + 1 if port < 65535 else 8000}"
    if exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)):
        return ReportSearchError(f"端口 {port} 已被占用（{host}:{port}，也许 reportsearch 已经在运行）：{change}")
    if exc.errno in (errno.EACCES, getattr(errno, "WSAEACCES", -1)):
        return ReportSearchError(f"没有权限使用端口 {port}（1024 以下的端口通常需要管理员权限）：{change}")
    if exc.errno in (errno.EADDRNOTAVAIL, getattr(errno, "WSAEADDRNOTAVAIL", -1)):
        return ReportSearchError(f"本机没有地址 {host}：用 --host 或环境变量 REPORTSEARCH_HOST 指定，例如 127.0.0.1")
    return ReportSearchError(f"无法在 {host}:{port} 上启动网页服务：{exc.strerror or exc}")


def check_port(host: str, port: int) -> None:
    """Fail early when the server could not listen on host:port (bound as the server binds)."""
    import socket       # only the server needs it; `reportsearch index` starts without it

    from webapp.server import bound_socket

    try:
        probe = bound_socket(host, port)
    except (socket.gaierror, UnicodeError, OverflowError):
        raise ReportSearchError(f"无法识别监听地址 {host}:{port}：用 --host、--port 指定，例如 --host 127.0.0.1 --port 5000") \
            from None
    except OSError as exc:
        raise port_error(host, port, exc) from None
    probe.close()


def cmd_serve(cfg, args) -> int:
    from indexer.engine import store
    from indexer.progress import log_lines

    workers = serve_workers(cfg["workers"])
    threads = serve_threads(cfg["threads"], workers)
    check_port(cfg["host"], need_port(cfg))         # before a long first build, not after it
    log_lines()                                  # a server's stderr is a log: progress as lines, no bar
    if not store.has_documents(cfg["index_dir"]):     # none, or a first build stopped early
        from indexer.update import update_index  # only then: the writing side is not the server's start
        _log(f"没有找到索引，正在从 {Path(need_corpus(cfg)).resolve()} 建立……")
        print_summary(update_index(cfg["index_dir"], cfg["corpus_dir"], lock_timeout=cfg["lock_timeout"], log=_log),
                      out=sys.stderr)
    from webapp.server import run  # the CLI is the one place that joins the two packages

    config = {"INDEX_DIR": str(cfg["index_dir"]), "CORPUS_DIR": str(cfg["corpus_dir"]),
              "BASE_URL": cfg["base_url"], "INLINE_FACETS": cfg["inline_facets"],
              "HOST": cfg["host"], "PORT": cfg["port"], "TIME_BUDGET": cfg["time_budget"],
              # Threads of one process follow the newest commit any of them has seen; processes
              # share no such note, so each request checks the index (18 µs of CPU at 100,000
              # paragraphs, 62 µs at 1,000,000): after one answer shows a reindex, no worker
              # answers from the index before it (a permalink opened next would 404 or mislead).
              "REFRESH_SECONDS": 0.0 if workers > 1 else 1.0}
    if workers > 1:
        try:
            stopped = run(config, host=cfg["host"], port=cfg["port"], threads=threads, workers=workers,
                          also=_watch_process(cfg) if args.watch else None,
                          log=lambda line: _log(f"reportsearch: {line}"))
        except OSError as exc:                   # taken between the check and now
            raise port_error(cfg["host"], cfg["port"], exc) from None
        if stopped == signal.SIGINT:
            raise KeyboardInterrupt
        return 0
    watcher = _watcher(cfg, sys.stderr).start(initial=True) if args.watch else None
    try:
        run(config, host=cfg["host"], port=cfg["port"], threads=threads)
    except OSError as exc:                       # taken between the check and now
        raise port_error(cfg["host"], cfg["port"], exc) from None
    finally:
        if watcher is not None:
            watcher.stop()
    return 0


def serve_threads(asked: int, workers: int) -> int:
    """Threads per server process: ``asked``, or when 0 four for one process, else three: one per
    search lane (webapp.budget) and one for a request arriving while both are busy (with two, an
    expensive search waiting for its lane held the last thread and cheap ones queued behind it),
    no more: waiting threads' turns in the GIL slow the slowest answers (docs/scaling.md)."""
    if asked < 0:
        raise ReportSearchError(f"线程数须为 0（自动）或正整数，而不是 {asked}（--threads 或环境变量 REPORTSEARCH_THREADS）")
    return asked or (4 if workers == 1 else 3)


def serve_workers(asked: int) -> int:
    """How many server processes: ``asked``, or the default for this machine when 0."""
    from webapp.workers import can_fork, default_workers

    if asked < 0:
        raise ReportSearchError(f"进程数须为 0（自动）或正整数，而不是 {asked}（--workers 或环境变量 REPORTSEARCH_WORKERS）")
    if asked > 1 and not can_fork():
        _log("reportsearch: 此系统不支持多进程服务（没有 fork），改用 1 个进程")
        return 1
    return asked or default_workers()


def _watch_process(cfg):
    """The corpus watcher beside a multi-process server: a process of its own (a thread in the
    parent would be forked mid-work), forked at the start, and as ``reportsearch watch`` when it
    has to be replaced (webapp.workers)."""
    from webapp.workers import Child

    return Child(argv=[sys.executable, "-m", "indexer", "watch", "--index", str(cfg["index_dir"]),
                       "--corpus", str(cfg["corpus_dir"]), "--lock-timeout", str(cfg["lock_timeout"])],
                 first=lambda: _until_stopped(_watcher(cfg, sys.stderr).start(initial=True)))


HANDLERS = {"index": cmd_index, "search": cmd_search, "serve": cmd_serve, "watch": cmd_watch, "status": cmd_status}


def _dash_query(argv: list[str], flags: frozenset[str]) -> list[str]:
    """`reportsearch search 乡村振兴 -扶贫 --limit 5`: the query's words, exclusions included, go
    after --, since search has no short option but -h and argparse would take -扶贫 for one.
    ``flags``: the search options that take no value."""
    if not argv or argv[0] != "search" or "--" in argv:
        return argv
    options, words, n = [], [], 1
    while n < len(argv):
        arg = argv[n]
        if arg.startswith("--") or arg in flags:
            takes_value = arg not in flags and "=" not in arg
            options += argv[n:n + 2] if takes_value else [arg]
            n += 2 if takes_value else 1
        else:
            words.append(arg)
            n += 1
    return ["search"] + options + (["--"] + words if words else [])


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(_dash_query(sys.argv[1:] if argv is None else argv, parser.search_flags))
    try:
        cfg = resolve(**{s.name: getattr(args, s.name, None) for s in SETTINGS})
    except ValueError as exc:
        print(f"reportsearch: {exc}", file=sys.stderr)
        return 2
    try:
        code = HANDLERS[args.command](cfg, args)
        sys.stdout.flush()                    # a closed pipe shows here, not at exit
        return code
    except BrokenPipeError:
        # The reader went away (reportsearch search … | head): stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except ReportSearchError as exc:
        print(f"reportsearch: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("reportsearch: 已中断", file=sys.stderr)
        return 130
