"""A loopback upstream for the checking proxy: a tiny werkzeug app on 127.0.0.1 answering the pet
store, one answer off its contract (``GET /v1/pets/7``: an ``id`` that is text)."""

from __future__ import annotations

import json
import threading

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.services.generic.conftest import pets_dir  # noqa: F401  (the imported pet store's contracts)

OFF_CONTRACT = {"id": "seven", "name": "Rex"}


@Request.application
def pet_store(request: Request) -> Response:
    def answer(status: int, body) -> Response:
        return Response(json.dumps(body), status, content_type="application/json")

    if request.headers.get("X-API-Key") is None:
        return answer(401, {"code": "401", "message": "no or bad key"})
    if request.method == "GET" and request.path == "/v1/pets/7":
        return answer(200, OFF_CONTRACT)
    if request.method == "GET" and request.path == "/v1/pets/8":
        return answer(404, {"code": "PET_GONE", "message": "pet 8 left"})
    if request.method == "GET" and request.path == "/v1/pets/9":
        return answer(418, {"teapot": True})
    if request.method == "POST" and request.path == "/v1/pets":
        sent = json.loads(request.get_data() or b"{}")
        return answer(201, {"id": 1, **sent})
    return answer(200, [{"id": 1, "name": "Rex"}])


@pytest.fixture
def upstream():
    """``http://127.0.0.1:PORT`` of the upstream, stopped after the test; ``.seen`` lists the paths it got."""
    server = make_server("127.0.0.1", 0, pet_store, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v1"  # stands for the deployment's https://api.pets.example/v1
    server.shutdown()
    thread.join(5)
