"""Every URL the source documents give an operation, in a URL line, a table or a curl line, is served.

A client copies whatever line it finds first; the documents spell some paths two ways (AICP 2.1's
URL line is lower case, its curl line CamelCase) or paste another section's curl URL. Each URL
goes to the deployment its host, port and base path name; where no deployment has that host and
port (a port left out, another host's port pasted), to the deployment of the section the line is
in (the operation whose ``x-doc-lines`` hold it).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from simulator.contracts import Contract, Deployment, load_contracts
from simulator.contracts.loader import contracts_dir

CONTRACTS = load_contracts()
# A line that gives a request URL: a URL alone in backticks, after 调用地址, in a table cell, or curl's.
URL_LINE = re.compile(r"^\s*`(https?://[^`\s]+)\s*`\s*$|调用地址：(https?://\S+)|^\|\s*HTTPS?\s*\|\s*(https?://\S+)"
                      r"|curl\b.*?\"(https?://[^\"]+)\"|^\s*(https?://\S+)\s*\\\s*$|^\s*POST\s+(https?://\S+)\s*$"
                      r"|请求地址：`(https?://[^`]+)`")
PROJECT = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"


def document_urls() -> list[tuple[str, int, str]]:
    found = []
    for service, contract in sorted(CONTRACTS.items()):
        lines = (contracts_dir() / "sources" / contract.source).read_text("utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            match = URL_LINE.search(line.replace("\\{", "{").replace("\\}", "}").replace("\\_", "_"))
            url = next((g for g in match.groups() if g), "") if match else ""
            if url and (section_deployments(contract, number) or _names_an_operation(contract, url)):
                found.append((service, number, url))
    return found


def _names_an_operation(contract: Contract, url: str) -> bool:
    """Outside any operation's section, only a URL that is more than a deployment's base URL counts."""
    path = urlsplit(url).path.rstrip("/")
    return not any(path == d.base_path for d in contract.deployments) or any(
        op.path.rstrip("/") == path for op in contract.operations.values())


def section_deployments(contract: Contract, line: int) -> list[str]:
    return [name for op in contract.operations.values()
            if op.raw.get("x-doc-lines", [0, 0])[0] <= line <= op.raw.get("x-doc-lines", [0, 0])[1]
            for name in op.deployments]


def deployments_for(contract: Contract, url: str, line: int) -> list[Deployment]:
    parts = urlsplit(url)
    netloc = parts.netloc if parts.port else f"{parts.hostname}:{443 if parts.scheme == 'https' else 80}"

    def where(dep: Deployment) -> str:
        base = urlsplit(dep.base_url)
        return base.netloc if base.port else f"{base.hostname}:{443 if base.scheme == 'https' else 80}"

    same_host = [d for d in contract.deployments if where(d) == netloc.replace("{endpoint}", urlsplit(d.base_url).netloc)]
    by_base = [d for d in same_host if parts.path.startswith(d.base_path)]
    longest = max((len(d.base_path) for d in by_base), default=-1)
    chosen = [d for d in by_base if len(d.base_path) == longest]
    return chosen or [contract.deployment(name) for name in section_deployments(contract, line)]


URLS = document_urls()


def test_the_documents_give_their_urls_where_expected():
    per_service = {s: sum(1 for service, _, _ in URLS if service == s) for s in CONTRACTS}
    assert per_service["aicp"] >= 90 and min(per_service.values()) >= 1, per_service


@pytest.mark.parametrize("service, line, url", URLS, ids=[f"{s}:{n}" for s, n, _ in URLS])
def test_every_document_url_is_served(service, line, url):
    contract = CONTRACTS[service]
    path = urlsplit(url.replace("{project_id}", PROJECT)).path or "/"
    deployments = deployments_for(contract, url, line)
    assert deployments, f"{service} line {line}: {url} names no deployment and sits in no operation's section"
    serving = [op.id for op in contract.operations.values()
               if op.path_regex.match(path) and any(d.name in op.deployments for d in deployments)]
    assert serving, f"{service} line {line}: {path} is served by no operation of {[d.name for d in deployments]}"
