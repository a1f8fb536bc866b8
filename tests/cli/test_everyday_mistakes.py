"""Everyday mistakes: one line on stderr saying what to do, exit status 2, nothing left behind.

``serve`` cases run in a child process (a refusal that came too late would fork workers); the
other commands run in-process.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

import pytest

from simulator.cli import main
from simulator.server import free_port_base
from simulator.serving.process import check_ports_free

KNOWN = "known: aicp, aliyun-market, aliyun-saf, cdc-python, huawei-ocr"


def serve(*args: str, port_base: int | None = None) -> tuple[int, str]:
    base = str(port_base or free_port_base())
    done = subprocess.run([sys.executable, "-m", "simulator", "serve", "--port-base", base, *args],
                          capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout + done.stderr


def write(path, content) -> str:
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


@pytest.mark.parametrize("args, says", [
    (["--urls-json", "/nonexistent-apisim-dir/urls.json"], "folder /nonexistent-apisim-dir does not exist"),
    (["--host", "0.0.0.0"], "apisim serves loopback only"),
    (["--host", "0.0.0.0", "--allow-remote"], "also give --admin-token TOKEN"),
    (["--service", "huawei-orc"], f"no contract for huawei-orc; {KNOWN}"),
    (["--fault", "huawei-orc:*:code=APIGW.0308"], f"'huawei-orc' is no service; {KNOWN}"),
    (["--fault", "huawei-ocr:nope:code=APIGW.0308"], "huawei-ocr has no operation 'nope'"),
    (["--fault", "bogus"], "expected SERVICE:OPERATION:ACTION"),
])
def test_serve_refuses_a_bad_option_in_one_line_before_it_starts(args, says):
    code, out = serve(*args)
    assert code == 2, out
    assert out.count("\n") == 1 and out.startswith("apisim serve: ") and says in out, out


@pytest.mark.parametrize("base", ["65530", "0"])
def test_a_port_base_whose_ports_do_not_exist_is_refused(base):
    done = subprocess.run([sys.executable, "-m", "simulator", "serve", "--port-base", base],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.startswith(f"apisim serve: --port-base {base}: the ports would run from")
    assert "choose a port base from 1 to 65495" in done.stderr and done.stderr.count("\n") == 1


@pytest.mark.parametrize("content, says", [
    ({"huawei-orc": [{"ak": "x"}]}, f"credentials for 'huawei-orc': no such service; {KNOWN}"),
    ({"huawei-ocr": [{"akk": "x"}]}, "credentials for huawei-ocr (#1): unknown field akk; huawei-ocr credentials "
                                     "take ak, calls_per_second, domain, frozen, obs_agency, password, project, "
                                     "project_id, restricted, sk, subscribed, user"),
    ({"huawei-ocr": {"ak": "x", "sk": "y"}}, 'huawei-ocr: expected a list of credential objects'),
    ("{not json", "cannot parse credentials"),
])
def test_serve_refuses_credentials_it_would_not_use(tmp_path, content, says):
    code, out = serve("--credentials", write(tmp_path / "creds.json", content))
    assert code == 2 and out.count("\n") == 1 and says in out, out


def test_credentials_may_carry_the_documented_flags_and_notes(tmp_path):
    from simulator.config import SimulatorConfig
    from simulator.startup import check_serve_config

    credentials = {"huawei-ocr": [{"ak": "A", "sk": "S", "project_id": "p", "subscribed": False, "x-note": "CI"}]}
    check_serve_config(SimulatorConfig(credentials=credentials))  # no error


@pytest.mark.parametrize("content, says", [
    ('sed = 7\n', "unknown keys sed"),
    ('[[faults]]\nspec = "huawei-orc:*:code=APIGW.0308"\n', f"'huawei-orc' is no service; {KNOWN}"),
    ('[credentials]\n"huawei-ocr" = [{ akk = "x" }]\n', "unknown field akk"),
    ('[[rate_limits]]\nservice = "cdc-python"\nlimit = 1\n', "cannot be rate limited"),
])
def test_serve_refuses_a_config_file_naming_what_does_not_exist(tmp_path, content, says):
    code, out = serve("--config", write(tmp_path / "apisim.toml", content))
    assert code == 2 and out.count("\n") == 1 and says in out, out


@pytest.mark.parametrize("server", ["httptools", "dev"])
def test_a_taken_port_is_one_line_and_leaves_nothing_listening(server):
    port_base = free_port_base()
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", port_base + 20))
        squatter.listen()
        # aliyun-market's ports (block 1, and first by name) are bound when cdc-python's is refused:
        # the dev server must close them, not wait on them for ever
        code, out = serve("--service", "aliyun-market", "--service", "cdc-python", "--server", server,
                          port_base=port_base)
    assert code == 2 and out.count("\n") == 1, out
    assert f"cannot listen on 127.0.0.1:{port_base + 20}" in out and "choose another --port-base" in out
    check_ports_free("127.0.0.1", [port_base + 10, port_base + 11, port_base + 12, port_base + 20])


@pytest.mark.parametrize("argv, says", [
    (["contracts", "--service", "nope"], f"apisim contracts: no contract for nope; {KNOWN}"),
    (["verify", "--contract", "nope", "--base-url", "http://127.0.0.1:9"], f"no contract for nope; {KNOWN}"),
    (["verify", "--contract", "huawei-ocr", "--deployment", "nope", "--base-url", "http://127.0.0.1:9"],
     "huawei-ocr has no deployment 'nope'"),
    (["export", "openapi", "--contract", "nope"], f"no contract for nope; {KNOWN}"),
    (["export", "openapi", "--contract", "huawei-ocr", "--deployment", "nope"], "huawei-ocr has no deployment 'nope'"),
    (["report", "--from", "/nonexistent-apisim-journal.json"], "No such file or directory"),
    (["image", "generate", "-o", "x.png", "--size", "big"], "--size big: use WIDTHxHEIGHT in pixels"),
    (["image", "generate", "-o", "x.png", "--quality", "50"], "quality=50: use a number from 0 to 1"),
    (["image", "generate", "-o", "x.png", "--gender", "x"], "gender=x: use f or m"),
    (["image", "generate", "-o", "x.png", "--card", "passport"], "card=passport: use one of none, bank"),
])
def test_other_commands_refuse_unknown_names_and_bad_values_in_one_line(argv, says, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says in err, err
    assert not (tmp_path / "x.png").exists()


def test_verify_against_a_dead_server_says_so_in_one_line(capsys):
    port = free_port_base()  # nothing listens there
    assert main(["verify", "--contract", "huawei-ocr", "--deployment", "iam", "--base-url",
                 f"http://127.0.0.1:{port}"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (f"apisim verify: nothing listens at http://127.0.0.1:{port} (Connection refused); "
                            "start the server first, or check the URL\n")


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith("apisim 0.")


def test_the_urls_file_of_an_earlier_run_is_gone_before_the_new_one_is_ready(tmp_path):
    """A readiness loop (``until [ -f urls.json ]``) must never pass on a file another run left."""
    urls = tmp_path / "urls.json"
    urls.write_text('{"stale": true}')
    port_base = free_port_base()
    process = subprocess.Popen([sys.executable, "-m", "simulator", "serve", "--service", "cdc-python", "--workers",
                                "1", "--port-base", str(port_base), "--urls-json", str(urls)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while urls.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.02)  # the stale file goes first...
        while not urls.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.02)  # ...then the new one comes, written whole, once every port accepts
        assert json.loads(urls.read_text())["cdc-python"]["guosai"]["local"] == f"http://127.0.0.1:{port_base + 20}"
        socket.create_connection(("127.0.0.1", port_base + 20), timeout=5).close()
    finally:
        process.terminate()
        out = process.communicate(timeout=30)[0]
    assert process.returncode == 0, out
    assert not urls.exists()  # removed at stop
