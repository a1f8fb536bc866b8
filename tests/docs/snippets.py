"""Every shell and Python snippet of README.md and docs/, found and run as a reader would run it
(found here; run by session.py).

A documentation file is a session: its snippets run in order, in one scratch folder that holds
links to the repository's top-level folders (``fixtures/``, ``examples/``, ``contracts/``...), so
relative paths work as they do from a checkout and whatever a snippet writes stays out of the
repository. What is adapted, and only this:

- **ports**: every default port ``181xx`` in a snippet is replaced by the session's free port base
  plus ``xx``, and ``APISIM_PORT_BASE`` is set to that base, so ``apisim serve`` written without
  ``--port-base`` listens where the snippet's URLs point. If a server the document starts refuses a
  port of that block because another process took it after the block was picked (tests running in
  parallel), the document runs again from its first snippet on a fresh block, in a fresh folder, up
  to ``PORT_RETRIES`` times (``session.run_document``); any other server failure fails the test;
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

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
LANGUAGES = {"sh": "shell", "bash": "shell", "python": "python", "yaml": "yaml"}
DEFAULT_PORT = re.compile(r"\b181([0-9][0-9])\b")
SERVES = re.compile(r"(^|[\s;&|(])(apisim|python3? -m simulator) serve\b")
DOCUMENTED_JSON = re.compile(r"^\s*#\s*(\{.*\}|\[.*\])\s*$", re.M)

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
