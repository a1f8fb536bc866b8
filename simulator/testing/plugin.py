"""The apisim pytest plugin (registered through the ``pytest11`` entry point).

Fixtures:

- ``apisim``: the session's simulator listening on free loopback ports; reset before each test.
- ``apisim_respx``: the same simulator with every httpx request routed into it in-process
  (the vendors' real URLs work; no socket is opened). A request no documented operation
  serves fails the test, unless the test is marked ``strict=False``.
- ``apisim_inprocess``: the same, for httpx and requests (and the copy inside aliyun-python-sdk-core):
  the official SDKs run unchanged against the vendors' real URLs.
- ``apisim_session``: the session-scoped :class:`~simulator.testing.ApisimServer` itself, not reset.

Marker ``@pytest.mark.apisim(service=..., seed=..., error={"operation": code}, strict=..., credentials=...,
same_person=[[image, image], ...])``;
options ``--apisim-seed``, ``--apisim-strict``, ``--apisim-offline``, ``--apisim-allow-network``,
``--apisim-real-clock``. The offline guard is on in tests that use apisim, or for the whole run
with ``--apisim-offline`` (:mod:`simulator.testing.guard_scope`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

import pytest

from simulator.testing.clock import FixedClock
from simulator.testing.explain import is_unmatched, report
from simulator.testing import fixture_config, guard_scope
from simulator.testing.images import declare_all, same_person_groups
from simulator.testing.live import ApisimServer

MARKER_ARGS = ("service", "seed", "error", "strict", "credentials", "same_person")
MARKER_HELP = ("apisim(service=None, seed=None, error=None, strict=None, credentials=None, same_person=None): "
               "configure the apisim fixtures for one test: default service, fake-data seed, {operation: code or "
               "(code, times)} errors, strict mode, {service: [credential, ...]} accepted first, [[image, ...], ...] "
               "groups of untagged images that each show one person")

_STATE = pytest.StashKey["_TestState"]()


@dataclass
class _TestState:
    server: ApisimServer
    strict: bool  # fail the test for requests that break the contract
    marked_lenient: bool  # @pytest.mark.apisim(strict=False): bad requests are what the test is about
    route: Any = None  # the respx route, when apisim_respx is in use


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("apisim", "apisim: the simulated vendor APIs")
    group.addoption("--apisim-seed", type=int, default=None,
                    help="seed of all simulated fake data for the session (default 0, or the apisim_seed ini value)")
    group.addoption("--apisim-strict", action="store_true", default=None,
                    help="fail any test whose code sends a request that breaks a contract (consumer contract testing)")
    group.addoption("--apisim-real-clock", action="store_true", default=False,
                    help="the simulator uses the real clock instead of a fixed instant (for clients that cannot "
                         "be given apisim.now)")
    parser.addini("apisim_seed", "seed of all simulated fake data (default 0)", default="0")
    parser.addini("apisim_strict", "strict mode for every test", type="bool", default=False)
    guard_scope.add_options(group, parser)
    fixture_config.add_options(group, parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER_HELP)
    guard_scope.start_run(config)


def pytest_unconfigure(config: pytest.Config) -> None:
    guard_scope.end_run(config)


def pytest_report_header(config: pytest.Config) -> str:
    return (f"apisim: seed {_session_seed(config)}, strict {'on' if _strict_default(config) else 'off'}, "
            f"offline guard {guard_scope.describe(config)}")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    guard_scope.start_test(item)  # before any fixture: a session fixture's start-up is guarded too


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> Any:
    try:
        return (yield)
    finally:
        guard_scope.end_test(item)


def _session_seed(config: pytest.Config) -> int:
    seed = config.getoption("apisim_seed", None)
    return int(config.getini("apisim_seed")) if seed is None else seed


def _strict_default(config: pytest.Config) -> bool:
    option = config.getoption("apisim_strict", None)
    return bool(config.getini("apisim_strict")) if option is None else option


# -- fixtures -------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def apisim_session(pytestconfig: pytest.Config) -> Iterator[ApisimServer]:
    """The session's simulator (not started, not reset): use ``apisim`` or ``apisim_respx`` in tests."""
    server = ApisimServer(config=fixture_config.simulator_config(pytestconfig, _session_seed(pytestconfig)))
    yield server
    server.stop()


def _prepare(request: pytest.FixtureRequest, server: ApisimServer) -> _TestState:
    """Reset the simulator for this test and apply its marker."""
    marker = request.node.get_closest_marker("apisim")
    options = dict(marker.kwargs) if marker else {}
    if marker and marker.args:
        raise pytest.UsageError("@pytest.mark.apisim takes keyword arguments only: " + ", ".join(MARKER_ARGS))
    unknown = set(options) - set(MARKER_ARGS)
    if unknown:
        raise pytest.UsageError(f"@pytest.mark.apisim: unknown argument(s) {', '.join(sorted(unknown))}; "
                                f"use {', '.join(MARKER_ARGS)}")
    server.config.credentials = fixture_config.with_test_credentials(
        server.session_credentials, options.get("credentials"), list(server.simulator.contracts))
    server.reset(seed=server.session_seed if options.get("seed") is None else options["seed"])
    server.default_service = None
    if options.get("service") is not None:
        server.default_service = server.contract(options["service"]).service
    for operation, spec in (options.get("error") or {}).items():
        code, times = (spec, None) if isinstance(spec, str) else (spec[0], spec[1])
        server.fail_next(operation, code, times)
    if options.get("same_person") is not None:
        try:
            declare_all(server, same_person_groups(options["same_person"]))
        except ValueError as exc:
            raise pytest.UsageError(f"@pytest.mark.apisim(same_person=...): {exc}") from None
    existing = request.node.stash.get(_STATE, None)
    marked = options.get("strict")
    state = existing or _TestState(server=server, marked_lenient=marked is False,
                                   strict=bool(_strict_default(request.config) if marked is None else marked))
    request.node.stash[_STATE] = state
    return state


@pytest.fixture
def apisim(request: pytest.FixtureRequest, apisim_session: ApisimServer) -> ApisimServer:
    """The simulator on loopback ports (started once per session), reset before this test."""
    apisim_session.start()
    _prepare(request, apisim_session)
    return apisim_session


@pytest.fixture
def apisim_respx(request: pytest.FixtureRequest, apisim_session: ApisimServer) -> Iterator[ApisimServer]:
    """Every httpx request of this test routed in-process into the simulator (no socket), reset before it."""
    from simulator.testing.respx_route import apisim_router

    state = _prepare(request, apisim_session)
    with apisim_router(apisim_session.simulator, fail_unmatched=not state.marked_lenient) as router:
        state.route = router.apisim
        yield apisim_session


@pytest.fixture
def apisim_inprocess(request: pytest.FixtureRequest, apisim_session: ApisimServer) -> Iterator[ApisimServer]:
    """Every httpx and requests call of this test (the SDKs built on them too) routed in-process into the
    simulator, the vendors' real URLs included (no socket), reset before it."""
    from simulator.testing.inprocess import apisim_inprocess as routed

    state = _prepare(request, apisim_session)
    with routed(apisim_session.simulator, fail_unmatched=not state.marked_lenient) as inprocess:
        state.route = inprocess.route
        yield apisim_session


# -- failing tests for what their code sent -------------------------------------------------------

@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    guard = guard_scope.active_guard(item)
    refused_before = len(guard.refusals) if guard is not None else 0
    result = yield  # a test that failed on its own keeps its own failure
    problems: list[str] = []
    if guard is not None and len(guard.refusals) > refused_before:
        problems.append("the code under test tried to reach the network:\n  "
                        + "\n  ".join(guard.refusals[refused_before:]))
    state = item.stash.get(_STATE, None)
    if state is not None:
        sim = state.server.simulator
        if state.route is not None and state.route.unmatched:
            problems.append("the code under test sent requests no documented operation serves:\n  "
                            + "\n  ".join(m.replace("\n", "\n  ") for m in state.route.unmatched))
        if state.strict:
            reported_unmatched = state.route is not None
            found = [e for e in state.server.violations() if not (reported_unmatched and is_unmatched(e))]
            if found:
                problems.append(report(sim, found, "apisim strict mode: the code under test sent requests that "
                                                   "break the contract"))
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)
    return result
