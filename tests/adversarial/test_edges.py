"""Every finding of the reliability review (F2, F4-F10, B2 of the UX review), against ``apisim serve``
(granian) and the dev server. Each case ends with :func:`assert_healthy`: a normal request answered
within 1 s, memory and store bounded, no traceback logged."""

from __future__ import annotations

import base64
import functools
import io
import json
import socket
import struct
import time
import zlib

import httpx
import pytest
import requests

from .clients import (
    CDC_TOKEN,
    DISTANCE,
    exchange,
    http_request,
    slow_clients,
    still_open,
)
from .conftest import assert_healthy

CDC_COMMUNITY = f"/api/v2/community/?token={CDC_TOKEN}"


def _publish(content: str) -> bytes:
    return json.dumps({"id": 1, "type": "community", "subtype": "publish", "data": {"content": content}},
                      ensure_ascii=False).encode()


def _posts(server) -> int:
    return len(server.simulator.service_store("cdc-python").items("posts"))


# -- F2: an image whose tag chunk inflates to hundreds of megabytes ------------------------------


@functools.cache
def _bomb_png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (240, 200), (120, 80, 60)).save(buf, "PNG")
    png = buf.getvalue()
    deflater = zlib.compressobj(9)
    inflating = b"".join(deflater.compress(b" " * (1 << 20)) for _ in range(256)) + deflater.flush()  # 256 MiB
    body = b"apisim\x00\x00" + inflating
    chunk = struct.pack(">I", len(body)) + b"zTXt" + body + struct.pack(">I", zlib.crc32(b"zTXt" + body) & 0xFFFFFFFF)
    end = png.rfind(b"IEND") - 4
    return png[:end] + chunk + png[end:]


def test_an_image_tag_chunk_bomb_costs_neither_time_nor_memory(server):
    before = server.peak_rss()
    body = json.dumps({"groupId": "200000", "name": "bomb", "image": base64.b64encode(_bomb_png()).decode()}).encode()
    status, answer, seconds = exchange(server.port("aicp", "new-api"),
                                       http_request("POST", "/aicp/face/add", body, {"Content-Type": "application/json"}))
    assert status == 200 and b'"flag"' in answer  # the service's own answer, as for any untagged image
    assert server.peak_rss() - before < 128 * 1024 * 1024  # inflating it all took 256 MiB and more at once
    assert_healthy(server)


# -- F4: bodies past the service's limit ---------------------------------------------------------


def test_a_50_mb_body_is_refused_from_its_length_and_never_stored(server):
    posts = _posts(server)
    head = (f"POST {CDC_COMMUNITY} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {50 * 1024 * 1024}\r\nConnection: close\r\n\r\n").encode()
    status, answer, _ = exchange(server.port("cdc-python"), head)  # the body is never even sent
    assert status == 413 and b"the limit is 8388608" in answer
    # sent in full, as curl would: refused all the same (0: answered and closed while the client still sent)
    status, _, _ = exchange(server.port("cdc-python"), head + _publish("A" * (50 * 1024 * 1024))[:50 * 1024 * 1024])
    assert status in (413, 0)
    assert _posts(server) == posts
    entries = server.simulator.journal.entries(service="cdc-python")
    assert entries[-1]["request_body_bytes"] >= 50 * 1024 * 1024 and entries[-1]["request_body"] == ""
    assert_healthy(server)


def test_a_chunked_body_is_read_no_further_than_the_limit(server):
    data = _publish("B" * (9 * 1024 * 1024))
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (data[i:i + 65536] for i in range(0, len(data), 65536)))
    head = (f"POST {CDC_COMMUNITY} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").encode()
    status, answer, _ = exchange(server.port("cdc-python"), head + chunks + b"0\r\n\r\n")
    assert status == 413 and b"the limit is 8388608" in answer
    assert_healthy(server)


# -- F5: slow clients ----------------------------------------------------------------------------


def test_2000_slow_clients_do_not_starve_the_port_and_are_cut_off(server):
    port = server.port("cdc-python")
    with slow_clients(port, 1000, phase="headers") as heads, slow_clients(port, 1000, phase="body") as bodies:
        seconds = assert_healthy(server)  # a normal request within 1 s while 2,000 connections hang
        print(f"\n{server.kind}: a normal request with 2,000 slow connections open took {seconds * 1000:.1f} ms")
        deadline = time.monotonic() + 20  # header and body deadlines of 2 s (conftest), then the server closes
        while still_open(heads) + still_open(bodies) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert still_open(heads) + still_open(bodies) == 0
    assert_healthy(server)


# -- F6: headers quoting the request -------------------------------------------------------------


@pytest.mark.parametrize("client", ["requests", "httpx"])
def test_a_200_kb_key_still_lets_the_client_read_the_documented_error(server, client):
    data = {"lat1": 1, "lng1": 1, "lat2": 2, "lng2": 2, "K" * 200_000: 1}
    body = json.dumps({"id": 1, "type": "distance", "subtype": "calc", "data": data})
    url = f"http://127.0.0.1:{server.port('cdc-python')}/api/v2/distance/"
    if client == "requests":
        answer = requests.post(url, data=body, headers={"Content-Type": "application/json"}, timeout=10)
    else:
        answer = httpx.post(url, content=body, headers={"Content-Type": "application/json"}, timeout=10)
    assert answer.json()["status"] == -3
    assert len(answer.headers["X-Apisim-Detail"]) <= 1024
    assert_healthy(server)


# -- F7: the admin API and web pages -------------------------------------------------------------


def test_a_cross_site_post_and_a_rebound_host_are_refused(server):
    port = server.port("cdc-python")
    spec = b'{"spec": "cdc-python:*:code=-200,times=1000"}'
    status, _, _ = exchange(port, http_request("POST", "/__apisim/faults", spec,
                                               {"Content-Type": "text/plain", "Origin": "http://evil.example"}))
    assert status == 403
    status, _, _ = exchange(port, http_request("POST", "/__apisim/faults", spec, {"Content-Type": "text/plain"}))
    assert status == 415
    rebound = http_request("GET", "/__apisim/requests").replace(b"Host: 127.0.0.1", b"Host: attacker.example:80")
    assert exchange(port, rebound)[0] == 403
    faults = exchange(port, http_request("GET", "/__apisim/faults"))[1]
    assert faults.endswith(b'{"faults":[]}\n')
    assert_healthy(server)


# -- F9: JSON nested 100,000 deep ----------------------------------------------------------------


def test_json_nested_100000_deep_is_refused_by_every_service(server):
    from simulator.auth import aliyun_rpc

    deep = ("[" * 100_000 + "]" * 100_000).encode()
    signed = aliyun_rpc.sign_request({"Action": "ExecuteRequest", "Version": "2017-03-31", "Service": "face_verify",
                                      "ServiceParameters": json.dumps({"method": "init"})},
                                     "YourAccessKeyID", "YourAccessKeySecret", method="POST",
                                     timestamp=server.simulator.now(), nonce=f"deep-{time.monotonic_ns()}", fmt="JSON")
    status, answer, _ = exchange(server.port("aliyun-saf"), http_request(
        "POST", "/?" + aliyun_rpc.encode_params(signed), deep, {"Content-Type": "application/json"}))
    assert status < 500 and b'"Code": 500' not in answer and b'"Code":500' not in answer
    for port in server.ports():
        status, _, _ = exchange(port, http_request("POST", "/", deep, {"Content-Type": "application/json"}))
        assert 0 < status < 500 or status == 500 and port == server.port("aicp", "user")
    assert_healthy(server)


# -- F10: broken framing and clients that leave -----------------------------------------------------


def test_a_malformed_chunked_body_is_a_400_and_a_client_leaving_mid_body_logs_no_traceback(server):
    port = server.port("cdc-python")
    status, _, _ = exchange(port, b"POST /api/v2/distance/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                                  b"Connection: close\r\n\r\nzz\r\nabc\r\n0\r\n\r\n")
    assert status == 400
    for _ in range(20):
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(b"POST /api/v2/distance/ HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"id\":")
    assert_healthy(server)


# -- B2: a line separator in a journaled body ------------------------------------------------------


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x1c\x1d\x1e"])
def test_a_unicode_line_separator_in_a_body_keeps_the_journal_readable(server, separator):
    raw = _publish("a<>b").replace(b"<>", separator.encode("utf-8"))  # unescaped, as a client may send it
    status, _, _ = exchange(server.port("cdc-python"), http_request(
        "POST", CDC_COMMUNITY, raw, {"Content-Type": "application/json"}))
    assert status == 200
    status, answer, _ = exchange(server.port("cdc-python"), http_request("GET", "/__apisim/requests?limit=5"))
    assert status == 200
    assert any(separator in (e["request_body"] or "") for e in json.loads(answer.split(b"\r\n\r\n", 1)[1])["requests"])
    assert_healthy(server)


def test_a_normal_request_is_what_the_health_check_sends(server):
    """The health check itself: a CDC distance call answered with status 0."""
    status, answer, _ = exchange(server.port("cdc-python"), http_request(
        "POST", "/api/v2/distance/", DISTANCE, {"Content-Type": "application/json"}))
    assert status == 200 and b'"status": 0' in answer
