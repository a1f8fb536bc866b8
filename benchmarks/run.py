"""apisim against the mock servers users would pick instead, on loopback, in one run.

    python benchmarks/run.py                 # ~2 minutes plus the one-off npm install
    python benchmarks/run.py --duration 5 --connections 32 --workers 2 --tools /tmp/apisim-bench-tools

Starts ``apisim serve`` (granian workers, SQLite shared state), Stoplight Prism in dynamic mode
(from a minimal OpenAPI export of the same Huawei operation) and WireMock (the standalone jar
from the ``wiremock`` npm package, one static stub), drives each with ``wrk`` for a fixed time and
prints one Markdown table. Prism and WireMock are installed on demand with npm into a temporary
folder (or ``--tools DIR``, kept for the next run). Needs ``wrk``, ``node``/``npm`` and Java 17.

Every server binds 127.0.0.1 and every request goes there. Nothing here is a test: no number is
asserted, the table is for people (README "Performance", docs/performance.md).
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from simulator.auth import aliyun_rpc  # noqa: E402

HOST = "127.0.0.1"
PROJECT = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
INVOICE_PATH = f"/v2/{PROJECT}/ocr/quota-invoice"
TOKEN_REQUEST = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
    "name": "apisim-demo", "password": "apisim-demo-password", "domain": {"name": "apisim-demo"}}}},
    "scope": {"project": {"name": "cn-north-4"}}}}
SAF_KEY = ("YourAccessKeyID", "YourAccessKeySecret")
NPM_PACKAGES = ["@stoplight/prism-cli@5", "wiremock@3"]


@dataclass
class Result:
    target: str
    call: str
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    rss_mb: float
    startup_s: float | None


# -- inputs -------------------------------------------------------------------------------------


def invoice_image_base64() -> str:
    """A real PNG of noise whose base64 is about 2 KB (noise does not compress)."""
    from PIL import Image

    rng = random.Random(1)
    image = Image.new("RGB", (24, 20))
    image.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(24 * 20)])
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return base64.b64encode(buf.getvalue()).decode()


def free_port_block(span: int = 60) -> int:
    from simulator.server import free_port_base

    return free_port_base(HOST, span=span)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# -- processes ----------------------------------------------------------------------------------


def wait_for_answer(url: str, timeout: float, data: bytes | None = None, headers: dict | None = None) -> float:
    """Seconds until ``url`` answers anything over HTTP."""
    started = time.perf_counter()
    deadline = started + timeout
    while True:
        try:
            request = urllib.request.Request(url, data=data, headers=headers or {})
            urllib.request.urlopen(request, timeout=2).close()
            return time.perf_counter() - started
        except urllib.error.HTTPError:
            return time.perf_counter() - started
        except OSError:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{url} did not answer within {timeout:.0f} s") from None
            time.sleep(0.01)


@contextmanager
def running(command: list[str], *, cwd: Path | None = None) -> Iterator[subprocess.Popen]:
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        yield process
    finally:
        process.terminate()  # apisim's master passes SIGTERM on to its workers
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (apisim's master and workers)."""
    total_kb = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total_kb += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (OSError, AttributeError):
            continue
        pids += [int(c) for c in children]
    return total_kb / 1024


def worker_rss_mb(pid: int) -> float:
    """The largest single process in the tree (the per-worker figure the target is about)."""
    sizes = []
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
            pids += [int(c) for c in Path(f"/proc/{current}/task/{current}/children").read_text().split()]
        except (OSError, AttributeError):
            continue
    return max(sizes, default=0.0)


# -- wrk ----------------------------------------------------------------------------------------


def lua_static(method: str, body: str, headers: dict[str, str]) -> str:
    lines = [f"wrk.method = {json.dumps(method)}", f"wrk.body = {json.dumps(body)}"]
    lines += [f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()]
    return "\n".join(lines) + "\n"


def lua_rotating_paths(paths_file: Path, threads: int) -> str:
    """Each wrk thread sends its own share of pre-signed paths (every Aliyun request needs a fresh nonce)."""
    return f"""
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  paths = {{}}
  local n = 0
  for line in io.lines("{paths_file}") do
    if n % {threads} == id then paths[#paths + 1] = line end
    n = n + 1
  end
  i = 0
  wrk.method = "POST"
  wrk.headers["Host"] = "saf.cn-shanghai.aliyuncs.com"
end
function request()
  i = i + 1
  if i > #paths then i = 1 end
  return wrk.format(nil, paths[i])
end
"""


def run_wrk(url: str, script: str, *, duration: int, connections: int, threads: int, work: Path) -> dict[str, float]:
    script_file = work / f"wrk-{abs(hash(script))}.lua"
    script_file.write_text(script)
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency",
                          "-s", str(script_file), url], capture_output=True, text=True, timeout=duration + 60).stdout
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
        "non_2xx": int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)) else 0,
        "raw": out,
    }


def _ms(text: str) -> float:
    value, unit = float(re.match(r"[\d.]+", text).group()), re.sub(r"[\d.]", "", text)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


# -- the peers ----------------------------------------------------------------------------------


def install_tools(folder: Path) -> Path:
    if not (folder / "node_modules" / ".bin" / "prism").exists() or not list(folder.glob("node_modules/wiremock/**/*.jar")):
        folder.mkdir(parents=True, exist_ok=True)
        print(f"installing {', '.join(NPM_PACKAGES)} into {folder} ...", file=sys.stderr, flush=True)
        subprocess.run(["npm", "install", "--prefix", str(folder), "--no-audit", "--no-fund", "--loglevel=error",
                        *NPM_PACKAGES], check=True, timeout=600)
    return folder


def openapi_for_invoice() -> dict[str, Any]:
    """The Huawei quota-invoice operation as OpenAPI 3.1, from its contract (the export, if present)."""
    from simulator.contracts import load_contracts

    contract = load_contracts(services=["huawei-ocr"])["huawei-ocr"]
    op = contract.operations["recognize_quota_invoice"]

    def refs(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: (v.replace("#/$defs/", "#/components/schemas/") if k == "$ref" else refs(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [refs(v) for v in node]
        return node

    return {
        "openapi": "3.1.0",
        "info": {"title": "Huawei OCR quota invoice (apisim benchmark)", "version": "1"},
        "servers": [{"url": "http://127.0.0.1"}],
        "paths": {op.path: {"post": {
            "operationId": op.id,
            "parameters": [{"name": "project_id", "in": "path", "required": True, "schema": {"type": "string"}},
                           {"name": "X-Auth-Token", "in": "header", "required": True, "schema": {"type": "string"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": refs(op.request["body"])}}},
            "responses": {"200": {"description": "recognised", "content": {
                "application/json": {"schema": refs(op.response["body"])}}}},
        }}},
        "components": {"schemas": refs(contract.defs)},
    }


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


def respx_per_call_ms(calls: int = 2000) -> float:
    """Median wall time of one httpx call routed in-process into the simulator (the pytest fixture's path)."""
    import httpx

    from simulator.config import SimulatorConfig
    from simulator import Simulator
    from simulator.testing.respx_route import apisim_router

    sim = Simulator(SimulatorConfig(services=["huawei-ocr"]))
    body = {"image": invoice_image_base64()}
    with apisim_router(sim):
        with httpx.Client() as client:
            answer = client.post("https://iam.cn-north-4.myhuaweicloud.com/v3/auth/tokens", json=TOKEN_REQUEST)
            headers = {"X-Auth-Token": answer.headers["X-Subject-Token"]}
            url = "https://ocr.cn-north-4.myhuaweicloud.com" + INVOICE_PATH
            assert client.post(url, json=body, headers=headers).status_code == 200
            times = []
            for _ in range(calls):
                started = time.perf_counter()
                client.post(url, json=body, headers=headers)
                times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def apisim_startup_all_contracts(workers: int) -> tuple[float, float]:
    """Seconds from ``apisim serve`` (every contract) to its first answered request, and per-worker RSS."""
    base = free_port_block(100)
    command = [sys.executable, "-m", "simulator", "serve", "--workers", str(workers), "--port-base", str(base)]
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
               "--service", "huawei-ocr", "--service", "cdc-python", "--service", "aliyun-saf"]
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
        saf = run_wrk(urls["saf"] + "/", lua_rotating_paths(paths_file, args.threads), **run)
        results.append(Result("apisim", "Aliyun SAF RPC (HMAC-SHA1 signature, fresh nonce)", saf["rps"], saf["p50"],
                              saf["p99"], saf["non_2xx"], worker_rss_mb(process.pid), None))
    return results


def bench_prism(args: argparse.Namespace, work: Path, tools: Path, image: str) -> Result:
    spec = work / "huawei-ocr.openapi.json"
    spec.write_text(json.dumps(openapi_for_invoice(), ensure_ascii=False))
    port = free_port()
    command = [str(tools / "node_modules" / ".bin" / "prism"), "mock", "-d", "-h", HOST, "-p", str(port), str(spec)]
    started = time.perf_counter()
    with running(command) as process:
        wait_for_answer(f"http://{HOST}:{port}{INVOICE_PATH}", 60)
        startup = time.perf_counter() - started
        result = run_wrk(f"http://{HOST}:{port}{INVOICE_PATH}", lua_static("POST", json.dumps({"image": image}), {
            "Content-Type": "application/json", "X-Auth-Token": "MII-benchmark"}), duration=args.duration,
            connections=args.connections, threads=args.threads, work=work)
        return Result("Prism (dynamic)", "Huawei quota-invoice", result["rps"], result["p50"], result["p99"],
                      result["non_2xx"], tree_rss_mb(process.pid), startup)


def bench_wiremock(args: argparse.Namespace, work: Path, tools: Path, image: str, stub_body: str) -> Result:
    jar = sorted(tools.glob("node_modules/wiremock/**/wiremock-standalone-*.jar"))[-1]
    root = work / "wiremock"
    (root / "mappings").mkdir(parents=True, exist_ok=True)
    (root / "mappings" / "invoice.json").write_text(json.dumps({"request": {"method": "POST", "urlPath": INVOICE_PATH},
                                                                "response": {"status": 200, "body": stub_body, "headers": {
                                                                    "Content-Type": "application/json"}}}))
    port = free_port()
    command = ["java", "-jar", str(jar), "--bind-address", HOST, "--port", str(port), "--root-dir", str(root),
               "--disable-banner", "--no-request-journal"]
    started = time.perf_counter()
    with running(command) as process:
        wait_for_answer(f"http://{HOST}:{port}/__admin/mappings", 60)
        startup = time.perf_counter() - started
        result = run_wrk(f"http://{HOST}:{port}{INVOICE_PATH}", lua_static("POST", json.dumps({"image": image}), {
            "Content-Type": "application/json", "X-Auth-Token": "MII-benchmark"}), duration=args.duration,
            connections=args.connections, threads=args.threads, work=work)
        return Result("WireMock (static stub)", "Huawei quota-invoice", result["rps"], result["p50"], result["p99"],
                      result["non_2xx"], tree_rss_mb(process.pid), startup)


# -- the table ----------------------------------------------------------------------------------


def table(results: list[Result], respx_ms: float, startup_all: tuple[float, float], args: argparse.Namespace) -> str:
    apisim_huawei = results[0]
    lines = [f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s on loopback; apisim --workers "
             f"{args.workers} (granian, SQLite state); {machine()}", "",
             "| server | call | req/s | p50 ms | p99 ms | non-2xx | RSS MB | start-up s | apisim ÷ this |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        ratio = "" if r is apisim_huawei or r.target == "apisim" else f"{apisim_huawei.rps / r.rps:.2f}×"
        startup = f"{r.startup_s:.2f}" if r.startup_s is not None else ""
        lines.append(f"| {r.target} | {r.call} | {r.rps:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | {r.non_2xx} | "
                     f"{r.rss_mb:.0f} | {startup} | {ratio} |")
    lines += ["", f"- in-process respx call through the full pipeline (Huawei quota-invoice): median {respx_ms:.3f} ms",
              f"- `apisim serve` with every contract: {startup_all[0]:.2f} s to the first answered request, "
              f"{startup_all[1]:.0f} MB RSS per worker",
              "- apisim RSS is the largest single process (per worker); the peers' RSS is their whole process tree"]
    return "\n".join(lines)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text()).group(1).strip()
    except (OSError, AttributeError):
        pass
    load = os.getloadavg()[0]
    return f"{os.cpu_count()} cores ({cpu}), Python {sys.version.split()[0]}, load average {load:.1f} at the end"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (default %(default)s)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="apisim workers")
    parser.add_argument("--saf-requests", type=int, default=60_000, help="pre-signed Aliyun requests (one nonce each)")
    parser.add_argument("--tools", type=Path, help="install Prism and WireMock here and keep them (default: a temp folder)")
    parser.add_argument("--skip-peers", action="store_true", help="measure apisim only")
    args = parser.parse_args(argv)
    for tool in ("wrk",) + (() if args.skip_peers else ("npm", "java")):
        if shutil.which(tool) is None:
            parser.error(f"{tool} is not installed (wrk: apt-get install wrk; npm: nodejs; java: openjdk-17-jre)")
    with tempfile.TemporaryDirectory(prefix="apisim-bench-") as tmp:
        work = Path(tmp)
        image = invoice_image_base64()
        results = bench_apisim(args, work, image)
        if not args.skip_peers:
            tools = install_tools(args.tools or work / "tools")
            stub = _sample_invoice_answer(image)
            results.append(bench_prism(args, work, tools, image))
            results.append(bench_wiremock(args, work, tools, image, stub))
        respx_ms = respx_per_call_ms()
        startup_all = apisim_startup_all_contracts(args.workers)
    print(table(results, respx_ms, startup_all, args))
    return 0


def _sample_invoice_answer(image: str) -> str:
    """apisim's own answer to the benchmark request: WireMock serves it as a static stub."""
    import httpx

    from simulator.config import SimulatorConfig
    from simulator import Simulator
    from simulator.testing.respx_route import apisim_router

    sim = Simulator(SimulatorConfig(services=["huawei-ocr"]))
    with apisim_router(sim), httpx.Client() as client:
        token = client.post("https://iam.cn-north-4.myhuaweicloud.com/v3/auth/tokens",
                            json=TOKEN_REQUEST).headers["X-Subject-Token"]
        return client.post("https://ocr.cn-north-4.myhuaweicloud.com" + INVOICE_PATH, json={"image": image},
                           headers={"X-Auth-Token": token}).text


if __name__ == "__main__":
    sys.exit(main())
