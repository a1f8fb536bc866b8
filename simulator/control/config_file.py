"""``apisim serve --config FILE``: one TOML file for a whole test set-up (see examples/apisim.toml).

Top-level keys: ``seed``, ``admin_token``, ``admin_hosts`` (names besides loopback the admin API
answers under), ``[credentials]`` (service -> list of credentials, as
``--credentials`` takes them), ``[[faults]]`` (JSON form, or ``spec = "svc:op:action,..."``),
``[[rate_limits]]``, ``[[scenarios]]``, ``[state.<service>]`` (records to seed, as
``POST /__apisim/state/<service>`` takes them), ``contracts_dir`` (contracts to serve instead of the
shipped ones, relative to the file's folder; one without a service package is served by the generic
service) and ``with_shipped`` (serve the shipped ones too). Command-line options win over the file.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from simulator.config import SimulatorConfig

KEYS = ("seed", "admin_token", "admin_hosts", "credentials", "faults", "rate_limits", "scenarios", "state",
        "contracts_dir", "with_shipped")


def load_config_file(path: str | Path) -> dict[str, Any]:
    """The file's settings, checked for shape (the contracts check the content at start)."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise ValueError(f"{path}: cannot read it ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not TOML ({exc})") from None
    unknown = set(raw) - set(KEYS)
    if unknown:
        raise ValueError(f"{path}: unknown keys {', '.join(sorted(unknown))}; the file takes {', '.join(KEYS)}")
    if "seed" in raw and not isinstance(raw["seed"], int):
        raise ValueError(f"{path}: seed must be an integer")
    if "admin_token" in raw and not (isinstance(raw["admin_token"], str) and raw["admin_token"]):
        raise ValueError(f"{path}: admin_token must be a non-empty string")
    hosts = raw.get("admin_hosts", [])
    if not (isinstance(hosts, list) and all(isinstance(h, str) and h for h in hosts)):
        raise ValueError(f"{path}: admin_hosts is a list of host names")
    credentials = raw.get("credentials", {})
    if not isinstance(credentials, dict) or not all(
            isinstance(v, list) and all(isinstance(c, dict) for c in v) for v in credentials.values()):
        raise ValueError(f"{path}: [credentials] maps a service to a list of credential tables")
    for key in ("faults", "rate_limits", "scenarios"):
        if not isinstance(raw.get(key, []), list):
            raise ValueError(f"{path}: {key} is an array of tables ([[{key}]])")
    if "contracts_dir" in raw:
        if not (isinstance(raw["contracts_dir"], str) and raw["contracts_dir"]):
            raise ValueError(f"{path}: contracts_dir is a folder of contracts (relative to the file's folder)")
        raw["contracts_dir"] = str((path.parent / raw["contracts_dir"]).resolve())
    if not isinstance(raw.get("with_shipped", False), bool):
        raise ValueError(f"{path}: with_shipped is true or false")
    if not isinstance(raw.get("state", {}), dict):
        raise ValueError(f"{path}: [state.<service>] tables hold the records to seed")
    faults = [entry["spec"] if isinstance(entry, dict) and set(entry) == {"spec"} else entry
              for entry in raw.get("faults", [])]
    return {**raw, "faults": faults}


def apply_serve_options(config: SimulatorConfig, args: argparse.Namespace) -> SimulatorConfig:
    """``--config FILE``, ``--fault SPEC``, ``--admin-token`` and ``--admin-host`` folded into the
    simulator's configuration."""
    settings = load_config_file(args.config) if getattr(args, "config", None) else {}
    control = {key: settings[key] for key in ("faults", "rate_limits", "scenarios", "state", "admin_token")
               if key in settings}
    control["faults"] = [*control.get("faults", []), *(getattr(args, "faults", None) or [])]
    control["admin_hosts"] = [*settings.get("admin_hosts", []), *(getattr(args, "admin_hosts", None) or [])]
    if getattr(args, "admin_token", None):
        control["admin_token"] = args.admin_token
    credentials = {service: [*creds] for service, creds in settings.get("credentials", {}).items()}
    for service, creds in config.credentials.items():
        credentials.setdefault(service, []).extend(creds)
    seed = config.seed if getattr(args, "seed", None) is not None else settings.get("seed", config.seed or 0)
    reading = {name: getattr(args, name) for name in ("header_timeout", "body_timeout", "max_connections")
               if getattr(args, name, None) is not None}  # simulator/reading.py
    contracts = {"contracts_dir": getattr(args, "contracts_dir", None) or settings.get("contracts_dir", config.contracts_dir)}
    with_shipped = getattr(args, "with_shipped", None)
    contracts["with_shipped"] = with_shipped if with_shipped is not None else settings.get("with_shipped", config.with_shipped)
    if contracts["with_shipped"] and not contracts["contracts_dir"]:
        raise ValueError("--with-shipped adds the shipped contracts to those of --contracts-dir (or the config's "
                         "contracts_dir): give one")
    return dataclasses.replace(config, seed=seed or 0, credentials=credentials, control=control, **reading, **contracts)
