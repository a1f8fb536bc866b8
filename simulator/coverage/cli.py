"""``apisim report``: the coverage report of a running simulator's journal or of a saved one.

    apisim report --from http://127.0.0.1:18100 --html coverage-html
    apisim report --from journal.json --missing --json coverage.json --fail-under 60
    apisim report --from journal.json --operations "huawei-ocr:* cdc-python:distance_calc" --fail-under 30

``--measure`` and ``--operations`` are the pytest plugin's ``--apisim-cov-measure`` and ini
``apisim_cov_operations`` (simulator/coverage/scope.py). A URL is read through the admin API (``GET URL/__apisim/requests``) and must be a loopback one;
a file may hold what that endpoint answers, a JSON list of entries, JSON lines, or the coverage
data the pytest plugin saves.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from simulator.core.net import is_loopback_address
from simulator.coverage.data import CoverageData, read_journal
from simulator.coverage.scope import DEFAULT_MEASURE, MEASURES, parse_operation_specs, resolve_operations



def add_commands(subparsers: Any) -> None:
    report = subparsers.add_parser("report", help="contract coverage of a running simulator or a saved journal",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    report.add_argument("--from", dest="source", required=True, metavar="URL|JOURNAL_FILE",
                        help="a running simulator's loopback URL, or a saved journal file")
    report.add_argument("--html", metavar="DIR", help="write the static HTML report into DIR")
    report.add_argument("--json", metavar="FILE", help="write the JSON report to FILE")
    report.add_argument("--missing", action="store_true", help="list what was never exercised (term-missing)")
    report.add_argument("--service", action="append", dest="services", metavar="NAME",
                        help="measure this service even without traffic (repeatable; default: those with traffic)")
    report.add_argument("--measure", choices=MEASURES, default=DEFAULT_MEASURE,
                        help="the figure reported and gated on: the project's operations called, their documented "
                             f"outcomes answered, or every documented outcome (default {DEFAULT_MEASURE})")
    report.add_argument("--operations", action="append", metavar="SERVICE:OPERATION",
                        help="the project's operations (service:operation or service:*; repeatable, or several "
                             "separated by spaces or commas; default: the operations called)")
    report.add_argument("--fail-under", type=float, metavar="N", help="exit 1 if the measure's figure is below N percent")
    report.add_argument("--contracts-dir", metavar="DIR", help="contracts to measure against (default: the shipped ones)")
    report.add_argument("--admin-token", metavar="TOKEN", help="the simulator's admin token, if it runs with one")
    report.set_defaults(handler=run_report)


def run_report(args: argparse.Namespace) -> int:
    from simulator.contracts import load_contracts
    from simulator.coverage.compute import compute
    from simulator.coverage.html import write_html
    from simulator.coverage.terminal import fail_under_message, format_table, header

    try:
        specs = parse_operation_specs(args.operations or [], "--operations")
        data = load_source(args.source, args.admin_token)
        contracts = load_contracts(args.contracts_dir)
        listed = resolve_operations(specs, contracts, "--operations") if specs else None
        report = compute(contracts, data, args.services, measure=args.measure, listed=listed, list_name="--operations")
    except (OSError, ValueError, KeyError) as exc:
        print(f"apisim report: {exc.args[0] if isinstance(exc, KeyError) else exc}", file=sys.stderr)
        return 2
    if report.services:
        print(header(report))
        print(format_table(report, missing=args.missing))
    else:
        print("no request reached a simulated service")
    if args.html:
        print(f"wrote {write_html(report, args.html, contracts)}")
    if args.json:
        Path(args.json).write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n", "utf-8")
        print(f"wrote {args.json}")
    failure = fail_under_message(report, args.fail_under, "--missing") if args.fail_under is not None else None
    if failure:
        print(failure, file=sys.stderr)
        return 1
    return 0


def load_source(source: str, admin_token: str | None = None) -> CoverageData:
    if source.startswith(("http://", "https://")):
        return read_journal(fetch_journal(source, admin_token))
    return read_journal(Path(source).read_text("utf-8"))


def fetch_journal(url: str, admin_token: str | None = None, timeout: float = 30.0) -> str:
    """The journal of the simulator at ``url``; only loopback addresses are ever contacted."""
    if not is_loopback_address(urlsplit(url).hostname or ""):
        raise ValueError(f"{url}: apisim report reads loopback simulators only (127.0.0.1, localhost, ::1)")
    request = urllib.request.Request(url.rstrip("/") + "/__apisim/requests", headers={"Accept": "application/json"})
    if admin_token:
        request.add_header("Authorization", f"Bearer {admin_token}")
    # No proxy: a proxy from the environment would send the request off the machine.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=timeout) as response:
        return response.read().decode("utf-8")
