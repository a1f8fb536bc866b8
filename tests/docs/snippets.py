"""Every shell and Python snippet of README.md and docs/, found and run as a reader would run it.

A documentation file is a session: its snippets run in order, in one scratch folder that holds
links to the repository's top-level folders (``fixtures/``, ``examples/``, ``contracts/``...), so
relative paths work as they do from a checkout and whatever a snippet writes stays out of the
repository. What is adapted, and only this:

- **ports**: every default port ``181xx`` in a snippet is replaced by the session's free port base
  plus ``xx``, and ``APISIM_PORT_BASE`` is set to that base, so ``apisim serve`` written without
  ``--port-base`` listens where the snippet's URLs point;
- **installs**: ``python3 -m pip install ...`` prints what it would install and does nothing. The
  suite runs inside the installed environment; ``.ci/run`` runs the same install commands in fresh
  virtual environments (a test checks that it does);
- **a server for snippets that need one**: a snippet that talks to a port and starts no server of its
  own gets the session's server: the one an earlier snippet left running (``apisim serve &``, or a
  snippet that is a foreground ``apisim serve``, run in the background until it answers), else one
  the session starts (``apisim serve --urls-json urls.json``, the default server, httptools).

A snippet passes when it exits 0, writes no traceback, gets no ``apisim_error`` from the admin API,
and prints every JSON value its comments document (``# {"id": 1234, ...}``). Python snippets with
``def test_`` run under pytest (the apisim plugin provides the fixtures); other Python snippets run
as scripts. A snippet is skipped only where :data:`SKIPPED` says why.
"""

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
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
LANGUAGES = {"sh": "shell", "bash": "shell", "python": "python", "yaml": "yaml"}
DEFAULT_PORT = re.compile(r"\b181([0-9][0-9])\b")
SERVES = re.compile(r"(^|[\s;&|(])(apisim|python3? -m simulator) serve\b")
DOCUMENTED_JSON = re.compile(r"^\s*#\s*(\{.*\}|\[.*\])\s*$", re.M)
READY_SECONDS = 60.0

# Snippets not run, each with the reason (matched by a distinctive part of the snippet's text).
SKIPPED = {
    "python3 -m pip install -e '.[test]' && python3 -m pytest":
        "the suite itself: .ci/run runs exactly this command in a fresh virtual environment "
        "(test_ci_runs_the_readmes_commands_as_written checks the text)",
    "python benchmarks/run.py":
        "the benchmark: minutes of load, with Prism and WireMock from npm, Java 17 and wrk; a measurement, "
        "never a test (docs/performance.md)",
    "https://staging.example.test":
        "a placeholder for your own staging server; the same command against the simulator is the snippet above it",
}

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
class Snippet:
    document: Path
    line: int
    language: str  # shell, python or yaml
    text: str

    @property
    def where(self) -> str:
        return f"{self.document.relative_to(ROOT)}:{self.line}"

    @property
    def skipped(self) -> str | None:
        return next((reason for key, reason in SKIPPED.items() if key in self.text), None)

    def adapted(self, port_base: int) -> str:
        return DEFAULT_PORT.sub(lambda m: str(port_base + int(m.group(1))), self.text)

    @property
    def serves(self) -> bool:
        return self.language != "python" and bool(SERVES.search(self.shell_text))

    @property
    def serves_in_foreground(self) -> bool:
        """The last command is a server that runs until stopped (``apisim serve`` without ``&``)."""
        lines = [ln for ln in self.shell_text.strip().splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        joined = re.sub(r"\\\n\s*", " ", "\n".join(lines)).splitlines()
        return bool(joined) and bool(SERVES.search(joined[-1])) and not joined[-1].rstrip().endswith("&")

    @property
    def uses_a_server(self) -> bool:
        return bool(DEFAULT_PORT.search(self.text)) or "urls.json" in self.text or "STAGING_URL" in self.text

    @property
    def shell_text(self) -> str:
        """A YAML CI step's ``run:`` script; a shell snippet as it is."""
        if self.language != "yaml":
            return self.text
        match = re.search(r"run: \|\n((?:\s{4,}.*\n?)+)", self.text)
        return "\n".join(line.strip() for line in (match.group(1) if match else "").splitlines())


def snippets(document: Path) -> list[Snippet]:
    text = document.read_text("utf-8")
    found = []
    for match in re.finditer(r"^```(\w*)\n(.*?)^```", text, re.S | re.M):
        language = LANGUAGES.get(match.group(1))
        if language is not None:
            found.append(Snippet(document, text[:match.start()].count("\n") + 1, language, match.group(2)))
    return found


def documented_json(text: str) -> list[Any]:
    """The JSON values the snippet's comments show as its output."""
    out = []
    for raw in DOCUMENTED_JSON.findall(text):
        try:
            out.append(json.loads(raw))
        except ValueError:
            continue
    return out


def matches(documented: Any, printed: Any) -> bool:
    """``printed`` is what the comment documents; a documented text with "…" stands for any text
    with the same start and end (request ids, generated tokens)."""
    if isinstance(documented, dict):
        return isinstance(printed, dict) and documented.keys() == printed.keys() and \
            all(matches(v, printed[k]) for k, v in documented.items())
    if isinstance(documented, list):
        return isinstance(printed, list) and len(documented) == len(printed) and \
            all(matches(d, p) for d, p in zip(documented, printed))
    if isinstance(documented, str) and "…" in documented:
        start, _, end = documented.partition("…")
        return isinstance(printed, str) and printed.startswith(start) and printed.endswith(end)
    return documented == printed and type(documented) is type(printed)


def json_values(output: str) -> list[Any]:
    """Every JSON object or array printed, back to back or one a line."""
    decoder, values, index = json.JSONDecoder(), [], 0
    while index < len(output):
        start = min((i for i in (output.find("{", index), output.find("[", index)) if i >= 0), default=-1)
        if start < 0:
            break
        try:
            value, index = decoder.raw_decode(output, start)
            values.append(value)
        except ValueError:
            index = start + 1
    return values


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
                raise AssertionError(f"{what}: the server exited ({process.returncode}):\n"
                                     f"{(self.folder / log).read_text()[-3000:]}")
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
        done = self._subprocess(["bash", "-c", script])
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

    def _subprocess(self, argv: list[str]) -> "_Done":
        """Run to its end; output through files, since a server it leaves running keeps them open."""
        self._runs += 1
        out_path, err_path = self.folder / f".out-{self._runs}", self.folder / f".err-{self._runs}"
        with open(out_path, "w") as out, open(err_path, "w") as err:
            process = subprocess.Popen(argv, cwd=self.folder, env=self.env, stdout=out, stderr=err, text=True,
                                       start_new_session=True)
        self.groups.append(process.pid)
        process.wait(timeout=600)
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


def free_port_base() -> int:
    from simulator.server import free_port_base as find

    return find()
