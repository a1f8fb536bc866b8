"""The ``apisim`` command: serve, contracts, image."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Sequence

from simulator.config import DEFAULT_HOST, DEFAULT_PORT_BASE, SimulatorConfig, load_credentials_file


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="apisim", description="Contract-driven offline simulator of vendor HTTP APIs.")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="start every service on loopback, one port per deployment")
    serve.add_argument("--host", default=DEFAULT_HOST, help="loopback address to bind (default %(default)s)")
    serve.add_argument("--port-base", type=int, default=DEFAULT_PORT_BASE,
                       help="deployment i of a service listens on PORT_BASE + 10*port_block + i (default %(default)s)")
    serve.add_argument("--seed", type=int, default=None, help="seed for all fake data (default 0)")
    serve.add_argument("--service", action="append", dest="services", metavar="NAME",
                       help="serve only this service (repeatable); default: all")
    serve.add_argument("--credentials", metavar="FILE", help="JSON or TOML: {service: [credential, ...]} added to the demo ones")
    serve.add_argument("--urls-json", metavar="PATH", help="write {service: {deployment: {original, local}, credentials}} once every port accepts")
    serve.add_argument("--contracts-dir", metavar="DIR", help="load contracts from DIR instead of the shipped ones")
    serve.add_argument("--config", metavar="FILE", help="TOML: seed, credentials, faults, rate limits, scenarios, "
                       "state, admin token (see examples/apisim.toml)")
    serve.add_argument("--fault", action="append", dest="faults", metavar="SPEC",
                       help="inject a fault, e.g. 'aliyun-saf:*:delay=200ms,p=0.1' (repeatable; docs/failure-testing.md)")
    serve.add_argument("--admin-token", metavar="TOKEN", help="require this token on /__apisim/ (Authorization: Bearer TOKEN)")
    serve.add_argument("--server", choices=("granian", "gunicorn", "dev"), default="granian",
                       help="granian (default): pre-fork workers; gunicorn; dev: one process, werkzeug (docs/performance.md)")
    serve.add_argument("--workers", type=int, default=None, metavar="N",
                       help="worker processes (default: the number of cores; dev: 1)")
    serve.add_argument("--no-pin", dest="pin_workers", action="store_false",
                       help="let the kernel move granian workers between cores (default: each worker keeps to one)")
    serve.add_argument("--store", metavar="URL", dest="store_url",
                       help="memory:// (one worker), sqlite:///path.db (default with several workers: a fresh temporary "
                            "file) or redis://host:port/db")

    contracts = sub.add_parser("contracts", help="list services, operations and error codes")
    contracts.add_argument("--service", help="only this service")
    contracts.add_argument("--contracts-dir", metavar="DIR", help="load contracts from DIR instead of the shipped ones")
    contracts.add_argument("--names", action="store_true", help="only the service names, one a line (for scripts)")

    for add_commands in _command_modules():
        add_commands(sub)
    return parser


# Subsystems that bring their own subcommands: each module has ``add_commands(subparsers)``
# and sets ``handler`` on its parsers (``handler(args) -> int``).
COMMAND_MODULES = (
    "simulator.imaging.cli",
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
    if args.command == "serve":
        return serve(args)
    if args.command == "contracts":
        return list_contracts(args)
    handler = getattr(args, "handler", None)
    if handler is not None:
        return int(handler(args) or 0)
    parser.error(f"unknown command {args.command}")
    return 2


def serve(args: argparse.Namespace) -> int:
    from simulator.control.config_file import apply_serve_options
    from simulator.server import SimulatorServer

    credentials = load_credentials_file(args.credentials) if args.credentials else {}
    config = SimulatorConfig(seed=args.seed or 0, services=args.services, credentials=credentials, host=args.host,
                             port_base=args.port_base, contracts_dir=args.contracts_dir)
    config = apply_serve_options(config, args)  # --config FILE, --fault, --admin-token (simulator/control)
    if args.server != "dev" or args.store_url:  # production serving: simulator/serving.py
        return serve_workers(config, args)
    server = SimulatorServer(config).start()
    print(format_url_table(server.urls()), flush=True)
    if args.urls_json:
        server.write_urls_json(args.urls_json)
        print(f"wrote {args.urls_json}", flush=True)
    print("apisim is serving; press Ctrl-C to stop.", flush=True)
    stop = threading.Event()

    def request_stop(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    stop.wait()
    server.stop()
    print("apisim stopped.", flush=True)
    return 0


def serve_workers(config: SimulatorConfig, args: argparse.Namespace) -> int:
    import dataclasses

    from simulator.serving import serve as serve_production
    from simulator.server import SimulatorServer

    config = dataclasses.replace(config, store_url=args.store_url or config.store_url)

    def ready(simulator) -> None:
        urls = SimulatorServer(simulator.config, simulator=simulator).urls()
        print(format_url_table(urls), flush=True)
        if args.urls_json:
            import json
            from pathlib import Path

            Path(args.urls_json).write_text(json.dumps(urls, ensure_ascii=False, indent=2) + "\n", "utf-8")
            print(f"wrote {args.urls_json}", flush=True)
        print(f"apisim is serving ({args.server}); press Ctrl-C to stop.", flush=True)

    code = serve_production(config, server=args.server, workers=1 if args.server == "dev" else args.workers,
                            on_ready=ready, pin_workers=args.pin_workers)
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
