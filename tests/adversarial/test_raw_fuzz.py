"""Hypothesis writes raw HTTP requests (bytes, headers, framing) to every deployment port: the answer
is a documented one, a 4xx, or a quiet close, never an undocumented 5xx; the server stays healthy.

Bounded and deterministic: a fixed number of examples per server, derandomized.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .clients import exchange
from .conftest import assert_healthy

METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "FOO", "post", ""]
EXTRA_PATHS = ["/", "//", "/%00", "/..%2f..%2fetc/passwd", "/__apisim/clock", "/__apisim/requests?limit=1",
               "/__apisim/../__apisim/faults", "/" + "a" * 3000]
CONTENT_TYPES = ["application/json", "application/x-www-form-urlencoded", "text/plain", "multipart/form-data",
                 "application/json; charset=gbk", "", "\x00"]
BODIES = st.one_of(
    st.binary(max_size=600),
    st.sampled_from([b"{}", b"[]", b"null", b'{"id":1,"type":"community","subtype":"list","data":{}}',
                     b"[" * 5000 + b"]" * 5000, b'{"a":' * 300 + b"1" + b"}" * 300, b"\xff\xfe\x00",
                     b'{"id":1e999,"type":NaN}', b"image=" + b"A" * 500]),
    st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
)
FRAMING = ["length", "chunked", "bad-chunked", "none", "length-short", "both"]
EXTRA_HEADERS = st.lists(st.tuples(
    st.sampled_from(["X-Apisim-Code", "Authorization", "X-Auth-Token", "Expect", "Origin", "X-Ca-Key", "Accept",
                     "token", "Content-Encoding", "Connection", "X" * 300]),
    st.one_of(st.sampled_from(["100-continue", "keep-alive", "gzip", "APPCODE x", "Bearer", "AIS.0105", "-1",
                               "http://evil.example", "\t", "a" * 2000]),
              st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40))), max_size=4)


@st.composite
def raw_requests(draw, ports_and_paths):
    port, paths = draw(st.sampled_from(ports_and_paths))
    method = draw(st.sampled_from(METHODS))
    path = draw(st.sampled_from(paths + EXTRA_PATHS))
    query = draw(st.sampled_from(["", "?token=e83f35a9541a2f2f80c1908e7ef1b5bf", "?a=%ZZ&b", "?" + "q=1&" * 200]))
    body = draw(BODIES)
    framing = draw(st.sampled_from(FRAMING))
    lines = [f"{method} {path}{query} HTTP/1.1", "Host: 127.0.0.1"]
    content_type = draw(st.sampled_from(CONTENT_TYPES))
    if content_type:
        lines.append(f"Content-Type: {content_type}")
    lines += [f"{name}: {value}" for name, value in draw(EXTRA_HEADERS) if name.lower() != "connection"]
    lines.append("Connection: close")
    if framing in ("length", "both"):
        lines.append(f"Content-Length: {len(body)}")
    if framing == "length-short":  # fewer bytes announced than sent: the rest is a second, garbled request
        lines.append(f"Content-Length: {len(body) // 2}")
    if framing in ("chunked", "bad-chunked", "both"):
        lines.append("Transfer-Encoding: chunked")
        size = b"zz" if framing == "bad-chunked" else b"%x" % len(body)
        body = (size + b"\r\n" + body + b"\r\n" if body else b"") + b"0\r\n\r\n"
    head = "\r\n".join(lines).encode("latin-1", "replace") + b"\r\n\r\n"
    return port, head + (b"" if framing == "none" else body)


def test_raw_requests_on_every_port_get_documented_answers_only(server):
    documented = {}  # port -> the contract whose errors may answer there
    ports_and_paths = []
    for contract in server.simulator.contracts.values():
        for dep in contract.deployments:
            port = server.simulator.port_of(dep)
            documented[port] = contract
            ports_and_paths.append((port, sorted({op.path.replace("{", "x").replace("}", "")
                                                  for op in contract.operations_for(dep)})))
    seen: list[str] = []

    @settings(max_examples=60, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(raw_requests(ports_and_paths))
    def documented_answers_only(port_and_request):
        port, request = port_and_request
        status, answer, _ = exchange(port, request, timeout=15)
        seen.append(str(status))
        if status >= 500:
            entry = server.simulator.journal.entries()[-1]
            contract = documented[port]
            code = entry.get("code")
            assert code in contract.errors and contract.errors[code].http_status == status, answer[:500]

    documented_answers_only()
    print("\n" + server.kind, sorted(__import__("collections").Counter(seen).items()))
    assert len(seen) == 60
    for port in server.ports():  # every port still answers
        status, _, _ = exchange(port, b"GET /__apisim/clock HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        assert status == 200
    assert_healthy(server)
