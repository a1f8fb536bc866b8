"""The ``apisim`` command: serve, contracts, and the subsystems' own subcommands.

Exit status of every command: 0 done; 1 a check failed (``verify`` found a failure, ``report``
is under ``--fail-under``); 2 apisim could not do what was asked (a usage error, an unknown
name, a file it cannot read or write, a port in use, nothing listening at a URL), said in one
line on standard error with what to do instead.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from typing import TYPE_CHECKING, Sequence

from simulator.config import DEFAULT_HOST, DEFAULT_PORT_BASE, SimulatorConfig, load_credentials_file
from simulator.core.errors import ContractError, UsageError

if TYPE_CHECKING:
    from simulator.contracts import Contract
    from simulator.startup import UrlsFile

USAGE_ERROR = 2
PORT_BASE_VARIABLE = "APISIM_PORT_BASE"  # the default --port-base, for scripts that must move every port


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("apisim")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def default_port_base() -> int:
    text = os.environ.get(PORT_BASE_VARIABLE)
    if text is None:
        return DEFAULT_PORT_BASE
    if not text.isdigit():
        raise UsageError(f"{PORT_BASE_VARIABLE}={text}: a port number, e.g. {DEFAULT_PORT_BASE}")
    return int(text)


def positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: a whole number, at least 1")
    return int(text)


# --proxy-timeout: above nothing, and at most what a client would wait for a gateway; each proxied
# request holds a worker thread for as long as its upstream takes.
PROXY_TIMEOUT_RANGE = (0.1, 300.0)


def proxy_timeout(text: str) -> float:
    low, high = PROXY_TIMEOUT_RANGE
    try:
        seconds = float(text)
    except ValueError:
        seconds = float("nan")
    if not low <= seconds <= high:  # NaN fails both comparisons
        raise argparse.ArgumentTypeError(f"{text!r}: seconds, from {low:g} to {high:g}")
    return seconds


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="apisim", description="Contract-driven offline simulator of vendor HTTP APIs.",
                                     epilog="Exit status: 0 done, 1 a check failed, 2 apisim could not do what was "
                                            "asked (the message says what to change).")
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="start every service on loopback, one port per deployment")
    serve.add_argument("--host", default=DEFAULT_HOST,
                       help="loopback address to bind (default %(default)s); others need --allow-remote")
    serve.add_argument("--allow-remote", action="store_true",
                       help="allow a --host that is not loopback: every interface it names answers anyone who can "
                            "reach it (needs --admin-token)")
    serve.add_argument("--port-base", type=int, default=None,
                       help="deployment i of a service listens on PORT_BASE + 10*port_block + i (default "
                            f"${PORT_BASE_VARIABLE} or {DEFAULT_PORT_BASE})")
    serve.add_argument("--seed", type=int, default=None, help="seed for all fake data (default 0)")
    serve.add_argument("--service", action="append", dest="services", metavar="NAME",
                       help="serve only this service (repeatable); default: all")
    serve.add_argument("--credentials", metavar="FILE", help="JSON or TOML: {service: [credential, ...]} added to the demo ones")
    serve.add_argument("--urls-json", metavar="PATH",
                       help="write {service: {deployment: {original, local}, credentials}} once every port accepts "
                            "(removed at stop, and at start if an earlier run left it)")
    serve.add_argument("--contracts-dir", metavar="DIR", help="load contracts from DIR instead of the shipped ones; a "
                       "contract with no service package is served by the generic service (docs/adding-an-api.md)")
    serve.add_argument("--with-shipped", action="store_true", default=None,
                       help="with --contracts-dir: serve the shipped contracts too (DIR's replace those of their name)")
    serve.add_argument("--proxy", action="append", dest="proxies", metavar="SERVICE=URL",
                       help="forward SERVICE's traffic to URL, checking every request and answer against its contract "
                            "(repeatable; docs/adding-an-api.md)")
    serve.add_argument("--allow-network", action="store_true",
                       help="allow a --proxy upstream that is not on loopback (apisim sends nothing off it otherwise)")
    serve.add_argument("--record", metavar="DIR", dest="record_dir",
                       help="with --proxy: save the exchanges in DIR as examples a contract can adopt")
    serve.add_argument("--proxy-timeout", type=proxy_timeout, metavar="SECONDS",
                       help="with --proxy: how long connecting to the upstream and each read from it may take "
                            f"(default 30, from {PROXY_TIMEOUT_RANGE[0]:g} to {PROXY_TIMEOUT_RANGE[1]:g})")
    serve.add_argument("--config", metavar="FILE", help="TOML: seed, credentials, faults, rate limits, scenarios, "
                       "state, admin token (see examples/apisim.toml)")
    serve.add_argument("--fault", action="append", dest="faults", metavar="SPEC",
                       help="inject a fault, e.g. 'aliyun-saf:*:delay=200ms,p=0.1' (repeatable; docs/failure-testing.md)")
    serve.add_argument("--admin-token", metavar="TOKEN", help="require this token on /__apisim/ (Authorization: Bearer TOKEN)")
    serve.add_argument("--admin-host", action="append", dest="admin_hosts", metavar="NAME",
                       help="a name besides loopback the admin API answers under (repeatable; docs/limits.md)")
    serve.add_argument("--header-timeout", type=float, metavar="SECONDS",
                       help="a request's line and headers must arrive within this (default 10; docs/limits.md)")
    serve.add_argument("--body-timeout", type=float, metavar="SECONDS",
                       help="then its body within this (default 30)")
    serve.add_argument("--max-connections", type=int, metavar="N",
                       help="connections open at once per port and worker (default 4096)")
    serve.add_argument("--server", choices=("httptools", "granian", "gunicorn", "dev"), default="httptools",
                       help="httptools (default): pre-fork workers with apisim's own HTTP/1.1 server; granian: the same "
                            "workers with granian's; gunicorn; dev: one process, werkzeug (docs/performance.md)")
    serve.add_argument("--workers", type=positive, default=None, metavar="N",
                       help="worker processes (default: the number of cores; dev: 1)")
    serve.add_argument("--no-pin", dest="pin_workers", action="store_false",
                       help="let the kernel move granian workers between cores (default: each keeps to one; httptools workers never do)")
    serve.add_argument("--store", metavar="URL", dest="store_url",
                       help="memory:// (one worker), sqlite:///path.db (default with several workers: a fresh temporary "
                            "file) or redis://host:port/db")

    contracts = sub.add_parser("contracts", help="list services, operations and error codes")
    contracts.add_argument("--service", help="only this service")
    contracts.add_argument("--contracts-dir", metavar="DIR", help="load contracts from DIR instead of the shipped ones")
    contracts.add_argument("--names", action="store_true", help="only the service names, one a line (for scripts)")
    contracts.add_argument("--codes", action="store_true",
                           help="each error catalogue as a Markdown table: code, HTTP status, message, natural trigger "
                                "or fault-only")
    contracts.add_argument("--write-docs", metavar="DIR",
                           help="with --codes: rewrite the table in DIR/<service>.md between its '<!-- codes:begin' "
                                "and '<!-- codes:end -->' lines (docs/services for the shipped contracts)")

    for add_commands in _command_modules():
        add_commands(sub)
    return parser


# Subsystems that bring their own subcommands: each module has ``add_commands(subparsers)``
# and sets ``handler`` on its parsers (``handler(args) -> int``).
COMMAND_MODULES = (
    "simulator.faces.cli",
    "simulator.verify.cli",
    "simulator.openapi.cli",
    "simulator.control.cli",
    "simulator.coverage.cli",
    "simulator.bench.cli",
    "simulator.authoring.cli",
)


def _command_modules():
    import importlib

    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not (name == exc.name or name.startswith(exc.name + ".")):
                raise  # the module exists but something it imports is missing: a real error
            continue
        yield getattr(module, "add_commands")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "serve":
            return serve(args)
        if args.command == "contracts":
            return list_contracts(args)
        handler = getattr(args, "handler", None)
        if handler is not None:
            return int(handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except (UsageError, ContractError, ValueError, LookupError, OSError) as exc:
        # What the user can fix: one line, no traceback (a bug raises something else and shows its traceback).
        print(f"apisim {args.command}: {one_line(exc)}", file=sys.stderr)
        return USAGE_ERROR
    parser.error(f"unknown command {args.command}")
    return USAGE_ERROR


def one_line(exc: BaseException) -> str:
    text = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
    if isinstance(exc, OSError) and exc.filename and exc.strerror:
        text = f"{exc.filename}: {exc.strerror}"
    return " ".join(str(text).split())


def serve(args: argparse.Namespace) -> int:
    from simulator.control.config_file import apply_serve_options
    from simulator.startup import UrlsFile, check_serve_config

    credentials = load_credentials_file(args.credentials) if args.credentials else {}
    port_base = args.port_base if args.port_base is not None else default_port_base()
    config = SimulatorConfig(seed=args.seed or 0, services=args.services, credentials=credentials, host=args.host,
                             allow_remote=args.allow_remote, port_base=port_base, contracts_dir=args.contracts_dir,
                             extensions=proxy_extensions(args))
    config = apply_serve_options(config, args)  # --config FILE, --fault, --admin-token (simulator/control)
    check_serve_config(config)  # host, ports, credentials: before anything is bound or forked
    urls_file = UrlsFile(args.urls_json) if args.urls_json else None  # its folder checked, a stale file removed
    try:
        if args.server != "dev" or args.store_url:  # production serving: simulator/serving/
            return serve_workers(config, args, urls_file)
        return serve_dev(config, urls_file)
    finally:
        if urls_file is not None:
            urls_file.remove()


def proxy_extensions(args: argparse.Namespace) -> list:
    """``--proxy SERVICE=URL`` (with ``--allow-network``, ``--record``) as the simulator's extension,
    checked now: an upstream off loopback is refused before anything is bound, let alone sent."""
    if not args.proxies:
        for given, option in ((args.record_dir, "--record saves"), (args.proxy_timeout, "--proxy-timeout bounds")):
            if given is not None:
                raise UsageError(f"{option} what --proxy forwards: give --proxy SERVICE=URL")
        return []
    from simulator.proxy import ProxyExtension

    timeout = {} if args.proxy_timeout is None else {"timeout": args.proxy_timeout}
    return [ProxyExtension.of(args.proxies, allow_network=args.allow_network, record_dir=args.record_dir, **timeout)]


def announce(urls: dict, urls_file: "UrlsFile | None", server: str) -> None:
    """What ``apisim serve`` prints once every port accepts (and the URL file it writes then)."""
    print(format_url_table(urls), flush=True)
    if urls_file is not None:
        urls_file.write(urls)
        print(f"wrote {urls_file.path}", flush=True)
    first = next(info["local"] for entry in urls.values() for dep, info in entry.items() if dep != "credentials")
    origin = "/".join(first.split("/")[:3])
    print(f"dashboard: {origin}/__apisim/dashboard/  (admin API: {origin}/__apisim/, readiness: "
          f"{origin}/__apisim/health)", flush=True)
    print(f"apisim is serving ({server}); press Ctrl-C to stop.", flush=True)


def serve_dev(config: SimulatorConfig, urls_file: "UrlsFile | None") -> int:
    from simulator.server import SimulatorServer

    server = SimulatorServer(config).start()
    try:
        server.wait_until_accepting()
        announce(server.urls(), urls_file, "dev")
        stop = threading.Event()

        def request_stop(signum: int, frame: object) -> None:
            stop.set()

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        stop.wait()
    finally:
        server.stop()
    print("apisim stopped.", flush=True)
    return 0


def serve_workers(config: SimulatorConfig, args: argparse.Namespace, urls_file: "UrlsFile | None") -> int:
    import dataclasses

    from simulator.serving import serve as serve_production
    from simulator.server import SimulatorServer

    config = dataclasses.replace(config, store_url=args.store_url or config.store_url)

    def ready(simulator) -> None:
        announce(SimulatorServer(simulator.config, simulator=simulator).urls(), urls_file, args.server)

    code = serve_production(config, server=args.server, workers=1 if args.server == "dev" else args.workers,
                            on_ready=ready, pin_workers=args.pin_workers,
                            on_orphaned=urls_file.discard if urls_file is not None else lambda: None)
    print("apisim stopped.", flush=True)
    return code


def format_url_table(urls: dict) -> str:
    rows = [("service", "deployment", "original base URL", "local URL")]
    for service, entry in urls.items():
        for dep, info in entry.items():
            if dep == "credentials":
                continue
            rows.append((service, dep, info["original"], info["local"]))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def list_contracts(args: argparse.Namespace) -> int:
    from simulator.contracts import load_contracts

    contracts = load_contracts(args.contracts_dir, [args.service] if args.service else None)
    if args.names:
        print("\n".join(contracts))
        return 0
    if args.write_docs and not args.codes:
        raise UsageError("--write-docs writes the code tables: add --codes")
    if args.codes:
        return print_code_tables(list(contracts.values()), args.write_docs)
    for contract in contracts.values():
        print(f"{contract.service}: {contract.title} ({contract.source})")
        for dep in contract.deployments:
            print(f"  deployment {dep.name}: {dep.base_url}")
        for op in contract.operations.values():
            print(f"  {op.id}: {op.method} {op.path}  {op.summary}")
            if op.errors:
                print(f"    errors: {', '.join(op.errors)}")
        print(f"  error catalogue: {len(contract.errors)} codes")
        for code, entry in contract.errors.items():
            print(f"    {code} (HTTP {entry.http_status}): {entry.message}")
    return 0


def print_code_tables(contracts: list[Contract], pages_dir: str | None) -> int:
    from pathlib import Path

    from simulator.contracts.catalogue import catalogue_counts, code_table, update_pages

    if pages_dir is None:
        for contract in contracts:
            natural, forced = catalogue_counts(contract)
            print(f"{contract.service}: {natural + forced} codes, {natural} natural, {forced} fault-only\n")
            print(code_table(contract) + "\n")
        return 0
    for page, changed in update_pages(contracts, Path(pages_dir)):
        print(f"{page}: {'updated' if changed else 'up to date'}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
