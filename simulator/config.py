"""Simulator configuration: everything a run can vary, in one object passed to ``create_app``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT_BASE = 18100


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class SimulatorConfig:
    seed: int = 0
    services: list[str] | None = None  # None: every shipped contract
    contracts_dir: str | None = None  # contracts to serve instead of the shipped ones...
    with_shipped: bool = False  # ...or beside them (a contract in contracts_dir replaces the shipped one of its name)
    credentials: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    clock: Callable[[], datetime] = utc_now
    # Signatures dated by the wall clock are accepted within each vendor's skew window too, beside
    # those dated by ``clock`` (the official SDKs sign with the wall clock; a test simulator's clock
    # is fixed). Answers, token lifetimes and timestamps still come from ``clock`` alone.
    accept_wall_clock_signatures: bool = True
    store_url: str | None = None
    host: str = DEFAULT_HOST
    allow_remote: bool = False  # serve a non-loopback --host (apisim serve --allow-remote, with an admin token)
    port_base: int = DEFAULT_PORT_BASE
    validate_responses: bool = False  # check every answer against its own schema (slower; tests and verify)
    journal_limit: int = 10_000
    # Faults, rate limits, scenarios, state seeds and admin_token (simulator/control; --config FILE).
    control: dict[str, Any] = field(default_factory=dict)
    # Slow or broken clients (simulator/reading.py): the headers must arrive within header_timeout
    # seconds, then the body within body_timeout; each worker takes max_connections per port.
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    max_connections: int = 4096
    # Extensions: each is called with the simulator once it is built and returns the Hooks to add to
    # its pipeline, or None (the checking proxy, simulator/proxy: apisim serve --proxy).
    extensions: list[Callable[[Any], Any]] = field(default_factory=list)
    # Whether the server under the simulator can reset or drop a connection (werkzeug can; granian
    # answers 500 instead), so connection faults are refused up front where they cannot happen.
    dropped_connections: bool = True


def load_credentials_file(path: str | Path) -> dict[str, list[dict[str, Any]]]:
    """``--credentials FILE``: JSON or TOML, ``{service: [credential, ...]}``."""
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ValueError(f"{path}: cannot read it ({exc.strerror})") from None
    try:
        raw = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path}: cannot parse credentials ({exc}); expected JSON or TOML mapping service -> list of "
                         "credentials") from None
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a mapping of service name to credentials")
    out: dict[str, list[dict[str, Any]]] = {}
    for service, creds in raw.items():
        if not isinstance(creds, list) or not all(isinstance(c, dict) for c in creds):
            raise ValueError(f"{path}: {service}: expected a list of credential objects, "
                             f'{{"{service}": [{{...}}, ...]}}')
        out[service] = creds
    return out
