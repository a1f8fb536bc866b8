"""The ``apisim`` command: contracts listing and ``serve`` with its URL table and URL file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

from simulator.cli import main
from simulator.server import free_port_base


def test_contracts_lists_services_operations_and_codes(capsys):
    assert main(["contracts", "--service", "huawei-ocr"]) == 0
    out = capsys.readouterr().out
    assert "huawei-ocr: Huawei Cloud OCR" in out
    assert "recognize_quota_invoice: POST /v2/{project_id}/ocr/quota-invoice" in out
    assert "AIS.0103 (HTTP 400): The image size does not meet the requirements." in out


def test_serve_prints_the_url_table_writes_the_url_file_and_stops_on_sigterm(tmp_path):
    base = free_port_base()
    urls = tmp_path / "urls.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", "serve", "--server", "dev", "--service", "huawei-ocr",
         "--port-base", str(base), "--urls-json", str(urls)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + 30
        while not urls.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.1)
        table = json.loads(urls.read_text())
        assert table["huawei-ocr"]["cn-north-4"] == {"original": "https://ocr.cn-north-4.myhuaweicloud.com",
                                                     "local": f"http://127.0.0.1:{base}"}
        assert table["huawei-ocr"]["credentials"][0]["ak"] == "APISIMDEMOAK0000HWOCR"
        with urllib.request.urlopen(f"http://127.0.0.1:{base}/__apisim/health", timeout=5) as response:
            assert json.loads(response.read()) == {"status": "ok"}
        with urllib.request.urlopen(f"http://127.0.0.1:{base + 1}/v3/projects", timeout=5) as response:
            raise AssertionError(f"an unauthenticated call succeeded: {response.status}")
    except urllib.error.HTTPError as refused:
        assert refused.code == 401
    finally:
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=20)
    assert process.returncode == 0
    assert f"huawei-ocr  cn-north-4  https://ocr.cn-north-4.myhuaweicloud.com  http://127.0.0.1:{base}" in out
    assert f"dashboard: http://127.0.0.1:{base}/__apisim/dashboard/" in out
    assert "apisim stopped." in out
    assert not urls.exists()  # a later readiness loop must not find it
