"""What each install command of the README brings is enough for the commands it promises.

``pip install -e .`` must run ``apisim serve`` and ``apisim contracts``; ``pip install -e '.[verify]'``
must run ``apisim verify``. The test environment has every extra installed, so each command runs in a
child process that cannot import any distribution outside the install's own requirement closure
(apisim's requirements for those extras, followed through each distribution's metadata). CI also
installs the verify extra alone in a fresh virtual environment (.ci/verify_extra.sh).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from simulator.config import SimulatorConfig
from simulator.server import SimulatorServer, free_port_base

NOW = datetime(2026, 3, 1, 8, 0, 0, tzinfo=timezone.utc)  # the simulator's clock, and what verify signs with

BLOCKER = """
import sys
from importlib.abc import MetaPathFinder
BLOCKED = set(sys.argv.pop(1).split(","))
class Blocked(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r} (not in this install)", name=name)
        return None
sys.meta_path.insert(0, Blocked())
from simulator.cli import main
sys.exit(main(sys.argv[1:]))
"""


def requirement_closure(extras: set[str]) -> set[str]:
    """The distributions ``pip install 'apisim[extras]'`` installs (as installed here)."""
    wanted, seen = [("apisim", extras)], set()
    while wanted:
        name, its_extras = wanted.pop()
        key = canonicalize_name(name)
        if key in seen and not its_extras:
            continue
        seen.add(key)
        for line in metadata.requires(name) or []:
            requirement = Requirement(line)
            env = default_environment()
            applies = requirement.marker is None or any(
                requirement.marker.evaluate({**env, "extra": extra}) for extra in (its_extras or {""}))
            if applies and canonicalize_name(requirement.name) not in seen:
                wanted.append((requirement.name, set(requirement.extras)))
    return seen


def blocked_modules(extras: set[str]) -> list[str]:
    """Top-level modules installed here by distributions outside the closure (apisim's own excepted)."""
    allowed = requirement_closure(extras)
    out = []
    for module, distributions in metadata.packages_distributions().items():
        owners = {canonicalize_name(d) for d in distributions}
        if module not in ("simulator", "tests") and not owners & allowed and module.isidentifier():
            out.append(module)
    return sorted(out)


def run(extras: set[str], *args: str, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", BLOCKER, ",".join(blocked_modules(extras)), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **popen)


def test_the_closure_leaves_out_what_only_the_test_extra_brings():
    blocked = blocked_modules({"verify"})
    assert {"respx", "requests", "schemathesis", "huaweicloudsdkocr"} <= set(blocked)
    assert not {"hypothesis", "httpx", "flask", "granian"} & set(blocked)
    assert "hypothesis" in blocked_modules(set())


def test_a_plain_install_serves_and_lists_contracts(tmp_path):
    listing = run(set(), "contracts", "--names")
    assert listing.communicate(timeout=60)[0].split() == ["aicp", "aliyun-market", "aliyun-saf", "cdc-python",
                                                          "huawei-ocr"]
    urls = tmp_path / "urls.json"
    serve = run(set(), "serve", "--service", "cdc-python", "--port-base", str(free_port_base()),
                "--urls-json", str(urls), "--workers", "1", env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        deadline = time.monotonic() + 60
        while not urls.exists() and serve.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert urls.exists(), serve.stdout.read() if serve.poll() is not None else "not ready in 60 s"
        assert "guosai" in json.loads(urls.read_text())["cdc-python"]
    finally:
        serve.terminate()
        out = serve.communicate(timeout=30)[0]
    assert serve.returncode == 0, out


def test_the_verify_extra_runs_apisim_verify(tmp_path):
    config = SimulatorConfig(services=["huawei-ocr"], clock=lambda: NOW, port_base=free_port_base())
    with SimulatorServer(config) as server:
        server.write_urls_json(tmp_path / "urls.json")
        verify = run({"verify"}, "verify", "--contract", "huawei-ocr", "--urls-json", str(tmp_path / "urls.json"),
                     "--now", NOW.isoformat(), "--max-examples", "2", "--no-progress", "--quiet")
        out = verify.communicate(timeout=300)[0]
    assert verify.returncode == 0, out
    assert "huawei-ocr: passed" in out


def test_verify_without_its_extra_says_what_to_install():
    verify = run(set(), "verify", "--contract", "huawei-ocr", "--deployment", "iam", "--base-url", "http://127.0.0.1:9")
    out = verify.communicate(timeout=60)[0]
    assert verify.returncode == 2
    assert out.strip().splitlines() == [
        "apisim verify: needs the verify extra (missing hypothesis): python3 -m pip install 'apisim[verify]'"]
