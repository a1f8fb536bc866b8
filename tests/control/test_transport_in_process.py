"""In-process transports get a TransportFault from Simulator.handle and raise what a socket would."""

from __future__ import annotations

import httpx
import pytest

from simulator.control import TransportFault
from simulator.core import SimRequest
from simulator.testing.respx_route import HttpxFaultInjector

OCR = "https://ocr.cn-north-4.myhuaweicloud.com/v2/0a1b2c3d4e5f60718293a4b5c6d7e8f9/ocr/quota-invoice"


def client_over(simulator) -> httpx.Client:
    def handle(request: httpx.Request) -> httpx.Response:
        answer = simulator.handle(SimRequest.from_url(request.method, str(request.url), request.headers.items(),
                                                      request.read()))
        if isinstance(answer, TransportFault):
            HttpxFaultInjector(request).carry_out(answer)
        return httpx.Response(answer.status, headers=answer.headers, content=answer.body, request=request)

    return httpx.Client(transport=httpx.MockTransport(handle))


@pytest.mark.parametrize("spec, error", [
    ("reset", httpx.ReadError),
    ("hang=1s", httpx.ReadTimeout),
    ("disconnect", httpx.RemoteProtocolError),
    ("truncate=50%,cut", httpx.RemoteProtocolError),
])
def test_httpx_sees_the_error_a_real_connection_would_give(sim, spec, error):
    sim.control.faults.inject(f"huawei-ocr:*:{spec},times=1")
    with client_over(sim.simulator) as client:
        with pytest.raises(error, match="apisim fault"):
            client.post(OCR, json={"url": "x"})
        assert client.post(OCR, json={"url": "x"}).status_code == 401
