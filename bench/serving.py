"""Server processes and threads compared on one index, interleaved in the same minutes.

    python bench/serving.py --index bench/out/index-ours-100000          # 1×8, 2×8, 2×4, 3 rounds
    python bench/serving.py --index IX --configs 1x8 2x8 2x8r 2x8u --rounds 5   # variants: see below

Each round starts every configuration in turn (workers × threads per worker; the order rotates
from round to round), measures the cold start (to the first answer), then the query mix of
bench/perf.py from 8 client threads, once with a new connection per request (as bench/perf.py
asks) and once with one kept-alive connection per client (as a browser does): p50/p95 latency,
requests/s, the server's CPU per request (user + sys of its process tree, from /proc), how the
work split between the worker processes (the busiest worker's share of the workers' CPU), and
memory summed over the tree, PSS and RSS. The clients run on the same machine; their CPU is
reported too. Every figure is the median of the rounds (range); the ratio against the first
configuration is taken within each round, then its median. The index is only read.

With ``--long N`` the loads are replaced by one: N of the 8 clients ask long queries (LONG: what
webapp.budget counts expensive, a pasted title or many words) over and over, while the others ask
the query mix three times each: the mix's p50/p95 and requests/s, and how the long queries fared
(answered, p50/p95, told the server is busy). It shows whether a few long searches hold up
everyone else's.

With ``--one-client N`` the loads are replaced by one client asking the query mix N times in a
row, a new connection per request, from a cold start (no warm-up pass), twice: once asking the
server to close each connection ("Connection: close", as urllib and bench/perf.py do), once closing
it itself after the answer (as curl or http.client do). For each: p50/p95 of each pass and the
busiest worker's share, which shows whether one worker's warm caches served the lone client
or each worker met each query cold in turn (webapp.balance).

Two variants are not server modes of ours, only here to compare ways of sharing a port: ``r``,
each forked worker binds a socket of its own with SO_REUSEPORT (Linux) and the kernel spreads
connections by a hash of their addresses; ``u``, the workers share one socket as ours do but
without webapp.balance (the first worker to call accept() takes the connection).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import median, percentile, stop
from perf import CLIENTS, QUERIES, env, free_port, tree_pids, tree_pss_kb, tree_rss_kb

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK        # utime + stime
    except OSError:
        return 0.0


def start(index: Path, workers: int, threads: int, variant: str) -> tuple[subprocess.Popen, int, float]:
    port = free_port()
    if variant:
        cmd = [sys.executable, __file__, "--variant-server", variant, str(index), str(port), str(workers), str(threads)]
    else:
        cmd = [sys.executable, "-m", "indexer", "serve", "--index", str(index), "--port", str(port),
               "--workers", str(workers), "--threads", str(threads)]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api/search?" + urllib.parse.urlencode({"q": "社区"})
    while time.perf_counter() - started < 120:
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                json.load(r)
            return proc, port, time.perf_counter() - started
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"{cmd} exited")
            time.sleep(0.02)
    raise SystemExit(f"{cmd} did not answer")


def path(q: str) -> str:
    return "/api/search?" + urllib.parse.urlencode({"q": q, "limit": 10})


def ask_once(port: int, q: str, headers: dict | None = None) -> tuple[int, bytes]:
    """One search on a connection of its own: (status, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path(q), headers=headers or {})
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def client_queries(n: int, rounds: int) -> list[str]:
    """Client ``n``'s turn through the query mix ``rounds`` times: the clients do not ask the same
    query at once."""
    qs = [q for _ in range(rounds) for q in QUERIES]
    return qs[n:] + qs[:n]


def load(port: int, keep_alive: bool, rounds: int = 3) -> tuple[list[float], float]:
    """CLIENTS threads, each asking the query mix ``rounds`` times: (each request's ms, requests/s)."""
    def client(n: int) -> list[float]:
        out = []
        conn = None
        for q in client_queries(n, rounds):
            t = time.perf_counter()
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", path(q))
            r = conn.getresponse()
            assert r.status == 200, r.status
            assert "results" in json.loads(r.read())
            if not keep_alive:
                conn.close()
                conn = None
            out.append((time.perf_counter() - t) * 1000)
        if conn is not None:
            conn.close()
        return out

    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        per_client = list(pool.map(client, range(CLIENTS)))
    wall = time.perf_counter() - started
    times = [t for c in per_client for t in c]
    return times, len(times) / wall


# Expensive by webapp.budget's measure (over 30 characters or over 4 words): a title pasted in, many words.
LONG = ["关于进一步加强农村土地承包经营权流转管理和服务工作的调研报告与对策建议",
        "社区 养老 服务 中心 建设 资金 不足 问题",
        "如何推进城乡一体化建设和农村基础设施建设以及社会保障体系的完善",
        "下岗 职工 再就业 培训 补贴 政策 落实 情况",
        "计划生育流动人口管理服务工作存在的主要问题和下一步工作打算"]


def mixed_load(port: int, long_clients: int, rounds: int = 3) -> dict:
    """``long_clients`` clients asking LONG over and over while the others ask the query mix
    ``rounds`` times each, a new connection per request."""
    done = threading.Event()
    mix, long, busy = [], [], [0]

    def ask(q: str) -> tuple[int, float]:
        t = time.perf_counter()
        status, _ = ask_once(port, q)
        assert status in (200, 503), status
        return status, (time.perf_counter() - t) * 1000

    def mix_client(n: int) -> None:
        for q in client_queries(n, rounds):
            status, ms = ask(q)
            assert status == 200, status
            mix.append(ms)

    def long_client(n: int) -> None:
        while not done.is_set():
            status, ms = ask(LONG[n % len(LONG)])
            n += 1
            if status == 503:
                busy[0] += 1
            else:
                long.append(ms)

    started = time.perf_counter()
    talkers = [threading.Thread(target=long_client, args=(n,)) for n in range(long_clients)]
    for t in talkers:
        t.start()
    with ThreadPoolExecutor(CLIENTS - long_clients) as pool:
        list(pool.map(mix_client, range(CLIENTS - long_clients)))
    wall = time.perf_counter() - started
    done.set()
    for t in talkers:
        t.join()
    out = {"p50": percentile(mix, 50), "p95": percentile(mix, 95), "req_s": len(mix) / wall,
           "long_answered": len(long), "long_busy": busy[0]}
    if long:
        out.update(long_p50=percentile(long, 50), long_p95=percentile(long, 95))
    return out


CLOSES = ("server", "client")     # who closes each connection of the lone client


def one_client(port: int, passes: int, closes: str) -> list[list[float]]:
    """The query mix ``passes`` times from one client, a new connection per request: ms per pass."""
    headers = {"Connection": "close"} if closes == "server" else {}
    out = []
    for _ in range(passes):
        times = []
        for q in QUERIES:
            t = time.perf_counter()
            status, body = ask_once(port, q, headers)
            assert status == 200 and "results" in json.loads(body), status
            times.append((time.perf_counter() - t) * 1000)
        out.append(times)
    return out


def busiest_share(used: dict[int, float], parent: int, parent_serves: bool) -> float:
    """The busiest serving process's share of their CPU. Our parent serves as worker 0 (a variant's
    parent only supervises)."""
    worker_cpu = [v for p, v in used.items() if parent_serves or p != parent] or list(used.values())
    return max(worker_cpu) / max(sum(worker_cpu), 1e-9)


def measure(index: Path, config: str, passes: int = 0, closes: str = "", long_clients: int = 0) -> dict:
    variant = config.lstrip("0123456789x")
    workers, threads = (int(x) for x in config.rstrip("ru").split("x"))
    proc, port, cold = start(index, workers, threads, variant)
    try:
        if passes:
            before = {p: cpu_seconds(p) for p in tree_pids(proc.pid)}
            runs = one_client(port, passes, closes)
            used = {p: cpu_seconds(p) - before.get(p, 0.0) for p in tree_pids(proc.pid)}
            return {"cold_s": cold, "passes": [{"p50": percentile(t, 50), "p95": percentile(t, 95)} for t in runs],
                    "busiest": busiest_share(used, proc.pid, not variant)}
        for q in QUERIES + (LONG if long_clients else []):   # one warm-up pass, as bench/perf.py's
            ask_once(port, q)
        out = {"cold_s": cold}
        if long_clients:            # instead of the two loads
            out["mixed"] = mixed_load(port, long_clients)
        loads = () if long_clients else (("new", False), ("keep", True))
        for mode, keep in loads:
            pids = tree_pids(proc.pid)
            before = {p: cpu_seconds(p) for p in pids}
            client_before = time.process_time()
            times, rate = load(port, keep)
            client_cpu = time.process_time() - client_before
            used = {p: cpu_seconds(p) - before.get(p, 0.0) for p in tree_pids(proc.pid)}
            out[mode] = {"p50": percentile(times, 50), "p95": percentile(times, 95), "req_s": rate,
                         "cpu_ms": sum(used.values()) * 1000 / len(times),
                         "client_cpu_ms": client_cpu * 1000 / len(times),
                         "busiest": busiest_share(used, proc.pid, not variant)}
        out["pss_mb"] = tree_pss_kb(proc.pid) / 1024
        out["rss_mb"] = tree_rss_kb(proc.pid) / 1024
        out["procs"] = len(tree_pids(proc.pid))
    finally:
        stop(proc, 15)
    return out


def figure(values: list[float], fmt: str) -> str:
    text = fmt.format(median(values))
    return text + (f" ({fmt.format(min(values))}–{fmt.format(max(values))})" if len(values) > 1 else "")


def report_one_client(results: dict[str, list[dict]], configs: list[str]) -> None:
    rounds, passes = len(results[configs[0]]), len(results[configs[0]][0]["server"]["passes"])
    print(f"\n#### One client, a new connection per request, {passes} passes of the query mix from a cold start; "
          f"p95 ms (p50 ms); medians of {rounds} rounds (range)\n")
    print("| workers×threads | closed by | " + " | ".join(f"pass {n + 1}" for n in range(passes))
          + " | busiest worker's CPU share |")
    print("|---|---|" + "---|" * (passes + 1))
    for c in configs:
        for closes in CLOSES:
            runs = [r[closes] for r in results[c]]
            cells = [f"{figure([r['passes'][n]['p95'] for r in runs], '{:.1f}')} "
                     f"({median([r['passes'][n]['p50'] for r in runs]):.1f})" for n in range(passes)]
            print(f"| {c} | {closes} | " + " | ".join(cells) + f" | {figure([r['busiest'] for r in runs], '{:.2f}')} |")
    sys.stdout.flush()


def report(results: dict[str, list[dict]], configs: list[str]) -> None:
    first = configs[0]
    for mode, title in (("new", "a new connection per request (as bench/perf.py)"),
                        ("keep", "one kept-alive connection per client")):
        print(f"\n#### {CLIENTS} clients, {title}; medians of {len(results[first])} rounds (range)\n")
        print(f"| workers×threads | p50 ms | p95 ms | req/s | req/s ÷ {first} (per round) | server CPU ms/req | "
              "client CPU ms/req | busiest worker's CPU share |")
        print("|---|---|---|---|---|---|---|---|")
        for c in configs:
            runs = [r[mode] for r in results[c]]
            ratio = [r[mode]["req_s"] / b[mode]["req_s"] for r, b in zip(results[c], results[first])]
            print(f"| {c} | {figure([r['p50'] for r in runs], '{:.1f}')} | {figure([r['p95'] for r in runs], '{:.1f}')} "
                  f"| {figure([r['req_s'] for r in runs], '{:.0f}')} | {figure(ratio, '{:.2f}')} "
                  f"| {figure([r['cpu_ms'] for r in runs], '{:.1f}')} | {figure([r['client_cpu_ms'] for r in runs], '{:.1f}')} "
                  f"| {figure([r['busiest'] for r in runs], '{:.2f}')} |")
    print(f"\n#### Start and memory (after both loads); medians of {len(results[first])} rounds (range)\n")
    print("| workers×threads | processes | cold start s | PSS sum MB | RSS sum MB |\n|---|---|---|---|---|")
    for c in configs:
        runs = results[c]
        print(f"| {c} | {runs[0]['procs']} | {figure([r['cold_s'] for r in runs], '{:.2f}')} "
              f"| {figure([r['pss_mb'] for r in runs], '{:.0f}')} | {figure([r['rss_mb'] for r in runs], '{:.0f}')} |")
    sys.stdout.flush()


def report_long(results: dict[str, list[dict]], configs: list[str], long_clients: int) -> None:
    first = configs[0]
    print(f"\n#### {long_clients} of {CLIENTS} clients asking long queries, the others the query mix (a new connection "
          f"per request); medians of {len(results[first])} rounds (range)\n")
    print("| workers×threads | mix p50 ms | mix p95 ms | mix req/s | long answered | long p50 ms | long p95 ms "
          "| long told busy | PSS sum MB | RSS sum MB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for c in configs:
        runs = [r["mixed"] for r in results[c]]
        cells = [figure([r[k] for r in runs], f) for k, f in (("p50", "{:.1f}"), ("p95", "{:.1f}"), ("req_s", "{:.0f}"),
                                                               ("long_answered", "{:.0f}"))]
        cells += [figure([r[k] for r in runs if k in r], "{:.0f}") if any(k in r for r in runs) else "–"
                  for k in ("long_p50", "long_p95")]
        cells += [figure([r["long_busy"] for r in runs], "{:.0f}")]
        cells += [figure([r[k] for r in results[c]], "{:.0f}") for k in ("pss_mb", "rss_mb")]
        print(f"| {c} | " + " | ".join(cells) + " |")
    sys.stdout.flush()


def variant_server(variant: str, index: str, port: int, workers: int, threads: int) -> None:
    """The app built and warmed once, then forked workers serving ``variant``'s way (see above)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from webapp import create_app
    from webapp.server import _serve, listening_socket, more_open_files
    from webapp.workers import Child, Supervisor, share_before_fork

    more_open_files()
    app = create_app({"INDEX_DIR": index, "PORT": port})
    shared = listening_socket("127.0.0.1", port) if variant == "u" else None
    app.extensions["reportsearch"].warm()
    app.extensions["reportsearch"].close()
    share_before_fork()

    def serve_own_socket():
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen(1024)
        _serve(app, threads, sockets=[sock])

    def serve_shared_socket():
        _serve(app, threads, sockets=[shared])

    # Here the parent only supervises (the variants compared predate the serving parent).
    supervisor = Supervisor([Child(argv=[], first=serve_shared_socket if shared else serve_own_socket)] * workers,
                            print)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    supervisor.start()
    try:
        while True:
            time.sleep(3600)
    finally:
        supervisor.stop_all()


def rounded(value):
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    return [rounded(v) for v in value] if isinstance(value, list) else value


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--variant-server":
        variant, index, port, workers, threads = sys.argv[2:7]
        variant_server(variant, index, int(port), int(workers), int(threads))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, required=True, help="an index to serve (only read)")
    ap.add_argument("--configs", nargs="+", default=["1x8", "2x8", "2x4"],
                    help="workers x threads per worker; a trailing r or u: a variant (see above)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--one-client", type=int, default=0, metavar="PASSES",
                    help="instead of the 8-client loads: one client, this many passes from a cold start")
    ap.add_argument("--long", type=int, default=0, metavar="CLIENTS",
                    help="instead of the 8-client loads: this many of the 8 ask long queries, the others the mix")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start; index {args.index}")
    results: dict[str, list[dict]] = {c: [] for c in args.configs}
    for n in range(args.rounds):
        order = args.configs[n % len(args.configs):] + args.configs[:n % len(args.configs)]
        for c in order:
            if args.one_client:        # each from a cold start of its own
                results[c].append({closes: measure(args.index, c, args.one_client, closes) for closes in CLOSES})
            else:
                results[c].append(measure(args.index, c, long_clients=args.long))
            print(f"round {n + 1} {c}: " + json.dumps(rounded(results[c][-1])), file=sys.stderr, flush=True)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    if args.one_client:
        report_one_client(results, args.configs)
    elif args.long:
        report_long(results, args.configs, args.long)
    else:
        report(results, args.configs)


if __name__ == "__main__":
    main()
