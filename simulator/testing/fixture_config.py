"""What the pytest fixtures' simulator is built from: ``--apisim-config FILE`` / ini ``apisim_config``
(the TOML ``apisim serve --config`` takes: seed, credentials, faults, rate limits, scenarios, state),
``--apisim-credentials FILE`` / ini ``apisim_credentials`` (as ``apisim serve --credentials``), the
seed options and the clock; and a test's own credentials from its marker (``credentials=``).

Precedence as for ``apisim serve``: ``--apisim-seed`` over the file's ``seed`` over ini
``apisim_seed``; credentials from the file, then ``--apisim-credentials``'s, then the demo ones.
Paths in the ini file are relative to it; on the command line, to the current directory.
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
    parser.addini("apisim_config", "TOML set-up of the fixtures' simulator (apisim serve --config's format)")
    parser.addini("apisim_credentials", "JSON or TOML credentials file (apisim serve --credentials's format)")


def _path(config: pytest.Config, option: str) -> Path | None:
    given = config.getoption(option, None)
    if given:
        return Path(given)
    value = config.getini(option)
    if not value:
        return None
    base = config.inipath.parent if config.inipath else config.rootpath
    return base / value


def simulator_config(config: pytest.Config, session_seed: int) -> SimulatorConfig:
    """The session simulator's configuration from the options, ini keys and files."""
    clock: Any = utc_now if config.getoption("apisim_real_clock", False) else FixedClock()
    try:
        credentials_file = _path(config, "apisim_credentials")
        credentials = load_credentials_file(credentials_file) if credentials_file else {}
        built = SimulatorConfig(seed=session_seed, clock=clock, credentials=credentials)
        config_file = _path(config, "apisim_config")
        if config_file is not None:
            cli_seed = config.getoption("apisim_seed", None)
            built = apply_serve_options(built, argparse.Namespace(config=str(config_file), seed=cli_seed))
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
