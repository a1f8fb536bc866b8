"""Beyond one process group: two ``apisim serve`` processes sharing one redis-server, and what each
store costs a request.

    python benchmarks/scale.py --duration 5      # or: python benchmarks/run.py --redis

Two ``apisim serve`` processes (``--workers 1`` each, ports apart) share one loopback
redis-server (``--save "" --appendonly no``: nothing written to disk), as two hosts behind a load
balancer would; one ``wrk`` drives each at once, and their sum is the pair's throughput. The
store's cost per request is the CPU time of ``Simulator.handle`` (process time, so other load on
the box matters less: the least of several batches) with the memory, SQLite and Redis stores.
Every process binds 127.0.0.1 and stops by itself: wrk runs for ``--duration`` seconds.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from common import (HOST, INVOICE_PATH, REPO, TOKEN_REQUEST, free_port, free_port_block, invoice_image_base64,
                    lua_static, run_wrk, running, wait_for_answer)

sys.path.insert(0, str(REPO))


def redis_figures(args: argparse.Namespace, work: Path, image: str) -> str:
    redis_port = free_port()
    redis = ["redis-server", "--bind", HOST, "--port", str(redis_port), "--save", "", "--appendonly", "no",
             "--protected-mode", "yes"]
    url = f"redis://{HOST}:{redis_port}/0?prefix=bench"
    with running(redis):
        _wait_for_redis(redis_port)
        pair = two_servers(args, work, image, url)
        costs = store_costs(image, url, work)
    lines = [f"Two `apisim serve --workers 1 --store redis://…` processes, one redis-server, one wrk each "
             f"(-t1 -c{max(1, args.connections // 2)} -d{args.duration}s), Huawei quota-invoice:", "",
             "| process | req/s | p50 ms | p99 ms | non-2xx |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {name} | {r['rps']:,.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['non_2xx']} |" for name, r in pair]
    lines += [f"| both | {sum(r['rps'] for _, r in pair):,.0f} | | | {sum(r['non_2xx'] for _, r in pair)} |", "",
              "CPU per in-process `Simulator.handle` of the same call, by store (least of 15 batches of 200):", ""]
    lines += [f"- {name}: {us:.0f} µs" + (f" (+{us - costs['memory']:.0f} µs over memory)" if name != "memory" else "")
              for name, us in costs.items()]
    return "\n".join(lines)


def _wait_for_redis(port: int, timeout: float = 20.0) -> None:
    import redis

    client = redis.Redis(host=HOST, port=port)
    deadline = time.monotonic() + timeout
    while True:
        try:
            client.ping()
            return
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"redis-server on port {port} did not answer within {timeout:.0f} s") from None
            time.sleep(0.05)


def two_servers(args: argparse.Namespace, work: Path, image: str, store_url: str) -> list[tuple[str, dict]]:
    from simulator.contracts import load_contracts

    block = load_contracts(services=["huawei-ocr"])["huawei-ocr"].port_block
    bases = [free_port_block(60)]
    bases.append(bases[0] + 100)  # a second block clear of the first
    commands = [[sys.executable, "-m", "simulator", "serve", "--workers", "1", "--port-base", str(base),
                 "--service", "huawei-ocr", "--store", store_url,
                 *(["--server", args.server] if getattr(args, "server", None) else [])] for base in bases]
    with running(commands[0], cwd=REPO), running(commands[1], cwd=REPO):
        urls = []
        for base in bases:
            iam = f"http://{HOST}:{base + 10 * block + 1}"
            wait_for_answer(iam + "/v3/auth/tokens", 60, data=b"{}", headers={"Content-Type": "application/json"})
            urls.append((f"http://{HOST}:{base + 10 * block}", iam))
        token = _token(urls[0][1])  # issued by one, accepted by the other: the token lives in redis
        script = lua_static("POST", json.dumps({"image": image}),
                            {"Content-Type": "application/json", "X-Auth-Token": token})
        results: list[tuple[str, dict]] = []

        def drive(name: str, ocr: str) -> None:
            results.append((name, run_wrk(ocr + INVOICE_PATH, script, duration=args.duration,
                                          connections=max(1, args.connections // 2), threads=1, work=work)))

        threads = [threading.Thread(target=drive, args=(f"apisim {i + 1}", ocr)) for i, (ocr, _) in enumerate(urls)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return sorted(results)


def _token(iam_url: str) -> str:
    import urllib.request

    request = urllib.request.Request(iam_url + "/v3/auth/tokens", data=json.dumps(TOKEN_REQUEST).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers["X-Subject-Token"]


def store_costs(image: str, redis_url: str, work: Path) -> dict[str, float]:
    """CPU µs per ``Simulator.handle`` with each store, each in a fresh process (least of 15 batches)."""
    stores = {"memory": "memory://", "SQLite": f"sqlite:///{work}/cost.db", "Redis": redis_url + "cost"}
    out = {}
    for name, url in stores.items():
        run = subprocess.run([sys.executable, "-c", _COST, url, image], capture_output=True, text=True, timeout=300,
                             cwd=REPO, check=True)
        out[name] = float(run.stdout.split()[-1])
    return out


_COST = """
import json, sys, time
from simulator import Simulator
from simulator.config import SimulatorConfig
from simulator.core import SimRequest
sim = Simulator(SimulatorConfig(services=["huawei-ocr"], store_url=sys.argv[1]))
iam = SimRequest.from_url("POST", "https://iam.cn-north-4.myhuaweicloud.com/v3/auth/tokens",
                          headers={"Content-Type": "application/json"}, body=json.dumps(%r).encode())
token = dict(sim.handle(iam).headers)["X-Subject-Token"]
headers = {"X-Auth-Token": token, "Content-Type": "application/json"}
body = json.dumps({"image": sys.argv[2]}).encode()
url = "https://ocr.cn-north-4.myhuaweicloud.com%s"
batches = []
for _ in range(15):
    requests = [SimRequest.from_url("POST", url, headers=headers, body=body) for _ in range(200)]
    started = time.process_time()
    for request in requests:
        assert sim.handle(request).status == 200
    batches.append((time.process_time() - started) / 200 * 1e6)
print(min(batches))
""" % (TOKEN_REQUEST, INVOICE_PATH)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (default %(default)s)")
    parser.add_argument("--connections", type=int, default=32, help="in all, split between the two servers")
    args = parser.parse_args(argv)
    for tool in ("wrk", "redis-server"):
        if shutil.which(tool) is None:
            parser.error(f"{tool} is not installed (apt-get install {tool})")
    import tempfile

    with tempfile.TemporaryDirectory(prefix="apisim-scale-") as tmp:
        print(redis_figures(args, Path(tmp), invoice_image_base64()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
