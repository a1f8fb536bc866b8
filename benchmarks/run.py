"""apisim against the mock servers users would pick instead, and against the ceiling, on loopback, in one run.

    python benchmarks/run.py                 # one run, ~3 minutes plus the one-off npm install
    python benchmarks/run.py --runs 3 --duration 10 --connections 32 --workers 2 --tools /tmp/apisim-bench-tools
    python benchmarks/run.py --redis         # also: two apisim serve processes sharing one redis-server

Starts ``apisim serve`` (its default server, apisim's own HTTP/1.1 workers on httptools, or
``--server granian``; SQLite shared state), a bare Flask app answering a canned body under granian
with as many workers (the ceiling: what a Python web app reaches on this box; apisim's own server
serves the simulator only, so granian, the fastest WSGI server here, stands in for "the same server"),
Stoplight Prism in dynamic mode (from a minimal OpenAPI export of the same Huawei operation) and
WireMock (the standalone jar from the ``wiremock`` npm package, one static stub), drives each with
``wrk`` for a fixed time, ``--runs`` times, and prints the last run's table, every run's figures
and apisim's ratio to each peer with its spread. Prism and WireMock are installed on demand with
npm into a temporary folder (or ``--tools DIR``, kept for the next run). Needs ``wrk``,
``node``/``npm`` and Java 17; ``--redis`` needs ``redis-server`` (benchmarks/scale.py).

Every server binds 127.0.0.1 and every request goes there. Nothing here is a test: no number is
asserted, the table is for people (README "Performance", docs/performance.md).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

from common import (HOST, INVOICE_PATH, REPO, SAF_KEY, TOKEN_REQUEST, Result, free_port_block, invoice_image_base64,
                    lua_rotating_paths, lua_static, run_wrk, running, wait_for_answer, worker_rss_mb)
from inprocess import in_process_figures, in_process_lines
from peers import bench_bare_flask, bench_prism, bench_wiremock, install_tools, sample_invoice_answer

sys.path.insert(0, str(REPO))

from simulator.auth import aliyun_rpc  # noqa: E402

FLASK, PRISM, WIREMOCK = "bare Flask (canned body, granian)", "Prism (dynamic)", "WireMock (static stub)"


# -- apisim -------------------------------------------------------------------------------------


def huawei_token(iam_url: str) -> str:
    request = urllib.request.Request(iam_url + "/v3/auth/tokens", data=json.dumps(TOKEN_REQUEST).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers["X-Subject-Token"]


def signed_saf_paths(count: int) -> list[str]:
    params = {"Action": "ExecuteRequest", "Version": "2017-03-31", "Service": "face_verify",
              "ServiceParameters": json.dumps({"method": "init", "name": "张三", "certNumber": "110101199003078515",
                                               "metainfo": json.dumps({"deviceType": "android"})}, ensure_ascii=False)}
    now = datetime.now(timezone.utc)  # the simulator checks the timestamp against its own clock
    return ["/?" + aliyun_rpc.encode_params(aliyun_rpc.sign_request(params, *SAF_KEY, method="POST", timestamp=now,
                                                                    nonce=f"bench-{i}", fmt="JSON"))
            for i in range(count)]


def server_option(args: argparse.Namespace) -> list[str]:
    """``--server NAME`` when the run names one; otherwise ``apisim serve``'s own default is measured."""
    return ["--server", args.server] if args.server else []


def apisim_startup_all_contracts(args: argparse.Namespace) -> tuple[float, float]:
    """Seconds from ``apisim serve`` (every contract) to its first answered request, and per-worker RSS."""
    base = free_port_block(100)
    command = [sys.executable, "-m", "simulator", "serve", "--workers", str(args.workers), "--port-base", str(base),
               *server_option(args)]
    started = time.perf_counter()
    with running(command, cwd=REPO) as process:
        wait_for_answer(f"http://{HOST}:{base + 1}/v3/auth/tokens", 60, data=b"{}",
                        headers={"Content-Type": "application/json"})
        elapsed = time.perf_counter() - started
        time.sleep(0.5)
        return elapsed, worker_rss_mb(process.pid)


def bench_apisim(args: argparse.Namespace, work: Path, image: str) -> list[Result]:
    base = free_port_block(60)
    command = [sys.executable, "-m", "simulator", "serve", "--workers", str(args.workers), "--port-base", str(base),
               *server_option(args), "--service", "huawei-ocr", "--service", "cdc-python", "--service", "aliyun-saf"]
    started = time.perf_counter()
    results = []
    with running(command, cwd=REPO) as process:
        from simulator.contracts import load_contracts

        blocks = {name: c.port_block for name, c in load_contracts().items()}
        urls = {"ocr": f"http://{HOST}:{base + 10 * blocks['huawei-ocr']}",
                "iam": f"http://{HOST}:{base + 10 * blocks['huawei-ocr'] + 1}",
                "cdc": f"http://{HOST}:{base + 10 * blocks['cdc-python']}",
                "saf": f"http://{HOST}:{base + 10 * blocks['aliyun-saf']}"}
        startup = wait_for_answer(urls["iam"] + "/v3/auth/tokens", 60, data=b"{}",
                                  headers={"Content-Type": "application/json"})
        startup = time.perf_counter() - started if startup is not None else None
        token = huawei_token(urls["iam"])
        run = dict(duration=args.duration, connections=args.connections, threads=args.threads, work=work)

        huawei = run_wrk(urls["ocr"] + INVOICE_PATH, lua_static("POST", json.dumps({"image": image}), {
            "Content-Type": "application/json", "X-Auth-Token": token}), **run)
        results.append(Result("apisim", "Huawei quota-invoice (token, 2 KB image)", huawei["rps"], huawei["p50"],
                              huawei["p99"], huawei["non_2xx"], worker_rss_mb(process.pid), startup))

        from simulator.contracts import load_contracts

        cdc = load_contracts(services=["cdc-python"])["cdc-python"]
        cdc_token = cdc.credentials[0]["token"]
        publish = {"id": 1, "type": "community", "subtype": "publish", "data": {"content": "压测帖子"}}
        posted = run_wrk(urls["cdc"] + cdc.operations["community_publish"].path + f"?token={cdc_token}",
                         lua_static("POST", json.dumps(publish, ensure_ascii=False),
                                    {"Content-Type": "application/json", "Host": "guosai.zustmanong.cn"}), **run)
        results.append(Result("apisim", "CDC-Python community publish (stateful)", posted["rps"], posted["p50"],
                              posted["p99"], posted["non_2xx"], worker_rss_mb(process.pid), None))

        paths_file = work / "saf-paths.txt"
        paths_file.write_text("\n".join(signed_saf_paths(args.saf_requests)) + "\n")
        # no warm-up: each wrk run starts the pre-signed list again, and a nonce used twice is a replay
        saf = run_wrk(urls["saf"] + "/", lua_rotating_paths(paths_file, args.threads), **run, warmup=0)
        results.append(Result("apisim", "Aliyun SAF RPC (HMAC-SHA1 signature, fresh nonce)", saf["rps"], saf["p50"],
                              saf["p99"], saf["non_2xx"], worker_rss_mb(process.pid), None))
    return results


# -- the tables ---------------------------------------------------------------------------------


def table(results: list[Result], in_process: dict[str, float], startup_all: tuple[float, float],
          args: argparse.Namespace) -> str:
    apisim_huawei = results[0]
    lines = [f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s on loopback; apisim --workers "
             f"{args.workers} ({args.server or 'default server'}, SQLite state); {machine()}", "",
             "| server | call | req/s | p50 ms | p99 ms | non-2xx | RSS MB | start-up s | apisim ÷ this |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        ratio = "" if r is apisim_huawei or r.target == "apisim" else f"{apisim_huawei.rps / r.rps:.2f}×"
        startup = f"{r.startup_s:.2f}" if r.startup_s is not None else ""
        lines.append(f"| {r.target} | {r.call} | {r.rps:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | {r.non_2xx} | "
                     f"{r.rss_mb:.0f} | {startup} | {ratio} |")
    lines += ["", *in_process_lines(in_process),
              f"- Little's law: {args.connections} connections at {apisim_huawei.rps:,.0f} req/s are a mean latency of "
              f"{args.connections / apisim_huawei.rps * 1000:.1f} ms; a p99 under 5 ms needs more than "
              f"{args.connections / 0.005:,.0f} req/s even if every request took the same time",
              f"- `apisim serve` with every contract: {startup_all[0]:.2f} s to the first answered request, "
              f"{startup_all[1]:.0f} MB RSS per worker",
              "- apisim RSS is the largest single process (per worker); the peers' RSS is their whole process tree"]
    return "\n".join(lines)


def spread(runs: list[list[Result]]) -> str:
    """Every run's Huawei figures and apisim's ratio to each peer, then each ratio's range."""
    peers = [name for name in (FLASK, PRISM, WIREMOCK) if any(r.target == name for r in runs[0])]
    header = ["apisim req/s", "apisim p99 ms", *(f"{name} req/s" for name in peers),
              *(f"apisim ÷ {name.split(' (')[0]}" for name in peers)]
    lines = ["| run | " + " | ".join(header) + " |", "|---|" + "---:|" * len(header)]
    ratios: dict[str, list[float]] = {name: [] for name in peers}
    for number, results in enumerate(runs, 1):
        apisim = results[0]
        by_name = {r.target: r for r in results}
        for name in peers:
            ratios[name].append(apisim.rps / by_name[name].rps)
        cells = [f"{apisim.rps:,.0f}", f"{apisim.p99_ms:.1f}", *(f"{by_name[n].rps:,.0f}" for n in peers),
                 *(f"{ratios[n][-1]:.2f}×" for n in peers)]
        lines.append(f"| {number} | " + " | ".join(cells) + " |")
    lines.append("")
    for name in peers:
        values = ratios[name]
        lines.append(f"- apisim ÷ {name}: median {statistics.median(values):.2f}×, "
                     f"range {min(values):.2f}–{max(values):.2f}× over {len(values)} run(s)")
    return "\n".join(lines)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text()).group(1).strip()
    except (OSError, AttributeError):
        pass
    load = os.getloadavg()[0]
    return f"{os.cpu_count()} cores ({cpu}), Python {sys.version.split()[0]}, load average {load:.1f} at the end"


def one_run(args: argparse.Namespace, work: Path, image: str, tools: Path | None, canned: str) -> list[Result]:
    results = bench_apisim(args, work, image)
    results.append(bench_bare_flask(args, work, image, canned))
    if tools is not None:
        results.append(bench_prism(args, work, tools, image))
        results.append(bench_wiremock(args, work, tools, image, canned))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (default %(default)s)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default %(default)s, as issue #23 measured)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="apisim (and bare Flask) workers")
    parser.add_argument("--runs", type=int, default=1, help="measure everything this many times (the spread)")
    parser.add_argument("--saf-requests", type=int, default=60_000, help="pre-signed Aliyun requests (one nonce each)")
    parser.add_argument("--tools", type=Path, help="install Prism and WireMock here and keep them (default: a temp folder)")
    parser.add_argument("--skip-peers", action="store_true", help="leave out Prism and WireMock (the bare Flask app stays)")
    parser.add_argument("--redis", action="store_true", help="also: two apisim serve processes on one redis-server")
    parser.add_argument("--server", choices=("granian", "httptools"),
                        help="apisim serve's HTTP server (default: whichever apisim serve uses by default)")
    args = parser.parse_args(argv)
    for tool in ("wrk",) + (() if args.skip_peers else ("npm", "java")) + (("redis-server",) if args.redis else ()):
        if shutil.which(tool) is None:
            parser.error(f"{tool} is not installed (wrk: apt-get install wrk; npm: nodejs; java: openjdk-17-jre; "
                         f"redis-server: apt-get install redis-server)")
    with tempfile.TemporaryDirectory(prefix="apisim-bench-") as tmp:
        work = Path(tmp)
        image = invoice_image_base64()
        canned = sample_invoice_answer(image)
        tools = None if args.skip_peers else install_tools(args.tools or work / "tools")
        runs = []
        for number in range(args.runs):
            print(f"run {number + 1} of {args.runs} ...", file=sys.stderr, flush=True)
            runs.append(one_run(args, work, image, tools, canned))
        in_process = in_process_figures()
        startup_all = apisim_startup_all_contracts(args)
        scale = None
        if args.redis:
            from scale import redis_figures

            scale = redis_figures(args, work, image)
    print(table(runs[-1], in_process, startup_all, args))
    print()
    print(spread(runs))
    if scale is not None:
        print()
        print(scale)
    return 0


if __name__ == "__main__":
    sys.exit(main())
