"""``apisim serve ARGS`` in a child process, with the interface every running simulator shares
(:class:`~simulator.server.LoopbackServer`): for tests of the served simulator itself."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from simulator.config import SimulatorConfig
from simulator.server import LoopbackServer, free_port_base, taken_port
from simulator.simulator import Simulator

_PORT_ATTEMPTS = 5


class ServedSimulator(LoopbackServer):
    """``apisim serve ARGS`` in a child process, reachable like any :class:`LoopbackServer`.

    The live-server tests use it when ``APISIM_LIVE_SERVE`` is set (e.g. ``--workers 4``). State is
    a SQLite file both sides open, so ``.simulator`` (a local simulator over the same store) reads
    the journal and the records the workers wrote, and can seed records they will see.
    """

    def __init__(self, args: list[str], *, port_base: int | None = None, seed: int = 0,
                 startup_timeout: float = 60.0):
        """``port_base=None`` picks a free block of loopback ports, and another one if a process
        elsewhere takes a port of it between the check and ``apisim serve``'s bind (parallel tests)."""
        self._folder = tempfile.TemporaryDirectory(prefix="apisim-served-")
        self.store_url = f"sqlite:///{self._folder.name}/state.db"
        self.urls_json = f"{self._folder.name}/urls.json"
        self._serve_args, self._seed, self._picks_port = list(args), seed, port_base is None
        self._use_port_base(free_port_base() if port_base is None else port_base)
        self.startup_timeout = startup_timeout
        self.process: Any = None

    def _use_port_base(self, port_base: int) -> None:
        self.args = [*self._serve_args, "--port-base", str(port_base), "--seed", str(self._seed),
                     "--store", self.store_url, "--urls-json", self.urls_json]
        self.config = SimulatorConfig(port_base=port_base, seed=self._seed, store_url=self.store_url)

    def start(self) -> ServedSimulator:
        for attempt in range(_PORT_ATTEMPTS):
            self.process = subprocess.Popen([sys.executable, "-m", "simulator", "serve", *self.args],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            failure = self._wait_for_urls()
            if failure is None:
                break
            if not (self._picks_port and taken_port(failure) is not None and attempt + 1 < _PORT_ATTEMPTS):
                raise RuntimeError(f"apisim serve {' '.join(self.args)} exited: {failure}")
            self.process.stderr.close()
            self._use_port_base(free_port_base())
        self.simulator = Simulator(self.config)  # the served store is seeded already: nothing is re-seeded
        return self

    def _wait_for_urls(self) -> str | None:
        """None once ``apisim serve`` wrote its URLs; its error output if it exited first."""
        deadline = time.monotonic() + self.startup_timeout
        while not Path(self.urls_json).exists():
            if self.process.poll() is not None:
                return self.process.stderr.read().decode()
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"apisim serve did not start within {self.startup_timeout:.0f} s")
            time.sleep(0.05)
        return None

    def stop(self, timeout: float = 30.0) -> int | None:
        """SIGTERM, as a service manager would; the exit status (None if it had to be killed)."""
        code = None
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                code = self.process.wait(timeout=timeout)
            except Exception:  # noqa: BLE001 - past the timeout it is stopped for good
                self.process.kill()
                self.process.wait()
        elif self.process is not None:
            code = self.process.returncode
        if self.process is not None and self.process.stderr is not None:
            self.process.stderr.close()
        self._folder.cleanup()
        return code

    def urls(self) -> dict[str, Any]:
        """What the served simulator wrote to its ``--urls-json``."""
        return json.loads(Path(self.urls_json).read_text("utf-8"))
