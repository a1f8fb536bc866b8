"""What the pytest fixtures' simulator is built from: ``--apisim-config FILE`` / ini ``apisim_config``
(the TOML ``apisim serve --config`` takes: seed, credentials, faults, rate limits, scenarios, state),
``--apisim-credentials FILE`` / ini ``apisim_credentials`` (as ``apisim serve --credentials``),
``--apisim-contracts-dir DIR`` / ini ``apisim_contracts_dir`` and ``--apisim-with-shipped`` / ini
``apisim_with_shipped`` (as ``apisim serve --contracts-dir``/``--with-shipped``: imported contracts,
served by the generic service), the seed options and the clock; and a test's own credentials from
its marker (``credentials=``).

Precedence as for ``apisim serve``: ``--apisim-seed`` over the file's ``seed`` over ini
``apisim_seed``, and the same for the contracts folder; credentials from the file, then
``--apisim-credentials``'s, then the demo ones. Paths in the TOML file are relative to it, in the
ini file to the ini file, on the command line to the current directory.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest

from simulator.config import SimulatorConfig, load_credentials_file, utc_now
from simulator.control.config_file import apply_serve_options
from simulator.testing.clock import FixedClock


def add_options(group: "pytest.OptionGroup", parser: pytest.Parser) -> None:
    group.addoption("--apisim-config", metavar="FILE", default=None,
                    help="TOML set-up of the fixtures' simulator, as apisim serve --config takes it (seed, "
                         "credentials, faults, rate limits, scenarios, state)")
    group.addoption("--apisim-credentials", metavar="FILE", default=None,
                    help="JSON or TOML {service: [credential, ...]} added before the demo credentials, as "
                         "apisim serve --credentials takes it")
    group.addoption("--apisim-contracts-dir", metavar="DIR", default=None,
                    help="serve the contracts in DIR instead of the shipped ones (apisim contract import/draft "
                         "writes them), as apisim serve --contracts-dir")
    group.addoption("--apisim-with-shipped", action="store_true", default=None,
                    help="with a contracts folder: serve the shipped contracts too")
    parser.addini("apisim_config", "TOML set-up of the fixtures' simulator (apisim serve --config's format)")
    parser.addini("apisim_credentials", "JSON or TOML credentials file (apisim serve --credentials's format)")
    parser.addini("apisim_contracts_dir", "folder of contracts to serve instead of the shipped ones")
    parser.addini("apisim_with_shipped", "serve the shipped contracts beside the contracts folder's", type="bool",
                  default=False)


def _path(config: pytest.Config, option: str, *, ini_only: bool = False) -> Path | None:
    given = None if ini_only else config.getoption(option, None)
    if given:
        return Path(given)
    value = config.getini(option)
    if not value:
        return None
    base = config.inipath.parent if config.inipath else config.rootpath
    return base / value


def _resolved(path: str | None) -> str | None:
    return str(Path(path).resolve()) if path else None


def simulator_config(config: pytest.Config, session_seed: int) -> SimulatorConfig:
    """The session simulator's configuration from the options, ini keys and files."""
    clock: Any = utc_now if config.getoption("apisim_real_clock", False) else FixedClock()
    try:
        credentials_file = _path(config, "apisim_credentials")
        credentials = load_credentials_file(credentials_file) if credentials_file else {}
        ini_contracts = _path(config, "apisim_contracts_dir", ini_only=True)
        built = SimulatorConfig(seed=session_seed, clock=clock, credentials=credentials,
                                contracts_dir=str(ini_contracts) if ini_contracts else None,
                                with_shipped=bool(config.getini("apisim_with_shipped")))
        config_file = _path(config, "apisim_config")
        # The command line over the TOML file over the ini file, as apisim serve --config has it.
        given = argparse.Namespace(config=str(config_file) if config_file else None,
                                   seed=config.getoption("apisim_seed", None),
                                   contracts_dir=_resolved(config.getoption("apisim_contracts_dir", None)),
                                   with_shipped=config.getoption("apisim_with_shipped", None))
        built = apply_serve_options(built, given)
        if built.contracts_dir and not Path(built.contracts_dir).is_dir():
            raise ValueError(f"contracts folder {built.contracts_dir}: no such folder")
    except ValueError as exc:
        raise pytest.UsageError(f"apisim: {exc}") from None
    return built


def with_test_credentials(session: dict[str, list[dict[str, Any]]], marked: Any,
                          known: list[str]) -> dict[str, list[dict[str, Any]]]:
    """The session's credentials with a test's own (``@pytest.mark.apisim(credentials={service: [...]})``) first."""
    if not marked:
        return session
    if not isinstance(marked, dict) or not all(
            isinstance(creds, list) and all(isinstance(c, dict) for c in creds) for creds in marked.values()):
        raise pytest.UsageError('@pytest.mark.apisim(credentials=...) takes {"service": [{...credential...}, ...]}')
    unknown = sorted(set(marked) - set(known))
    if unknown:
        raise pytest.UsageError(f"@pytest.mark.apisim(credentials=...): unknown service(s) {', '.join(unknown)}; "
                                f"known: {', '.join(sorted(known))}")
    merged = {service: list(creds) for service, creds in session.items()}
    for service, creds in marked.items():
        merged[service] = [*creds, *merged.get(service, [])]
    return merged
