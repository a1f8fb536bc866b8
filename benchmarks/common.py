"""What the benchmark's parts share: the request, the processes, wrk, and one result row."""

from __future__ import annotations

import base64
import io
import json
import os
import random
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

REPO = Path(__file__).resolve().parent.parent

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
    sys.path.insert(0, str(REPO))
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


WARMUP_SECONDS = 3  # as issue #23 measured: wrk -t1 -c32, 8 s after a 3 s warm-up


def run_wrk(url: str, script: str, *, duration: int, connections: int, threads: int, work: Path,
            warmup: int = WARMUP_SECONDS) -> dict[str, float]:
    """``wrk`` for ``duration`` seconds after ``warmup`` seconds of the same load (not measured: JIT
    compilers, caches and lazily built objects settle first, for every server alike)."""
    script_file = work / f"wrk-{abs(hash(script))}.lua"
    script_file.write_text(script)
    if warmup:
        subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{warmup}s", "-s", str(script_file), url],
                       capture_output=True, timeout=warmup + 60)
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
