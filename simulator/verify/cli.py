"""``apisim verify``: check that a server keeps a contract (see docs/verify.md)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from simulator.config import load_credentials_file


def add_commands(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "verify", help="check a server against a contract: examples, generated requests, provoked errors",
        description="Send a contract's examples, requests generated from its schemas and requests built to provoke "
                    "each documented validation and auth error to a server, and check every answer against the "
                    "contract. Exit status 1 when anything fails.")
    p.add_argument("--contract", required=True, metavar="NAME", help="the service whose contract to check (apisim contracts lists them)")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--base-url", metavar="URL", help="where the deployment is served, e.g. http://127.0.0.1:18100")
    where.add_argument("--urls-json", metavar="FILE", help="the file 'apisim serve --urls-json' writes: every deployment's local URL")
    p.add_argument("--deployment", action="append", dest="deployments", metavar="D",
                   help="which deployment --base-url serves (default: the contract's first); with --urls-json, "
                        "only these (repeatable)")
    p.add_argument("--credentials", metavar="FILE", help="JSON or TOML {service: [credential, ...]}; default: the contract's demo credentials")
    p.add_argument("--operations", nargs="+", metavar="OP", help="only these operations")
    p.add_argument("--max-examples", type=int, default=10, metavar="N", help="generated requests per operation (default %(default)s)")
    p.add_argument("--max-requests", type=int, default=5000, metavar="N", help="stop sending after N requests (default %(default)s)")
    p.add_argument("--time-limit", type=float, default=600.0, metavar="S", help="stop sending after S seconds (default %(default)s)")
    p.add_argument("--timeout", type=float, default=10.0, metavar="S", help="per-request timeout (default %(default)s)")
    p.add_argument("--seed", type=int, default=0, help="seed for generated requests (default %(default)s)")
    p.add_argument("--allow-writes", action="store_true",
                   help="also send operations that create, change or delete state to a target that is not on loopback")
    p.add_argument("--contracts-dir", metavar="DIR", help="load contracts from DIR instead of the shipped ones")
    p.add_argument("--now", metavar="ISO8601", help="sign requests as of this instant (a target with a fixed clock); default: now")
    p.add_argument("--junit-xml", metavar="PATH", help="write JUnit XML for CI")
    p.add_argument("--json", metavar="PATH", dest="json_out", help="write the results as JSON")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--quiet", action="store_true", help="only failures and the summary")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from simulator.contracts import load_contracts

    try:
        import hypothesis  # noqa: F401  (the verify extra: generation, then sending)
        import httpx  # noqa: F401

        from simulator.verify.report import ProgressBar, as_json, failure_report, summary_table, write_junit_xml
        from simulator.verify.runner import Verifier, VerifyOptions
    except ModuleNotFoundError as exc:
        print(f"apisim verify: needs the verify extra (missing {exc.name}): python3 -m pip install 'apisim[verify]'",
              file=sys.stderr)
        return 2

    try:
        contract = load_contracts(args.contracts_dir, [args.contract])[args.contract]
        base_urls = _base_urls(args, contract)
        credentials = None
        if args.credentials:
            credentials = load_credentials_file(args.credentials).get(args.contract)
            if not credentials:
                raise ValueError(f"{args.credentials} has no credentials for {args.contract}")
        now = _parse_now(args.now) if args.now else None
        for url in base_urls.values():
            _check_listening(url, args.timeout)
    except (KeyError, ValueError, OSError) as exc:
        print(f"apisim verify: {exc.args[0] if isinstance(exc, KeyError) and exc.args else exc}", file=sys.stderr)
        return 2
    options = VerifyOptions(contract=args.contract, base_urls=base_urls, contracts_dir=args.contracts_dir,
                            credentials=credentials, operations=args.operations, max_examples=args.max_examples,
                            max_requests=args.max_requests, time_limit=args.time_limit, timeout=args.timeout,
                            seed=args.seed, allow_writes=args.allow_writes, now=now)
    progress = None if args.no_progress else ProgressBar()
    try:
        report = Verifier(options, progress=progress).run()
    except KeyError as exc:
        print(f"apisim verify: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2
    for result in report.failed:
        print(failure_report(result), end="\n\n")
    if not args.quiet:
        for result in report.results:
            if result.status == "skipped":
                print(f"skipped {result.deployment}/{result.name}: {result.reason}")
    print(summary_table(report))
    if args.junit_xml:
        write_junit_xml([report], args.junit_xml)
        print(f"wrote {args.junit_xml}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(as_json(report), ensure_ascii=False, indent=2) + "\n", "utf-8")
        print(f"wrote {args.json_out}")
    return 0 if report.ok else 1


def _base_urls(args: argparse.Namespace, contract: Any) -> dict[str, str]:
    names = [d.name for d in contract.deployments]
    for name in args.deployments or []:
        contract.deployment(name)  # KeyError naming the known ones
    if args.base_url:
        if args.deployments and len(args.deployments) > 1:
            raise ValueError("--base-url serves one deployment; use --urls-json for several")
        if not args.deployments and len(names) > 1:
            raise ValueError(f"{contract.service} has {len(names)} deployments ({', '.join(names)}): "
                             "say which one --base-url serves with --deployment, or use --urls-json")
        return {(args.deployments or names)[0]: args.base_url}
    urls = json.loads(Path(args.urls_json).read_text("utf-8"))
    entry = urls.get(contract.service)
    if not isinstance(entry, dict):
        raise ValueError(f"{args.urls_json} has no entry for {contract.service}")
    wanted = args.deployments or [n for n in names if n in entry]
    return {name: entry[name]["local"] for name in wanted if name in entry}


def _check_listening(url: str, timeout: float) -> None:
    """One line instead of a failed case per request when the server is not there at all."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url}: not an http(s) URL")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname, port), timeout=min(timeout, 5.0)):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ValueError(f"nothing listens at {url} ({reason}); start the server first, or check the URL") from None


def _parse_now(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
