"""The in-process figures of ``benchmarks/run.py``: one Huawei quota-invoice call without a socket.

* ``Simulator.handle``: the whole pipeline (token, validation, state, faults, journal) on a
  ``SimRequest``, with the memory store the pytest fixtures use and with the SQLite store
  ``apisim serve`` shares between its workers;
* the same call through httpx and respx (the ``apisim_respx`` fixture's path);
* httpx's own floor: the same ``client.post`` answered by an ``httpx.MockTransport`` with a canned
  body, which no route into the simulator can go below.

Medians of ``calls`` calls after a warm-up; nothing here is asserted.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from typing import Any, Callable

from common import INVOICE_PATH, TOKEN_REQUEST, invoice_image_base64

OCR_URL = "https://ocr.cn-north-4.myhuaweicloud.com" + INVOICE_PATH


def median_ms(call: Callable[[], Any], calls: int) -> float:
    for _ in range(min(500, calls)):
        call()
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def handle_ms(store_url: str | None, calls: int) -> float:
    """``Simulator.handle`` on a prepared request, as a served worker calls it."""
    from simulator import Simulator
    from simulator.config import SimulatorConfig
    from simulator.contracts import load_contracts
    from simulator.core import SimRequest
    from simulator.core.http import Headers

    sim = Simulator(SimulatorConfig(services=["huawei-ocr"], store_url=store_url, port_base=40000))
    block = load_contracts(services=["huawei-ocr"])["huawei-ocr"].port_block
    ocr_port, iam_port = 40000 + 10 * block, 40000 + 10 * block + 1

    def request(path: str, body: bytes, headers: list[tuple[str, str]], port: int) -> SimRequest:
        return SimRequest(method="POST", path=path, query=[], headers=Headers(headers), body=body,
                          host=f"127.0.0.1:{port}", local_port=port, raw_query="", body_refused=None)

    answer = sim.handle(request("/v3/auth/tokens", json.dumps(TOKEN_REQUEST).encode(),
                                [("Content-Type", "application/json")], iam_port))
    token = dict(answer.headers)["X-Subject-Token"]
    body = json.dumps({"image": invoice_image_base64()}).encode()
    headers = [("Content-Type", "application/json"), ("X-Auth-Token", token), ("Host", f"127.0.0.1:{ocr_port}")]
    assert sim.handle(request(INVOICE_PATH, body, headers, ocr_port)).status == 200
    return median_ms(lambda: sim.handle(request(INVOICE_PATH, body, headers, ocr_port)), calls)


def respx_ms(calls: int) -> float:
    """One httpx call routed in-process into the simulator (the pytest fixture's path)."""
    import httpx

    from simulator import Simulator
    from simulator.config import SimulatorConfig
    from simulator.testing.respx_route import apisim_router

    sim = Simulator(SimulatorConfig(services=["huawei-ocr"]))
    body = {"image": invoice_image_base64()}
    with apisim_router(sim), httpx.Client() as client:
        answer = client.post("https://iam.cn-north-4.myhuaweicloud.com/v3/auth/tokens", json=TOKEN_REQUEST)
        headers = {"X-Auth-Token": answer.headers["X-Subject-Token"]}
        assert client.post(OCR_URL, json=body, headers=headers).status_code == 200
        return median_ms(lambda: client.post(OCR_URL, json=body, headers=headers), calls)


def httpx_floor_ms(calls: int) -> float:
    """The same ``client.post`` answered at once with a canned body: httpx's own cost."""
    import httpx

    canned = b'{"result": {}}'

    def answer(request: httpx.Request) -> httpx.Response:
        request.read()
        return httpx.Response(200, content=canned, headers={"Content-Type": "application/json"})

    body = {"image": invoice_image_base64()}
    with httpx.Client(transport=httpx.MockTransport(answer)) as client:
        return median_ms(lambda: client.post(OCR_URL, json=body, headers={"X-Auth-Token": "t"}), calls)


def in_process_figures(calls: int = 3000) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="apisim-bench-store-") as folder:
        sqlite_ms = handle_ms(f"sqlite:///{folder}/state.db", calls)
    return {"handle_memory": handle_ms(None, calls), "handle_sqlite": sqlite_ms,
            "respx": respx_ms(calls), "httpx_floor": httpx_floor_ms(calls)}


def in_process_lines(figures: dict[str, float]) -> list[str]:
    return [
        f"- in-process, `Simulator.handle` (the whole pipeline, Huawei quota-invoice): median "
        f"{figures['handle_memory']:.3f} ms with the memory store (the pytest fixtures'), "
        f"{figures['handle_sqlite']:.3f} ms with SQLite (`apisim serve`'s)",
        f"- the same call through httpx and respx (`apisim_respx`): median {figures['respx']:.3f} ms, of which httpx "
        f"itself is {figures['httpx_floor']:.3f} ms (the same `client.post` answered by a canned `MockTransport`)",
    ]


if __name__ == "__main__":
    print("\n".join(in_process_lines(in_process_figures())))
