"""Contract coverage in pytest (second ``pytest11`` entry point, next to the apisim fixtures' plugin).

Every simulator a fixture hands out (an :class:`~simulator.testing.ApisimServer` or a
:class:`~simulator.simulator.Simulator`) is tracked; at the end of the session a table says, per
service, which operations were called and which documented outcomes were answered.

Options: ``--apisim-cov-report=term|term-missing|html:DIR|json:FILE|none`` (repeatable; default
``term`` when the apisim fixtures were used), ``--apisim-cov-measure=operations|outcomes|all`` / ini
``apisim_cov_measure`` (the figure reported and gated on; default ``outcomes``: the documented
outcomes of the project's operations), ``--apisim-cov-fail-under=N`` / ini ``apisim_cov_fail_under``
(fail the run below N percent), ini ``apisim_cov_operations`` (the project's operations,
``service:operation`` or ``service:*``; default: the ones the tests called),
``--apisim-cov-service=NAME`` (measure this service even if no test called it). The measures and
the list are simulator/coverage/scope.py's.

With pytest-xdist each worker saves its data in a temporary folder the controller names, and the
controller merges them before reporting.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from simulator.coverage.compute import CoverageReport, compute
from simulator.coverage.data import CoverageData
from simulator.coverage.scope import (DEFAULT_MEASURE, LIST_INI, MEASURES, OperationSpec, check_measure,
                                      parse_operation_specs, resolve_operations)
from simulator.coverage.terminal import fail_under_message
from simulator.coverage.tracker import CoverageTracker

PLUGIN_NAME = "apisim-coverage-collector"  # the entry point itself is "apisim-coverage"
_WORKER_DIR_KEY = "apisim_cov_dir"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("apisim-coverage", "apisim: contract coverage")
    group.addoption("--apisim-cov-report", action="append", default=None, metavar="TYPE",
                    help="contract coverage report: term, term-missing, html:DIR, json:FILE or none "
                         "(repeatable; default term when the apisim fixtures were used)")
    group.addoption("--apisim-cov-measure", choices=MEASURES, default=None,
                    help="the figure reported and gated on: operations (the project's operations called), outcomes "
                         "(their documented outcomes answered) or all (every documented outcome); default "
                         f"{DEFAULT_MEASURE}, or ini apisim_cov_measure")
    group.addoption("--apisim-cov-fail-under", type=float, default=None, metavar="N",
                    help="fail the run if the measure's figure is below N percent (or ini apisim_cov_fail_under)")
    group.addoption("--apisim-cov-service", action="append", default=None, metavar="NAME",
                    help="measure this service even if no test called it (repeatable; default: the services "
                         "the tests called)")
    parser.addini("apisim_cov_measure", f"contract coverage measure: {', '.join(MEASURES)} (default {DEFAULT_MEASURE})")
    parser.addini("apisim_cov_fail_under", "fail the run if the contract coverage measure is below this percent")
    parser.addini(LIST_INI, "the project's operations, service:operation or service:* (one a line, or separated by "
                            "spaces or commas); default: the operations the tests called", type="linelist")


def pytest_configure(config: pytest.Config) -> None:
    reports = parse_reports(config.getoption("apisim_cov_report") or [])
    config.pluginmanager.register(CoveragePlugin(config, reports, gate_settings(config)), PLUGIN_NAME)


@dataclass(frozen=True)
class GateSettings:
    """The measure, the threshold and the listed operations, from the options or else the ini file."""

    measure: str
    fail_under: float | None
    operations: list[OperationSpec]  # empty: the project's operations are the ones the tests called


def gate_settings(config: pytest.Config) -> GateSettings:
    """Checked before any test runs: a misspelt measure, threshold or list entry is a usage error, and
    so is an operation a shipped service does not have. A service apisim does not ship may be one of
    the user's own contracts: it is checked against the contracts the fixtures served, at the end."""
    try:
        measure = config.getoption("apisim_cov_measure") or check_measure(
            str(config.getini("apisim_cov_measure") or DEFAULT_MEASURE), "apisim_cov_measure")
        fail_under = config.getoption("apisim_cov_fail_under")
        ini_fail_under = str(config.getini("apisim_cov_fail_under") or "").strip()
        if fail_under is None and ini_fail_under:
            try:
                fail_under = float(ini_fail_under)
            except ValueError:
                raise ValueError(f"apisim_cov_fail_under={ini_fail_under}: a percentage, e.g. 80") from None
        operations = parse_operation_specs(config.getini(LIST_INI))
        if operations and getattr(config, "workerinput", None) is None:  # the controller checks once
            shipped = _shipped_contracts()
            resolve_operations([spec for spec in operations if spec[0] in shipped], shipped)
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None
    return GateSettings(measure, fail_under, operations)


def parse_reports(values: list[str]) -> list[tuple[str, str | None]]:
    """``["term-missing", "html:out"]`` → ``[("term-missing", None), ("html", "out")]``."""
    reports: list[tuple[str, str | None]] = []
    for value in values:
        kind, _, target = value.partition(":")
        if kind in ("term", "term-missing", "none") and not target:
            reports.append((kind, None))
        elif kind in ("html", "json") and target:
            reports.append((kind, target))
        else:
            raise pytest.UsageError(f"--apisim-cov-report={value}: use term, term-missing, html:DIR, json:FILE or none")
    return reports


class CoveragePlugin:
    def __init__(self, config: pytest.Config, reports: list[tuple[str, str | None]], gate: GateSettings):
        self.config = config
        self.reports = reports
        self.gate = gate
        self.tracker = CoverageTracker(current_test=lambda: self._current)
        self.report: CoverageReport | None = None
        self.written: list[str] = []
        self.failed_under: str | None = None
        self._current: str | None = None
        self._worker_dir: Path | None = None  # the controller's: where xdist workers save their data
        self.workers_used = False

    # -- what the tests do ------------------------------------------------------------------------

    @pytest.hookimpl(wrapper=True)
    def pytest_fixture_setup(self, fixturedef: Any, request: Any) -> Any:
        value = yield
        from simulator.simulator import Simulator
        from simulator.testing.live import ApisimServer

        if isinstance(value, ApisimServer):
            self.tracker.track(value.simulator)
        elif isinstance(value, Simulator):
            self.tracker.track(value)
        return value

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: Any) -> Any:
        self._current = item.nodeid
        try:
            return (yield)
        finally:
            self._current = None

    # -- pytest-xdist -----------------------------------------------------------------------------

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        """Controller: tell each worker where to save its coverage data."""
        if self._worker_dir is None:
            self._worker_dir = Path(tempfile.mkdtemp(prefix="apisim-cov-"))
        node.workerinput[_WORKER_DIR_KEY] = str(self._worker_dir)
        self.workers_used = True

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        worker_input = getattr(self.config, "workerinput", None)
        if worker_input and worker_input.get(_WORKER_DIR_KEY):  # an xdist worker: hand the data over
            name = f"{worker_input.get('workerid', 'worker')}.json"
            self.tracker.data.save(Path(worker_input[_WORKER_DIR_KEY]) / name)
        self.tracker.untrack_all()

    def combined(self) -> CoverageData:
        """This process's data plus every xdist worker's."""
        data = CoverageData().merge(self.tracker.data)
        if self._worker_dir is not None:
            for path in sorted(self._worker_dir.glob("*.json")):
                data.merge(CoverageData.load(path))
            shutil.rmtree(self._worker_dir, ignore_errors=True)
            self._worker_dir = None
        return data

    # -- reporting (controller) -------------------------------------------------------------------

    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Any:
        result = yield  # under xdist this returns once every worker has finished
        if getattr(self.config, "workerinput", None) is not None:
            return result
        data = self.combined()
        services = self.config.getoption("apisim_cov_service")
        fail_under = self.gate.fail_under
        if not (len(data) or data.unrouted or services or fail_under is not None or self.wanted_files()):
            return result  # the apisim fixtures were not used: nothing to say
        contracts = self.tracker.contracts() or _shipped_contracts()
        if any(service not in contracts for service, _ in self.gate.operations):
            contracts = {**_shipped_contracts(), **contracts}  # listed services no fixture served
        try:
            listed = resolve_operations(self.gate.operations, contracts) if self.gate.operations else None
            self.report = compute(contracts, data, services, measure=self.gate.measure, listed=listed)
        except ValueError as exc:
            raise pytest.UsageError(str(exc)) from None
        except KeyError as exc:
            raise pytest.UsageError(f"--apisim-cov-service: {exc.args[0]}") from None
        self.write_files(contracts)
        if fail_under is not None:
            self.failed_under = fail_under_message(self.report, fail_under, "--apisim-cov-report=term-missing")
            if self.failed_under:
                session.testsfailed += 1  # pytest then exits with TESTS_FAILED, as pytest-cov does
        return result

    def wanted_files(self) -> list[tuple[str, str]]:
        return [(kind, target) for kind, target in self.reports if target]

    def write_files(self, contracts: dict[str, Any]) -> None:
        import json

        from simulator.coverage.html import write_html

        assert self.report is not None
        for kind, target in self.wanted_files():
            if kind == "html":
                index = write_html(self.report, target, contracts)
                self.written.append(f"apisim coverage HTML written to {index}")
            elif kind == "json":
                Path(target).parent.mkdir(parents=True, exist_ok=True)
                Path(target).write_text(json.dumps(self.report.to_dict(), ensure_ascii=False, indent=2) + "\n", "utf-8")
                self.written.append(f"apisim coverage JSON written to {target}")

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.report is None:
            return
        from simulator.coverage.terminal import format_table, header

        kinds = [kind for kind, _ in self.reports]
        # As pytest-cov: the table by default, or when asked; html/json alone print only where they went.
        if not self.report.services:
            terminalreporter.write_sep("-", "apisim contract coverage: no request reached a simulated service")
        elif not kinds or "term" in kinds or "term-missing" in kinds:
            terminalreporter.write_sep("-", header(self.report))
            terminalreporter.write_line(format_table(self.report, missing="term-missing" in kinds))
        for line in self.written:
            terminalreporter.write_line(line)
        if self.failed_under:
            terminalreporter.write_line(self.failed_under, red=True, bold=True)


def _shipped_contracts() -> dict[str, Any]:
    from simulator.contracts import load_contracts

    return load_contracts()
