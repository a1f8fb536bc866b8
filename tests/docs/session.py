"""One documentation file's run (a :class:`Session`): its scratch folder, its port block, the
servers its snippets start or use; and :func:`run_document`, which runs the document again on a
fresh block when a parallel test took a port of the first. What a session adapts: snippets.py."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from simulator.server import free_port_base, taken_port

from .snippets import ROOT, Snippet

READY_SECONDS = 60.0
SNIPPET_SECONDS = 600.0
PORT_RETRIES = 3  # fresh blocks after the first: each retry is a race lost again, so 3 in a row means a real problem

# Installs are done by .ci/run in fresh environments; here they only say what they would do.
PRELUDE = """
python3() {
    if [ "$1" = "-m" ] && [ "$2" = "pip" ] && [ "$3" = "install" ]; then
        shift 3; echo "(the suite's environment has apisim installed already: skipped pip install $*)"; return 0
    fi
    command python3 "$@"
}
python() { python3 "$@"; }
"""


@dataclass
class Session:
    """One documentation file's run: a scratch folder, a port base, and the server its snippets use."""

    folder: Path
    port_base: int
    groups: list[int] = field(default_factory=list)  # process groups this session started
    server: int | None = None  # the process group of the server now running
    _runs: int = 0

    def __post_init__(self) -> None:
        for entry in ROOT.iterdir():
            if not entry.name.startswith(".") and not (self.folder / entry.name).exists():
                (self.folder / entry.name).symlink_to(entry)
        (self.folder / "apisim").symlink_to(ROOT)  # "with apisim checked out in apisim/" (the CI step)
        # The environment under test first on PATH: `apisim` and `python3` are its own, as in an activated venv.
        path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
        self.env = {**os.environ, "PATH": path, "APISIM_PORT_BASE": str(self.port_base), "PYTHONUNBUFFERED": "1"}

    # -- servers ---------------------------------------------------------------------------------

    def answering(self) -> bool:
        for block in range(10):  # the shipped contracts' blocks, and those imported contracts get
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port_base + 10 * block}/__apisim/health",
                                            timeout=1):
                    return True
            except (OSError, http.client.HTTPException):
                # HTTPException: before the server is up, a probe of a port in the ephemeral range
                # can connect to itself and read its own request back (BadStatusLine)
                continue
        return False

    def wait_until_answering(self, process: subprocess.Popen, what: str, log: str) -> None:
        deadline = time.monotonic() + READY_SECONDS
        while not self.answering():
            if process.poll() is not None:
                output = (self.folder / log).read_text()
                self.refuse_if_port_taken(what, output)
                raise AssertionError(f"{what}: the server exited ({process.returncode}):\n{output[-3000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: no server answered on port base {self.port_base} "
                                     f"within {READY_SECONDS:.0f} s")
            time.sleep(0.1)
        self.server = process.pid

    def ensure_server(self) -> None:
        if self.server is not None and self.answering():
            return
        process = self.spawn(["apisim", "serve", "--urls-json", "urls.json"], log="session-server.log")
        self.wait_until_answering(process, "the session's apisim serve", "session-server.log")
        deadline = time.monotonic() + READY_SECONDS
        while not (self.folder / "urls.json").exists() and time.monotonic() < deadline:
            time.sleep(0.05)

    def refuse_if_port_taken(self, what: str, output: str) -> None:
        """:class:`PortTaken` if ``output`` holds apisim serve's refusal of a taken port."""
        port = taken_port(output)
        if port is not None:
            raise PortTaken(what, self.port_base, port)

    def stop_server(self) -> None:
        if self.server is not None:
            self.stop_group(self.server)
            self.server = None
        deadline = time.monotonic() + 30
        while self.answering() and time.monotonic() < deadline:
            time.sleep(0.1)

    def stop_group(self, group: int) -> None:
        try:
            os.killpg(group, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                # The leader is this process's child: a zombie until reaped, and a zombie still
                # counts as the group's, so unreaped every stop would wait for the SIGKILL below.
                os.waitpid(group, os.WNOHANG)
            except ChildProcessError:  # reaped already (a snippet run to its end)
                pass
            try:
                os.killpg(group, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
        try:
            os.killpg(group, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def close(self) -> None:
        for group in self.groups:
            self.stop_group(group)

    # -- running ---------------------------------------------------------------------------------

    def spawn(self, argv: list[str], log: str) -> subprocess.Popen:
        out = open(self.folder / log, "w")
        process = subprocess.Popen(argv, cwd=self.folder, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        out.close()
        self.groups.append(process.pid)
        return process

    def run(self, snippet: Snippet) -> tuple[int, str, str]:
        """Exit status, standard output and standard error of one snippet."""
        text = snippet.adapted(self.port_base)
        if snippet.serves:
            self.stop_server()
        elif snippet.uses_a_server:
            self.ensure_server()
        if snippet.language == "python":
            return self._python(snippet, text)
        script = PRELUDE + (f"export STAGING_URL={self._staging_url()}\n" if "STAGING_URL" in text else "")
        if snippet.language == "yaml":
            self._ci_credentials()
            script += Snippet(snippet.document, snippet.line, "yaml", text).shell_text
        else:
            script += text
        if snippet.serves_in_foreground:  # a server until stopped: run it in the background until it answers
            process = self.spawn(["bash", "-c", script], log=f"serve-{snippet.line}.log")
            self.wait_until_answering(process, snippet.where, f"serve-{snippet.line}.log")
            return 0, (self.folder / f"serve-{snippet.line}.log").read_text(), ""
        done = self._subprocess(["bash", "-c", script], serving=snippet.where if snippet.serves else None)
        if snippet.serves and self.answering():  # it left a server running (apisim serve &): later snippets use it
            self.server = done.pid
        return done.returncode, done.stdout, done.stderr

    def _python(self, snippet: Snippet, text: str) -> tuple[int, str, str]:
        if re.search(r"^def test_", text, re.M):
            path = self.folder / f"test_snippet_{snippet.line}.py"
            path.write_text(text, "utf-8")
            argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", path.name]
        else:
            path = self.folder / f"snippet_{snippet.line}.py"
            path.write_text(text, "utf-8")
            argv = [sys.executable, path.name]
        done = self._subprocess(argv)
        return done.returncode, done.stdout, done.stderr

    def _subprocess(self, argv: list[str], serving: str | None = None) -> "_Done":
        """Run to its end; output through files, since a server it leaves running keeps them open.

        ``serving``: the snippet starts ``apisim serve &``. Refused a taken port, that server exits
        while the snippet may wait for it forever (``until [ -f urls.json ]``): its output is watched
        for the refusal, and the snippet stopped at once with :class:`PortTaken`."""
        self._runs += 1
        out_path, err_path = self.folder / f".out-{self._runs}", self.folder / f".err-{self._runs}"
        with open(out_path, "w") as out, open(err_path, "w") as err:
            process = subprocess.Popen(argv, cwd=self.folder, env=self.env, stdout=out, stderr=err, text=True,
                                       start_new_session=True)
        self.groups.append(process.pid)
        if serving is None:
            process.wait(timeout=SNIPPET_SECONDS)
        else:
            deadline = time.monotonic() + SNIPPET_SECONDS
            while process.poll() is None:
                if taken_port(err_path.read_text() + out_path.read_text()) is not None:
                    self.stop_group(process.pid)
                    break
                if time.monotonic() > deadline:
                    raise subprocess.TimeoutExpired(argv, SNIPPET_SECONDS)
                time.sleep(0.1)
            self.refuse_if_port_taken(serving, err_path.read_text() + out_path.read_text())
        return _Done(process.pid, process.returncode, out_path.read_text(), err_path.read_text())

    def _staging_url(self) -> str:
        """The CI step's ``$STAGING_URL``: the session's simulator stands in for your staging server."""
        return f"http://127.0.0.1:{self.port_base + 20}"

    def _ci_credentials(self) -> None:
        """The CI step's ``ci-credentials.json``: your staging keys; here the simulator's demo ones."""
        from simulator.contracts import load_contracts

        demo = load_contracts(None, ["cdc-python"])["cdc-python"].credentials
        (self.folder / "ci-credentials.json").write_text(json.dumps({"cdc-python": demo}), "utf-8")


@dataclass
class _Done:
    pid: int
    returncode: int
    stdout: str
    stderr: str


class PortTaken(Exception):
    """``apisim serve``, started by a snippet or by the session, refused to start: another process
    holds a port of the session's block (picked free, then taken by a test running in parallel)."""

    def __init__(self, what: str, port_base: int, port: int):
        super().__init__(f"{what}: apisim serve refused port {port} of port base {port_base}: "
                         f"another process holds it (Address already in use)")
        self.port_base, self.port = port_base, port


@dataclass
class Ran:
    snippet: Snippet
    code: int
    out: str
    err: str
    seconds: float


def run_document(found: list[Snippet], folder: Path) -> list[Ran]:
    """Every snippet not skipped, in order, in one :class:`Session` on a free block of ports.

    When a server the document starts finds a port of its block taken (:class:`PortTaken`), the
    session is closed (every process it started stopped) and the document runs again from its
    first snippet, in a fresh folder, in a fresh session on a fresh block: every snippet is adapted
    anew, ``APISIM_PORT_BASE`` and ``$STAGING_URL`` follow the new base. From the first snippet,
    not from the failed one: earlier snippets leave state that names the old block or lives in a
    server on it (urls.json, files they wrote, records and faults they set in the server later
    snippets use), and a reader runs a document on one block throughout. Another failure of a
    server is no reason to retry: it fails the test with the server's log."""
    refused: list[PortTaken] = []
    for attempt in range(1 + PORT_RETRIES):
        scratch = folder / f"attempt-{attempt + 1}"
        scratch.mkdir()
        session = Session(scratch, free_port_base())
        try:
            ran = []
            for snippet in (s for s in found if not s.skipped):
                started = time.monotonic()
                ran.append(Ran(snippet, *session.run(snippet), time.monotonic() - started))
            return ran
        except PortTaken as exc:
            refused.append(exc)
        finally:
            session.close()
    raise AssertionError(f"a port of every block tried was taken by another process, {len(refused)} blocks: "
                         + "; ".join(map(str, refused)))
