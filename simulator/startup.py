"""What ``apisim serve`` checks before it binds a port or forks a worker, and the URL file it writes.

Everything a user can get wrong on the command line or in a file is refused here, in the master,
with one line saying what to do: a worker forked before a refusal would outlive it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from simulator.config import SimulatorConfig
from simulator.contracts import Contract, load_contracts
from simulator.core.errors import UsageError
from simulator.core.net import is_loopback_address

MAX_PORT = 65535


def check_serve_config(config: SimulatorConfig) -> dict[str, Contract]:
    """The served contracts, once the host, ports and credentials are known to be usable."""
    check_host(config.host, config.allow_remote, (config.control or {}).get("admin_token"))
    known = load_contracts(config.contracts_dir, with_shipped=config.with_shipped)
    served = load_contracts(config.contracts_dir, config.services, with_shipped=config.with_shipped)
    check_ports(served, config.port_base)
    check_credentials(config.credentials, known)
    return served


def check_host(host: str, allow_remote: bool, admin_token: str | None) -> None:
    """Loopback only, unless the user says otherwise twice: ``--allow-remote`` and an admin token.

    Served on another interface, the simulator answers anyone who can reach it, with demo
    credentials every reader of the README knows; the admin API then needs the token."""
    if is_loopback_address(host):
        return
    if not allow_remote:
        raise UsageError(f"--host {host}: apisim serves loopback only (127.0.0.1, ::1, localhost); to serve other "
                         "interfaces on purpose, add --allow-remote and --admin-token TOKEN")
    if not admin_token:
        raise UsageError(f"--host {host} --allow-remote: also give --admin-token TOKEN (or admin_token in --config), "
                         "so the admin API is not open to the network")


def check_ports(contracts: dict[str, Contract], port_base: int) -> None:
    """Every deployment's port (``port_base + 10 * port_block + index``) must exist."""
    ports = {(c.service, d.name): c.port_of(d, port_base) for c in contracts.values() for d in c.deployments}
    if not ports:
        return
    (service, dep), highest = max(ports.items(), key=lambda item: item[1])
    if port_base < 1 or highest > MAX_PORT:
        room = MAX_PORT - (highest - port_base)
        raise UsageError(f"--port-base {port_base}: the ports would run from {min(ports.values())} to {highest} "
                         f"({service}/{dep}); choose a port base from 1 to {room}")


def credential_fields(contract: Contract) -> set[str]:
    """The fields a service's credentials take: those its demo credentials use, and the optional
    ones its contract names in ``x-credential-fields``."""
    fields = {key for credential in contract.credentials for key in credential}
    return fields | set(contract.raw.get("x-credential-fields", []))


def check_credentials(credentials: dict[str, list[dict[str, Any]]], known: dict[str, Contract]) -> None:
    """Every service named is a contract's, and every field one that service's credentials take
    (``x-`` keys are notes, always allowed)."""
    for service, entries in credentials.items():
        if service not in known:
            raise UsageError(f"credentials for {service!r}: no such service; known: {', '.join(sorted(known))}")
        fields = credential_fields(known[service])
        for index, credential in enumerate(entries):
            unknown = sorted(k for k in credential if k not in fields and not k.startswith("x-"))
            if unknown:
                raise UsageError(f"credentials for {service} (#{index + 1}): unknown field {', '.join(unknown)}; "
                                 f"{service} credentials take {', '.join(sorted(fields))}")


class UrlsFile:
    """``--urls-json PATH``: written whole once every port accepts (a temporary file renamed into
    place), removed when the server stops. A file an earlier run left is removed at start, so a
    readiness loop that waits for the file never passes before this server is up."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        folder = self.path.parent
        if self.path.is_dir():
            raise UsageError(f"--urls-json {path}: that is a folder; name a file in it")
        if not folder.is_dir():
            raise UsageError(f"--urls-json {path}: folder {folder} does not exist; create it or name another path")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise UsageError(f"--urls-json {path}: cannot write in {folder}; name a path in a folder you can write")
        try:
            self.path.unlink(missing_ok=True)
        except OSError as exc:
            raise UsageError(f"--urls-json {path}: cannot remove the file an earlier run left ({exc.strerror})") from None
        self.written = False

    def write(self, urls: dict[str, Any]) -> None:
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(urls, ensure_ascii=False, indent=2) + "\n", "utf-8")
        os.replace(temporary, self.path)
        self.written = True

    def remove(self) -> None:
        """At stop: the file this process wrote."""
        if self.written:
            self.path.unlink(missing_ok=True)
            self.written = False

    def discard(self) -> None:
        """From a worker that outlived the master that wrote the file (it never knew it was written)."""
        self.path.unlink(missing_ok=True)
