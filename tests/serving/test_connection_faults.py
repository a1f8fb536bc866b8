"""``reset`` and ``disconnect`` faults under every ``apisim serve --server``, httptools (the default),
granian: the client sees a connection reset / a connection closed without a response, and the same
worker answers the next request normally."""

from __future__ import annotations

import http.client

import pytest

from simulator.testing.served import ServedSimulator

IAM_HOST = "iam.cn-north-4.myhuaweicloud.com"


def post_token(port: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("POST", "/v3/auth/tokens", body=b"{}", headers={"Host": IAM_HOST})
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.mark.parametrize("server", ["granian", "httptools", "gunicorn", "dev"])
@pytest.mark.parametrize("action, seen", [("reset", ConnectionResetError),
                                          ("disconnect", (http.client.RemoteDisconnected, ConnectionResetError))])
def test_a_connection_fault_reaches_the_client_and_the_next_request_is_answered(server, action, seen):
    workers = [] if server == "dev" else ["--workers", "1"]
    args = ["--server", server, *workers, "--service", "huawei-ocr", "--fault", f"huawei-ocr:create_token:{action},times=1"]
    with ServedSimulator(args) as served:
        port = int(served.urls()["huawei-ocr"]["iam"]["local"].rsplit(":", 1)[1])
        with pytest.raises(seen) as error:
            post_token(port)
        if action == "disconnect":  # a FIN with no answer: http.client says the remote end closed
            assert isinstance(error.value, http.client.RemoteDisconnected) or server == "dev"
        assert post_token(port) == 400  # the simulated IAM's own answer to an empty login
