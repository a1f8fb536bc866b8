"""The servers apisim is compared with, each on the same request: Stoplight Prism (dynamic),
WireMock (a static stub) and a bare Flask app answering a canned body under granian, the server
apisim itself runs on (the ceiling of any Python app on this box)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import (HOST, INVOICE_PATH, NPM_PACKAGES, TOKEN_REQUEST, Result, free_port, lua_static, run_wrk, running,
                    tree_rss_mb, wait_for_answer)

def install_tools(folder: Path) -> Path:
    if not (folder / "node_modules" / ".bin" / "prism").exists() or not list(folder.glob("node_modules/wiremock/**/*.jar")):
        folder.mkdir(parents=True, exist_ok=True)
        print(f"installing {', '.join(NPM_PACKAGES)} into {folder} ...", file=sys.stderr, flush=True)
        subprocess.run(["npm", "install", "--prefix", str(folder), "--no-audit", "--no-fund", "--loglevel=error",
                        *NPM_PACKAGES], check=True, timeout=600)
    return folder


def openapi_for_invoice() -> dict[str, Any]:
    """The Huawei quota-invoice operation as OpenAPI 3.1, from its contract (the export, if present)."""
    from simulator.contracts import load_contracts

    contract = load_contracts(services=["huawei-ocr"])["huawei-ocr"]
    op = contract.operations["recognize_quota_invoice"]

    def refs(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: (v.replace("#/$defs/", "#/components/schemas/") if k == "$ref" else refs(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [refs(v) for v in node]
        return node

    return {
        "openapi": "3.1.0",
        "info": {"title": "Huawei OCR quota invoice (apisim benchmark)", "version": "1"},
        "servers": [{"url": "http://127.0.0.1"}],
        "paths": {op.path: {"post": {
            "operationId": op.id,
            "parameters": [{"name": "project_id", "in": "path", "required": True, "schema": {"type": "string"}},
                           {"name": "X-Auth-Token", "in": "header", "required": True, "schema": {"type": "string"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": refs(op.request["body"])}}},
            "responses": {"200": {"description": "recognised", "content": {
                "application/json": {"schema": refs(op.response["body"])}}}},
        }}},
        "components": {"schemas": refs(contract.defs)},
    }


def bench_prism(args: argparse.Namespace, work: Path, tools: Path, image: str) -> Result:
    spec = work / "huawei-ocr.openapi.json"
    spec.write_text(json.dumps(openapi_for_invoice(), ensure_ascii=False))
    port = free_port()
    command = [str(tools / "node_modules" / ".bin" / "prism"), "mock", "-d", "-h", HOST, "-p", str(port), str(spec)]
    started = time.perf_counter()
    with running(command) as process:
        wait_for_answer(f"http://{HOST}:{port}{INVOICE_PATH}", 60)
        startup = time.perf_counter() - started
        result = run_wrk(f"http://{HOST}:{port}{INVOICE_PATH}", lua_static("POST", json.dumps({"image": image}), {
            "Content-Type": "application/json", "X-Auth-Token": "MII-benchmark"}), duration=args.duration,
            connections=args.connections, threads=args.threads, work=work)
        return Result("Prism (dynamic)", "Huawei quota-invoice", result["rps"], result["p50"], result["p99"],
                      result["non_2xx"], tree_rss_mb(process.pid), startup)


def bench_wiremock(args: argparse.Namespace, work: Path, tools: Path, image: str, stub_body: str) -> Result:
    jar = sorted(tools.glob("node_modules/wiremock/**/wiremock-standalone-*.jar"))[-1]
    root = work / "wiremock"
    (root / "mappings").mkdir(parents=True, exist_ok=True)
    (root / "mappings" / "invoice.json").write_text(json.dumps({"request": {"method": "POST", "urlPath": INVOICE_PATH},
                                                                "response": {"status": 200, "body": stub_body, "headers": {
                                                                    "Content-Type": "application/json"}}}))
    port = free_port()
    command = ["java", "-jar", str(jar), "--bind-address", HOST, "--port", str(port), "--root-dir", str(root),
               "--disable-banner", "--no-request-journal"]
    started = time.perf_counter()
    with running(command) as process:
        wait_for_answer(f"http://{HOST}:{port}/__admin/mappings", 60)
        startup = time.perf_counter() - started
        result = run_wrk(f"http://{HOST}:{port}{INVOICE_PATH}", lua_static("POST", json.dumps({"image": image}), {
            "Content-Type": "application/json", "X-Auth-Token": "MII-benchmark"}), duration=args.duration,
            connections=args.connections, threads=args.threads, work=work)
        return Result("WireMock (static stub)", "Huawei quota-invoice", result["rps"], result["p50"], result["p99"],
                      result["non_2xx"], tree_rss_mb(process.pid), startup)


BARE_FLASK = """
from pathlib import Path
from flask import Flask, Response

BODY = (Path(__file__).parent / "canned.json").read_bytes()
app = Flask(__name__)


@app.post("/v2/<project>/ocr/quota-invoice")
def invoice(project):
    return Response(BODY, mimetype="application/json")
"""


def bench_bare_flask(args: argparse.Namespace, work: Path, image: str, canned_body: str) -> Result:
    """A Flask app that checks nothing and answers apisim's own answer, under granian (WSGI) with
    as many workers as apisim: what a Python app does at best on this box, under the same server."""
    folder = work / "bare_flask"
    folder.mkdir(exist_ok=True)
    (folder / "bare_flask_app.py").write_text(BARE_FLASK)
    (folder / "canned.json").write_text(canned_body, "utf-8")
    port = free_port()
    command = [sys.executable, "-m", "granian", "--interface", "wsgi", "--workers", str(args.workers), "--host", HOST,
               "--port", str(port), "--no-log", "bare_flask_app:app"]
    url = f"http://{HOST}:{port}{INVOICE_PATH}"
    started = time.perf_counter()
    with running(command, cwd=folder) as process:
        wait_for_answer(url, 60, data=b"{}", headers={"Content-Type": "application/json"})
        startup = time.perf_counter() - started
        result = run_wrk(url, lua_static("POST", json.dumps({"image": image}), {
            "Content-Type": "application/json", "X-Auth-Token": "MII-benchmark"}), duration=args.duration,
            connections=args.connections, threads=args.threads, work=work)
        return Result("bare Flask (canned body, granian)", "Huawei quota-invoice", result["rps"], result["p50"],
                      result["p99"], result["non_2xx"], tree_rss_mb(process.pid), startup)


def sample_invoice_answer(image: str) -> str:
    """apisim's own answer to the benchmark request: WireMock serves it as a static stub."""
    import httpx

    from simulator.config import SimulatorConfig
    from simulator import Simulator
    from simulator.testing.respx_route import apisim_router

    sim = Simulator(SimulatorConfig(services=["huawei-ocr"]))
    with apisim_router(sim), httpx.Client() as client:
        token = client.post("https://iam.cn-north-4.myhuaweicloud.com/v3/auth/tokens",
                            json=TOKEN_REQUEST).headers["X-Subject-Token"]
        return client.post("https://ocr.cn-north-4.myhuaweicloud.com" + INVOICE_PATH, json={"image": image},
                           headers={"X-Auth-Token": token}).text
