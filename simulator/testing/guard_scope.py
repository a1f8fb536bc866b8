"""When the pytest plugin's offline guard is on: scoped like pytest-socket.

- ``--apisim-allow-network``: never.
- ``--apisim-offline`` / ini ``apisim_offline = true``: for the whole run, from start-up to the end
  (apisim's own suite does this: nothing in it may reach the network).
- otherwise: only around the tests that use apisim (one of its fixtures, a fixture built on
  ``apisim_session``, or the ``apisim`` marker), from their setup to the end of their teardown.
  Other tests in the same venv are left alone: installing apisim does not take a project offline.
"""

from __future__ import annotations

from typing import Iterable

import pytest

from simulator.testing.guard import OfflineGuard

APISIM_FIXTURES = frozenset({"apisim", "apisim_respx", "apisim_inprocess", "apisim_session"})

_RUN_GUARD = pytest.StashKey[OfflineGuard]()
_TEST_GUARD = pytest.StashKey[OfflineGuard]()


def add_options(group: "pytest.OptionGroup", parser: pytest.Parser) -> None:
    group.addoption("--apisim-offline", action="store_true", default=None,
                    help="refuse every non-loopback connection and DNS lookup for the whole run (default: only in "
                         "tests that use an apisim fixture or marker)")
    group.addoption("--apisim-allow-network", action="store_true", default=False,
                    help="never install the offline guard, not even for tests that use apisim")
    parser.addini("apisim_offline", "the offline guard for the whole run, not only for tests that use apisim",
                  type="bool", default=False)


def mode(config: pytest.Config) -> str:
    """``"off"``, ``"run"`` (the whole run) or ``"tests"`` (tests that use apisim)."""
    if config.getoption("apisim_allow_network", False):
        return "off"
    option = config.getoption("apisim_offline", None)
    whole_run = bool(config.getini("apisim_offline")) if option is None else option
    return "run" if whole_run else "tests"


def describe(config: pytest.Config) -> str:
    return {"off": "off (--apisim-allow-network)", "run": "on for the whole run",
            "tests": "on in tests that use apisim"}[mode(config)]


def uses_apisim(fixturenames: Iterable[str], marked: bool) -> bool:
    return marked or not APISIM_FIXTURES.isdisjoint(fixturenames)


def start_run(config: pytest.Config) -> None:
    if mode(config) == "run":
        config.stash[_RUN_GUARD] = OfflineGuard().install()


def end_run(config: pytest.Config) -> None:
    guard = config.stash.get(_RUN_GUARD, None)
    if guard is not None:
        guard.uninstall()
        del config.stash[_RUN_GUARD]


def start_test(item: pytest.Item) -> None:
    if mode(item.config) != "tests" or _TEST_GUARD in item.stash:
        return
    if uses_apisim(getattr(item, "fixturenames", ()), item.get_closest_marker("apisim") is not None):
        item.stash[_TEST_GUARD] = OfflineGuard().install()


def end_test(item: pytest.Item) -> None:
    guard = item.stash.get(_TEST_GUARD, None)
    if guard is not None:
        guard.uninstall()
        del item.stash[_TEST_GUARD]


def active_guard(item: pytest.Item) -> OfflineGuard | None:
    """The guard watching this test, if any (its refusals fail the test)."""
    return item.stash.get(_TEST_GUARD, None) or item.config.stash.get(_RUN_GUARD, None)
