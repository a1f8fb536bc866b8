"""Fixtures for the coverage tests: a known set of calls to the Huawei OCR simulator."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

PROJECT = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
OCR_HOST = "ocr.cn-north-4.myhuaweicloud.com"
IAM_HOST = "iam.cn-north-4.myhuaweicloud.com"
OCR_PATH = f"/v2/{PROJECT}/ocr/quota-invoice"


def token_body(password: str = "apisim-demo-password") -> dict:
    return {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "apisim-demo", "password": password, "domain": {"name": "apisim-demo"}}}},
        "scope": {"project": {"name": "cn-north-4"}}}}


@pytest.fixture
def huawei_traffic(make_client):
    """A Huawei OCR simulator after exactly these calls (and what coverage they should give):

    - create_token: 2 successes, 1 wrong password (IAM.0004, natural)
    - recognize_quota_invoice: ModelArts.4204 forced by header, AIS.0101 from a control-plane fault
    - list_projects: never called
    - 1 request to the OCR host on a path no operation serves; 1 request to a host no deployment has
    """
    client = make_client("huawei-ocr")
    sim = client.simulator
    iam = {"Host": IAM_HOST}
    assert client.post("/v3/auth/tokens", headers=iam, json=token_body()).status_code == 201
    assert client.post("/v3/auth/tokens", headers=iam, json=token_body()).status_code == 201
    refused = client.post("/v3/auth/tokens", headers=iam, json=token_body("wrong"))
    assert refused.get_json()["error"]["error_code"] == "IAM.0004"
    forced = client.post(OCR_PATH, headers={"Host": OCR_HOST, "X-Apisim-Code": "ModelArts.4204"}, json={})
    assert forced.get_json()["error_code"] == "ModelArts.4204"
    sim.control.faults.error("huawei-ocr", "recognize_quota_invoice", "AIS.0101", times=1)
    budgeted = client.post(OCR_PATH, headers={"Host": OCR_HOST}, json={})
    assert budgeted.get_json()["error_code"] == "AIS.0101"
    client.get(f"/v2/{PROJECT}/ocr/no-such-thing", headers={"Host": OCR_HOST})
    client.get("/anything", headers={"Host": "unknown.example.com"})
    return SimpleNamespace(client=client, sim=sim, entries=sim.journal.entries())


# -- a real headless browser, driven over the DevTools protocol on a pipe ---------------------------

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-default-apps", "--mute-audio", "--no-default-browser-check",
    # Belt and braces for "loopback only": every name but the loopback ones fails to resolve.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
    "--window-size=1280,900",
]


class Browser:
    """Chromium with ``--remote-debugging-pipe``: DevTools commands as NUL-terminated JSON on fds 3/4
    (no websocket client and no browser download needed)."""

    def __init__(self, executable: str, profile: str):
        import json
        import os
        import subprocess
        import threading

        self._json = json
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire_fds() -> None:  # in the child: the pipe ends Chromium expects on fds 3 and 4
            import fcntl

            # out of the way first, in case a pipe end already sits on 3 or 4
            reads, writes = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10), fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
            os.dup2(reads, 3)
            os.dup2(writes, 4)

        # preexec_fn runs before the child closes the fds it does not keep: keep 3 and 4
        self.process = subprocess.Popen(
            [executable, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=wire_fds, pass_fds=(3, 4))
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._next_id = 0
        self._replies: dict[int, dict] = {}
        self._arrived = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        targets = self.send("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self.session = self.send("Target.attachToTarget", targetId=page["targetId"], flatten=True)["sessionId"]
        self.send("Page.enable", session=True)
        self.send("Runtime.enable", session=True)

    def _read(self) -> None:
        import os

        buffer = b""
        while True:
            chunk = os.read(self._from_browser, 65536)
            if not chunk:
                break
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = self._json.loads(raw)
                if "id" in message:
                    with self._arrived:
                        self._replies[message["id"]] = message
                        self._arrived.notify_all()

    def send(self, method: str, session: bool = False, timeout: float = 30.0, **params) -> dict:
        import os

        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self._to_browser, self._json.dumps(message).encode() + b"\0")
        with self._arrived:
            if not self._arrived.wait_for(lambda: self._next_id in self._replies, timeout=timeout):
                raise TimeoutError(f"chromium did not answer {method} within {timeout}s")
            reply = self._replies.pop(self._next_id)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def open(self, url: str) -> None:
        self.send("Page.navigate", session=True, url=url)

    def evaluate(self, expression: str):
        """The value of a JavaScript expression in the page (promises awaited)."""
        result = self.send("Runtime.evaluate", session=True, expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 15.0, what: str = ""):
        """Poll a JavaScript expression until it is truthy (the page polls its API on its own timers)."""
        import time

        deadline = time.monotonic() + timeout
        value = None
        while time.monotonic() < deadline:
            try:
                value = self.evaluate(expression)
            except RuntimeError:
                value = None  # the page is still loading
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"waited {timeout}s for {what or expression}; last value {value!r}")

    def screenshot(self, path: str) -> None:
        import base64

        data = self.send("Page.captureScreenshot", session=True, format="png")["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def close(self) -> None:
        import os

        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except Exception:
            self.process.kill()
            self.process.wait(timeout=10)
        for fd in (self._to_browser, self._from_browser):
            try:
                os.close(fd)
            except OSError:
                pass


@pytest.fixture
def chromium(tmp_path):
    """Debian's headless Chromium, driven from the test; skipped only if it is not installed."""
    import shutil

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.skip("chromium is not installed (.ci/run installs Debian's chromium with apt-get)")
    browser = Browser(executable, str(tmp_path / "chromium-profile"))
    try:
        yield browser
    finally:
        browser.close()
